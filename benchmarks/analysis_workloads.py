"""Reference workloads of issues 3 and 16 (timed by benchmarks/run).

Each function returns a dict of figures measured when it is called; nothing here asserts a speed.
Shapes are read from the data (``values.shape``, the framework's depth), never typed.

Memory is measured in a fresh interpreter: :func:`child_peak` runs a snippet with
``sys.executable`` and the child reads its own high-water mark ``VmHWM`` from
``/proc/self/status`` before it exits.  (``ru_maxrss`` of a child started from this process
is no good: Linux keeps the largest RSS across ``fork`` and ``exec``, so every child would
report this benchmark process's peak.)  The command-line lines run ``chiso`` under
``/usr/bin/time -f "%e %M"`` (elapsed seconds, the child's peak RSS in KiB).
"""

from __future__ import annotations

import cProfile
import csv
import io
import os
import pstats
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from chiso.engine.analysis import Assumptions, seek_target, sensitivity, uncertainty
from chiso.engine.analysis.synthetic import (
    SyntheticData,
    asem_assumptions,
    balanced_spec,
    dti_like,
    flat_workload,
    workload_a,
    workload_b,
)
from chiso.engine.compute import compute
from chiso.engine.framework import Framework

SRC = Path(__file__).resolve().parent.parent / "src"

A_ASSUMPTIONS = Assumptions(weights=0.25, weight_levels=(1, 2), aggregation=("arithmetic", "geometric"))
B_ASSUMPTIONS = Assumptions(weights=0.25, weight_levels=(1, 2), aggregation=("arithmetic", "geometric"),
                            normalisation=("nominal", "ratio_to_max", "percentile"))


def levels(fw: Framework) -> int:
    """Levels of the tree, the root's included (index -> pillars -> indicators is 3)."""
    def depth(node: Any) -> int:
        return 1 + max((depth(c) for c in node.children), default=0)
    return depth(fw.root)


def shape(d: SyntheticData) -> str:
    """``"51 units x 49 indicators, 4 levels"`` read from the data and its framework."""
    n_units, n_ind = d.values.shape
    return f"{n_units} units x {n_ind} indicators, {levels(d.framework)} levels"


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
    return {"median_s": med, "min_s": min(times), "repeat": len(times), "n": n, "shape": shape(d)}


def _bench_sensitivity(d: SyntheticData, assumptions: Assumptions, n: int, repeat: int) -> dict[str, Any]:
    res: dict[str, Any] = {}

    def run() -> None:
        res["r"] = sensitivity(d.framework, d.values, units=d.units, codes=d.codes, assumptions=assumptions,
                               n=n, seed=1, bootstrap=200)
    med, times = timeit(run, repeat=repeat)
    r = res["r"]
    return {"median_s": med, "min_s": min(times), "repeat": len(times), "runs": r.n_runs, "n": n,
            "factors": r.factors, "shape": shape(d), "result": r}


def bench_b(n: int = 1000) -> dict[str, Any]:
    return _bench_sensitivity(workload_b(), B_ASSUMPTIONS, n, repeat=3)


def bench_asem(n: int = 1000) -> dict[str, Any]:
    """COINr's ASEM sensitivity study (winsorisation, normalisation, weights, aggregation) on workload B."""
    return _bench_sensitivity(workload_b(), asem_assumptions(), n, repeat=3)


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
    return {"median_s": float(np.median(times)), "max_s": max(times), "units": len(units), "shape": shape(d),
            "first": int(r.ranks[order[24], 0]), "last": int(r.ranks[order[47], 0])}


def bench_compute(n_units: int = 10_000, repeat: int = 3, profile: bool = False) -> dict[str, Any]:
    d = flat_workload(n_units=n_units)
    med, times = timeit(lambda: compute(d.framework, d.values, units=d.units, codes=d.codes), repeat=repeat)
    out: dict[str, Any] = {"median_s": med, "min_s": min(times), "repeat": len(times), "shape": shape(d)}
    if profile:
        pr = cProfile.Profile()
        pr.enable()
        compute(d.framework, d.values, units=d.units, codes=d.codes)
        pr.disable()
        buf = io.StringIO()
        pstats.Stats(pr, stream=buf).sort_stats("tottime").print_stats(6)
        out["profile"] = buf.getvalue()
    return out


# --- memory and whole processes ------------------------------------------------------------------
_PEAK = (
    "\nimport json as _j\n"
    "_hwm = [l.split()[1] for l in open('/proc/self/status') if l.startswith('VmHWM:')]\n"
    "print(_j.dumps({'vmhwm_kib': int(_hwm[0]) if _hwm else None, **globals().get('OUT', {})}))\n"
)


