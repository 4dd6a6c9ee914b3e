"""The annual, quarterly and progress reports are template-ready (docs/reports.md, "Mẫu văn bản"): the
builder writes only the passages that carry figures, each after a named Part, and the variables of
the template; the shipped wording (reports/wording/<kind>.txt) places every passage and numbers the
sections. And the small rules of their words: a sentence ends once, the number field is printed once,
an estimated rank is never "8–None"."""

from __future__ import annotations

import re
from pathlib import Path

from django.test import SimpleTestCase

from chiso.docgen import Heading, Part
from chiso.docgen.template import apply
from chiso.orgs import audit
from chiso.reports import documents, kinds, services

from .base import ReportsTestCase

WORDING = Path(documents.__file__).parent / "wording"


class WordsTestCase(SimpleTestCase):
    def test_a_sentence_ends_once(self):
        self.assertEqual(documents.end_sentence("Đơn vị A (lý do: không xếp hạng)."), "Đơn vị A (lý do: không xếp hạng).")
        self.assertEqual(documents.end_sentence("Đơn vị A (không xếp hạng)"), "Đơn vị A (không xếp hạng).")
        self.assertEqual(documents.end_sentence("Các cơ quan: A, B;  "), "Các cơ quan: A, B.")
        self.assertEqual(documents.end_sentence("Vì sao?"), "Vì sao?")

    def test_the_number_field_is_printed_once_however_it_was_typed(self):
        for typed in ("12", "12/BC", "12/BC-STTTT", "Số: 12/BC-STTTT", " 12 / BC-STTTT ", "12/bc-stttt"):
            self.assertEqual(documents.number_symbol(typed, "STTTT"), "Số: 12/BC-STTTT", typed)
        self.assertEqual(documents.number_symbol("5", "STTTT"), "Số: 05/BC-STTTT")  # NĐ 30: "05"
        self.assertEqual(documents.number_symbol("", "STTTT"), "Số:       /BC-STTTT")  # written by hand
        self.assertEqual(documents.number_symbol("12/BC-UBND", "STTTT"), "Số: 12/BC-UBND")  # another symbol, kept
        self.assertEqual(documents.number_symbol("12", ""), "Số: 12/BC")

    def test_an_estimated_rank_names_the_ends_it_has(self):
        row = {"rank": None, "coverage": None}
        self.assertEqual(documents._rank_cell({**row, "rank_low": 8, "rank_high": None}), "ước tính hạng 8")
        self.assertEqual(documents._rank_cell({**row, "rank_low": None, "rank_high": 8}), "ước tính hạng 8")
        self.assertEqual(documents._rank_cell({**row, "rank_low": 2, "rank_high": 2}), "ước tính hạng 2")
        self.assertEqual(documents._rank_cell({**row, "rank_low": 8, "rank_high": 11}), "ước tính trong khoảng hạng 8–11")
        self.assertEqual(documents._rank_cell({**row, "rank_low": None, "rank_high": None}), "—")
        self.assertEqual(documents._rank_text({**row, "rank_low": 8, "rank_high": None, "n_units": 63}), "ước tính hạng 8")

    def test_the_index_is_named_without_its_edition(self):
        for name, said in (
            ("Chỉ số sẵn sàng cho phát triển và ứng dụng CNTT-TT (Vietnam ICT Index) cấp tỉnh — từ 2016",
             "Chỉ số sẵn sàng cho phát triển và ứng dụng CNTT-TT (Vietnam ICT Index) cấp tỉnh"),
            ("Chỉ số chuyển đổi số cấp tỉnh (DTI) 2020 — QĐ 1726/QĐ-BTTTT", "Chỉ số chuyển đổi số cấp tỉnh (DTI)"),
            ("Bộ chỉ số thử nghiệm", "Bộ chỉ số thử nghiệm"),
        ):
            self.assertEqual(documents._index_name({"name": name}), said)
        fw = {"name": "Chỉ số chuyển đổi số cấp tỉnh (DTI) — QĐ 922/QĐ-BTTTT"}
        self.assertEqual(
            documents._source("Chỉ số chuyển đổi số cấp tỉnh (DTI) — QĐ 922/QĐ-BTTTT năm 2022 — từ bảng “DTI 2022”", fw, 2022),
            "bảng “DTI 2022”",
        )
        self.assertEqual(documents._source("Kết quả do Sở nhập", fw, 2022, is_demo=True), "Kết quả do Sở nhập (minh họa)")


