"""An agency uploads its own plan for the program (§5a): stored privately and audited by the service;
a file that fails the evidence check is refused with the reason and nothing is kept."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from chiso.orgs.models import AuditEntry
from chiso.program.models import AgencyPlan

from .base import ProgramTestCase


class AgencyPlanUploadTestCase(ProgramTestCase):
    def url(self):
        return f"/chuong-trinh/{self.program.pk}/ke-hoach/"

    def post(self, upload):
        self.login(self.alice)
        return self.client.post(self.url(), {"agency": self.a.pk, "title": "Kế hoạch của sở", "document_number":
                                             "12/KH-STTTT", "file": upload}, follow=True)

    def test_a_pdf_is_stored_and_audited(self):
        r = self.post(SimpleUploadedFile("ke hoach.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf"))
        self.assertContains(r, "Đã tải lên kế hoạch “Kế hoạch của sở”.")
        plan = AgencyPlan.objects.get()
        self.assertEqual((plan.agency, plan.original_name, plan.document_number), (self.a, "ke hoach.pdf", "12/KH-STTTT"))
        with plan.file.open("rb") as fh:
            self.assertEqual(fh.read(), b"%PDF-1.4\n%%EOF\n")
        entry = AuditEntry.objects.get(action="plan.add")
        self.assertEqual((entry.target_id, entry.user, entry.after["agency"]), (str(plan.pk), self.alice, self.a.code))

    def test_a_pdf_that_is_not_one_keeps_nothing(self):
        r = self.post(SimpleUploadedFile("ke-hoach.pdf", b"MZ\x90\x00 an executable", content_type="application/pdf"))
        self.assertContains(r, "Nội dung tệp không khớp với đuôi “.pdf”.")
        self.assertFalse(AgencyPlan.objects.exists())

    def test_a_file_of_a_refused_type_keeps_nothing(self):
        r = self.post(SimpleUploadedFile("chay.exe", b"MZ\x90\x00 not a document", content_type="application/x-msdownload"))
        self.assertEqual(r.status_code, 200)
        self.assertNotContains(r, "Đã tải lên kế hoạch")
        self.assertContains(r, "Loại tệp “.exe” không được nhận.")
        self.assertFalse(AgencyPlan.objects.exists())
        self.assertFalse(AuditEntry.objects.filter(action="plan.add").exists())
