"""Report generation benchmark (printed, not asserted): the annual analysis report for the reference
case (Hà Nam, QĐ 936; demonstration results), target ≤ 5 s end to end; the quarterly and progress
reports beside it. Each stage is timed: snapshot (database), DOCX (with charts), XLSX, PDF (LibreOffice).

    .venv/bin/python benchmarks/web/run_reports.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench .venv/bin/python benchmarks/web/run_reports.py
"""

from __future__ import annotations

import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPEAT = 5


def setup_env() -> Path:
    var = Path(tempfile.mkdtemp(prefix="chiso-bench-reports-"))
    os.environ.setdefault("CHISO_VAR_DIR", str(var))
    os.environ["DJANGO_SETTINGS_MODULE"] = "chiso.site.settings"
    os.environ["DEBUG"] = "False"
    os.environ.setdefault("LOG_LEVEL", "ERROR")
    return var


def build() -> None:
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    call_command("flush", verbosity=0, interactive=False)
    for cmd, args in (
        ("load_reference_case", ["--demo"]),
        ("load_demo_results", []),
        ("load_program_936", ["--demo"]),
        ("load_quarterly_demo", ["--demo"]),
    ):
        call_command(cmd, *args, verbosity=0)


def time_job(kind: str, params: dict) -> dict[str, float]:
    from chiso import docgen
    from chiso.orgs import audit
    from chiso.reports import documents, services

    t0 = time.perf_counter()
    job = services.create_job(kind, params, audit.Actor())
    snap = services.snapshot_for(job)
    t1 = time.perf_counter()
    spec = documents.build(snap, job.params)
    docx = docgen.render_docx(spec)
    t2 = time.perf_counter()
    docgen.render_xlsx(spec)
    t3 = time.perf_counter()
    docgen.docx_to_pdf(docx)
    t4 = time.perf_counter()
    # the whole job as the web runs it (files saved, progress written)
    t5 = time.perf_counter()
    done = services.run_job(services.create_job(kind, params, audit.Actor()).pk)
    t6 = time.perf_counter()
    assert done.status == "done", done.error
    return {"snapshot": t1 - t0, "docx": t2 - t1, "xlsx": t3 - t2, "pdf": t4 - t3, "job": t6 - t5}


def main() -> int:
    var = setup_env()
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "src"))
    import django

    django.setup()
    from django.conf import settings

    try:
        build()
        print(
            f"database: {settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}; "
            f"LibreOffice: {shutil.which('soffice')}; {REPEAT} runs each (first run includes imports)"
        )
        cases = [
            ("annual (reference case, DTI 2022 demo run)", "annual", {}),
            (
                "annual (ICT Index 2017 projection, QĐ 936 program)",
                "annual",
                {"framework_id": "vn-ict-index-2016-province", "year": 2017},
            ),
            ("quarterly (quý 4/2017 vs quý 3/2017)", "quarterly", {"year": 2017, "quarter": 4}),
            (
                "progress (01/07/2017–31/12/2017)",
                "progress",
                {"date_from": "2017-07-01", "date_to": "2017-12-31"},
            ),
        ]
        print(
            f"{'report':52} {'snapshot':>9} {'docx':>7} {'xlsx':>7} {'pdf':>7} {'job':>7}  (seconds, median)"
        )
        for label, kind, params in cases:
            runs = [time_job(kind, params) for _ in range(REPEAT)]
            med = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
            first = runs[0]["job"]
            print(
                f"{label:52} {med['snapshot']:9.3f} {med['docx']:7.3f} {med['xlsx']:7.3f} {med['pdf']:7.3f} "
                f"{med['job']:7.3f}  (first job {first:.3f})"
            )
            if kind == "annual" and not params:
                verdict = "OK" if med["job"] <= 5 else "OVER"
                print(
                    f"  -> annual report, reference case: {med['job']:.2f} s median end to end "
                    f"(target ≤ 5 s): {verdict}"
                )
    finally:
        if "CHISO_VAR_DIR" in os.environ and os.environ["CHISO_VAR_DIR"] == str(var):
            shutil.rmtree(var, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
