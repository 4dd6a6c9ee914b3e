"""Tests of chiso.engine.units on a small hand-built registry (independent of the shipped data)."""

from __future__ import annotations

import unittest
from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from chiso.engine.errors import InputError, UnitError
from chiso.engine.units import Unit, UnitRegistry, fold_diacritics, normalize_name

MERGER = "2025-07-01"


def _p(uid, code, name, short, **kw):
    return {"id": uid, "level": "province", "code": code, "name": name, "short_name": short, **kw}


RECORDS = [
    _p("P01", "01", "Thành phố Hà Nội", "Hà Nội", name_en="Ha Noi City"),
    _p("P35", "35", "Tỉnh Hà Nam", "Hà Nam", valid_to=MERGER, successor_ids=f"P37@{MERGER}"),
    _p("P36", "36", "Tỉnh Nam Định", "Nam Định", valid_to=MERGER, successor_ids=f"P37@{MERGER}"),
    _p("P37", "37", "Tỉnh Ninh Bình", "Ninh Bình", valid_to=MERGER, successor_ids=f"P37@{MERGER}"),
    _p(f"P37@{MERGER}", "37", "Tỉnh Ninh Bình", "Ninh Bình", valid_from=MERGER),
    _p("P42", "42", "Tỉnh Hà Tĩnh", "Hà Tĩnh"),
    _p("P48", "48", "Thành phố Đà Nẵng", "Đà Nẵng", valid_to=MERGER, successor_ids=f"P48@{MERGER}"),
    _p("P49", "49", "Tỉnh Quảng Nam", "Quảng Nam", valid_to=MERGER, successor_ids=f"P48@{MERGER}"),
    _p(f"P48@{MERGER}", "48", "Thành phố Đà Nẵng", "Đà Nẵng", valid_from=MERGER),
    _p(
        "P46",
        "46",
        "Tỉnh Thừa Thiên Huế",
        "Thừa Thiên Huế",
        valid_to="2025-01-01",
        successor_ids="P46@2025-01-01",
        aliases="TT-Huế",
    ),
    _p("P46@2025-01-01", "46", "Thành phố Huế", "Huế", valid_from="2025-01-01"),
    _p("P24", "24", "Tỉnh Bắc Giang", "Bắc Giang", valid_to=MERGER, successor_ids=f"P24@{MERGER}"),
    _p("P27", "27", "Tỉnh Bắc Ninh", "Bắc Ninh", valid_to=MERGER, successor_ids=f"P24@{MERGER}"),
    _p(f"P24@{MERGER}", "24", "Tỉnh Bắc Ninh", "Bắc Ninh", valid_from=MERGER),
    _p("P38", "38", "Tỉnh Thanh Hóa", "Thanh Hóa"),
    {"id": "D347", "level": "district", "code": "347", "name": "Thành phố Phủ Lý", "valid_to": MERGER},
    {"id": "C13366", "level": "commune", "code": "13366", "name": "Phường Hà Nam", "valid_from": MERGER},
]


def registry() -> UnitRegistry:
    return UnitRegistry(RECORDS)


