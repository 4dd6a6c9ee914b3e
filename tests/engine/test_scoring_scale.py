"""Scoring onto a scale ([LO, HI]), the shifted z-score, and the refusal of unknown scoring parameters.

Expected numbers are worked out by hand in each test from the formulas written in its comment."""

from __future__ import annotations

import math

import numpy as np
import pytest

from chiso.engine.compute import compute
from chiso.engine.errors import FrameworkError
from chiso.engine.framework import Framework
from chiso.engine.scoring import (
    apply_rule,
    score_goalposts,
    score_minmax,
    score_percentile,
    score_ratio_to_max,
    score_zscore,
)
from chiso.lib.problems import message


def _fw(scoring, method="weighted_mean", n=2, **top):
    kids = [{"code": f"i{k}", "name": f"I{k}", "scoring": scoring, "weight": 1 / n} for k in range(n)]
    return Framework.from_dict({"id": "t", "name": "t", "edition": 2024,
                                "root": {"code": "r", "name": "R", "method": method, "children": kids}, **top})


# --- the rules ----------------------------------------------------------------------------


def test_minmax_onto_1_100_by_hand():
    # x = 2, 4, 10: min 2, max 10, range 8 -> 1 + 99 (x - 2) / 8 = 1, 25.75, 100
    assert score_minmax([2.0, 4.0, 10.0], scale=(1, 100)).tolist() == [1.0, 25.75, 100.0]
    # direction -1: 1 + 99 (10 - x) / 8 = 100, 75.25, 1
    assert score_minmax([2.0, 4.0, 10.0], direction=-1, scale=(1, 100)).tolist() == [100.0, 75.25, 1.0]


def test_minmax_per_column_scales_and_directions_broadcast():
    x = np.array([[0.0, 0.0], [5.0, 5.0], [10.0, 10.0]])
    out = score_minmax(x, direction=[1, -1], scale=(np.array([0.0, 10.0]), np.array([1.0, 20.0])))
    np.testing.assert_allclose(out, [[0.0, 20.0], [0.5, 15.0], [1.0, 10.0]])


def test_minmax_constant_scores_the_top_of_the_scale_and_missing_stays_missing():
    assert score_minmax([3.0, 3.0, np.nan], scale=(1, 100)).tolist()[:2] == [100.0, 100.0]
    assert math.isnan(score_minmax([3.0, 3.0, np.nan], scale=(1, 100))[2])


def test_minmax_never_writes_minus_zero_and_does_not_modify_its_input():
    x = np.array([[2.0, 2.0], [6.0, 6.0]])
    out = score_minmax(x, direction=[1, -1])
    assert not np.any(np.signbit(out))
    assert x.tolist() == [[2.0, 2.0], [6.0, 6.0]]


def test_ratio_to_max_percentile_and_goalposts_on_a_scale():
    # ratio: x / max = 0.25, 0.5, 1 -> 10 + 10 s
    assert score_ratio_to_max([1.0, 2.0, 4.0], scale=(10, 20)).tolist() == [12.5, 15.0, 20.0]
    # percentile: (n - r) / (n - 1) = 0, 0.5, 1 -> 1 + 99 s
    assert score_percentile([1.0, 2.0, 4.0], scale=(1, 100)).tolist() == [1.0, 50.5, 100.0]
    # goalposts 0..100, clipped, onto [1, 100]: -5 -> 1, 50 -> 50.5, 150 -> 100
    assert score_goalposts([-5.0, 50.0, 150.0], lo=0, hi=100, scale=(1, 100)).tolist() == [1.0, 50.5, 100.0]


def test_shifted_zscore_is_mean_plus_sd_times_z():
    # x = 1, 2, 3, 6: mean 3, sample sd sqrt((4 + 1 + 0 + 9) / 3) = sqrt(14/3)
    sd = math.sqrt(14 / 3)
    z = [(v - 3) / sd for v in (1, 2, 3, 6)]
    np.testing.assert_allclose(score_zscore([1.0, 2.0, 3.0, 6.0], mean=10, sd=2), [10 + 2 * v for v in z])
    np.testing.assert_allclose(score_zscore([1.0, 2.0, 3.0, 6.0], mean=10, sd=2, direction=-1),
                               [10 - 2 * v for v in z])
    assert score_zscore([5.0, 5.0, 5.0], mean=10, sd=2).tolist() == [10.0, 10.0, 10.0]


def test_apply_rule_passes_scale_and_zscore_parameters():
    assert apply_rule("minmax", [0.0, 1.0], params={"scale": [1, 100]}).tolist() == [1.0, 100.0]
    assert apply_rule("zscore", [1.0, 3.0], params={"mean": 10, "sd": 2}).tolist() == pytest.approx([8.6, 11.4],
                                                                                                     abs=0.02)


# --- the framework file ---------------------------------------------------------------------


def test_node_score_range_is_the_scale_and_zscore_unbounded():
    fw = _fw({"rule": "minmax", "scale": [1, 100]})
    assert fw.node("i0").score_range == (1.0, 100.0)
    assert fw.root.score_range == (1.0, 100.0)
    assert _fw({"rule": "zscore", "mean": 10, "sd": 2}).node("i0").score_range == (None, None)


