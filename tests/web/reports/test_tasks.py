"""Report jobs on the task runner (issue 15, item 3): the atomic claim, the heartbeat, retries, the
task queued when the request commits, and one job run end to end by a real worker process."""

from __future__ import annotations

import datetime as dt
import os
import pydoc
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from unittest import mock
from urllib.parse import quote

import pytest
from django.db import connection, transaction
from django.utils import timezone
from django_q.models import OrmQ

from chiso.lib import tasks
from chiso.orgs import audit
from chiso.reports import services
from chiso.reports.models import ReportJob

from .base import ReportsTestCase

QUARTER = {"year": 2024, "quarter": 1}


class ClaimTestCase(ReportsTestCase):
    def queued(self) -> ReportJob:
        with self.captureOnCommitCallbacks(execute=True):
            return services.create_job("quarterly", QUARTER, audit.Actor(user=self.admin))

    def running(self, heartbeat_age: float, attempts: int = 1) -> ReportJob:
        job = self.queued()
        ReportJob.objects.filter(pk=job.pk).update(
            status=ReportJob.Status.RUNNING,
            attempts=attempts,
            heartbeat=timezone.now() - dt.timedelta(seconds=heartbeat_age),
        )
        return job

    def test_it_gives_a_queued_job_to_one_claimant_only(self):
        job = self.queued()
        first, second = services.claim(job.pk), services.claim(job.pk)
        self.assertIsNotNone(first)
        self.assertIsNone(second)
        job.refresh_from_db()
        self.assertEqual((job.status, job.attempts), (ReportJob.Status.RUNNING, 1))
        self.assertIsNotNone(job.heartbeat)
        # the loser of the claim leaves the job alone
        self.assertEqual(services.run_job(job.pk, pdf=False).status, ReportJob.Status.RUNNING)
        self.assertEqual(ReportJob.objects.get(pk=job.pk).attempts, 1)

    def test_it_takes_again_a_job_whose_worker_died(self):
        job = self.running(heartbeat_age=tasks.stale_after() + 5)
        self.assertEqual(list(services.runnable().values_list("pk", flat=True)), [job.pk])
        claimed = services.claim(job.pk)
        self.assertIsNotNone(claimed)
        self.assertEqual(claimed.attempts, 2)
        self.assertLess(timezone.now() - claimed.heartbeat, dt.timedelta(seconds=5))
        self.assertIsNone(services.claim(job.pk))  # its heartbeat is fresh now

    def test_it_leaves_a_job_with_a_fresh_heartbeat(self):
        job = self.running(heartbeat_age=tasks.stale_after() - 30)
        self.assertIsNone(services.claim(job.pk))
        self.assertFalse(services.runnable().exists())
        self.assertEqual(ReportJob.objects.get(pk=job.pk).attempts, 1)

    def test_it_beats_at_every_step(self):
        job = self.queued()
        beats = []
        real = services._progress

        def spy(j, percent, step):
            real(j, percent, step)
            beats.append(ReportJob.objects.get(pk=j.pk).heartbeat)

        with mock.patch.object(services, "_progress", spy):
            done = services.run_job(job.pk, pdf=False)
        self.assertEqual(done.status, ReportJob.Status.DONE, done.error)
        self.assertGreaterEqual(len(beats), 3)
        self.assertEqual(beats, sorted(beats))

    def test_it_stops_a_run_superseded_by_another_runner(self):
        job = self.queued()
        real = services._progress

        def taken_meanwhile(j, percent, step):
            ReportJob.objects.filter(pk=j.pk).update(attempts=j.attempts + 1)  # another runner took it
            real(j, percent, step)

        with mock.patch.object(services, "_progress", taken_meanwhile):
            out = services.run_job(job.pk, pdf=False)
        self.assertEqual(out.status, ReportJob.Status.RUNNING)
        self.assertFalse(out.docx)

    def test_it_gives_up_a_job_started_too_often(self):
        job = self.running(heartbeat_age=tasks.stale_after() + 5, attempts=tasks.max_attempts())
        out = services.run_job(job.pk, pdf=False, by_runner=True)
        self.assertEqual(out.status, ReportJob.Status.FAILED)
        self.assertIn("bị dừng giữa chừng", out.error)


class RetryTestCase(ClaimTestCase):
    def broken(self):
        return mock.patch.object(services, "snapshot_for", side_effect=RuntimeError("/srv/secret/path boom"))

    def test_it_fails_a_report_problem_at_once(self):
        job = self.queued()
        with mock.patch.object(services, "snapshot_for", side_effect=services.ReportError("Chưa có số liệu.")):
            out = services.run_job(job.pk, pdf=False, by_runner=True)
        self.assertEqual((out.status, out.error, out.attempts), (ReportJob.Status.FAILED, "Chưa có số liệu.", 1))

    def test_the_runner_delivers_an_unexpected_error_again_then_gives_up(self):
        job = self.queued()
        for attempt in range(1, tasks.max_attempts()):
            with self.broken(), self.assertRaises(RuntimeError):
                services.run_job(job.pk, pdf=False, by_runner=True)
            job.refresh_from_db()
            self.assertEqual((job.status, job.attempts, job.step), (ReportJob.Status.QUEUED, attempt, "Chờ chạy lại"))
        with self.broken():
            out = services.run_job(job.pk, pdf=False, by_runner=True)
        self.assertEqual((out.status, out.attempts), (ReportJob.Status.FAILED, tasks.max_attempts()))
        self.assertIn("Lỗi không mong đợi", out.error)
        for internal in ("RuntimeError", "secret", "Traceback"):
            self.assertNotIn(internal, out.error)

    def test_a_failed_pdf_conversion_fails_at_once_in_vietnamese(self):
        # a converter that exits 1 at once, named as an installation would name it
        job = self.queued()
        with mock.patch.dict(os.environ, {"SOFFICE": shutil.which("false")}):
            out = services.run_job(job.pk, pdf=True, by_runner=True)
        self.assertEqual((out.status, out.attempts), (ReportJob.Status.FAILED, 1))
        self.assertTrue(out.error.startswith("Không chuyển được văn bản sang PDF trên máy chủ"), out.error)
        for internal in ("LibreOffice", "exit", "soffice"):  # LibreOffice's English reason stays in the log
            self.assertNotIn(internal, out.error)

    def test_a_direct_run_fails_an_unexpected_error_at_once(self):
        job = self.queued()
        with self.broken():
            out = services.run_job(job.pk, pdf=False)
        self.assertEqual((out.status, out.attempts), (ReportJob.Status.FAILED, 1))
        self.assertNotIn("secret", out.error)


