"""Issue 10 items 10 and 11 on the web: hostile files on the import pages (a form's Excel import, the
published-table import) and hostile YAML on the framework editor get a Vietnamese sentence saying what
is wrong with the file, a 4xx, never a 500, and nothing is written."""

from __future__ import annotations

import csv
import time

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from chiso.assessment.models import InternalFramework
from chiso.collection.models import Value
from chiso.results.models import PublishedTable
from corpus import hostile

from .base import BaseTestCase
from .results.base import DTI, ResultsTestCase
from .test_assessment_base import AssessmentCase

BROKEN = ("truncated-sheet.xlsx", "missing-sheet.xlsx", "billion-laughs.xlsx")
INVALID = "Tệp không hợp lệ: không phải là tệp Excel (.xlsx) hay CSV đọc được."


def form_book(rows) -> bytes:
    return hostile.xlsx(hostile.sheet_xml([["Mã chỉ số", "Giá trị"], *rows]))


class FormImportTestCase(BaseTestCase):
    def post(self, data: bytes, name="bm.xlsx"):
        self.login(self.alice)
        return self.client.post(f"/bieu-mau/{self.sub_a.pk}/nhap-excel/", {"file": SimpleUploadedFile(name, data)})

    def assert_refused(self, r, sentence):
        self.assertContains(r, sentence, status_code=400)
        self.assertNotIn("token", r.context)
        self.assertFalse(Value.objects.exists())

    def test_it_refuses_broken_workbooks(self):
        for name in BROKEN:
            with self.subTest(name):
                self.assert_refused(self.post(hostile.path(name).read_bytes(), name), INVALID)

    def test_it_refuses_two_million_rows_before_parsing(self):
        t = time.perf_counter()
        r = self.post(hostile.many_rows(header=("Mã chỉ số", "Giá trị"), row=("total_staff", 1)))
        self.assertLess(time.perf_counter() - t, 5)
        self.assert_refused(r, "Tệp quá lớn: khi giải nén được 141,1 MB, giới hạn là 50,0 MB.")
        self.assertContains(r, "Hãy chia thành nhiều tệp nhỏ hơn.", status_code=400)
        self.assertLess(len(r.content), 50_000)

    @override_settings(IMPORT_MAX_UNCOMPRESSED_BYTES=500 * 1024 * 1024)
    def test_it_refuses_a_zip_bomb_by_its_compression_ratio(self):
        r = self.post(hostile.many_rows(header=("Mã chỉ số", "Giá trị"), row=("total_staff", 1)))
        self.assert_refused(r, "Tệp Excel nén bất thường: một phần của tệp giải nén ra gấp")

    @override_settings(IMPORT_MAX_UNCOMPRESSED_BYTES=2000)
    def test_it_refuses_a_workbook_over_the_unpacked_size(self):
        data = form_book([["total_staff", 1]] * 30)
        self.assert_refused(self.post(data), "Tệp quá lớn: khi giải nén được")

    @override_settings(IMPORT_MAX_ROWS=5)
    def test_it_stops_at_the_row_cap_and_says_how_to_split(self):
        r = self.post(form_book([["total_staff", 1]] * 7))
        self.assert_refused(r, "Tệp có hơn 5 dòng (giới hạn của một lần nhập). Hãy chia thành nhiều tệp, mỗi tệp tối đa 5 dòng.")

    def test_it_lists_the_first_50_errors_and_counts_the_rest(self):
        r = self.post(form_book([[f"khong_co_{i}", 1] for i in range(60)]))
        self.assertEqual(len(r.context["preview"].errors), 60)
        self.assertEqual(r.content.decode().count("không thuộc biểu mẫu này"), 50)
        self.assert_refused(r, "… và còn 10 lỗi khác.")
        self.assertContains(r, "khong_co_49", status_code=400)
        self.assertNotContains(r, "khong_co_50", status_code=400)