def test_a_given_aggregate_value_is_checked_against_the_scaled_range():
    fw = _fw({"rule": "minmax", "scale": [1, 100]})
    r = compute(fw, {"a": {"r": 50.0}, "b": {"r": 100.0}})  # inside [1, 100]: accepted
    assert r.score("a") == 50.0
    with pytest.raises(Exception) as e:
        compute(fw, {"a": {"r": 0.5}, "b": {"r": 100.0}})
    assert "outside [1, 100]" in str(e.value)


def test_geometric_mean_on_a_1_100_scale_never_gives_zero():
    fw = _fw({"rule": "minmax", "scale": [1, 100]}, method="geometric")
    r = compute(fw, {"a": {"i0": 0.0, "i1": 10.0}, "b": {"i0": 10.0, "i1": 0.0}, "c": {"i0": 5.0, "i1": 5.0}})
    # a: scores 1 and 100 with weights 1/2 -> sqrt(100) = 10; c: 50.5 and 50.5 -> 50.5
    assert r.score("a") == pytest.approx(10.0)
    assert r.score("c") == pytest.approx(50.5)


@pytest.mark.parametrize("scale", [[1], [100, 1], [0, 0], [0, float("inf")], ["a", 1], [True, 2], 5])
def test_a_bad_scale_is_refused_naming_the_node(scale):
    with pytest.raises(FrameworkError) as e:
        _fw({"rule": "minmax", "scale": scale})
    p = next(q for q in e.value.problems if q.code == "framework.bad_scale")
    assert p.node == "i0"
    assert "thang điểm" in message(p, "vi")


@pytest.mark.parametrize(("params", "key"), [({"sd": 0}, "sd"), ({"sd": -1}, "sd"), ({"sd": float("nan")}, "sd"),
                                             ({"mean": float("inf")}, "mean"), ({"mean": "10"}, "mean")])
def test_a_bad_zscore_mean_or_sd_is_refused(params, key):
    with pytest.raises(FrameworkError) as e:
        _fw({"rule": "zscore", **params})
    p = next(q for q in e.value.problems if q.code == "framework.bad_zscore")
    assert p.params["key"] == key


@pytest.mark.parametrize(("scoring", "key"), [
    ({"rule": "threshold", "steps": [[1, 1]], "scale": [0, 10]}, "scale"),
    ({"rule": "zscore", "scale": [0, 10]}, "scale"),
    ({"rule": "minmax", "sd": 2}, "sd"),
    ({"rule": "given", "lo": 0}, "lo"),
    ({"rule": "goalposts", "lo": 0, "hi": 1, "target": 2}, "target"),
    ({"rule": "yes_no", "levels": {0: 0}}, "levels"),
])
def test_an_unknown_scoring_parameter_is_refused_with_the_key_named(scoring, key):
    with pytest.raises(FrameworkError) as e:
        _fw(scoring)
    p = next(q for q in e.value.problems if q.code == "framework.unknown_param")
    assert (p.node, p.params["key"], p.params["rule"]) == ("i0", key, scoring["rule"])
    vi = message(p, "vi")
    assert f"không có tham số “{key}”" in vi and "“i0”" in vi
    assert f"has no parameter “{key}”" in message(p, "en")


def test_every_rule_takes_the_parameters_the_docs_list():
    for scoring in ({"rule": "minmax", "scale": [1, 100]}, {"rule": "ratio_to_max", "scale": [0, 10]},
                    {"rule": "percentile", "scale": [0, 10]}, {"rule": "goalposts", "lo": 0, "hi": 5, "scale": [1, 2]},
                    {"rule": "zscore", "mean": 10, "sd": 2}, {"rule": "ratio_capped", "target": 2},
                    {"rule": "threshold", "steps": [[1, 10]], "points": 10}, {"rule": "partial", "levels": {0: 0}}):
        _fw(scoring)  # no error


def test_compute_scales_batched_columns_independently():
    kids = [{"code": "a", "name": "A", "scoring": {"rule": "minmax", "scale": [1, 100]}, "weight": 0.5},
            {"code": "b", "name": "B", "scoring": "minmax", "direction": -1, "weight": 0.5}]
    fw = Framework.from_dict({"id": "t", "name": "t", "edition": 2024,
                              "root": {"code": "r", "name": "R", "method": "weighted_sum", "children": kids}})
    r = compute(fw, {"u": {"a": 0.0, "b": 0.0}, "v": {"a": 4.0, "b": 4.0}, "w": {"a": 1.0, "b": 1.0}})
    # a: 1 + 99 x / 4 -> 1, 100, 25.75 ; b: (4 - x) / 4 -> 1, 0, 0.75
    np.testing.assert_allclose(r.scores[:, r.codes.index("a")], [1.0, 100.0, 25.75])
    np.testing.assert_allclose(r.scores[:, r.codes.index("b")], [1.0, 0.0, 0.75])
    np.testing.assert_allclose(r.total, [1.0, 50.0, 13.25])
