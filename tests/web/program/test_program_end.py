"""A program has an end (issue 12 item 5): after its end date it is judged as at that date and says so;
it produces no overdue items and no reminders, and nothing is scheduled past its end.

QĐ 936 (23/6/2017–31/12/2020) viewed "today" (2026), and the small test program (same dates)."""

from __future__ import annotations

import datetime as dt
import re

from django.core import mail
from django.core.cache import cache
from django.core.management import call_command
from django.test import TestCase
from django.utils import timezone

from chiso.collection import services as collection
from chiso.orgs import audit
from chiso.orgs.models import Membership, Notice
from chiso.program import services
from chiso.program.models import IndexPublication, Obligation, Occurrence, Program
from chiso.reports import program_data

from .base import ProgramTestCase

END = dt.date(2020, 12, 31)
CLOSING = "Chương trình đã kết thúc ngày 31/12/2020; tình hình được đánh giá tại ngày kết thúc."


class QD936AfterItsEndTestCase(TestCase):
    """The reference case: 13 tasks, most due 31/12/2020, one due 31/12/2017 (§3: one-stop software
    in every commune by the end of 2017), demonstration progress of Q3/2017 only."""

    @classmethod
    def setUpTestData(cls):
        call_command("load_reference_case", "--demo", verbosity=0)
        call_command("load_program_936", "--demo", verbosity=0)
        cls.program = Program.objects.get()
        cls.dept = Membership.objects.filter(role="dept_officer").select_related("user").first().user

    def setUp(self):
        cache.clear()

    def test_the_board_today_is_the_board_of_its_end_date(self):
        today = timezone.localdate()
        self.assertGreater(today, END)
        b = services.board(self.program, today)
        self.assertTrue(b.closed)
        self.assertEqual(b.as_of, END)
        self.assertEqual(b.closing_sentence, CLOSING)
        at_end = services.board(self.program, END)
        self.assertFalse(at_end.closed)
        # the same lights as on the last day of the program, task by task
        self.assertEqual([r.light for r in b.tasks], [r.light for r in at_end.tasks])
        self.assertEqual(b.light, at_end.light)
        # a task due on the last day is not overdue because the years went by
        due_at_end = [r for r in b.tasks if r.task.deadline == END]
        self.assertGreaterEqual(len(due_at_end), 5)
        self.assertFalse(any(r.overdue for r in due_at_end))
        # judged as if the program still ran in 2026, each of them would be overdue
        unclosed = [
            r.task.deadline is not None
            and today > r.task.deadline
            and (r.report is None or r.report.task_status != "done")
            for r in due_at_end
        ]
        self.assertTrue(all(unclosed))
        # the one due 31/12/2017 and never reported done was already overdue at the end
        (late,) = [r for r in b.tasks if r.task.deadline == dt.date(2017, 12, 31)]
        self.assertTrue(late.overdue)
        self.assertEqual(late.light, "red")

    def test_the_pages_say_so_and_chase_nothing(self):
        self.client.force_login(self.dept)
        page = self.client.get(f"/chuong-trinh/{self.program.pk}/").content.decode()
        self.assertIn(CLOSING, page)
        self.assertIn('value="31/12/2020"', page)  # evaluated at its end date
        for n in (1, 2, 3):
            row = re.search(rf'<tr id="task-{n}">.*?</tr>', page, re.S)
            if row and "31/12/2020" in row.group(0):
                self.assertNotIn("quá hạn", row.group(0))
        # a date while it ran: no sentence
        running = self.client.get(f"/chuong-trinh/{self.program.pk}/?ngay=15/11/2017").content.decode()
        self.assertNotIn("Chương trình đã kết thúc", running)
        overdue = self.client.get(f"/chuong-trinh/{self.program.pk}/qua-han/").content.decode()
        self.assertIn(CLOSING, overdue)
        self.assertIn(
            "0 nhiệm vụ quá hạn, 0 báo cáo tiến độ chưa gửi, 0 nhiệm vụ định kỳ chưa thực hiện", overdue
        )
        self.assertNotIn('id="remind-btn"', overdue)
        # while it ran, the same page lists overdue reports (the lead agencies of Q3/2017 who did not report)
        before = self.client.get(f"/chuong-trinh/{self.program.pk}/qua-han/?ngay=01/02/2018").content.decode()
        self.assertNotIn("0 báo cáo tiến độ chưa gửi", before)
        public = self.client.get("/cong-khai/").content.decode()
        self.assertIn(CLOSING, public)
        # the obligations page counts as late only what was late at the end (the Q4/2020 report,
        # due 15/01/2021, was not)
        obligations = self.client.get(f"/chuong-trinh/{self.program.pk}/dinh-ky/").content.decode()
        self.assertIn(CLOSING, obligations)
        row = re.search(r"<tr><td>Quý 4/2020</td>.*?</tr>", obligations, re.S).group(0)
        self.assertNotIn("quá hạn", row)
        self.assertIn("quá hạn", re.search(r"<tr><td>Quý 4/2019</td>.*?</tr>", obligations, re.S).group(0))

    def test_no_overdue_item_and_no_reminder(self):
        today = timezone.localdate()
        od = services.overdue(self.program, today)
        self.assertTrue(od.closed)
        self.assertEqual((od.tasks, od.reports, od.occurrences), ([], [], []))
        notices = Notice.objects.count()
        self.assertEqual(services.send_reminders(self.program, audit.Actor(user=self.dept), today), 0)
        self.client.force_login(self.dept)
        self.client.post(f"/chuong-trinh/{self.program.pk}/qua-han/nhac-nho/")
        self.assertEqual(Notice.objects.count(), notices)
        self.assertEqual(mail.outbox, [])
        # on its last day it still chased the agencies
        self.assertGreater(len(services.overdue(self.program, END).reports), 0)

    def test_the_report_judges_it_at_its_end(self):
        today = timezone.localdate()
        state = program_data.program_state(framework_id=self.program.framework_id, as_of=today)
        at_end = program_data.program_state(framework_id=self.program.framework_id, as_of=END)
        self.assertEqual((state["closed"], state["judged_on"]), (True, "2020-12-31"))
        self.assertEqual(state["closed_note"], CLOSING)
        self.assertEqual((at_end["closed"], at_end["closed_note"]), (False, ""))
        self.assertEqual([t["light"] for t in state["tasks"]], [t["light"] for t in at_end["tasks"]])
        self.assertEqual(state["light"], at_end["light"])

    def test_nothing_is_scheduled_after_its_end(self):
        self.assertFalse(
            Occurrence.objects.filter(
                obligation__program=self.program, due_on__gt=dt.date(2021, 1, 31)
            ).exists()
        )
        periods = set(
            Occurrence.objects.filter(obligation__program=self.program).values_list("period", flat=True)
        )
        self.assertIn("2020-12", periods)
        self.assertIn("2020-Q4", periods)
        self.assertFalse({p for p in periods if p.startswith("2021")})
        # the 2020 index, published in 2021 (after the end): no §5b conference; the 2019 index,
        # published while the program ran: one, 60 days after
        fw = self.program.framework_id
        IndexPublication.objects.create(framework_id=fw, year=2020, published_on=dt.date(2021, 5, 20))
        IndexPublication.objects.create(framework_id=fw, year=2019, published_on=dt.date(2020, 5, 20))
        services.sync_occurrences(self.program)
        conference = Obligation.objects.get(program=self.program, recurrence="after_publication")
        self.assertEqual(
            list(conference.occurrences.values_list("period", "due_on")), [("pub-2019", dt.date(2020, 7, 19))]
        )


