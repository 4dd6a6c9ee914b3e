"""The annual analysis report, generated and opened: text, tables and numbers against the database."""

from __future__ import annotations

from chiso.orgs import audit
from chiso.reports import services
from chiso.reports.models import ReportJob

from . import files
from .base import ReportsTestCase


class AnnualReportTestCase(ReportsTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        job = services.create_job(
            "annual", {"framework_id": "test-fw", "sign_name": "Trần Văn B"}, audit.Actor(user=cls.admin)
        )
        cls.job = services.run_job(job.pk)

    def test_it_finishes_with_three_files(self):
        self.assertEqual(self.job.status, ReportJob.Status.DONE, self.job.error)
        self.assertEqual(self.job.progress, 100)
        self.assertTrue(self.job.docx and self.job.pdf and self.job.xlsx)

    def test_it_keeps_the_snapshot(self):
        snap = self.job.snapshot
        self.assertEqual(snap["run"]["id"], self.index_run.pk)
        self.assertEqual(snap["run"]["score"], 0.61)
        self.assertEqual([c["code"] for c in snap["components"]], ["staff", "online"])

    def test_it_states_the_result_in_the_text(self):
        text = files.docx_text(self.job)
        self.assertIn("đạt 0,6100 điểm, hạng 25/63", text)
        self.assertIn("Điểm của tỉnh xếp hạng 20 là 0,6500", text)
        self.assertIn("Trần Văn B", text)
        self.assertIn("/BC-STTTT", text)

    def test_it_compares_components_with_threshold_and_best(self):
        rows = files.table_rows(self.job, "Bảng 2.")
        nodes = {n["code"]: n for n in self.index_run.summary["nodes"]}
        # a negative number with the minus sign U+2212, which a line break never separates from its digits
        self.assertEqual(rows[1], ["Nhân lực", "0,4200", "40", "0,6000", "\u22120,1800", "0,9500", "\u22120,5300"])
        self.assertEqual(rows[2][1], "0,8000")
        self.assertEqual(rows[2][4], "+0,1000")
        self.assertAlmostEqual(nodes["staff"]["score"] - nodes["staff"]["threshold"], -0.18)
        text = files.docx_text(self.job)
        # the same numbers in the sentences as in the table
        self.assertIn("Nhân lực (0,4200, hạng 40, \u22120,1800 so với ngưỡng; tỉnh dẫn đầu Tỉnh B 0,9500)", text)
        self.assertIn("Trực tuyến (0,8000, hạng 12, +0,1000 so với ngưỡng)", text)

    def test_it_names_the_accountable_agencies_of_weak_components(self):
        rows = files.table_rows(self.job, "Bảng 3.")
        self.assertEqual(len(rows), 2)  # header + the one weak component
        self.assertEqual(rows[1][0], "Nhân lực")
        self.assertEqual(rows[1][2], "Sở Nội vụ")

    def test_it_writes_the_same_numbers_to_the_workbook(self):
        wb = files.xlsx(self.job)
        ws = wb[[n for n in wb.sheetnames if n.startswith("Bảng 2")][0]]
        data = {r[0].value: [c.value for c in r] for r in ws.iter_rows(min_row=3) if r[0].value}
        self.assertEqual(data["Nhân lực"][1:4], [0.42, 40, 0.6])
        self.assertAlmostEqual(data["Nhân lực"][4], 0.42 - 0.6)

    def test_it_writes_the_pdf(self):
        text = files.pdf_text(self.job)
        self.assertIn("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", text)
        self.assertIn("Độc lập - Tự do - Hạnh phúc", text)
        self.assertIn("0,6100", text)
        self.assertIn("Nhân lực", text)

    def test_it_says_when_there_is_no_result(self):
        job = services.create_job("annual", {"framework_id": "unknown-fw"}, audit.Actor(user=self.admin))
        job = services.run_job(job.pk, pdf=False)
        self.assertEqual(job.status, ReportJob.Status.FAILED)
        self.assertIn("Chưa có kết quả chỉ số", job.error)
