"""Issue 17: the completeness board's "Trễ hạn" column. A form not sent yet is overdue from the day
after the deadline to today; a form sent or approved is never overdue any more — how late it was
sent is fixed at the day it was sent ("gửi trễ N ngày"), never counted to today (the demo's
approved forms of 2017 showed "Trễ hạn 3346 ngày"). One rule: :mod:`chiso.lib.deadlines`."""

from __future__ import annotations

import datetime as dt
import re

from django.core.management import call_command
from django.test import TestCase
from django.utils import timezone

from chiso.collection import services
from chiso.collection.models import Round, Submission
from chiso.lib.deadlines import is_overdue, lateness
from chiso.orgs import audit

from .base import BaseTestCase

DUE = dt.date(2017, 10, 10)


def at(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(9, 0)))


class LatenessTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.old = services.create_round(
            audit.Actor(), framework_id="test-fw", year=2017, quarter=3, title="Quý 3/2017",
            opens_on=dt.date(2017, 9, 20), due_on=DUE, locks_on=dt.date(2017, 10, 20),
        )
        cls.old_a = Submission.objects.get(round=cls.old, agency=cls.a)
        cls.old_b = Submission.objects.get(round=cls.old, agency=cls.b)

    def board_row(self, sub) -> str:
        self.login(self.admin)
        html = self.client.get(f"/dot/{self.old.pk}/").content.decode()
        row = re.search(rf'<tr><td><a href="/bieu-mau/{sub.pk}/">.*?</tr>', html, re.S).group(0)
        return re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)[4]  # the "Trễ hạn" cell

    def set(self, sub, status, sent: dt.date | None):
        Submission.objects.filter(pk=sub.pk).update(
            status=status, submitted_at=at(sent) if sent else None, decided_at=at(sent) if sent else None
        )

    def test_an_approved_form_sent_on_time_long_ago_is_not_late(self):
        self.set(self.old_a, Submission.Status.APPROVED, DUE - dt.timedelta(days=2))  # 08/10/2017
        self.assertEqual(self.board_row(self.old_a), "—")
        self.assertNotIn("ngày", self.board_row(self.old_a))

    def test_an_approved_form_sent_late_says_how_late_it_was_sent_not_how_long_ago(self):
        self.set(self.old_b, Submission.Status.APPROVED, dt.date(2017, 10, 13))  # 3 days after 10/10
        cell = self.board_row(self.old_b)
        self.assertIn("gửi trễ 3 ngày", cell)
        self.assertNotIn('class="late"', cell)
        self.set(self.old_b, Submission.Status.SUBMITTED, dt.date(2017, 10, 13))
        self.assertIn("gửi trễ 3 ngày", self.board_row(self.old_b))

    def test_a_form_not_sent_is_overdue_to_today_and_a_returned_one_again(self):
        days = (timezone.localdate() - DUE).days  # e.g. 3 346 on 07/12/2026
        self.set(self.old_a, Submission.Status.DRAFT, None)
        self.assertIn(f"{days} ngày", self.board_row(self.old_a))
        self.assertIn('class="late"', self.board_row(self.old_a))
        # returned after it was sent: open again, overdue to today
        self.set(self.old_a, Submission.Status.RETURNED, dt.date(2017, 10, 13))
        self.assertIn(f"{days} ngày", self.board_row(self.old_a))
        self.assertNotIn("gửi trễ", self.board_row(self.old_a))

    def test_the_open_round_is_not_late(self):
        row = services.completeness(Round.objects.get(pk=self.round.pk), [self.sub_a])[0]
        self.assertEqual((row.late.overdue, row.late.handed_in_late), (0, 0))


def test_the_one_rule():
    today = dt.date(2026, 12, 7)
    assert lateness(DUE, done_on=None, today=today).overdue == (today - DUE).days
    done = lateness(DUE, done_on=dt.date(2017, 10, 13), today=today)
    assert (done.overdue, done.handed_in_late) == (0, 3)
    assert lateness(DUE, done_on=DUE, today=today).handed_in_late == 0
    assert lateness(None, done_on=None, today=today).overdue == 0
    assert is_overdue(DUE, done=False, today=today) and not is_overdue(DUE, done=True, today=today)
    assert not is_overdue(today, done=False, today=today)  # due today: not yet


class DemoQuarterlyFormsTests(TestCase):
    """The demonstration's approved quarterly forms of 2017 were stamped "sent" on the day the demo
    was loaded: the board printed them years late. They are sent within their round's dates now."""

    @classmethod
    def setUpTestData(cls):
        call_command("load_reference_case", "--demo", verbosity=0)
        call_command("load_quarterly_demo", "--demo", verbosity=0)

    def test_approved_demo_forms_are_not_late(self):
        subs = Submission.objects.filter(round__is_demo=True, status=Submission.Status.APPROVED)
        self.assertTrue(subs.exists())
        for sub in subs.select_related("round"):
            sent = timezone.localtime(sub.submitted_at).date()
            self.assertTrue(sub.round.opens_on <= sent <= sub.round.due_on, (sent, sub.round.due_on))
        rnd = subs.first().round
        rows = services.completeness(rnd, rnd.submissions.all())
        self.assertTrue(rows)
        for row in rows:
            if row.submission.status == Submission.Status.APPROVED:
                self.assertEqual((row.late.overdue, row.late.handed_in_late), (0, 0))
