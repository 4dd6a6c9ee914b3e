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
