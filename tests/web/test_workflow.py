from __future__ import annotations

from django.core import mail

from chiso.collection.models import Submission, Value
from chiso.orgs.models import AuditEntry, Notice

from .base import BaseTestCase


class SubmitTestCase(BaseTestCase):
    def url(self):
        return f"/bieu-mau/{self.sub_a.pk}/gui/"

    def test_it_submits(self):
        self.fill_a()
        self.login(self.anna)
        self.client.post(self.url())
        self.sub_a.refresh_from_db()
        self.assertEqual(self.sub_a.status, "submitted")
        self.assertEqual(self.sub_a.submitted_by, self.anna)
        self.assertEqual(AuditEntry.objects.filter(action="submission.submit").count(), 1)

    def test_it_requires_the_agency_head(self):
        self.fill_a()
        self.login(self.alice)
        self.assertEqual(self.client.post(self.url()).status_code, 403)
        self.sub_a.refresh_from_db()
        self.assertEqual(self.sub_a.status, "draft")

    def test_it_refuses_missing_values(self):
        self.login(self.anna)
        r = self.client.post(self.url(), follow=True)
        self.assertContains(r, "Còn 3 chỉ số chưa nhập")
        self.sub_a.refresh_from_db()
        self.assertEqual(self.sub_a.status, "draft")

    def test_it_enforces_critical_rules(self):
        self.fill_a(total="5", it="8")
        self.login(self.anna)
        r = self.client.post(self.url(), follow=True)
        self.assertContains(r, "Số cán bộ CNTT không thể lớn hơn tổng số cán bộ.")
        self.sub_a.refresh_from_db()
        self.assertEqual(self.sub_a.status, "draft")

    def test_it_hides_other_agency(self):
        self.login(self.bella)
        self.assertEqual(self.client.post(self.url()).status_code, 404)


class ApproveTestCase(BaseTestCase):
    def setUp(self):
        self.fill_a()
        self.set_status(self.sub_a, "submitted")

    def test_it_approves_and_locks(self):
        self.login(self.officer)
        self.client.post(f"/bieu-mau/{self.sub_a.pk}/phe-duyet/")
        self.sub_a.refresh_from_db()
        self.assertEqual(self.sub_a.status, "approved")
        self.assertEqual(self.sub_a.decided_by, self.officer)
        self.login(self.alice)
        r = self.client.post(f"/bieu-mau/{self.sub_a.pk}/chi-so/total_staff/", {"value": "1"})
        self.assertEqual(r.status_code, 403)
        self.assertEqual(Value.objects.get(code="total_staff").number, 10.0)

    def test_it_requires_the_department(self):
        for user in (self.anna, self.leader):
            self.login(user)
            self.assertEqual(self.client.post(f"/bieu-mau/{self.sub_a.pk}/phe-duyet/").status_code, 403)
        self.sub_a.refresh_from_db()
        self.assertEqual(self.sub_a.status, "submitted")

    def test_it_writes_one_audit_row(self):
        self.login(self.officer)
        self.client.post(f"/bieu-mau/{self.sub_a.pk}/phe-duyet/")
        self.assertEqual(AuditEntry.objects.filter(action="submission.approve").count(), 1)


class ReturnTestCase(BaseTestCase):
    def setUp(self):
        self.fill_a()
        self.set_status(self.sub_a, "submitted")

    def test_it_returns_with_reason_and_field_note(self):
        self.login(self.officer)
        self.client.post(f"/bieu-mau/{self.sub_a.pk}/tra-lai/",
                         {"reason": "Thiếu minh chứng", "note_it_staff": "Cần quyết định phân công"})
        self.sub_a.refresh_from_db()
        self.assertEqual(self.sub_a.status, "returned")
        self.assertEqual(self.sub_a.return_reason, "Thiếu minh chứng")
        self.assertEqual(Value.objects.get(code="it_staff").return_note, "Cần quyết định phân công")
        self.assertEqual(Notice.objects.filter(user__in=[self.alice, self.anna]).count(), 2)
        self.login(self.alice)
        r = self.client.get(f"/bieu-mau/{self.sub_a.pk}/")
        self.assertContains(r, "Thiếu minh chứng")
        self.assertContains(r, "Cần quyết định phân công")
        # the officer can correct it again
        r = self.client.post(f"/bieu-mau/{self.sub_a.pk}/chi-so/it_staff/", {"value": "3", "version": "1"})
        self.assertEqual(Value.objects.get(code="it_staff").number, 3.0)

    def test_it_requires_a_reason(self):
        self.login(self.officer)
        r = self.client.post(f"/bieu-mau/{self.sub_a.pk}/tra-lai/", {"reason": ""})
        self.assertEqual(r.status_code, 400)
        self.sub_a.refresh_from_db()
        self.assertEqual(self.sub_a.status, "submitted")


