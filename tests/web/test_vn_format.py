from __future__ import annotations

import datetime as dt

from django.test import SimpleTestCase

from chiso.lib.vn_format import format_date, format_number, parse_date, parse_number


class VnFormatTestCase(SimpleTestCase):
    def test_it_formats_with_decimal_comma(self):
        self.assertEqual(format_number(1234.5, 2), "1.234,50")
        self.assertEqual(format_number(0.71), "0,71")
        self.assertEqual(format_number(0.71, lang="en"), "0.71")
        self.assertEqual(format_number(None), "—")

    def test_it_parses_what_people_type(self):
        for text, expected in [("0,71", 0.71), ("0.71", 0.71), ("1.234,5", 1234.5), ("1 234", 1234.0),
                               ("85%", 85.0), ("1.234.567", 1234567.0), ("-3", -3.0)]:
            self.assertAlmostEqual(parse_number(text), expected, msg=text)
        for bad in ["", "abc", "1,2,3x", "nan", "inf"]:
            with self.assertRaises(ValueError):
                parse_number(bad)

    def test_it_uses_dd_mm_yyyy(self):
        self.assertEqual(format_date(dt.date(2017, 6, 23)), "23/06/2017")
        self.assertEqual(parse_date("23/06/2017"), dt.date(2017, 6, 23))
        with self.assertRaises(ValueError):
            parse_date("06/23/2017")
