from __future__ import annotations

import numpy as np
import pytest

from chiso.engine.aggregate import (
    agg_geometric,
    agg_harmonic,
    agg_points_ratio,
    agg_points_sum,
    agg_weighted_mean,
    agg_weighted_sum,
    rank_competition,
)
from chiso.engine.errors import AggregationError


def test_it_computes_weighted_mean_by_hand():
    assert agg_weighted_mean([[0.2, 0.4, 0.9]], [1, 1, 2]).tolist() == pytest.approx([0.6])


def test_it_propagates_nan_unless_skipping():
    x = [[0.2, np.nan, 0.8]]
    assert np.isnan(agg_weighted_mean(x, [1, 1, 1])[0])
    assert agg_weighted_mean(x, [1, 1, 1], skip_missing=True).tolist() == pytest.approx([0.5])


def test_it_ignores_zero_weight_children():
    assert agg_weighted_mean([[0.5, np.nan]], [1, 0]).tolist() == [0.5]


def test_it_sums_points():
    assert agg_weighted_sum([[10.0, 5.0]], [1, 2]).tolist() == [20.0]
    assert agg_points_sum([[1.0, 0.5]], [20, 10]).tolist() == [25.0]
    # skip-and-reweight rescales to the full maximum
    assert agg_points_sum([[1.0, np.nan]], [20, 20], skip_missing=True).tolist() == [40.0]


def test_it_computes_dti_from_main_indices():
    m = [100, 100, 100, 100, 100, 0, 200, 150, 150]
    x = [[0.5, 0.6, 0.7, 0.8, 0.9, 0.1, 0.4, 0.3, 0.2]]
    expected = (50 + 60 + 70 + 80 + 90 + 0 + 80 + 45 + 30) / 1000
    assert agg_points_ratio(x, m).tolist() == pytest.approx([expected])


def test_it_computes_geometric_and_harmonic():
    assert agg_geometric([[1.0, 4.0]], [1, 1]).tolist() == pytest.approx([2.0])
    assert agg_harmonic([[1.0, 0.5]], [1, 1]).tolist() == pytest.approx([2 / 3])


@pytest.mark.parametrize("fn", [agg_geometric, agg_harmonic])
def test_it_rejects_non_positive_values(fn):
    with pytest.raises(AggregationError) as e:
        fn([[0.5, 0.0]], [1, 1])
    assert e.value.code == "aggregation_nonpositive"
    assert e.value.params["positions"] == [[0, 1]]


def test_it_broadcasts_replicate_weights():
    x = np.ones((4, 3, 2)) * [0.2, 0.8]
    w = np.array([[1, 1], [1, 3], [3, 1], [0, 1]])[:, None, :]
    out = agg_weighted_mean(x, w)
    np.testing.assert_allclose(out[:, 0], [0.5, 0.65, 0.35, 0.8])


def test_it_ranks_competition_style():
    assert rank_competition([0.9, 0.8, 0.8, 0.7]).tolist() == [1, 2, 2, 4]


def test_it_ranks_on_rounded_values_and_leaves_nan_unranked():
    r = rank_competition([0.61234, 0.61231, np.nan, 0.5], decimals=4)
    assert r[:2].tolist() == [1, 1] and np.isnan(r[2]) and r[3] == 3
