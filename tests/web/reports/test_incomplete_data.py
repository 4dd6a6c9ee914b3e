"""A figure computed from incomplete data says so in the sentence and claims no rank (issue 13, item 5):
a run from a round where one main index of two has approved values stores no rank and no bracket;
the annual report (DOCX, PDF) and the dashboard say "chưa đủ để xếp hạng (tính trên 1/2 chỉ số thành
phần)" and print no rank figure for it. A run stored before coverage was recorded keeps its bracket."""

from __future__ import annotations

import re

from django.core.cache import cache

from chiso.collection.models import Submission
from chiso.orgs import audit
from chiso.reports import documents, services
from chiso.reports.models import ReportJob
from chiso.results import services as results
from chiso.results.models import Goalpost, IndexRun, PublishedTable, PublishedValue

from . import files
from .base import ReportsTestCase

# a rank figure of the province: "hạng 8", "hạng 1/63", "khoảng hạng 1–3" (the target "hạng 20" aside)
RANK_FIGURE = re.compile(r"(ước tính (trong khoảng )?hạng \d)|(hạng \d+/\d+)|(đạt [\d,]+ điểm, hạng)")


class IncompleteDataTestCase(ReportsTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        # Only agency A's "Nhân lực" values are approved: "Trực tuyến" has none.
        from chiso.collection import services as collection

        collection.save_values(cls.sub_a.pk, [
            collection.Change("total_staff", "10"), collection.Change("it_staff", "2"),
            collection.Change("has_portal", "1"),
        ], audit.Actor(user=cls.alice))
        Submission.objects.filter(pk=cls.sub_a.pk).update(status="approved")
        Goalpost.objects.create(framework_id="test-fw", code="total_staff", lo=0, hi=10, source="Sở nhập")
        Goalpost.objects.create(framework_id="test-fw", code="it_staff", lo=0, hi=2, source="Sở nhập")
        table = PublishedTable.objects.create(framework_id="test-fw", year=2024, title="Tổng điểm công bố", source="s")
        for ref, name, value, rank in [("P48", "Đà Nẵng", 1.0, 1), ("P01", "Hà Nội", 0.95, 3), ("P02", "Hà Giang", 0.2, 40)]:
            PublishedValue.objects.create(table=table, unit_ref=ref, unit_name=name, code="total", value=value, rank=rank)
        cls.run_partial = results.run_from_round(cls.round, audit.Actor(user=cls.admin))
        cls.job = services.run_job(
            services.create_job("annual", {"framework_id": "test-fw", "date": "2025-02-10"},
                                audit.Actor(user=cls.admin)).pk
        )

    def setUp(self):
        super().setUp()
        cache.clear()

    def test_the_run_stores_no_rank(self):
        run = self.run_partial
        # the reweighted total is 1.0, above every published total: it would have read "hạng 1"
        self.assertAlmostEqual(run.score, 1.0)
        self.assertEqual((run.rank, run.rank_low, run.rank_high), (None, None, None))
        self.assertEqual(run.summary["coverage"]["mains"], 1)
        self.assertEqual(run.summary["coverage"]["mains_total"], 2)

    def test_the_report_says_so_and_claims_no_rank(self):
        self.assertEqual(self.job.status, ReportJob.Status.DONE, self.job.error)
        self.assertEqual(self.job.snapshot["run"]["id"], self.run_partial.pk)
        text = files.docx_text(self.job)
        self.assertIn(
            "Năm 2024, điểm ước tính của tỉnh Thử là 1,0000, tính trên 1/2 chỉ số thành phần (chưa có số liệu: "
            "Trực tuyến), không phải điểm của cả bộ chỉ số; chưa đủ để xếp hạng",
            text,
        )
        self.assertIsNone(RANK_FIGURE.search(text), RANK_FIGURE.search(text))
        trend = files.table_rows(self.job, "Bảng 1.")
        self.assertEqual(trend[1][:3], ["2024", "1,0000", "chưa đủ để xếp hạng"])
        self.assertIn("tính trên 1/2 chỉ số thành phần", trend[1][3])
        pdf = re.sub(r"\s+", " ", files.pdf_text(self.job))
        self.assertIn("chưa đủ để xếp hạng", pdf)
        self.assertIn("tính trên 1/2 chỉ số thành phần", pdf)
        self.assertIsNone(RANK_FIGURE.search(pdf))

    def test_the_dashboard_shows_no_rank_as_fact(self):
        self.login(self.admin)
        r = self.client.get("/ket-qua/", {"bo": "test-fw"})
        self.assertEqual(r.status_code, 200)
        self.assertEqual(r.context["run_id"], self.run_partial.pk)
        html = r.content.decode()
        rank_box = re.search(r'id="kpi-rank">([^<]*)<', html).group(1)
        self.assertEqual(rank_box, "chưa đủ để xếp hạng")
        self.assertIn("(tính trên 1/2 chỉ số thành phần)", html)
        self.assertIn("chưa đủ để xếp hạng (tính trên 1/2 chỉ số thành phần)", html)  # the trend table
        self.assertIn("Tính trên 1/2 chỉ số thành phần (chưa có số liệu: Trực tuyến); chưa đủ để xếp hạng.", html)

    def test_a_run_stored_before_coverage_keeps_its_bracket(self):
        IndexRun.objects.filter(pk=self.run_partial.pk).update(
            summary={k: v for k, v in self.run_partial.summary.items() if k != "coverage"}, rank_low=8, rank_high=8
        )
        self.login(self.admin)
        html = self.client.get("/ket-qua/", {"bo": "test-fw"}).content.decode()
        self.assertNotIn('id="kpi-coverage"', html)
        self.assertEqual(re.search(r'id="kpi-rank">([^<]*)<', html).group(1).strip(), "8/1")
        run = {"rank": None, "rank_low": 8, "rank_high": 8, "n_units": 63}
        self.assertEqual(documents._rank_text(run), "ước tính hạng 8")
        self.assertEqual(documents._rank_text({**run, "coverage": {"mains": 1, "mains_total": 3}}),
                         "chưa đủ để xếp hạng (tính trên 1/3 chỉ số thành phần)")
