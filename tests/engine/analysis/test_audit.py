from __future__ import annotations

import numpy as np
import pytest

from chiso.engine.analysis.audit import audit, cronbach_alpha
from chiso.engine.analysis.synthetic import workload_a
from chiso.engine.framework import Framework


class TestAudit:
    def test_it_computes_cronbach_alpha_by_hand(self):
        # var(x1) = 1, var(x2) = 7/3, var(sum) = 19/3 -> 2 (1 - (10/3)/(19/3)) = 18/19
        assert cronbach_alpha([[1, 2], [2, 3], [3, 5]]) == pytest.approx(18 / 19)
        assert np.isnan(cronbach_alpha([[1], [2]]))

    def test_it_reports_coverage_and_flags(self):
        fw = Framework.from_dict({"id": "t", "name": "t", "edition": 1, "status": "provisional", "root": {
            "code": "r", "method": "weighted_mean", "children": [
                {"code": "p", "method": "weighted_mean", "children": [
                    {"code": "a", "scoring": "minmax"}, {"code": "b", "scoring": "minmax"},
                    {"code": "c", "scoring": "minmax"}]},
                {"code": "q", "method": "weighted_mean", "children": [
                    {"code": "d", "scoring": "minmax"}, {"code": "e", "scoring": "minmax"}]}]}})
        rng = np.random.default_rng(0)
        base = rng.random(30)
        vals = np.column_stack([base, base + 0.01 * rng.random(30), -base, rng.random(30),
                                np.r_[np.full(29, 1.0), 100.0]])
        vals[:12, 3] = np.nan
        rep = audit(fw, vals, units=[f"U{i}" for i in range(30)], codes=list("abcde"))
        ind = {r["code"]: r for r in rep.indicators}
        assert ind["d"]["coverage"] == pytest.approx(18 / 30)
        assert "low coverage" in ind["d"]["flags"]
        assert "skewed" in ind["e"]["flags"]
        assert "negative correlation with its component" in ind["c"]["flags"]
        comp = {r["code"]: r for r in rep.components}
        assert any("collinear: a, b" in f for f in comp["p"]["flags"])
        assert {r["unit"]: r["coverage"] for r in rep.units}["U0"] == pytest.approx(0.8)
        assert any(f.startswith("indicator 'e'") for f in rep.flags)

    def test_it_runs_on_a_reference_workload(self):
        d = workload_a()
        rep = audit(d.framework, d.values, units=d.units, codes=d.codes)
        assert len(rep.indicators) == 32 and len(rep.components) == 5
        assert all(r["coverage"] == 1.0 for r in rep.units)


def _two_components(scale=None, treatment="none") -> Framework:
    rule = {"rule": "minmax", **({"scale": scale} if scale else {})}
    return Framework.from_dict({"id": "t", "name": "t", "edition": 1, "status": "provisional",
                                "treatment": treatment, "root": {
                                    "code": "r", "method": "weighted_mean", "children": [
                                        {"code": "p", "method": "weighted_mean", "children": [
                                            {"code": c, "scoring": rule} for c in "abc"]},
                                        {"code": "q", "method": "weighted_mean", "children": [
                                            {"code": c, "scoring": rule} for c in "de"]}]}})


class TestAuditOnScaledScores:
    def test_one_scale_for_every_indicator_leaves_correlations_and_alpha_unchanged(self):
        # Every score is LO + (HI - LO) s: Pearson correlations and Cronbach's alpha (a ratio of variances of
        # the same linear combinations) are invariant under one affine map of all the columns.
        rng = np.random.default_rng(3)
        vals = rng.random((25, 5)) + np.linspace(0, 1, 25)[:, None]
        kw = {"units": [f"U{i}" for i in range(25)], "codes": list("abcde")}
        plain, scaled = audit(_two_components(), vals, **kw), audit(_two_components([1, 100]), vals, **kw)
        for r0, r1 in zip(plain.indicators, scaled.indicators):
            assert r1["corr_parent"] == pytest.approx(r0["corr_parent"], abs=1e-4)
            assert (r1["best_other"], r1["corr_best_other"]) == (r0["best_other"], pytest.approx(r0["corr_best_other"],
                                                                                                  abs=1e-4))
        for c0, c1 in zip(plain.components, scaled.components):
            assert c1["alpha"] == pytest.approx(c0["alpha"], abs=1e-4) and c1["mean_corr"] == pytest.approx(c0["mean_corr"], abs=1e-4)
        # and by hand for p: alpha of the three min–max columns, computed here
        x = vals[:, :3]
        s = (x - x.min(axis=0)) / (x.max(axis=0) - x.min(axis=0))
        alpha = 3 / 2 * (1 - s.var(axis=0, ddof=1).sum() / s.sum(axis=1).var(ddof=1))
        assert {c["code"]: c["alpha"] for c in scaled.components}["p"] == pytest.approx(alpha, abs=1e-4)

    def test_it_says_which_indicators_the_treatment_changed(self):
        vals = np.column_stack([np.arange(1.0, 21), np.r_[np.arange(1.0, 20), 500.0], np.ones(20),
                                np.arange(20.0), np.arange(20.0)[::-1]])
        rep = audit(_two_components(treatment="winsorise"), vals, units=[f"U{i}" for i in range(20)],
                    codes=list("abcde"))
        ind = {r["code"]: r for r in rep.indicators}
        assert ind["b"]["treated"] == "winsorise" and ind["a"]["treated"] is None
        assert ind["b"]["skew"] > 2  # the raw values' skew, the one the treatment was decided on
