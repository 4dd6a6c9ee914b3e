"""The country-wide reference data: both bases, succession, provincial agencies, the lookup API.

Expected counts are the GSO lists' (vietnamadminunits 1.0.4, counted there with SQL): 63 provinces,
696 district-level units and 10 035 communes on 30/06/2025; 34 provinces and 3 321 communes, wards
and special zones (687 phường, 2 621 xã, 13 đặc khu) from 01/07/2025.
"""

from __future__ import annotations

import unittest
from collections import Counter
from datetime import date

from chiso import reference
from chiso.engine.errors import UnitError

BEFORE, MERGER, MARCH = date(2025, 6, 30), date(2025, 7, 1), date(2025, 3, 1)


class CountryUnitsTestCase(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.reg = reference.load_country_registry()

    def test_it_is_cached(self):
        self.assertIs(reference.load_country_registry(), self.reg)

    def test_it_has_both_bases(self):
        self.assertEqual(len(self.reg.units_at(BEFORE)), 63)
        self.assertEqual(len(self.reg.units_at(BEFORE, "district")), 696)
        self.assertEqual(len(self.reg.units_at(BEFORE, "commune")), 10035)
        self.assertEqual(len(self.reg.units_at(MERGER)), 34)
        self.assertEqual(self.reg.units_at(MERGER, "district"), [])
        after = self.reg.units_at(MERGER, "commune")
        self.assertEqual(Counter(u.kind for u in after), {"phường": 687, "xã": 2621, "đặc khu": 13})

    def test_units_in_force_add_up_to_the_country(self):
        for day, level, total in (
            (BEFORE, "commune", 10035),
            (MERGER, "commune", 3321),
            (BEFORE, "district", 696),
        ):
            n = sum(
                Counter(u.level for u in reference.units_in_force(p, day))[level]
                for p in self.reg.units_at(day)
            )
            self.assertEqual(n, total, (day, level))

    def test_every_former_commune_goes_to_a_commune_of_its_provinces_successor(self):
        for commune in self.reg.units_at(BEFORE, "commune"):
            new = self.reg.successor_at(commune, MERGER)
            province = self.reg.get(self.reg.get(commune.parent_id).parent_id)
            self.assertEqual(new.parent_id, self.reg.successor_at(province, MERGER).id, commune.id)

    def test_every_new_commune_has_predecessors(self):
        empty = [u.id for u in self.reg.units_at(MERGER, "commune") if not reference.predecessors(u.id)]
        self.assertEqual(empty, [])

    def test_districts_without_communes_became_one_unit(self):
        con_co = self.reg.resolve("Cồn Cỏ", level="district", as_of=BEFORE)
        self.assertEqual(self.reg.successor_at(con_co, MERGER).name, "Đặc khu Cồn Cỏ")

    def test_ha_nam_rows_are_those_of_hanam_units_csv(self):
        hanam = {r["id"]: r for r in reference.unit_records()}
        country = [r for r in reference.country_unit_records() if r["id"] in hanam]
        self.assertEqual(len(country), len(hanam))
        self.assertEqual({r["id"]: r for r in country}, hanam)
        self.assertEqual(
            len({r["id"] for r in reference.country_unit_records()}), len(reference.country_unit_records())
        )

    def test_thua_thien_hue_keeps_its_districts_before_the_rename(self):
        units = reference.units_in_force("Thừa Thiên Huế", "2024-06-01")
        self.assertEqual(units[0].name, "Tỉnh Thừa Thiên Huế")
        self.assertGreater(Counter(u.level for u in units)["district"], 0)


class FindProvinceTestCase(unittest.TestCase):
    def test_it_ignores_accents_case_and_prefixes(self):
        for name in ("quang ninh", "Tỉnh Quảng Ninh", "QUẢNG NINH"):
            self.assertEqual(reference.find_province(name, "2026-01-01").id, "P22")
        self.assertEqual(reference.find_province("TP.HCM", "2026-01-01").short_name, "Hồ Chí Minh")

    def test_it_suggests_and_refuses(self):
        with self.assertRaises(UnitError) as cm:
            reference.find_province("Quang Nimh", "2026-01-01")
        self.assertEqual(cm.exception.code, "unknown_unit")
        self.assertIn("Quảng Ninh", cm.exception.params["suggestions"])
        with self.assertRaises(UnitError) as cm:
            reference.find_province("Ninh", "2024-12-31")
        self.assertEqual(
            (cm.exception.code, cm.exception.params["suggestions"]),
            ("ambiguous_unit", ["Ninh Bình", "Ninh Thuận"]),
        )
        with self.assertRaises(UnitError) as cm:
            reference.find_province("Hà Nam", "2026-01-01")
        self.assertEqual(cm.exception.code, "unit_not_valid")

    def test_lineage_walks_back_through_the_merger(self):
        self.assertEqual(
            [u.id for u in reference.lineage("P37@2025-07-01")], ["P35", "P36", "P37", "P37@2025-07-01"]
        )
        self.assertEqual([u.id for u in reference.lineage("P22")], ["P22"])


class ProvinceAgenciesTestCase(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        reg = reference.load_country_registry()
        provinces = [u for u in reg if u.level == "province"]
        cls.rows = {p.id: reference.province_agencies(p) for p in provinces}
        cls.by_id = {r["id"]: r for rows in cls.rows.values() for r in rows}

    @staticmethod
    def valid(row, day):
        return (not row["valid_from"] or row["valid_from"] <= day.isoformat()) and (
            not row["valid_to"] or day.isoformat() < row["valid_to"]
        )

    def test_one_standing_body_per_province_on_every_date(self):
        reg = reference.load_country_registry()
        for day, body in (
            (date(2024, 12, 31), "STTTT"),
            (MARCH, "SKHCN"),
            (BEFORE, "SKHCN"),
            (MERGER, "SKHCN"),
        ):
            for p in reg.units_at(day):
                got = [r["type"] for r in self.rows[p.id] if r["standing_body"] and self.valid(r, day)]
                self.assertEqual(got, [body], (p.name, day))

    def test_every_body_that_ends_names_a_successor_in_force_on_that_day(self):
        for row in self.by_id.values():
            if not row["valid_to"] or row["type"] == "UBND_HUYEN":
                continue
            succ = self.by_id[row["successor_ids"].split(";")[0]]
            self.assertTrue(self.valid(succ, date.fromisoformat(row["valid_to"])), (row["id"], succ["id"]))

    def test_the_2025_mergers(self):
        expect = {"STTTT": "SKHCN", "SKHDT": "STC", "SGTVT": "SXD", "STNMT": "SNNMT", "SNNPTNT": "SNNMT",
                  "SLDTBXH": "SNV"}  # fmt: skip
        for old, new in expect.items():
            row = self.by_id[f"A22.{old}"]
            self.assertEqual(row["valid_to"], "2025-03-01")
            self.assertEqual(self.by_id[row["successor_ids"]]["type"], new)
        in_force = {r["type"] for r in self.rows["P22"] if self.valid(r, MERGER)}
        self.assertEqual(in_force & set(expect), set())
        self.assertLessEqual({"SKHCN", "STC", "SXD", "SNNMT", "SNV", "UBND_TINH", "UBND_XA"}, in_force)

    def test_ha_nam_agencies_keep_their_ids_and_names(self):
        for row in reference.agency_records():
            got = self.by_id[row["id"]]
            self.assertEqual((got["name"], got["valid_to"], got["successor_ids"]),
                             (row["name"], row["valid_to"], row["successor_ids"]))  # fmt: skip

    def test_every_agency_type_names_its_basis(self):
        types = reference.agency_types()
        codes = {t["code"] for t in types}
        for t in types:
            if t["valid_to"] or t["valid_from"]:
                self.assertTrue(t["source"], t["code"])
            if t["successor"]:
                self.assertIn(t["successor"], codes)
        for role in reference.agency_roles():
            self.assertIn(role["agency_type"], codes)
