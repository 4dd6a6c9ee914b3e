"""Property-based invariants of compute (hypothesis)."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from chiso.engine.aggregate import rank_competition
from chiso.engine.compute import compute
from chiso.engine.framework import Framework

RULES = ["minmax", "ratio_to_max", "percentile"]


def fw_for(rule: str, method: str) -> Framework:
    return Framework.from_dict({
        "id": "p", "name": "p", "edition": 1,
        "root": {"code": "t", "method": method, "children": [
            {"code": "G1", "method": "weighted_mean", "weight": 0.6, "children": [
                {"code": "x1", "scoring": rule}, {"code": "x2", "scoring": rule, "weight": 2}]},
            {"code": "G2", "method": "weighted_mean", "weight": 0.4, "children": [
                {"code": "x3", "scoring": rule}]},
        ]},
    })


values = arrays(np.float64, st.tuples(st.integers(2, 12), st.just(3)),
                elements=st.floats(0, 1000, allow_nan=False, allow_subnormal=False))


@settings(max_examples=60, deadline=None)
@given(values, st.sampled_from(RULES), st.sampled_from(["weighted_mean", "weighted_sum"]))
def test_it_keeps_scores_in_range(x, rule, method):
    r = compute(fw_for(rule, method), x, units=[f"u{i}" for i in range(len(x))], codes=["x1", "x2", "x3"])
    s = r.scores[:, 1:]
    assert np.all((s >= -1e-12) & (s <= 1 + 1e-12))
    assert np.all((r.total >= -1e-12) & (r.total <= (1 if method == "weighted_mean" else 1.0) + 1e-12))


@settings(max_examples=80, deadline=None)
@given(arrays(np.float64, st.integers(1, 30), elements=st.floats(0, 1, allow_nan=False)))
def test_it_ranks_as_a_competition_permutation(scores):
    r = rank_competition(scores)
    n = len(scores)
    # rank = 1 + number of strictly better units; ranks lie in 1..n
    expected = np.array([1 + np.sum(scores > s) for s in scores])
    assert r.tolist() == expected.tolist()
    assert r.min() == 1 and r.max() <= n


@settings(max_examples=60, deadline=None)
@given(values, st.sampled_from(RULES), st.integers(0, 11), st.integers(0, 2), st.floats(0.0, 500.0))
def test_it_never_lowers_a_unit_when_it_raises_a_positive_indicator(x, rule, unit, col, bump):
    unit = unit % len(x)
    fw = fw_for(rule, "weighted_mean")
    names = [f"u{i}" for i in range(len(x))]
    before = compute(fw, x, units=names, codes=["x1", "x2", "x3"]).total[unit]
    y = x.copy()
    y[unit, col] += bump
    after = compute(fw, y, units=names, codes=["x1", "x2", "x3"]).total[unit]
    assert after >= before - 1e-9


@settings(max_examples=40, deadline=None)
@given(values)
def test_it_makes_indicator_contributions_add_up_to_the_total(x):
    r = compute(fw_for("minmax", "weighted_mean"), x, units=[f"u{i}" for i in range(len(x))],
                codes=["x1", "x2", "x3"])
    c = r.contributions_to_root()
    leaves = [r.codes.index(k) for k in ("x1", "x2", "x3")]
    np.testing.assert_allclose(c[:, leaves].sum(axis=1), r.total, atol=1e-12)
