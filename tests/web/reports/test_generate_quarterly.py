"""The quarterly one-stop-shop report: per agency and district, totals, previous quarter."""

from __future__ import annotations

from chiso.collection.models import Submission, Value
from chiso.orgs import audit
from chiso.reports import documents, services
from chiso.reports.models import ReportJob

from . import files
from .base import Q1, Q2, ReportsTestCase


def db_total(rnd, code):
    return sum(
        Value.objects.filter(
            submission__round=rnd, submission__status=Submission.Status.APPROVED, code=code
        ).values_list("number", flat=True)
    )


class QuarterlyReportTestCase(ReportsTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        job = services.create_job("quarterly", {"year": 2024, "quarter": 2}, audit.Actor(user=cls.admin))
        cls.job = services.run_job(job.pk)

    def test_it_finishes(self):
        self.assertEqual(self.job.status, ReportJob.Status.DONE, self.job.error)

    def test_it_totals_approved_values_only(self):
        total = self.job.snapshot["total"]
        self.assertEqual(total["ho_so_tiep_nhan"], db_total(self.q2, "ho_so_tiep_nhan"))
        self.assertEqual(total["ho_so_tiep_nhan"], sum(v[0] for v in Q2.values()))
        self.assertEqual(self.job.snapshot["prev_total"]["ho_so_tiep_nhan"], sum(v[0] for v in Q1.values()))
        self.assertEqual(self.job.snapshot["missing"], ["UBND huyện Thử"])

    def test_it_lists_agencies_and_totals_in_the_table(self):
        rows = files.table_rows(self.job, "Bảng 1.")
        by_name = {r[0]: r for r in rows}
        self.assertEqual(by_name["Sở Nội vụ"][1:5], ["120", "18", "110", "4"])
        self.assertEqual(by_name["Sở Nội vụ"][5], "96,5%")  # 110 / (110 + 4)
        self.assertEqual(by_name["UBND huyện Thử"][1], "—")
        received = sum(v[0] for v in Q2.values())
        self.assertEqual(by_name["Toàn tỉnh"][1], str(received))
        text = files.docx_text(self.job)
        self.assertIn(f"các cơ quan tiếp nhận {received} hồ sơ", text)

    def test_it_compares_with_the_previous_quarter(self):
        rows = files.table_rows(self.job, "Bảng 2.")
        received = [r for r in rows if r[0] == "Hồ sơ tiếp nhận"][0]
        q1, q2 = sum(v[0] for v in Q1.values()), sum(v[0] for v in Q2.values())
        change = ("+" if q2 > q1 else "\u2212") + str(abs(q2 - q1))  # the minus sign U+2212, not "-"
        self.assertEqual(received[1:], [str(q1), str(q2), change])
        self.assertIn(f"số hồ sơ tiếp nhận {change}", files.docx_text(self.job))

    def test_its_chart_plots_each_agencys_on_time_rate(self):
        # Q2 (base.py), on time ÷ (on time + late): Sở Tư pháp 190/205, Sở Nội vụ 110/114, the department
        # 55/56, lowest first; the province (355 on time, 20 late) 355/375; UBND huyện Thử has no data
        spec = documents.build(self.job.snapshot, self.job.params)
        [chart] = spec.charts
        self.assertEqual(chart.kind, "hbar")
        self.assertEqual(chart.categories[:2], ["Sở Tư pháp", "Sở Nội vụ"])
        self.assertNotIn("UBND huyện Thử", chart.categories)
        [(_name, rates)] = chart.series
        for got, want in zip(rates, [100 * 190 / 205, 100 * 110 / 114, 100 * 55 / 56]):
            self.assertAlmostEqual(got, want)
        self.assertEqual(chart.bar_labels, ["92,7%", "96,5%", "98,2%"])
        self.assertAlmostEqual(chart.hline[0], 100 * 355 / 375)
        self.assertEqual(chart.hline[1], "Toàn tỉnh: 94,7%")
        self.assertEqual(chart.value_range, (0, 100))
        self.assertEqual(len(files.docx(self.job).inline_shapes), 1)  # the one picture: this chart
        self.assertIn("Hình 1. Tỷ lệ hồ sơ giải quyết đúng hạn quý 2/2024 của từng cơ quan", files.docx_text(self.job))

    def test_it_writes_numbers_to_the_workbook(self):
        wb = files.xlsx(self.job)
        ws = wb[[n for n in wb.sheetnames if n.startswith("Bảng 1")][0]]
        data = {r[0].value: [c.value for c in r] for r in ws.iter_rows(min_row=3) if r[0].value}
        self.assertEqual(data["Toàn tỉnh"][1], db_total(self.q2, "ho_so_tiep_nhan"))
        self.assertEqual(data["Sở Tư pháp"][2], 35)

    def test_it_writes_the_pdf(self):
        text = files.pdf_text(self.job)
        self.assertIn("Một cửa điện tử", text)
        self.assertIn("UBND huyện Thử", text)

    def test_it_refuses_a_quarter_without_a_round(self):
        job = services.create_job("quarterly", {"year": 2030, "quarter": 1}, audit.Actor(user=self.admin))
        job = services.run_job(job.pk, pdf=False)
        self.assertEqual(job.status, ReportJob.Status.FAILED)
        self.assertIn("Chưa có đợt thu thập số liệu Quý 1/2030", job.error)
