"""Write a :class:`~.spec.DocumentSpec` as a Vietnamese administrative document (.docx).

Layout per Nghị định 30/2020/NĐ-CP, Phụ lục I (thể thức và kỹ thuật trình bày văn bản hành chính):

- A4; margins top 20 mm, bottom 20 mm, left 30 mm, right 15 mm;
- Times New Roman (on a server without it, LibreOffice draws the PDF with the metric-compatible
  Liberation Serif: same line breaks and page breaks);
- header in two columns: cơ quan chủ quản (13 pt, upper case) and cơ quan ban hành (13 pt, bold,
  upper case, a short rule below); national title (12 pt bold upper case) and motto (13 pt bold,
  a rule of the motto's length below); then "Số: …/BC-…" and the place and date (13 pt italic);
- document type (14 pt bold) and subject line (14 pt bold, a short rule below), centred;
- body 14 pt, justified, first line indented 1,27 cm, 6 pt between paragraphs, single line spacing;
- "Nơi nhận:" (12 pt bold italic, items 11 pt) beside the signature block (quyền hạn, chức vụ:
  14 pt bold upper case; họ tên: 14 pt bold);
- page numbers centred in the top margin from the second page.
"""

from __future__ import annotations

import io

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from . import charts as charts_mod
from .spec import Chart, DocumentSpec, Heading, Paragraph, Part, Table

FONT = "Times New Roman"
TEXT_WIDTH_CM = 21.0 - 3.0 - 1.5
LEFT_COL_CM = 6.0
RIGHT_COL_CM = TEXT_WIDTH_CM - LEFT_COL_CM


def _set_font(run, size: float, *, bold=False, italic=False, color: RGBColor | None = None):
    run.font.name = FONT
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.italic = italic
    if color is not None:
        run.font.color.rgb = color
    rpr = run._element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), FONT)


def _para(
    container,
    text: str = "",
    size: float = 14,
    *,
    bold=False,
    italic=False,
    align=WD_ALIGN_PARAGRAPH.CENTER,
    before=0,
    after=0,
    indent_cm: float | None = None,
    color=None,
):
    p = container.add_paragraph()
    p.alignment = align
    pf = p.paragraph_format
    pf.space_before, pf.space_after = Pt(before), Pt(after)
    pf.line_spacing_rule = WD_LINE_SPACING.SINGLE
    if indent_cm is not None:
        pf.first_line_indent = Cm(indent_cm)
    if text:
        _set_font(p.add_run(text), size, bold=bold, italic=italic, color=color)
    return p


def _rule(container, width_cm: float, cell_width_cm: float):
    """A horizontal rule of ``width_cm``, centred in a column ``cell_width_cm`` wide (a paragraph
    with a bottom border, its indents setting the length)."""
    p = container.add_paragraph()
    pf = p.paragraph_format
    side = max(0.0, (cell_width_cm - width_cm) / 2)
    pf.left_indent, pf.right_indent = Cm(side), Cm(side)
    pf.space_before, pf.space_after = Pt(0), Pt(0)
    pf.line_spacing = Pt(2)
    ppr = p._p.get_or_add_pPr()
    bdr = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for k, v in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        bottom.set(qn(k), v)
    bdr.append(bottom)
    ppr.append(bdr)
    _set_font(p.add_run(""), 2)
    return p


def _text_width_cm(text: str, size_pt: float, *, caps: bool) -> float:
    # Average advance of Times New Roman bold: ~0.68 em for capitals, ~0.50 em for mixed case.
    return len(text) * size_pt * (0.68 if caps else 0.50) / 72 * 2.54


def _cell_width(cell, cm: float):
    cell.width = Cm(cm)
    tcpr = cell._tc.get_or_add_tcPr()
    w = tcpr.find(qn("w:tcW"))
    if w is None:
        w = OxmlElement("w:tcW")
        tcpr.append(w)
    w.set(qn("w:w"), str(int(cm / 2.54 * 1440)))
    w.set(qn("w:type"), "dxa")


def _grid(table, widths_cm: list[float]):
    """Column widths in the table grid too: LibreOffice lays tables out from ``w:tblGrid``."""
    for col, w in zip(table.columns, widths_cm):
        col.width = Cm(w)


def _fixed_layout(table):
    tblpr = table._tbl.tblPr
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    tblpr.append(layout)


