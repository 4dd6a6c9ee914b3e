from __future__ import annotations

import io

from django.core import mail
from django.db import IntegrityError, transaction
from openpyxl import load_workbook

from chiso.orgs import audit
from chiso.orgs.models import Notice
from chiso.program import services
from chiso.program.models import Recommendation

from .base import ProgramTestCase


class RecommendationNewTestCase(ProgramTestCase):
    def test_it_sends_a_recommendation(self):
        self.login(self.alice)
        r = self.client.post(
            "/kien-nghi/moi/",
            {
                "kind": "difficulty",
                "title": "Thiếu kinh phí",
                "body": "Chi tiết",
                "task": "1",
                "component": "staff",
                "agency": self.a.pk,
            },
        )
        rec = Recommendation.objects.get()
        self.assertRedirects(r, f"/kien-nghi/{rec.pk}/")
        self.assertEqual(
            (rec.agency, rec.task, rec.component, rec.status), (self.a, self.task1, "staff", "submitted")
        )
        self.assertEqual(rec.steps.count(), 1)
        self.assertTrue(Notice.objects.filter(user=self.admin, url=f"/kien-nghi/{rec.pk}/").exists())

    def test_it_refuses_to_send_for_another_agency(self):
        self.login(self.alice)
        r = self.client.post(
            "/kien-nghi/moi/", {"kind": "difficulty", "title": "x", "body": "y", "agency": self.b.pk}
        )
        self.assertEqual(r.status_code, 400)
        self.assertFalse(Recommendation.objects.exists())

    def test_it_is_forbidden_to_users_without_an_agency(self):
        for u in (self.officer, self.leader, self.nobody):
            self.login(u)
            self.assertEqual(self.client.get("/kien-nghi/moi/").status_code, 403)


class RecommendationCase(ProgramTestCase):
    """Agency A's recommendation on task 1, just sent (no tests of its own)."""

    def setUp(self):
        super().setUp()
        self.rec = services.submit_recommendation(
            audit.Actor(user=self.alice),
            program=self.program,
            agency=self.a,
            title="Thiếu đường truyền",
            body="5 xã chưa có",
            task=self.task1,
        )
        mail.outbox.clear()


class RecommendationActTestCase(RecommendationCase):
    def test_it_answers_and_the_sender_sees_every_step(self):
        self.login(self.officer)
        with self.mailing():
            self.client.post(
                f"/kien-nghi/{self.rec.pk}/xu-ly/",
                {"action": "assign", "text": "Giao Sở B xem xét", "assigned_to": self.b.pk},
            )
            self.client.post(
                f"/kien-nghi/{self.rec.pk}/xu-ly/", {"action": "escalate", "text": "Trình UBND tỉnh"}
            )
            self.client.post(
                f"/kien-nghi/{self.rec.pk}/xu-ly/", {"action": "answer", "text": "Đã bố trí kinh phí"}
            )
        self.rec.refresh_from_db()
        self.assertEqual((self.rec.status, self.rec.answer), ("answered", "Đã bố trí kinh phí"))
        self.assertEqual(
            list(self.rec.steps.values_list("action", flat=True)), ["submit", "assign", "escalate", "answer"]
        )
        self.assertGreaterEqual(len([m for m in mail.outbox if "alice@example.org" in m.to]), 3)
        self.assertTrue(Notice.objects.filter(user=self.bob, text__contains="Được giao").exists())
        self.login(self.alice)
        page = self.client.get(f"/kien-nghi/{self.rec.pk}/").content.decode()
        for text in ("Giao Sở B xem xét", "Trình UBND tỉnh", "Đã bố trí kinh phí"):
            self.assertIn(text, page)
        self.login(self.bob)  # the assigned agency sees it too
        self.assertEqual(self.client.get(f"/kien-nghi/{self.rec.pk}/").status_code, 200)

    def test_it_is_forbidden_to_agencies_and_leadership(self):
        for u in (self.alice, self.leader):
            self.login(u)
            r = self.client.post(f"/kien-nghi/{self.rec.pk}/xu-ly/", {"action": "answer", "text": "x"})
            self.assertEqual(r.status_code, 403)
        self.login(self.bob)
        self.assertEqual(
            self.client.post(
                f"/kien-nghi/{self.rec.pk}/xu-ly/", {"action": "answer", "text": "x"}
            ).status_code,
            404,
        )

    def test_it_publishes_only_answered(self):
        self.login(self.officer)
        self.client.post(f"/kien-nghi/{self.rec.pk}/xu-ly/", {"action": "publish"})
        self.rec.refresh_from_db()
        self.assertFalse(self.rec.is_public)
        self.client.post(f"/kien-nghi/{self.rec.pk}/xu-ly/", {"action": "answer", "text": "Trả lời"})
        self.client.post(f"/kien-nghi/{self.rec.pk}/xu-ly/", {"action": "publish"})
        self.rec.refresh_from_db()
        self.assertTrue(self.rec.is_public)

    def test_the_database_refuses_public_unanswered(self):
        with self.assertRaises(IntegrityError), transaction.atomic():
            Recommendation.objects.filter(pk=self.rec.pk).update(is_public=True)


class RecommendationListTestCase(ProgramTestCase):
    def setUp(self):
        super().setUp()
        actor = audit.Actor(user=self.alice)
        self.r1 = services.submit_recommendation(
            actor, program=self.program, agency=self.a, title="Một", body="x"
        )
        self.r2 = services.submit_recommendation(
            audit.Actor(user=self.bob),
            program=self.program,
            agency=self.b,
            title="Hai",
            body="y",
            kind="proposal",
            task=self.task2,
        )

    def test_it_shows_an_agency_only_its_own(self):
        self.login(self.alice)
        page = self.client.get("/kien-nghi/").content.decode()
        self.assertIn("Một", page)
        self.assertNotIn("Hai", page)

    def test_it_filters(self):
        self.login(self.officer)
        page = self.client.get("/kien-nghi/?loai=proposal").content.decode()
        self.assertIn(">Hai<", page)
        self.assertNotIn(">Một<", page)
        page = self.client.get(f"/kien-nghi/?co_quan={self.a.pk}").content.decode()
        self.assertIn(">Một<", page)
        self.assertNotIn(">Hai<", page)

    def test_it_exports_xlsx_with_the_filter(self):
        self.login(self.officer)
        r = self.client.get("/kien-nghi/xuat.xlsx?nhiem_vu=2")
        ws = load_workbook(io.BytesIO(r.content)).active
        rows = list(ws.iter_rows(values_only=True))
        self.assertEqual(rows[0][1], "Tiêu đề")
        self.assertEqual([row[1] for row in rows[1:]], ["Hai"])
        self.assertEqual(rows[1][2], "Sở Tư pháp")

    def test_it_exports_only_visible_rows(self):
        self.login(self.alice)
        ws = load_workbook(io.BytesIO(self.client.get("/kien-nghi/xuat.xlsx").content)).active
        self.assertEqual([row[1] for row in list(ws.iter_rows(values_only=True))[1:]], ["Một"])
