from __future__ import annotations

from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile

from chiso.orgs.models import AuditEntry, Notice
from chiso.program.models import ProgressEvidence, ProgressReport

from .base import ProgramTestCase


class ProgressOpenTestCase(ProgramTestCase):
    def test_it_opens_a_report_for_its_own_task(self):
        self.login(self.alice)
        r = self.client.post(
            f"/chuong-trinh/{self.program.pk}/tien-do/mo/", {"task": 1, "agency": self.a.pk, "quy": "2017-3"}
        )
        report = ProgressReport.objects.get(task=self.task1, agency=self.a, year=2017, quarter=3)
        self.assertRedirects(r, f"/tien-do/{report.pk}/")
        self.assertEqual(report.status, "draft")

    def test_it_refuses_another_agency(self):
        self.login(self.bob)
        r = self.client.post(
            f"/chuong-trinh/{self.program.pk}/tien-do/mo/", {"task": 1, "agency": self.a.pk, "quy": "2017-3"}
        )
        self.assertEqual(r.status_code, 403)
        self.assertFalse(ProgressReport.objects.exists())

    def test_it_lets_a_supporting_agency_report(self):
        self.login(self.bob)
        self.client.post(
            f"/chuong-trinh/{self.program.pk}/tien-do/mo/", {"task": 1, "agency": self.b.pk, "quy": "2017-3"}
        )
        self.assertTrue(ProgressReport.objects.filter(task=self.task1, agency=self.b).exists())

    def test_it_refuses_a_quarter_outside_the_program(self):
        self.login(self.alice)
        self.client.post(
            f"/chuong-trinh/{self.program.pk}/tien-do/mo/", {"task": 1, "agency": self.a.pk, "quy": "2016-1"}
        )
        # an unknown quarter falls back to the current one, never to a quarter outside the program
        report = ProgressReport.objects.get()
        self.assertGreaterEqual((report.year, report.quarter), (2017, 3))
        self.assertLessEqual((report.year, report.quarter), (2020, 4))


class ProgressSaveTestCase(ProgramTestCase):
    def test_it_saves_and_audits(self):
        report = self.open_a()
        self.login(self.alice)
        r = self.client.post(
            f"/tien-do/{report.pk}/luu/",
            {
                "task_status": "on_track",
                "percent": "40",
                "narrative": "Đã tổ chức 2 lớp",
                "version": report.version,
                f"kpi_{self.kpi_rep.pk}": "2,5",
            },
        )
        self.assertEqual(r.status_code, 302)
        report.refresh_from_db()
        self.assertEqual(
            (report.task_status, report.percent, report.narrative), ("on_track", 40, "Đã tổ chức 2 lớp")
        )
        self.assertEqual(report.kpi_values.get().value, 2.5)
        self.assertEqual(
            AuditEntry.objects.filter(action="progress.change", target_id=str(report.pk)).count(), 1
        )

    def test_it_rejects_bad_percent(self):
        report = self.open_a()
        self.login(self.alice)
        r = self.client.post(
            f"/tien-do/{report.pk}/luu/", {"task_status": "on_track", "percent": "140", "narrative": "x"}
        )
        self.assertEqual(r.status_code, 400)
        report.refresh_from_db()
        self.assertEqual(report.percent, 0)

    def test_it_is_read_only_for_the_department(self):
        report = self.open_a()
        self.login(self.officer)
        r = self.client.post(
            f"/tien-do/{report.pk}/luu/", {"task_status": "done", "percent": "100", "narrative": "x"}
        )
        self.assertEqual(r.status_code, 403)

    def test_it_hides_from_another_agency(self):
        report = self.open_a()
        self.login(self.bob)
        self.assertEqual(self.client.get(f"/tien-do/{report.pk}/").status_code, 404)
        self.assertEqual(self.client.post(f"/tien-do/{report.pk}/luu/", {}).status_code, 404)

    def test_it_refuses_a_stale_version(self):
        report = self.open_a()
        self.login(self.alice)
        self.client.post(
            f"/tien-do/{report.pk}/luu/",
            {"task_status": "on_track", "percent": "10", "narrative": "a", "version": 0},
        )
        self.client.post(
            f"/tien-do/{report.pk}/luu/",
            {"task_status": "on_track", "percent": "20", "narrative": "b", "version": 0},
        )
        report.refresh_from_db()
        self.assertEqual(report.percent, 10)


