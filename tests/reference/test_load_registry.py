"""Tests of chiso.reference.load_registry: the shipped units, their history and agencies."""

from __future__ import annotations

import unittest
from collections import Counter
from datetime import date, timedelta

from chiso.engine.errors import UnitError
from chiso.reference import agency_types, load_registry

MERGER = date(2025, 7, 1)
BEFORE = date(2025, 6, 30)


class LoadRegistryTestCase(unittest.TestCase):
    def setUp(self):
        self.reg = load_registry()

    def test_it_is_cached(self):
        self.assertIs(load_registry(), self.reg)

    def test_it_has_63_then_34_provinces(self):
        self.assertEqual(len(self.reg.units_at("2022-12-31")), 63)
        self.assertEqual(len(self.reg.units_at(BEFORE)), 63)
        self.assertEqual(len(self.reg.units_at(MERGER)), 34)
        self.assertEqual(len(self.reg.units_at("2030-01-01")), 34)

    def test_it_has_unique_codes_at_every_change_date(self):
        changes = {u.valid_from for u in self.reg if u.valid_from} | {
            u.valid_to for u in self.reg if u.valid_to
        }
        for d in sorted(changes) + [date(2020, 1, 1)]:
            for level in ("province", "district", "commune", "agency"):
                for day in (d, d - timedelta(days=1)):
                    codes = Counter(u.code for u in self.reg.units_at(day, level))
                    self.assertEqual([c for c, n in codes.items() if n > 1], [], f"{level} {day}")

    def test_it_has_unique_names_among_provinces_at_a_date(self):
        for d in (date(2022, 12, 31), MERGER):
            names = Counter(u.short_name for u in self.reg.units_at(d))
            self.assertEqual(max(names.values()), 1)

    def test_it_gives_every_one_of_the_63_a_successor_among_the_34(self):
        after = {u.id for u in self.reg.units_at(MERGER)}
        for unit in self.reg.units_at(BEFORE):
            self.assertIn(self.reg.successor_at(unit, MERGER).id, after, unit.name)

    def test_it_lists_the_predecessors_of_the_34(self):
        before = {u.id for u in self.reg.units_at(BEFORE)}
        counts = Counter()
        for unit in self.reg.units_at(MERGER):
            preds = self.reg.predecessors(unit)
            if unit.valid_from == MERGER:
                self.assertGreaterEqual(len(preds), 2, unit.name)
                self.assertTrue({p.id for p in preds} <= before)
            else:  # unchanged on 01/07/2025
                self.assertTrue(unit.id in before, unit.name)
            counts[len(preds)] += 1
        self.assertEqual(sum(n for k, n in counts.items() if k >= 2), 23)

    def test_it_merges_ha_nam_into_ninh_binh(self):
        ha_nam = self.reg.resolve("Hà Nam", as_of="2022-12-31")
        self.assertEqual((ha_nam.code, ha_nam.name, ha_nam.kind), ("35", "Tỉnh Hà Nam", "tỉnh"))
        self.assertEqual(ha_nam.name_en, "Ha Nam Province")
        self.assertEqual(ha_nam.valid_to, MERGER)
        ninh_binh = self.reg.successor_at(ha_nam, MERGER)
        self.assertEqual(
            (ninh_binh.code, ninh_binh.name, ninh_binh.valid_from), ("37", "Tỉnh Ninh Bình", MERGER)
        )
        self.assertEqual(
            [u.short_name for u in self.reg.predecessors(ninh_binh)], ["Hà Nam", "Nam Định", "Ninh Bình"]
        )

    def test_it_renames_thua_thien_hue(self):
        tth = self.reg.resolve("Thừa Thiên - Huế", as_of="2024-12-31")
        self.assertEqual((tth.code, tth.valid_to), ("46", date(2025, 1, 1)))
        hue = self.reg.successor_at(tth, "2025-01-01")
        self.assertEqual((hue.name, hue.kind), ("Thành phố Huế", "thành phố trực thuộc trung ương"))
        self.assertIsNone(hue.valid_to)
        self.assertEqual(self.reg.resolve("TP. Huế", as_of=MERGER), hue)
        self.assertEqual(self.reg.merge_map(["46"], MERGER, former_as_of="2024-06-01"), {"46": ["46"]})

    def test_it_maps_the_dti_2024_merger(self):
        codes = [u.code for u in self.reg.units_at(BEFORE)]
        got = self.reg.merge_map(codes, MERGER)
        self.assertEqual(len(got), 34)
        self.assertEqual(sorted(c for olds in got.values() for c in olds), sorted(codes))
        self.assertEqual(got["37"], ["35", "36", "37"])
        self.assertEqual(got["24"], ["24", "27"])  # code 24 = Bắc Giang before, the merged Bắc Ninh after
        self.assertEqual(got["01"], ["01"])

    def test_it_kinds_cities(self):
        cities = sorted(u.short_name for u in self.reg.units_at(MERGER) if u.kind.startswith("thành phố"))
        self.assertEqual(cities, ["Cần Thơ", "Huế", "Hà Nội", "Hải Phòng", "Hồ Chí Minh", "Đà Nẵng"])

    def test_it_has_ha_nam_districts(self):
        districts = self.reg.units_at("2025-03-01", "district")
        self.assertEqual(
            [(u.code, u.name) for u in districts],
            [
                ("347", "Thành phố Phủ Lý"),
                ("349", "Thị xã Duy Tiên"),
                ("350", "Thị xã Kim Bảng"),
                ("351", "Huyện Thanh Liêm"),
                ("352", "Huyện Bình Lục"),
                ("353", "Huyện Lý Nhân"),
            ],
        )
        self.assertEqual(self.reg.units_at(MERGER, "district"), [])
        self.assertEqual(
            self.reg.resolve("Kim Bảng", level="district", as_of="2022-06-01").name, "Huyện Kim Bảng"
        )
        self.assertEqual(self.reg.resolve("Phủ Lý", level="district", as_of="2022-06-01").parent_id, "P35")

    def test_it_has_ha_nam_communes(self):
        before = self.reg.units_at(BEFORE, "commune")
        after = self.reg.units_at(MERGER, "commune")
        self.assertEqual((len(before), len(after)), (98, 33))
        quang_trung = self.reg.resolve("Phường Quang Trung", level="commune", as_of=BEFORE)
        self.assertEqual((quang_trung.code, quang_trung.parent_id), ("13285", "D347"))
        self.assertEqual(self.reg.successor_at(quang_trung, MERGER).name, "Phường Hà Nam")
        after_ids = {u.id for u in after}
        for commune in before:
            self.assertTrue(set(commune.successor_ids) <= after_ids, commune.name)
        for commune in after:
            self.assertTrue(self.reg.predecessors(commune), commune.name)
            self.assertEqual(commune.parent_id, "P37@2025-07-01")

    def test_it_merges_the_department_of_information(self):
        stttt = self.reg.resolve(
            "Sở Thông tin và Truyền thông tỉnh Hà Nam", level="agency", as_of="2024-01-01"
        )
        self.assertEqual((stttt.code, stttt.kind, stttt.valid_to), ("35.STTTT", "STTTT", date(2025, 3, 1)))
        skhcn = self.reg.successor_at(stttt, "2025-03-01")
        self.assertEqual(
            (skhcn.name, skhcn.valid_from), ("Sở Khoa học và Công nghệ tỉnh Hà Nam", date(2025, 3, 1))
        )
        self.assertEqual([u.code for u in self.reg.predecessors(skhcn)], ["35.SKHCN", "35.STTTT"])
        self.assertEqual(self.reg.successor_at(stttt, MERGER).name, "Sở Khoa học và Công nghệ tỉnh Ninh Bình")
        self.assertEqual(self.reg.resolve("Sở TT&TT Hà Nam", level="agency").id, "A35.STTTT")
        with self.assertRaises(UnitError) as cm:
            self.reg.resolve("Sở Thông tin và Truyền thông tỉnh Hà Nam", level="agency", as_of="2025-03-01")
        self.assertTrue(str(cm.exception).endswith("; successor: Sở KH&CN Hà Nam"))

    def test_it_has_agency_types(self):
        types = {t["code"]: t for t in agency_types()}
        self.assertEqual(types["STTTT"]["valid_to"], "2025-03-01")
        self.assertEqual(types["STTTT"]["successor"], "SKHCN")
        self.assertEqual({u.kind for u in self.reg if u.level == "agency"} - set(types), set())

    def test_it_records_a_source_for_every_unit(self):
        self.assertEqual([u.id for u in self.reg if not u.source], [])
