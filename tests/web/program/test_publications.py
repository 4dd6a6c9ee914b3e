"""The department records "the index for year Y was published on date D"; the obligations after
each published index (QĐ 936 §5b: the review conference) are scheduled from it, shown, chased on
the overdue board, and recorded as done."""

from __future__ import annotations

import datetime as dt
import re

from django.test import Client
from django.utils import timezone

from chiso.orgs.models import AuditEntry
from chiso.program.models import IndexPublication, Obligation, Occurrence
from chiso.results.models import PublishedTable

from .base import ProgramTestCase
from .tables import import_table


class PublicationTestCase(ProgramTestCase):
    def setUp(self):
        super().setUp()
        self.conference = Obligation.objects.create(
            program=self.program,
            title="Hội nghị đánh giá kết quả",
            section="5b",
            agency=self.dept,
            recurrence="after_publication",
            due_offset_days=60,
        )
        self.url = f"/chuong-trinh/{self.program.pk}/cong-bo-chi-so/"

    def post(self, user, **data):
        self.login(user)
        return self.client.post(
            self.url, {"year": "2018", "published_on": "10/05/2019", "reference": "QĐ 1", **data}
        )

    def occurrences(self):
        return list(self.conference.occurrences.values_list("period", "due_on", "done_on"))

    def test_the_department_records_a_publication_and_the_conference_is_scheduled(self):
        self.assertEqual(self.occurrences(), [])
        r = self.post(self.officer)
        self.assertRedirects(r, self.url, fetch_redirect_response=False)
        pub = IndexPublication.objects.get()
        self.assertEqual(
            (pub.framework_id, pub.year, pub.published_on, pub.reference, pub.recorded_by),
            ("test-fw", 2018, dt.date(2019, 5, 10), "QĐ 1", self.officer),
        )
        self.assertEqual(self.occurrences(), [("pub-2018", dt.date(2019, 7, 9), None)])  # 60 days after
        e = AuditEntry.objects.get(action="index.published")
        self.assertEqual((e.before, e.after["published_on"], e.user), (None, "2019-05-10", self.officer))
        page = self.client.get(self.url).content.decode()
        row = re.search(r'<tr id="publication-2018">.*?</tr>', page, re.S).group(0)
        self.assertIn("10/05/2019", row)
        self.assertIn("Sở nhập", row)
        self.assertIn("09/07/2019", page)  # the conference's due date

    def test_a_corrected_date_moves_what_is_not_done_yet(self):
        self.post(self.officer)
        self.post(self.admin, published_on="20/05/2019")
        self.assertEqual(self.occurrences(), [("pub-2018", dt.date(2019, 7, 19), None)])
        self.assertEqual(IndexPublication.objects.count(), 1)
        e = AuditEntry.objects.filter(action="index.published").latest("time")
        self.assertEqual((e.before["published_on"], e.after["published_on"]), ("2019-05-10", "2019-05-20"))
        # once the conference is recorded as done, a later correction does not move it
        occ = Occurrence.objects.get(obligation=self.conference)
        self.login(self.officer)
        self.client.post(f"/dinh-ky/{occ.pk}/ghi-nhan/", {"done_on": "15/07/2019", "note": "Đã họp"})
        self.post(self.officer, published_on="01/06/2019")
        self.assertEqual(self.occurrences(), [("pub-2018", dt.date(2019, 7, 19), dt.date(2019, 7, 15))])

    def test_the_entered_date_wins_over_the_day_a_table_was_imported(self):
        t = PublishedTable.objects.create(framework_id="test-fw", year=2018, title="Bảng 2018")
        PublishedTable.objects.filter(pk=t.pk).update(created=dt.datetime(2019, 9, 1, 3, tzinfo=dt.UTC))
        from chiso.program import services

        services.sync_occurrences(self.program)
        self.assertEqual(self.occurrences(), [("pub-2018", dt.date(2019, 10, 31), None)])
        self.post(self.officer)
        self.assertEqual(self.occurrences(), [("pub-2018", dt.date(2019, 7, 9), None)])

    def test_the_flow_overdue_then_done(self):
        self.post(self.officer)
        overdue = f"/chuong-trinh/{self.program.pk}/qua-han/?ngay=01/08/2019"
        table = re.compile(r'<table id="overdue-occurrences">.*?</table>', re.S)
        self.assertIn(
            "Hội nghị đánh giá kết quả", table.search(self.client.get(overdue).content.decode()).group(0)
        )
        occ = Occurrence.objects.get(obligation=self.conference)
        self.client.post(f"/dinh-ky/{occ.pk}/ghi-nhan/", {"done_on": "25/07/2019", "note": "Đã họp"})
        self.assertNotIn(
            "Hội nghị đánh giá kết quả", table.search(self.client.get(overdue).content.decode()).group(0)
        )

    def test_bad_input_is_refused_at_the_field(self):
        for data, field, message in [
            ({"published_on": "31/02/2019"}, "published_on", "Ngày không hợp lệ"),
            ({"published_on": ""}, "published_on", "Phải nhập ngày công bố."),
            ({"published_on": "01/01/2090"}, "published_on", "Ngày công bố không được sau hôm nay."),
            (
                {"published_on": "01/05/2017"},
                "published_on",
                "Kết quả năm 2018 không thể công bố trước năm 2018.",
            ),
            ({"year": "hai"}, "year", "Năm phải là số nguyên."),
            ({"year": "1900"}, "year", "Năm không hợp lệ."),
        ]:
            r = self.post(self.officer, **data)
            self.assertEqual(r.status_code, 400, data)
            m = re.search(
                rf'<ul class="errorlist[^"]*" id="id_{field}_error">(.*?)</ul>', r.content.decode(), re.S
            )
            self.assertIsNotNone(m, data)
            self.assertIn(message, m.group(1), data)
        self.assertFalse(IndexPublication.objects.exists())
        self.assertEqual(self.occurrences(), [])

    def test_only_the_department_records(self):
        for user in (self.alice, self.anna, self.leader, self.nobody):
            self.assertEqual(self.post(user).status_code, 403, user)
            page = self.client.get(self.url)
            self.assertEqual(
                page.status_code, 200
            )  # the dates are public facts: everyone signed in reads them
            self.assertNotIn("publication-form", page.content.decode())
        self.assertFalse(IndexPublication.objects.exists())
        r = Client().post(self.url, {"year": "2018", "published_on": "10/05/2019"})
        self.assertEqual(r.status_code, 302)
        self.assertFalse(IndexPublication.objects.exists())


class TableImportTestCase(ProgramTestCase):
    def setUp(self):
        super().setUp()
        # A table imported today schedules only programs running today (test_publication_cycle.py).
        self.program.ends_on = timezone.localdate() + dt.timedelta(days=365)
        self.program.save()
        self.conference = Obligation.objects.create(
            program=self.program,
            title="Hội nghị đánh giá kết quả",
            section="5b",
            agency=self.dept,
            recurrence="after_publication",
            due_offset_days=60,
        )

    def occurrences(self):
        return list(self.conference.occurrences.values_list("period", "due_on", "done_on"))

    def test_importing_a_published_table_schedules_the_conference(self):
        with self.captureOnCommitCallbacks(execute=True):
            import_table("test-fw", 2019, title="Bảng 2019")
        ((period, due, done),) = self.occurrences()
        self.assertEqual((period, done), ("pub-2019", None))
        self.assertEqual(due, timezone.localdate() + dt.timedelta(days=60))
        # a demonstration table or another framework's schedules nothing
        with self.captureOnCommitCallbacks(execute=True):
            import_table("test-fw", 2020, title="Minh họa", is_demo=True)
            import_table("other-fw", 2020, title="Khác")
        self.assertEqual(len(self.occurrences()), 1)