def _shade(cell, fill: str):
    tcpr = cell._tc.get_or_add_tcPr()
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    tcpr.append(shd)


def _repeat_header(row):
    trpr = row._tr.get_or_add_trPr()
    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "true")
    trpr.append(el)


def _cant_split(row):
    """A row is never broken across two pages (a name cut from its figures)."""
    trpr = row._tr.get_or_add_trPr()
    el = OxmlElement("w:cantSplit")
    el.set(qn("w:val"), "true")
    trpr.insert(0, el)


def _keep_row_with_next(cells):
    """Keep a row on the page of the row below it (the row above a total: the total is never alone
    at the top of a page)."""
    for cell in cells:
        for p in cell.paragraphs:
            p.paragraph_format.keep_with_next = True


# Average advance widths of Times New Roman, in em: digits and most lower-case letters are about
# half an em, capitals wider. Used to see whether a word fits in a column, not to lay text out.
def _char_em(ch: str) -> float:
    if ch.isdigit() or ch in "/.,:;-−+%()":
        return 0.5
    if ch.isupper():
        return 0.72
    if ch in "mwMW":
        return 0.78
    if ch in "iljtfr ":
        return 0.3
    return 0.48


CELL_PADDING_CM = 0.4  # the table style's cell margins, left and right


def _word_cm(word: str, size_pt: float, *, bold: bool = False) -> float:
    em = sum(_char_em(c) for c in word) * (1.07 if bold else 1.0)
    return em * size_pt / 72 * 2.54 + CELL_PADDING_CM


def fit_widths(widths: list[float], columns: list[str], cells: list[list[str]], size_pt: float) -> list[float]:
    """Column widths that fit the text width, and in which no word is broken: a column narrower
    than its longest word (a date, a number, a rank) takes the room from the widest columns, and a
    table wider than the text is scaled down to it (tables stay inside the margins)."""
    widths = list(widths)
    total = sum(widths)
    if total > TEXT_WIDTH_CM:
        widths = [w * TEXT_WIDTH_CM / total for w in widths]
    need = []
    for j in range(len(widths)):
        words = [w for text in [columns[j], *(row[j] for row in cells)] for w in str(text).split()]
        bold_head = {w for w in str(columns[j]).split()}
        need.append(max((_word_cm(w, size_pt, bold=w in bold_head) for w in words), default=0.0))
    for _ in range(len(widths)):
        short = [j for j in range(len(widths)) if widths[j] + 1e-9 < need[j]]
        if not short:
            break
        for j in short:
            lack = need[j] - widths[j]
            # take from the columns with the most room beyond their own longest word
            donors = sorted(
                (k for k in range(len(widths)) if k != j and widths[k] - need[k] > 0.05),
                key=lambda k: widths[k] - need[k],
                reverse=True,
            )
            for k in donors:
                give = min(lack, widths[k] - need[k])
                widths[k] -= give
                widths[j] += give
                lack -= give
                if lack <= 1e-9:
                    break
    return widths


def _page_number_field(paragraph):
    run = paragraph.add_run()
    _set_font(run, 13)
    for tag, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if tag:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), tag)
        else:
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = text
        run._r.append(el)


def _setup(doc, spec: DocumentSpec):
    sec = doc.sections[0]
    sec.orientation = WD_ORIENT.PORTRAIT
    sec.page_width, sec.page_height = Cm(21.0), Cm(29.7)
    sec.top_margin, sec.bottom_margin = Cm(2.0), Cm(2.0)
    sec.left_margin, sec.right_margin = Cm(3.0), Cm(1.5)
    sec.header_distance, sec.footer_distance = Cm(1.0), Cm(1.0)
    normal = doc.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(14)
    rpr = normal.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), FONT)
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), "vi-VN")
    rpr.append(lang)
    # Page numbers from page 2 on (ND 30: centred in the top margin, not on the first page).
    sec.different_first_page_header_footer = True
    p = sec.header.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _page_number_field(p)
    if spec.demo_note:
        for footer in (sec.footer, sec.first_page_footer):
            _set_font(
                footer.paragraphs[0].add_run(spec.demo_note), 9, italic=True, color=RGBColor(0xC0, 0, 0)
            )
    core = doc.core_properties
    core.title = spec.header.subject
    core.author = spec.header.issuing_body
    core.language = "vi-VN"


