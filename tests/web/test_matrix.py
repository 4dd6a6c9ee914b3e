from __future__ import annotations

from chiso.orgs.models import AuditEntry, Responsibility

from .base import BaseTestCase


class MatrixTestCase(BaseTestCase):
    def test_it_shows_the_table(self):
        self.login(self.alice)
        r = self.client.get("/ma-tran/test-fw/")
        self.assertContains(r, "Nhân lực")
        self.assertContains(r, "Sở Nội vụ")
        self.assertNotContains(r, "/ma-tran/test-fw/staff/")  # no edit links for agencies


class MatrixEditTestCase(BaseTestCase):
    def test_it_edits_and_audits(self):
        self.login(self.admin)
        r = self.client.post("/ma-tran/test-fw/staff/", {"lead": [self.b.pk], "support": [self.a.pk],
                                                         "reason": "Phân công lại"})
        self.assertEqual(r.status_code, 302)
        rows = set(Responsibility.objects.filter(code="staff").values_list("agency__code", "role"))
        self.assertEqual(rows, {("B", "lead"), ("A", "support")})
        entry = AuditEntry.objects.get(action="matrix.change")
        self.assertEqual(entry.before, {"lead": [self.a.pk], "support": []})
        self.assertEqual(entry.reason, "Phân công lại")

    def test_it_refuses_lead_and_support_at_once(self):
        self.login(self.admin)
        r = self.client.post("/ma-tran/test-fw/staff/", {"lead": [self.a.pk], "support": [self.a.pk]})
        self.assertContains(r, "vừa chủ trì vừa phối hợp")

    def test_it_is_forbidden_to_agencies(self):
        self.login(self.alice)
        self.assertEqual(self.client.post("/ma-tran/test-fw/staff/", {"lead": [self.b.pk]}).status_code, 403)
        self.assertTrue(Responsibility.objects.filter(code="staff", agency=self.a).exists())


class ShortNamesTestCase(BaseTestCase):
    def test_many_local_bodies_are_counted_few_are_named(self):
        from chiso.collection.matrix import short_names
        from chiso.orgs.models import Agency

        communes = [Agency.objects.create(code=f"X{i}", name=f"UBND xã {i}", kind=Agency.Kind.COMMUNE,
                                          unit=self.province) for i in range(5)]
        self.assertEqual(short_names([self.a, *communes]), f"{self.a}, UBND 5 xã, phường")
        self.assertEqual(short_names([self.a, *communes[:2]]), f"{self.a}, UBND xã 0, UBND xã 1")
        self.assertEqual(short_names([]), "")
