"""Concurrent writers against a real database: threads, each with its own connection, through the
whole request stack (middleware, views, services).

On SQLite the test database is normally in memory; these tests use a file database of their own
(WAL journal, ``BEGIN IMMEDIATE``, busy timeout — the settings of ``make run``) in a temporary
folder, migrated at the start. On PostgreSQL they use the test database with committed
transactions (``django_db(transaction=True)``).

What must hold (issue 10, item 6): a user never gets a 500 for a busy database — every save is
either saved or refused (409: someone saved a newer version; 403: the form was sent or approved
meanwhile) — and no write is lost: each save answered "saved" is one version of the value and one
audit row, and the value left is the last of them.
"""

from __future__ import annotations

import contextlib
import re
import sqlite3
import threading
from collections import Counter

import pytest
from django.core.management import call_command
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from chiso.api.models import Token
from chiso.collection.models import Submission, Value
from chiso.lib import frameworks
from chiso.orgs.models import AuditEntry

from .base import TEST_FW, BaseTestCase

pytestmark = pytest.mark.django_db(transaction=True)

SAVERS = 8
SAVES_EACH = 25
RACES = 6  # submit -> return cycles, then submit -> approve


# --- a database every thread connects to ------------------------------------------------------------------


class Database:
    """The database the threads use: ``attach()`` in each thread (the main one included) before
    touching it, ``detach()`` at its end."""

    def __init__(self, settings_dict: dict | None):
        self.settings_dict = settings_dict  # None: the test database as it is (PostgreSQL)
        self._saved: dict[int, object] = {}

    def attach(self, **options) -> None:
        if self.settings_dict is None and not options:
            return
        base = self.settings_dict or connections.settings["default"]
        wrapper_cls = type(connections["default"])
        self._saved[threading.get_ident()] = connections["default"]
        settings_dict = {**base, "OPTIONS": {**base.get("OPTIONS", {}), **options}}
        connections["default"] = wrapper_cls(settings_dict, "default")

    def detach(self) -> None:
        connections["default"].close()
        saved = self._saved.pop(threading.get_ident(), None)
        if saved is not None:
            connections["default"] = saved


@pytest.fixture
def db_for_threads(tmp_path):
    """SQLite: a migrated file database in ``tmp_path``; PostgreSQL: the test database."""
    if connection.vendor == "sqlite":
        settings_dict = {**connections.settings["default"], "NAME": str(tmp_path / "concurrency.sqlite3")}
        settings_dict["TEST"] = {**settings_dict.get("TEST", {}), "NAME": settings_dict["NAME"]}
        database = Database(settings_dict)
    else:
        database = Database(None)
    database.attach()
    try:
        if connection.vendor == "sqlite":
            call_command("migrate", verbosity=0)
        yield database
    finally:
        database.detach()


class Cast:
    """``BaseTestCase``'s cast (department, agency A's officer and head, an open round), built in
    the database the threads use."""


def build_cast():
    frameworks.register(TEST_FW)
    BaseTestCase.setUpTestData.__func__(Cast)
    return Cast


def run_threads(targets) -> None:
    errors = []

    def wrap(fn):
        def run():
            try:
                fn()
            except BaseException as e:  # reported in the main thread
                errors.append(e)

        return run

    threads = [threading.Thread(target=wrap(fn)) for fn in targets]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise errors[0]


def client_for(user) -> Client:
    c = Client(raise_request_exception=False, HTTP_ACCEPT_LANGUAGE="vi")
    c.force_login(user)
    return c


# --- the tests ------------------------------------------------------------------------------------------------


def test_it_saves_or_refuses_every_concurrent_save_and_loses_none(db_for_threads):
    cast = build_cast()
    sub = cast.sub_a
    from chiso.collection import services
    from chiso.orgs import audit

    services.save_values(sub.pk, [services.Change("total_staff", "1"), services.Change("it_staff", "1"),
                                  services.Change("has_portal", "1")], audit.Actor(user=cast.alice))
    value = Value.objects.get(submission=sub, code="total_staff")
    start_version = value.version
    start_audit = AuditEntry.objects.filter(action="value.change", target_id=str(value.pk)).count()
    save_url = reverse("value_save", args=[sub.pk, "total_staff"])
    outcomes: Counter = Counter()
    saved_numbers: list[int] = []
    racer_statuses: Counter = Counter()
    lock = threading.Lock()

    def saver(k: int):
        def run():
            db_for_threads.attach()
            try:
                client = client_for(cast.alice)
                for i in range(SAVES_EACH):
                    version = Value.objects.filter(pk=value.pk).values_list("version", flat=True).get()
                    number = 1000 * (k + 1) + i + 2  # unique per save, never the starting 1
                    r = client.post(save_url, {"value": str(number), "version": str(version)}, HTTP_HX_REQUEST="true")
                    outcome = r.status_code if r.status_code != 200 else int(r["X-Chiso-Status"])
                    with lock:
                        outcomes[outcome] += 1
                        if outcome == 200:
                            saved_numbers.append(number)
            finally:
                db_for_threads.detach()

        return run

    def racer():
        db_for_threads.attach()
        try:
            head, dept = client_for(cast.anna), client_for(cast.admin)
            for i in range(RACES + 1):
                r = head.post(reverse("submission_submit", args=[sub.pk]))
                racer_statuses[r.status_code] += 1
                if i < RACES:
                    r = dept.post(reverse("submission_return", args=[sub.pk]), {"reason": f"Kiểm tra lại lần {i + 1}"})
                else:
                    r = dept.post(reverse("submission_approve", args=[sub.pk]))
                racer_statuses[r.status_code] += 1
        finally:
            db_for_threads.detach()

    run_threads([saver(k) for k in range(SAVERS)] + [racer])

    # no server error: every save saved, or refused with 409 (a newer version) or 403 (sent/approved)
    assert set(outcomes) <= {200, 403, 409}, outcomes
    assert sum(outcomes.values()) == SAVERS * SAVES_EACH
    assert outcomes[200] > 0 and outcomes[409] > 0, outcomes
    assert set(racer_statuses) == {302}, racer_statuses
    # no write lost: one version and one audit row per save answered "saved", the last one kept
    value.refresh_from_db()
    assert value.version - start_version == outcomes[200] == len(saved_numbers)
    rows = list(AuditEntry.objects.filter(action="value.change", target_id=str(value.pk)).order_by("id"))
    assert len(rows) - start_audit == outcomes[200]
    assert sorted(row.after["number"] for row in rows[start_audit:]) == sorted(float(n) for n in saved_numbers)
    assert value.number == rows[-1].after["number"]
    # the racer's last step went through: approved, and every save after it was refused
    assert Submission.objects.get(pk=sub.pk).status == Submission.Status.APPROVED
    assert AuditEntry.objects.filter(action="submission.approve", target_id=str(sub.pk)).count() == 1
    assert AuditEntry.objects.filter(action="submission.return", target_id=str(sub.pk)).count() <= RACES


