"""Program board benchmark: the QĐ 936 reference program served by gunicorn under 20 clients.

Loads the Hà Nam reference case and QĐ 936 (with its demonstration data), then fills the whole
2017–2020 program: every task's lead agency reports every quarter (16 quarters × 13 tasks, each
submitted and approved, with a reported KPI value where the task has one), 300 recommendations
with answers, and the obligations' occurrences recorded. Serves it with gunicorn and measures the
program board (/chuong-trinh/<pk>/), the overdue board and the public page with 20 client threads.
Prints its figures; asserts nothing. Reuses the helpers of run_pages.py.

    .venv/bin/python benchmarks/web/run_program_board.py [--requests 400] [--workers 9]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench .venv/bin/python benchmarks/web/run_program_board.py
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
sys.path.insert(0, str(HERE))

from run_pages import measure_pages, session_cookie, setup_env, start_gunicorn, stop_gunicorn  # noqa: E402


def build() -> dict:
    import django

    django.setup()
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone

    from chiso.orgs.models import Agency
    from chiso.program.models import (
        KpiValue,
        Occurrence,
        Program,
        ProgressReport,
        Recommendation,
        RecommendationStep,
    )

    if connection.vendor == "postgresql":
        call_command("flush", "--noinput", verbosity=0)
    call_command("migrate", verbosity=0)
    t0 = time.perf_counter()
    call_command("load_reference_case", "--demo", verbosity=0)
    call_command("load_demo_results", verbosity=0)
    call_command("load_program_936", "--demo", verbosity=0)
    program = Program.objects.get()
    officer = User.objects.get(username="sotttt.thamdinh")
    now = timezone.now()
    with transaction.atomic():
        from chiso.program import services

        reports, values = [], []
        existing = set(ProgressReport.objects.values_list("task_id", "agency_id", "year", "quarter"))
        tasks = list(program.tasks.prefetch_related("kpis"))
        for y, q in services.reporting_quarters(program):
            for t in tasks:
                if (t.pk, t.lead_agency_id, y, q) in existing:
                    continue
                reports.append(
                    ProgressReport(
                        task=t,
                        agency_id=t.lead_agency_id,
                        year=y,
                        quarter=q,
                        status="approved",
                        task_status="on_track",
                        percent=min(100, 6 * (y - 2017) * 4 + q * 6),
                        narrative="Báo cáo (benchmark)",
                        submitted_at=now,
                        decided_at=now,
                        decided_by=officer,
                        is_demo=True,
                    )
                )
        ProgressReport.objects.bulk_create(reports)
        for r in ProgressReport.objects.filter(narrative="Báo cáo (benchmark)").select_related("task"):
            for k in r.task.kpis.all():
                if k.source == "reported":
                    values.append(KpiValue(report=r, kpi=k, value=float(r.quarter)))
        KpiValue.objects.bulk_create(values)
        agencies = list(Agency.objects.filter(code__startswith="A35."))
        recs = [
            Recommendation(
                program=program,
                agency=agencies[i % len(agencies)],
                task=tasks[i % len(tasks)],
                title=f"Kiến nghị {i} (benchmark)",
                body="Nội dung",
                status="answered",
                answer="Trả lời",
                answered_at=now,
                is_public=i % 3 == 0,
                is_demo=True,
            )
            for i in range(300)
        ]
        Recommendation.objects.bulk_create(recs)
        RecommendationStep.objects.bulk_create(
            [
                RecommendationStep(recommendation=r, action=a, status_after="answered", text="x")
                for r in Recommendation.objects.filter(title__endswith="(benchmark)")
                for a in ("submit", "answer")
            ]
        )
        Occurrence.objects.filter(done_on__isnull=True, due_on__lt=dt.date(2020, 6, 30)).update(
            done_on=dt.date(2020, 6, 30), note="benchmark", is_demo=True
        )
    return {
        "program": program.pk,
        "officer": officer,
        "seconds": time.perf_counter() - t0,
        "reports": ProgressReport.objects.count(),
        "recs": Recommendation.objects.count(),
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--requests", type=int, default=400)
    ap.add_argument("--clients", type=int, default=20)
    ap.add_argument("--workers", type=int, default=(os.cpu_count() or 2) * 2 + 1)
    args = ap.parse_args()
    var = setup_env()
    print(
        f"chiso program board benchmark — {os.cpu_count()} CPU, database {os.environ.get('DATABASE_URL', 'SQLite')}, "
        f"load average {os.getloadavg()[0]:.1f} (other work on the machine slows every figure)"
    )
    info = build()
    print(
        f"  built in {info['seconds']:.1f} s: QĐ 936 (13 tasks), {info['reports']} progress reports, "
        f"{info['recs']} recommendations"
    )
    proc, port, env = start_gunicorn(args.workers)
    try:
        cookie = session_cookie(info["officer"])
        p = info["program"]
        pages = [
            (f"board /chuong-trinh/{p}/", f"/chuong-trinh/{p}/", cookie),
            (f"overdue /chuong-trinh/{p}/qua-han/", f"/chuong-trinh/{p}/qua-han/", cookie),
            ("public /cong-khai/ (anonymous)", "/cong-khai/", ""),
        ]
        print(
            f"  gunicorn: {args.workers} sync workers, DB_CONN_MAX_AGE={env['DB_CONN_MAX_AGE']}; "
            f"{args.clients} concurrent clients; {args.requests} requests per page"
        )
        measure_pages(proc, port, pages, clients=args.clients, requests=args.requests, single=50)
    finally:
        stop_gunicorn(proc)
    shutil.rmtree(var, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