class NormalizeNameTestCase(unittest.TestCase):
    def test_it_strips_city_and_province_prefixes(self):
        keys = {
            normalize_name(s)
            for s in ("TP. Đà Nẵng", "TP Đà Nẵng", "Thành phố Đà Nẵng", "Đà Nẵng", "TP.Đà Nẵng")
        }
        self.assertEqual(keys, {"đà nẵng"})
        self.assertEqual(normalize_name("Tỉnh Hà Nam"), normalize_name("T. Hà Nam"))
        self.assertEqual(normalize_name("Tỉnh Hà Nam"), "hà nam")

    def test_it_ignores_hyphens_dashes_and_spaces(self):
        self.assertEqual(normalize_name("Thừa Thiên - Huế"), normalize_name("Thừa Thiên Huế"))
        self.assertEqual(normalize_name("Bà Rịa–Vũng Tàu"), normalize_name("  Bà Rịa -  Vũng   Tàu "))

    def test_it_keeps_diacritics_significant(self):
        self.assertNotEqual(normalize_name("Hà Nam"), normalize_name("Hà Nội"))
        self.assertNotEqual(normalize_name("Hà Nam"), normalize_name("Ha Nam"))

    def test_it_applies_nfc(self):
        decomposed = "Ha\u0300 Nam"  # "à" as a + combining grave
        self.assertEqual(normalize_name(decomposed), normalize_name("Hà Nam"))

    def test_it_unifies_old_and_new_tone_placement(self):
        self.assertEqual(normalize_name("Thanh Hoá"), normalize_name("Thanh Hóa"))
        self.assertEqual(normalize_name("Khánh Hoà"), "khánh hòa")
        self.assertEqual(normalize_name("Hoàng Mai"), "hoàng mai")  # "oà" inside a word is left alone

    def test_it_keeps_a_name_starting_with_t(self):
        self.assertEqual(normalize_name("Tây Ninh"), "tây ninh")
        self.assertEqual(normalize_name("Tiền Giang"), "tiền giang")

    def test_it_drops_english_suffixes(self):
        self.assertEqual(normalize_name("Ha Nam Province"), "ha nam")
        self.assertEqual(normalize_name("Da Nang City"), "da nang")

    @given(st.text(max_size=30))
    def test_it_is_idempotent(self, s):
        self.assertEqual(normalize_name(normalize_name(s)), normalize_name(s))

    @given(st.sampled_from(["Hà Nam", "Đà Nẵng", "Thừa Thiên Huế", "Bắc Ninh", "Hồ Chí Minh"]),
           st.sampled_from(["", "TP. ", "TP ", "Thành phố ", "Tỉnh ", "T. ", "  "]))  # fmt: skip
    def test_it_is_invariant_under_prefixes(self, name, prefix):
        self.assertEqual(normalize_name(prefix + name), normalize_name(name))


class FoldDiacriticsTestCase(unittest.TestCase):
    def test_it_folds(self):
        self.assertEqual(fold_diacritics("đà nẵng"), "da nang")
        self.assertEqual(fold_diacritics("Hồ Chí Minh"), "Ho Chi Minh")


