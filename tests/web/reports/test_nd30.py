"""The NĐ 30/2020 check (``chiso.docgen.check``) on every kind of document, made by the one
report job from the reference case's demonstration data, DOCX and PDF; and each rule of the check
failing on a small document spoiled on purpose (so a pass means something).

A rule today's documents still break is marked ``xfail(strict=True)`` with the finding as reason
(KNOWN below): when the layout is fixed the test passes, strict xfail fails, and the mark goes.
"""

from __future__ import annotations

import datetime as dt
import io
import tempfile
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import SimpleTestCase, TestCase, override_settings
from docx import Document
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from chiso.docgen import (
    DocumentSpec,
    Header,
    Heading,
    Paragraph,
    Signature,
    Table,
    check,
    docx_to_pdf,
    render_docx,
)
from chiso.orgs import audit
from chiso.reports import kinds, services
from chiso.reports.management.commands import make_document
from chiso.reports.models import ReportJob

from . import files

SIGNER = {"sign_authority": "KT. GIÁM ĐỐC", "sign_title": "PHÓ GIÁM ĐỐC", "sign_name": "Trần Văn Bình"}
# the reference case's documents, dated when its bodies were in force (Hà Nam, before 01/07/2025)
PARAMS = {
    "annual": {"framework_id": "vn-ict-index-2016-province", "year": 2017, "date": "2018-02-05", **SIGNER},
    "quarterly": {"year": 2017, "quarter": 4, "date": "2018-01-12", **SIGNER},
    "progress": {"date_from": "2017-07-01", "date_to": "2017-12-31", "date": "2018-01-12", **SIGNER},
}
# decision and scorecards: the round make_document picks on this day (the 2022 round, decided 20/03/2023)
ROUND_DAY = dt.date(2023, 6, 1)
KINDS = ("annual", "quarterly", "progress", "decision", "scorecards")

# (kind, rule) -> the finding today's documents give (the reason of a strict xfail); none today
KNOWN: dict[tuple[str, str], str] = {}


def _spec_params(kind: str) -> dict:
    if kind in PARAMS:
        return PARAMS[kind]
    # the decision carries the signer saved on its page; the scorecards the one typed on the request
    return {**make_document.params_for(kind, ROUND_DAY), **({} if kind == "decision" else SIGNER)}


class DocumentsPassTheCheckTestCase(TestCase):
    """One document of each kind, DOCX and PDF, through ``check.check_all``; one test per rule."""

    maxDiff = None

    @classmethod
    def setUpClass(cls):
        media = cls.enterClassContext(tempfile.TemporaryDirectory(prefix="chiso-test-nd30-"))
        cls.enterClassContext(override_settings(PRIVATE_MEDIA_ROOT=Path(media)))
        super().setUpClass()

    @classmethod
    def setUpTestData(cls):
        for cmd, args in (
            ("load_reference_case", ["--demo"]),
            ("load_demo_results", []),
            ("load_program_936", ["--demo"]),
            ("load_quarterly_demo", ["--demo"]),
            ("load_internal_demo", ["--demo"]),
        ):
            call_command(cmd, *args, verbosity=0)
        cls.jobs, cls.findings, cls.unregistered = {}, {}, {}
        for kind in KINDS:
            try:
                kinds.get(kind)
            except LookupError as e:
                cls.unregistered[kind] = str(e)
                continue
            job = services.run_job(services.create_job(kind, _spec_params(kind), audit.Actor()).pk)
            cls.jobs[kind] = job
            if job.status == ReportJob.Status.DONE:
                cls.findings[kind] = check.check_all(files.read(job.docx), files.read(job.pdf))

    def _findings(self, kind: str) -> list[check.Finding]:
        if kind in self.unregistered:
            self.skipTest(f"the “{kind}” kind is not registered yet ({self.unregistered[kind]})")
        job = self.jobs[kind]
        self.assertEqual(job.status, ReportJob.Status.DONE, job.error)
        return self.findings[kind]

    def test_every_kind_is_written(self):
        for kind in KINDS:
            with self.subTest(kind=kind):
                if kind in self.unregistered:
                    continue
                self.assertEqual(self.jobs[kind].status, ReportJob.Status.DONE, self.jobs[kind].error)
                self.assertTrue(self.jobs[kind].is_demo)

    def test_every_finding_names_a_known_rule(self):
        for kind, found in self.findings.items():
            for f in found:
                self.assertIn(f.rule, check.RULE_IDS, f"{kind}: {f}")


