"""Tests of chiso.reference.published_rows and published_names."""

from __future__ import annotations

import unittest
from pathlib import Path

from chiso.engine.errors import InputError
from chiso.reference import load_registry, published_names, published_rows

SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "domain" / "published"
PROVINCE_COLUMNS = ("province", "province_as_published")


class PublishedRowsTestCase(unittest.TestCase):
    def test_it_lists_the_tables(self):
        self.assertIn("dti_2022_province_ranks", published_names())
        self.assertIn("dti_2020_pillars_partial", published_names())
        self.assertIn("dti_2020_pillars_more_partial", published_names())
        self.assertIn("dti_2022_province_main_indices_partial", published_names())
        self.assertEqual(len(published_names()), 14)

    def test_it_reads_a_table_with_or_without_extension(self):
        rows = published_rows("dti_2022_province_ranks.csv")
        self.assertEqual(rows, published_rows("dti_2022_province_ranks"))
        self.assertEqual(rows[33], {"rank_dti_2022": "34", "province_as_published": "Hà Nam",
                                    "source": "https://dti.gov.vn/xep-hang-2022"})  # fmt: skip

    def test_it_rejects_an_unknown_table(self):
        with self.assertRaises(InputError) as cm:
            published_rows("nope")
        self.assertEqual(cm.exception.code, "unknown_table")

    def test_it_gives_every_row_a_source(self):
        for name in published_names():
            for row in published_rows(name):
                src = row.get("source") or row.get("source_url") or ""
                not_found = any(
                    "NOT FOUND" in (v or "") for v in row.values()
                )  # a stated gap needs no source
                self.assertTrue(src or not_found, f"{name}: {row}")

    @unittest.skipUnless(SHARED.is_dir(), "shared/domain/published not beside the repository")
    def test_it_ships_the_tables_unchanged(self):
        here = Path(__file__).resolve().parents[2] / "src" / "chiso" / "reference" / "published"
        for src in SHARED.glob("*.csv"):
            self.assertEqual((here / src.name).read_bytes(), src.read_bytes(), src.name)

    def test_it_resolves_every_published_province_name(self):
        reg = load_registry()
        for name in published_names():
            for row in published_rows(name):
                for col in PROVINCE_COLUMNS:
                    cell = row.get(col)
                    if not cell:
                        continue
                    # A few cells list several provinces ("A / B / C", "A; B; C").
                    for part in cell.replace(";", "/").split("/"):
                        self.assertEqual(reg.resolve(part.strip()).level, "province")
