from __future__ import annotations

from django.contrib.auth import authenticate
from django.core.management import call_command
from django.test import TestCase

from chiso.collection.models import Round
from chiso.orgs.models import Agency, Responsibility, Unit


class LoadReferenceCaseTestCase(TestCase):
    def test_it_loads_hanam_and_qd936(self):
        call_command("load_reference_case", "--demo", verbosity=0)
        call_command("load_reference_case", "--demo", verbosity=0)  # idempotent
        self.assertEqual(Unit.objects.get(ref_id="P35").name, "Tỉnh Hà Nam")
        self.assertEqual(Unit.objects.filter(kind="district", parent__ref_id="P35").count(), 7)
        sttt = Agency.objects.get(code="A35.STTTT")
        self.assertTrue(sttt.is_standing_body)
        self.assertEqual(sttt.successor.code, "A35.SKHCN@2025-03-01")
        for code in ["A35.SNV", "A35.STP", "A35.SGDDT", "A35.SKHDT", "A35.STC", "A35.BAOHANAM", "A35.DAIPTTH"]:
            self.assertTrue(Agency.objects.filter(code=code).exists(), code)
        lead = set(Responsibility.objects.filter(role="lead", agency__code="A35.STTTT").values_list("code", flat=True))
        self.assertEqual(lead, {"htkt_xa_hoi", "htkt_cqnn", "ud_noi_bo"})
        self.assertEqual(Responsibility.objects.get(role="lead", agency__code="A35.STP").code, "dvctt")
        self.assertEqual(Round.objects.filter(is_demo=True).count(), 2)
        self.assertIsNotNone(authenticate(username="sonoivu.nhaplieu", password="chiso-demo-2017"))

    def test_demo_pages_are_labelled(self):
        call_command("load_reference_case", "--demo", verbosity=0)
        # the home page lists the demo form waiting for Sở GD&ĐT (returned): labelled
        self.client.login(username="sogddt.nhaplieu", password="chiso-demo-2017")
        r = self.client.get("/")
        self.assertContains(r, "DỮ LIỆU MINH HỌA")
        self.assertContains(r, "Sửa biểu mẫu bị trả lại")
        self.client.login(username="sonoivu.nhaplieu", password="chiso-demo-2017")
        sub = Round.objects.get(year=2017).submissions.get(agency__code="A35.SNV")
        self.assertContains(self.client.get(f"/bieu-mau/{sub.pk}/"), "DỮ LIỆU MINH HỌA")
