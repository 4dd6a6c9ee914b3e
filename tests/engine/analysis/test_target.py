from __future__ import annotations

import itertools

import numpy as np
import pytest
from analysis_cases import random_data, small_fw

from chiso.engine import scoring as sc
from chiso.engine.analysis.model import rank_rows
from chiso.engine.analysis.target import Lever, parse_lever, seek_target
from chiso.engine.compute import compute
from chiso.engine.errors import AnalysisError, EngineError
from chiso.engine.framework import Framework


def _brute(vals: np.ndarray, u: int, k: int, grids: dict[int, np.ndarray], costs: dict[int, float]) -> float:
    """Least cost over a grid of the unit's values, scoring small_fw in closed form (vectorised)."""
    cols = sorted(grids)
    combos = np.array(list(itertools.product(*[grids[c] for c in cols])))
    g = combos.shape[0]
    x = np.broadcast_to(vals, (g, *vals.shape)).copy()
    for i, c in enumerate(cols):
        x[:, u, c] = combos[:, i]
    s = np.stack([
        sc.score_ratio_to_max(x[..., 0:1])[..., 0],
        sc.score_threshold(x[..., 1], steps=[[2, 0.5], [4, 1.0]]),
        sc.score_goalposts(x[..., 2], lo=2, hi=10),
        sc.score_minmax(x[..., 3:4])[..., 0],
    ], axis=-1).mean(axis=-1)
    ranks = rank_rows(s)
    cost = sum(costs[c] * (combos[:, i] - vals[u, c]) for i, c in enumerate(cols))
    ok = ranks[:, u] <= k
    return float(cost[ok].min()) if ok.any() else float("inf")


