from __future__ import annotations

import tempfile
from pathlib import Path

from openpyxl import Workbook

from chiso.orgs import audit
from chiso.orgs.models import AuditEntry
from chiso.results import services
from chiso.results.models import PublishedTable, PublishedValue

from .base import DTI, ResultsTestCase


def _csv(text: str) -> Path:
    f = tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False, encoding="utf-8")
    f.write(text)
    f.close()
    return Path(f.name)


GOOD = "tỉnh,nhan_thuc_so,the_che_so,rank\nHà Nam,0,5;0,6;34\n"


class ParseTableTestCase(ResultsTestCase):
    def test_it_matches_unit_names(self):
        p = _csv("unit,nhan_thuc_so,rank\nHa Nam,0.5,34\nTP. Đà Nẵng,0.9,1\nThừa Thiên - Huế,0.8,4\n")
        preview = services.parse_table(p, framework_id=DTI, year=2022)
        self.assertEqual(preview.errors, [])
        self.assertEqual([r.unit_ref for r in preview.rows], ["P35", "P48", "P46"])
        self.assertEqual(preview.rows[0].ranks, {"dti": 34})
        self.assertEqual(preview.rows[0].values, {"nhan_thuc_so": 0.5})

    def test_it_suggests_names(self):
        p = _csv("unit,nhan_thuc_so\nHa Nom,0.5\n")
        preview = services.parse_table(p, framework_id=DTI, year=2022)
        self.assertEqual(len(preview.errors), 1)
        e = preview.errors[0]
        self.assertEqual((e.row, e.column), (2, "A"))
        self.assertEqual(e.message, "Không nhận ra đơn vị “Ha Nom”. Có phải: Hà Nam, Hà Nội, Hà Tĩnh?")

    def test_it_reports_every_bad_cell(self):
        p = _csv("unit,nhan_thuc_so,the_che_so\nHà Nam,abc,0.5\nHà Nội,0.5,1.7\n")
        preview = services.parse_table(p, framework_id=DTI, year=2022)
        self.assertEqual([(e.row, e.column) for e in preview.errors], [(2, "B")])
        self.assertEqual(preview.errors[0].message, "“abc” không phải là số.")

    def test_it_rejects_out_of_range_and_unknown_code(self):
        p = _csv("unit,nhan_thuc_so,xyz\nHà Nam,1.5,1\n")
        preview = services.parse_table(p, framework_id=DTI, year=2022)
        self.assertEqual([(e.row, e.column) for e in preview.errors], [(1, "C"), (2, "B")])

    def test_it_rejects_the_same_province_twice(self):
        p = _csv("unit,nhan_thuc_so\nHà Nam,0.5\nHa Nam,0.6\n")
        preview = services.parse_table(p, framework_id=DTI, year=2022)
        self.assertEqual([(e.row, e.column) for e in preview.errors], [(3, "A")])

    def test_it_reads_xlsx(self):
        wb = Workbook()
        ws = wb.active
        ws.append(["unit", "nhan_thuc_so", "rank"])
        ws.append(["Hà Nam", 0.5, 34])
        path = Path(tempfile.mkdtemp()) / "t.xlsx"
        wb.save(path)
        preview = services.parse_table(path, framework_id=DTI, year=2022)
        self.assertTrue(preview.ok)
        self.assertEqual(preview.rows[0].values, {"nhan_thuc_so": 0.5})


class SaveTableTestCase(ResultsTestCase):
    def test_it_writes_all_rows_and_one_audit_row(self):
        p = _csv("unit,nhan_thuc_so,rank\nHà Nam,0.5,34\nHà Nội,0.9,1\n")
        preview = services.parse_table(p, framework_id=DTI, year=2022)
        before = AuditEntry.objects.count()
        t = services.save_table(preview, audit.Actor(user=self.admin), title="T", source="S")
        self.assertEqual(t.values.count(), 4)  # a value and a rank per row
        self.assertEqual(t.values.get(unit_ref="P35", code="dti").rank, 34)
        self.assertEqual(AuditEntry.objects.count(), before + 1)

    def test_it_writes_nothing_with_a_bad_row(self):
        p = _csv("unit,nhan_thuc_so\nHà Nam,0.5\nHa Nom,0.6\n")
        preview = services.parse_table(p, framework_id=DTI, year=2022)
        n_tables, n_values = PublishedTable.objects.count(), PublishedValue.objects.count()
        with self.assertRaises(ValueError):
            services.save_table(preview, audit.Actor(user=self.admin), title="T", source="S")
        self.assertEqual((PublishedTable.objects.count(), PublishedValue.objects.count()), (n_tables, n_values))


class ImportViewTestCase(ResultsTestCase):
    url = "/ket-qua/nhap/"

    def _post(self, body: str, name="t.csv"):
        from django.core.files.uploadedfile import SimpleUploadedFile

        return self.client.post(self.url, {
            "framework_id": DTI, "year": 2022, "title": "Bảng thử", "source": "https://example.org",
            "file": SimpleUploadedFile(name, body.encode("utf-8"), content_type="text/csv")})

    def test_it_previews_without_writing(self):
        self.login(self.admin)
        n = PublishedTable.objects.count()
        r = self._post("unit,nhan_thuc_so\nHà Nam,0.5\nHà Nội,0.7\n")
        self.assertContains(r, "Xem trước: 2 đơn vị")
        self.assertEqual(PublishedTable.objects.count(), n)

    def test_it_shows_errors_by_row_and_column(self):
        self.login(self.admin)
        r = self._post("unit,nhan_thuc_so\nHà Nam,0.5\nHa Nom,0.7\n")
        self.assertContains(r, "Không nhận ra đơn vị “Ha Nom”")
        self.assertContains(r, "không có gì được ghi")
        self.assertNotContains(r, "Xác nhận nhập")

    def test_it_imports_on_confirm(self):
        self.login(self.admin)
        r = self._post("unit,nhan_thuc_so\nHà Nam,0.5\nHà Nội,0.7\n")
        token = r.context["token"]
        r = self.client.post("/ket-qua/nhap/xac-nhan/", {
            "token": token, "framework_id": DTI, "year": 2022, "title": "Bảng thử", "source": "https://example.org",
            "file_name": "t.csv"})
        t = PublishedTable.objects.get(title="Bảng thử")
        self.assertRedirects(r, f"/ket-qua/bang/{t.pk}/")
        self.assertEqual(t.values.count(), 2)

    def test_it_rejects_a_forged_token(self):
        self.login(self.admin)
        r = self.client.post("/ket-qua/nhap/xac-nhan/", {
            "token": "../../etc/passwd", "framework_id": DTI, "year": 2022, "title": "x", "source": "y"})
        self.assertRedirects(r, "/ket-qua/nhap/")

    def test_it_requires_the_department(self):
        self.login(self.alice)
        self.assertEqual(self.client.get(self.url).status_code, 403)
        self.login(self.leader)
        self.assertEqual(self.client.get(self.url).status_code, 403)
