from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from chiso.collection.models import Value
from chiso.orgs.models import AuditEntry

from .base import BaseTestCase

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def book(rows, header=("Mã chỉ số", "Tên chỉ số", "Đơn vị tính", "Tối thiểu", "Tối đa", "Giá trị", "Ghi chú")):
    wb = Workbook()
    ws = wb.active
    ws.append(list(header))
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return SimpleUploadedFile("bm.xlsx", buf.getvalue(), content_type=XLSX)


class ExcelTemplateTestCase(BaseTestCase):
    def test_it_lists_exactly_the_agency_indicators(self):
        self.login(self.alice)
        r = self.client.get(f"/bieu-mau/{self.sub_a.pk}/mau.xlsx")
        ws = load_workbook(io.BytesIO(r.content)).worksheets[0]
        codes = [row[0] for row in ws.iter_rows(min_row=2, values_only=True)]
        self.assertEqual(codes, ["total_staff", "it_staff", "has_portal"])


class ExcelImportTestCase(BaseTestCase):
    def url(self):
        return f"/bieu-mau/{self.sub_a.pk}/nhap-excel/"

    def test_it_previews_then_writes_all(self):
        self.login(self.alice)
        r = self.client.post(self.url(), {"file": book([["total_staff", "", "", "", "", "12,5", "ghi chú"],
                                                        ["it_staff", "", "", "", "", 3, None],
                                                        ["has_portal", "", "", "", "", "Có", None]])})
        self.assertEqual(r.status_code, 200)
        self.assertContains(r, "Xem trước")
        self.assertFalse(Value.objects.exists())  # dry run writes nothing
        token = r.context["token"]
        self.client.post(f"/bieu-mau/{self.sub_a.pk}/nhap-excel/xac-nhan/", {"token": token})
        got = dict(Value.objects.values_list("code", "number"))
        self.assertEqual(got, {"total_staff": 12.5, "it_staff": 3.0, "has_portal": 1.0})
        self.assertEqual(AuditEntry.objects.filter(action="value.change", reason="Nhập từ Excel").count(), 3)

    def test_it_reports_errors_by_row_and_column_and_writes_nothing(self):
        self.login(self.alice)
        r = self.client.post(self.url(), {"file": book([["total_staff", "", "", "", "", "12", None],
                                                        ["pct_online", "", "", "", "", "5", None],
                                                        ["it_staff", "", "", "", "", "-1", None],
                                                        ["total_staff", "", "", "", "", "1", None]])})
        self.assertEqual(r.status_code, 400)
        errors = [(e.row, e.column) for e in r.context["preview"].errors]
        self.assertEqual(errors, [(3, "Mã chỉ số"), (4, "Giá trị"), (5, "Mã chỉ số")])
        self.assertContains(r, "không thuộc biểu mẫu này", status_code=400)
        self.assertNotIn("token", r.context)
        self.assertFalse(Value.objects.exists())

    def test_it_rejects_a_non_excel_file(self):
        self.login(self.alice)
        r = self.client.post(self.url(), {"file": SimpleUploadedFile("x.xlsx", b"not a zip")})
        self.assertContains(r, "không phải là tệp Excel", status_code=400)

    def test_it_refuses_a_stale_token(self):
        self.login(self.alice)
        r = self.client.post(f"/bieu-mau/{self.sub_a.pk}/nhap-excel/xac-nhan/", {"token": "abc"}, follow=True)
        self.assertContains(r, "hết hạn")
        self.assertFalse(Value.objects.exists())

    def confirm(self, rows):
        r = self.client.post(self.url(), {"file": book(rows)})
        return self.client.post(f"/bieu-mau/{self.sub_a.pk}/nhap-excel/xac-nhan/", {"token": r.context["token"]},
                                follow=True)

    def test_it_audits_each_changed_value_of_an_import(self):
        self.fill_a()
        self.login(self.alice)
        r = self.confirm([["total_staff", "", "", "", "", 10, None],
                          ["it_staff", "", "", "", "", 4, "tăng"],
                          ["has_portal", "", "", "", "", 0, None]])
        self.assertContains(r, "Đã cập nhật 2 giá trị từ Excel; 1 giá trị không đổi.")  # total_staff was 10
        entries = AuditEntry.objects.filter(action="value.change", reason="Nhập từ Excel").order_by("id")
        self.assertEqual([(e.before["number"], e.after["number"]) for e in entries], [(2.0, 4.0), (1.0, 0.0)])
        self.assertEqual({e.user_name for e in entries}, {"alice"})
        self.assertEqual(entries[0].after["comment"], "tăng")
        versions = dict(Value.objects.values_list("code", "version"))
        self.assertEqual(versions, {"total_staff": 1, "it_staff": 2, "has_portal": 2})

    def test_it_writes_nothing_when_the_form_is_locked_before_confirm(self):
        self.login(self.alice)
        r = self.client.post(self.url(), {"file": book([["total_staff", "", "", "", "", 10, None]])})
        self.set_status(self.sub_a, "approved")
        r = self.client.post(f"/bieu-mau/{self.sub_a.pk}/nhap-excel/xac-nhan/", {"token": r.context["token"]})
        self.assertEqual(r.status_code, 403)
        self.assertFalse(Value.objects.exists())
        self.assertFalse(AuditEntry.objects.filter(action="value.change").exists())