class RemindTestCase(BaseTestCase):
    def test_it_reminds_pending_agencies(self):
        self.set_status(self.sub_b, "submitted")
        self.login(self.admin)
        with self.mailing():
            self.client.post(f"/dot/{self.round.pk}/nhac-nho/")
        # one e-mail to each of agency A's officer and head (a reminder: by e-mail unless they chose otherwise)
        self.assertEqual(sorted(m.to for m in mail.outbox), [["alice@example.org"], ["anna@example.org"]])
        self.assertIn("Sở Nội vụ", mail.outbox[0].body)
        self.assertEqual(Notice.objects.filter(user=self.alice).count(), 1)
        self.assertFalse(Notice.objects.filter(user=self.bob).exists())
        self.sub_a.refresh_from_db()
        self.assertIsNotNone(self.sub_a.last_reminded_at)

    def test_it_requires_the_department(self):
        self.login(self.leader)
        self.assertEqual(self.client.post(f"/dot/{self.round.pk}/nhac-nho/").status_code, 403)
        self.assertEqual(len(mail.outbox), 0)


class RoundNewTestCase(BaseTestCase):
    def test_it_creates_round_with_submissions_per_lead_agency(self):
        self.login(self.admin)
        r = self.client.post("/dot/moi/", {"framework_id": "test-fw", "title": "Quý 1/2025", "year": "2025",
                                           "quarter": "1", "opens_on": "01/04/2025", "due_on": "15/04/2025",
                                           "locks_on": "30/04/2025"})
        self.assertEqual(r.status_code, 302)
        from chiso.collection.models import Round

        rnd = Round.objects.get(title="Quý 1/2025")
        self.assertEqual(rnd.due_on.isoformat(), "2025-04-15")
        self.assertEqual(set(rnd.submissions.values_list("agency__code", flat=True)), {"A", "B"})

    def test_it_rejects_unordered_dates(self):
        self.login(self.admin)
        r = self.client.post("/dot/moi/", {"framework_id": "test-fw", "title": "X", "year": "2025",
                                           "opens_on": "15/04/2025", "due_on": "01/04/2025", "locks_on": "30/04/2025"})
        self.assertContains(r, "ngày mở ≤ hạn gửi ≤ ngày khóa")

    def test_it_is_forbidden_to_agencies(self):
        self.login(self.alice)
        self.assertEqual(self.client.get("/dot/moi/").status_code, 403)


class BoardTestCase(BaseTestCase):
    def test_it_shows_late_agencies(self):
        import datetime as dt

        import time_machine

        self.fill_a()
        self.login(self.officer)
        with time_machine.travel(dt.datetime.combine(self.round.due_on + dt.timedelta(days=3), dt.time(10))):
            r = self.client.get(f"/dot/{self.round.pk}/")
        self.assertContains(r, "3/3")
        self.assertContains(r, "3 ngày")

    def test_it_offers_the_department_to_compute_from_approved_values(self):
        self.login(self.officer)
        r = self.client.get(f"/dot/{self.round.pk}/")
        self.assertNotContains(r, 'id="compute-btn"')  # nothing approved yet
        self.set_status(self.sub_a, "approved")
        r = self.client.get(f"/dot/{self.round.pk}/")
        self.assertContains(r, 'action="/ket-qua/tinh/"')
        self.assertContains(r, f'<input type="hidden" name="round" value="{self.round.pk}">')
        self.login(self.alice)
        self.assertNotContains(self.client.get(f"/dot/{self.round.pk}/"), 'id="compute-btn"')

    def test_agency_sees_only_its_row(self):
        self.login(self.alice)
        r = self.client.get(f"/dot/{self.round.pk}/")
        self.assertContains(r, "Sở Nội vụ")
        self.assertNotContains(r, "Sở Tư pháp")

    def test_it_lists_rounds_with_few_queries(self):
        self.login(self.officer)
        with self.assertNumQueries(5):  # session, user, memberships, rounds, unread notices
            self.client.get("/dot/")

    def test_submission_statuses(self):
        self.assertEqual(Submission.Status.RETURNED.label, "Bị trả lại")
