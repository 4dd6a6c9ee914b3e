"""``make_document KIND [--date] [--out]``: what it picks as "current data as of the date", the files it
writes (opened here), the job row it leaves, and exit code 2 with the reason when there is nothing to write."""

from __future__ import annotations

import datetime as dt
import io
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from django.core.management import CommandError, call_command
from django.test import TestCase, override_settings
from django.utils import timezone
from docx import Document
from openpyxl import load_workbook

from chiso.docgen import check
from chiso.orgs.models import AuditEntry
from chiso.program.models import Program
from chiso.reports import kinds
from chiso.reports.management.commands import make_document
from chiso.reports.models import ReportJob

from .base import ReportsTestCase


def _registered(kind: str) -> bool:
    try:
        kinds.get(kind)
    except LookupError:
        return False
    return True


class TempMedia:
    @classmethod
    def setUpClass(cls):
        media = cls.enterClassContext(tempfile.TemporaryDirectory(prefix="chiso-test-make-document-"))
        cls.enterClassContext(override_settings(PRIVATE_MEDIA_ROOT=Path(media)))
        super().setUpClass()

    def run_command(self, *args) -> tuple[list[Path], Path]:
        out_dir = Path(self.enterContext(tempfile.TemporaryDirectory(prefix="chiso-test-documents-")))
        out = io.StringIO()
        call_command("make_document", *args, "--out", str(out_dir), stdout=out)
        return [Path(line) for line in out.getvalue().splitlines()], out_dir

    def refused(self, *args) -> str:
        with self.assertRaises(CommandError) as cm:
            call_command("make_document", *args, stdout=io.StringIO())
        self.assertEqual(cm.exception.returncode, 2)
        return str(cm.exception)


class EmptyDatabaseTestCase(TempMedia, TestCase):
    def test_annual_says_there_is_no_result(self):
        message = self.refused("annual")
        self.assertIn("Chưa có kết quả chỉ số nào", message)
        # the refusal went through the job: its row says why, written by the system
        job = ReportJob.objects.get()
        self.assertEqual((job.kind, job.status, job.created_by), ("annual", ReportJob.Status.FAILED, None))
        self.assertIn("Chưa có kết quả chỉ số nào", job.error)
        entry = AuditEntry.objects.get(action="report.create")
        self.assertEqual((entry.user_name, entry.request_id), ("system", "make_document"))

    def test_every_kind_says_why(self):
        today = timezone.localdate()
        for kind, words in (
            ("quarterly", "Chưa có đợt thu thập số liệu Một cửa điện tử"),
            ("progress", "Chưa có chương trình hành động nào"),
            (
                "decision",
                f"Chưa có đợt xếp hạng nội bộ nào đến bước lãnh đạo phê duyệt vào ngày {today:%d/%m/%Y}",
            ),
            ("scorecards", "Chưa có đợt xếp hạng nội bộ nào"),
        ):
            with self.subTest(kind=kind):
                if not _registered(kind):
                    self.skipTest(f"the “{kind}” kind is not registered yet")
                self.assertIn(words, self.refused(kind))

    def test_a_bad_date_or_kind(self):
        self.assertIn(
            "“2024-13-01” không phải ngày dạng YYYY-MM-DD", self.refused("annual", "--date", "2024-13-01")
        )
        future = timezone.localdate() + dt.timedelta(days=2)
        self.assertIn("ở tương lai", self.refused("annual", "--date", future.isoformat()))
        self.assertIn(
            "chọn một trong: annual, quarterly, progress, decision, scorecards", self.refused("report")
        )
        self.assertFalse(ReportJob.objects.exists())

    def test_the_exit_code_from_the_shell(self):
        with tempfile.TemporaryDirectory() as var:
            proc = subprocess.run(
                [sys.executable, "-m", "chiso.manage", "make_document", "annual", "--date", "15/07/2024"],
                capture_output=True,
                text=True,
                timeout=120,
                env={**os.environ, "CHISO_VAR_DIR": var, "DJANGO_SETTINGS_MODULE": "chiso.site.settings"},
            )
        self.assertEqual(proc.returncode, 2, proc.stderr)
        self.assertEqual(proc.stdout, "")
        self.assertIn("--date: “15/07/2024” không phải ngày dạng YYYY-MM-DD (ví dụ 2024-07-15).", proc.stderr)