class ShippedWordingTestCase(ReportsTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        actor = audit.Actor(user=cls.admin)
        cls.jobs = {
            kind: services.run_job(services.create_job(kind, params, actor).pk, pdf=False)
            for kind, params in (
                ("annual", {"framework_id": "test-fw", "date": "2025-02-10"}),
                ("quarterly", {"year": 2024, "quarter": 2, "number": "7"}),
                ("progress", {"date_from": "2024-01-01", "date_to": "2024-06-30"}),
            )
        }

    def spec(self, kind: str, snapshot: dict | None = None):
        job = self.jobs[kind]
        return documents.build(snapshot or job.snapshot, job.params)

    def test_the_builders_write_named_passages_and_plain_variables(self):
        for kind in self.jobs:
            spec = self.spec(kind)
            self.assertFalse([b for b in spec.blocks if isinstance(b, Heading)], kind)  # headings: the template's
            self.assertIsInstance(spec.blocks[0], Part, kind)  # nothing printed outside a passage
            for part in [b for b in spec.blocks if isinstance(b, Part)]:
                self.assertRegex(part.name, r"^[a-z][a-z0-9_]*$")
                self.assertTrue(part.label and not re.search(r"[a-z]+_[a-z]", part.label), part)
            self.assertTrue(spec.context)
            for name, value in spec.context.items():
                self.assertIsInstance(value, (str, bool, list), f"{kind}: {name}")
                self.assertIsNotNone(re.fullmatch(r"[a-z][a-z0-9_]*", name), name)

    def test_the_shipped_wording_places_every_passage(self):
        for kind, job in self.jobs.items():
            path = Path(kinds.get(kind).default_template)
            self.assertEqual(path, WORDING / f"{kind}.txt")
            _spec, warnings = apply(self.spec(kind), path.read_text(encoding="utf-8"))
            self.assertEqual(warnings, [], kind)
            self.assertEqual(job.snapshot["wording"], {"template": None, "warnings": []})

    def test_sections_are_numbered_in_the_order_they_are_printed(self):
        def headings(snapshot=None):
            spec, _w = apply(self.spec("annual", snapshot), (WORDING / "annual.txt").read_text(encoding="utf-8"))
            return [b.text for b in spec.blocks if isinstance(b, Heading) and b.numbered]

        sections = [
            "Kết quả chung và xu hướng",
            "Các chỉ số thành phần",
            "Điểm mạnh, điểm yếu",
            "Trách nhiệm của các cơ quan đối với các chỉ số yếu",
            "Kế hoạch đạt hạng mục tiêu",
            "Tình hình thực hiện nhiệm vụ và chỉ tiêu",
            "Kiến nghị chưa được giải quyết",
            "Đề xuất",
        ]
        self.assertEqual(headings(), sections)
        # a snapshot kept before plans were carried has no plan section: the next ones move up a number
        old = {k: v for k, v in self.jobs["annual"].snapshot.items() if k != "plan"}
        self.assertEqual(headings(old), [s for s in sections if s != "Kế hoạch đạt hạng mục tiêu"])

    def test_the_header_and_recipients_come_from_the_wording(self):
        spec, _w = apply(self.spec("quarterly"), (WORDING / "quarterly.txt").read_text(encoding="utf-8"))
        self.assertEqual(spec.header.subject, "Tình hình ứng dụng Một cửa điện tử và dịch vụ công trực tuyến quý 2/2024")
        self.assertEqual(spec.header.number_symbol, "Số: 07/BC-STTTT")
        self.assertEqual(spec.recipients[0], "- UBND tỉnh (để báo cáo);")
        self.assertEqual(spec.recipients[-1], "- Lưu: VT, STTTT.")
