"""Parity with COINr's pipeline on a synthetic 63 x 32 index.

The expected values come from an independent re-implementation of COINr's functions written
below with plain numpy and Python (``n_minmax``, ``n_zscore``, ``a_amean``, ``a_gmean``,
``winsorise`` / ``check_SkewKurt`` / ``log_CT`` with e1071's type-2 skew and kurtosis), following
COINr's documented rules, not chiso's code: direction is applied by multiplying the indicator by it
before normalising, as COINr does."""

from __future__ import annotations

import math

import numpy as np
import pytest

from chiso.engine.compute import compute
from chiso.engine.framework import Framework

N_UNITS, N_GROUPS, PER_GROUP = 63, 4, 8
SEED = 20240616


def _data():
    rng = np.random.default_rng(SEED)
    x = rng.lognormal(mean=1.0, sigma=0.8, size=(N_UNITS, N_GROUPS * PER_GROUP))
    direction = np.where(rng.random(N_GROUPS * PER_GROUP) < 0.25, -1, 1)
    w_ind = rng.uniform(0.5, 2.0, size=(N_GROUPS, PER_GROUP))  # relative weights (normalise: true)
    w_grp = rng.uniform(0.5, 2.0, size=N_GROUPS)
    return x, direction, w_ind, w_grp


def _framework(method, scoring, direction, w_ind, w_grp, treatment=None):
    groups = []
    for g in range(N_GROUPS):
        kids = [{"code": f"i{g}{k}", "name": f"I{g}{k}", "scoring": scoring, "weight": float(w_ind[g, k]),
                 "direction": int(direction[g * PER_GROUP + k])} for k in range(PER_GROUP)]
        groups.append({"code": f"g{g}", "name": f"G{g}", "method": method, "weight": float(w_grp[g]),
                       "normalise": True, "children": kids})
    data = {"id": "parity", "name": "parity", "edition": 2024,
            "root": {"code": "idx", "name": "Index", "method": method, "normalise": True, "children": groups}}
    if treatment is not None:
        data["treatment"] = treatment
    return Framework.from_dict(data)


def _run(fw, x):
    units = [f"u{i}" for i in range(N_UNITS)]
    codes = [f"i{g}{k}" for g in range(N_GROUPS) for k in range(PER_GROUP)]
    return compute(fw, x, units=units, codes=codes), codes


# --- independent re-implementation of COINr ----------------------------------------------------


def n_minmax(x, l_u=(0.0, 1.0)):
    lo, hi = l_u
    return (x - np.min(x)) / (np.max(x) - np.min(x)) * (hi - lo) + lo


def n_zscore(x, m_sd=(0.0, 1.0)):
    return (x - np.mean(x)) / np.std(x, ddof=1) * m_sd[1] + m_sd[0]


def a_amean(x, w):
    return np.sum(x * w, axis=1) / np.sum(w)


def a_gmean(x, w):
    return np.prod(x ** w, axis=1) ** (1.0 / np.sum(w))


def e1071_skew(v):
    n = len(v)
    d = [a - sum(v) / n for a in v]
    g1 = math.sqrt(n) * sum(a**3 for a in d) / sum(a**2 for a in d) ** 1.5
    return g1 * math.sqrt(n * (n - 1)) / (n - 2)


def e1071_kurt(v):
    n = len(v)
    d = [a - sum(v) / n for a in v]
    r = n * sum(a**4 for a in d) / sum(a**2 for a in d) ** 2
    return ((n + 1) * (r - 3) + 6) * (n - 1) / ((n - 2) * (n - 3))


def check_skew_kurt(v, skew_thresh=2.0, kurt_thresh=3.5):
    return abs(e1071_skew(v)) < skew_thresh or e1071_kurt(v) < kurt_thresh


def coinr_winsorise(v, winmax=5):
    """COINr's winsorise: while failing and fewer than winmax points, set the maximum (skew >= 0) or the
    minimum (skew < 0) to the next value in; returns the values and the rows moved."""
    v = list(v)
    imax, imin = [], []
    while not check_skew_kurt(v) and len(imax) + len(imin) < winmax:
        if e1071_skew(v) >= 0:
            top = max(v)
            imax = [i for i, a in enumerate(v) if a == top]
            nxt = max(a for a in v if a != top)
            for i in imax:
                v[i] = nxt
        else:
            bottom = min(v)
            imin = [i for i, a in enumerate(v) if a == bottom]
            nxt = min(a for a in v if a != bottom)
            for i in imin:
                v[i] = nxt
    return v, imax, imin


def log_ct(v):
    lo, hi = min(v), max(v)
    return [math.log(a - lo + 0.01 * (hi - lo)) for a in v]


