"""Issue 10 item 7 (Excel import): a value saved by someone else between the preview and the
confirmation is not overwritten. The import writes nothing, and the page says which indicator, the
value the user saw, the newer value, who saved it and when; a new upload previews the new state."""

from __future__ import annotations

import datetime as dt

import time_machine
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from chiso.collection.models import Value
from chiso.orgs.models import AuditEntry, Membership
from corpus import hostile

from .base import BaseTestCase

WHEN = dt.datetime(2026, 3, 2, 9, 41, tzinfo=dt.UTC)  # 16:41 in Hà Nội


def book(rows) -> SimpleUploadedFile:
    return SimpleUploadedFile("bm.xlsx", hostile.xlsx(hostile.sheet_xml([["Mã chỉ số", "Giá trị"], *rows])))


class StaleImportTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        # A second officer of agency A, working on the same form in her own browser.
        cls.an = User.objects.create_user("an", "an@example.org", first_name="An", last_name="Trần")
        Membership.objects.create(user=cls.an, agency=cls.a, role="agency_officer")

    def setUp(self):
        super().setUp()
        self.fill_a(total="10", it="2", portal="1")  # alice's values, version 1 each
        self.login(self.alice)
        self.an_client = Client()
        self.an_client.force_login(self.an)
        self.when = (timezone.now() - dt.timedelta(minutes=5)).replace(second=0, microsecond=0)

    def preview(self, rows):
        r = self.client.post(f"/bieu-mau/{self.sub_a.pk}/nhap-excel/", {"file": book(rows)})
        self.assertEqual(r.status_code, 200, r.content.decode()[-2000:])
        return r.context["token"]

    def confirm(self, token):
        return self.client.post(f"/bieu-mau/{self.sub_a.pk}/nhap-excel/xac-nhan/", {"token": token})

    def an_saves(self, code, value):
        with time_machine.travel(self.when, tick=False):
            r = self.an_client.post(f"/bieu-mau/{self.sub_a.pk}/chi-so/{code}/", {"value": value})
        self.assertEqual(r.status_code, 302)

    def numbers(self):
        return dict(Value.objects.filter(submission=self.sub_a).values_list("code", "number"))

    def test_it_writes_nothing_and_names_the_newer_value(self):
        token = self.preview([["total_staff", 20], ["it_staff", 3]])
        self.an_saves("total_staff", "15")
        audits = AuditEntry.objects.count()
        r = self.confirm(token)
        self.assertEqual(r.status_code, 409)
        self.assertEqual(self.numbers(), {"total_staff": 15.0, "it_staff": 2.0, "has_portal": 1.0})
        self.assertEqual(AuditEntry.objects.count(), audits)
        self.assertEqual(r.context["stale"], [{
            "code": "total_staff", "name": "Tổng số cán bộ", "seen": "10", "now": "15", "by": "An Trần",
            "at": self.when,
        }])
        self.assertContains(r, "không có giá trị nào được ghi", status_code=409)
        local = timezone.localtime(self.when).strftime("%d/%m/%Y %H:%M")
        self.assertContains(r, f"<td>10</td><td>15</td><td>An Trần</td><td>{local}</td>", status_code=409)

    def test_a_new_upload_previews_the_newer_value_and_then_writes(self):
        token = self.preview([["total_staff", 20]])
        self.an_saves("total_staff", "15")
        self.assertEqual(self.confirm(token).status_code, 409)
        self.assertEqual(self.confirm(token).status_code, 302)  # the old preview is gone: upload again
        self.assertEqual(self.numbers()["total_staff"], 15.0)
        token = self.preview([["total_staff", 20]])
        r = self.confirm(token)
        self.assertRedirects(r, f"/bieu-mau/{self.sub_a.pk}/")
        v = Value.objects.get(submission=self.sub_a, code="total_staff")
        self.assertEqual((v.number, v.version, v.updated_by), (20.0, 3, self.alice))

    def test_it_refuses_when_someone_filled_an_empty_value_after_the_preview(self):
        Value.objects.filter(submission=self.sub_a, code="it_staff").delete()
        token = self.preview([["total_staff", 10], ["it_staff", 3]])
        self.an_saves("it_staff", "4")
        r = self.confirm(token)
        self.assertEqual(r.status_code, 409)
        self.assertEqual([(s["code"], s["seen"], s["now"]) for s in r.context["stale"]], [("it_staff", "", "4")])
        self.assertEqual(self.numbers()["it_staff"], 4.0)

    def test_an_unchanged_form_imports_as_before(self):
        token = self.preview([["total_staff", 12]])
        self.an_saves("it_staff", "1")  # another indicator than the file's: no conflict
        self.assertEqual(self.confirm(token).status_code, 302)
        self.assertEqual(self.numbers(), {"total_staff": 12.0, "it_staff": 1.0, "has_portal": 1.0})
        self.assertLess(timezone.now() - Value.objects.get(submission=self.sub_a, code="total_staff").updated_at,
                        dt.timedelta(minutes=1))
