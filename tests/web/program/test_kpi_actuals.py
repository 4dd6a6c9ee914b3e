from __future__ import annotations

import datetime as dt

from chiso.collection import services as collection
from chiso.collection.models import Submission
from chiso.orgs import audit
from chiso.program import services

from .base import ProgramTestCase


class KpiActualsTestCase(ProgramTestCase):
    def test_it_ignores_unapproved_collected_values(self):
        self.fill_a(total="8")
        self.set_status(self.sub_a, "submitted")
        self.assertIsNone(services.kpi_actuals([self.kpi_ind])[self.kpi_ind.pk].value)

    def test_it_reads_approved_collected_values(self):
        self.fill_a(total="8")
        collection.submit(self.sub_a.pk, audit.Actor(user=self.anna))
        collection.approve(self.sub_a.pk, audit.Actor(user=self.officer))
        actual = services.kpi_actuals([self.kpi_ind])[self.kpi_ind.pk]
        self.assertEqual(actual.value, 8.0)
        self.assertEqual(actual.period, "Năm 2024")

    def test_it_reads_reported_values_of_approved_reports_only(self):
        r = self.open_a()
        services.save_report(
            r.pk,
            audit.Actor(user=self.alice),
            task_status="on_track",
            percent=10,
            narrative="x",
            kpi_values={self.kpi_rep.pk: 3.0},
        )
        self.assertIsNone(services.kpi_actuals([self.kpi_rep])[self.kpi_rep.pk].value)
        self.approved_a(reported=2.0, year=2017, quarter=4)
        self.assertEqual(services.kpi_actuals([self.kpi_rep])[self.kpi_rep.pk].value, 2.0)

    def test_it_feeds_the_board(self):
        self.approved_a(reported=4.0)
        b = services.board(self.program, dt.date(2018, 1, 1))
        row = next(r for r in b.tasks if r.task.pk == self.task1.pk)
        self.assertEqual([k.light for k in row.kpis], ["grey", "green"])
        self.assertEqual(row.light, "green")
        row2 = next(r for r in b.tasks if r.task.pk == self.task2.pk)
        self.assertEqual(row2.light, "red")  # past its deadline, never reported done
        self.assertEqual(b.light, "amber")

    def test_it_uses_submission_status_not_round(self):
        self.fill_a(total="8")
        Submission.objects.filter(pk=self.sub_a.pk).update(status="returned")
        self.assertIsNone(services.kpi_actuals([self.kpi_ind])[self.kpi_ind.pk].value)

    def test_agencies_counts_add_up_and_the_source_names_the_indicator(self):
        from chiso.collection.models import Value

        # two agencies each report their own staff (unit "người", a count): the province has 8 + 5
        Value.objects.create(submission=self.sub_a, code="total_staff", number=8)
        Value.objects.create(submission=self.sub_b, code="total_staff", number=5)
        Submission.objects.filter(pk__in=[self.sub_a.pk, self.sub_b.pk]).update(status="approved")
        self.kpi_ind.source_agency = None  # the province's figure, not one agency's
        actual = services.kpi_actuals([self.kpi_ind])[self.kpi_ind.pk]
        self.assertEqual(actual.value, 13.0)
        self.assertIn("Tổng số cán bộ", actual.source)
        self.assertIn("tổng 2 cơ quan", actual.source)
        self.assertNotIn("total_staff", actual.source)
