"""The program file pages: only the department's administrator imports (/chuong-trinh/nhap/), a bad
file shows every problem by row and field and writes nothing, a good one opens the new board; who reads
a program downloads it as .yaml and .xlsx (/chuong-trinh/<pk>/xuat.yaml|xlsx)."""

from __future__ import annotations

import io

import yaml
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import TestCase
from openpyxl import load_workbook

from chiso import cases
from chiso.orgs.models import AuditEntry
from chiso.program import transfer
from chiso.program.models import Program, Task

QD936 = (cases.case_dir() / "program.yaml").read_bytes()
URL = "/chuong-trinh/nhap/"


class TransferViewsTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        call_command("load_reference_case", "--demo", verbosity=0)
        users = get_user_model().objects
        cls.admin = users.get(username="sotttt.quantri")  # dept_admin
        cls.officer = users.get(username="sotttt.thamdinh")  # dept_officer
        cls.agency = users.get(username="sonoivu.nhaplieu")  # an agency's officer
        cls.leader = users.get(username="ubndtinh.lanhdao")  # leadership

    def setUp(self):
        cache.clear()

    def post(self, data: bytes, name: str, **extra):
        return self.client.post(URL, {"file": SimpleUploadedFile(name, data), **extra})

    def test_only_the_department_admin_imports(self):
        r = self.client.get(URL)
        self.assertEqual(r.status_code, 302)
        self.assertIn("next=", r["Location"])  # signed out: to the sign-in page
        for user in (self.officer, self.agency, self.leader):
            self.client.force_login(user)
            self.assertEqual(self.client.get(URL).status_code, 403, user)
            self.assertEqual(self.post(QD936, "p.yaml").status_code, 403, user)
        self.assertFalse(Program.objects.exists())
        self.client.force_login(self.admin)
        page = self.client.get(URL).content.decode()
        self.assertIn('enctype="multipart/form-data"', page)
        self.assertNotIn("<script>", page)
        self.assertNotIn("style=", page)

    def test_a_good_file_opens_the_new_board_and_is_audited(self):
        self.client.force_login(self.admin)
        r = self.post(QD936, "program.yaml")
        program = Program.objects.get()
        self.assertRedirects(r, f"/chuong-trinh/{program.pk}/", fetch_redirect_response=False)
        self.assertEqual(program.tasks.count(), 13)
        entry = AuditEntry.objects.get(action="program.import")
        self.assertEqual((entry.user, entry.target_id, entry.after["file"]), (self.admin, str(program.pk), "program.yaml"))
        # the same file again: refused (the code exists), listed on the page, nothing written
        r = self.post(QD936, "program.yaml")
        self.assertEqual(r.status_code, 400)
        self.assertIn("đã có chương trình mã “hanam-qd936-2017”", r.content.decode())
        self.assertEqual(Program.objects.get().pk, program.pk)
        # with "replace" and nothing recorded: replaced
        r = self.post(QD936, "program.yaml", replace="on")
        self.assertEqual(r.status_code, 302)
        self.assertNotEqual(Program.objects.get().pk, program.pk)
        self.assertEqual(AuditEntry.objects.filter(action="program.replace").count(), 1)

    def test_a_bad_file_lists_every_problem_and_writes_nothing(self):
        self.client.force_login(self.admin)
        bad = QD936.replace(b"lead: A35.SGDDT", b"lead: A35.KHONGCO").replace(b"deadline: 2017-12-31",
                                                                               b"deadline: 2030-12-31")  # fmt: skip
        r = self.post(bad, "program.yaml")
        self.assertEqual(r.status_code, 400)
        page = r.content.decode()
        self.assertIn('id="import-errors"', page)
        self.assertIn("Tệp có 2 lỗi", page)
        self.assertIn("Nhiệm vụ thứ 12, trường “lead”", page)
        self.assertIn("mã cơ quan “A35.KHONGCO” không có trong cơ sở dữ liệu", page)
        self.assertIn("Nhiệm vụ thứ 7, trường “deadline”", page)
        self.assertFalse(Program.objects.exists())
        self.assertFalse(AuditEntry.objects.filter(action__startswith="program.").exists())
        r = self.post(b"x", "program.txt")
        self.assertEqual(r.status_code, 400)
        self.assertIn("Chỉ nhận tệp .yaml, .yml hoặc .xlsx", r.content.decode())

    def test_an_xlsx_upload_is_imported(self):
        call_command("load_program_936", verbosity=0)
        data = transfer.export_xlsx(Program.objects.get())
        Program.objects.all().delete()
        self.client.force_login(self.admin)
        r = self.post(data, "p.xlsx")
        self.assertEqual(r.status_code, 302)
        self.assertEqual(Task.objects.count(), 13)

    def test_readers_download_the_program_as_yaml_and_xlsx(self):
        call_command("load_program_936", verbosity=0)
        program = Program.objects.get()
        r = self.client.get(f"/chuong-trinh/{program.pk}/xuat.yaml")
        self.assertEqual(r.status_code, 302)  # signed out: to the sign-in page
        for user in (self.agency, self.leader, self.officer):
            self.client.force_login(user)
            r = self.client.get(f"/chuong-trinh/{program.pk}/xuat.yaml")
            self.assertEqual(r.status_code, 200)
            # what the file is, from the program's title, in ASCII words said once
            self.assertEqual(r["Content-Disposition"], 'attachment; filename="chuong-trinh-hanh-dong-nang-cao'
                             '-chi-so-san-sang-cho-phat-trien-va-ung-dung-cong.yaml"')
            self.assertEqual(r["X-Content-Type-Options"], "nosniff")
            doc = yaml.safe_load(r.content.decode())
            self.assertEqual((doc["program"]["code"], len(doc["tasks"])), ("hanam-qd936-2017", 13))
            r = self.client.get(f"/chuong-trinh/{program.pk}/xuat.xlsx")
            self.assertEqual(r.status_code, 200)
            self.assertEqual(r["Content-Disposition"], 'attachment; filename="chuong-trinh-hanh-dong-nang-cao'
                             '-chi-so-san-sang-cho-phat-trien-va-ung-dung-cong.xlsx"')
            wb = load_workbook(io.BytesIO(r.content))
            self.assertIn("Nhiệm vụ", wb.sheetnames)
            self.assertEqual(wb["Nhiệm vụ"].max_row, 14)
        self.assertEqual(self.client.get(f"/chuong-trinh/{program.pk + 999}/xuat.yaml").status_code, 404)
        self.assertEqual(self.client.get(f"/chuong-trinh/{program.pk + 999}/xuat.xlsx").status_code, 404)
        # the import page offers every program's files as templates
        self.client.force_login(self.admin)
        page = self.client.get(URL).content.decode()
        self.assertIn(f'href="/chuong-trinh/{program.pk}/xuat.xlsx"', page)
