"""What-if benchmark (printed, not asserted): server time per change on the what-if page for
63 provinces × 98 indicators, target ≤ 100 ms (issue 13).

Builds, in a scratch database, a generated DTI-shaped framework (9 main indices, 98 indicators scored by
thresholds, capped ratios, yes/no, goalposts and ratio to the best; ``chiso.engine.analysis.synthetic.
dti_like``, SYNTHETIC DEMONSTRATION DATA), its published table of 63 provinces and the run computed
from it; then sends N changes through Django's test client as htmx sends them (POST of the whole form,
one value changed each time, the result partial back) and prints the median and 95th percentile of
the wall time and of the process CPU time per request, with the CPU model. Cases: the first request on
the run (its inputs read from the database), one value changed, and one value changed with the other
provinces improving by a trend.

    .venv/bin/python benchmarks/web/whatif.py [--requests 200]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/<scratch> .venv/bin/python benchmarks/web/whatif.py

The PostgreSQL database given is emptied first (flush): use a scratch database.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
TARGET_MS = 100.0


def cpu_model() -> str:
    sys.path.insert(0, str(REPO / "benchmarks"))
    import importlib.machinery
    import importlib.util

    loader = importlib.machinery.SourceFileLoader("bench_run", str(REPO / "benchmarks" / "run"))
    spec = importlib.util.spec_from_loader("bench_run", loader)
    mod = importlib.util.module_from_spec(spec)
    loader.exec_module(mod)
    return f"{mod.cpu_model()} ({os.cpu_count()} logical CPUs)"


def build():
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.db import connection

    from chiso.engine.analysis.synthetic import dti_like
    from chiso.lib import frameworks
    from chiso.orgs import audit
    from chiso.results import services
    from chiso.results.models import PublishedTable, PublishedValue

    if connection.vendor == "postgresql":
        call_command("flush", "--noinput", verbosity=0)
    call_command("migrate", "--noinput", verbosity=0)
    data = dti_like(n_units=63)
    fw = frameworks.register(data.framework)
    table = PublishedTable.objects.create(
        framework_id=fw.id, year=2022, title="Bảng tổng hợp 63 × 98 (DỮ LIỆU MINH HỌA)", kind="demo",
        is_demo=True, source=data.label)
    refs = {u: f"S{i + 1:02d}" for i, u in enumerate(data.units)}
    PublishedValue.objects.bulk_create([
        PublishedValue(table=table, unit_ref=refs[u], unit_name=u, code=c, value=float(data.values[i, j]),
                       source=data.label)
        for i, u in enumerate(data.units) for j, c in enumerate(data.codes)], batch_size=2000)
    user = User.objects.create_user("bench.whatif", password="bench-password-1")
    unit = data.units[30]
    run = services.run_from_table(table, audit.Actor(user=user), unit_ref=refs[unit])
    return run, user, data


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--requests", type=int, default=200, help="changes timed per case (default 200)")
    args = p.parse_args()
    from run_reports import setup_env  # the same scratch folder and settings as the other web benchmarks

    var = setup_env()
    sys.path.insert(0, str(REPO / "src"))
    import django

    django.setup()
    from django.conf import settings
    from django.test import Client

    from chiso.results import whatif as service

    try:
        t0 = time.perf_counter()
        run, user, data = build()
        built = time.perf_counter() - t0
        client = Client()
        client.force_login(user)
        url = f"/ket-qua/lan-tinh/{run.pk}/neu-thi/"
        page = client.get(url)
        assert page.status_code == 200, page.status_code
        base = service.base_for(run)
        fields = base.fields
        form = {f.name: service.field_text(f.value) for f in fields}
        n_in = len(fields)
        print(f"CPU: {cpu_model()}; load average at start {os.getloadavg()[0]:.1f} (other work inflates wall times)")
        print(f"database: {settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}; run: {len(base.units)} "
              f"provinces × {len(base.codes)} indicators ({n_in} fields on the form), built in {built:.1f} s; "
              f"{data.label}")

        def post(k: int, rate: str = "") -> tuple[float, float]:
            f = fields[k % n_in]
            body = dict(form, xu_huong=rate)
            lo, hi = f.lo if f.lo is not None else 0.0, f.hi if f.hi is not None else 100.0
            rule = f.node.scoring.rule if f.node.scoring else ""
            if rule == "threshold":
                v = float(int(f.value + 1 + k) % 5)
            elif rule == "yes_no":
                v = 1.0 - f.value
            else:
                v = lo + (hi - lo) * ((k * 37) % 100) / 100
            body[f.name] = service.field_text(v)
            w0, c0 = time.perf_counter(), time.process_time()
            r = client.post(url, urlencode(body), content_type="application/x-www-form-urlencoded",
                            HTTP_HX_REQUEST="true")  # as htmx sends a form
            w1, c1 = time.perf_counter(), time.process_time()
            if r.status_code != 200 or b"whatif-score" not in r.content:
                raise SystemExit(f"change {k}: HTTP {r.status_code}\n{r.content[:2000].decode(errors='replace')}")
            return (w1 - w0) * 1000, (c1 - c0) * 1000

        service._CACHE.clear()
        first_wall, first_cpu = post(0)
        print(f"first change on the run (inputs read from the database): {first_wall:.1f} ms wall, "
              f"{first_cpu:.1f} ms CPU")
        for label, rate in (("one value changed", ""), ("one value changed, other provinces +2 %/year", "2")):
            post(1, rate)  # warm (the trend's matrix is made once per rate)
            walls, cpus = zip(*(post(k, rate) for k in range(args.requests)))
            q = statistics.quantiles(walls, n=20)
            med = statistics.median(walls)
            verdict = "OK" if q[18] <= TARGET_MS else "OVER"
            print(f"{label:48} median {med:6.1f} ms, p95 {q[18]:6.1f} ms wall; median {statistics.median(cpus):6.1f} "
                  f"ms CPU ({args.requests} POSTs)   target ≤ {TARGET_MS:.0f} ms: {verdict}")
    finally:
        if os.environ.get("CHISO_VAR_DIR") == str(var):
            shutil.rmtree(var, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
