"""The program cast: the web BaseTestCase (department, agency A's officer alice and head anna,
agency B's officer bob and head bella, a leadership reader, a user with no role) plus a small
program on the test framework: task 1 led by A (supported by B) with an indicator KPI and a
reported KPI, task 2 led by B with a deadline, one obligation."""

from __future__ import annotations

import datetime as dt

from django.core.cache import cache

from chiso.orgs import audit
from chiso.program import services
from chiso.program.models import Kpi, Objective, Obligation, Program, Task

from ..base import PASSWORD, BaseTestCase


class ProgramTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.program = Program.objects.create(
            code="test-program",
            title="Chương trình thử",
            decision_number="936/QĐ-UBND",
            header_number="436/QĐ-UBND",
            decision_date=dt.date(2017, 6, 23),
            issuer="UBND tỉnh Thử",
            signer="Người Ký",
            signer_title="Phó Chủ tịch",
            starts_on=dt.date(2017, 6, 23),
            ends_on=dt.date(2020, 12, 31),
            framework_id="test-fw",
            standing_body=cls.dept,
        )
        Objective.objects.create(program=cls.program, kind="general", order=1, text="Mục tiêu chung thử")
        cls.objective = Objective.objects.create(
            program=cls.program,
            kind="specific",
            order=1,
            text="Top 20",
            framework_id="test-fw",
            target_rank=20,
            target_year=2020,
        )
        cls.task1 = Task.objects.create(
            program=cls.program,
            objective=cls.objective,
            number=1,
            title="Nhiệm vụ A",
            text="Nội dung nhiệm vụ A",
            lead_agency=cls.a,
            recurrence="quarterly",
        )
        cls.task1.supporting_agencies.set([cls.b])
        cls.task2 = Task.objects.create(
            program=cls.program,
            objective=cls.objective,
            number=2,
            title="Nhiệm vụ B",
            text="Nội dung nhiệm vụ B",
            lead_agency=cls.b,
            deadline=dt.date(2017, 12, 31),
        )
        cls.kpi_ind = Kpi.objects.create(
            task=cls.task1,
            order=1,
            name="Tổng số cán bộ",
            unit="người",
            target=10,
            due_on=dt.date(2020, 12, 31),
            source="indicator",
            framework_id="test-fw",
            indicator_code="total_staff",
            source_agency=cls.a,
        )
        cls.kpi_rep = Kpi.objects.create(
            task=cls.task1,
            order=2,
            name="Số lớp đào tạo",
            unit="lớp",
            target=4,
            due_on=dt.date(2020, 12, 31),
            source="reported",
        )
        cls.obligation = Obligation.objects.create(
            program=cls.program,
            title="Báo cáo quý",
            section="4a",
            agency=cls.dept,
            recurrence="quarterly",
            due_offset_days=15,
        )
        services.sync_occurrences(cls.program)

    def setUp(self):
        super().setUp()
        # The page cache (chiso.program.cache) lives in the process: a test's rolled-back data must
        # not serve the next test (in production nothing is rolled back under a cached stamp).
        cache.clear()

    def open_a(self, year=2017, quarter=3):
        return services.open_report(self.task1, self.a, year, quarter, audit.Actor(user=self.alice))

    def approved_a(self, *, task_status="on_track", percent=50, reported=None, year=2017, quarter=3):
        r = self.open_a(year, quarter)
        services.save_report(
            r.pk,
            audit.Actor(user=self.alice),
            task_status=task_status,
            percent=percent,
            narrative="Đã làm",
            kpi_values={self.kpi_rep.pk: reported} if reported is not None else {},
        )
        services.submit_report(r.pk, audit.Actor(user=self.anna))
        services.approve_report(r.pk, audit.Actor(user=self.officer))
        r.refresh_from_db()
        return r


__all__ = ["ProgramTestCase", "PASSWORD"]
