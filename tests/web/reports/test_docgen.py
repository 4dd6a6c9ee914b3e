"""The ND 30 document builder on its own: header, fonts, margins, tables, charts, workbook."""

from __future__ import annotations

import datetime as dt
import io

from django.test import SimpleTestCase
from docx import Document
from docx.shared import Cm
from openpyxl import load_workbook

from chiso.docgen import (
    Chart,
    DocumentSpec,
    Header,
    Heading,
    Paragraph,
    Signature,
    Table,
    fmt,
    render_docx,
    render_xlsx,
    vn_long_date,
)


def spec(demo=""):
    return DocumentSpec(
        header=Header(
            "UBND TỈNH HÀ NAM",
            "Sở Thông tin và Truyền thông",
            "Số: 12/BC-STTTT",
            "Hà Nam",
            dt.date(2018, 2, 5),
            "Báo cáo",
            "Kết quả thử nghiệm",
        ),
        blocks=[
            Heading("I. KẾT QUẢ"),
            Paragraph(f"Điểm {fmt(0.57933, 'score')}."),
            Table(
                "t",
                "Bảng 1",
                ["Chỉ số", "Điểm", "Hồ sơ"],
                ["text", "score", "int"],
                [["Hạ tầng", 0.61234, 1234], ["Tổng", 0.5, 2000]],
                total_rows=[1],
            ),
            Chart("c", "Biểu đồ", "bar", ["A", "B"], [("Tỉnh", [0.5, 0.7])]),
        ],
        recipients=["- UBND tỉnh;", "- Lưu: VT."],
        signature=Signature("KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "Nguyễn Văn A"),
        demo_note=demo,
    )


class DocgenTestCase(SimpleTestCase):
    def test_it_formats_the_date_as_nd30(self):
        self.assertEqual(vn_long_date(dt.date(2018, 2, 5)), "ngày 05 tháng 02 năm 2018")
        self.assertEqual(vn_long_date(dt.date(2017, 12, 23)), "ngày 23 tháng 12 năm 2017")

    def test_it_formats_numbers_with_a_decimal_comma(self):
        self.assertEqual(fmt(0.57933, "score"), "0,5793")
        self.assertEqual(fmt(34079, "int"), "34.079")
        self.assertEqual(fmt(97.123, "pct"), "97,1%")
        # the typographic minus (U+2212): line breaking keeps it with its digits, unlike "-"
        self.assertEqual(fmt(-14, "delta_int"), "\u221214")
        self.assertEqual(fmt(-0.0281, "delta_score"), "\u22120,0281")
        self.assertEqual(fmt(2389, "delta_int"), "+2.389")
        self.assertEqual(fmt(None, "score"), "—")

    def test_it_keeps_tables_inside_the_margins_and_rows_whole(self):
        """Widths asked for 17,5 cm in a 16,5 cm text width are scaled down; a date column of 1 cm
        is widened so that "06/12/2026" is not broken; no row splits across pages; the row above a
        total stays with it; the closing row never splits and the last body line stays with it."""
        from docx.oxml.ns import qn

        s = spec()
        s.blocks = [
            Paragraph("Đoạn cuối của phần nội dung."),
            Table(
                "t",
                "Bảng 1",
                ["Cơ quan", "Ngày gửi", "Nội dung"],
                ["text", "text", "text"],
                [["Sở Nội vụ", "06/12/2026", "Đề nghị"], ["Cộng", "", ""]],
                total_rows=[1],
                widths_cm=[8.0, 1.0, 8.5],
            ),
        ]
        doc = Document(io.BytesIO(render_docx(s)))
        table = doc.tables[1]
        grid = [int(c.get(qn("w:w"))) for c in table._tbl.tblGrid.findall(qn("w:gridCol"))]
        twips_per_cm = 1440 / 2.54
        self.assertLessEqual(sum(grid), round(16.5 * twips_per_cm) + len(grid))
        # 10 characters at 12 pt, about half an em each, plus the cell's padding: more than 2 cm
        self.assertGreater(grid[1] / twips_per_cm, 2.0)
        for row in table.rows:
            self.assertIsNotNone(row._tr.trPr.find(qn("w:cantSplit")))
        above_total = table.rows[1].cells[0].paragraphs[0]
        self.assertTrue(above_total.paragraph_format.keep_with_next)
        closing = doc.tables[-1]
        self.assertIsNotNone(closing.rows[0]._tr.trPr.find(qn("w:cantSplit")))
        self.assertTrue(doc.paragraphs[-1].paragraph_format.keep_with_next)

    def test_it_numbers_sections_and_bolds_a_lead(self):
        s = spec()
        s.blocks = [
            Heading("Kết quả", numbered=True),
            Paragraph("Công bố kết quả.", lead="Điều 1."),
            Heading("Đề xuất", numbered=True),
        ]
        doc = Document(io.BytesIO(render_docx(s)))
        texts = [p.text for p in doc.paragraphs]
        self.assertIn("I. KẾT QUẢ", texts)
        self.assertIn("II. ĐỀ XUẤT", texts)
        article = next(p for p in doc.paragraphs if p.text.startswith("Điều 1."))
        self.assertTrue(article.runs[0].bold)
        self.assertFalse(article.runs[1].bold)

    def test_it_writes_the_nd30_header_and_signature(self):
        doc = Document(io.BytesIO(render_docx(spec())))
        header = doc.tables[0]
        left, right = header.cell(0, 0).text, header.cell(0, 1).text
        self.assertIn("UBND TỈNH HÀ NAM", left)
        self.assertIn("SỞ THÔNG TIN VÀ TRUYỀN THÔNG", left)
        self.assertIn("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", right)
        self.assertIn("Độc lập - Tự do - Hạnh phúc", right)
        self.assertEqual(header.cell(1, 0).text, "Số: 12/BC-STTTT")
        date = header.cell(1, 1).paragraphs[0].runs[0]
        self.assertEqual(date.text, "Hà Nam, ngày 05 tháng 02 năm 2018")
        self.assertTrue(date.italic)
        motto = [p for p in header.cell(0, 1).paragraphs if p.text.startswith("Độc lập")][0]
        self.assertTrue(motto.runs[0].bold)
        texts = [p.text for p in doc.paragraphs]
        self.assertIn("BÁO CÁO", texts)
        self.assertIn("Kết quả thử nghiệm", texts)
        closing = doc.tables[-1]
        self.assertIn("Nơi nhận:", closing.cell(0, 0).text)
        self.assertIn("- Lưu: VT.", closing.cell(0, 0).text)
        self.assertIn("KT. GIÁM ĐỐC", closing.cell(0, 1).text)
        self.assertIn("Nguyễn Văn A", closing.cell(0, 1).text)

    def test_it_uses_times_new_roman_and_nd30_margins(self):
        doc = Document(io.BytesIO(render_docx(spec())))
        sec = doc.sections[0]
        self.assertEqual((round(sec.page_width.cm, 1), round(sec.page_height.cm, 1)), (21.0, 29.7))
        self.assertEqual(
            [round(x.cm, 1) for x in (sec.top_margin, sec.bottom_margin, sec.left_margin, sec.right_margin)],
            [2.0, 2.0, 3.0, 1.5],
        )
        self.assertEqual(doc.styles["Normal"].font.name, "Times New Roman")
        body = [p for p in doc.paragraphs if p.text.startswith("Điểm")][0]
        self.assertEqual(body.runs[0].font.size.pt, 14)
        self.assertEqual(body.paragraph_format.first_line_indent, Cm(1.27))
        fonts = {r.font.name for p in doc.paragraphs for r in p.runs if r.text}
        self.assertEqual(fonts, {"Times New Roman"})

    def test_it_writes_tables_and_embeds_the_chart(self):
        data = render_docx(spec())
        doc = Document(io.BytesIO(data))
        t = doc.tables[1]
        self.assertEqual([c.text for c in t.rows[1].cells], ["Hạ tầng", "0,6123", "1.234"])
        self.assertTrue(t.rows[2].cells[0].paragraphs[0].runs[0].bold)
        self.assertEqual(len(doc.inline_shapes), 1)
        self.assertIn(b"word/media/image1.png", data)

    def test_it_labels_demonstration_data(self):
        doc = Document(io.BytesIO(render_docx(spec(demo="DỮ LIỆU MINH HỌA"))))
        self.assertIn("DỮ LIỆU MINH HỌA", [p.text for p in doc.paragraphs])
        self.assertIn("DỮ LIỆU MINH HỌA", doc.sections[0].footer.paragraphs[0].text)

    def test_it_keeps_numbers_as_numbers_in_the_workbook(self):
        wb = load_workbook(io.BytesIO(render_xlsx(spec())))
        self.assertEqual(wb.sheetnames, ["Thông tin", "Bảng 1"])
        ws = wb["Bảng 1"]
        self.assertEqual([c.value for c in ws[2]], ["Chỉ số", "Điểm", "Hồ sơ"])
        self.assertEqual([c.value for c in ws[3]], ["Hạ tầng", 0.61234, 1234])
        self.assertEqual(wb["Thông tin"]["B3"].value, "Số: 12/BC-STTTT")

    def test_it_centres_a_paragraph_when_asked_and_justifies_by_default(self):
        from docx.enum.text import WD_ALIGN_PARAGRAPH

        sp = spec()
        sp.blocks += [Paragraph("QUYẾT ĐỊNH:", bold=True, indent=False, align="center"), Paragraph("Điều 1.")]
        doc = Document(io.BytesIO(render_docx(sp)))
        by_text = {p.text: p for p in doc.paragraphs}
        self.assertEqual(by_text["QUYẾT ĐỊNH:"].alignment, WD_ALIGN_PARAGRAPH.CENTER)
        self.assertEqual(by_text["Điều 1."].alignment, WD_ALIGN_PARAGRAPH.JUSTIFY)
        with self.assertRaisesRegex(ValueError, "paragraph align 'middle'"):
            Paragraph("x", align="middle")

    def test_points_are_written_with_two_decimals_and_kept_as_numbers(self):
        self.assertEqual(fmt(407.6449, "points"), "407,64")
        self.assertEqual(fmt(None, "points"), "—")

    def test_it_rejects_a_ragged_table(self):
        with self.assertRaisesRegex(ValueError, "row 0: 1 cells, expected 2"):
            Table("t", "", ["a", "b"], ["text", "int"], [["x"]])


class PdfProfilePoolTestCase(SimpleTestCase):
    """LibreOffice profiles are lent to one conversion at a time and kept for the next one
    (docgen.pdf): a sequential conversion reuses the profile, two at once get two, a failed
    conversion's profile is thrown away."""

    def setUp(self):
        from chiso.docgen import pdf

        self.pdf = pdf
        with pdf._lock:
            pdf._free_profiles.clear()

    def test_profiles_are_reused_one_conversion_at_a_time(self):
        import subprocess
        import threading

        data = render_docx(spec())
        first = self.pdf.docx_to_pdf(data)
        self.assertTrue(first.startswith(b"%PDF"))
        self.assertEqual(len(self.pdf._free_profiles), 1)
        kept = self.pdf._free_profiles[0]
        self.assertTrue((kept / "profile" / "user").is_dir())  # LibreOffice initialised it
        self.pdf.docx_to_pdf(data)
        self.assertEqual(self.pdf._free_profiles, [kept])  # reused, not a new one
        results = []
        threads = [
            threading.Thread(target=lambda: results.append(self.pdf.docx_to_pdf(data))) for _ in range(2)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual(len(results), 2)
        self.assertTrue(all(r.startswith(b"%PDF") for r in results))
        self.assertEqual(len(set(self.pdf._free_profiles)), 2)  # two at once: two profiles
        text = subprocess.run(["pdftotext", "-", "-"], input=results[0], capture_output=True).stdout.decode()
        self.assertIn("Hạ tầng", text)

    def test_a_failed_conversions_profile_is_thrown_away(self):
        import os
        import shutil

        from chiso.docgen import ConversionError

        # a converter that fails at once (exit status 1), named as an installation would name it
        os.environ["SOFFICE"] = shutil.which("false")
        try:
            with self.assertRaises(ConversionError) as e:
                self.pdf.docx_to_pdf(render_docx(spec()))
        finally:
            del os.environ["SOFFICE"]
        self.assertIn("exit 1", str(e.exception))
        self.assertEqual(self.pdf._free_profiles, [])