@contextlib.contextmanager
def database_held(db: Database, seconds: float = 30.0):
    """Another connection holds the write lock (SQLite) or every submission's row lock (PostgreSQL)
    until the block ends, or for ``seconds`` if that is sooner."""
    ready, done = threading.Event(), threading.Event()

    def hold():
        if connection.vendor == "sqlite":
            other = sqlite3.connect(db.settings_dict["NAME"], isolation_level=None)
            other.execute("BEGIN IMMEDIATE")
            ready.set()
            done.wait(seconds)
            other.execute("ROLLBACK")
            other.close()
            return
        db.attach()
        try:
            from django.db import transaction

            with transaction.atomic():
                list(Submission.objects.select_for_update().values_list("pk", flat=True))
                ready.set()
                done.wait(seconds)
        finally:
            db.detach()

    t = threading.Thread(target=hold)
    t.start()
    ready.wait(30)
    try:
        yield
    finally:
        done.set()
        t.join()


def busy_options(seconds: float = 0.2) -> dict:
    """The request's connection gives up waiting for a lock after ``seconds``."""
    if connection.vendor == "sqlite":
        return {"timeout": seconds}
    return {"options": f"-c lock_timeout={int(seconds * 1000)}"}


def test_it_answers_503_when_the_database_stays_busy(db_for_threads):
    cast = build_cast()
    sub = cast.sub_a
    _token, key = Token.issue(cast.alice, "test")
    results = {}

    def request():
        db_for_threads.attach(**busy_options())
        try:
            client = client_for(cast.alice)
            with database_held(db_for_threads):
                results["page"] = client.post(reverse("value_save", args=[sub.pk, "total_staff"]),
                                              {"value": "5", "version": "0"})
                results["htmx"] = client.post(reverse("value_save", args=[sub.pk, "total_staff"]),
                                              {"value": "5", "version": "0"}, HTTP_HX_REQUEST="true")
                results["json"] = client.put(
                    f"/api/forms/{sub.pk}/values", {"values": [{"code": "total_staff", "value": 5, "version": 0}]},
                    content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {key}")
        finally:
            db_for_threads.detach()

    run_threads([request])
    message = "Hệ thống đang bận, vui lòng thử lại."
    page, htmx, api = results["page"], results["htmx"], results["json"]
    assert (page.status_code, page["Retry-After"]) == (503, "2")
    assert message in page.content.decode() and "<html" in page.content.decode()
    assert (htmx.status_code, htmx["Retry-After"]) == (503, "2")
    assert re.fullmatch(r'<span class="err" role="alert">Hệ thống đang bận, vui lòng thử lại\.</span>\s*',
                        htmx.content.decode())
    # nothing was written, and the same save goes through once the database is free
    assert not Value.objects.filter(submission=sub, code="total_staff").exists()
    r = client_for(cast.alice).post(reverse("value_save", args=[sub.pk, "total_staff"]),
                                    {"value": "5", "version": "0"}, HTTP_HX_REQUEST="true")
    assert r["X-Chiso-Status"] == "200"
    assert Value.objects.get(submission=sub, code="total_staff").number == 5
    # the API answers the same in JSON
    assert (api.status_code, api["Retry-After"], api.json()) == (503, "2", {"error": message})


def test_a_save_held_up_for_a_moment_is_retried_and_saved(db_for_threads):
    """The lock is held (1.2 s) longer than one run waits for it (0.5 s): the first run gives up,
    ``atomic_retry`` runs the save again once the lock is free — the user sees "saved", not 503."""
    cast = build_cast()
    sub = cast.sub_a
    results = {}

    def request():
        db_for_threads.attach(**busy_options(0.5))
        try:
            client = client_for(cast.alice)
            with database_held(db_for_threads, seconds=1.2):
                results["r"] = client.post(reverse("value_save", args=[sub.pk, "total_staff"]),
                                           {"value": "7", "version": "0"}, HTTP_HX_REQUEST="true")
        finally:
            db_for_threads.detach()

    run_threads([request])
    assert (results["r"].status_code, results["r"]["X-Chiso-Status"]) == (200, "200")
    value = Value.objects.get(submission=sub, code="total_staff")
    assert (value.number, value.version) == (7, 1)
    assert AuditEntry.objects.filter(action="value.change", target_id=str(value.pk)).count() == 1
