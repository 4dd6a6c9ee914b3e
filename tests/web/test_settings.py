from __future__ import annotations

import os
import subprocess
import sys
from unittest import mock

from django.core.exceptions import ImproperlyConfigured
from django.test import SimpleTestCase

from chiso.site.settings import env_bool, env_int, env_secret


class EnvReadersTestCase(SimpleTestCase):
    def test_it_reads_booleans_strictly(self):
        with mock.patch.dict(os.environ, {"X": "True"}):
            self.assertTrue(env_bool("X", False))
        with mock.patch.dict(os.environ, {"X": "yes"}), self.assertRaises(ImproperlyConfigured):
            env_bool("X", False)

    def test_it_reads_ints(self):
        with mock.patch.dict(os.environ, {"N": "12"}):
            self.assertEqual(env_int("N", 1), 12)
        with mock.patch.dict(os.environ, {"N": "x"}), self.assertRaises(ImproperlyConfigured):
            env_int("N", 1)

    def test_it_reads_secret_files(self):
        import tempfile

        with tempfile.NamedTemporaryFile("w", delete=False) as f:
            f.write("s3cret\n")
        with mock.patch.dict(os.environ, {"K_FILE": f.name}):
            self.assertEqual(env_secret("K"), "s3cret")
        os.unlink(f.name)


class DeployCheckTestCase(SimpleTestCase):
    def test_it_passes_check_deploy(self):
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "chiso.site.settings_production",
               "SECRET_KEY": "k" * 20 + "Xy7#pQ2!mZ9$wL4&vB8*" + "r" * 20, "ALLOWED_HOSTS": "chiso.example.gov.vn",
               "SITE_ROOT": "https://chiso.example.gov.vn", "EMAIL_HOST": "smtp.example.gov.vn"}
        env.pop("DATABASE_URL", None)
        env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set for Playwright by tests/browser/conftest.py only
        out = subprocess.run([sys.executable, "-m", "chiso.manage", "check", "--deploy", "--fail-level", "WARNING"],
                             capture_output=True, text=True, env=env)
        self.assertEqual(out.returncode, 0, out.stdout + out.stderr)
        self.assertIn("no issues", out.stdout)
