from __future__ import annotations

import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import SimpleTestCase
from openpyxl import Workbook, load_workbook

from chiso.collection.models import Value
from chiso.engine.errors import InputError
from chiso.lib.xlsx import UncachedFormula, read_rows
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


def workbook(sheets):
    """An upload of a workbook with ``sheets``: (title, rows) in order (the first row of each is its own)."""
    wb = Workbook()
    wb.remove(wb.active)
    for title, rows in sheets:
        ws = wb.create_sheet(title)
        for r in rows:
            ws.append(list(r))
    buf = io.BytesIO()
    wb.save(buf)
    return SimpleUploadedFile("bm.xlsx", buf.getvalue(), content_type=XLSX)


HEADER = ["Mã chỉ số", "Tên chỉ số", "Đơn vị tính", "Tối thiểu", "Tối đa", "Giá trị", "Ghi chú"]
INSTRUCTIONS = ("Hướng dẫn", [["Chỉ điền cột Giá trị."], ["Không sửa cột Mã chỉ số."]])


class ExcelImportMessagesTestCase(BaseTestCase):
    """Issue 17, item 6: the sheet read by its header, formula cells without a value, changes counted."""

    def url(self):
        return f"/bieu-mau/{self.sub_a.pk}/nhap-excel/"

    def test_it_reads_the_sheet_that_has_the_code_column_after_an_instructions_sheet(self):
        self.login(self.alice)
        r = self.client.post(self.url(), {"file": workbook([
            INSTRUCTIONS, ("Số liệu", [HEADER, ["total_staff", "", "", "", "", 12, None]])])})
        self.assertEqual(r.status_code, 200)
        self.assertEqual([line["code"] for line in r.context["preview"].lines], ["total_staff"])

    def test_no_sheet_with_the_code_column_names_the_sheets_read(self):
        self.login(self.alice)
        r = self.client.post(self.url(), {"file": workbook([
            INSTRUCTIONS, ("Số liệu", [["Chỉ tiêu", "Giá trị"], ["total_staff", 12]])])})
        self.assertContains(r, "Không trang nào có cột “Mã chỉ số” (đã đọc các trang: Hướng dẫn, Số liệu).",
                            status_code=400)
        self.assertNotContains(r, "Thiếu cột", status_code=400)

    def test_a_missing_value_column_names_the_sheet(self):
        self.login(self.alice)
        r = self.client.post(self.url(), {"file": workbook([
            INSTRUCTIONS, ("Số liệu", [["Mã chỉ số", "Số"], ["total_staff", 12]])])})
        self.assertContains(r, "Trang “Số liệu” thiếu cột “Giá trị”.", status_code=400)

    def test_a_formula_without_a_computed_value_is_an_error_naming_its_sheet_and_cell(self):
        # openpyxl writes a formula without the value Excel would have computed and stored
        self.login(self.alice)
        r = self.client.post(self.url(), {"file": workbook([
            INSTRUCTIONS,
            ("Số liệu", [HEADER,
                         ["total_staff", "", "", "", "", 12, None],
                         ["it_staff", "", "", "", "", "=F2/4", None]])])})
        self.assertEqual(r.status_code, 400)
        errors = [(e.row, e.column, e.message) for e in r.context["preview"].errors]
        self.assertEqual(errors, [(3, "Giá trị", "Trang “Số liệu”, ô F3: ô chứa công thức chưa có giá trị tính sẵn "
                                                 "— mở tệp trong Excel, lưu lại rồi tải lên.")])
        self.assertFalse(Value.objects.exists())

    def test_the_preview_and_the_result_count_changed_and_unchanged_values_apart(self):
        self.fill_a(total="10", it="2", portal="1")
        self.login(self.alice)
        rows = [["total_staff", "", "", "", "", 10, None],  # as saved
                ["it_staff", "", "", "", "", 3, None],  # 2 -> 3
                ["has_portal", "", "", "", "", 1, None]]  # as saved
        r = self.client.post(self.url(), {"file": book(rows)})
        preview = r.context["preview"]
        self.assertEqual([line["code"] for line in preview.changed], ["it_staff"])
        self.assertEqual([line["code"] for line in preview.unchanged], ["total_staff", "has_portal"])
        self.assertContains(r, "Sẽ thay đổi 1 giá trị")
        self.assertContains(r, "2 giá trị không đổi (giống giá trị đã có)")
        self.assertContains(r, "Ghi 1 giá trị")
        r = self.client.post(f"/bieu-mau/{self.sub_a.pk}/nhap-excel/xac-nhan/", {"token": r.context["token"]},
                             follow=True)
        self.assertContains(r, "Đã cập nhật 1 giá trị từ Excel; 2 giá trị không đổi.")
        self.assertNotContains(r, "Đã nhập 3 giá trị")
        self.assertEqual(dict(Value.objects.values_list("code", "number")),
                         {"total_staff": 10.0, "it_staff": 3.0, "has_portal": 1.0})

    def test_a_file_that_changes_nothing_says_so_and_offers_nothing_to_write(self):
        self.fill_a(total="10", it="2", portal="1")
        self.login(self.alice)
        r = self.client.post(self.url(), {"file": book([["total_staff", "", "", "", "", 10, None]])})
        self.assertContains(r, "Không có giá trị nào thay đổi: mọi giá trị trong tệp giống giá trị đã có.")
        self.assertNotContains(r, 'id="import-confirm"')


