from __future__ import annotations

from chiso.results.models import Goalpost, PublishedTable, PublishedValue, Target

from .base import DTI, ResultsTestCase


class GoalsTestCase(ResultsTestCase):
    url = "/ket-qua/muc-tieu/test-fw/"

    def test_it_shows_target_and_goalposts(self):
        Target.objects.create(framework_id="test-fw", rank=5, basis="Kế hoạch 2024")
        Goalpost.objects.create(framework_id="test-fw", code="total_staff", lo=0, hi=20.5, source="Sở nhập")
        table = PublishedTable.objects.create(framework_id="test-fw", year=2023, title="Công bố 2023")
        for ref, v in (("P01", 2.0), ("P02", 6.0)):
            PublishedValue.objects.create(table=table, unit_ref=ref, unit_name=ref, code="it_staff", value=v)
        self.login(self.leader)
        r = self.client.get(self.url)
        self.assertContains(r, "Kế hoạch 2024")
        self.assertContains(r, '<strong class="big">5</strong>', html=False)
        self.assertContains(r, "20,5")
        self.assertContains(r, "mốc tính từ bảng “Công bố 2023” (2 tỉnh)")  # it_staff: fitted, 2 – 6
        self.assertContains(r, "Chưa có mốc")  # pct_online: neither entered nor published
        self.assertNotContains(r, "/ket-qua/muc-tieu/test-fw/moc/")  # read-only for leadership

    def test_it_links_the_edit_pages_for_the_department(self):
        self.login(self.officer)
        r = self.client.get(self.url)
        self.assertContains(r, "/ket-qua/muc-tieu/test-fw/moc/")
        self.assertContains(r, "/ket-qua/muc-tieu/test-fw/hang/")

    def test_it_shows_the_default_target(self):
        self.login(self.alice)
        r = self.client.get(f"/ket-qua/muc-tieu/{DTI}/")
        # no target recorded: rank 20, shown as a default, not attributed to any decision
        self.assertContains(r, "Mặc định (chưa nhập)")
        self.assertNotContains(r, "QĐ 936")
        self.assertContains(r, '<strong class="big">20</strong>', html=False)

    def test_it_requires_sign_in(self):
        r = self.client.get(self.url)
        self.assertEqual(r.status_code, 302)
        self.assertIn("/dang-nhap/", r["Location"])

    def test_it_404s_unknown_framework(self):
        self.login(self.alice)
        self.assertEqual(self.client.get("/ket-qua/muc-tieu/no-such-fw/").status_code, 404)
