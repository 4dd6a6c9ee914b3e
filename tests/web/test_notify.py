"""Notices reach people where they are (chiso.orgs.notify): the notice in the app always, an e-mail
too for whoever chose it for the kind of notice, sent by the worker after the step commits.

The scenario is a form of agency A (officer alice, head anna) returned by the department."""

from __future__ import annotations

import smtplib

from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction
from django.test import override_settings
from django_q.models import OrmQ

from chiso.collection import services
from chiso.orgs import audit
from chiso.orgs.models import Notice, NoticePreference

from .base import BaseTestCase, deliver_mail

ROOT = "https://chiso.example.gov.vn"


class FailingBackend(BaseEmailBackend):
    """A mail server that refuses every message."""

    def send_messages(self, messages):
        raise smtplib.SMTPServerDisconnected("the mail server went away")


@override_settings(SITE_ROOT=ROOT, SITE_NAME="chiso")
class ReturnEmailTestCase(BaseTestCase):
    def setUp(self):
        self.fill_a()
        self.set_status(self.sub_a, "submitted")
        self.login(self.officer)

    def give_back(self, reason="Thiếu minh chứng"):
        with self.mailing():
            r = self.client.post(f"/bieu-mau/{self.sub_a.pk}/tra-lai/", {"reason": reason})
        self.assertEqual(r.status_code, 302)

    def test_the_agency_staff_get_it_in_vietnamese_with_the_link(self):
        self.give_back()
        self.assertEqual(sorted(m.to for m in mail.outbox), [["alice@example.org"], ["anna@example.org"]])
        message = next(m for m in mail.outbox if m.to == ["alice@example.org"])
        self.assertEqual(message.subject, "[chiso] Biểu mẫu “Đợt 2024” bị trả lại: Thiếu minh chứng")
        self.assertIn("Biểu mẫu “Đợt 2024” bị trả lại: Thiếu minh chứng", message.body)
        self.assertIn(f"Xem tại: {ROOT}/bieu-mau/{self.sub_a.pk}/", message.body)
        self.assertIn(f"{ROOT}/thong-bao/cai-dat/", message.body)  # where to change the choice
        self.assertEqual(message.content_subtype, "plain")
        self.assertNotIn("returned", message.body)  # the kind's code is not printed
        self.assertEqual(Notice.objects.get(user=self.alice).url, f"/bieu-mau/{self.sub_a.pk}/")

    def test_who_chose_the_app_only_gets_the_notice_and_no_email(self):
        NoticePreference.objects.create(user=self.alice, email_returned=False)
        self.give_back()
        self.assertEqual([m.to for m in mail.outbox], [["anna@example.org"]])
        self.assertEqual(Notice.objects.get(user=self.alice).text, "Biểu mẫu “Đợt 2024” bị trả lại: Thiếu minh chứng")

    def test_a_choice_for_another_kind_does_not_stop_this_one(self):
        NoticePreference.objects.create(user=self.alice, email_deadline=False, email_result=False)
        self.give_back()
        self.assertIn(["alice@example.org"], [m.to for m in mail.outbox])

    def test_a_user_without_an_address_gets_the_notice_only(self):
        self.anna.email = ""
        self.anna.save()
        self.give_back()
        self.assertEqual([m.to for m in mail.outbox], [["alice@example.org"]])
        self.assertTrue(Notice.objects.filter(user=self.anna).exists())

    def test_each_person_reads_it_in_their_language(self):
        NoticePreference.objects.create(user=self.alice, language="en")
        self.give_back("Missing evidence")
        english = next(m for m in mail.outbox if m.to == ["alice@example.org"])
        self.assertIn("Form “Đợt 2024” was returned: Missing evidence", english.body)
        self.assertIn(f"See: {ROOT}/bieu-mau/{self.sub_a.pk}/", english.body)
        self.assertEqual(Notice.objects.get(user=self.alice).text, "Form “Đợt 2024” was returned: Missing evidence")
        vietnamese = next(m for m in mail.outbox if m.to == ["anna@example.org"])
        self.assertIn("Biểu mẫu “Đợt 2024” bị trả lại: Missing evidence", vietnamese.body)

    def test_a_reason_on_several_lines_makes_a_one_line_subject(self):
        self.give_back("Thiếu minh chứng\nvà số liệu quý 3")
        self.assertEqual(mail.outbox[0].subject, "[chiso] Biểu mẫu “Đợt 2024” bị trả lại: Thiếu minh chứng và số liệu quý 3")

    def test_nothing_is_sent_before_the_step_commits(self):
        with self.captureOnCommitCallbacks(execute=False) as callbacks:
            services.return_submission(self.sub_a.pk, audit.Actor(user=self.officer), "Thiếu minh chứng", {})
        self.assertFalse(OrmQ.objects.exists())  # queued on commit, not before
        self.assertEqual(mail.outbox, [])
        for callback in callbacks:
            callback()
        self.assertEqual(OrmQ.objects.count(), 2)
        self.assertEqual(mail.outbox, [])  # the request sent nothing itself: the worker does
        self.assertEqual(deliver_mail(), 2)

    def test_a_rolled_back_step_sends_nothing(self):
        with self.captureOnCommitCallbacks(execute=True):
            try:
                with transaction.atomic():
                    services.return_submission(self.sub_a.pk, audit.Actor(user=self.officer), "Thiếu", {})
                    raise RuntimeError("the request failed after the step")
            except RuntimeError:
                pass
        self.assertEqual(deliver_mail(), 0)
        self.assertEqual(mail.outbox, [])
        self.assertFalse(Notice.objects.exists())
        self.sub_a.refresh_from_db()
        self.assertEqual(self.sub_a.status, "submitted")

    @override_settings(EMAIL_BACKEND="web.test_notify.FailingBackend")
    def test_a_failing_mail_server_does_not_break_the_step(self):
        with self.captureOnCommitCallbacks(execute=True):
            r = self.client.post(f"/bieu-mau/{self.sub_a.pk}/tra-lai/", {"reason": "Thiếu minh chứng"})
        self.assertEqual(r.status_code, 302)
        self.sub_a.refresh_from_db()
        self.assertEqual(self.sub_a.status, "returned")
        self.assertEqual(Notice.objects.filter(user__in=[self.alice, self.anna]).count(), 2)
        # the worker's run fails, is logged, and the task stays queued to be delivered again
        with self.assertLogs("chiso.orgs.notify", "WARNING") as logs, self.assertRaises(smtplib.SMTPException):
            deliver_mail()
        self.assertIn("the worker will try again", logs.output[0])
        self.assertEqual(OrmQ.objects.count(), 2)