class TableImportTestCase(ResultsTestCase):
    def post(self, data: bytes, name: str):
        self.login(self.admin)
        self.n = PublishedTable.objects.count()
        return self.client.post("/ket-qua/nhap/", {
            "framework_id": DTI, "year": 2022, "title": "Bảng thử", "source": "https://example.org",
            "file": SimpleUploadedFile(name, data)})

    def assert_refused(self, r, sentence):
        self.assertContains(r, sentence)
        self.assertContains(r, "không có gì được ghi")
        self.assertEqual(r.context["token"], "")
        self.assertEqual(PublishedTable.objects.count(), self.n)

    def test_it_refuses_broken_workbooks(self):
        for name in BROKEN:
            with self.subTest(name):
                self.assert_refused(self.post(hostile.path(name).read_bytes(), name), INVALID)

    def test_it_refuses_two_million_rows_before_parsing(self):
        t = time.perf_counter()
        r = self.post(hostile.many_rows(header=("unit", "nhan_thuc_so")), "big.xlsx")
        self.assertLess(time.perf_counter() - t, 5)
        self.assert_refused(r, "Tệp quá lớn: khi giải nén được")
        self.assertLess(len(r.content), 50_000)

    def test_it_refuses_a_field_over_the_csv_limit(self):
        r = self.post(hostile.long_field_csv(), "long.csv")
        self.assert_refused(r, f"Dòng 3: có ô dài hơn {csv.field_size_limit()} ký tự")

    def test_it_reads_csv_lines_ending_in_cr_alone(self):
        r = self.post("unit,nhan_thuc_so\rHà Nam,0.5\rHà Nội,0.7\r".encode(), "mac.csv")
        self.assertContains(r, "Xem trước: 2 đơn vị")
        self.assertEqual([row.values for row in r.context["preview"].rows],
                         [{"nhan_thuc_so": 0.5}, {"nhan_thuc_so": 0.7}])

    @override_settings(IMPORT_MAX_ROWS=3)
    def test_it_stops_at_the_row_cap(self):
        r = self.post("unit,nhan_thuc_so\nHà Nam,0.5\nHà Nội,0.7\nHải Phòng,0.6\n".encode(), "t.csv")
        self.assert_refused(r, "Tệp có hơn 3 dòng")

    def test_it_lists_the_first_50_errors_and_counts_the_rest(self):
        body = "unit,nhan_thuc_so\n" + "".join(f"Tỉnh {i},x{i}\n" for i in range(55))
        r = self.post(body.encode(), "t.csv")
        self.assertEqual(r.content.decode().count("không phải là số"), 50)
        self.assert_refused(r, "… và còn 5 lỗi khác.")


class FrameworkEditTestCase(AssessmentCase):
    def test_it_refuses_hostile_yaml_with_a_sentence_and_saves_nothing(self):
        self.login(self.admin)
        r = self.client.post(f"/xep-hang-noi-bo/bo-chi-so/{self.fw.pk}/sao-chep/",
                             {"code": "test-noibo-2025", "edition": "2025"})
        self.assertEqual(r.status_code, 302)
        fw = InternalFramework.objects.get(code="test-noibo-2025")
        url = f"/xep-hang-noi-bo/bo-chi-so/{fw.pk}/sua/"
        name_line = next(line for line in fw.yaml_text.splitlines() if line.startswith("name:"))
        cases = [
            (hostile.path("deep.yaml").read_text(), "Nội dung YAML lồng nhau quá 64 cấp (dòng 2)"),
            (fw.yaml_text.replace("edition: 2025", "edition: 2025-01-01"),
             "Trường “edition” phải là một năm (số nguyên, ví dụ 2025), nhưng tệp ghi datetime.date(2025, 1, 1)."),
            (fw.yaml_text.replace(name_line, "name: [Thử, Test]"),
             "Trường “name” phải là một chuỗi chữ hoặc bảng {vi: …, en: …}, nhưng tệp ghi [&#x27;Thử&#x27;, &#x27;Test&#x27;]."),
        ]
        for text, sentence in cases:
            with self.subTest(sentence):
                self.assertNotEqual(text, fw.yaml_text)
                r = self.client.post(url, {"yaml_text": text})
                self.assertLess(r.status_code, 500)
                self.assertContains(r, sentence, status_code=r.status_code)
                self.assertEqual(InternalFramework.objects.get(pk=fw.pk).yaml_text, fw.yaml_text)
