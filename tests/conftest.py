"""Shared pytest configuration. Django is configured by pytest-django from pyproject.toml
(DJANGO_SETTINGS_MODULE); engine tests never touch the database."""

from __future__ import annotations

import os


def pytest_configure(config):
    # Each test process keeps its own cache (the site's default is a folder under var/ shared by
    # every worker): two suites running at once (SQLite and PostgreSQL) must not see each other's
    # entries.  A test that needs the shared cache starts real processes (tests/web/test_workers.py).
    if "CACHE_URL" not in os.environ:
        from django.conf import settings

        settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                                       "LOCATION": "chiso-tests"}}