def _rule_test(kind: str, rule: str):
    def test(self):
        found = [str(f) for f in self._findings(kind) if f.rule == rule]
        self.assertEqual(found, [], f"{kind}: {check.RULE_IDS[rule]}")

    test.__doc__ = f"{kind}: {check.RULE_IDS[rule]}"
    if (kind, rule) in KNOWN:
        test = pytest.mark.xfail(strict=True, reason=KNOWN[(kind, rule)])(test)
    return test


for _kind in KINDS:
    for _rule in check.RULE_IDS:
        setattr(
            DocumentsPassTheCheckTestCase, f"test_{_kind}_{_rule.replace('.', '_')}", _rule_test(_kind, _rule)
        )


# --- each rule fails on a document spoiled on purpose ------------------------------------------------------------


def good_spec(**header) -> DocumentSpec:
    h = {
        "parent_body": "UBND tỉnh Hà Nam",
        "issuing_body": "Sở Thông tin và Truyền thông",
        "number_symbol": "Số:      /BC-STTTT",
        "place": "Hà Nam",
        "date": dt.date(2024, 3, 5),
        "doc_type": "Báo cáo",
        "subject": "Kết quả tiếp nhận hồ sơ quý I năm 2024",
        **header,
    }
    return DocumentSpec(
        header=Header(**h),
        blocks=[
            Heading("Kết quả chung", numbered=True),
            Paragraph(
                "Trong quý I năm 2024, các cơ quan tiếp nhận 30 hồ sơ, trong đó 28 hồ sơ được giải quyết "
                "đúng hạn; kết quả của từng cơ quan được nêu tại Bảng 1."
            ),
            Table(
                "t1",
                "Bảng 1. Hồ sơ tiếp nhận theo cơ quan",
                ["Cơ quan", "Hồ sơ tiếp nhận", "Đúng hạn"],
                ["text", "int", "int"],
                [["Sở Nội vụ", 10, 9], ["Sở Tư pháp", 20, 19]],
            ),
            Paragraph("Sở Thông tin và Truyền thông báo cáo để Ủy ban nhân dân tỉnh biết, chỉ đạo."),
        ],
        recipients=["- UBND tỉnh (để báo cáo);", "- Lưu: VT, STTTT."],
        signature=Signature(authority="KT. GIÁM ĐỐC", title="PHÓ GIÁM ĐỐC", name="Trần Văn Bình"),
    )


def _docx(spec: DocumentSpec | None = None):
    return Document(io.BytesIO(render_docx(spec or good_spec())))


def _bytes(doc) -> bytes:
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def _rows_kept(doc, keep: bool):
    """Every table row with (or without) ``cantSplit``, data tables' first row repeated (or not):
    the spoiled and the sound document do not depend on what the layout code does today."""
    for t in doc.tables:
        for i, tr in enumerate(t._tbl.tr_lst):
            trpr = tr.get_or_add_trPr()
            for tag in ("w:cantSplit", "w:tblHeader"):
                for el in trpr.findall(qn(tag)):
                    trpr.remove(el)
            if keep:
                trpr.append(OxmlElement("w:cantSplit"))
                if i == 0 and len(t.rows) > 1:
                    trpr.append(OxmlElement("w:tblHeader"))
    return doc


def _widen(table, cm_total: float):
    """Set a table's grid and every row's cells to ``cm_total`` centimetres in all."""
    n = len(table.columns)
    tw = int(cm_total / n / 2.54 * 1440)
    for g in table._tbl.tblGrid.findall(qn("w:gridCol")):
        g.set(qn("w:w"), str(tw))
    for row in table.rows:
        for cell in row.cells:
            cell.width = Cm(cm_total / n)


def _closing_table(doc):
    return next(
        t for t in doc.tables if any(p.text.startswith("Nơi nhận") for c in t._cells for p in c.paragraphs)
    )


def _rules(found) -> set[str]:
    return {f.rule for f in found}


