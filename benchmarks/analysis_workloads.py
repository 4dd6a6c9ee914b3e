"""Reference workloads of issue 3 (timed by benchmarks/run).

Each function returns a dict of figures; nothing here asserts a speed.
"""

from __future__ import annotations

import cProfile
import io
import pstats
import resource
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any

import numpy as np

from chiso.engine.analysis import Assumptions, seek_target, sensitivity, uncertainty
from chiso.engine.analysis.synthetic import dti_like, flat_workload, workload_a, workload_b
from chiso.engine.compute import compute

A_ASSUMPTIONS = Assumptions(weights=0.25, weight_levels=(1, 2), aggregation=("arithmetic", "geometric"))
B_ASSUMPTIONS = Assumptions(weights=0.25, weight_levels=(1, 2), aggregation=("arithmetic", "geometric"),
                            normalisation=("nominal", "ratio_to_max", "percentile"))


def timeit(fn: Callable[[], Any], repeat: int = 5) -> tuple[float, list[float]]:
    fn()  # warm-up (imports, caches)
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return float(np.median(times)), times


def bench_a(n: int = 1000) -> dict[str, Any]:
    d = workload_a()
    med, times = timeit(lambda: uncertainty(d.framework, d.values, units=d.units, codes=d.codes,
                                            assumptions=A_ASSUMPTIONS, n=n, seed=1))
    return {"median_s": med, "min_s": min(times), "n": n, "shape": "63 x 32"}


def bench_b(n: int = 1000) -> dict[str, Any]:
    d = workload_b()
    res: dict[str, Any] = {}

    def run() -> None:
        res["r"] = sensitivity(d.framework, d.values, units=d.units, codes=d.codes, assumptions=B_ASSUMPTIONS,
                               n=n, seed=1, bootstrap=200)
    med, times = timeit(run, repeat=3)
    return {"median_s": med, "min_s": min(times), "runs": res["r"].n_runs, "factors": res["r"].factors,
            "shape": "51 x 49, 4 levels"}


def bench_target(k: int = 20) -> dict[str, Any]:
    d = dti_like()
    r = compute(d.framework, d.values, units=d.units, codes=d.codes)
    order = np.argsort(r.ranks[:, 0], kind="stable")
    units = [d.units[i] for i in order[24:48]]  # ranks 25..48 aiming at the top 20
    times = []
    for u in units:
        seek_target(d.framework, d.values, units=d.units, codes=d.codes, unit=u, rank=k)  # warm-up
        t = time.perf_counter()
        seek_target(d.framework, d.values, units=d.units, codes=d.codes, unit=u, rank=k)
        times.append(time.perf_counter() - t)
    return {"median_s": float(np.median(times)), "max_s": max(times), "units": len(units), "shape": "63 x 98"}


def bench_compute(profile: bool = False) -> dict[str, Any]:
    d = flat_workload()
    med, times = timeit(lambda: compute(d.framework, d.values, units=d.units, codes=d.codes), repeat=3)
    out: dict[str, Any] = {"median_s": med, "min_s": min(times), "shape": "10000 x 100"}
    if profile:
        pr = cProfile.Profile()
        pr.enable()
        compute(d.framework, d.values, units=d.units, codes=d.codes)
        pr.disable()
        buf = io.StringIO()
        pstats.Stats(pr, stream=buf).sort_stats("tottime").print_stats(6)
        out["profile"] = buf.getvalue()
    return out