class ResolveTestCase(unittest.TestCase):
    def setUp(self):
        self.reg = registry()

    def test_it_resolves_published_spellings(self):
        self.assertEqual(self.reg.resolve("TP. Đà Nẵng", as_of="2022-12-31").id, "P48")
        self.assertEqual(self.reg.resolve("Thừa Thiên - Huế", as_of="2022-12-31").id, "P46")
        self.assertEqual(self.reg.resolve("TT-Huế").id, "P46")
        self.assertEqual(self.reg.resolve("Thanh Hoá").id, "P38")

    def test_it_accepts_input_without_diacritics(self):
        self.assertEqual(self.reg.resolve("Ha Nam").id, "P35")
        self.assertEqual(self.reg.resolve("ha noi").id, "P01")
        self.assertEqual(self.reg.resolve("HA TINH").id, "P42")

    def test_it_does_not_fold_input_with_wrong_diacritics(self):
        with self.assertRaises(UnitError) as cm:
            self.reg.resolve("Hà Nom")
        self.assertEqual(cm.exception.code, "unknown_unit")

    def test_it_resolves_codes(self):
        self.assertEqual(self.reg.resolve("35").id, "P35")
        self.assertEqual(self.reg.resolve(35).id, "P35")
        self.assertEqual(self.reg.resolve("1").id, "P01")
        self.assertEqual(self.reg.resolve("347", level="district").id, "D347")

    def test_it_resolves_ids_and_units(self):
        self.assertEqual(self.reg.resolve(f"P37@{MERGER}").id, f"P37@{MERGER}")
        unit = self.reg.get("P35")
        self.assertIs(self.reg.resolve(unit), unit)

    def test_it_resolves_as_of(self):
        self.assertEqual(self.reg.resolve("Ninh Bình", as_of="2024-12-31").id, "P37")
        self.assertEqual(self.reg.resolve("Ninh Bình", as_of=date(2025, 7, 1)).id, f"P37@{MERGER}")
        self.assertEqual(self.reg.resolve("24", as_of="2024-01-01").short_name, "Bắc Giang")
        self.assertEqual(self.reg.resolve("24", as_of="2025-08-01").short_name, "Bắc Ninh")
        self.assertEqual(self.reg.resolve("Bắc Ninh", as_of="2024-01-01").code, "27")

    def test_it_returns_the_latest_without_as_of(self):
        self.assertEqual(self.reg.resolve("Ninh Bình").id, f"P37@{MERGER}")
        self.assertEqual(self.reg.resolve("24").short_name, "Bắc Ninh")

    def test_it_suggests_close_names(self):
        with self.assertRaises(UnitError) as cm:
            self.reg.resolve("Ha Nom", where="row 5")
        self.assertEqual(
            str(cm.exception), "Unknown unit 'Ha Nom' (row 5); did you mean: Hà Nam, Hà Nội, Hà Tĩnh?"
        )
        self.assertEqual(cm.exception.code, "unknown_unit")
        self.assertEqual(cm.exception.params["suggestions"], ["Hà Nam", "Hà Nội", "Hà Tĩnh"])
        self.assertEqual(cm.exception.params["where"], "row 5")

    def test_it_says_when_nothing_is_close(self):
        with self.assertRaises(UnitError) as cm:
            self.reg.resolve("Zzyzx")
        self.assertEqual(str(cm.exception), "Unknown unit 'Zzyzx'; no province has a similar name")

    def test_it_is_an_input_error(self):
        with self.assertRaises(InputError):
            self.reg.resolve("Atlantis")

    def test_it_rejects_a_unit_not_valid_on_the_date(self):
        with self.assertRaises(UnitError) as cm:
            self.reg.resolve("Hà Nam", as_of="2025-07-01", where="row 2")
        self.assertEqual(cm.exception.code, "unit_not_valid")
        self.assertEqual(
            str(cm.exception),
            "Unit 'Hà Nam' (row 2) (Tỉnh Hà Nam) is not valid on 01/07/2025: it existed …–30/06/2025; "
            "successor: Ninh Bình",
        )

    def test_it_filters_by_level(self):
        self.assertEqual(self.reg.resolve("Hà Nam").level, "province")
        self.assertEqual(self.reg.resolve("Hà Nam", level="commune").id, "C13366")
        with self.assertRaises(UnitError):
            self.reg.resolve("Phủ Lý")  # a district, not a province

    def test_it_rejects_an_unknown_level(self):
        with self.assertRaises(UnitError) as cm:
            self.reg.resolve("Hà Nam", level="region")
        self.assertEqual(cm.exception.code, "bad_level")

    def test_it_rejects_a_bad_date(self):
        with self.assertRaises(UnitError) as cm:
            self.reg.resolve("Hà Nam", as_of="31/12/2022")
        self.assertEqual(cm.exception.code, "bad_date")

    def test_it_reports_ambiguous_diacritic_free_input(self):
        reg = UnitRegistry([_p("X1", "91", "Tỉnh Bà Nà", "Bà Nà"), _p("X2", "92", "Tỉnh Ba Na", "Ba Na")])
        self.assertEqual(reg.resolve("Bà Nà").id, "X1")
        self.assertEqual(reg.resolve("Ba Na").id, "X2")  # the exact key wins over folding
        reg = UnitRegistry([_p("X1", "91", "Tỉnh Bà Nà", "Bà Nà"), _p("X2", "92", "Tỉnh Bá Nạ", "Bá Nạ")])
        with self.assertRaises(UnitError) as cm:
            reg.resolve("ba na")
        self.assertEqual(cm.exception.code, "ambiguous_unit")
        self.assertEqual(cm.exception.params["candidates"], ["X1", "X2"])


class SuccessorAtTestCase(unittest.TestCase):
    def setUp(self):
        self.reg = registry()

    def test_it_follows_a_merger(self):
        self.assertEqual(self.reg.successor_at("P35", "2025-07-01").id, f"P37@{MERGER}")
        self.assertEqual(self.reg.successor_at(self.reg.get("P49"), "2030-01-01").id, f"P48@{MERGER}")

    def test_it_returns_a_unit_still_valid(self):
        self.assertEqual(self.reg.successor_at("P35", "2025-06-30").id, "P35")
        self.assertEqual(self.reg.successor_at("P01", "2026-01-01").id, "P01")

    def test_it_follows_a_rename_then_stays(self):
        self.assertEqual(self.reg.successor_at("P46", "2025-03-01").id, "P46@2025-01-01")
        self.assertEqual(self.reg.successor_at("P46", "2025-07-01").id, "P46@2025-01-01")

    def test_it_rejects_a_date_before_the_unit(self):
        with self.assertRaises(UnitError) as cm:
            self.reg.successor_at(f"P37@{MERGER}", "2024-01-01")
        self.assertEqual(cm.exception.code, "unit_not_valid")

    def test_it_rejects_an_abolished_unit(self):
        with self.assertRaises(UnitError) as cm:
            self.reg.successor_at("D347", "2025-07-01")
        self.assertEqual(cm.exception.code, "unit_not_valid")