class ReportsDataTestCase(TempMedia, ReportsTestCase):
    """Quarterly rounds Q1 and Q2/2024 (base.py), an annual run for 2024; a program from 01/03/2024."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        Program.objects.create(
            code="test-program",
            title="Chương trình thử",
            decision_number="12/QĐ-UBND",
            decision_date=dt.date(2024, 2, 20),
            issuer="UBND tỉnh Thử",
            starts_on=dt.date(2024, 3, 1),
            ends_on=dt.date(2026, 12, 31),
            framework_id="test-fw",
            standing_body=cls.dept,
        )

    def test_the_quarter_whose_period_has_ended(self):
        q = make_document.quarterly_params
        self.assertEqual(q(dt.date(2024, 7, 15)), {"year": 2024, "quarter": 2})
        self.assertEqual(q(dt.date(2024, 6, 30)), {"year": 2024, "quarter": 2})  # its last day
        self.assertEqual(q(dt.date(2024, 6, 29)), {"year": 2024, "quarter": 1})
        # none has ended yet: the round of the date's own quarter
        self.assertEqual(q(dt.date(2024, 2, 1)), {"year": 2024, "quarter": 1})
        with self.assertRaises(CommandError):
            q(dt.date(2023, 12, 31))

    def test_progress_from_the_start_of_the_year_or_of_the_program(self):
        p = make_document.progress_params
        self.assertEqual(p(dt.date(2025, 5, 6)), {"date_from": "2025-01-01", "date_to": "2025-05-06"})
        self.assertEqual(p(dt.date(2024, 5, 6)), {"date_from": "2024-03-01", "date_to": "2024-05-06"})
        with self.assertRaises(CommandError) as cm:
            p(dt.date(2024, 2, 1))
        self.assertIn("bắt đầu ngày 01/03/2024, sau ngày 01/02/2024", str(cm.exception))

    def test_the_document_is_dated_the_date(self):
        self.assertEqual(make_document.params_for("annual", dt.date(2024, 8, 1)), {"date": "2024-08-01"})
        self.assertEqual(
            make_document.params_for("quarterly", dt.date(2024, 8, 1)),
            {"year": 2024, "quarter": 2, "date": "2024-08-01"},
        )

    def test_it_writes_the_quarterly_report_and_prints_the_paths(self):
        paths, out_dir = self.run_command(
            "quarterly", "--date", "2024-07-15", "--sign-name", " Trần Văn Bình "
        )
        stem = "bao-cao-quy-2-2024-mot-cua-dvctt-ngay-15-07-2024"
        self.assertEqual(paths, [(out_dir / f"{stem}.{ext}").resolve() for ext in ("docx", "pdf", "xlsx")])
        docx = paths[0].read_bytes()
        text = check.docx_text(docx)
        self.assertIn("ngày 15 tháng 7 năm 2024", text)
        self.assertIn("\nTrần Văn Bình", text)
        # Q2 received: A 120 + B 210 + DEPT 60 (HUYEN not approved) = 390
        total = [
            r for t in Document(io.BytesIO(docx)).tables for r in t.rows if r.cells[0].text == "Toàn tỉnh"
        ]
        self.assertEqual(total[0].cells[1].text, "390")
        pdf = paths[1].read_bytes()
        self.assertTrue(pdf.startswith(b"%PDF-"))
        self.assertIn("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "\n".join(check.pdf_text(pdf)))
        wb = load_workbook(paths[2])
        self.assertTrue(any(name.startswith("Bảng 1") for name in wb.sheetnames), wb.sheetnames)
        job = ReportJob.objects.get(kind="quarterly")
        self.assertEqual(job.status, ReportJob.Status.DONE)
        self.assertEqual(
            job.params, {"year": 2024, "quarter": 2, "date": "2024-07-15", "sign_name": "Trần Văn Bình"}
        )
        # the files as written pass the NĐ 30 check's signature rule (a name under the title, one page)
        self.assertEqual([f for f in check.check_all(docx, pdf) if f.rule == "nd30.signature"], [])


class InternalRankingTestCase(TempMedia, TestCase):
    """The reference case's internal ranking: the 2021 round (decision 15/03/2022) and the 2022 round
    (decision 20/03/2023), both published."""

    @classmethod
    def setUpTestData(cls):
        call_command("load_reference_case", "--demo", verbosity=0)
        call_command("load_internal_demo", "--demo", verbosity=0)

    def test_the_latest_round_that_had_reached_approval(self):
        pick = make_document.latest_round
        self.assertEqual(pick(dt.date(2023, 6, 1)).year, 2022)
        self.assertEqual(pick(dt.date(2023, 3, 19)).year, 2021)  # the day before the 2022 decision
        self.assertEqual(pick(dt.date(2022, 3, 15)).year, 2021)
        with self.assertRaises(CommandError):
            pick(dt.date(2022, 3, 14))

    def test_it_writes_the_decision(self):
        if not _registered("decision"):
            self.skipTest("the “decision” kind is not registered yet")
        paths, _out = self.run_command("decision", "--date", "2023-06-01")
        self.assertEqual([p.suffix for p in paths], [".docx", ".pdf", ".xlsx"])
        self.assertTrue(
            all(p.name.startswith("quyet-dinh-cong-bo-ket-qua-xep-hang-2022") for p in paths), paths
        )
        text = check.docx_text(paths[0].read_bytes())
        self.assertIn("Số: 86/QĐ-UBND", text)  # the number the department saved for the 2022 decision
        self.assertTrue(paths[1].read_bytes().startswith(b"%PDF-"))
        load_workbook(paths[2])
