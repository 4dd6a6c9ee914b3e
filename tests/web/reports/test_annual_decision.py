"""The annual analysis report carries the decision (issue 13, item 5): the least-cost plan's table
(component, now, target, lead agency, deadline), the tasks proposed from it (drafts said to be drafts
and counted nowhere else), proposals naming what each lead agency is to reach by when, and the open
recommendations counted on the report's date from their history — DOCX, PDF and XLSX opened."""

from __future__ import annotations

import datetime as dt
import re

from django.utils import timezone, translation

from chiso.docgen import check
from chiso.orgs import audit
from chiso.program import services as program_services
from chiso.program.models import Kpi, Program, Recommendation, RecommendationStep, Task
from chiso.reports import services
from chiso.reports.models import ReportJob
from chiso.results.models import Plan

from . import files
from .base import ReportsTestCase

REPORT_DAY = "2026-03-31"


def _at(day: str) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(dt.date.fromisoformat(day), dt.time(10, 0)))


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


class AnnualDecisionTestCase(ReportsTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.program = Program.objects.create(
            code="p-2025", title="Kế hoạch nâng hạng chỉ số thử", decision_number="12/QĐ-UBND",
            header_number="12/QĐ-UBND", decision_date=dt.date(2025, 1, 2), issuer="UBND tỉnh Thử",
            signer="Người Ký", signer_title="Chủ tịch", starts_on=dt.date(2025, 1, 1),
            ends_on=dt.date(2027, 12, 31), framework_id="test-fw", standing_body=cls.dept,
        )
        cls.issued = Task.objects.create(program=cls.program, number=1, title="Đào tạo cán bộ chuyên trách",
                                         text="…", lead_agency=cls.a)
        cls.draft = Task.objects.create(program=cls.program, number=2, title="Nâng chỉ số Nhân lực từ 0,4200 lên 0,6100",
                                        text="…", lead_agency=cls.a, deadline=dt.date(2026, 12, 31), is_draft=True)
        Kpi.objects.create(task=cls.draft, order=1, name="Điểm chỉ số Nhân lực", baseline=0.42, target=0.61,
                           due_on=dt.date(2026, 12, 31), source="reported")
        cls.plan = Plan.objects.create(
            run=cls.index_run, framework_id="test-fw", unit_ref="P99", unit_name="Tỉnh Thử", target_rank=20,
            options={"years": 1, "peers_rate": 0.0, "deadline": "2026-12-31"},
            result={"changes": [
                {"code": "staff", "name": "Nhân lực", "from": 0.42, "to": 0.61, "lead": "Sở Nội vụ",
                 "lead_proposal": False},
                {"code": "online", "name": "Trực tuyến", "from": 0.8, "to": 0.83, "lead": "Sở Tư pháp",
                 "lead_proposal": True},
            ]},
            score_before=0.61, score_after=0.652, rank_before=25, rank_after=20, exact=True,
            tasks=[{"code": "staff", "task_id": cls.draft.pk}], created=_at("2026-02-01"),
        )
        # Recommendations with their history at known dates (the report is dated 31/03/2026):
        #   1 sent 10/01, answered 01/02          -> answered on the report's date
        #   2 sent 15/01, escalated 10/02         -> open (escalated to the UBND tỉnh)
        #   3 sent 20/02                          -> open
        #   4 sent 01/03, assigned 05/03, answered 10/04 (after the report) -> open on its date
        #   5 sent 02/04, answered 03/04 (after the report)                 -> not yet sent
        # Open on 31/03/2026: 2, 3 and 4 (one escalated); open today: 2 and 3.
        actor = audit.Actor(user=cls.admin)
        cls.recs = []
        for n, (sent, steps) in enumerate([
            ("2026-01-10", [("answer", "2026-02-01")]),
            ("2026-01-15", [("escalate", "2026-02-10")]),
            ("2026-02-20", []),
            ("2026-03-01", [("assign", "2026-03-05"), ("answer", "2026-04-10")]),
            ("2026-04-02", [("answer", "2026-04-03")]),
        ], start=1):
            rec = program_services.submit_recommendation(
                audit.Actor(user=cls.alice), program=cls.program, agency=cls.a, title=f"Kiến nghị số {n}",
                body=f"Nội dung kiến nghị số {n}",
            )
            for action, _day in steps:
                program_services.act_on_recommendation(
                    rec.pk, actor, action, text="Ý kiến của Sở", assigned_to=cls.b if action == "assign" else None
                )
            Recommendation.objects.filter(pk=rec.pk).update(created=_at(sent))
            history = list(rec.steps.order_by("time", "id"))
            for step, day in zip(history, [sent, *(d for _a, d in steps)]):
                RecommendationStep.objects.filter(pk=step.pk).update(time=_at(day))
            cls.recs.append(rec)
        cls.job = services.run_job(
            services.create_job("annual", {"framework_id": "test-fw", "date": REPORT_DAY}, actor).pk
        )

    def test_it_finishes(self):
        self.assertEqual(self.job.status, ReportJob.Status.DONE, self.job.error)

    def test_the_plan_table_names_component_now_target_agency_and_deadline(self):
        rows = files.table_rows(self.job, "Bảng 4.")
        self.assertEqual(rows[0], ["Chỉ số thành phần", "Hiện nay", "Mục tiêu", "Cơ quan chủ trì", "Thời hạn"])
        self.assertEqual(rows[1], ["Nhân lực", "0,4200", "0,6100", "Sở Nội vụ", "31/12/2026"])
        self.assertEqual(
            rows[2], ["Trực tuyến", "0,8000", "0,8300", "Sở Tư pháp (đề xuất, chưa có văn bản phân công)", "31/12/2026"]
        )
        text = files.docx_text(self.job)
        self.assertIn("để đạt hạng 20, tỉnh cần nâng 2 chỉ số; điểm tổng từ 0,6100 lên 0,6520, hạng từ 25 lên 20", text)
        self.assertIn("Kế hoạch đã được chứng minh là có chi phí thấp nhất", text)
        pdf = _flat(files.pdf_text(self.job))
        for name in ("Sở Nội vụ", "Sở Tư pháp", "0,6100", "0,8300", "31/12/2026"):
            self.assertIn(name, pdf)

    def test_the_workbook_keeps_the_plan_as_numbers(self):
        wb = files.xlsx(self.job)
        ws = wb[[n for n in wb.sheetnames if n.startswith("Bảng 4")][0]]
        data = {r[0].value: [c.value for c in r] for r in ws.iter_rows(min_row=3) if r[0].value}
        self.assertEqual(data["Nhân lực"][1:4], [0.42, 0.61, "Sở Nội vụ"])

    def test_proposals_name_what_each_lead_agency_reaches_by_when(self):
        text = files.docx_text(self.job)
        self.assertIn("Để tỉnh đạt hạng 20 theo kế hoạch lập ngày 01/02/2026, đề nghị:", text)
        self.assertIn("- Sở Nội vụ chủ trì nâng Nhân lực từ 0,4200 lên 0,6100 trước ngày 31/12/2026.", text)
        self.assertIn(
            "- Sở Tư pháp (đề xuất, chưa có văn bản phân công) chủ trì nâng Trực tuyến từ 0,8000 lên 0,8300 "
            "trước ngày 31/12/2026.",
            text,
        )
        self.assertNotIn("rà soát", text)  # not the same request to every weak agency
        self.assertIn("Sở Nội vụ chủ trì nâng Nhân lực từ 0,4200 lên 0,6100 trước ngày 31/12/2026",
                      _flat(files.pdf_text(self.job)))

    def test_draft_tasks_are_proposed_assignments_only(self):
        rows = files.table_rows(self.job, "Bảng 5.")
        self.assertEqual(len(rows), 2)
        self.assertEqual(rows[1][1:], ["Nâng chỉ số Nhân lực từ 0,4200 lên 0,6100", "Sở Nội vụ", "0,6100",
                                       "31/12/2026", "Dự thảo, chưa ban hành"])
        tasks = files.table_rows(self.job, "Tình hình thực hiện các nhiệm vụ")
        self.assertEqual([r[1] for r in tasks[1:]], ["Đào tạo cán bộ chuyên trách"])
        text = files.docx_text(self.job)
        self.assertIn("Chương trình có 1 nhiệm vụ đã ban hành (không tính 1 nhiệm vụ dự thảo chưa ban hành)", text)
        self.assertIn("trong đó 1 nhiệm vụ còn là dự thảo, chưa được ban hành", text)

    def test_open_recommendations_are_counted_on_the_reports_date(self):
        sentence = "Đến ngày 31/03/2026, có 3 kiến nghị đang chờ xử lý, trong đó 1 kiến nghị đã trình UBND tỉnh."
        text = files.docx_text(self.job)
        self.assertIn(sentence, text)
        # before: read at the end of the review year (31/12/2025), when none had been sent yet
        self.assertNotIn("Không có kiến nghị nào đang chờ xử lý", text)
        self.assertIn(sentence, _flat(files.pdf_text(self.job)))
        rows = files.table_rows(self.job, "Kiến nghị của các cơ quan")
        self.assertEqual(
            [(r[2], r[3], r[4]) for r in rows[1:]],
            [
                ("Kiến nghị số 2", "15/01/2026", "Đã trình UBND tỉnh"),
                ("Kiến nghị số 3", "20/02/2026", "Đã gửi, chờ xử lý"),
                ("Kiến nghị số 4", "01/03/2026", "Đã giao cơ quan xử lý"),
            ],
        )
        # today's statuses differ: number 4 has been answered since, number 5 sent and answered
        self.assertEqual(Recommendation.objects.exclude(status__in=Recommendation.ANSWERED_STATES).count(), 2)

    def test_the_progress_report_counts_the_same_way(self):
        job = services.run_job(
            services.create_job(
                "progress", {"date_from": "2026-01-01", "date_to": REPORT_DAY, "date": REPORT_DAY},
                audit.Actor(user=self.admin),
            ).pk,
            pdf=False,
        )
        text = files.docx_text(job)
        self.assertIn(
            "Đến ngày 31/03/2026, có 3 kiến nghị đang chờ xử lý, trong đó 1 kiến nghị đã trình UBND tỉnh; "
            "tổng số kiến nghị gửi trong kỳ và còn mở: 4.",
            text,
        )
        self.assertNotIn("Kiến nghị số 5", text)
        self.assertNotIn("Nâng chỉ số Nhân lực", text)  # the draft is in no table of tasks

    def test_a_report_made_while_english_is_active_is_in_vietnamese(self):
        # a job run in a request (or a thread) where the reader chose English: statuses, periods and
        # sentences of the document stay Vietnamese
        with translation.override("en"):
            job = services.run_job(
                services.create_job(
                    "progress", {"date_from": "2026-01-01", "date_to": REPORT_DAY, "date": REPORT_DAY},
                    audit.Actor(user=self.admin),
                ).pk,
                pdf=False,
            )
        rows = files.table_rows(job, "Kiến nghị của các cơ quan")
        # numbers 1–4 were sent in the period; on 31/03: answered, escalated, submitted, assigned
        self.assertEqual(
            [r[4] for r in rows[1:]], ["Đã trả lời", "Đã trình UBND tỉnh", "Đã gửi, chờ xử lý", "Đã giao cơ quan xử lý"]
        )
        text = check.docx_text(files.read(job.docx))
        self.assertEqual([str(f) for f in check.leftovers(text)], [])
        for english in ("Submitted", "Escalated", "Assigned", "Q1 2026", "Quarter"):
            self.assertNotIn(english, text)

    def test_without_a_plan_on_its_date_it_says_there_is_none(self):
        # dated before the plan was made: no plan; on 20/01/2026 numbers 1 and 2 were both still open
        job = services.run_job(
            services.create_job("annual", {"framework_id": "test-fw", "date": "2026-01-20"},
                                audit.Actor(user=self.admin)).pk,
            pdf=False,
        )
        text = files.docx_text(job)
        self.assertIn("Chưa lập kế hoạch đạt hạng mục tiêu", text)
        self.assertIn("Chưa có kế hoạch đạt hạng mục tiêu cho kết quả này", text)
        self.assertIn("rà soát nguyên nhân", text)  # today's general sentence, only without a plan
        self.assertNotIn("Bảng 4.", text)
        self.assertIn("Đến ngày 20/01/2026, có 2 kiến nghị đang chờ xử lý.", text)