def _header(doc, spec: DocumentSpec):
    h = spec.header
    t = doc.add_table(rows=2, cols=2)
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    t.autofit = False
    _fixed_layout(t)
    _grid(t, [LEFT_COL_CM, RIGHT_COL_CM])
    for row in t.rows:
        _cell_width(row.cells[0], LEFT_COL_CM)
        _cell_width(row.cells[1], RIGHT_COL_CM)
    left, right = t.cell(0, 0), t.cell(0, 1)
    left.paragraphs[0]._p.getparent().remove(left.paragraphs[0]._p)
    right.paragraphs[0]._p.getparent().remove(right.paragraphs[0]._p)
    if h.parent_body:
        _para(left, h.parent_body.upper(), 13)
    _para(left, h.issuing_body.upper(), 13, bold=True)
    body_w = min(LEFT_COL_CM - 0.4, _text_width_cm(h.issuing_body, 13, caps=True))
    _rule(left, max(1.8, body_w * 0.4), LEFT_COL_CM)
    _para(right, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 12, bold=True)
    motto = "Độc lập - Tự do - Hạnh phúc"
    _para(right, motto, 13, bold=True)
    _rule(right, _text_width_cm(motto, 13, caps=False), RIGHT_COL_CM)
    num, date = t.cell(1, 0), t.cell(1, 1)
    _set_font(num.paragraphs[0].add_run(h.number_symbol), 13)
    num.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    num.paragraphs[0].paragraph_format.space_before = Pt(6)
    _set_font(date.paragraphs[0].add_run(h.place_and_date), 13, italic=True)
    date.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    date.paragraphs[0].paragraph_format.space_before = Pt(6)
    if spec.demo_note:
        _para(doc, spec.demo_note, 12, bold=True, before=6, color=RGBColor(0xC0, 0, 0))
    _para(doc, h.doc_type.upper(), 14, bold=True, before=18)
    _para(doc, h.subject, 14, bold=True)
    _rule(
        doc,
        min(TEXT_WIDTH_CM * 0.4, max(2.5, _text_width_cm(h.subject, 14, caps=False) * 0.4)),
        TEXT_WIDTH_CM,
    )
    _para(doc, "", 6, after=6)


def _table(doc, table: Table):
    if table.title:
        p = _para(doc, table.title, 13, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, before=6, after=3)
        p.paragraph_format.keep_with_next = True
    t = doc.add_table(rows=1 + len(table.rows), cols=len(table.columns))
    t.style = doc.styles["Table Grid"]
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    widths = table.widths_cm
    if widths is None:
        first = min(6.0, TEXT_WIDTH_CM * 0.36) if table.formats[0] == "text" else 1.2
        rest = (TEXT_WIDTH_CM - first) / max(1, len(table.columns) - 1)
        widths = [first] + [rest] * (len(table.columns) - 1)
    size = 11 if len(table.columns) > 5 else 12
    texts = [[table.cell_text(i, j) for j in range(len(table.columns))] for i in range(len(table.rows))]
    widths = fit_widths(widths, table.columns, texts, size)
    t.autofit = False
    _fixed_layout(t)
    _grid(t, widths)
    # One pass per row: python-docx's ``table.cell(i, j)`` rebuilds the list of every cell of the
    # table on each call (quadratic in the number of cells: a third of the annual report's time).
    rows = [row.cells for row in t.rows]
    for j, name in enumerate(table.columns):
        cell = rows[0][j]
        _cell_width(cell, widths[j])
        _shade(cell, "D9E2F3")
        p = cell.paragraphs[0]
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _set_font(p.add_run(name), size, bold=True)
    _repeat_header(t.rows[0])
    for row in t.rows:
        _cant_split(row)
    for i in range(len(table.rows)):
        bold = i in table.total_rows
        if i + 1 in table.total_rows or i + 1 == len(table.rows) - 1:
            _keep_row_with_next(rows[i + 1])  # a total row, or the last row, never alone on a page
        for j in range(len(table.columns)):
            cell = rows[i + 1][j]
            _cell_width(cell, widths[j])
            p = cell.paragraphs[0]
            p.alignment = WD_ALIGN_PARAGRAPH.LEFT if table.formats[j] == "text" else WD_ALIGN_PARAGRAPH.RIGHT
            _set_font(p.add_run(texts[i][j]), size, bold=bold)
    if table.note:
        _para(doc, table.note, 11, italic=True, align=WD_ALIGN_PARAGRAPH.LEFT, before=3, after=6)
    else:
        _para(doc, "", 6)


