"""The form page's cached body (collection.views.submission, chiso.lib.cache) is never stale and never shared
across readers who should see different things.

Each test loads the page once (which renders and caches the body), changes something through the
application, and loads it again: the change must show at once. Other tests show that the second
load of an unchanged page really is served from the cache (fewer queries, same body), so the
tests above do exercise the cached path."""

from __future__ import annotations

import datetime as dt
import re

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from chiso.collection import services
from chiso.collection.models import Evidence, Round, Submission, ValidationRule, Value
from chiso.orgs import audit
from chiso.orgs.models import Responsibility

from .base import PASSWORD, BaseTestCase


def body(response) -> str:
    """The page's main content (what is cached), without the header and the flash messages."""
    html = response.content.decode()
    main = html[html.index("<main") : html.index("</main>")]
    return re.sub(r'<ul class="messages">.*?</ul>', "", main, flags=re.S)


class FormCacheTestCase(BaseTestCase):
    def url(self, sub=None):
        return f"/bieu-mau/{(sub or self.sub_a).pk}/"

    def get(self, user=None, client=None, **extra):
        client = client or self.client
        if user is not None:
            client.force_login(user)
        r = client.get(self.url(), **extra)
        self.assertEqual(r.status_code, 200)
        return r

    def queries(self, user=None):
        with CaptureQueriesContext(connection) as q:
            r = self.get(user)
        return len(q), r

    # --- the cache is used ----------------------------------------------------------------------

    def test_an_unchanged_page_is_served_from_the_cache(self):
        self.fill_a()
        n_first, first = self.queries(self.alice)
        n_second, second = self.queries()
        self.assertIn("sections", first.context)  # rendered
        self.assertNotIn("sections", second.context)  # from the cache
        self.assertLess(n_second, n_first)
        # Same body except the forms' CSRF tokens (masked differently on every request).
        strip = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')
        self.assertEqual(strip.sub("", body(first)), strip.sub("", body(second)))

    def test_a_very_large_body_is_not_cached(self):
        from chiso.collection.views import page as views

        old, views.FORM_CACHE_MAX_CHARS = views.FORM_CACHE_MAX_CHARS, 1000
        try:
            self.get(self.alice)
            self.assertIn("sections", self.get().context)  # rendered again
        finally:
            views.FORM_CACHE_MAX_CHARS = old

    # --- every change shows at once -------------------------------------------------------------

    def test_a_saved_value_shows_immediately(self):
        self.fill_a(total="10")
        self.assertIn('value="10"', body(self.get(self.alice)))
        r = self.client.post(
            f"/bieu-mau/{self.sub_a.pk}/chi-so/total_staff/",
            {"value": "12,5", "version": "1"},
            HTTP_HX_REQUEST="true",
        )
        self.assertEqual(r["X-Chiso-Status"], "200")
        page = body(self.get())
        self.assertIn('value="12,5"', page)
        self.assertNotIn('value="10"', page)
        self.assertIn('<input type="hidden" name="version" value="2">', page)

    def test_a_value_saved_elsewhere_shows_immediately(self):
        # The API and the Excel import write through services.save_values, as here.
        self.fill_a(total="10")
        self.get(self.alice)
        services.save_values(
            self.sub_a.pk, [services.Change("total_staff", "11")], audit.Actor(user=self.anna)
        )
        self.assertIn('value="11"', body(self.get()))

    def test_a_comment_shows_immediately(self):
        self.fill_a()
        self.get(self.alice)
        self.client.post(
            f"/bieu-mau/{self.sub_a.pk}/chi-so/it_staff/",
            {"value": "2", "comment": "Theo báo cáo quý", "version": "1"},
            HTTP_HX_REQUEST="true",
        )
        self.assertIn("Theo báo cáo quý", body(self.get()))

    def test_evidence_added_and_deleted_shows_immediately(self):
        self.fill_a()
        self.get(self.alice)
        self.client.post(
            f"/bieu-mau/{self.sub_a.pk}/chi-so/it_staff/minh-chung/",
            {"file": SimpleUploadedFile("quyet-dinh.pdf", b"%PDF-1.4 x")},
        )
        self.assertIn("quyet-dinh.pdf", body(self.get()))
        ev = Evidence.objects.get()
        self.client.post(f"/minh-chung/{ev.pk}/xoa/")
        self.assertFalse(Evidence.objects.exists())
        self.assertNotIn("quyet-dinh.pdf", body(self.get()))

    def test_status_changes_show_immediately(self):
        self.fill_a()
        self.assertIn('name="value"', body(self.get(self.alice)))
        self.assertIn('id="submit-btn"', body(self.get(self.anna)))
        self.client.post(f"/bieu-mau/{self.sub_a.pk}/gui/")
        page = body(self.get(self.alice))
        self.assertNotIn('name="value"', page)  # submitted: read-only for the officer
        self.assertIn("Đã gửi, chờ phê duyệt", page)
        self.assertIn('id="approve-btn"', body(self.get(self.officer)))
        self.client.post(
            f"/bieu-mau/{self.sub_a.pk}/tra-lai/",
            {"reason": "Thiếu số liệu quý 4", "note_it_staff": "Kiểm tra lại số cán bộ CNTT"},
        )
        page = body(self.get(self.alice))
        self.assertIn('name="value"', page)  # returned: editable again
        self.assertIn("Thiếu số liệu quý 4", page)
        self.assertIn("Kiểm tra lại số cán bộ CNTT", page)  # the note at the field
        self.client.force_login(self.anna)
        self.client.post(f"/bieu-mau/{self.sub_a.pk}/gui/")
        self.client.force_login(self.officer)
        self.client.post(f"/bieu-mau/{self.sub_a.pk}/phe-duyet/")
        page = body(self.get(self.alice))
        self.assertIn("Biểu mẫu đã được phê duyệt", page)
        self.assertNotIn("Kiểm tra lại số cán bộ CNTT", page)  # notes cleared on resubmission
        self.assertNotIn('name="value"', page)

    def test_round_dates_show_immediately(self):
        self.fill_a()
        self.assertIn('name="value"', body(self.get(self.alice)))
        rnd = Round.objects.get(pk=self.round.pk)  # as the admin site edits it
        today = timezone.localdate()
        rnd.opens_on, rnd.due_on, rnd.locks_on = (
            today - dt.timedelta(days=30),
            today - dt.timedelta(days=20),
            today - dt.timedelta(days=1),
        )
        rnd.save()
        page = body(self.get())
        self.assertNotIn('name="value"', page)  # the round is locked
        self.assertIn((today - dt.timedelta(days=20)).strftime("%d/%m/%Y"), page)

    def test_previous_period_values_show_immediately(self):
        old_round = Round.objects.create(
            framework_id="test-fw",
            year=2023,
            title="Đợt 2023",
            opens_on=dt.date(2023, 1, 1),
            due_on=dt.date(2023, 2, 1),
            locks_on=dt.date(2023, 3, 1),
        )
        old = Submission.objects.create(round=old_round, agency=self.a, status="approved")
        self.assertNotIn("Năm 2023", body(self.get(self.alice)))
        v = Value.objects.create(
            submission=old, code="total_staff", number=8.0, version=1, updated_at=timezone.now()
        )
        self.assertIn("Năm 2023: <strong>8</strong>", body(self.get()))
        v.number, v.version, v.updated_at = 9.0, 2, timezone.now()
        v.save()  # as the admin site edits it
        self.assertIn("Năm 2023: <strong>9</strong>", body(self.get()))

    def test_matrix_changes_show_immediately(self):
        self.assertNotIn("pct_online", body(self.get(self.alice)))
        Responsibility.objects.create(framework_id="test-fw", code="pct_online", agency=self.a, role="lead")
        self.assertIn("pct_online", body(self.get()))
        # an edit in place (the admin site) moves the row to another indicator
        row = Responsibility.objects.get(agency=self.a, code="pct_online")
        row.code = "level"
        row.save()
        page = body(self.get())
        self.assertNotIn('id="row-pct_online"', page)
        self.assertIn('id="row-level"', page)

    def test_rule_changes_show_immediately(self):
        self.fill_a(total="5", it="8")
        self.assertIn("Số cán bộ CNTT không thể lớn hơn tổng số cán bộ.", body(self.get(self.alice)))
        for rule in ValidationRule.objects.all():  # edited in place, as the admin site does
            rule.message = "Cán bộ CNTT nhiều hơn tổng số."
            rule.save()
        page = body(self.get())
        self.assertIn("Cán bộ CNTT nhiều hơn tổng số.", page)
        self.assertNotIn("Số cán bộ CNTT không thể lớn hơn tổng số cán bộ.", page)

    def test_agency_renames_show_immediately(self):
        self.assertIn("<h1>Sở Nội vụ</h1>", body(self.get(self.alice)))
        self.a.name = "Sở Nội vụ tỉnh Thử"
        self.a.save()
        self.assertIn("<h1>Sở Nội vụ tỉnh Thử</h1>", body(self.get()))

    # --- readers never see each other's body ----------------------------------------------------

    def test_roles_see_their_own_controls(self):
        self.fill_a()
        pages = {}
        for _round in range(2):  # the second round is served from the cache
            for user in (self.alice, self.anna, self.leader, self.admin):
                pages[user.username] = body(self.get(user))
            self.assertIn('name="value"', pages["alice"])
            self.assertNotIn('id="submit-btn"', pages["alice"])
            self.assertIn('id="submit-btn"', pages["anna"])
            for reader in ("leader", "admin"):
                self.assertNotIn('name="value"', pages[reader])
                self.assertNotIn("Tải minh chứng", pages[reader])
                self.assertIn('<strong class="shown">10</strong>', pages[reader])
            self.assertNotIn('id="approve-btn"', pages["admin"])  # not submitted yet

    def test_languages_do_not_mix(self):
        self.fill_a()
        for _round in range(2):
            self.client.cookies["chiso_language"] = "vi"
            vi = body(self.get(self.alice))
            self.client.cookies["chiso_language"] = "en"
            en = body(self.get())
            self.assertIn("Đơn vị: người", vi)
            self.assertIn("Unit: người", en)
            self.assertNotIn("Đơn vị", en)
            self.assertNotIn("Unit:", vi)

    def test_each_reader_gets_a_working_csrf_token(self):
        """Two browsers of the same officer: the second is served the first one's cached body, with
        its own token put in, so its forms post (CSRF checks on)."""
        self.fill_a()
        first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
        for c in (first, second):
            self.assertTrue(c.login(username="alice", password=PASSWORD))
        self.get(client=first)
        page = self.get(client=second).content.decode()
        tokens = re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        self.assertGreater(len(tokens), 3)  # the header's language form and the rows' forms
        token = tokens[-1]  # a row's evidence form, from the cached body
        r = second.post(
            f"/bieu-mau/{self.sub_a.pk}/chi-so/total_staff/",
            {"value": "7", "version": "1", "csrfmiddlewaretoken": token},
        )
        self.assertEqual(r.status_code, 302)
        self.assertEqual(Value.objects.get(submission=self.sub_a, code="total_staff").number, 7.0)
        # the first browser's token is not the second's cookie: a forged mix is refused
        r = first.post(
            f"/bieu-mau/{self.sub_a.pk}/chi-so/total_staff/",
            {"value": "8", "version": "2", "csrfmiddlewaretoken": "x" * 64},
        )
        self.assertEqual(r.status_code, 403)

    def test_another_agency_still_gets_404(self):
        self.get(self.alice)  # cached
        self.client.force_login(self.bob)
        self.assertEqual(self.client.get(self.url()).status_code, 404)
