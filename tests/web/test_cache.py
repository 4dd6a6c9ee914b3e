"""The page cache (chiso.lib.cache): generations read in one round-trip, bumped when the transaction
that changed the data commits (never by a rolled-back one), by the services that change data (the
audit row) and by rows saved outside them (the admin, loaders); and the pages that show a change
render afresh."""

from __future__ import annotations

import re
from unittest import mock

from django.core.cache import cache as backend
from django.db import transaction
from django.test import SimpleTestCase, TransactionTestCase

from chiso.lib import cache
from chiso.orgs import audit
from chiso.orgs.models import Agency, LoginAttempt, Unit
from chiso.program import services as program
from chiso.results import services as results
from chiso.results.services.published import PreviewRow, TablePreview

from .program.base import ProgramTestCase
from .test_assessment_base import AssessmentCase


class CountingCache:
    """Wraps the cache backend's methods to count the calls (the round-trips to Redis or the files)."""

    METHODS = ("get", "get_many", "set", "set_many", "add")

    def __enter__(self):
        self.calls: list[str] = []
        self.depth = 0
        self.patches = [
            mock.patch.object(backend, m, side_effect=self._counted(m, getattr(backend, m))) for m in self.METHODS
        ]
        for p in self.patches:
            p.start()
        return self

    def _counted(self, name, real):
        def call(*args, **kwargs):
            if self.depth == 0:  # a backend's get_many may loop over get: one call from outside
                self.calls.append(name)
            self.depth += 1
            try:
                return real(*args, **kwargs)
            finally:
                self.depth -= 1

        return call

    def __exit__(self, *exc):
        for p in self.patches:
            p.stop()


class GenerationsTestCase(SimpleTestCase):
    def setUp(self):
        backend.clear()

    def test_it_reads_every_generation_in_one_round_trip(self):
        cache.generations(["program", "collection", "results", "orgs"])  # first use: each one created
        with CountingCache() as c:
            key = cache.key("page", ["program", "collection", "results", "orgs"], (1, "2026-01-01"))
        self.assertEqual(c.calls, ["get_many"])
        self.assertEqual(key, cache.key("page", ["program", "collection", "results", "orgs"], (1, "2026-01-01")))

    def test_a_bump_changes_only_its_namespace(self):
        before = cache.generations(["program", "results"])
        cache.bump("results")  # outside a transaction: at once
        after = cache.generations(["program", "results"])
        self.assertEqual(before[0], after[0])
        self.assertNotEqual(before[1], after[1])

    def test_a_lost_generation_never_comes_back(self):
        # A backend that dropped the generation (a file cache culls at random) gets a new token, not
        # the old one: entries keyed on the old one are never served again.
        old = cache.key("page", ["program"], ())
        backend.delete(cache.GENERATION_PREFIX + "program")
        self.assertNotEqual(old, cache.key("page", ["program"], ()))

    def test_it_keys_on_the_language_and_the_parts(self):
        from django.utils import translation

        vi = cache.key("page", ["program"], (1,))
        self.assertNotEqual(vi, cache.key("page", ["program"], (2,)))
        with translation.override("en"):
            self.assertNotEqual(vi, cache.key("page", ["program"], (1,)))

    def test_a_fragment_is_built_once_and_a_large_one_not_stored(self):
        built = []

        def build():
            built.append(1)
            return "x" * 10

        self.assertEqual(cache.fragment("f", ["program"], (), build), "x" * 10)
        cache.fragment("f", ["program"], (), build)
        self.assertEqual(len(built), 1)
        cache.fragment("g", ["program"], (), build, size=len, max_size=5)
        cache.fragment("g", ["program"], (), build, size=len, max_size=5)
        self.assertEqual(len(built), 3)

    def test_the_csrf_slots_take_the_readers_token(self):
        from django.test import RequestFactory

        request = RequestFactory().get("/")
        with mock.patch("chiso.lib.cache.render_to_string", side_effect=lambda t, c: f"<a>{c['csrf_token']}</a>"):
            body = cache.render_body("any.html", {})
        self.assertEqual(len(body), 2)
        html = cache.with_csrf(body, request)
        self.assertRegex(html, r"^<a>\w{64}</a>$")  # a masked token where the slot was
        self.assertIn("CSRF_COOKIE", request.META)  # and the reader's cookie set


