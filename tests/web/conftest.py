"""Every web test starts with an empty cache: pages cache rendered parts under keys built from
database stamps (row counts, last ids, versions), and a test's rolled-back rows can reuse the ids
of an earlier test's rows on SQLite, so an entry left by one test could match another's data.

And in Vietnamese, the site's language: a request in English leaves English active in the thread
(the locale middleware activates the reader's language and nothing deactivates it), so a service
called outside a request by a later test would otherwise speak English."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.utils import translation


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield


@pytest.fixture(autouse=True)
def _vietnamese():
    translation.activate("vi")
    yield
    translation.activate("vi")
