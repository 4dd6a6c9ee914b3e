"""The cache of the program's computed pages (the board, the overdue board, the public page).

A cached fragment is keyed on a **data stamp** that changes whenever anything those pages show
changes, plus what else they depend on (program, date of evaluation, language, audience). Entries
are never invalidated by hand and can never be served stale: a change gives a new stamp, so the
next request computes and stores a new entry (old ones age out of the cache).

The stamp is ONE query of scalar sub-queries over the tables the pages read. For each table it
takes the row count, the largest id and the sum of a counter that every change of a row increases
(``version``), or the latest change time where the table keeps one. Ids are never reused (AUTOINCREMENT on
SQLite, sequences on PostgreSQL) and versions never go down, so the same triple means the same rows
in the same versions: the stamp repeats only when the data does. Covered:

- program: programs, objectives, tasks (and their supporting agencies), KPIs, obligations — every
  save bumps ``version`` (``models.Versioned``), including the Django admin; so do occurrences
  and index publications;
- progress reports (``version``, bumped by every save, submit, approval and return) and their
  reported KPI values; recommendations (``updated``, set by every step);
- KPI actuals from collected data: submissions (``version``, bumped by every submit, approval,
  return and reopening; values of an approved submission are locked) and rounds;
- published results and ranks: published tables and values; agencies (the home province).

What a SQL ``UPDATE`` run outside chiso's code changes (a shell, a data fix) bypasses the versions;
``CACHE_SECONDS`` bounds how long such an edit can stay unseen.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

from django.core.cache import cache
from django.db import connection
from django.utils.translation import get_language

CACHE_SECONDS = 600
PREFIX = "program:page:"

# (app_label.ModelName, the change column or None) — see the module docstring.
_TABLES: list[tuple[str, str | None]] = [
    ("program.Program", "SUM(version)"),
    ("program.Objective", "SUM(version)"),
    ("program.Task", "SUM(version)"),
    ("program.Task_supporting_agencies", None),
    ("program.Kpi", "SUM(version)"),
    ("program.Obligation", "SUM(version)"),
    ("program.Occurrence", "SUM(version)"),
    ("program.IndexPublication", "SUM(version)"),
    ("program.ProgressReport", "SUM(version)"),
    ("program.KpiValue", None),
    ("program.Recommendation", "MAX(updated)"),
    ("collection.Submission", "SUM(version)"),
    ("collection.Round", None),
    ("results.PublishedTable", None),
    ("results.PublishedValue", "MAX(id)"),
    ("orgs.Agency", None),
]
_SQL: str | None = None


def _sql() -> str:
    global _SQL
    if _SQL is None:
        from django.apps import apps

        q = connection.ops.quote_name
        parts = []
        for label, change in _TABLES:
            app, name = label.split(".")
            if name == "Task_supporting_agencies":
                table = apps.get_model(app, "Task").supporting_agencies.through._meta.db_table
            else:
                table = apps.get_model(app, name)._meta.db_table
            if change == "MAX(id)":  # append-only rows: the largest id is enough (primary-key index)
                cols = ["MAX(id)"]
            else:
                cols = ["COUNT(*)", "MAX(id)"] + ([change] if change else [])
            # One sub-query per table, its figures joined as text ("count:max id:change"): on
            # PostgreSQL, planning ~45 scalar sub-queries on every request cost more than running them.
            joined = " || ':' || ".join(f"COALESCE(CAST({c} AS TEXT), '')" for c in cols)
            parts.append(f"(SELECT {joined} FROM {q(table)})")
        _SQL = "SELECT " + ", ".join(parts)
    return _SQL


def data_stamp() -> str:
    """One cheap query whose answer changes whenever anything the program's pages show changes."""
    with connection.cursor() as c:
        c.execute(_sql())
        return "|".join(str(x) for x in c.fetchone())


def key(page: str, *parts: Any, stamp: str | None = None) -> str:
    """The cache key of a page fragment: the page, the data stamp, the language and ``parts``
    (program, date of evaluation, audience...)."""
    stamp = data_stamp() if stamp is None else stamp
    raw = "|".join([page, stamp, get_language() or "", *(str(p) for p in parts)])
    return PREFIX + page + ":" + hashlib.sha256(raw.encode()).hexdigest()


def fragment(page: str, parts: tuple, build: Callable[[], dict]) -> dict:
    """The cached ``build()`` result (a dict of picklable values, e.g. rendered HTML and flags) for
    ``page`` with ``parts``; computed and stored on a miss."""
    k = key(page, *parts)
    value = cache.get(k)
    if value is None:
        value = build()
        cache.set(k, value, CACHE_SECONDS)
    return value
