from __future__ import annotations

import datetime as dt

import time_machine
from django.test import override_settings

from chiso.orgs.models import LoginAttempt

from .base import PASSWORD, BaseTestCase


@override_settings(LOGIN_MAX_FAILURES=3, LOGIN_LOCKOUT_MINUTES=15)
class LoginTestCase(BaseTestCase):
    def post(self, password, address="10.0.0.1", username="alice"):
        return self.client.post("/dang-nhap/", {"username": username, "password": password}, REMOTE_ADDR=address)

    def test_it_logs_in(self):
        r = self.post(PASSWORD)
        self.assertRedirects(r, "/", fetch_redirect_response=False)
        self.assertEqual(int(self.client.session["_auth_user_id"]), self.alice.pk)

    def test_it_shows_vietnamese_error(self):
        r = self.post("wrong")
        self.assertContains(r, "Tên đăng nhập hoặc mật khẩu không đúng.", status_code=400)
        self.assertEqual(LoginAttempt.objects.get(username="alice", address="10.0.0.1").failures, 1)

    def test_it_locks_after_repeated_failures(self):
        for _ in range(3):
            self.post("wrong")
        r = self.post(PASSWORD)  # even the right password is refused while locked
        self.assertContains(r, "Tài khoản tạm khóa", status_code=400)
        self.assertNotIn("_auth_user_id", self.client.session)

    def test_it_unlocks_after_the_lockout(self):
        for _ in range(3):
            self.post("wrong")
        with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(minutes=16)):
            r = self.post(PASSWORD)
        self.assertEqual(r.status_code, 302)
        self.assertFalse(LoginAttempt.objects.filter(username="alice").exists())

    def test_it_ignores_offsite_next(self):
        r = self.client.post("/dang-nhap/", {"username": "alice", "password": PASSWORD, "next": "https://evil.example/"})
        self.assertRedirects(r, "/", fetch_redirect_response=False)

    def test_it_requires_csrf(self):
        from django.test import Client

        c = Client(enforce_csrf_checks=True)
        r = c.post("/dang-nhap/", {"username": "alice", "password": PASSWORD})
        self.assertEqual(r.status_code, 403)

    def test_it_does_not_let_another_machine_lock_the_owner_out(self):
        for _ in range(5):  # more than LOGIN_MAX_FAILURES, from someone else's machine
            self.post("wrong", address="10.0.0.66")
        self.assertContains(self.post(PASSWORD, address="10.0.0.66"), "Tài khoản tạm khóa", status_code=400)
        r = self.post(PASSWORD, address="10.0.0.1")  # the owner, at their own machine
        self.assertEqual(r.status_code, 302)
        self.assertEqual(int(self.client.session["_auth_user_id"]), self.alice.pk)

    def test_it_counts_names_case_insensitively(self):
        for name in ("Alice", "ALICE", " alice "):
            self.post("wrong", username=name)
        self.assertContains(self.post(PASSWORD), "Tài khoản tạm khóa", status_code=400)

    def test_it_forgets_failures_older_than_the_window(self):
        self.post("wrong")
        self.post("wrong")
        with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(minutes=20)):
            self.post("wrong")  # two old failures are forgotten: this is the first of a new count
            r = self.post(PASSWORD)
        self.assertEqual(r.status_code, 302)

    def test_it_counts_every_way_of_signing_in(self):
        # authenticate() is what the admin's form, the sign-in page and any other path call.
        from django.contrib.auth import authenticate
        from django.test import RequestFactory

        request = RequestFactory().post("/x/", REMOTE_ADDR="10.0.0.1")
        for _ in range(3):
            self.assertIsNone(authenticate(request, username="alice", password="wrong"))
        self.assertIsNone(authenticate(request, username="alice", password=PASSWORD))  # locked
        self.assertContains(self.post(PASSWORD), "Tài khoản tạm khóa", status_code=400)

    def test_it_sends_the_admin_login_to_the_one_sign_in_page(self):
        for _ in range(3):
            self.post("wrong")
        self.alice.is_staff = self.alice.is_superuser = True
        self.alice.save()
        for method in (self.client.get, self.client.post):
            r = method("/quan-tri/login/?next=/quan-tri/", {"username": "alice", "password": PASSWORD}
                       if method == self.client.post else None, REMOTE_ADDR="10.0.0.1")
            self.assertRedirects(r, "/dang-nhap/?next=%2Fquan-tri%2F", fetch_redirect_response=False)
        self.assertNotIn("_auth_user_id", self.client.session)
        self.assertEqual(self.client.get("/quan-tri/").status_code, 302)  # still not signed in

    def test_it_reads_the_forwarded_address_only_when_told(self):
        for _ in range(3):
            self.client.post("/dang-nhap/", {"username": "alice", "password": "wrong"}, REMOTE_ADDR="10.0.0.9",
                             HTTP_X_FORWARDED_FOR="10.0.0.1")
        # Not trusted by default: the failures counted against 10.0.0.9, the proxy-less sender.
        self.assertTrue(LoginAttempt.objects.filter(address="10.0.0.9").exists())
        with override_settings(TRUST_X_FORWARDED_FOR=True):
            self.client.post("/dang-nhap/", {"username": "alice", "password": "wrong"}, REMOTE_ADDR="10.0.0.9",
                             HTTP_X_FORWARDED_FOR="1.2.3.4, 10.0.0.5")
        self.assertTrue(LoginAttempt.objects.filter(address="10.0.0.5").exists())