def _chart(doc, chart: Chart):
    png = charts_mod.render_png(chart)
    p = _para(doc, "", 14, before=6)
    p.add_run().add_picture(io.BytesIO(png), width=Cm(15.5))
    if chart.caption:
        _para(doc, chart.caption, 12, italic=True, after=6)


def _closing(doc, spec: DocumentSpec):
    """"Nơi nhận" beside the signature block, in one row that never splits (authority, title and
    name on one page), kept with the last lines of the body (no page holding only the closing)."""
    if doc.paragraphs:
        doc.paragraphs[-1].paragraph_format.keep_with_next = True
        for tbl in doc.tables[-1:]:
            last = doc.element.body[-2] if len(doc.element.body) > 1 else None
            if last is not None and last is doc.paragraphs[-1]._p:
                # a table right before the closing: its last row stays with the paragraph after it
                prev = last.getprevious()
                if prev is not None and prev is tbl._tbl:
                    _keep_row_with_next(tbl.rows[-1].cells)
    t = doc.add_table(rows=1, cols=2)
    _cant_split(t.rows[0])
    t.autofit = False
    _fixed_layout(t)
    _grid(t, [8.0, TEXT_WIDTH_CM - 8.0])
    left, right = t.cell(0, 0), t.cell(0, 1)
    _cell_width(left, 8.0)
    _cell_width(right, TEXT_WIDTH_CM - 8.0)
    p = left.paragraphs[0]
    p.paragraph_format.space_before = Pt(12)
    _set_font(p.add_run("Nơi nhận:"), 12, bold=True, italic=True)
    for item in spec.recipients:
        _para(left, item, 11, align=WD_ALIGN_PARAGRAPH.LEFT)
    s = spec.signature
    p = right.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.paragraph_format.space_before = Pt(12)
    first = True
    for line in (s.authority, s.title):
        if not line:
            continue
        if first:
            _set_font(p.add_run(line.upper()), 14, bold=True)
            first = False
        else:
            _para(right, line.upper(), 14, bold=True)
    for _i in range(4):  # room for the signature and the seal
        _para(right, "", 14)
    _para(right, s.name or " ", 14, bold=True)


ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII", "XIII", "XIV", "XV"]

_ALIGNS = {
    "justify": WD_ALIGN_PARAGRAPH.JUSTIFY,
    "center": WD_ALIGN_PARAGRAPH.CENTER,
    "left": WD_ALIGN_PARAGRAPH.LEFT,
    "right": WD_ALIGN_PARAGRAPH.RIGHT,
}


_CLOSING = object()  # where "Nơi nhận" and the signature go among the blocks (before an annex)


def render_docx(spec: DocumentSpec) -> bytes:
    """Return the .docx bytes of ``spec``."""
    doc = Document()
    _setup(doc, spec)
    _header(doc, spec)
    roman = 0
    for block in [*spec.blocks, _CLOSING, *spec.annex]:
        if block is _CLOSING:  # the annex follows the signature, from a new page
            _closing(doc, spec)
            if spec.annex:
                doc.add_page_break()
            continue
        if isinstance(block, Part):
            continue
        if isinstance(block, Heading):
            text = block.text
            if block.numbered:
                roman += 1
                text = f"{ROMAN[roman - 1]}. {text.upper()}"
            p = _para(
                doc,
                text,
                14,
                bold=True,
                align=WD_ALIGN_PARAGRAPH.JUSTIFY,
                before=6,
                after=6,
                indent_cm=1.27 if block.level > 0 else 0,
            )
            p.paragraph_format.keep_with_next = True
        elif isinstance(block, Paragraph):
            p = _para(
                doc,
                "" if block.lead else block.text,
                14,
                bold=block.bold,
                italic=block.italic,
                align=_ALIGNS[block.align],
                after=6,
                indent_cm=1.27 if (block.indent and block.align == "justify") else 0,
            )
            if block.lead:
                _set_font(p.add_run(block.lead + " "), 14, bold=True, italic=block.italic)
                _set_font(p.add_run(block.text), 14, bold=block.bold, italic=block.italic)
        elif isinstance(block, Table):
            _table(doc, block)
        elif isinstance(block, Chart):
            _chart(doc, block)
        else:
            raise TypeError(f"unknown block {type(block).__name__}")
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()
