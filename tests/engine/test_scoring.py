from __future__ import annotations

import numpy as np
import pytest

from chiso.engine import scoring as sc
from chiso.engine.errors import InputError


def test_it_scores_minmax_by_hand():
    assert sc.score_minmax([2.0, 4.0, 6.0]).tolist() == [0.0, 0.5, 1.0]
    assert sc.score_minmax([2.0, 4.0, 6.0], direction=-1).tolist() == [1.0, 0.5, 0.0]


def test_it_scores_minmax_per_column_with_nan():
    x = np.array([[1.0, 10.0], [3.0, np.nan], [2.0, 30.0]])
    s = sc.score_minmax(x, direction=[1, -1])
    np.testing.assert_allclose(s[:, 0], [0.0, 1.0, 0.5])
    assert s[0, 1] == 1.0 and np.isnan(s[1, 1]) and s[2, 1] == 0.0


def test_it_scores_constant_minmax_as_one():
    assert sc.score_minmax([5.0, 5.0, np.nan]).tolist()[:2] == [1.0, 1.0]


def test_it_keeps_goalposts_when_applying_to_new_values():
    gp = sc.fit_minmax([[0.0], [10.0]])
    out = sc.apply_minmax([[5.0], [20.0]], gp, clip=True)
    assert out.ravel().tolist() == [0.5, 1.0]


def test_it_handles_replicate_axis():
    x = np.random.default_rng(0).random((3, 5, 2))
    s = sc.score_minmax(x)
    assert s.shape == x.shape
    np.testing.assert_allclose(s.min(axis=1), 0.0)
    np.testing.assert_allclose(s.max(axis=1), 1.0)


def test_it_scores_ratio_to_max():
    assert sc.score_ratio_to_max([1.0, 2.0, 4.0]).tolist() == [0.25, 0.5, 1.0]
    assert sc.score_ratio_to_max([1.0, 2.0, 4.0], direction=-1).tolist() == [1.0, 0.5, 0.25]
    assert sc.score_ratio_to_max([0.0, 0.0]).tolist() == [0.0, 0.0]
    with pytest.raises(InputError) as e:
        sc.score_ratio_to_max([-1.0, 2.0])
    assert e.value.code == "negative_value"


def test_it_scores_goalposts_clipped():
    assert sc.score_goalposts([-5, 0, 50, 100, 150], lo=0, hi=100).tolist() == [0, 0, 0.5, 1, 1]
    assert sc.score_goalposts([25], lo=0, hi=100, direction=-1).tolist() == [0.75]


def test_it_scores_zscore():
    z = sc.score_zscore([1.0, 2.0, 3.0])
    np.testing.assert_allclose(z, [-1.0, 0.0, 1.0])
    assert sc.score_zscore([4.0, 4.0]).tolist() == [0.0, 0.0]


def test_it_scores_percentile_with_ties():
    s = sc.score_percentile([10, 30, 30, 20])
    np.testing.assert_allclose(s, [0.0, 1.0, 1.0, 1 / 3])
    assert sc.score_percentile([7.0]).tolist() == [1.0]


def test_it_scores_threshold_table():
    steps = [[4, 20], [3, 15], [2, 10], [1, 5]]
    assert sc.score_threshold([0, 1, 2, 3, 4, 7], steps=steps, points=20).tolist() == [0, 0.25, 0.5, 0.75, 1, 1]
    assert sc.score_threshold([1, 5], steps=[[2, 1.0], [4, 0.5]], direction=-1).tolist() == [1.0, 0.0]


def test_it_scores_ratio_capped():
    assert sc.score_ratio_capped([0.0, 0.4, 0.8, 1.6], target=0.8).tolist() == [0.0, 0.5, 1.0, 1.0]


def test_it_scores_yes_no_and_rejects_other_values():
    assert sc.score_yes_no([0, 1, np.nan])[:2].tolist() == [0.0, 1.0]
    with pytest.raises(InputError) as e:
        sc.score_yes_no([0, 2])
    assert e.value.code == "not_yes_no" and e.value.params["positions"] == [[1]]


def test_it_scores_partial_credit():
    assert sc.score_partial([0, 1, 2], levels={0: 0, 1: 0.5, 2: 1}).tolist() == [0.0, 0.5, 1.0]
    with pytest.raises(InputError):
        sc.score_partial([3], levels={0: 0, 1: 1})


def test_it_never_mutates_input():
    x = np.array([3.0, 1.0, 2.0])
    for fn in (sc.score_minmax, sc.score_ratio_to_max, sc.score_zscore, sc.score_percentile):
        fn(x)
    assert x.tolist() == [3.0, 1.0, 2.0]