class ReminderEmailTestCase(BaseTestCase):
    def test_a_reminder_is_a_deadline_notice(self):
        NoticePreference.objects.create(user=self.anna, email_deadline=False)
        self.set_status(self.sub_b, "submitted")
        self.login(self.admin)
        with self.mailing():
            self.client.post(f"/dot/{self.round.pk}/nhac-nho/")
        self.assertEqual([m.to for m in mail.outbox], [["alice@example.org"]])
        self.assertEqual(Notice.objects.filter(user__in=[self.alice, self.anna]).count(), 2)

    def test_an_inactive_user_gets_no_email(self):
        self.anna.is_active = False
        self.anna.save()
        self.set_status(self.sub_b, "submitted")
        self.login(self.admin)
        with self.mailing():
            self.client.post(f"/dot/{self.round.pk}/nhac-nho/")
        self.assertEqual([m.to for m in mail.outbox], [["alice@example.org"]])


class NoticeSettingsPageTestCase(BaseTestCase):
    URL = "/thong-bao/cai-dat/"

    def test_it_needs_a_signed_in_user(self):
        r = self.client.get(self.URL)
        self.assertEqual(r.status_code, 302)
        self.assertIn("/dang-nhap/", r["Location"])

    def test_it_shows_the_defaults_email_for_deadlines_returns_and_results(self):
        self.login(self.alice)
        page = self.client.get(self.URL).content.decode()
        self.assertIn('name="email_deadline" id="id_email_deadline" checked', page)
        self.assertIn('name="email_returned" id="id_email_returned" checked', page)
        self.assertIn('name="email_result" id="id_email_result" checked', page)
        self.assertNotIn('name="email_request" id="id_email_request" checked', page)
        self.assertIn("alice@example.org", page)
        self.assertIn('href="/thong-bao/cai-dat/"', self.client.get("/thong-bao/").content.decode())

    def test_the_user_saves_their_own_choice(self):
        self.login(self.alice)
        r = self.client.post(self.URL, {"language": "en", "email_request": "on"})
        self.assertEqual(r.status_code, 302)
        pref = NoticePreference.objects.get(user=self.alice)
        self.assertEqual(
            (pref.language, pref.email_deadline, pref.email_returned, pref.email_request, pref.email_result),
            ("en", False, False, True, False),
        )
        self.assertFalse(NoticePreference.objects.filter(user=self.anna).exists())
        self.client.post(self.URL, {"language": "vi", "email_deadline": "on"})
        self.assertEqual(NoticePreference.objects.filter(user=self.alice).count(), 1)
        self.assertTrue(NoticePreference.objects.get(user=self.alice).email_deadline)

    def test_a_bad_language_is_refused_in_vietnamese_and_nothing_saved(self):
        self.login(self.alice)
        r = self.client.post(self.URL, {"language": "xx", "email_request": "on"})
        self.assertEqual(r.status_code, 400)
        self.assertIn("Hãy chọn", r.content.decode())
        self.assertFalse(NoticePreference.objects.exists())

    def test_without_an_address_the_page_says_so(self):
        self.nobody.email = ""
        self.nobody.save()
        self.login(self.nobody)
        self.assertIn("chưa có địa chỉ thư điện tử", self.client.get(self.URL).content.decode())


class AdminUserPageTestCase(BaseTestCase):
    def test_the_admin_user_page_shows_the_choice(self):
        self.admin.is_staff = self.admin.is_superuser = True
        self.admin.save()
        self.login(self.admin)
        NoticePreference.objects.create(user=self.alice, email_returned=False)
        page = self.client.get(f"/quan-tri/auth/user/{self.alice.pk}/change/").content.decode()
        self.assertIn('name="notice_preference-0-email_returned"', page)
        self.assertNotIn('name="notice_preference-0-email_returned" id="id_notice_preference-0-email_returned" checked', page)
        self.assertIn('name="notice_preference-0-email_deadline" id="id_notice_preference-0-email_deadline" checked', page)
