"""Tests of chiso.reference.published_dti_2022_ranks."""

from __future__ import annotations

import unittest

from chiso.reference import load_registry, published_dti_2022_ranks


class PublishedDti2022RanksTestCase(unittest.TestCase):
    def setUp(self):
        self.rows = published_dti_2022_ranks()

    def test_it_resolves_63_distinct_units_valid_in_2022(self):
        reg = load_registry()
        self.assertEqual(len(self.rows), 63)
        ids = {r["unit_id"] for r in self.rows}
        self.assertEqual(len(ids), 63)
        self.assertEqual(ids, {u.id for u in reg.units_at("2022-12-31")})
        self.assertEqual(len({r["unit_code"] for r in self.rows}), 63)

    def test_it_adds_rank_and_code(self):
        by_name = {r["province_as_published"]: r for r in self.rows}
        self.assertEqual((by_name["Hà Nam"]["rank"], by_name["Hà Nam"]["unit_code"]), (34, "35"))
        self.assertEqual(by_name["TP. Đà Nẵng"]["unit_code"], "48")
        self.assertEqual(by_name["Thừa Thiên - Huế"]["unit_id"], "P46")
        self.assertEqual(by_name["TP. Hồ Chí Minh"]["unit_id"], "P79")

    def test_it_keeps_shared_ranks(self):
        self.assertEqual([r["rank"] for r in self.rows if r["rank"] in (15, 16, 17)], [15, 15, 17])
