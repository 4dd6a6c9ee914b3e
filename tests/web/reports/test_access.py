"""Who sees, requests and downloads reports: department and leadership only; not yours -> 404."""

from __future__ import annotations

import threading
from unittest import mock

from django.core.management import call_command
from django.urls import reverse

from chiso.orgs import audit
from chiso.orgs.models import AuditEntry
from chiso.reports import services
from chiso.reports.models import ReportJob

from .base import ReportsTestCase


class ReportAccessTestCase(ReportsTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        job = services.create_job("quarterly", {"year": 2024, "quarter": 2}, audit.Actor(user=cls.admin))
        cls.job = services.run_job(job.pk, pdf=False)

    def test_it_lists_reports_for_department_and_leadership(self):
        for user, has_form in ((self.admin, True), (self.officer, True), (self.leader, False)):
            self.login(user)
            r = self.client.get(reverse("reports"))
            self.assertEqual(r.status_code, 200, user)
            self.assertContains(r, self.job.title)
            self.assertEqual(b'id="report-form"' in r.content, has_form, user)

    def test_it_forbids_the_list_to_agencies(self):
        for user in (self.alice, self.anna, self.bob, self.nobody):
            self.login(user)
            self.assertEqual(self.client.get(reverse("reports")).status_code, 403, user)

    def test_it_requires_login(self):
        r = self.client.get(reverse("reports"))
        self.assertEqual(r.status_code, 302)
        r = self.client.get(reverse("report_download", args=[self.job.pk, "docx"]))
        self.assertEqual(r.status_code, 302)

    def test_it_hides_a_job_from_agencies(self):
        for user in (self.alice, self.bob, self.nobody):
            self.login(user)
            for name, args in (
                ("report_detail", [self.job.pk]),
                ("report_status", [self.job.pk]),
                ("report_download", [self.job.pk, "docx"]),
            ):
                self.assertEqual(self.client.get(reverse(name, args=args)).status_code, 404, (user, name))

    def test_it_serves_the_files_privately(self):
        self.login(self.leader)
        r = self.client.get(reverse("report_download", args=[self.job.pk, "xlsx"]))
        self.assertEqual(r.status_code, 200)
        self.assertIn("attachment", r["Content-Disposition"])
        self.assertEqual(r["X-Content-Type-Options"], "nosniff")
        self.assertEqual(r["Cache-Control"], "private, no-store")
        self.assertTrue(b"".join(r.streaming_content).startswith(b"PK"))
        # not generated (pdf=False) or not a format: 404
        self.assertEqual(
            self.client.get(reverse("report_download", args=[self.job.pk, "pdf"])).status_code, 404
        )
        self.assertEqual(
            self.client.get(reverse("report_download", args=[self.job.pk, "exe"])).status_code, 404
        )

    def test_it_lets_only_the_department_request_a_report(self):
        data = {"kind": "quarterly", "year": "2024", "quarter": "1"}
        self.login(self.leader)
        self.assertEqual(self.client.post(reverse("report_create"), data).status_code, 403)
        self.login(self.alice)
        self.assertEqual(self.client.post(reverse("report_create"), data).status_code, 404)
        self.assertEqual(ReportJob.objects.count(), 1)

    def test_it_creates_and_starts_a_job(self):
        self.login(self.officer)
        with mock.patch.object(services, "run_job") as run, self.captureOnCommitCallbacks(execute=True):
            r = self.client.post(
                reverse("report_create"),
                {"kind": "progress", "date_from": "01/01/2024", "date_to": "30/06/2024", "sign_name": "Lê C"},
            )
        job = ReportJob.objects.latest("id")
        self.assertRedirects(r, reverse("report_detail", args=[job.pk]))
        self.assertEqual(
            job.params, {"date_from": "2024-01-01", "date_to": "2024-06-30", "sign_name": "Lê C"}
        )
        self.assertEqual(job.created_by, self.officer)
        self.assertTrue(AuditEntry.objects.filter(action="report.create", target_id=str(job.pk)).exists())
        # the web process only queues it: no thread, nothing run in the request
        run.assert_not_called()
        self.assertEqual(job.status, ReportJob.Status.QUEUED)
        self.assertFalse([t for t in threading.enumerate() if t.name.startswith("report-job")])
        with mock.patch.object(services, "run_job", return_value=job) as run:
            call_command("run_report_jobs", verbosity=0)  # the worker process's command runs it
        run.assert_called_once_with(job.pk, pdf=True)

    def test_it_rejects_an_incomplete_request(self):
        self.login(self.admin)
        r = self.client.post(reverse("report_create"), {"kind": "quarterly", "year": "2024"})
        self.assertEqual(r.status_code, 400)
        self.assertContains(r, "Báo cáo quý cần năm và quý.", status_code=400)

    def test_it_polls_until_finished(self):
        self.login(self.admin)
        queued = services.create_job("quarterly", {"year": 2024, "quarter": 1}, audit.Actor(user=self.admin))
        r = self.client.get(reverse("report_status", args=[queued.pk]))
        self.assertContains(r, 'hx-trigger="every 1s"')
        r = self.client.get(reverse("report_status", args=[self.job.pk]))
        self.assertNotContains(r, "hx-trigger")
        self.assertContains(r, reverse("report_download", args=[self.job.pk, "docx"]))


class WorkerTestCase(ReportsTestCase):
    def test_it_runs_queued_jobs(self):
        from chiso.reports.management.commands.run_report_jobs import Command

        job = services.create_job("quarterly", {"year": 2024, "quarter": 1}, audit.Actor(user=self.admin))
        out = Command().handle(loop=False, interval=0, no_pdf=True)
        job.refresh_from_db()
        self.assertEqual(job.status, ReportJob.Status.DONE, job.error)
        self.assertEqual(out, "report jobs done: 1, failed: 0")

    def test_it_never_runs_a_job_twice(self):
        job = services.create_job("quarterly", {"year": 2024, "quarter": 1}, audit.Actor(user=self.admin))
        ReportJob.objects.filter(pk=job.pk).update(status=ReportJob.Status.RUNNING)
        self.assertEqual(services.run_job(job.pk).status, ReportJob.Status.RUNNING)