class OnCommitTestCase(TransactionTestCase):
    """Real transactions: a bump waits for the commit, happens once, and never after a rollback."""

    def setUp(self):
        backend.clear()
        self.unit = Unit.objects.create(ref_id="P98", code="98", name="Tỉnh Khác", kind="province")

    def gen(self, ns="orgs"):
        return cache.generations([ns])[0]

    def test_it_bumps_on_commit_once_per_transaction(self):
        before = self.gen()
        with CountingCache() as c, transaction.atomic():
            for i in range(3):
                Agency.objects.create(code=f"X{i}", name=f"Cơ quan {i}", kind="department", unit=self.unit)
            cache.bump("orgs")
            self.assertEqual(self.gen(), before)  # not yet: another reader would cache the old data
        self.assertNotEqual(self.gen(), before)
        self.assertEqual(c.calls.count("set_many"), 1)

    def test_a_rolled_back_transaction_bumps_nothing(self):
        before = self.gen()
        try:
            with transaction.atomic():
                agency = Agency.objects.create(code="Y", name="Cơ quan Y", kind="department", unit=self.unit)
                audit.record(audit.Actor(), "agency.create", agency)
                raise RuntimeError
        except RuntimeError:
            pass
        self.assertEqual(self.gen(), before)
        # a savepoint rolled back inside a committed transaction: its bump goes with it
        with transaction.atomic():
            try:
                with transaction.atomic():
                    cache.bump("program")
                    raise RuntimeError
            except RuntimeError:
                pass
        self.assertEqual(self.gen("program"), cache.generations(["program"])[0])

    def test_an_audit_row_bumps_the_targets_and_parents_apps(self):
        before = cache.generations(["orgs", "program", "results"])
        agency = Agency.objects.create(code="Z", name="Cơ quan Z", kind="department", unit=self.unit)
        after_save = cache.generations(["orgs", "program", "results"])
        self.assertNotEqual(before[0], after_save[0])  # a row saved outside a service (the admin)
        with transaction.atomic():
            audit.record(audit.Actor(), "x", ("program.task", 1), parent=agency)
        after = cache.generations(["orgs", "program", "results"])
        self.assertNotEqual(after_save[0], after[0])
        self.assertNotEqual(after_save[1], after[1])
        self.assertEqual(after_save[2], after[2])

    def test_an_evidence_file_saved_outside_a_service_bumps_its_owners_app(self):
        from django.contrib.contenttypes.models import ContentType
        from django.core.files.base import ContentFile

        from chiso.review.models import Evidence

        before = cache.generations(["orgs", "collection", "review"])
        ev = Evidence(owner_type=ContentType.objects.get(app_label="collection", model="value"), owner_id=1,
                      original_name="a.pdf", content_type="application/pdf", size=9, sha256="x")
        ev.file.save("upload", ContentFile(b"%PDF-1.4\n"), save=False)
        ev.save()  # as a loader or the admin would: no audit row
        after = cache.generations(["orgs", "collection", "review"])
        self.assertNotEqual(before[1], after[1])  # the form pages that list it render afresh
        self.assertEqual((before[0], before[2]), (after[0], after[2]))
        ev.delete()
        self.assertNotEqual(after[1], cache.generations(["collection"])[0])

    def test_rows_no_page_reads_bump_nothing(self):
        before = self.gen()
        LoginAttempt.objects.create(username="ai-do", address="127.0.0.1", failures=1)
        self.assertEqual(self.gen(), before)


def main(response) -> str:
    html = response.content.decode()
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html[html.index("<main") : html.index("</main>")])


class ServicesInvalidateTestCase(ProgramTestCase):
    """A change through each kind of service shows on the next request of the pages that show it."""

    def setUp(self):
        super().setUp()
        self.login(self.officer)

    def board(self):
        return main(self.client.get(f"/chuong-trinh/{self.program.pk}/"))

    def test_a_published_table_imported(self):
        self.assertIn("Chưa có thứ hạng công bố", self.board())
        public = main(self.client.get("/cong-khai/"))
        preview = TablePreview(
            framework_id="test-fw", year=2019, codes=["total"], rank_codes=["total"],
            rows=[PreviewRow(row=2, name="Tỉnh Thử", unit_ref="P99", unit_name="Tỉnh Thử",
                             values={"total": 0.5}, ranks={"total": 17})],
        )
        results.save_table(preview, audit.Actor(user=self.admin), title="Bảng 2019", source="Bộ")
        self.assertIn("Thứ hạng công bố gần nhất: 17 (năm 2019)", self.board())
        self.assertNotEqual(public, main(self.client.get("/cong-khai/")))

    def test_a_progress_report_approved_and_a_recommendation_step(self):
        gens = cache.generations(["program"])
        self.approved_a(percent=61)
        self.assertIn("61%", self.board())
        self.assertNotEqual(gens, cache.generations(["program"]))
        rec = program.submit_recommendation(
            audit.Actor(user=self.alice), program=self.program, agency=self.a, title="Kiến nghị Y", body="Y"
        )
        program.act_on_recommendation(rec.pk, audit.Actor(user=self.officer), "answer", text="Trả lời Y")
        program.act_on_recommendation(rec.pk, audit.Actor(user=self.officer), "publish")
        self.assertIn("Trả lời Y", main(self.client.get("/cong-khai/")))


class InternalRoundTestCase(AssessmentCase):
    """An internal round's step shows at once on the round page, its results and the public page."""

    def test_a_step_shows_on_the_round_page(self):
        self.login(self.admin)
        url = f"/xep-hang-noi-bo/dot/{self.round.pk}/"
        first = self.client.get(url)
        self.assertEqual(first.status_code, 200)
        status = self.round.get_status_display()
        self.assertIn(status, first.content.decode())
        self.fill(self.pa, self.alice)
        self.fill(self.pb, self.bella)
        self.fill(self.pc, self.admin)
        self.step("close_self")
        self.round.refresh_from_db()
        page = self.client.get(url).content.decode()
        self.assertIn(self.round.get_status_display(), page)
        self.assertNotEqual(status, self.round.get_status_display())

    def test_publication_shows_on_the_public_page(self):
        self.assertNotIn("UBND huyện An", main(self.client.get("/cong-khai/")))
        self.to_published()
        self.assertIn("UBND huyện An", main(self.client.get("/cong-khai/")))