def coinr_treat(v):
    """Treat.numeric with COINr's default specs (f1 winsorise, f2 log_CT on the original values)."""
    if check_skew_kurt(v):
        return list(v)
    w, _, _ = coinr_winsorise(v)
    return w if check_skew_kurt(w) else log_ct(v)


def coinr_index(x, direction, w_ind, w_grp, normalise, aggregate):
    cols = [normalise(x[:, j] * direction[j]) for j in range(x.shape[1])]
    s = np.column_stack(cols)
    groups = np.column_stack([aggregate(s[:, g * PER_GROUP:(g + 1) * PER_GROUP], w_ind[g]) for g in range(N_GROUPS)])
    return aggregate(groups, w_grp), groups


def competition_rank(v):
    return np.array([1 + int(np.sum(v > a)) for a in v])


# --- the cases -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("method", "aggregate"), [("weighted_mean", a_amean), ("geometric", a_gmean)])
def test_minmax_1_100_and_mean_match_coinr(method, aggregate):
    x, direction, w_ind, w_grp = _data()
    fw = _framework(method, {"rule": "minmax", "scale": [1, 100]}, direction, w_ind, w_grp)
    assert fw.warnings == ()
    r, _ = _run(fw, x)
    expected, groups = coinr_index(x, direction, w_ind, w_grp, lambda c: n_minmax(c, (1, 100)), aggregate)
    np.testing.assert_allclose(r.total, expected, rtol=0, atol=1e-9)
    for g in range(N_GROUPS):
        np.testing.assert_allclose(r.scores[:, r.codes.index(f"g{g}")], groups[:, g], rtol=0, atol=1e-9)
    np.testing.assert_array_equal(r.rank, competition_rank(expected))


def test_zscore_10_2_matches_coinr():
    x, direction, w_ind, w_grp = _data()
    fw = _framework("weighted_mean", {"rule": "zscore", "mean": 10, "sd": 2}, direction, w_ind, w_grp)
    r, _ = _run(fw, x)
    expected, _ = coinr_index(x, direction, w_ind, w_grp, lambda c: n_zscore(c, (10, 2)), a_amean)
    np.testing.assert_allclose(r.total, expected, rtol=0, atol=1e-9)
    np.testing.assert_array_equal(r.rank, competition_rank(expected))


def test_the_independent_winsorise_gives_the_hand_worked_points():
    # 1..20 then 60, 200: skew 4.14 and kurtosis 18.04 fail.  Step 1: the maximum 200 -> 60 (row 21);
    # 1..20, 60, 60 still fails (skew 2.36, kurtosis 5.40); step 2: both 60s -> 20 (rows 20, 21,
    # COINr counts 2 points); 1..20, 20, 20 has skew -0.09: it passes.
    v = [float(a) for a in range(1, 21)] + [60.0, 200.0]
    assert not check_skew_kurt(v)
    assert not check_skew_kurt(v[:-1] + [60.0])
    w, imax, imin = coinr_winsorise(v)
    assert w == [float(a) for a in range(1, 21)] + [20.0, 20.0]
    assert (imax, imin) == ([20, 21], [])


def test_treatment_with_coinr_defaults_then_minmax_matches_coinr():
    x, direction, w_ind, w_grp = _data()
    # plant outliers: two very high values in column 0, one very low in column 9, a heavy tail in 17
    x = x.copy()
    x[[3, 40], 0] = [400.0, 900.0]
    x[7, 9] = -300.0
    x[:10, 17] = np.linspace(100, 1000, 10)  # ten spread outliers: five winsorised do not suffice
    fw = _framework("weighted_mean", {"rule": "minmax", "scale": [1, 100]}, direction, w_ind, w_grp,
                    treatment={"rule": "winsorise", "winmax": 5, "skew": 2.0, "kurtosis": 3.5, "fallback": "log"})
    r, codes = _run(fw, x)
    treated = np.column_stack([coinr_treat(list(x[:, j])) for j in range(x.shape[1])])
    np.testing.assert_allclose(r.treated[:, [r.codes.index(c) for c in codes]], treated, rtol=0, atol=1e-12)
    expected, _ = coinr_index(treated, direction, w_ind, w_grp, lambda c: n_minmax(c, (1, 100)), a_amean)
    np.testing.assert_allclose(r.total, expected, rtol=0, atol=1e-9)
    np.testing.assert_array_equal(r.rank, competition_rank(expected))
    # the planted outliers were treated, and the report names them
    by_code = {t["code"]: t for t in r.treatment_report}
    assert {"i00", "i11", "i21"} <= set(by_code)
    assert "u40" in by_code["i00"]["high"] or by_code["i00"]["method"] == "log"
    assert any(t["method"] == "log" for t in r.treatment_report)  # the log fallback is exercised
    assert any(t["method"] == "winsorise" for t in r.treatment_report)
