"""Site-wide hardening (issue 10): the Content-Security-Policy and markup that keeps to it, plain
error pages, ids no database can hold, static files through WhiteNoise, the production settings."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from unittest import mock

from django.core.exceptions import ImproperlyConfigured
from django.test import SimpleTestCase, TestCase, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, path
from django.urls.converters import IntConverter

from chiso.site.settings import env_cache

from .base import BaseTestCase

PACKAGE = Path(__file__).resolve().parents[2] / "src" / "chiso"


def _boom(request):
    raise RuntimeError("a bug in a view")


urlpatterns = [path("loi/", _boom)]
handler500 = "chiso.site.views.server_error"


class ContentSecurityPolicyTestCase(BaseTestCase):
    def test_it_sends_the_policy_with_every_page(self):
        for url in ("/", "/dang-nhap/", "/khong-co-trang-nay/"):
            r = self.client.get(url)
            policy = r["Content-Security-Policy"]
            self.assertIn("script-src 'self'", policy)
            self.assertIn("style-src 'self'", policy)
            self.assertNotIn("unsafe-inline", policy)
            self.assertNotIn("unsafe-eval", policy)

    def test_it_sends_no_policy_with_json_and_files(self):
        self.assertNotIn("Content-Security-Policy", self.client.get("/api/openapi.json"))
        self.assertNotIn("Content-Security-Policy", self.client.get("/static/chiso/chiso.css"))

    def test_no_template_holds_inline_script_or_style(self):
        # The policy would block them in the browser; find them here first (tests/browser also fail on
        # any violation reported by chromium).
        bad = re.compile(r"""<script(?![^>]*\bsrc=)[^>]*>|<style[\s>]|\sstyle=["']|\son[a-z]+=["']|\shx-on[:-]""")
        found = []
        for tpl in PACKAGE.rglob("*.html"):
            if "static" in tpl.parts:
                continue
            for n, line in enumerate(tpl.read_text(encoding="utf-8").splitlines(), 1):
                if bad.search(line):
                    found.append(f"{tpl.relative_to(PACKAGE)}:{n}")
        self.assertEqual(found, [])

    def test_the_api_docs_load_nothing_from_outside(self):
        r = self.client.get("/api/docs")
        self.assertEqual(r.status_code, 200)
        html = r.content.decode()
        self.assertIn("/static/vendor/swagger-ui/swagger-ui-bundle.js", html)
        self.assertIn('data-openapi-url="/api/openapi.json"', html)
        self.assertIsNone(re.search(r"""(src|href)=["'](https?:)?//""", html), html)
        self.assertEqual(self.client.get("/static/vendor/swagger-ui/swagger-ui-bundle.js").status_code, 200)


class ErrorPagesTestCase(BaseTestCase):
    def test_it_shows_a_plain_not_found_page(self):
        r = self.client.get("/khong-co-trang-nay/")
        self.assertEqual(r.status_code, 404)
        self.assertContains(r, "Không tìm thấy trang", status_code=404)
        for leak in ("URLconf", "Traceback", "chiso.site.urls", "DEBUG"):
            self.assertNotContains(r, leak, status_code=404)

    def test_it_answers_ids_no_database_can_hold_with_not_found(self):
        self.client.force_login(self.admin)
        for url in (f"/bieu-mau/{'9' * 20}/", "/bieu-mau/9223372036854775808/", f"/dot/{'1' * 40}/",
                    "/bieu-mau/9223372036854775807/"):
            with self.subTest(url=url):
                self.assertEqual(self.client.get(url).status_code, 404)

    def test_every_route_uses_the_bounded_id_converter(self):
        def walk(patterns, prefix=""):
            for p in patterns:
                if isinstance(p, URLResolver):
                    yield from walk(p.url_patterns, prefix + str(p.pattern))
                elif isinstance(p, URLPattern):
                    yield prefix + str(p.pattern), p.pattern.converters

        unbounded = [route for route, conv in walk(get_resolver().url_patterns)
                     if not route.startswith("quan-tri/") and any(isinstance(c, IntConverter) for c in conv.values())]
        self.assertEqual(unbounded, [])

    def test_it_answers_unknown_api_paths_with_json(self):
        r = self.client.get("/api/khong-co")
        self.assertEqual(r.status_code, 404)
        self.assertEqual(r.json(), {"error": "Trang bạn tìm không có hoặc đã được chuyển đi."})

    @override_settings(ROOT_URLCONF=__name__)
    def test_it_shows_a_plain_server_error_page(self):
        self.client.raise_request_exception = False
        with self.assertLogs("django.request", "ERROR"):
            r = self.client.get("/loi/")
        self.assertEqual(r.status_code, 500)
        self.assertContains(r, "Lỗi hệ thống", status_code=500)
        self.assertNotContains(r, "a bug in a view", status_code=500)
        self.assertNotContains(r, "Traceback", status_code=500)


class CacheUrlTestCase(SimpleTestCase):
    def read(self, url):
        with mock.patch.dict(os.environ, {"CACHE_URL": url}):
            return env_cache("CACHE_URL", "locmem://")

    def test_it_reads_each_kind(self):
        self.assertEqual(self.read("file:///var/lib/chiso/cache")["LOCATION"], "/var/lib/chiso/cache")
        self.assertTrue(self.read("file:///x")["BACKEND"].endswith("FileBasedCache"))
        self.assertEqual(self.read("db://chiso_cache")["LOCATION"], "chiso_cache")
        self.assertEqual(self.read("redis://10.0.0.5:6379/1")["LOCATION"], "redis://10.0.0.5:6379/1")
        self.assertTrue(self.read("redis://10.0.0.5:6379/1")["BACKEND"].endswith("RedisCache"))
        self.assertTrue(self.read("locmem://")["BACKEND"].endswith("LocMemCache"))

    def test_it_refuses_what_it_cannot_read(self):
        for url in ("memcached://x", "var/cache", "file://", "db://"):
            with self.subTest(url=url), self.assertRaises(ImproperlyConfigured):
                self.read(url)


def _settings(module: str, code: str, **env) -> subprocess.CompletedProcess:
    environ = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE",
                                                               "SECRET_KEY", "DEBUG", "TRUST_X_FORWARDED_PROTO")}
    environ.update({"DJANGO_SETTINGS_MODULE": module, "ALLOWED_HOSTS": "chiso.example.gov.vn", **env})
    return subprocess.run([sys.executable, "-c", f"import django; django.setup(); from django.conf import settings; {code}"],
                          capture_output=True, text=True, env=environ)


