"""Every program URL × every role: not yours -> 404, yours but read-only -> 403, never 500."""

from __future__ import annotations

from django.core.files.base import ContentFile

from chiso.orgs import audit
from chiso.program import services
from chiso.program.models import AgencyPlan, ProgressEvidence

from .base import ProgramTestCase

OK, RO, NF, LOGIN = 200, 403, 404, 302


class ProgramAccessMatrixTestCase(ProgramTestCase):
    def setUp(self):
        super().setUp()
        self.report = self.open_a()
        self.ev = ProgressEvidence(
            report=self.report, original_name="a.pdf", content_type="application/pdf", size=9, sha256="x"
        )
        self.ev.file.save("upload", ContentFile(b"%PDF-1.4\n"), save=False)
        self.ev.save()
        self.plan = AgencyPlan(
            program=self.program,
            agency=self.a,
            title="Kế hoạch A",
            original_name="k.pdf",
            content_type="application/pdf",
            size=9,
            sha256="x",
        )
        self.plan.file.save("upload", ContentFile(b"%PDF-1.4\n"), save=False)
        self.plan.save()
        self.rec = services.submit_recommendation(
            audit.Actor(user=self.alice), program=self.program, agency=self.a, title="Kiến nghị A", body="x"
        )
        self.occ = self.obligation.occurrences.first()

    def expect(self, method, url, table, data=None):
        users = {
            "anonymous": None,
            "nobody": self.nobody,
            "admin": self.admin,
            "officer": self.officer,
            "alice": self.alice,
            "anna": self.anna,
            "bob": self.bob,
            "leader": self.leader,
        }
        for name, user in users.items():
            self.client.logout()
            if user is not None:
                self.login(user)
            r = getattr(self.client, method)(url, data or {})
            expected = table.get(name, LOGIN if user is None else table.get("*"))
            got = r.status_code
            if expected == OK:
                self.assertIn(got, (200, 302), f"{method} {url} as {name}: {got}")
                self.assertFalse(got == 302 and "/dang-nhap/" in r["Location"], f"{method} {url} as {name}")
            else:
                self.assertEqual(got, expected, f"{method} {url} as {name}")
                if expected == LOGIN:
                    self.assertIn("/dang-nhap/", r["Location"])

    def test_read_pages(self):
        p = self.program.pk
        for url in [
            "/chuong-trinh/",
            f"/chuong-trinh/{p}/",
            f"/chuong-trinh/{p}/nhiem-vu/1/",
            f"/chuong-trinh/{p}/phan-cong/",
            f"/chuong-trinh/{p}/ke-hoach/",
            f"/chuong-trinh/{p}/dinh-ky/",
            f"/chuong-trinh/{p}/qua-han/",
            f"/chuong-trinh/{p}/tien-do/",
            "/kien-nghi/",
            "/kien-nghi/xuat.xlsx",
        ]:
            self.expect("get", url, {"*": OK})
        self.expect("get", "/cong-khai/", {"*": OK, "anonymous": OK})

    def test_own_objects(self):
        own = {"admin": OK, "officer": OK, "leader": OK, "alice": OK, "anna": OK, "bob": NF, "nobody": NF}
        self.expect("get", f"/tien-do/{self.report.pk}/", own)
        self.expect("get", f"/tien-do/minh-chung/{self.ev.pk}/", own)
        self.expect("get", f"/ke-hoach/{self.plan.pk}/", own)
        self.expect("get", f"/kien-nghi/{self.rec.pk}/", own)

    def test_agency_writes(self):
        write = {"alice": OK, "anna": OK, "admin": RO, "officer": RO, "leader": RO, "bob": NF, "nobody": NF}
        self.expect(
            "post",
            f"/tien-do/{self.report.pk}/luu/",
            write,
            {"task_status": "on_track", "percent": "10", "narrative": "x"},
        )
        self.expect(
            "post",
            f"/tien-do/{self.report.pk}/gui/",
            {"anna": OK, "alice": RO, "admin": RO, "officer": RO, "leader": RO, "bob": NF, "nobody": NF},
        )
        self.expect("get", "/kien-nghi/moi/", {"alice": OK, "anna": OK, "bob": OK, "*": RO})
        self.expect(
            "post",
            f"/chuong-trinh/{self.program.pk}/tien-do/mo/",
            {"alice": OK, "anna": OK, "*": RO},
            {"task": 1, "agency": self.a.pk, "quy": "2017-3"},
        )

    def test_department_writes(self):
        dept = {"admin": OK, "officer": OK, "alice": RO, "anna": RO, "leader": RO, "bob": NF, "nobody": NF}
        self.expect("post", f"/tien-do/{self.report.pk}/phe-duyet/", dept)
        self.expect("post", f"/tien-do/{self.report.pk}/tra-lai/", dept, {"reason": "x"})
        self.expect("post", f"/kien-nghi/{self.rec.pk}/xu-ly/", dept, {"action": "comment", "text": "x"})
        self.expect(
            "post",
            f"/chuong-trinh/{self.program.pk}/qua-han/nhac-nho/",
            {"admin": OK, "officer": OK, "*": RO},
        )
        self.expect(
            "post",
            f"/dinh-ky/{self.occ.pk}/ghi-nhan/",
            {"admin": OK, "officer": OK, "*": RO},
            {"done_on": "01/10/2017"},
        )

    def test_evidence_upload(self):
        from django.core.files.uploadedfile import SimpleUploadedFile

        table = {"alice": OK, "anna": OK, "admin": RO, "officer": RO, "leader": RO, "bob": NF, "nobody": NF}
        for name, expected in table.items():
            self.login(getattr(self, name))
            r = self.client.post(
                f"/tien-do/{self.report.pk}/minh-chung/", {"file": SimpleUploadedFile("b.pdf", b"%PDF-1.4 y")}
            )
            self.assertEqual(r.status_code, 302 if expected == OK else expected, name)

    def test_guessed_ids_are_404(self):
        self.login(self.alice)
        for url in [
            "/chuong-trinh/999/",
            "/chuong-trinh/999/qua-han/",
            f"/chuong-trinh/{self.program.pk}/nhiem-vu/99/",
            "/tien-do/999999/",
            "/tien-do/minh-chung/999999/",
            "/ke-hoach/999999/",
            "/kien-nghi/999999/",
        ]:
            self.assertEqual(self.client.get(url).status_code, 404, url)
