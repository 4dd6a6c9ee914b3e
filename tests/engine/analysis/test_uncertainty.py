from __future__ import annotations

import numpy as np
import pytest

from chiso.engine.analysis.model import Assumptions, Model
from chiso.engine.analysis.synthetic import workload_a
from chiso.engine.analysis.uncertainty import _draw, qmc_points, uncertainty
from chiso.engine.errors import AnalysisError
from chiso.engine.framework import Framework

A = Assumptions(weights=0.25, weight_levels=(1, 2), aggregation=("arithmetic", "geometric"))


def two_units() -> tuple[Framework, dict]:
    fw = Framework.from_dict({"id": "t", "name": "t", "edition": 1, "status": "provisional", "root": {
        "code": "r", "method": "weighted_mean", "children": [
            {"code": "x", "scoring": "minmax"}, {"code": "y", "scoring": "minmax"}]}})
    return fw, {"A": {"x": 1, "y": 0}, "B": {"x": 0, "y": 1}}


class TestUncertainty:
    def test_it_solves_the_symmetric_case_by_hand(self):
        # A = (1, 0), B = (0, 1): A ranks first iff w_x > w_y, i.e. u_x > u_y: probability 1/2.
        fw, data = two_units()
        r = uncertainty(fw, data, assumptions=Assumptions(weights=0.5, weight_levels=(1,)), n=4096, top=1, seed=3)
        assert r.p_top[0] == pytest.approx(0.5, abs=0.01)
        assert r.p_top[0] + r.p_top[1] == pytest.approx(1.0)
        assert r.p05.tolist() == [1, 1] and r.p95.tolist() == [2, 2]

    def test_it_is_reproducible_under_a_seed(self):
        d = workload_a(n_units=20)
        a = uncertainty(d.framework, d.values, units=d.units, codes=d.codes, assumptions=A, n=300, seed=5)
        b = uncertainty(d.framework, d.values, units=d.units, codes=d.codes, assumptions=A, n=300, seed=5)
        c = uncertainty(d.framework, d.values, units=d.units, codes=d.codes, assumptions=A, n=300, seed=6)
        np.testing.assert_array_equal(a.rank_counts, b.rank_counts)
        assert not np.array_equal(a.rank_counts, c.rank_counts)

    def test_it_matches_direct_quantiles(self):
        d = workload_a(n_units=15)
        r = uncertainty(d.framework, d.values, units=d.units, codes=d.codes, assumptions=A, n=257, top=5, seed=2)
        m = Model(d.framework, d.values, units=d.units, codes=d.codes, assumptions=A)
        ranks = m.ranks(m.evaluate(m.settings(_draw(qmc_points(m.n_dims, 257, seed=2), 257))))
        for q, got in ((0.5, r.median_rank), (0.05, r.p05), (0.95, r.p95)):
            np.testing.assert_array_equal(np.quantile(ranks, q, axis=0, method="inverted_cdf"), got)
        np.testing.assert_allclose((ranks <= 5).mean(axis=0), r.p_top)
        np.testing.assert_allclose(ranks.mean(axis=0), r.mean_rank)
        np.testing.assert_array_equal(r.nominal_rank, m.nominal_rank)

    def test_it_does_not_depend_on_the_memory_budget(self):
        d = workload_a(n_units=12)
        big = uncertainty(d.framework, d.values, units=d.units, codes=d.codes, assumptions=A, n=200, seed=1)
        small = uncertainty(d.framework, d.values, units=d.units, codes=d.codes, assumptions=A, n=200, seed=1,
                            memory_budget=1)
        np.testing.assert_array_equal(big.rank_counts, small.rank_counts)

    def test_it_samples_imputation_choices(self):
        d = workload_a(n_units=12)
        vals = d.values.copy()
        vals[0, :4] = np.nan
        r = uncertainty(d.framework, vals, units=d.units, codes=d.codes, missing="impute:mean", n=64,
                        assumptions=Assumptions(imputation=("mean", "min", "reweight")))
        assert r.factors == ["imputation"]
        assert r.p95[0] >= r.p05[0]

    def test_it_reports_progress(self):
        d = workload_a(n_units=10)
        seen = []
        uncertainty(d.framework, d.values, units=d.units, codes=d.codes, assumptions=A, n=50, memory_budget=1,
                    progress=lambda done, total: seen.append((done, total)))
        assert seen[-1] == (50, 50)

    @pytest.mark.parametrize("n", [0, -5])
    def test_it_rejects_n_not_positive(self, n):
        d = workload_a(n_units=5)
        with pytest.raises(AnalysisError) as e:
            uncertainty(d.framework, d.values, units=d.units, codes=d.codes, assumptions=A, n=n)
        assert e.value.code == "n_nonpositive"
