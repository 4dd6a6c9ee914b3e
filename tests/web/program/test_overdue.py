from __future__ import annotations

import datetime as dt

from django.core import mail

from chiso.orgs.models import AuditEntry, Notice
from chiso.program import services
from chiso.program.models import Occurrence

from .base import ProgramTestCase


class OverdueTestCase(ProgramTestCase):
    def test_it_lists_overdue_tasks_reports_and_occurrences(self):
        od = services.overdue(self.program, dt.date(2018, 2, 1))
        self.assertEqual([r.task for r in od.tasks], [self.task2])
        # Q3 and Q4/2017 are due by 10/01/2018: 2 tasks × 2 quarters, lead agencies only
        self.assertEqual(
            sorted((m.task.number, m.year, m.quarter) for m in od.reports),
            [(1, 2017, 3), (1, 2017, 4), (2, 2017, 3), (2, 2017, 4)],
        )
        self.assertEqual([o.period for o in od.occurrences], ["2017-Q3", "2017-Q4"])

    def test_it_drops_submitted_reports_and_done_occurrences(self):
        self.approved_a()
        Occurrence.objects.filter(period="2017-Q3").update(done_on=dt.date(2017, 10, 10))
        od = services.overdue(self.program, dt.date(2018, 2, 1))
        self.assertNotIn((1, 2017, 3), [(m.task.number, m.year, m.quarter) for m in od.reports])
        self.assertEqual([o.period for o in od.occurrences], ["2017-Q4"])

    def test_the_page_shows_an_agency_only_its_own(self):
        self.login(self.alice)
        page = self.client.get(f"/chuong-trinh/{self.program.pk}/qua-han/?ngay=01/02/2018").content.decode()
        self.assertIn("Nhiệm vụ A", page)
        self.assertNotIn("Nhiệm vụ B", page)
        self.assertNotIn("remind-btn", page)


class RemindTestCase(ProgramTestCase):
    def test_it_sends_email_and_notices_per_agency(self):
        self.login(self.officer)
        with self.mailing():
            r = self.client.post(f"/chuong-trinh/{self.program.pk}/qua-han/nhac-nho/?ngay=01/02/2018")
        self.assertEqual(r.status_code, 302)
        # agency A, agency B, and the department (its quarterly report): one e-mail to each person
        self.assertEqual([len(m.to) for m in mail.outbox], [1] * 6)
        to = sorted(addr for m in mail.outbox for addr in m.to)
        self.assertEqual(
            to,
            [
                "admin@example.org",
                "alice@example.org",
                "anna@example.org",
                "bella@example.org",
                "bob@example.org",
                "officer@example.org",
            ],
        )
        self.assertTrue(Notice.objects.filter(user=self.bob, text__contains="Nhiệm vụ B").exists())
        self.assertEqual(AuditEntry.objects.filter(action="program.remind").count(), 3)

    def test_it_is_department_only(self):
        for u in (self.alice, self.leader, self.nobody):
            self.login(u)
            self.assertEqual(
                self.client.post(f"/chuong-trinh/{self.program.pk}/qua-han/nhac-nho/").status_code, 403
            )
        self.assertEqual(len(mail.outbox), 0)


class OccurrencesTestCase(ProgramTestCase):
    def test_it_generates_the_schedule_once(self):
        self.assertEqual(self.obligation.occurrences.count(), 14)  # Q3/2017 … Q4/2020
        self.assertEqual(services.sync_occurrences(self.program), 0)
        first = self.obligation.occurrences.first()
        self.assertEqual(first.due_on, dt.date(2017, 10, 15))

    def test_it_records_an_occurrence(self):
        occ = self.obligation.occurrences.first()
        self.login(self.alice)
        self.assertEqual(
            self.client.post(f"/dinh-ky/{occ.pk}/ghi-nhan/", {"done_on": "10/10/2017"}).status_code, 403
        )
        self.login(self.officer)
        self.client.post(f"/dinh-ky/{occ.pk}/ghi-nhan/", {"done_on": "10/10/2017", "note": "Văn bản số 12"})
        occ.refresh_from_db()
        self.assertEqual((occ.done_on, occ.note), (dt.date(2017, 10, 10), "Văn bản số 12"))
        self.assertEqual(AuditEntry.objects.filter(action="obligation.done").count(), 1)