def bench_memory(n: int) -> dict[str, Any]:
    """Peak RSS of a fresh process running workload A with n replicates (KiB from getrusage)."""
    code = (
        "import resource, time\n"
        "from chiso.engine.analysis import uncertainty, Assumptions\n"
        "from chiso.engine.analysis.synthetic import workload_a\n"
        "A = Assumptions(weights=0.25, weight_levels=(1, 2), aggregation=('arithmetic', 'geometric'))\n"
        "d = workload_a()\n"
        "t = time.perf_counter()\n"
        f"uncertainty(d.framework, d.values, units=d.units, codes=d.codes, assumptions=A, n={n}, seed=1)\n"
        "print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    return {"n": n, "seconds": float(out[0]), "peak_rss_mib": int(out[1]) / 1024}


def baseline_rss_mib() -> float:
    code = ("import resource\nimport chiso.engine.analysis, chiso.engine.analysis.synthetic\n"
            "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    return int(out.split()[0]) / 1024


_ = resource  # imported for the docs: RSS comes from resource.getrusage


def internal_workload(units: int = 1000, indicators: int = 60, seed: int = 3):
    """A merged province's internal ranking: ``units`` communes/departments × ``indicators`` scored by
    a mix of the four points rules (step table, ratio capped, yes/no, partial credit), 6 groups,
    evidence required on a third of them and missing for 5 % of the answers; 2 % of units excluded."""
    from chiso.engine.points import PointsFramework

    rng = np.random.default_rng(seed)
    rules = [
        ({"rule": "threshold", "steps": [[4, 10], [3, 7.5], [2, 5], [1, 2.5]], "points": 10}, {"kind": "count"}),
        ({"rule": "ratio_capped", "target": 100}, {"kind": "percent"}),
        ({"rule": "yes_no"}, {"kind": "yes_no"}),
        ({"rule": "partial", "levels": {0: 0, 1: 0.5, 2: 1}},
         {"kind": "level", "levels": {0: {"vi": "0"}, 1: {"vi": "1"}, 2: {"vi": "2"}}}),
    ]
    per = indicators // 6
    groups = []
    for g in range(6):
        kids = []
        for j in range(per):
            rule, value = rules[(g * per + j) % 4]
            kids.append({"code": f"i{g}_{j}", "max_points": 10, "scoring": rule, "value": value,
                         "evidence_required": j % 3 == 0,
                         "tiers": ["xa"] if j == per - 1 else ["so", "xa"]})
        groups.append({"code": f"g{g}", "method": "points_sum", "children": kids})
    pfw = PointsFramework.from_dict({
        "id": "bench-noibo", "kind": "internal", "name": "bench", "edition": 2025, "status": "template",
        "tiers": [{"code": "so"}, {"code": "xa"}],
        "bands": [{"code": "a", "min": 0.8}, {"code": "b", "min": 0.5}, {"code": "c", "min": 0}],
        "root": {"code": "r", "method": "points_sum", "children": groups},
    })
    codes = pfw.codes
    vals = np.empty((units, len(codes)))
    for j, code in enumerate(codes):
        kind = pfw.indicator(code).value_kind
        vals[:, j] = {"count": lambda: rng.integers(0, 6, units), "percent": lambda: rng.uniform(0, 100, units),
                      "yes_no": lambda: rng.integers(0, 2, units), "level": lambda: rng.integers(0, 3, units)}[kind]()
    vals[rng.random(vals.shape) < 0.05] = np.nan
    evidence = rng.random(vals.shape) < 0.9
    tiers = ["so" if i % 10 == 0 else "xa" for i in range(units)]
    excluded = rng.random(units) < 0.02
    return pfw, codes, vals, evidence, tiers, excluded


def bench_internal(units: int = 1000, indicators: int = 60) -> dict[str, Any]:
    """Which indicators apply to each unit, score every answer by its rule, then totals, maxima, bands and shared ranks (the engine's part
    of the internal ranking), for a merged province."""
    pfw, codes, vals, evidence, tiers, excluded = internal_workload(units, indicators)
    def run():
        applicable = pfw.applicable_matrix(codes, tiers)
        pts = pfw.points_matrix(codes, vals, evidence)
        return pfw.assess(codes, pts, applicable=applicable, excluded=excluded)

    med, times = timeit(run, repeat=7)
    return {"shape": f"{units} units × {len(codes)} indicators", "median_s": med, "min_s": min(times)}
