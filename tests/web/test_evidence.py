from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from chiso.collection.models import Evidence
from chiso.orgs.models import AuditEntry

from .base import BaseTestCase


class EvidenceTestCase(BaseTestCase):
    def upload(self, name, content, user=None):
        self.login(user or self.alice)
        f = SimpleUploadedFile(name, content, content_type="text/html")
        return self.client.post(f"/bieu-mau/{self.sub_a.pk}/chi-so/it_staff/minh-chung/", {"file": f}, follow=True)

    def test_it_stores_privately_and_serves_safely(self):
        self.upload("quyet-dinh.pdf", b"%PDF-1.4 test")
        ev = Evidence.objects.get()
        self.assertEqual(ev.content_type, "application/pdf")
        self.assertNotIn("quyet-dinh", ev.file.name)  # stored under a random name
        self.assertTrue(ev.file.path.startswith(str(self._media)))
        r = self.client.get(f"/minh-chung/{ev.pk}/")
        self.assertEqual(r["Content-Type"], "application/pdf")
        self.assertIn("attachment", r["Content-Disposition"])
        self.assertEqual(r["X-Content-Type-Options"], "nosniff")
        self.assertEqual(b"".join(r.streaming_content), b"%PDF-1.4 test")
        self.assertEqual(AuditEntry.objects.filter(action="evidence.add").count(), 1)

    def test_it_rejects_executable_types(self):
        for name, content in [("x.html", b"<html><script>alert(1)</script>"), ("x.svg", b"<svg/>"),
                              ("x.exe", b"MZ"), ("x.txt", b"<script>alert(1)</script>")]:
            r = self.upload(name, content)
            self.assertEqual(r.status_code, 200)
        self.assertFalse(Evidence.objects.exists())

    def test_it_rejects_mismatched_content(self):
        r = self.upload("fake.pdf", b"<html>")
        self.assertContains(r, "không khớp")
        self.assertFalse(Evidence.objects.exists())

    @override_settings(EVIDENCE_MAX_BYTES=10)
    def test_it_limits_size(self):
        r = self.upload("big.pdf", b"%PDF-" + b"x" * 100)
        self.assertContains(r, "Tệp quá lớn")
        self.assertFalse(Evidence.objects.exists())

    def test_it_hides_from_other_agency(self):
        self.upload("a.pdf", b"%PDF-1.4")
        ev = Evidence.objects.get()
        self.login(self.bob)
        self.assertEqual(self.client.get(f"/minh-chung/{ev.pk}/").status_code, 404)
        r = self.upload("b.pdf", b"%PDF-1.4", user=self.bob)
        self.assertEqual(r.status_code, 404)
