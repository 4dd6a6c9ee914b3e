from __future__ import annotations

from chiso.collection.models import Value
from chiso.orgs.models import AuditEntry

from .base import BaseTestCase


class ValueSaveTestCase(BaseTestCase):
    def url(self, code="total_staff", sub=None):
        return f"/bieu-mau/{(sub or self.sub_a).pk}/chi-so/{code}/"

    def test_it_saves_with_decimal_comma_and_audits(self):
        self.login(self.alice)
        r = self.client.post(self.url(), {"value": "1.234,5", "comment": "theo báo cáo", "version": "0"},
                             HTTP_HX_REQUEST="true")
        self.assertEqual(r.status_code, 200)
        self.assertContains(r, "Đã lưu")
        v = Value.objects.get(submission=self.sub_a, code="total_staff")
        self.assertEqual(v.number, 1234.5)
        self.assertEqual(v.version, 1)
        self.assertEqual(v.updated_by, self.alice)
        entry = AuditEntry.objects.get(target_type="collection.value", target_id=str(v.pk))
        self.assertEqual(entry.user_name, "alice")
        self.assertEqual(entry.before["number"], None)
        self.assertEqual(entry.after["number"], 1234.5)
        self.assertEqual(entry.after["comment"], "theo báo cáo")
        self.assertTrue(entry.request_id)

    def test_it_rejects_out_of_range_with_vietnamese_message(self):
        self.login(self.bob)
        r = self.client.post(self.url("pct_online", self.sub_b), {"value": "120", "version": "0"},
                             HTTP_HX_REQUEST="true")
        self.assertContains(r, "nằm ngoài khoảng cho phép")
        self.assertEqual(r["X-Chiso-Status"], "400")
        self.assertFalse(Value.objects.filter(code="pct_online", number__isnull=False).exists())

    def test_it_rejects_text(self):
        self.login(self.alice)
        r = self.client.post(self.url(), {"value": "mười", "version": "0"})
        self.assertRedirects(r, f"/bieu-mau/{self.sub_a.pk}/", fetch_redirect_response=False)
        self.assertFalse(Value.objects.filter(code="total_staff", number__isnull=False).exists())

    def test_it_types_yes_no_and_levels(self):
        self.login(self.alice)
        self.client.post(self.url("has_portal"), {"value": "Có"})
        self.assertEqual(Value.objects.get(code="has_portal").number, 1.0)
        self.login(self.bob)
        self.client.post(self.url("level", self.sub_b), {"value": "cao"})
        self.assertEqual(Value.objects.get(code="level").choice, "cao")
        r = self.client.post(self.url("level", self.sub_b), {"value": "rất cao"}, HTTP_HX_REQUEST="true")
        self.assertContains(r, "Chọn một trong các mức")

    def test_it_detects_concurrent_edits(self):
        self.login(self.alice)
        self.client.post(self.url(), {"value": "10", "version": "0"})
        # anna loaded the form at version 0 too, and saves after alice: refused, not overwritten
        self.login(self.anna)
        r = self.client.post(self.url(), {"value": "12", "version": "0"}, HTTP_HX_REQUEST="true")
        self.assertEqual(r["X-Chiso-Status"], "409")
        self.assertContains(r, "Giá trị của “Tổng số cán bộ” vừa được alice (Sở Nội vụ) thay đổi")
        self.assertNotContains(r, "total_staff vừa")
        v = Value.objects.get(code="total_staff")
        self.assertEqual((v.number, v.version), (10.0, 1))

    def test_it_hides_other_agency(self):
        self.login(self.bob)
        r = self.client.post(self.url(), {"value": "10"})
        self.assertEqual(r.status_code, 404)

    def test_it_hides_indicator_of_another_form(self):
        self.login(self.alice)
        r = self.client.post(self.url("pct_online"), {"value": "10"})
        self.assertEqual(r.status_code, 404)

    def test_it_is_read_only_for_department(self):
        self.login(self.officer)
        r = self.client.post(self.url(), {"value": "10"})
        self.assertEqual(r.status_code, 403)

    def test_it_refuses_after_approval(self):
        self.fill_a()
        self.set_status(self.sub_a, "approved")
        self.login(self.alice)
        r = self.client.post(self.url(), {"value": "99", "version": "1"})
        self.assertEqual(r.status_code, 403)
        self.assertEqual(Value.objects.get(code="total_staff").number, 10.0)

    def test_it_rejects_get(self):
        self.login(self.alice)
        self.assertEqual(self.client.get(self.url()).status_code, 405)
