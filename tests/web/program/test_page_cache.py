"""The cached program pages (board, overdue board, public page; chiso.lib.cache) are never
stale and never shared between readers who must see different things.

Each test loads a page (which computes and caches it), changes something through the application,
and loads it again: the change must show at once. The first tests show that an unchanged page
really is served from the cache (its fragment template is not rendered again, fewer queries), so
the other tests do exercise the cached path."""

from __future__ import annotations

import datetime as dt
import re

from django.core.cache import cache as backend
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from chiso.collection import services as collection
from chiso.lib import cache
from chiso.orgs import audit
from chiso.program import services
from chiso.program.models import Obligation, Occurrence
from chiso.program.views.board import READS
from chiso.results.models import PublishedTable, PublishedValue

from .base import ProgramTestCase
from .test_public_page import SECRET, PublicPageTestCase


def main(response) -> str:
    """The page's main content (header, messages and CSRF tokens left out)."""
    html = response.content.decode()
    body = html[html.index("<main") : html.index("</main>")]
    body = re.sub(r'<ul class="messages">.*?</ul>', "", body, flags=re.S)
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", body)


def rendered(response, template: str) -> bool:
    return template in [t.name for t in response.templates]


class CacheUseTestCase(ProgramTestCase):
    def board(self, client=None, query=""):
        r = (client or self.client).get(f"/chuong-trinh/{self.program.pk}/{query}")
        self.assertEqual(r.status_code, 200)
        return r

    def test_an_unchanged_board_is_served_from_the_cache(self):
        self.approved_a(percent=40)
        self.login(self.officer)
        with CaptureQueriesContext(connection) as q1:
            first = self.board()
        with CaptureQueriesContext(connection) as q2:
            second = self.board()
        self.assertTrue(rendered(first, "program/_board_body.html"))
        self.assertFalse(rendered(second, "program/_board_body.html"))
        self.assertLess(len(q2), len(q1))
        self.assertEqual(main(first), main(second))

    def test_the_public_page_and_overdue_board_are_served_from_the_cache(self):
        for url, fragment in (
            ("/cong-khai/", "public/_programs.html"),
            (f"/chuong-trinh/{self.program.pk}/qua-han/", "program/_overdue_body.html"),
        ):
            self.login(self.officer)
            first, second = self.client.get(url), self.client.get(url)
            self.assertTrue(rendered(first, fragment), url)
            self.assertFalse(rendered(second, fragment), url)
            self.assertEqual(main(first), main(second))

    def test_the_key_reads_no_table(self):
        # No stamp query: the key is built from the namespaces' generations, held in the cache.
        cache.generations(READS)
        with CaptureQueriesContext(connection) as q:
            cache.key("program-board", READS, (self.program.pk,))
        self.assertEqual(len(q), 0)