class ReadRowsTestCase(SimpleTestCase):
    """chiso.lib.xlsx.read_rows: the sheet chosen by its header; a formula's stored value is read, a
    formula without one is marked (never read as an empty cell)."""

    @staticmethod
    def with_cached_value(data: bytes, cell: str, value: str) -> bytes:
        """The workbook with ``value`` stored as the computed value of the formula in ``cell`` (as Excel
        saves it; openpyxl writes none)."""
        src, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
        with zipfile.ZipFile(out, "w") as dst:
            for item in src.infolist():
                body = src.read(item.filename)
                text = body.decode() if item.filename.startswith("xl/worksheets/sheet") else ""
                if f'r="{cell}"' in text and "<f>" in text:
                    at = text.index(f'r="{cell}"')
                    end = text.index("</f>", at) + len("</f>")
                    body = (text[:end] + f"<v>{value}</v>" + text[end:]).encode()
                dst.writestr(item, body)
        return out.getvalue()

    def test_a_stored_value_is_read_and_a_missing_one_is_marked(self):
        data = workbook([INSTRUCTIONS, ("Số liệu", [["Mã chỉ số", "Giá trị"], ["a", "=1+2"], ["b", "=2*2"]])]).read()
        data = self.with_cached_value(data, "B2", "3")
        table = read_rows(data, header_names=["Mã chỉ số"], uncached=True)
        self.assertEqual(table.sheet, "Số liệu")
        self.assertEqual(table.header, ["mã chỉ số", "giá trị"])
        self.assertEqual(table.rows, [(2, ["a", 3]), (3, ["b", UncachedFormula("B3")])])
        # without asking, a formula without a value reads as empty (the other readers' behaviour)
        self.assertEqual(read_rows(data, header_names=["Mã chỉ số"]).rows, [(2, ["a", 3]), (3, ["b", None])])

    def test_no_sheet_with_the_header(self):
        data = workbook([INSTRUCTIONS, ("Số liệu", [["Chỉ tiêu"], ["a"]])]).read()
        with self.assertRaises(InputError) as e:
            read_rows(data, header_names=["Mã chỉ số", "code"])
        self.assertEqual((e.exception.code, e.exception.params["column"], e.exception.params["sheets"]),
                         ("no_header_sheet", "Mã chỉ số", ["Hướng dẫn", "Số liệu"]))
