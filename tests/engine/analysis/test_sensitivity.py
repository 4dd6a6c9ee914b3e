from __future__ import annotations

import numpy as np
import pytest

from chiso.engine.analysis.model import Assumptions
from chiso.engine.analysis.sensitivity import jansen, sensitivity, sobol_indices
from chiso.engine.analysis.synthetic import workload_b
from chiso.engine.errors import AnalysisError


def ishigami(u: np.ndarray, a: float = 7.0, b: float = 0.1) -> np.ndarray:
    x = np.pi * (2 * u - 1)
    return np.sin(x[:, 0]) + a * np.sin(x[:, 1]) ** 2 + b * x[:, 2] ** 4 * np.sin(x[:, 0])


def ishigami_exact(a: float = 7.0, b: float = 0.1) -> tuple[np.ndarray, np.ndarray]:
    pi = np.pi
    v1 = 0.5 * (1 + b * pi**4 / 5) ** 2
    v2 = a**2 / 8
    v13 = b**2 * pi**8 * (1 / 18 - 1 / 50)
    v = v1 + v2 + v13
    return np.array([v1, v2, 0]) / v, np.array([v1 + v13, v2, v13]) / v


class TestSobolIndices:
    def test_it_recovers_the_ishigami_indices(self):
        r = sobol_indices(ishigami, groups=3, n=16384, seed=1, bootstrap=100)
        s1, st = ishigami_exact()
        np.testing.assert_allclose(r.s1[:, 0], s1, atol=0.02)
        np.testing.assert_allclose(r.st[:, 0], st, atol=0.02)
        assert np.all(r.s1_lo[:, 0] <= r.s1[:, 0]) and np.all(r.s1[:, 0] <= r.s1_hi[:, 0])
        assert [c["n"] for c in r.convergence] == [2048, 4096, 8192, 16384]
        assert r.max_change < 0.05

    def test_it_solves_a_linear_function_by_hand(self):
        # y = u1 + 2 u2: V1 = 1/12, V2 = 4/12 -> S = (0.2, 0.8), additive so ST = S.
        r = sobol_indices(lambda u: u[:, 0] + 2 * u[:, 1], groups=2, n=4096, bootstrap=0)
        np.testing.assert_allclose(r.s1[:, 0], [0.2, 0.8], atol=0.01)
        np.testing.assert_allclose(r.st[:, 0], [0.2, 0.8], atol=0.01)

    def test_it_treats_a_group_as_one_factor(self):
        # y = u1 + u2 + u3 with (u1, u2) grouped: S = (2/3, 1/3).
        r = sobol_indices(lambda u: u.sum(axis=1), groups=[(0, 2), (2, 3)], n=4096, bootstrap=0)
        np.testing.assert_allclose(r.s1[:, 0], [2 / 3, 1 / 3], atol=0.01)

    def test_it_gives_nan_without_variance(self):
        s1, st = jansen(np.ones((5 * 4, 1)), 4, 3)
        assert np.isnan(s1).all() and np.isnan(st).all()

    def test_it_rejects_n_not_positive(self):
        with pytest.raises(AnalysisError) as e:
            sobol_indices(ishigami, groups=3, n=0)
        assert e.value.code == "n_nonpositive"


class TestSensitivity:
    def test_it_analyses_ranks(self):
        d = workload_b(n_units=20)
        a = Assumptions(weights=0.25, weight_levels=(1, 2), aggregation=("arithmetic", "geometric"))
        r = sensitivity(d.framework, d.values, units=d.units, codes=d.codes, assumptions=a, n=128, bootstrap=50)
        assert r.factors == ["weights@1", "weights@2", "aggregation"]
        assert r.n_runs == 128 * 5
        assert r.unit_ranks.s1.shape == (3, 20)
        recs = r.to_records()
        assert [x["factor"] for x in recs] == r.factors
        assert all(x["ST"] is None or x["ST"] >= 0 for x in recs)
        again = sensitivity(d.framework, d.values, units=d.units, codes=d.codes, assumptions=a, n=128, bootstrap=50)
        np.testing.assert_array_equal(r.shift.s1, again.shift.s1)

    def test_it_rejects_an_unused_assumption(self):
        d = workload_b(n_units=10)
        with pytest.raises(AnalysisError) as e:
            sensitivity(d.framework, d.values, units=d.units, codes=d.codes, n=16,
                        assumptions=Assumptions(imputation=("mean", "zero")))
        assert e.value.code == "assumption_unused"