class SmallProgramAfterItsEndTestCase(ProgramTestCase):
    def test_values_approved_after_the_end_do_not_count(self):
        # the base round is of 2024, after the program's end (2020)
        self.fill_a(total="10")
        collection.submit(self.sub_a.pk, audit.Actor(user=self.anna))
        collection.approve(self.sub_a.pk, audit.Actor(user=self.officer))
        closed = services.board(self.program)
        running = services.board(self.program, dt.date(2020, 6, 1))
        kpi = lambda b: next(k for r in b.tasks for k in r.kpis if k.kpi.pk == self.kpi_ind.pk)  # noqa: E731
        self.assertIsNone(kpi(closed).actual.value)
        self.assertEqual(kpi(running).actual.value, 10)

    def test_a_publication_re_dated_after_the_end_withdraws_what_is_not_done(self):
        conference = Obligation.objects.create(
            program=self.program,
            title="Hội nghị",
            section="5b",
            agency=self.dept,
            recurrence="after_publication",
            due_offset_days=60,
        )
        pub = IndexPublication.objects.create(
            framework_id="test-fw", year=2019, published_on=dt.date(2020, 3, 1)
        )
        services.sync_occurrences(self.program)
        self.assertEqual(list(conference.occurrences.values_list("period", flat=True)), ["pub-2019"])
        pub.published_on = dt.date(2021, 3, 1)
        pub.save()
        services.sync_occurrences(self.program)
        self.assertFalse(conference.occurrences.exists())

    def test_a_shortened_program_keeps_what_was_done(self):
        q = Occurrence.objects.get(obligation=self.obligation, period="2020-Q3")
        q.done_on = dt.date(2020, 10, 10)
        q.save()
        self.program.ends_on = dt.date(2020, 6, 30)
        self.program.save()
        services.sync_occurrences(self.program)
        periods = list(self.obligation.occurrences.values_list("period", flat=True))
        self.assertIn("2020-Q2", periods)
        self.assertIn("2020-Q3", periods)  # done: kept
        self.assertNotIn("2020-Q4", periods)  # not done, after the new end: withdrawn