class ProductionSettingsTestCase(SimpleTestCase):
    STRONG = "k" * 20 + "Xy7#pQ2!mZ9$wL4&vB8*" + "r" * 20

    def test_it_refuses_the_development_key(self):
        for key in ("chiso-development-key-not-for-production", "django-insecure-" + "a" * 50, "short-key"):
            with self.subTest(key=key):
                out = _settings("chiso.site.settings_production", "print(settings.DEBUG)", SECRET_KEY=key)
                self.assertNotEqual(out.returncode, 0)
                self.assertIn("SECRET_KEY must be a long random secret", out.stderr)

    def test_it_trusts_forwarded_proto_only_when_told(self):
        show = "print(settings.SECURE_PROXY_SSL_HEADER)"
        out = _settings("chiso.site.settings_production", show, SECRET_KEY=self.STRONG)
        self.assertEqual(out.stdout.strip(), "None", out.stderr)
        out = _settings("chiso.site.settings_production", show, SECRET_KEY=self.STRONG, TRUST_X_FORWARDED_PROTO="True")
        self.assertEqual(out.stdout.strip(), "('HTTP_X_FORWARDED_PROTO', 'https')", out.stderr)

    def test_debug_is_off_unless_asked_for(self):
        out = _settings("chiso.site.settings", "print(settings.DEBUG, settings.SESSION_ENGINE)")
        self.assertEqual(out.stdout.strip(), "False django.contrib.sessions.backends.db", out.stderr)


class StaticFilesTestCase(TestCase):
    def test_it_serves_static_files_itself(self):
        r = self.client.get("/static/chiso/chiso.css")
        self.assertEqual(r.status_code, 200)
        self.assertIn(b".two-columns", b"".join(r.streaming_content) if r.streaming else r.content)


class DeployCheckCacheTestCase(SimpleTestCase):
    STRONG = ProductionSettingsTestCase.STRONG

    def check(self, **env):
        environ = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE")}
        environ.update({"DJANGO_SETTINGS_MODULE": "chiso.site.settings_production", "SECRET_KEY": self.STRONG,
                        "ALLOWED_HOSTS": "chiso.example.gov.vn", "SITE_ROOT": "https://chiso.example.gov.vn",
                        "EMAIL_HOST": "smtp.example.gov.vn", **env})
        return subprocess.run([sys.executable, "-m", "chiso.manage", "check", "--deploy", "--fail-level", "WARNING"],
                              capture_output=True, text=True, env=environ)

    def test_it_warns_of_a_cache_the_workers_do_not_share(self):
        out = self.check(CACHE_URL="locmem://")
        self.assertNotEqual(out.returncode, 0)
        self.assertIn("chiso.W001", out.stdout + out.stderr)

    def test_it_accepts_a_shared_cache(self):
        out = self.check(CACHE_URL="file:///tmp/chiso-check-cache")
        self.assertEqual(out.returncode, 0, out.stdout + out.stderr)


class DeployCheckEmailTestCase(SimpleTestCase):
    check = DeployCheckCacheTestCase.check
    STRONG = ProductionSettingsTestCase.STRONG

    def test_it_warns_until_the_mail_server_is_named(self):
        out = self.check(EMAIL_HOST="")
        self.assertNotEqual(out.returncode, 0)
        self.assertIn("chiso.W002", out.stdout + out.stderr)

    def test_sending_no_email_is_stated_explicitly(self):
        out = self.check(EMAIL_HOST="", EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend")
        self.assertEqual(out.returncode, 0, out.stdout + out.stderr)

    def test_it_warns_of_links_to_this_machine(self):
        out = self.check(SITE_ROOT="http://127.0.0.1:8000")
        self.assertNotEqual(out.returncode, 0)
        self.assertIn("chiso.W003", out.stdout + out.stderr)
