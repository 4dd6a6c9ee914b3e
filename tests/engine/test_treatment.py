"""Outlier treatment (chiso.engine.treat) and its stage in compute: COINr's default rule, the
framework's ``treatment:`` keys, and the degenerate cases.

Skewness and kurtosis are checked against scipy's bias-corrected estimators (an independent
implementation of the same type-2 definitions); winsorised points are worked out by hand."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from chiso.engine.compute import compute, regenerate
from chiso.engine.errors import FrameworkError
from chiso.engine.framework import Framework
from chiso.engine.treat import Treatment, log_ct, skew_kurtosis, treat_column, treat_matrix
from chiso.lib.problems import message

COINR = Treatment()  # winsorise, winmax 5, skew 2, kurtosis 3.5, fallback log
HEAVY = np.array([0.0] * 60 + [100.0 * k for k in range(1, 11)])  # 10 outliers: 5 winsorised do not suffice


# --- the statistics -------------------------------------------------------------------------


@pytest.mark.parametrize("x", [[1.0, 2, 3, 10], [5.0, 1, 4, 4, 2, 9, 30], list(np.random.default_rng(1).lognormal(size=40))])
def test_skew_and_kurtosis_are_the_type_2_estimators(x):
    sk, kt = skew_kurtosis(np.array(x))
    assert sk == pytest.approx(stats.skew(x, bias=False), rel=1e-12)
    assert kt == pytest.approx(stats.kurtosis(x, bias=False), rel=1e-12)


def test_skew_and_kurtosis_ignore_missing_and_are_undefined_when_degenerate():
    assert skew_kurtosis(np.array([1.0, np.nan, 2, 3, 10])) == skew_kurtosis(np.array([1.0, 2, 3, 10]))
    assert all(math.isnan(v) for v in skew_kurtosis(np.array([4.0, 4, 4, 4])))
    sk, kt = skew_kurtosis(np.array([1.0, 2, 5]))
    assert not math.isnan(sk) and math.isnan(kt)  # kurtosis needs 4 values
    assert all(math.isnan(v) for v in skew_kurtosis(np.array([1.0, 2])))


def test_log_ct_is_coinr_formula():
    x = np.array([2.0, 4.0, np.nan, 12.0])
    # log(x - 2 + 0.01 * 10)
    np.testing.assert_allclose(log_ct(x)[[0, 1, 3]], np.log([0.1, 2.1, 10.1]))
    assert math.isnan(log_ct(x)[2])


# --- the rule, on hand-made columns ----------------------------------------------------------


def test_coinr_example_one_point_winsorised():
    # COINr's own example: 1..10, 30, 100.  It fails (skew 3.06 >= 2 and kurtosis 9.74 >= 3.5);
    # the skew is positive, so 100 (row 11) becomes the next highest, 30; then 1..10, 30, 30 has
    # skew 1.71 < 2: it passes after one point.
    x = np.array([1.0, 2, 3, 4, 5, 6, 7, 8, 9, 10, 30, 100])
    out, rep = treat_column(x, COINR)
    assert out.tolist() == [1.0, 2, 3, 4, 5, 6, 7, 8, 9, 10, 30, 30]
    assert (rep["method"], rep["points"], rep["high"], rep["low"], rep["passed"]) == ("winsorise", 1, [11], [], True)
    assert rep["skew"] == pytest.approx(stats.skew(out, bias=False))
    assert x[-1] == 100.0  # the input is not modified


def test_negative_skew_raises_the_lowest_point():
    x = -np.array([1.0, 2, 3, 4, 5, 6, 7, 8, 9, 10, 30, 100])
    out, rep = treat_column(x, COINR)
    assert out[-1] == -30.0 and (rep["low"], rep["high"]) == ([11], [])


def test_tied_extremes_move_together_and_all_count():
    # 1..20, 100, 100 fails (skew 2.82, kurtosis 7.13): both 100s are the maximum, they become 20
    # together (2 points) and 1..20, 20, 20 passes
    x = np.array([*range(1, 21), 100, 100], dtype=float)
    out, rep = treat_column(x, COINR)
    assert out[-2:].tolist() == [20.0, 20.0] and rep["points"] == 2 and rep["high"] == [20, 21]
    # 1..10, 100, 100 passes as it is: |skew| 2.03 >= 2 but kurtosis 2.58 < 3.5 (either suffices)
    assert treat_column(np.array([*range(1, 11), 100, 100], dtype=float), COINR)[1] is None


def test_winmax_reached_falls_back_to_log_of_the_original_values():
    # 60 zeros and 100, 200, ..., 1000: after 5 points (1000..600 -> 500) it still fails, so the
    # ORIGINAL column is log-transformed: log(x - 0 + 0.01 * 1000)
    out, rep = treat_column(HEAVY, COINR)
    np.testing.assert_allclose(out, np.log(HEAVY + 10.0))
    assert (rep["method"], rep["tried_points"], rep["high"]) == ("log", 5, [])


def test_fallback_none_keeps_the_winsorised_values_and_says_it_still_fails():
    out, rep = treat_column(HEAVY, Treatment(fallback="none"))
    assert out[-7:].tolist() == [400.0] + [500.0] * 6
    assert (rep["method"], rep["points"], rep["high"], rep["passed"]) == ("winsorise", 5, [65, 66, 67, 68, 69], False)


def test_winmax_none_winsorises_until_it_passes():
    out, rep = treat_column(HEAVY, Treatment(winmax=None, fallback="none"))
    assert rep["passed"] and rep["points"] > 5
    sk, kt = stats.skew(out, bias=False), stats.kurtosis(out, bias=False)
    assert abs(sk) < 2 or kt < 3.5


def test_rule_log_transforms_a_failing_column_at_once_and_leaves_a_passing_one():
    x = np.array([1.0, 2, 3, 4, 5, 6, 7, 8, 9, 10, 30, 100])
    out, rep = treat_column(x, Treatment(rule="log"))
    np.testing.assert_allclose(out, np.log(x - 1 + 0.99))
    assert rep["method"] == "log" and rep["tried_points"] == 0
    ok = np.arange(1.0, 13.0)
    assert treat_column(ok, Treatment(rule="log")) == (ok, None)


@pytest.mark.parametrize("x", [
    [1.0, 2.0, 100.0],  # fewer than 4 values: kurtosis undefined
    [7.0, 7.0, 7.0, 7.0, 7.0],  # constant: skewness undefined
    [np.nan] * 6,  # nothing
    [np.nan, np.nan, 1.0, 2.0, 300.0],  # 3 values present
])
def test_degenerate_columns_are_left_as_they_are(x):
    arr = np.array(x)
    out, rep = treat_column(arr, COINR)
    assert rep is None and out is arr


def test_missing_values_stay_missing_where_they_are():
    x = np.array([1.0, 2, np.nan, 3, 4, 5, 6, 7, 8, 9, 10, 30, 100])
    out, rep = treat_column(x, COINR)
    assert math.isnan(out[2]) and out[-1] == 30.0 and rep["high"] == [12]


def test_winsorising_to_a_constant_keeps_the_constant():
    # nine 1s and a 100: skew 3.16, kurtosis 10; one step makes every value 1
    x = np.array([1.0] * 9 + [100.0])
    out, rep = treat_column(x, COINR)
    assert out.tolist() == [1.0] * 10 and rep["method"] == "winsorise" and rep["skew"] is None


def test_treat_matrix_changes_only_the_treated_columns_and_copies_only_then():
    x = np.column_stack([HEAVY, HEAVY, np.arange(70.0)])
    out, reps = treat_matrix(x, [None, Treatment(fallback="none"), COINR])
    assert [r["column"] for r in reps] == [1]
    np.testing.assert_array_equal(out[:, 0], HEAVY)
    assert out[-1, 1] == 500.0 and x[-1, 1] == 1000.0
    same, none = treat_matrix(x, [None, None, COINR])
    assert same is x and none == []


# --- parsing -----------------------------------------------------------------------------------


def test_parse_accepts_none_a_rule_name_and_a_mapping():
    assert Treatment.parse("none") is None and Treatment.parse(None) is None
    assert Treatment.parse("winsorise") == COINR
    assert Treatment.parse("log") == Treatment(rule="log")
    assert Treatment.parse({"rule": "winsorise", "winmax": 3, "skew": 2.25, "fallback": "none"}) == Treatment(
        winmax=3, skew=2.25, fallback="none")
    assert Treatment.parse({"winmax": None}).winmax is None


@pytest.mark.parametrize(("spec", "code", "key"), [
    ({"rule": "boxcox"}, "framework.bad_treatment", "rule"),
    ({"fallback": "sqrt"}, "framework.bad_treatment", "fallback"),
    ({"winmax": 0}, "framework.bad_treatment", "winmax"),
    ({"winmax": 2.5}, "framework.bad_treatment", "winmax"),
    ({"skew": -1}, "framework.bad_treatment", "skew"),
    ({"kurtosis": float("nan")}, "framework.bad_treatment", "kurtosis"),
    ({"winmx": 5}, "framework.treatment_unknown_key", "winmx"),
    (["winsorise"], "framework.bad_treatment", "treatment"),
])
def test_parse_refuses_a_bad_treatment_naming_the_key(spec, code, key):
    with pytest.raises(FrameworkError) as e:
        Treatment.parse(spec, node="x1")
    p = e.value.problems[0]
    assert (p.code, p.params["key"], p.node) == (code, key, "x1")
    assert "Xử lý ngoại lai" in message(p, "vi") and "“x1”" in message(p, "vi")


# --- in a framework and in compute ---------------------------------------------------------------


def _fw(kids, **top):
    return Framework.from_dict({"id": "t", "name": "t", "edition": 2024,
                                "root": {"code": "r", "name": "R", "method": "weighted_mean", "normalise": True,
                                         "children": kids}, **top})


def _kid(code, scoring="minmax", **kw):
    return {"code": code, "name": code.upper(), "scoring": scoring, **kw}


def test_the_framework_default_applies_to_minmax_and_zscore_only():
    fw = _fw([_kid("a"), _kid("b", "zscore"), _kid("c", "ratio_to_max"), _kid("d", "percentile"),
              _kid("e", {"rule": "goalposts", "lo": 0, "hi": 1}), _kid("f", "given"),
              _kid("g", {"rule": "threshold", "steps": [[1, 1]]})], treatment="winsorise")
    assert fw.treatment == COINR
    assert {n.code for n in fw.indicators if n.treatment is not None} == {"a", "b"}


def test_an_indicator_overrides_or_opts_out_of_the_default():
    fw = _fw([_kid("a", treatment="none"), _kid("b", treatment={"rule": "log"}),
              _kid("c", "ratio_to_max", treatment={"fallback": "none"})], treatment={"winmax": 3})
    assert fw.node("a").treatment is None
    assert fw.node("b").treatment == Treatment(rule="log")
    assert fw.node("c").treatment == Treatment(fallback="none")
    assert _fw([_kid("a")]).node("a").treatment is None  # no default: nothing treated


@pytest.mark.parametrize(("scoring", "treatment"), [
    ({"rule": "threshold", "steps": [[1, 1]]}, "winsorise"), ("percentile", "winsorise"), ("given", "log"),
    ("ratio_to_max", "winsorise"),  # the fallback log would make a ratio meaningless
    ("ratio_to_max", "log"), ({"rule": "goalposts", "lo": 0, "hi": 1}, "winsorise"),
])
def test_a_treatment_on_a_rule_it_does_not_suit_is_refused(scoring, treatment):
    with pytest.raises(FrameworkError) as e:
        _fw([_kid("x", scoring, treatment=treatment)])
    p = next(q for q in e.value.problems if q.code == "framework.treatment_not_allowed")
    assert p.node == "x"
    assert "không dùng được xử lý ngoại lai" in message(p, "vi")


def test_a_bad_default_treatment_is_a_framework_problem():
    with pytest.raises(FrameworkError) as e:
        _fw([_kid("a")], treatment={"rule": "winsorize"})
    assert [q.code for q in e.value.problems] == ["framework.bad_treatment"]
    assert "“treatment”" in message(e.value.problems[0], "vi")


def _heavy_data():
    units = [f"u{i:02d}" for i in range(HEAVY.size)]
    return {u: {"a": float(v), "b": float(v)} for u, v in zip(units, HEAVY)}


def test_compute_treats_between_imputation_and_scoring_and_reports_it():
    fw = _fw([_kid("a", treatment={"fallback": "none"}), _kid("b", treatment="none")])
    r = compute(fw, _heavy_data())
    ja, jb = r.codes.index("a"), r.codes.index("b")
    assert r.treated[-1, ja] == 500.0 and r.imputed[-1, ja] == 1000.0 and r.treated[-1, jb] == 1000.0
    # scored on the treated values: min 0, max 500
    assert r.scores[-7, ja] == pytest.approx(400 / 500) and r.scores[-1, ja] == 1.0
    assert r.scores[-7, jb] == pytest.approx(400 / 1000)
    [rep] = r.treatment_report
    assert (rep["code"], rep["method"], rep["points"]) == ("a", "winsorise", 5)
    assert rep["high"] == ["u65", "u66", "u67", "u68", "u69"]
    assert r.recipe["treatment"] == {"a": Treatment(fallback="none").as_dict()}
    assert r.recipe["steps"][:3] == ["impute", "treat", "score"]
    np.testing.assert_array_equal(regenerate(r).scores, r.scores)


def test_explain_says_how_a_value_was_treated():
    fw = _fw([_kid("a", treatment={"fallback": "none"}), _kid("b", treatment={"rule": "log"})])
    r = compute(fw, _heavy_data())
    rows = {row["code"]: row for row in r.explain("u69")}
    assert (rows["a"]["treated"], rows["a"]["treated_value"], rows["a"]["raw"]) == ("winsorised_high", 500.0, 1000.0)
    assert rows["b"]["treated"] == "log" and rows["b"]["treated_value"] == pytest.approx(math.log(1010.0))
    low = {row["code"]: row for row in r.explain("u00")}
    assert low["a"]["treated"] is None and low["a"]["treated_value"] is None


def test_no_treatment_costs_no_copy():
    fw = _fw([_kid("a"), _kid("b")])
    r = compute(fw, _heavy_data())
    assert r.treated is r.imputed and r.treatment_report == [] and r.recipe["treatment"] == {}