class TestSeekTarget:
    def test_it_solves_the_docstring_case_by_hand(self):
        # Hà Nam 0.5 vs Bắc Ninh 0.6 (means of three sub-indices): +0.3 on htkt costs 0.3.
        from chiso.frameworks import load_framework
        fw = load_framework("vn-ict-index-2016-province")
        data = {"Hà Nam": {"htkt": 0.5, "htnl": 0.4, "ud": 0.6}, "Bắc Ninh": {"htkt": 0.7, "htnl": 0.5, "ud": 0.6}}
        p = seek_target(fw, data, unit="Hà Nam", rank=1, vary=["htkt", "htnl:0.6:2"], cap_at_best_peer=False)
        assert [c["code"] for c in p.changes] == ["htkt"]
        assert p.changes[0]["to"] == pytest.approx(0.8)
        assert p.cost == pytest.approx(0.3)
        assert p.rank_after == 1 and p.exact
        assert p.margin == pytest.approx(0.0, abs=1e-8)

    @pytest.mark.parametrize("seed", range(12))
    def test_it_matches_exhaustive_search(self, seed):
        fw = small_fw()
        units, codes, vals = random_data(seed)
        res = compute(fw, vals, units=units, codes=codes)
        u = int(np.argmax(res.ranks[:, 0]))  # the last unit
        k = max(1, int(res.ranks[u, 0]) - 2)
        costs = {0: 1.0, 1: 3.0, 2: 0.5, 3: 2.0}
        levers = [Lever("a", 10, 1.0), Lever("b", 5, 3.0), Lever("c", 10, 0.5), Lever("d", 10, 2.0)]
        grids = {0: np.arange(vals[u, 0], 10.001, 0.25), 1: np.array(sorted({vals[u, 1], 2.0, 4.0} - {v for v in (2.0, 4.0) if v < vals[u, 1]})),
                 2: np.arange(vals[u, 2], 10.001, 0.25), 3: np.arange(vals[u, 3], 10.001, 0.25)}
        grids[1] = grids[1][grids[1] >= vals[u, 1]]
        best = _brute(vals, u, k, grids, costs)
        try:
            p = seek_target(fw, vals, units=units, codes=codes, unit=units[u], rank=k, vary=levers,
                            cap_at_best_peer=False, decimals=None)
        except AnalysisError as e:
            assert e.code == "target_impossible"
            assert best == float("inf")
            return
        after = p.after
        assert after is not None and after.ranks[u, 0] <= k  # the plan really reaches the target
        assert p.lower_bound <= p.cost + 1e-7
        if p.exact:
            assert p.cost <= best + 1e-7  # never worse than any grid plan
            assert best <= p.cost + 0.25 * sum(costs.values()) + 1e-9  # and the grid gets close

    def test_it_is_exact_on_staircases(self):
        # Only threshold and yes/no levers: exhaustive search over the steps is exact.
        fw = Framework.from_dict({
            "id": "t-steps", "name": "t", "edition": 2000, "status": "provisional",
            "root": {"code": "idx", "method": "points_ratio", "children": [
                {"code": f"s{i}", "max_points": mp, "range": [0, 4],
                 "scoring": {"rule": "threshold", "steps": [[1, 0.25], [2, 0.5], [3, 0.75], [4, 1]]}}
                for i, mp in enumerate((10, 20, 30))
            ] + [{"code": "y", "max_points": 15, "scoring": "yes_no", "range": [0, 1]}]},
        })
        rng = np.random.default_rng(7)
        for _ in range(8):
            vals = np.column_stack([rng.integers(0, 5, (8, 3)), rng.integers(0, 2, 8)]).astype(float)
            units = [f"U{i}" for i in range(8)]
            res = compute(fw, vals, units=units, codes=["s0", "s1", "s2", "y"])
            u = int(np.argmax(res.ranks[:, 0]))
            k = max(1, int(res.ranks[u, 0]) - 3)
            costs = [1.0, 1.5, 2.5, 4.0]
            grids = [np.arange(vals[u, c], 4.5 if c < 3 else 1.5) for c in range(4)]
            best = np.inf
            for combo in itertools.product(*grids):
                v2 = vals.copy()
                v2[u] = combo
                r2 = compute(fw, v2, units=units, codes=["s0", "s1", "s2", "y"])
                if r2.ranks[u, 0] <= k:
                    best = min(best, sum(c * (x - x0) for c, x, x0 in zip(costs, combo, vals[u])))
            levers = [Lever(c, None, cost) for c, cost in zip(["s0", "s1", "s2", "y"], costs)]
            if best == np.inf:
                with pytest.raises(AnalysisError):
                    seek_target(fw, vals, units=units, codes=["s0", "s1", "s2", "y"], unit=units[u], rank=k,
                                vary=levers, cap_at_best_peer=False)
                continue
            p = seek_target(fw, vals, units=units, codes=["s0", "s1", "s2", "y"], unit=units[u], rank=k,
                            vary=levers, cap_at_best_peer=False)
            assert p.cost == pytest.approx(best)
            assert p.rank_after <= k

    def test_it_uses_a_new_maximum_when_cheapest(self):
        # Unit Z leads on 'a' (ratio to max) and trails on 'b'.  Raising 'a' past everyone else's best
        # shrinks the peers' scores on 'a'; 'b' is expensive.  Hand check: Y = (a 5, b 10), Z = (a 10, b 4):
        # scores Z = (1 + 0.4)/2 = 0.7, Y = (0.5 + 1)/2 = 0.75.  Z at a = a' gives Y = (5/a' + 1)/2, so
        # Z >= Y needs 0.7 >= (5/a' + 1)/2  ->  a' >= 12.5, cost 2.5 (on 'b': 0.1 score costs 100 x 1 = 100).
        fw = Framework.from_dict({
            "id": "t-max", "name": "t", "edition": 2000, "status": "provisional",
            "root": {"code": "idx", "method": "weighted_mean", "children": [
                {"code": "a", "scoring": "ratio_to_max", "range": [0, 100]},
                {"code": "b", "scoring": "ratio_to_max", "range": [0, 100]},
            ]},
        })
        data = {"Y": {"a": 5, "b": 10}, "Z": {"a": 10, "b": 4}}
        p = seek_target(fw, data, unit="Z", rank=1, vary=["a:20:1", "b:10:100"], cap_at_best_peer=False,
                        decimals=None)
        assert [c["code"] for c in p.changes] == ["a"]
        assert p.changes[0]["to"] == pytest.approx(12.5, rel=1e-6)
        assert p.cost == pytest.approx(2.5, rel=1e-6)
        assert p.lower_bound <= p.cost + 1e-9 and p.cost - p.lower_bound < 1e-6
        assert p.rank_after == 1

    def test_it_accounts_for_peers_trend(self):
        fw = small_fw()
        units, codes, vals = random_data(3)
        res = compute(fw, vals, units=units, codes=codes)
        u = int(np.argmax(res.ranks[:, 0]))
        frozen = seek_target(fw, vals, units=units, codes=codes, unit=units[u], rank=1)
        moving = seek_target(fw, vals, units=units, codes=codes, unit=units[u], rank=1, peers="trend:0.05")
        assert moving.peers == "trend:0.05"
        assert moving.cost >= frozen.cost - 1e-9

    def test_it_returns_an_empty_plan_when_already_there(self):
        fw = small_fw()
        units, codes, vals = random_data(1)
        res = compute(fw, vals, units=units, codes=codes)
        u = int(np.argmin(res.ranks[:, 0]))
        p = seek_target(fw, vals, units=units, codes=codes, unit=units[u], rank=1)
        assert p.changes == [] and p.cost == 0

    def test_it_proves_impossibility(self):
        fw = small_fw()
        units, codes, vals = random_data(2)
        res = compute(fw, vals, units=units, codes=codes)
        u = int(np.argmax(res.ranks[:, 0]))
        with pytest.raises(AnalysisError) as e:
            seek_target(fw, vals, units=units, codes=codes, unit=units[u], rank=1,
                        vary=[Lever("c", float(vals[u, 2]) + 0.5)])
        assert e.value.code == "target_impossible"
        assert "cannot reach rank 1" in str(e.value) and "reaches rank" in str(e.value)

    @pytest.mark.parametrize(
        ("kwargs", "code"),
        [
            ({"unit": "Nowhere", "rank": 1}, "unknown_unit"),
            ({"unit": "U0", "rank": 0}, "invalid_target"),
            ({"unit": "U0", "rank": 99}, "invalid_target"),
            ({"unit": "U0", "rank": 1, "vary": ["zz"]}, "unknown_code"),
            ({"unit": "U0", "rank": 1, "vary": ["a:11"]}, "invalid_bounds"),
            ({"unit": "U0", "rank": 1, "vary": ["a:0"]}, "invalid_bounds"),
            ({"unit": "U0", "rank": 1, "vary": ["a::0"]}, "invalid_bounds"),
            ({"unit": "U0", "rank": 1, "vary": ["a:x"]}, "invalid_bounds"),
            ({"unit": "U0", "rank": 1, "peers": "sideways"}, "invalid_peers"),
        ],
    )
    def test_it_rejects_bad_requests(self, kwargs, code):
        fw = small_fw()
        units, codes, vals = random_data(0)
        vals[0, 0] = 3.0
        with pytest.raises(AnalysisError) as e:
            seek_target(fw, vals, units=units, codes=codes, **kwargs)
        assert e.value.code == code
        assert isinstance(e.value, EngineError)

    def test_it_refuses_nonlinear_paths(self):
        fw = Framework.from_dict({
            "id": "t-geo", "name": "t", "edition": 2000, "status": "provisional",
            "root": {"code": "idx", "method": "geometric", "children": [
                {"code": "a", "scoring": {"rule": "goalposts", "lo": 0, "hi": 10}},
                {"code": "b", "scoring": {"rule": "goalposts", "lo": 0, "hi": 10}}]},
        })
        with pytest.raises(AnalysisError) as e:
            seek_target(fw, {"X": {"a": 1, "b": 2}, "Y": {"a": 5, "b": 5}}, unit="X", rank=1)
        assert e.value.code == "target_nonlinear"

    def test_it_parses_levers(self):
        assert parse_lever("a") == Lever("a", None, 1.0)
        assert parse_lever("a::3") == Lever("a", None, 3.0)
        assert parse_lever("a:7:2") == Lever("a", 7.0, 2.0)
