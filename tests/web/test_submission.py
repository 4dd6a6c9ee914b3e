"""The agency's form page (/bieu-mau/<pk>/)."""

from __future__ import annotations

import datetime as dt

from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from chiso.collection import services, views
from chiso.collection.models import Round, Submission, Value
from chiso.orgs import audit

from .base import BaseTestCase


class SubmissionTestCase(BaseTestCase):
    def url(self, sub=None):
        return f"/bieu-mau/{(sub or self.sub_a).pk}/"

    def add_previous_year(self, number=8.0):
        rnd = Round.objects.create(framework_id="test-fw", year=2023, title="Đợt 2023", opens_on=dt.date(2023, 1, 1),
                                   due_on=dt.date(2023, 2, 1), locks_on=dt.date(2023, 3, 1))
        old = Submission.objects.create(round=rnd, agency=self.a, status="approved")
        Value.objects.create(submission=old, code="total_staff", number=number, version=1)
        Value.objects.create(submission=old, code="has_portal", number=1.0, version=1)

    def test_it_shows_the_agency_indicators_with_their_metadata(self):
        self.login(self.alice)
        r = self.client.get(self.url())
        self.assertEqual([row["code"] for s in r.context["sections"] for row in s["rows"]],
                         ["total_staff", "it_staff", "has_portal"])
        self.assertContains(r, "Tổng số cán bộ")
        self.assertContains(r, "Đơn vị: người")
        self.assertContains(r, "Khoảng: từ 0 trở lên")
        self.assertContains(r, "Số cán bộ trong biên chế")
        self.assertContains(r, "Nguồn: Báo cáo của Sở Nội vụ")
        self.assertContains(r, f'hx-post="/bieu-mau/{self.sub_a.pk}/chi-so/total_staff/"')
        self.assertNotContains(r, "pct_online")

    def test_it_shows_saved_values_and_versions(self):
        self.fill_a(total="1234,5")
        self.login(self.alice)
        r = self.client.get(self.url())
        self.assertContains(r, 'value="1234,5"')
        self.assertContains(r, '<input type="hidden" name="version" value="1">')
        self.assertContains(r, "3/3")

    def test_it_shows_previous_periods_beside_the_field(self):
        self.add_previous_year()
        self.login(self.alice)
        r = self.client.get(self.url())
        rows = {row["code"]: row for s in r.context["sections"] for row in s["rows"]}
        self.assertEqual(rows["total_staff"]["prev"], [("Năm 2023", "8")])
        self.assertEqual(rows["it_staff"]["prev"], [])
        self.assertContains(r, "Năm 2023: <strong>8</strong>")

    def test_it_is_read_only_after_approval(self):
        self.fill_a()
        self.set_status(self.sub_a, "approved")
        self.login(self.alice)
        r = self.client.get(self.url())
        self.assertNotContains(r, 'name="value"')
        self.assertContains(r, '<strong class="shown">Có</strong>')

    def test_it_renders_with_a_fixed_number_of_queries(self):
        # Rendered: user, memberships, submission, the body's stamp (views.submission caches the
        # body under it), responsibilities, values, their evidence, previous rounds, previous
        # values, validation rules, unread notices.
        self.add_previous_year()
        self.fill_a()
        self.login(self.alice)
        # The session is read from the database on every request (issue 10: a session cached per
        # process outlived sign-out in the other workers). The evidence's owner type is read once per
        # process (Django's ContentType cache), not per page: read it here, whatever ran before.
        ContentType.objects.get_for_model(Value)
        # 11, not 12: the form's cache stamp query
        # went away with the hand-made stamp (issue 15: the cache is invalidated by the services).
        with self.assertNumQueries(11):
            r = self.client.get(self.url())
        self.assertEqual(r.status_code, 200)
        # Served from the cache: session, user, memberships, submission, unread notices (5: the
        # stamp query went away with the hand-made stamp, issue 15).
        with self.assertNumQueries(5):
            r = self.client.get(self.url())
        self.assertContains(r, "Năm 2023: <strong>8</strong>")

    def test_it_hides_other_agency(self):
        self.login(self.bob)
        self.assertEqual(self.client.get(self.url()).status_code, 404)

    def test_it_builds_row_links_as_reverse_does(self):
        urls = views._RowUrls(self.sub_a.pk)
        for code in ("total_staff", "HT1.2", "a b", "chỉ_số", "x%y"):
            got = urls(code)
            for name in ("value_save", "evidence_upload", "value_history"):
                self.assertEqual(got[name], reverse(name, args=[self.sub_a.pk, code]))

    def test_it_keeps_the_same_queries_for_more_values(self):
        self.login(self.alice)
        services.save_values(self.sub_a.pk, [services.Change("total_staff", "1")], audit.Actor(user=self.alice))
        ContentType.objects.get_for_model(Value)  # once per process (see above)
        # No previous round: its values are not queried. 10, not 11: the form's cache stamp query went
        # away with the hand-made stamp (issue 15).
        with self.assertNumQueries(10):
            self.client.get(self.url())
        self.fill_a()  # a change: the body is rendered again, with the same queries
        with self.assertNumQueries(10):
            self.client.get(self.url())


class SubmissionLookupTestCase(BaseTestCase):
    """views._get_submission_for_user reads the submission, its round and agency with one plain SQL
    statement (models.submission_with_round_and_agency): the objects must equal the ORM's."""

    def test_it_reads_what_the_orm_reads(self):
        from chiso.collection.models import submission_with_round_and_agency

        self.fill_a()
        self.set_status(self.sub_a, "submitted")
        Submission.objects.filter(pk=self.sub_a.pk).update(submitted_at=timezone.now(), return_reason="Lý do")
        Round.objects.filter(pk=self.round.pk).update(is_demo=True)
        orm = Submission.objects.select_related("round", "agency").get(pk=self.sub_a.pk)
        with self.assertNumQueries(1):
            raw = submission_with_round_and_agency(self.sub_a.pk)
            for a, b in ((orm, raw), (orm.round, raw.round), (orm.agency, raw.agency)):
                for f in type(a)._meta.concrete_fields:
                    self.assertEqual(
                        (f.attname, getattr(a, f.attname)), (f.attname, getattr(b, f.attname))
                    )
        self.assertIs(raw.round.is_demo, True)
        self.assertIsNotNone(raw.submitted_at.tzinfo)
        self.assertIsInstance(raw.round.opens_on, dt.date)
        self.assertIsNone(submission_with_round_and_agency(10**6))

    def test_visibility_follows_visible_to(self):
        users = (self.admin, self.officer, self.alice, self.anna, self.bob, self.bella, self.leader, self.nobody)
        for user in users:
            for sub in (self.sub_a, self.sub_b):
                visible = Submission.objects.visible_to(user).filter(pk=sub.pk).exists()
                self.assertEqual(sub.is_visible_to(user), visible, (user.username, sub.pk))
