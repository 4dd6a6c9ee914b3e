"""Write transactions that hold when the database is busy: a bounded retry of the whole atomic
unit, and one answer for what is still busy after it.

SQLite (the embedded default) has one writer at a time. The settings make every
``transaction.atomic()`` begin with ``BEGIN IMMEDIATE`` (the write lock is taken at the start, so a
transaction never reads and then fails to upgrade to a write) and make a writer wait up to the busy
timeout for the lock. What can still fail is a writer that waited the whole timeout, or, on
PostgreSQL, a deadlock between two ``select_for_update`` orders or a serialization failure. Those
are not the user's fault and nothing was written (the transaction rolled back):

- ``atomic_retry`` runs a service function again, a few times with a short pause, when it failed
  that way quickly (an immediate refusal, a PostgreSQL deadlock) — only when it is the outermost
  transaction (a nested call is retried with its caller); a run that already waited out the busy
  timeout is not repeated;
- ``BusyMiddleware`` answers what is still busy after that with 503 and ``Retry-After``, as a
  page in Vietnamese or, for the API and htmx, ``{"error": "…"}`` — never a 500.
"""

from __future__ import annotations

import functools
import random
import sys
import time

from django.core.signals import got_request_exception
from django.db import OperationalError, transaction
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

# PostgreSQL SQLSTATEs of a transaction that lost a race and may simply be run again:
# serialization_failure, deadlock_detected, lock_not_available.
RETRYABLE_SQLSTATES = frozenset({"40001", "40P01", "55P03"})
# SQLite's busy errors (SQLITE_BUSY, SQLITE_LOCKED), as the driver words them.
SQLITE_BUSY_TEXTS = ("database is locked", "database table is locked", "database schema is locked")

RETRY_ATTEMPTS = 3  # runs in all, the first included
RETRY_PAUSE = 0.05  # seconds before the second run; doubled each time, with jitter
# Run again only while the runs so far took less than this: a run that failed after waiting out the
# whole busy timeout (SQLite waits up to SQLITE_BUSY_TIMEOUT for the lock) is answered at once —
# repeating that wait would outlast the worker's timeout instead of telling the user.
RETRY_WITHIN = 2.0  # seconds
RETRY_AFTER_SECONDS = 2  # what the 503 tells the client to wait


def is_busy(exc: BaseException | None) -> bool:
    """Whether ``exc`` is a database refusal caused by other transactions (busy, locked,
    deadlock, serialization failure) rather than by this one's data."""
    if not isinstance(exc, OperationalError):
        return False
    cause = exc.__cause__
    if getattr(cause, "sqlstate", None) in RETRYABLE_SQLSTATES or getattr(cause, "pgcode", None) in RETRYABLE_SQLSTATES:
        return True
    text = str(exc).lower()
    return any(t in text for t in SQLITE_BUSY_TEXTS)


def atomic_retry(func=None, *, attempts: int = RETRY_ATTEMPTS, using: str | None = None):
    """Decorate a service function whose body is one ``transaction.atomic()`` unit: when it fails
    because the database is busy (``is_busy``), run it again, up to ``attempts`` runs in all.

    The function must have no effect outside the database before its transaction commits (files,
    e-mail: through ``transaction.on_commit``), since a failed run is rolled back and repeated.
    Called inside another transaction it runs once: the failure rolls the outer unit back, and the
    outermost ``atomic_retry`` (or ``BusyMiddleware``) deals with it.
    """

    def decorate(f):
        @functools.wraps(f)
        def wrapper(*args, **kwargs):
            if transaction.get_connection(using).in_atomic_block:
                return f(*args, **kwargs)
            pause, started = RETRY_PAUSE, time.monotonic()
            for attempt in range(1, attempts + 1):
                try:
                    return f(*args, **kwargs)
                except OperationalError as e:
                    if attempt == attempts or not is_busy(e) or time.monotonic() - started > RETRY_WITHIN:
                        raise
                time.sleep(pause * (1 + random.random()))
                pause *= 2
            raise AssertionError("unreachable")  # pragma: no cover

        return wrapper

    return decorate(func) if func is not None else decorate


# --- the answer to what is still busy ---------------------------------------------------------------------


def busy_message() -> str:
    return _("Hệ thống đang bận, vui lòng thử lại.")


def wants_json(request) -> bool:
    accept = request.headers.get("Accept", "")
    return request.path.startswith("/api/") or ("application/json" in accept and "text/html" not in accept)


def busy_response(request) -> HttpResponse:
    """503 with ``Retry-After``: ``{"error": "…"}`` for the API (and any client asking for JSON), a
    short fragment for htmx, a plain page otherwise. Renders without touching the database."""
    message = busy_message()
    if wants_json(request):
        response: HttpResponse = JsonResponse({"error": message}, status=503)
    elif request.headers.get("HX-Request"):
        response = HttpResponse(
            render_to_string("busy.html", {"message": message, "fragment": True}), status=503
        )
    else:
        response = HttpResponse(render_to_string("busy.html", {"message": message}), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


def _mark_busy(sender, request=None, **kwargs):
    """An exception was turned into a 500 somewhere below ``BusyMiddleware`` (a view, or another
    middleware such as the session's save): remember on the request whether it was a busy database."""
    if request is not None and is_busy(sys.exc_info()[1]):
        request.chiso_db_busy = True


got_request_exception.connect(_mark_busy, dispatch_uid="chiso.lib.db.busy")


class BusyMiddleware:
    """Turn ``OperationalError: database is locked`` (and PostgreSQL's deadlock or serialization
    failure) into 503 + ``Retry-After`` with a Vietnamese message, wherever below it was raised.
    Put it first in ``MIDDLEWARE`` so that it sees the other middleware's failures too."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == 500 and getattr(request, "chiso_db_busy", False):
            return busy_response(request)
        return response

    def process_exception(self, request, exception):
        if is_busy(exception):
            return busy_response(request)
        return None
