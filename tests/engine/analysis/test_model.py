from __future__ import annotations

import numpy as np
import pytest

from chiso.engine.aggregate import rank_competition
from chiso.engine.analysis.model import Assumptions, Model, rank_rows
from chiso.engine.analysis.synthetic import dti_like, workload_a, workload_b
from chiso.engine.compute import compute
from chiso.engine.errors import AnalysisError
from chiso.engine.framework import Framework


class TestModel:
    @pytest.mark.parametrize("make", [workload_a, workload_b, dti_like])
    def test_it_reproduces_compute_at_the_nominal_settings(self, make):
        d = make()
        m = Model(d.framework, d.values, units=d.units, codes=d.codes)
        s = m.evaluate(m.settings(None, 2))
        res = compute(d.framework, d.values, units=d.units, codes=d.codes)
        np.testing.assert_allclose(s, np.broadcast_to(res.scores[:, 0], s.shape), rtol=0, atol=1e-12)
        np.testing.assert_array_equal(m.ranks(s)[0], res.ranks[:, 0])

    def test_it_reproduces_compute_with_missing_values_reweighted(self):
        d = workload_a(n_units=20)
        vals = d.values.copy()
        vals[3, 5] = vals[7, 0] = np.nan
        m = Model(d.framework, vals, units=d.units, codes=d.codes, missing="reweight")
        res = compute(d.framework, vals, units=d.units, codes=d.codes, missing="reweight")
        np.testing.assert_allclose(m.evaluate(m.settings(None))[0], res.scores[:, 0], atol=1e-12)

    def test_it_matches_compute_for_a_geometric_alternative(self):
        # Geometric alternative = compute on a framework whose nodes are geometric, on shifted scores.
        d = workload_a(n_units=10)
        a = Assumptions(aggregation=("arithmetic", "geometric"))
        m = Model(d.framework, d.values, units=d.units, codes=d.codes, assumptions=a)
        s = m.evaluate(m.settings(np.array([[0.9]])))[0]
        leaf = compute(d.framework, d.values, units=d.units, codes=d.codes).scores
        eps = 0.01
        comps = []
        for c in range(4):
            x = eps + (1 - eps) * leaf[:, [d.framework.codes.index(f"c{c + 1}.{i + 1}") for i in range(8)]]
            comps.append((np.exp(np.log(x).mean(axis=1)) - eps) / (1 - eps))
        y = eps + (1 - eps) * np.column_stack(comps)
        expect = (np.exp(np.log(y).mean(axis=1)) - eps) / (1 - eps)
        np.testing.assert_allclose(s, expect, atol=1e-12)

    def test_it_ranks_like_rank_competition(self):
        rng = np.random.default_rng(0)
        s = np.round(rng.random((50, 17)), 1)
        s[3, 4] = np.nan
        expect = np.stack([rank_competition(row) for row in s])
        np.testing.assert_array_equal(rank_rows(s), expect)

    @pytest.mark.parametrize(
        ("assumptions", "code"),
        [
            (Assumptions(imputation=("mean", "median")), "assumption_unused"),
            (Assumptions(weights=0.2), "assumption_unused"),
            (Assumptions(weights=0.0, weight_levels=(1,)), "assumption_unused"),
            (Assumptions(weights=0.2, weight_levels=(3,)), "assumption_unused"),
            (Assumptions(weights=1.5, weight_levels=(1,)), "invalid_assumption"),
            (Assumptions(aggregation=("nominal", "arithmetic")), "assumption_unused"),
            (Assumptions(aggregation=("arithmetic", "cubic")), "invalid_assumption"),
            (Assumptions(normalisation=("minmax",)), "assumption_unused"),
            (Assumptions(normalisation=("nominal", "minmax")), "assumption_unused"),
            (Assumptions(normalisation=("zscore", "minmax"), aggregation=("arithmetic", "geometric")),
             "incompatible_assumptions"),
        ],
    )
    def test_it_rejects_assumptions_the_model_does_not_use(self, assumptions, code):
        d = workload_a(n_units=8)
        with pytest.raises(AnalysisError) as e:
            Model(d.framework, d.values, units=d.units, codes=d.codes, assumptions=assumptions)
        assert e.value.code == code

    def test_it_rejects_weights_on_a_single_child_level(self):
        fw = Framework.from_dict({"id": "t", "name": "t", "edition": 1, "status": "provisional", "root": {
            "code": "r", "method": "weighted_mean", "children": [
                {"code": "p", "method": "weighted_mean", "children": [{"code": "x", "scoring": "minmax"}]},
                {"code": "y", "scoring": "minmax"}]}})
        data = {"A": {"x": 1, "y": 2}, "B": {"x": 2, "y": 1}}
        with pytest.raises(AnalysisError) as e:
            Model(fw, data, assumptions=Assumptions(weights=0.2, weight_levels=(2,)))
        assert e.value.code == "assumption_unused" and "level 2" in str(e.value)
        Model(fw, data, assumptions=Assumptions(weights=0.2, weight_levels=(1,)))  # level 1 is used