class CheckRulesTestCase(SimpleTestCase):
    """Each DOCX rule on the sound small document (no finding) and on a copy spoiled for that rule."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.good = _bytes(_rows_kept(_docx(), keep=True))

    def spoiled(self, spoil) -> list[check.Finding]:
        doc = Document(io.BytesIO(self.good))
        spoil(doc)
        return check.check_docx(_bytes(doc))

    def test_the_sound_document_has_no_finding(self):
        self.assertEqual([str(f) for f in check.check_docx(self.good)], [])

    def test_a_table_wider_than_the_text(self):
        found = self.spoiled(lambda doc: _widen(doc.tables[1], 17.0))
        wide = [f for f in found if f.rule == "nd30.table_width"]
        self.assertIn("Bảng rộng 170,0 mm, vượt bề rộng vùng chữ 165,0 mm.", [f.message for f in wide])
        self.assertEqual(len([f for f in wide if "dòng" in f.where]), 3)  # header row and two rows

    def test_one_row_wider_than_the_text(self):
        def spoil(doc):
            doc.tables[1].rows[2].cells[0].width = Cm(12)

        found = [f for f in self.spoiled(spoil) if f.rule == "nd30.table_width"]
        self.assertEqual([f.where for f in found], ["DOCX, bảng 2, dòng 3"])

    def test_no_recipients_and_no_signature(self):
        def spoil(doc):
            t = _closing_table(doc)
            t._tbl.getparent().remove(t._tbl)

        self.assertLessEqual({"nd30.recipients", "nd30.signature"}, _rules(self.spoiled(spoil)))

    def test_recipients_end_with_the_archive_line(self):
        def spoil(doc):
            cell = _closing_table(doc).rows[0].cells[0]
            last = cell.paragraphs[-1]
            last._p.getparent().remove(last._p)

        found = [f.message for f in self.spoiled(spoil) if f.rule == "nd30.recipients"]
        self.assertEqual(
            found, ["Dòng cuối của nơi nhận là “- UBND tỉnh (để báo cáo);”, phải là “- Lưu: VT, …”."]
        )

    def test_a_signature_without_a_name(self):
        spec = good_spec()
        spec.signature = Signature(title="GIÁM ĐỐC", name="")
        found = check.check_docx(_bytes(_rows_kept(_docx(spec), keep=True)))
        self.assertEqual([f.message for f in found], ["Khối chữ ký thiếu họ tên người ký."])

    def test_none_and_codes_in_the_text(self):
        spec = good_spec()
        spec.blocks.append(
            Paragraph("Hạng: 8–None (ước tính); chỉ số attt_diet_virus; quy tắc: docs/program.md..")
        )
        found = check.check_docx(_bytes(_rows_kept(_docx(spec), keep=True)))
        self.assertEqual(
            _rules(found), {"leftover.none", "leftover.code", "leftover.path", "leftover.double_stop"}, found
        )

    def test_header_number_place_type_and_issuer(self):
        spec = good_spec(
            issuing_body="Chưa có cơ quan thường trực có hiệu lực ngày 07/12/2026",
            parent_body="",
            number_symbol="Số: 12/BC-STTTT/BC-STTTT",
            place="",
            doc_type="Bảng điểm",
        )
        found = check.check_docx(_bytes(_rows_kept(_docx(spec), keep=True)))
        by_rule = {f.rule: f.message for f in found}
        self.assertEqual(set(by_rule), {"nd30.issuer", "nd30.number", "nd30.date", "nd30.title"}, found)
        self.assertIn("Số: 12/BC-STTTT/BC-STTTT", by_rule["nd30.number"])
        self.assertIn("thiếu địa danh", by_rule["nd30.date"])
        self.assertIn("BẢNG ĐIỂM", by_rule["nd30.title"])

    def test_a_symbol_of_another_document_type(self):
        found = check.check_docx(
            _bytes(_rows_kept(_docx(good_spec(number_symbol="Số: 05/QĐ-UBND")), keep=True))
        )
        self.assertEqual([f.rule for f in found], ["nd30.number"])

    def test_a_date_without_its_leading_zeros(self):
        def spoil(doc):
            p = doc.tables[0].rows[1].cells[1].paragraphs[0]
            p.runs[0].text = "Hà Nam, ngày 5 tháng 3 năm 2024"

        found = [f.message for f in self.spoiled(spoil) if f.rule == "nd30.date"]
        self.assertEqual(
            found, ["“Hà Nam, ngày 5 tháng 3 năm 2024”: ngày dưới 10 và tháng 1, 2 phải có số 0 đứng trước."]
        )

    def test_no_national_title(self):
        def spoil(doc):
            p = doc.tables[0].rows[0].cells[1].paragraphs[0]
            p.runs[0].text = "CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM"  # the wrong spelling of the title

        found = [f.message for f in self.spoiled(spoil) if f.rule == "nd30.motto"]
        self.assertEqual(found, ["Thiếu quốc hiệu “CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM”."])

    def test_body_not_justified_too_small_and_not_times(self):
        spec = good_spec()
        spec.blocks.append(Paragraph("Đoạn căn trái, không căn đều hai lề.", align="left"))
        doc = _rows_kept(_docx(spec), keep=True)
        last = [p for p in doc.paragraphs if p.text.startswith("Sở Thông tin")][0]
        last.runs[0].font.size = Pt(12)
        last.runs[0].font.name = "Arial"
        found = check.check_docx(_bytes(doc))
        self.assertEqual(sorted(f.rule for f in found), ["nd30.font", "nd30.font", "nd30.justify"], found)
        self.assertIn("Phông “Arial”", " ".join(f.message for f in found))
        self.assertIn("cỡ chữ [12.0]", " ".join(f.message for f in found))

    def test_an_article_not_in_bold(self):
        spec = good_spec(doc_type="Quyết định", number_symbol="Số:      /QĐ-UBND")
        spec.blocks.append(Paragraph("Điều 1. Công bố kết quả."))
        spec.blocks.append(Paragraph("Công bố kết quả.", lead="Điều 2."))
        found = check.check_docx(_bytes(_rows_kept(_docx(spec), keep=True)))
        self.assertEqual([f.message for f in found], ["“Điều 1.” phải in đậm."])

    def test_page_numbers_from_page_two(self):
        def first_page_numbered(doc):
            doc.sections[0].different_first_page_header_footer = False

        self.assertEqual(
            [f.message for f in self.spoiled(first_page_numbered)],
            ["Trang 1 phải không có số trang (chưa đặt trang đầu khác)."],
        )

        def no_field(doc):
            for el in list(doc.sections[0].header._element.iter(qn("w:instrText"))):
                el.text = ""

        self.assertEqual(
            [f.message for f in self.spoiled(no_field)], ["Đầu trang không có số trang (trường PAGE)."]
        )

    def test_page_size_and_margins(self):
        def spoil(doc):
            doc.sections[0].page_width = Cm(21.59)  # Letter
            doc.sections[0].left_margin = Cm(2.0)

        found = [f.message for f in self.spoiled(spoil) if f.rule == "nd30.page"]
        self.assertEqual(
            found,
            [
                "Khổ giấy 216 × 297 mm, không phải A4 (210 × 297 mm).",
                "Lề trái 20,0 mm, phải từ 30 đến 35 mm.",
            ],
        )

    def test_rows_that_may_split_and_headers_not_repeated(self):
        found = [
            f for f in check.check_docx(_bytes(_rows_kept(_docx(), keep=False))) if f.rule == "nd30.rows"
        ]
        messages = " ".join(f.message for f in found)
        self.assertIn("khối nơi nhận và chữ ký có thể bị tách sang trang sau", messages)
        self.assertIn("Dòng tiêu đề của bảng không được lặp lại", messages)
        # the header block (table 1) is exempt: nothing above it can push it across a page
        self.assertEqual({f.where for f in found}, {"DOCX, bảng 2", "DOCX, bảng 3"})


class LeftoversTestCase(SimpleTestCase):
    def rules(self, text: str) -> list[str]:
        return [f.rule for f in check.leftovers(text)]

    def test_each_leftover(self):
        for text, rule in (
            ("Hạng 8–None (ước tính)", "leftover.none"),
            ("Tỷ lệ: nan%", "leftover.nan"),
            ("Tỷ lệ: NaN", "leftover.nan"),
            ("Chênh lệch: -inf", "leftover.nan"),
            ("Chỉ số cqs_dvctt_muc_34 đạt", "leftover.code"),
            ("(mã hanam-cds-noibo-2022)", "leftover.code"),
            ("(quy tắc: docs/program.md)", "leftover.path"),
            ("tệp /tmp/chiso-x", "leftover.path"),
            ("bản chụp 65db54166c44", "leftover.hash"),
            ("(không xếp hạng)..", "leftover.double_stop"),
            ("DỮ LIỆU MINH HỌA / demonstration data", "leftover.english"),
            ("Annual report of the province", "leftover.english"),
        ):
            with self.subTest(text=text):
                self.assertIn(rule, self.rules(text))

    def test_vietnamese_is_not_a_leftover(self):
        for text in (
            "Một vấn đề nan giải của tỉnh; nan tre",
            "Độc lập - Tự do - Hạnh phúc",
            "Thực hiện Quyết định số 936/QĐ-UBND ngày 23/06/2017; tỷ lệ 0,6100 và -0,0281 điểm",
            "Chịu trách nhiệm thi hành Quyết định này./.",
            "Trang thông tin hanam.gov.vn; Vietnam ICT Index; 34.079 hồ sơ; số 1234567890",
            "Đang chờ xử lý…",
        ):
            with self.subTest(text=text):
                self.assertEqual(check.leftovers(text), [])

    def test_each_leftover_is_reported_once(self):
        self.assertEqual(len(check.leftovers("None\nNone\nNone")), 1)


class PdfRulesTestCase(SimpleTestCase):
    """The PDF rules on the sound small document and on a copy spoiled for four of them at once,
    both converted by LibreOffice (two conversions)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        good = _rows_kept(_docx(), keep=True)
        cls.good = docx_to_pdf(_bytes(good))
        bad = Document(io.BytesIO(_bytes(good)))
        bad.sections[0].different_first_page_header_footer = False  # a number on page 1
        _widen(bad.tables[1], 19.0)  # beyond the right margin
        closing = _closing_table(bad)
        # the closing block alone on a page, its row taller than a page: it splits, the name goes on
        brk = OxmlElement("w:p")
        r = OxmlElement("w:r")
        br = OxmlElement("w:br")
        br.set(qn("w:type"), "page")
        r.append(br)
        brk.append(r)
        closing._tbl.addprevious(brk)
        trpr = closing._tbl.tr_lst[0].get_or_add_trPr()
        for el in trpr.findall(qn("w:cantSplit")):
            trpr.remove(el)
        right = closing.rows[0].cells[1]
        name = right.paragraphs[-1]
        for _i in range(60):
            name.insert_paragraph_before("")
        cls.bad = docx_to_pdf(_bytes(bad))

    def test_the_sound_document_has_no_finding(self):
        self.assertEqual([str(f) for f in check.check_pdf(self.good)], [])

    def test_the_spoiled_document(self):
        found = check.check_pdf(self.bad)
        rules = _rules(found)
        self.assertLessEqual(
            {"nd30.page_numbers", "nd30.table_width", "nd30.orphan", "nd30.signature"}, rules, found
        )
        messages = [f.message for f in found]
        self.assertIn("Trang 1 in số trang “1”.", messages)
        split = [m for m in messages if m.startswith("Khối chữ ký bị tách trang")]
        self.assertEqual(len(split), 1, messages)
        self.assertTrue(
            split[0].startswith(
                "Khối chữ ký bị tách trang: “PHÓ GIÁM ĐỐC” ở trang 2, họ tên “Trần Văn Bình” ở trang "
            ),
            split[0],
        )
        orphans = [f for f in found if f.rule == "nd30.orphan"]
        self.assertIn(
            (
                "PDF, trang 2",
                "Trang chỉ có phần nơi nhận và chữ ký, không có dòng nội dung nào đứng trước "
                "(phải kéo ít nhất một đoạn cuối sang cùng trang).",
            ),
            [(f.where, f.message) for f in orphans],
        )
        self.assertEqual(
            [f.message for f in found if f.rule == "nd30.table_width"][:2],
            ["“Sở Nội vụ” in lấn ra lề trái.", "“9” in lấn ra lề phải."],
        )

    def test_pages_are_read_with_their_lines(self):
        pages = check.read_pdf(self.good)
        self.assertEqual(len(pages), 1)
        self.assertAlmostEqual(pages[0].width, 595.3, delta=1)
        texts = [ln.text for ln in pages[0].lines]
        self.assertIn("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", texts)
        self.assertIn("Trần Văn Bình", texts)
