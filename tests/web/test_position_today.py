"""The province today and across its merger (issue 11, item 6): the home page names the province and
standing body in force today and lists the DTI figures of the province and of the provinces it was
formed from; a merged province's figure for a year before the merger is derived as the ministry
derives the 34-province basis (each main index the mean of the former provinces', ranked among the
merged provinces), and labelled as such."""

from __future__ import annotations

import datetime as dt

from django.test import TestCase

from chiso.orgs.models import Agency, Unit
from chiso.results.models import PublishedTable, PublishedValue
from chiso.results.services import position_today

DTI = "vn-dti-2022-province"
MAINS = ["nhan_thuc_so", "the_che_so", "ha_tang_so", "nhan_luc_so", "an_toan_thong_tin_mang",
         "do_thi_thong_minh", "hoat_dong_chinh_quyen_so", "hoat_dong_kinh_te_so", "hoat_dong_xa_hoi_so"]
REFORM = dt.date(2025, 7, 1)
TODAY = dt.date(2026, 12, 7)


class PositionTodayTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.new = Unit.objects.create(ref_id="P37@2025-07-01", code="37", name="Tỉnh Ninh Bình", kind="province",
                                      valid_from=REFORM)
        for ref, code, name in [("P35", "35", "Tỉnh Hà Nam"), ("P36", "36", "Tỉnh Nam Định"),
                                ("P37", "37", "Tỉnh Ninh Bình")]:
            Unit.objects.create(ref_id=ref, code=code, name=name, kind="province", valid_to=REFORM, successor=cls.new)
        for i in range(3):
            Unit.objects.create(ref_id=f"X{i}", code=f"9{i}", name=f"Phường {i}", kind="commune", parent=cls.new,
                                valid_from=REFORM)
        Agency.objects.create(code="NB.SKHCN", name="Sở Khoa học và Công nghệ tỉnh Ninh Bình", kind="department",
                              unit=cls.new, is_standing_body=True, valid_from=REFORM)
        old = Unit.objects.get(ref_id="P35")
        Agency.objects.create(code="HN.STTTT", name="Sở Thông tin và Truyền thông tỉnh Hà Nam", kind="department",
                              unit=old, is_standing_body=True, valid_to=dt.date(2025, 3, 1))
        # Every main index of a province the same value x: its DTI is x (the maxima sum to 1 000).
        demo = PublishedTable.objects.create(framework_id=DTI, year=2022, title="DTI 2022 (minh họa)", kind="demo",
                                             is_demo=True, source="minh họa")
        for ref, name, x in [("P35", "Hà Nam", 0.5), ("P36", "Nam Định", 0.6), ("P37", "Ninh Bình", 0.7),
                             ("P01", "Hà Nội", 0.65), ("P48", "Đà Nẵng", 0.8), ("P49", "Quảng Nam", 0.4)]:
            for code in MAINS:
                PublishedValue.objects.create(table=demo, unit_ref=ref, unit_name=name, code=code, value=x)
        ranks = PublishedTable.objects.create(framework_id=DTI, year=2022, title="DTI 2022 xếp hạng", kind="published",
                                              source="https://dti.gov.vn/xep-hang-2022")
        PublishedValue.objects.create(table=ranks, unit_ref="P36", unit_name="Nam Định", code="dti", rank=10,
                                      source="https://dti.gov.vn/xep-hang-2022")

    def test_it_names_the_province_and_standing_body_in_force(self):
        p = position_today(TODAY)
        self.assertEqual(p["province"].ref_id, "P37@2025-07-01")
        self.assertEqual([u.name for u in p["former"]], ["Tỉnh Hà Nam", "Tỉnh Nam Định", "Tỉnh Ninh Bình"])
        self.assertEqual(p["standing_body"].code, "NB.SKHCN")
        self.assertEqual(p["communes"], 3)
        before = position_today(dt.date(2017, 6, 23))
        self.assertEqual(before["standing_body"].code, "HN.STTTT")

    def test_it_derives_the_merged_province_as_the_ministry_does(self):
        points = position_today(TODAY)["points"]
        published = [p for p in points if not p.derived]
        self.assertEqual([(p.unit, p.rank, p.basis) for p in published], [("Nam Định", 10, 63)])
        (merged,) = [p for p in points if p.derived]
        # (0.5 + 0.6 + 0.7) / 3 = 0.6; merged Đà Nẵng (0.8 + 0.4) / 2 = 0.6 ties it; Hà Nội 0.65 leads.
        self.assertAlmostEqual(merged.value, 0.6, places=12)
        self.assertEqual((merged.rank, merged.basis, merged.is_demo), (2, 3, True))

    def test_the_home_page_shows_it_labelled(self):
        r = self.client.get("/")
        self.assertContains(r, 'id="position-today"')
        self.assertContains(r, "Tỉnh Ninh Bình hôm nay")
        self.assertContains(r, "Sở Khoa học và Công nghệ tỉnh Ninh Bình")
        self.assertContains(r, "0,6000")
        self.assertContains(r, "trung bình của các tỉnh cũ")
        self.assertContains(r, "DỮ LIỆU MINH HỌA")