class ProgressWorkflowTestCase(ProgramTestCase):
    def test_it_submits_approves_and_locks(self):
        report = self.open_a()
        self.login(self.alice)
        self.client.post(
            f"/tien-do/{report.pk}/luu/", {"task_status": "on_track", "percent": "40", "narrative": "x"}
        )
        self.assertEqual(
            self.client.post(f"/tien-do/{report.pk}/gui/").status_code, 403
        )  # officer cannot sign
        self.login(self.anna)
        self.client.post(f"/tien-do/{report.pk}/gui/")
        report.refresh_from_db()
        self.assertEqual(report.status, "submitted")
        self.assertTrue(Notice.objects.filter(user=self.officer, url=f"/tien-do/{report.pk}/").exists())
        self.login(self.alice)
        self.assertEqual(
            self.client.post(
                f"/tien-do/{report.pk}/luu/", {"task_status": "done", "percent": "100", "narrative": "x"}
            ).status_code,
            403,
        )
        self.assertEqual(self.client.post(f"/tien-do/{report.pk}/phe-duyet/").status_code, 403)
        self.login(self.officer)
        with self.mailing():
            self.client.post(f"/tien-do/{report.pk}/phe-duyet/")
        report.refresh_from_db()
        self.assertEqual(report.status, "approved")
        # agency A's officer and head, one e-mail each (a result: by e-mail unless they chose otherwise)
        self.assertEqual(sorted(m.to[0] for m in mail.outbox), ["alice@example.org", "anna@example.org"])

    def test_it_refuses_submitting_without_narrative(self):
        report = self.open_a()
        self.login(self.anna)
        self.client.post(f"/tien-do/{report.pk}/gui/")
        report.refresh_from_db()
        self.assertEqual(report.status, "draft")

    def test_it_returns_with_a_reason_and_notifies(self):
        report = self.open_a()
        self.login(self.alice)
        self.client.post(
            f"/tien-do/{report.pk}/luu/", {"task_status": "on_track", "percent": "40", "narrative": "x"}
        )
        self.login(self.anna)
        self.client.post(f"/tien-do/{report.pk}/gui/")
        self.login(self.officer)
        self.client.post(f"/tien-do/{report.pk}/tra-lai/", {"reason": ""})
        report.refresh_from_db()
        self.assertEqual(report.status, "submitted")
        self.client.post(f"/tien-do/{report.pk}/tra-lai/", {"reason": "Thiếu minh chứng"})
        report.refresh_from_db()
        self.assertEqual((report.status, report.return_reason), ("returned", "Thiếu minh chứng"))
        self.assertTrue(Notice.objects.filter(user=self.alice, text__contains="Thiếu minh chứng").exists())
        self.assertEqual(
            AuditEntry.objects.filter(action="progress.return", reason="Thiếu minh chứng").count(), 1
        )


class ProgressEvidenceTestCase(ProgramTestCase):
    def test_it_uploads_and_serves_privately(self):
        report = self.open_a()
        self.login(self.alice)
        self.client.post(
            f"/tien-do/{report.pk}/minh-chung/", {"file": SimpleUploadedFile("bb.pdf", b"%PDF-1.4 x")}
        )
        ev = ProgressEvidence.objects.get()
        self.assertEqual(ev.original_name, "bb.pdf")
        self.assertNotIn("bb.pdf", ev.file.name)
        r = self.client.get(f"/tien-do/minh-chung/{ev.pk}/")
        self.assertEqual(r.status_code, 200)
        self.assertEqual(r["Content-Security-Policy"], "default-src 'none'; sandbox")
        self.login(self.bob)
        self.assertEqual(self.client.get(f"/tien-do/minh-chung/{ev.pk}/").status_code, 404)
        self.client.logout()
        self.assertEqual(self.client.get(f"/tien-do/minh-chung/{ev.pk}/").status_code, 302)

    def test_it_rejects_a_disguised_file(self):
        report = self.open_a()
        self.login(self.alice)
        self.client.post(
            f"/tien-do/{report.pk}/minh-chung/", {"file": SimpleUploadedFile("x.pdf", b"<html>")}
        )
        self.assertFalse(ProgressEvidence.objects.exists())