class PredecessorsTestCase(unittest.TestCase):
    def test_it_lists_merged_units(self):
        reg = registry()
        preds = reg.predecessors(f"P37@{MERGER}")
        self.assertEqual([u.id for u in preds], ["P35", "P36", "P37"])
        self.assertEqual([u.id for u in reg.predecessors("P46@2025-01-01")], ["P46"])
        self.assertEqual(reg.predecessors("P01"), [])


class UnitsAtTestCase(unittest.TestCase):
    def test_it_counts_before_and_after(self):
        reg = registry()
        self.assertEqual(len(reg.units_at("2024-12-31")), 11)
        after = reg.units_at(date(2025, 7, 1))
        self.assertEqual([u.code for u in after], ["01", "24", "37", "38", "42", "46", "48"])
        self.assertEqual(after[1].short_name, "Bắc Ninh")

    def test_it_filters_by_level(self):
        self.assertEqual([u.id for u in registry().units_at("2024-01-01", "district")], ["D347"])


class MergeMapTestCase(unittest.TestCase):
    def setUp(self):
        self.reg = registry()

    def test_it_groups_former_units(self):
        got = self.reg.merge_map(["35", "36", "37", "01", "48", "49"], "2025-07-01")
        self.assertEqual(got, {"37": ["35", "36", "37"], "01": ["01"], "48": ["48", "49"]})

    def test_it_handles_reused_codes(self):
        got = self.reg.merge_map(["24", "27"], "2025-07-01")
        self.assertEqual(got, {"24": ["24", "27"]})

    def test_it_takes_the_former_date(self):
        got = self.reg.merge_map(["46"], "2025-07-01", former_as_of="2024-12-31")
        self.assertEqual(got, {"46": ["46"]})

    def test_it_accepts_names_and_units(self):
        got = self.reg.merge_map(["Hà Nam", self.reg.get("P36")], "2025-07-01")
        self.assertEqual(got, {"37": ["Hà Nam", "36"]})

    def test_it_lists_every_unknown_code(self):
        with self.assertRaises(UnitError) as cm:
            self.reg.merge_map(["35", "99", "98"], "2025-07-01")
        self.assertEqual(len(cm.exception.params["errors"]), 2)
        self.assertIn("Unknown unit '99'", str(cm.exception))
        self.assertIn("Unknown unit '98'", str(cm.exception))


class UnitRegistryTestCase(unittest.TestCase):
    def test_it_rejects_duplicate_ids(self):
        with self.assertRaises(UnitError) as cm:
            UnitRegistry([_p("P1", "01", "A", "A"), _p("P1", "02", "B", "B")])
        self.assertEqual(cm.exception.code, "duplicate_unit")

    def test_it_rejects_unknown_successors(self):
        with self.assertRaises(UnitError) as cm:
            UnitRegistry([_p("P1", "01", "A", "A", valid_to=MERGER, successor_ids="P9")])
        self.assertEqual(cm.exception.code, "unknown_successor")
        self.assertIn("P1 -> P9", str(cm.exception))

    def test_it_rejects_a_code_used_twice_at_once(self):
        with self.assertRaises(UnitError) as cm:
            UnitRegistry([_p("P1", "01", "A", "A"), _p("P2", "01", "B", "B", valid_from="2020-01-01")])
        self.assertEqual(cm.exception.code, "code_clash")

    def test_it_rejects_a_record_without_level(self):
        with self.assertRaises(UnitError) as cm:
            UnitRegistry([{"id": "X", "code": "1", "name": "X"}])
        self.assertEqual(cm.exception.code, "bad_unit_record")

    def test_it_builds_from_units(self):
        unit = Unit(id="P1", level="province", code="01", name="Thành phố Hà Nội", short_name="Hà Nội")
        reg = UnitRegistry([unit])
        self.assertIs(reg.resolve("Ha Noi"), unit)
        self.assertEqual(len(reg), 1)
        self.assertIn("P1", reg)

    @given(st.dates(min_value=date(2000, 1, 1), max_value=date(2030, 12, 31)))
    def test_it_resolves_every_valid_unit_by_name_and_code(self, d):
        reg = registry()
        for unit in reg.units_at(d):
            self.assertEqual(reg.resolve(unit.short_name, as_of=d), unit)
            self.assertEqual(reg.resolve(unit.code, as_of=d), unit)
            self.assertEqual(reg.successor_at(unit, d), unit)
