"""Every web test starts with an empty cache: pages cache rendered parts under keys built from
database stamps (row counts, last ids, versions), and a test's rolled-back rows can reuse the ids
of an earlier test's rows on SQLite, so an entry left by one test could match another's data."""

from __future__ import annotations

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
