"""Every URL × every role: not yours -> 404, yours but read-only -> 403, never 500."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from chiso.collection.models import Evidence, Value

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