class QueueTestCase(ReportsTestCase):
    def test_it_queues_exactly_one_task_per_job(self):
        with self.captureOnCommitCallbacks(execute=True):
            job = services.create_job("quarterly", QUARTER, audit.Actor(user=self.admin))
            self.assertEqual(OrmQ.objects.count(), 0)  # not before the commit
        [queued] = OrmQ.objects.all()
        self.assertEqual(queued.func(), services.RUN_JOB)
        self.assertEqual(queued.args(), (job.pk,))
        self.assertEqual(queued.kwargs(), {"by_runner": True})
        self.assertEqual(queued.name(), f"report-job-{job.pk}")
        # what the worker does with it: the task's function on its arguments
        task = queued.task
        out = pydoc.locate(task["func"])(*task["args"], **{**task["kwargs"], "pdf": False})
        self.assertEqual(out.status, ReportJob.Status.DONE, out.error)

    def test_a_rolled_back_request_queues_nothing(self):
        with self.captureOnCommitCallbacks(execute=True):
            with self.assertRaises(RuntimeError), transaction.atomic():
                services.create_job("quarterly", QUARTER, audit.Actor(user=self.admin))
                raise RuntimeError("the request failed after the job was recorded")
        self.assertFalse(OrmQ.objects.exists())
        self.assertFalse(ReportJob.objects.filter(params=QUARTER).exists())

    def test_the_command_runs_what_is_waiting_now(self):
        from django.core.management import call_command

        with self.captureOnCommitCallbacks(execute=True):
            job = services.create_job("quarterly", QUARTER, audit.Actor(user=self.admin))
        self.assertEqual(call_command("run_report_jobs", "--no-pdf", verbosity=0), "report jobs done: 1, failed: 0")
        self.assertEqual(ReportJob.objects.get(pk=job.pk).status, ReportJob.Status.DONE)
        # the task still queued finds the job done and leaves it
        task = OrmQ.objects.get().task
        self.assertEqual(pydoc.locate(task["func"])(*task["args"], **task["kwargs"]).attempts, 1)


# --- end to end: a real worker process (qcluster) runs a queued job ------------------------------

ENQUEUE = """
from chiso.lib import tasks
from chiso.reports.models import ReportJob
job = ReportJob.objects.create(kind="progress", title="e2e", params={"date_from": "2024-01-01", "date_to": "2024-06-30"})
tasks.enqueue("chiso.reports.services.run_job", job.pk, pdf=False, by_runner=True, name="e2e")
print("JOB", job.pk)
"""


def _database_url() -> str | None:
    """The test database as a URL the worker process can open (PostgreSQL); None on SQLite."""
    if connection.vendor != "postgresql":
        return None
    s = connection.settings_dict
    auth = quote(s["USER"] or "") + (f":{quote(s['PASSWORD'])}" if s.get("PASSWORD") else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


@pytest.mark.django_db(transaction=True)
def test_the_worker_process_runs_a_queued_job(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "CACHE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE")}
    env.update({"CHISO_VAR_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "chiso.site.settings", "LOG_LEVEL": "ERROR"})
    manage = [sys.executable, "-m", "chiso.manage"]
    url = _database_url()
    if url:  # the test database of this process, committed (transaction=True)
        env["DATABASE_URL"] = url
    else:  # a SQLite file of its own
        subprocess.run([*manage, "migrate", "--noinput", "-v", "0"], env=env, check=True)
    out = subprocess.run([*manage, "shell", "-v", "0", "-c", ENQUEUE], env=env, check=True,
                         capture_output=True, text=True).stdout
    job_id = int(out.split("JOB")[-1])

    def status() -> tuple[str, int]:
        if url:
            return tuple(ReportJob.objects.filter(pk=job_id).values_list("status", "attempts").get())
        with sqlite3.connect(tmp_path / "chiso.sqlite3") as db:
            return db.execute("SELECT status, attempts FROM reports_reportjob WHERE id = ?", [job_id]).fetchone()

    assert status() == ("queued", 0)
    worker = subprocess.Popen([*manage, "qcluster"], env=env, start_new_session=True,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        while status()[0] in ("queued", "running") and time.monotonic() < deadline:
            time.sleep(0.5)
        assert status() == ("done", 1)
    finally:
        worker.send_signal(signal.SIGTERM)
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait()
    assert worker.returncode is not None
