from __future__ import annotations

import datetime as dt

import time_machine
from django.test import override_settings

from chiso.orgs.models import LoginAttempt

from .base import PASSWORD, BaseTestCase


@override_settings(LOGIN_MAX_FAILURES=3, LOGIN_LOCKOUT_MINUTES=15)
class LoginTestCase(BaseTestCase):
    def post(self, password):
        return self.client.post("/dang-nhap/", {"username": "alice", "password": password})

    def test_it_logs_in(self):
        r = self.post(PASSWORD)
        self.assertRedirects(r, "/", fetch_redirect_response=False)
        self.assertEqual(int(self.client.session["_auth_user_id"]), self.alice.pk)

    def test_it_shows_vietnamese_error(self):
        r = self.post("wrong")
        self.assertContains(r, "Tên đăng nhập hoặc mật khẩu không đúng.", status_code=400)
        self.assertEqual(LoginAttempt.objects.get(username="alice").failures, 1)

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