def child_env() -> dict[str, str]:
    """This process's environment with this tree's ``src`` first on the path (the code measured)."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(SRC), *filter(None, [env.get("PYTHONPATH")])])
    return env


def child_peak(code: str) -> dict[str, Any]:
    """Run ``code`` in a fresh interpreter; its own peak RSS (VmHWM, MiB) and the dict it leaves in ``OUT``."""
    import json

    out = subprocess.run([sys.executable, "-c", code + _PEAK], capture_output=True, text=True, check=True,
                         env=child_env()).stdout.splitlines()[-1]
    got = json.loads(out)
    kib = got.pop("vmhwm_kib")
    return {"peak_mib": None if kib is None else kib / 1024, **got}


def bench_memory(n: int) -> dict[str, Any]:
    """Peak RSS of a fresh process running workload A's uncertainty with n replicates."""
    code = (
        "import time\n"
        "from chiso.engine.analysis import uncertainty, Assumptions\n"
        "from chiso.engine.analysis.synthetic import workload_a\n"
        "A = Assumptions(weights=0.25, weight_levels=(1, 2), aggregation=('arithmetic', 'geometric'))\n"
        "d = workload_a()\n"
        "t = time.perf_counter()\n"
        f"uncertainty(d.framework, d.values, units=d.units, codes=d.codes, assumptions=A, n={n}, seed=1)\n"
        "OUT = {'seconds': time.perf_counter() - t}\n"
    )
    return {"n": n, **child_peak(code)}


def baseline_memory() -> dict[str, Any]:
    """Peak RSS of a fresh process that only imports the analysis engine."""
    return child_peak("import chiso.engine.analysis, chiso.engine.analysis.synthetic\n")


def tree_counts(fw: Framework) -> list[Any]:
    """Children counts level by level (the ``counts`` of :func:`balanced_spec` that rebuild ``fw``)."""
    out: list[Any] = []
    nodes = [fw.root]
    while any(n.children for n in nodes):
        out.append([len(n.children) for n in nodes])
        nodes = [c for n in nodes for c in n.children]
    out[0] = out[0][0]
    return out


def write_cli_inputs(d: SyntheticData, folder: Path, name: str) -> tuple[Path, Path]:
    """The framework YAML (level ``synthetic``: unit names are not looked up in the province registry)
    and a CSV with a ``unit`` column and one column per code, as ``chiso compute`` reads them."""
    spec = balanced_spec(tree_counts(d.framework), fid=d.framework.id, level="synthetic")
    fw_path = folder / f"{name}.yaml"
    fw_path.write_text(yaml.safe_dump(spec, sort_keys=False), encoding="utf-8")
    if [n.code for n in Framework.from_dict(spec).indicators] != list(d.codes):
        raise RuntimeError("the written framework does not match the data's codes")
    csv_path = folder / f"{name}.csv"
    with csv_path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["unit", *d.codes])
        for start in range(0, len(d.units), 5000):
            block = d.values[start:start + 5000]
            text = np.char.mod("%.6g", block)
            w.writerows([u, *row] for u, row in zip(d.units[start:start + 5000], text.tolist()))
    return fw_path, csv_path


def time_command(argv: Sequence[str], repeat: int) -> dict[str, Any]:
    """Run ``argv`` ``repeat`` times under ``/usr/bin/time -f "%e %M"``: best and all elapsed
    seconds, the largest peak RSS (MiB); on failure the exit status and the first stderr line."""
    runs: list[tuple[float, float]] = []
    for _ in range(repeat):
        p = subprocess.run(["/usr/bin/time", "-f", "%e %M", *argv], capture_output=True, text=True,
                           env=child_env())
        last = p.stderr.strip().splitlines()[-1] if p.stderr.strip() else ""
        if p.returncode != 0:
            err = [x for x in p.stderr.splitlines() if x.strip() and not x.startswith("Command exited")]
            return {"failed": p.returncode, "error": err[0] if err else "", "runs": runs}
        secs, kib = last.split()
        runs.append((float(secs), int(kib) / 1024))
    return {"best_s": min(s for s, _ in runs), "times": [s for s, _ in runs], "peak_mib": max(m for _, m in runs),
            "runs": runs}


def chiso_command() -> list[str]:
    """The ``chiso`` entry point of this interpreter's environment (``python -m chiso.cli`` if none)."""
    exe = Path(sys.executable).parent / "chiso"
    return [str(exe)] if exe.exists() else [sys.executable, "-c", "import sys; from chiso.cli import main; "
                                            "sys.exit(main())"]


def bench_cli(d: SyntheticData, repeat: int, fmt: str = "json") -> dict[str, Any]:
    """Whole-process ``chiso compute`` on files written for ``d`` in a temporary folder."""
    with tempfile.TemporaryDirectory(prefix="chiso-bench-") as tmp:
        folder = Path(tmp)
        fw_path, csv_path = write_cli_inputs(d, folder, d.framework.id)
        size_mib = csv_path.stat().st_size / 2**20
        out = time_command([*chiso_command(), "compute", "--framework", str(fw_path), "--input", str(csv_path),
                            "--format", fmt, "-o", str(folder / f"out.{fmt}")], repeat)
    return {"shape": shape(d), "csv_mib": size_mib, "repeat": repeat, **out}


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
    return {"shape": f"{vals.shape[0]} units x {vals.shape[1]} indicators", "median_s": med, "min_s": min(times),
            "repeat": len(times)}
