"""The department's whole journey in chromium (issue 13): the ministry's 34-province table as
published → the gap → the plan to the target rank → draft tasks issued → the annual report PDF, with
no shell.  The steps are :func:`journey` of ``benchmarks/web/journey.py``, which also measures them."""

from __future__ import annotations

import datetime as dt
import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "docs" / "screenshots"


def _journey_module():
    spec = importlib.util.spec_from_file_location("journey", ROOT / "benchmarks" / "web" / "journey.py")
    mod = importlib.util.module_from_spec(spec)
    sys.modules["journey"] = mod  # its dataclasses look their module up
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture
def base(live_server, settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    call_command("setup_province", "Ninh Bình", "--as-of", dt.date.today().isoformat(), "--demo", verbosity=0)
    call_command("import_program", str(ROOT / "src/chiso/cases/demo_dti_2026/program.yaml"), "--demo",
                 "--keep-existing", verbosity=0)
    return live_server.url


def test_from_the_ministry_table_to_the_signed_report(page, base, shot, tmp_path):
    from chiso.program.models import Task
    from chiso.results.models import IndexRun, Plan

    j = _journey_module()

    def run_worker():
        # the test database lives in this process's memory: the worker's command runs here
        call_command("run_report_jobs", verbosity=0)
        return 0.0

    out = j.journey(page, base, run_worker=run_worker, rank=5, shot=shot)
    assert len(out["actions"]) <= 25, out["actions"]
    assert out["pdf"][:5] == b"%PDF-"
    run = IndexRun.objects.get()
    assert run.n_units == 34
    plan = Plan.objects.get()
    assert plan.rank_after <= 5 < plan.rank_before
    tasks = Task.objects.filter(pk__in=[t["task_id"] for t in plan.tasks])
    assert tasks.count() == len(plan.result["changes"]) > 0
    assert not tasks.filter(is_draft=True).exists()
    assert "Ninh Bình" in out["plan_text"]
    # the annual report carries the decision: the plan table with its lead agencies
    pdf = tmp_path / "bao-cao.pdf"
    pdf.write_bytes(out["pdf"])
    # reading order (no -layout): a table cell's wrapped lines come out together; the agency's full name
    # wraps inside its column
    pages = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                           check=True).stdout.split("\f")
    at = next(i for i, p in enumerate(pages) if "Kế hoạch đạt hạng 5" in p)
    text = " ".join(" ".join(pages[at:at + 2]).split())
    first = plan.result["changes"][0]
    assert first["lead"].split(",")[0] in text, text
    # a picture of that page for the docs
    subprocess.run(["pdftoppm", "-f", str(at + 1), "-l", str(at + 1), "-r", "70", "-png", "-singlefile", str(pdf),
                    str(SCREENSHOTS / "report-plan-table")], check=True)
