"""Every URL × every role: not yours -> 404, yours but read-only -> 403, never 500."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from chiso.collection.models import Evidence, Value
from chiso.collection.round_dates import round_state

from .base import BaseTestCase

OK, RO, NF, LOGIN, NA = 200, 403, 404, 302, 405


class AccessMatrixTestCase(BaseTestCase):
    def setUp(self):
        if not Value.objects.filter(submission=self.sub_a).exists():
            self.fill_a()
        value = Value.objects.get(submission=self.sub_a, code="total_staff")
        ev = Evidence(value=value, original_name="a.pdf", content_type="application/pdf", size=9, sha256="x")
        ev.file.save("upload", SimpleUploadedFile("a.pdf", b"%PDF-1.4\n"), save=False)
        ev.save()
        self.ev = ev

    def expect(self, method, url, table, data=None):
        users = {"anonymous": None, "nobody": self.nobody, "admin": self.admin, "officer": self.officer,
                 "alice": self.alice, "anna": self.anna, "bob": self.bob, "leader": self.leader}
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

    def test_read_pages(self):
        a = self.sub_a.pk
        read_a = {"admin": OK, "officer": OK, "alice": OK, "anna": OK, "leader": OK, "bob": NF, "nobody": NF}
        for url in [f"/bieu-mau/{a}/", f"/bieu-mau/{a}/lich-su/", f"/bieu-mau/{a}/mau.xlsx",
                    f"/bieu-mau/{a}/chi-so/total_staff/lich-su/", f"/minh-chung/{self.ev.pk}/"]:
            self.expect("get", url, read_a)
        self.expect("get", f"/dot/{self.round.pk}/", {"*": OK, "nobody": NF})
        self.expect("get", "/", {"*": OK, "anonymous": OK})
        for url in ["/dot/", "/ma-tran/", "/ma-tran/test-fw/", "/co-quan/", "/thong-bao/"]:
            self.expect("get", url, {"*": OK})

    def test_write_endpoints(self):
        a = self.sub_a.pk
        write_a = {"alice": OK, "anna": OK, "admin": RO, "officer": RO, "leader": RO, "bob": NF, "nobody": NF}
        self.expect("post", f"/bieu-mau/{a}/chi-so/total_staff/", write_a, {"value": "10"})
        self.expect("post", f"/bieu-mau/{a}/luu/", write_a, {"value_total_staff": "10"})
        self.expect("get", f"/bieu-mau/{a}/nhap-excel/", write_a)
        self.expect("post", f"/bieu-mau/{a}/gui/",
                    {"anna": OK, "alice": RO, "admin": RO, "officer": RO, "leader": RO, "bob": NF, "nobody": NF})

    def test_department_endpoints(self):
        a = self.sub_a.pk
        dept = {"admin": OK, "officer": OK, "alice": RO, "anna": RO, "leader": RO, "bob": NF, "nobody": NF}
        self.expect("get", f"/bieu-mau/{a}/tra-lai/", dept)
        self.expect("post", f"/bieu-mau/{a}/phe-duyet/", dept)
        dept_all = {"admin": OK, "officer": OK, "*": RO}
        self.expect("get", "/dot/moi/", dept_all)
        self.expect("get", "/ma-tran/test-fw/staff/", dept_all)
        self.expect("post", f"/dot/{self.round.pk}/nhac-nho/", {"admin": OK, "officer": OK, "nobody": NF, "*": RO})

    def test_evidence_delete(self):
        table = {"alice": OK, "anna": OK, "admin": RO, "officer": RO, "leader": RO, "bob": NF, "nobody": NF}
        for name, expected in table.items():
            self.setUp()  # a fresh file for each user (a successful delete removes it)
            self.login(getattr(self, name))
            r = self.client.post(f"/minh-chung/{self.ev.pk}/xoa/")
            self.assertEqual(r.status_code, 302 if expected == OK else expected, name)
            self.assertEqual(Evidence.objects.filter(pk=self.ev.pk).exists(), expected != OK, name)

    def test_guessed_ids_are_404(self):
        self.login(self.alice)
        for url in ["/bieu-mau/999999/", "/minh-chung/999999/", "/dot/999999/", "/ma-tran/no-such-fw/"]:
            self.assertEqual(self.client.get(url).status_code, 404, url)


class OrganisationAccessTestCase(AccessMatrixTestCase):
    """/to-chuc/…: the department's admin changes; its officers and the leadership read (403 on a
    change); agency users and users without a role get 404; anonymous readers sign in first."""

    READ = {"admin": OK, "officer": OK, "leader": OK, "alice": NF, "anna": NF, "bob": NF, "nobody": NF}
    WRITE = {"admin": OK, "officer": RO, "leader": RO, "alice": NF, "anna": NF, "bob": NF, "nobody": NF}

    def test_read_pages(self):
        for url in ["/to-chuc/co-quan/", f"/to-chuc/co-quan/{self.a.pk}/", "/to-chuc/nguoi-dung/",
                    f"/to-chuc/nguoi-dung/{self.bob.pk}/", "/to-chuc/don-vi/", f"/to-chuc/don-vi/{self.province.pk}/",
                    "/to-chuc/dot/", f"/to-chuc/dot/thu-thap/{self.round.pk}/"]:
            self.expect("get", url, self.READ)
        for url in ["/to-chuc/co-quan/moi/", "/to-chuc/nguoi-dung/moi/"]:
            self.expect("get", url, self.WRITE)

    def test_write_endpoints(self):
        from django.utils import timezone

        from chiso.orgs import services
        from chiso.orgs.models import Membership

        def seen_a():
            self.a.refresh_from_db()
            return services.stamp(services.agency_state(self.a))

        def seen_bob():
            return services.stamp(services.user_state(type(self.bob).objects.get(pk=self.bob.pk)))

        self.expect("post", "/to-chuc/co-quan/moi/", self.WRITE,
                    {"name": "Sở Mới", "kind": "department", "unit": self.province.pk})
        self.expect("post", f"/to-chuc/co-quan/{self.a.pk}/doi-ten/", self.WRITE, {"seen": seen_a(), "name": "Sở X"})
        self.expect("post", f"/to-chuc/co-quan/{self.a.pk}/thuong-truc/", self.WRITE,
                    {"seen": seen_a(), "replace": "on", "reason": "QĐ"})
        self.expect("post", f"/to-chuc/co-quan/{self.b.pk}/ket-thuc/", self.WRITE,
                    {"seen": services.stamp(services.agency_state(self.b)), "ends_on": "01/07/2025", "reason": "QĐ"})
        self.expect("post", "/to-chuc/nguoi-dung/moi/", self.WRITE,
                    {"username": "moi", "full_name": "Người Mới", "password": "mat-khau-rat-dai-2026"})
        self.expect("post", f"/to-chuc/nguoi-dung/{self.bob.pk}/sua/", self.WRITE,
                    {"seen": seen_bob(), "full_name": "Bob"})
        self.expect("post", f"/to-chuc/nguoi-dung/{self.bob.pk}/vai-tro/", self.WRITE,
                    {"seen": seen_bob(), "agency": self.a.pk, "role": "agency_officer"})
        m = Membership.objects.get(user=self.bob, agency=self.a)
        self.expect("post", f"/to-chuc/nguoi-dung/{self.bob.pk}/vai-tro/{m.pk}/bo/", self.WRITE, {"seen": seen_bob()})
        # bella, who is not one of the visitors: a new password or a deactivation ends her sessions
        bella_seen = services.stamp(services.user_state(self.bella))
        self.expect("post", f"/to-chuc/nguoi-dung/{self.bella.pk}/mat-khau/", self.WRITE,
                    {"password": "mat-khau-rat-dai-2026"})
        self.expect("post", f"/to-chuc/nguoi-dung/{self.bella.pk}/trang-thai/", self.WRITE,
                    {"seen": bella_seen, "active": "False"})
        self.bella.refresh_from_db()
        self.assertTrue(self.bella.check_password("mat-khau-rat-dai-2026"))
        self.assertFalse(self.bella.is_active)
        self.expect("post", f"/to-chuc/don-vi/{self.province.pk}/", self.WRITE,
                    {"seen": services.stamp(services.unit_state(self.province)), "valid_from": "01/01/2004",
                     "reason": "NQ"})
        today = timezone.localdate()
        self.expect("post", f"/to-chuc/dot/thu-thap/{self.round.pk}/", self.WRITE,
                    {"seen": services.stamp(round_state(self.round)), "opens_on": f"{today:%d/%m/%Y}",
                     "due_on": f"{today:%d/%m/%Y}", "locks_on": f"{today:%d/%m/%Y}", "reason": "Gia hạn"})

    def test_guessed_ids_are_404(self):
        self.login(self.admin)
        for url in ["/to-chuc/co-quan/999999/", "/to-chuc/nguoi-dung/999999/", "/to-chuc/don-vi/999999/",
                    "/to-chuc/dot/thu-thap/999999/", "/to-chuc/dot/noi-bo/999999/",
                    "/to-chuc/co-quan/99999999999999999999/"]:
            self.assertEqual(self.client.get(url).status_code, 404, url)

    # the inherited tests run in AccessMatrixTestCase
    test_department_endpoints = test_evidence_delete = None
