"""The standing body's compilation of a DTI round for the ministry: the page, the .xlsx (opened with
openpyxl) and the .zip of evidence (listed): every component in the framework's order with its
approved value or why there is none, the responsible agency, the evidence files under safe names."""

from __future__ import annotations

import io
import zipfile

import openpyxl
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile

from chiso.collection import compilation, services
from chiso.collection.models import Evidence, Submission, Value
from chiso.orgs import audit
from chiso.orgs.models import AuditEntry

from .test_dti_round import DtiRoundBase

SENTENCE = "Bộ chỉ số DTI 2024 thử (cấp thành phần) (405/QĐ-BKHCN) — cấu trúc tạm, điểm từng chỉ số chưa công bố"
ORDER = ["cq_1", "cq_2", "cq_3", "ns_1", "ns_2", "kt_1"]
NAMES = ["Có nền tảng tích hợp, chia sẻ dữ liệu", "Tỷ lệ văn bản điện tử", "Tỷ lệ hồ sơ trực tuyến toàn trình",
         "Cán bộ chuyên trách", "Cán bộ được đào tạo", "Doanh nghiệp số"]  # ORDER's components, by name


class CompilationTestCase(DtiRoundBase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        services.save_values(cls.dti_a.pk, [services.Change("cq_1", "1"), services.Change("cq_3", "85,5",
                                                                                           comment="=SUM(A1)")],
                             audit.Actor(user=cls.alice))
        services.save_values(cls.dti_b.pk, [services.Change("cq_2", "40")], audit.Actor(user=cls.bob))
        services.submit(cls.dti_b.pk, audit.Actor(user=cls.bella))  # submitted, not approved

    def setUp(self):
        # evidence: one through the upload page, one whose stored name is hostile
        self.login(self.alice)
        f = SimpleUploadedFile("Báo cáo tháng 11.pdf", b"%PDF-1.4 bao cao", content_type="application/pdf")
        self.client.post(f"/bieu-mau/{self.dti_a.pk}/chi-so/cq_3/minh-chung/", {"file": f})
        value = Value.objects.get(submission=self.dti_a, code="cq_3")
        ev = Evidence(value=value, original_name="../../etc/passwd..pdf", content_type="application/pdf",
                      size=9, sha256="0" * 64)
        ev.file.save("x", ContentFile(b"%PDF-evil"), save=False)
        ev.save()
        services.submit(self.dti_a.pk, audit.Actor(user=self.anna))
        services.approve(self.dti_a.pk, audit.Actor(user=self.admin))
        self.login(self.admin)

    def test_the_page_lists_every_component_in_order_and_says_the_status(self):
        r = self.client.get(f"/dot/{self.dti.pk}/tong-hop/")
        self.assertEqual(r.status_code, 200)
        html = r.content.decode()
        self.assertIn(SENTENCE, html)
        positions = [html.index(f'data-code="{c}"') for c in ORDER]
        self.assertEqual(positions, sorted(positions))
        self.assertIn("Báo cáo tháng 11.pdf", html)
        self.assertIn("85,5", html)
        self.assertContains(self.client.get(f"/dot/{self.dti.pk}/"), f"/dot/{self.dti.pk}/tong-hop/")

    def test_only_the_department_gets_it(self):
        for user, status in ((self.alice, 403), (self.anna, 403), (self.leader, 403), (self.nobody, 404)):
            self.login(user)
            for url in ("tong-hop/", "tong-hop.xlsx", "minh-chung.zip"):
                self.assertEqual(self.client.get(f"/dot/{self.dti.pk}/{url}").status_code, status, (user, url))
        self.client.logout()
        self.assertEqual(self.client.get(f"/dot/{self.dti.pk}/tong-hop.xlsx").status_code, 302)  # sign in
        self.login(self.admin)
        self.assertEqual(self.client.get("/dot/999999/tong-hop.xlsx").status_code, 404)

    def test_the_workbook_holds_every_component_its_value_agency_and_evidence(self):
        r = self.client.get(f"/dot/{self.dti.pk}/tong-hop.xlsx")
        self.assertEqual(r.status_code, 200)
        self.assertIn("attachment", r["Content-Disposition"])
        wb = openpyxl.load_workbook(io.BytesIO(r.content))
        ws = wb["Tổng hợp"]
        self.assertEqual(ws["A2"].value, SENTENCE)
        rows = list(ws.iter_rows(min_row=5, values_only=True))
        self.assertEqual(list(rows[0][:7]), compilation.HEADER[:7])
        self.assertEqual(ws.freeze_panes, "A6")  # the header row stays in view
        body = {row[1]: row for row in rows[1:]}  # components by name: no code column
        self.assertEqual([row[1] for row in rows[1:]], NAMES)
        self.assertEqual([row[0] for row in rows[1:]], [1, 2, 3, 4, 5, 6])
        cq1, cq2, cq3 = body[NAMES[0]], body[NAMES[1]], body[NAMES[2]]
        self.assertEqual((cq1[4], cq1[5], cq1[6]), ("Có", "Đã phê duyệt", "Sở Nội vụ"))
        self.assertEqual((cq3[2], cq3[3], cq3[4]), ("Chính quyền số", "%", 85.5))  # a number stays a number
        self.assertEqual(cq3[7], "'=SUM(A1)")  # a comment is text, never a formula
        self.assertEqual(cq3[8], "Báo cáo tháng 11.pdf; ../../etc/passwd..pdf")
        self.assertEqual(cq3[9], "03_cq_3/")
        self.assertIsNone(cq2[4])  # submitted, not approved: the value is not given out as approved
        self.assertEqual(cq2[5], "Chưa có giá trị được phê duyệt: biểu mẫu đã gửi, chờ phê duyệt")
        self.assertEqual(cq2[6], "Sở Tư pháp")
        self.assertEqual(body[NAMES[3]][5], "Chưa có giá trị được phê duyệt: biểu mẫu đang nhập")
        self.assertEqual(body[NAMES[3]][6], "Sở Thông tin và Truyền thông")
        self.assertEqual((body[NAMES[5]][5], body[NAMES[5]][6]),
                         ("Chưa có giá trị được phê duyệt: chưa phân công cơ quan chủ trì", "Chưa phân công"))
        # named after what it is, in ASCII words
        self.assertIn('filename="tong-hop-so-lieu-thu-thap-dti-2024.xlsx"', r["Content-Disposition"])

    def test_the_zip_holds_a_folder_per_component_with_safe_names(self):
        r = self.client.get(f"/dot/{self.dti.pk}/minh-chung.zip")
        self.assertEqual(r.status_code, 200)
        data = b"".join(r.streaming_content)
        self.assertEqual(int(r["Content-Length"]), len(data))
        zf = zipfile.ZipFile(io.BytesIO(data))
        names = zf.namelist()
        up, evil = Evidence.objects.order_by("id")
        self.assertEqual(names, ["tong-hop.xlsx", f"03_cq_3/{up.pk}_So_Noi_vu_Bao_cao_thang_11.pdf",
                                 f"03_cq_3/{evil.pk}_So_Noi_vu_passwd.pdf"])  # folders dropped
        self.assertTrue(all(".." not in n and not n.startswith("/") and "\\" not in n for n in names))
        self.assertEqual(zf.read(names[1]), b"%PDF-1.4 bao cao")
        wb = openpyxl.load_workbook(io.BytesIO(zf.read("tong-hop.xlsx")))
        self.assertEqual(wb["Tổng hợp"]["A2"].value, SENTENCE)
        c = compilation.compile_round(self.dti)
        self.assertEqual(compilation.zip_size(c, len(zf.read("tong-hop.xlsx"))), len(data))  # known before
        self.assertEqual(AuditEntry.objects.filter(action="round.compilation").count(), 1)

    def test_an_evidence_file_missing_from_storage_is_said_and_nothing_is_sent(self):
        ev = Evidence.objects.order_by("id").last()
        ev.file.storage.delete(ev.file.name)
        r = self.client.get(f"/dot/{self.dti.pk}/minh-chung.zip")
        self.assertEqual(r.status_code, 409)
        self.assertIn("Thiếu tệp minh chứng trong kho lưu trữ", r.content.decode())
        self.assertEqual(AuditEntry.objects.filter(action="round.compilation").count(), 0)

    def test_a_returned_form_gives_no_approved_value(self):
        Submission.objects.filter(pk=self.dti_a.pk).update(status=Submission.Status.RETURNED)
        c = compilation.compile_round(self.dti)
        self.assertEqual(c.files, [])
        self.assertEqual(c.counts()["approved"], 0)


def test_safe_names():
    assert compilation.safe_name("../../a/b\\c..\\Đề án số 1.PDF") == "De_an_so_1.PDF"
    assert compilation.safe_name("..") == "tep"
    assert compilation.safe_name("x" * 300 + ".pdf").endswith(".pdf")
    assert len(compilation.safe_name("x" * 300 + ".pdf")) == 80