class ChangesShowAtOnceTestCase(ProgramTestCase):
    def setUp(self):
        super().setUp()
        self.login(self.officer)

    def board(self, query=""):
        return main(self.client.get(f"/chuong-trinh/{self.program.pk}/{query}"))

    def task_row(self, page, n):
        return re.search(rf'<tr id="task-{n}">.*?</tr>', page, re.S).group(0)

    def test_an_approved_progress_report(self):
        before = self.task_row(self.board(), 1)
        self.assertIn("—", before)
        self.approved_a(percent=55, reported=3.0)
        after = self.task_row(self.board(), 1)
        self.assertIn("Quý 3/2017", after)
        self.assertIn("55%", after)
        self.assertIn("<strong>3</strong> / 4 lớp", after)  # the reported KPI's actual

    def test_a_report_submitted_then_approved(self):
        r = self.open_a()
        services.save_report(
            r.pk, audit.Actor(user=self.alice), task_status="delayed", percent=5, narrative="x"
        )
        services.submit_report(r.pk, audit.Actor(user=self.anna))
        self.assertNotIn("5%", self.task_row(self.board(), 1))  # submitted, not approved: not shown
        services.approve_report(r.pk, audit.Actor(user=self.officer))
        self.assertIn("5%", self.task_row(self.board(), 1))

    def test_an_approved_collected_value_feeds_the_kpi_actual(self):
        # Evaluated while the program runs: after its end (2020) it is judged as at its end date,
        # when the 2024 round's value did not exist yet (tests/web/program/test_program_end.py).
        running = "?ngay=01/06/2020"
        self.assertIn("<strong>—</strong> / 10 người", self.board(running))
        self.fill_a(total="8")
        collection.submit(self.sub_a.pk, audit.Actor(user=self.anna))
        self.assertIn("<strong>—</strong> / 10 người", self.board(running))  # submitted: not yet
        collection.approve(self.sub_a.pk, audit.Actor(user=self.officer))
        self.assertIn("<strong>8</strong> / 10 người", self.board(running))

    def test_a_kpi_edited_by_the_department(self):
        self.assertIn("/ 4 lớp", self.board())
        r = self.client.post(
            f"/chuong-trinh/{self.program.pk}/chi-tieu/{self.kpi_rep.pk}/sua/",
            {
                "baseline": "",
                "target": "6",
                "unit": "khóa",
                "due_on": "31/12/2020",
                "reason": "Điều chỉnh",
                "version": self.kpi_rep.version,
            },
        )
        self.assertEqual(r.status_code, 302)
        page = self.board()
        self.assertIn("/ 6 khóa", page)
        self.assertNotIn("/ 4 lớp", page)

    def test_a_task_renamed_in_the_admin(self):
        self.board()
        self.task1.title = "Nhiệm vụ A đổi tên"
        self.task1.save()  # as the Django admin does
        self.assertIn("Nhiệm vụ A đổi tên", self.board())

    def test_an_objective_target(self):
        self.assertIn("thứ hạng ≤ 20 năm 2020", self.board())
        services.update_objective(
            self.objective.pk,
            audit.Actor(user=self.officer),
            changes={"target_rank": 12},
            expected_version=self.objective.version,
            reason="x",
        )
        self.assertIn("thứ hạng ≤ 12 năm 2020", self.board())

    def test_a_published_rank(self):
        self.assertIn("Chưa có thứ hạng công bố", self.board())
        t = PublishedTable.objects.create(framework_id="test-fw", year=2019, title="Bảng 2019")
        PublishedValue.objects.create(
            table=t, unit_ref="P99", unit_name="Tỉnh Thử", code="total", value=0.5, rank=17
        )
        self.assertIn("Thứ hạng công bố gần nhất: 17 (năm 2019)", self.board())

    def test_the_date_of_evaluation(self):
        early = self.task_row(self.board("?ngay=01/12/2017"), 2)
        late = self.task_row(self.board("?ngay=02/01/2018"), 2)
        self.assertNotIn("quá hạn", early)  # task 2's deadline is 31/12/2017
        self.assertIn("quá hạn", late)

    def test_today_is_in_the_key(self):
        # Today's date is part of every key: the same data evaluated on another day is another entry.
        a = cache.key("program-board", READS, (self.program.pk, dt.date(2026, 11, 27).isoformat(), "dept"))
        b = cache.key("program-board", READS, (self.program.pk, dt.date(2026, 11, 28).isoformat(), "dept"))
        self.assertNotEqual(a, b)

    def test_the_language(self):
        vi = self.board()
        self.client.cookies["chiso_language"] = "en"
        en = self.board()
        self.assertIn("Mục tiêu chung (§1)", vi)
        self.assertNotIn("Mục tiêu chung (§1)", en)
        self.assertIn("General objective (§1)", en)

    def test_a_recorded_occurrence_on_the_overdue_board(self):
        url = f"/chuong-trinh/{self.program.pk}/qua-han/?ngay=01/02/2018"
        occ = Occurrence.objects.get(obligation=self.obligation, period="2017-Q3")
        self.assertIn("Quý 3/2017", main(self.client.get(url)))
        services.record_occurrence(
            occ.pk, audit.Actor(user=self.officer), done_on=dt.date(2017, 10, 10), note=""
        )
        table = re.search(
            r'<table id="overdue-occurrences">.*?</table>', main(self.client.get(url)), re.S
        ).group(0)
        self.assertNotIn("Quý 3/2017", table)
        self.assertIn("Quý 4/2017", table)

    def test_a_recommendation_published_and_unpublished(self):
        anon = Client()
        rec = services.submit_recommendation(
            audit.Actor(user=self.alice),
            program=self.program,
            agency=self.a,
            title="Kiến nghị X",
            body="Nội dung X",
        )
        services.act_on_recommendation(rec.pk, audit.Actor(user=self.officer), "answer", text="Trả lời X")
        self.assertNotIn("Trả lời X", main(anon.get("/cong-khai/")))
        services.act_on_recommendation(rec.pk, audit.Actor(user=self.officer), "publish")
        self.assertIn("Trả lời X", main(anon.get("/cong-khai/")))
        services.act_on_recommendation(rec.pk, audit.Actor(user=self.officer), "unpublish")
        self.assertNotIn("Trả lời X", main(anon.get("/cong-khai/")))

    def test_an_index_publication_schedules_the_conference(self):
        Obligation.objects.create(
            program=self.program,
            title="Hội nghị đánh giá",
            section="5b",
            agency=self.dept,
            recurrence="after_publication",
            due_offset_days=60,
        )
        url = f"/chuong-trinh/{self.program.pk}/qua-han/?ngay=01/01/2020"
        self.assertNotIn("Hội nghị đánh giá", main(self.client.get(url)))
        services.record_publication(
            self.program, audit.Actor(user=self.officer), year=2018, published_on=dt.date(2019, 5, 1)
        )
        self.assertIn("Hội nghị đánh giá", main(self.client.get(url)))  # due 30/06/2019, not done


