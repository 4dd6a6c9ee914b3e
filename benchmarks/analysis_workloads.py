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