class NeverSharedTestCase(PublicPageTestCase):
    """Privileged readers load the pages first (filling the cache); a scoped or anonymous reader
    then gets its own fragment, never theirs."""

    def overdue(self, user):
        c = Client()
        c.force_login(user)
        r = c.get(f"/chuong-trinh/{self.program.pk}/qua-han/?ngay=01/02/2018")
        self.assertEqual(r.status_code, 200)
        return main(r)

    def test_an_agency_never_gets_the_departments_overdue_rows(self):
        dept = self.overdue(self.officer)
        self.assertIn("Nhiệm vụ B", dept)  # task 2, led by B, is overdue
        mine = self.overdue(self.alice)
        self.assertNotIn("Nhiệm vụ B", mine)
        self.assertIn("Nhiệm vụ A", mine)
        self.assertNotIn("remind-btn", mine)
        # ... and the other way round: the agency first, then the department.
        backend.clear()
        self.assertNotIn("Nhiệm vụ B", self.overdue(self.alice))
        self.assertIn("Nhiệm vụ B", self.overdue(self.officer))

    def test_readers_never_get_the_departments_edit_links(self):
        c = Client()
        c.force_login(self.officer)
        self.assertIn("edit-kpi", main(c.get(f"/chuong-trinh/{self.program.pk}/")))
        c.force_login(self.alice)
        self.assertNotIn("edit-kpi", main(c.get(f"/chuong-trinh/{self.program.pk}/")))
        c.force_login(self.leader)
        self.assertNotIn("edit-kpi", main(c.get(f"/chuong-trinh/{self.program.pk}/")))

    def test_the_public_page_after_privileged_visits_leaks_nothing(self):
        for user in (self.officer, self.admin, self.leader, self.alice):
            c = Client()
            c.force_login(user)
            for url in (
                f"/chuong-trinh/{self.program.pk}/",
                f"/chuong-trinh/{self.program.pk}/qua-han/",
                "/cong-khai/",
                f"/chuong-trinh/{self.program.pk}/nhiem-vu/1/",
            ):
                self.assertEqual(c.get(url).status_code, 200)
        anon = Client()
        r = anon.get("/cong-khai/")
        self.assertFalse(rendered(r, "public/_programs.html"))  # served from the cache filled above
        page = r.content.decode()
        for s in SECRET + ["officer", "admin", "leader", "alice", "edit-kpi", "Đăng xuất"]:
            self.assertNotIn(s, page)
        self.assertIn("Câu trả lời công khai", page)
        # anonymous pages under /chuong-trinh/ still need a login, cache or not
        self.assertEqual(anon.get(f"/chuong-trinh/{self.program.pk}/").status_code, 302)
        self.assertEqual(anon.get(f"/chuong-trinh/{self.program.pk}/qua-han/").status_code, 302)


class MissingProgramTestCase(ProgramTestCase):
    def test_an_unknown_or_deleted_program_is_404_cache_or_not(self):
        self.login(self.officer)
        self.assertEqual(self.client.get(f"/chuong-trinh/{self.program.pk}/").status_code, 200)
        self.assertEqual(self.client.get(f"/chuong-trinh/{self.program.pk}/qua-han/").status_code, 200)
        self.assertEqual(self.client.get("/chuong-trinh/99999/").status_code, 404)
        self.assertEqual(self.client.get("/chuong-trinh/99999/qua-han/").status_code, 404)
        self.program.delete()
        self.assertEqual(self.client.get(f"/chuong-trinh/{self.program.pk}/").status_code, 404)
        self.assertEqual(self.client.get(f"/chuong-trinh/{self.program.pk}/qua-han/").status_code, 404)
