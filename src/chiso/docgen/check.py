"""The one check of a generated document against Nghị định 30/2020/NĐ-CP, Phụ lục I (thể thức và kỹ
thuật trình bày văn bản hành chính), and of its printed text for software leftovers.

``check_docx(docx_bytes)`` reads the .docx with python-docx (what the layout says: fonts, sizes,
alignment, page set-up, header fields, table widths, rows that may not split);
``check_pdf(pdf_bytes)`` reads the .pdf page by page with poppler's ``pdftotext -bbox-layout`` (what
LibreOffice actually laid out: where each line fell, on which page); ``leftovers(text)`` looks for
what software leaves in print (``None``, ``nan``, codes, paths, hashes, English). ``check_all``
runs the three. Every rule is one small function returning :class:`Finding` s — (rule, where,
message in Vietnamese) — and ``docs/documents.md`` lists them with the article of NĐ 30 each holds.

Knows nothing of Django.
"""

from __future__ import annotations

import re
import subprocess
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

MM_PER_PT = 25.4 / 72
TWIPS_PER_MM = 1440 / 25.4
EMU_PER_MM = 36000

NATIONAL_TITLE = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
FONT = "Times New Roman"
# PDF fonts with Times New Roman's metrics (LibreOffice draws with these where TNR is not installed)
PDF_FONTS = (
    "TimesNewRoman",
    "Times-Roman",
    "Times-Bold",
    "Times-Italic",
    "Times-BoldItalic",
    "LiberationSerif",
)
# NĐ 30, Phụ lục I, Phần I, mục II.1 and II.3: A4, margins (mm) top, bottom 20–25; left 30–35; right 15–20
A4_MM = (210.0, 297.0)
MARGINS_MM = {"top": (20.0, 25.0), "bottom": (20.0, 25.0), "left": (30.0, 35.0), "right": (15.0, 20.0)}
# NĐ 30, Điều 7 (the kinds of administrative document) with their abbreviations (Phụ lục III)
DOC_TYPES = {
    "NGHỊ QUYẾT": "NQ",
    "QUYẾT ĐỊNH": "QĐ",
    "CHỈ THỊ": "CT",
    "QUY CHẾ": "QC",
    "QUY ĐỊNH": "QYĐ",
    "THÔNG CÁO": "TC",
    "THÔNG BÁO": "TB",
    "HƯỚNG DẪN": "HD",
    "CHƯƠNG TRÌNH": "CTr",
    "KẾ HOẠCH": "KH",
    "PHƯƠNG ÁN": "PA",
    "ĐỀ ÁN": "ĐA",
    "DỰ ÁN": "DA",
    "BÁO CÁO": "BC",
    "BIÊN BẢN": "BB",
    "TỜ TRÌNH": "TTr",
    "HỢP ĐỒNG": "HĐ",
    "CÔNG ĐIỆN": "CĐ",
    "BẢN GHI NHỚ": "GN",
    "BẢN THỎA THUẬN": "TTh",
    "GIẤY ỦY QUYỀN": "GUQ",
    "GIẤY MỜI": "GM",
    "GIẤY GIỚI THIỆU": "GGT",
    "GIẤY NGHỈ PHÉP": "GNP",
    "PHIẾU GỬI": "PG",
    "PHIẾU CHUYỂN": "PC",
    "PHIẾU BÁO": "PB",
}
# words an issuing body's name starts with (NĐ 30, Phụ lục I, Phần I, mục III.2)
BODY_WORDS = (
    "ỦY BAN",
    "UỶ BAN",
    "UBND",
    "SỞ",
    "BAN",
    "VĂN PHÒNG",
    "HỘI ĐỒNG",
    "BỘ",
    "TỔNG CỤC",
    "CỤC",
    "CHI CỤC",
    "TRUNG TÂM",
    "THANH TRA",
    "CHỦ TỊCH",
    "PHÒNG",
    "TRƯỜNG",
    "VIỆN",
    "BỆNH VIỆN",
    "KHO BẠC",
)
SO_RE = re.compile(r"^Số:\s*(?P<no>\d*)\s*/\s*(?P<sym>[A-ZĐ][A-Za-zĐđ]{0,3}-[A-ZĐ0-9]+(?:-[A-ZĐ0-9]+)*)$")
DATE_RE = re.compile(
    r"^(?:(?P<place>[^,]+),\s+)?(?P<ngay>[Nn]gày) (?P<d>\d{1,2}) tháng (?P<m>\d{1,2}) năm (?P<y>\d{4})$"
)
PAGE_FIELD_RE = re.compile(r"\bPAGE\b")
# every rule of the check: id -> what it holds (and where NĐ 30/2020, Phụ lục I, Phần I says so)
RULE_IDS = {
    "nd30.page": "khổ A4, lề trên, dưới 20–25 mm, trái 30–35 mm, phải 15–20 mm (mục II.1–3)",
    "nd30.header": "khối hai cột đầu văn bản (mục IV, sơ đồ bố trí)",
    "nd30.issuer": "tên cơ quan ban hành, chữ in hoa (mục III.2)",
    "nd30.motto": "quốc hiệu và tiêu ngữ, in đậm (mục III.1)",
    "nd30.number": "số, ký hiệu “Số: 12/BC-STTTT”, ký hiệu khớp tên loại (mục III.3, Phụ lục III)",
    "nd30.date": "địa danh và ngày tháng, in nghiêng, số 0 trước ngày < 10 và tháng 1, 2 (mục III.4)",
    "nd30.title": "tên loại văn bản theo Điều 7 và trích yếu, in đậm, căn giữa (mục III.5)",
    "nd30.justify": "nội dung căn đều hai lề (mục III.6)",
    "nd30.font": "phông Times New Roman, nội dung cỡ 13–14 (mục II.4, III.6)",
    "nd30.article": "“Điều 1.” in đậm (mục III.6)",
    "nd30.recipients": "“Nơi nhận:” và các nơi nhận, dòng cuối “- Lưu: VT, …” (mục III.9)",
    "nd30.signature": "quyền hạn, chức vụ và họ tên người ký, in đậm, trên cùng một trang (mục III.7)",
    "nd30.page_numbers": "số trang giữa lề trên, từ trang 2 (mục II.7)",
    "nd30.table_width": "bảng trong vùng chữ (mục II.2–3)",
    "nd30.rows": "dòng bảng không bị tách trang, dòng tiêu đề bảng lặp lại",
    "nd30.orphan": "không có trang chỉ có nơi nhận hoặc chữ ký, không có trang trống",
    "nd30.broken": "dấu trừ không tách khỏi số, ngày tháng không bị ngắt dòng",
    "leftover.none": "không in “None”",
    "leftover.nan": "không in “nan”, “inf”",
    "leftover.code": "không in mã nội bộ (ma_chi_so, mã bộ chỉ số)",
    "leftover.path": "không in đường dẫn tệp",
    "leftover.hash": "không in chuỗi băm",
    "leftover.double_stop": "không có hai dấu chấm liền nhau",
    "leftover.english": "không có chữ tiếng Anh",
}
MAX_PER_RULE = 8  # findings kept per rule and file; the rest are counted in one last finding


@dataclass(frozen=True)
class Finding:
    rule: str  # stable id: "nd30.signature", "leftover.none", …
    where: str  # "DOCX, đoạn 12", "PDF, trang 3"
    message: str  # Vietnamese

    def __str__(self) -> str:
        return f"[{self.rule}] {self.where}: {self.message}"


def _mm(value: float) -> str:
    """Millimetres the Vietnamese way: "170,0"."""
    return f"{value:.1f}".replace(".", ",")


def _capped(rule_findings: Iterable[Finding]) -> list[Finding]:
    out: list[Finding] = []
    extra: dict[str, int] = {}
    count: dict[str, int] = {}
    for f in rule_findings:
        count[f.rule] = count.get(f.rule, 0) + 1
        if count[f.rule] <= MAX_PER_RULE:
            out.append(f)
        else:
            extra[f.rule] = extra.get(f.rule, 0) + 1
    for rule, n in extra.items():
        out.append(Finding(rule, "—", f"và {n} chỗ khác cùng lỗi này"))
    return out


# --- printed text: what software leaves behind ---------------------------------------------------------------

_NOT_WORD_BEFORE = r"(?<![\w-])"
_NOT_WORD_AFTER = r"(?![\w])"
ENGLISH = (
    "the",
    "and",
    "of",
    "for",
    "with",
    "report",
    "demonstration",
    "data",
    "page",
    "total",
    "draft",
    "error",
    "unknown",
    "null",
    "true",
    "false",
)
LEFTOVER_RULES: list[tuple[str, re.Pattern, str]] = [
    (
        "leftover.none",
        re.compile(_NOT_WORD_BEFORE + r"None" + _NOT_WORD_AFTER),
        "chữ “None” (giá trị rỗng của phần mềm)",
    ),
    # "nan" is also a Vietnamese word ("nan giải", "nan tre"): only where a number would stand
    (
        "leftover.nan",
        re.compile(_NOT_WORD_BEFORE + r"(?:NaN|nan(?!\s+\w)|-?inf|-?Infinity)" + _NOT_WORD_AFTER),
        "giá trị không phải số (nan, inf)",
    ),
    (
        "leftover.code",
        re.compile(_NOT_WORD_BEFORE + r"[a-z][a-z0-9]*_[a-z0-9_]+"),
        "mã nội bộ dạng ma_chi_so",
    ),
    (
        "leftover.code",
        re.compile(_NOT_WORD_BEFORE + r"[a-z]+(?:-[a-z0-9]+){2,}" + r"(?![\w-])"),
        "mã định danh nội bộ (như mã bộ chỉ số)",
    ),
    (
        "leftover.path",
        re.compile(r"(?:(?<![\w.])(?:docs|src|tests|var|tmp)/|/tmp\b|/home/|\w\.(?:py|md|yaml|yml|json)\b)"),
        "đường dẫn tệp",
    ),
    (
        "leftover.hash",
        re.compile(_NOT_WORD_BEFORE + r"(?=[0-9a-f]*[a-f])(?=[0-9a-f]*[0-9])[0-9a-f]{10,}" + _NOT_WORD_AFTER),
        "chuỗi băm (hash)",
    ),
    ("leftover.double_stop", re.compile(r"(?<!\.)\.\.(?![./])"), "hai dấu chấm liền nhau “..”"),
    (
        "leftover.english",
        re.compile(_NOT_WORD_BEFORE + r"(?i:" + "|".join(ENGLISH) + r")" + _NOT_WORD_AFTER),
        "chữ tiếng Anh",
    ),
]


def leftovers(text: str, where: str = "văn bản") -> list[Finding]:
    """Software leftovers in printed ``text``: ``None``, ``nan``/``inf``, snake_case codes and
    internal ids, file paths, hex hashes of 10+ characters, a doubled full stop, English words."""
    out = []
    seen = set()  # each leftover once (a footer prints on every page)
    for lineno, line in enumerate(text.splitlines(), 1):
        for rule, pattern, what in LEFTOVER_RULES:
            for m in pattern.finditer(line):
                if (rule, m.group(0)) in seen:
                    continue
                seen.add((rule, m.group(0)))
                context = line[max(0, m.start() - 30) : m.end() + 30].strip()
                out.append(
                    Finding(rule, f"{where}, dòng {lineno}", f"Có {what}: “{m.group(0)}” trong “{context}”.")
                )
    return _capped(out)


# --- DOCX ---------------------------------------------------------------------------------------------------------


def _w(tag: str) -> str:
    from docx.oxml.ns import qn

    return qn(tag)


def _text(el) -> str:
    """The text of a paragraph or cell element (w:t and tabs), as printed."""
    parts = []
    for node in el.iter(_w("w:t"), _w("w:tab"), _w("w:br")):
        parts.append(node.text or "" if node.tag == _w("w:t") else (" " if node.tag == _w("w:tab") else "\n"))
    return "".join(parts)


@dataclass
class _Docx:
    doc: object
    body: list  # ("p", Paragraph) | ("tbl", Table), top level, in order
    head_table: object | None = None
    type_index: int | None = None  # index in body of the document-type paragraph
    closing_index: int | None = None  # index in body of the table holding "Nơi nhận"
    defaults: dict = field(default_factory=dict)
    styles: dict = field(default_factory=dict)
    default_style: str | None = None


def _open_docx(data: bytes) -> _Docx:
    import io

    from docx import Document
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    doc = Document(io.BytesIO(data))
    body = []
    for el in doc.element.body.iterchildren():
        if el.tag == _w("w:p"):
            body.append(("p", Paragraph(el, doc)))
        elif el.tag == _w("w:tbl"):
            body.append(("tbl", Table(el, doc)))
    d = _Docx(doc, body)
    for i, (kind, obj) in enumerate(body):
        if kind == "tbl" and d.head_table is None and d.type_index is None:
            d.head_table = obj
        if kind == "p" and d.type_index is None and d.head_table is not None and _is_upper(obj.text.strip()):
            d.type_index = i  # the first upper-case line after the header block
        if kind == "tbl" and any(p.text.strip().startswith("Nơi nhận") for p in _cell_paragraphs(obj)):
            d.closing_index = i
    rpr = doc.styles.element.find(f"{_w('w:docDefaults')}/{_w('w:rPrDefault')}/{_w('w:rPr')}")
    if rpr is not None:
        d.defaults = _rpr_props(rpr)
    d.styles, d.default_style = _styles(doc)
    return d


def _cell_paragraphs(table) -> Iterator:
    for row in table.rows:
        for cell in row.cells:
            yield from cell.paragraphs


def _rpr_props(rpr) -> dict:
    """font / size (pt) / bold / italic set directly in a w:rPr (missing keys: not set here)."""
    out: dict = {}
    if rpr is None:
        return out
    fonts = rpr.find(_w("w:rFonts"))
    if fonts is not None:
        theme = fonts.get(_w("w:asciiTheme"))
        if theme:
            out["font"] = f"(phông theo chủ đề {theme})"
        elif fonts.get(_w("w:ascii")):
            out["font"] = fonts.get(_w("w:ascii"))
    sz = rpr.find(_w("w:sz"))
    if sz is not None and sz.get(_w("w:val")):
        out["size"] = int(sz.get(_w("w:val"))) / 2
    for key, tag in (("bold", "w:b"), ("italic", "w:i")):
        el = rpr.find(_w(tag))
        if el is not None:
            out[key] = el.get(_w("w:val"), "true") not in ("0", "false", "off")
    return out


@dataclass(frozen=True)
class _Style:
    props: dict  # what its w:rPr sets (:func:`_rpr_props`)
    based_on: str | None
    jc: str | None  # its paragraph alignment (w:jc), XML value


def _styles(doc) -> tuple[dict[str, _Style], str | None]:
    """Every style by id, read once from the XML (python-docx looks a style up by scanning them all
    on every ``paragraph.style``); and the default paragraph style's id."""
    out, default = {}, None
    for st in doc.styles.element.findall(_w("w:style")):
        sid = st.get(_w("w:styleId"))
        based = st.find(_w("w:basedOn"))
        jc = st.find(f"{_w('w:pPr')}/{_w('w:jc')}")
        out[sid] = _Style(
            _rpr_props(st.find(_w("w:rPr"))),
            based.get(_w("w:val")) if based is not None else None,
            jc.get(_w("w:val")) if jc is not None else None,
        )
        if st.get(_w("w:type")) == "paragraph" and st.get(_w("w:default")) in ("1", "true"):
            default = sid
    return out, default


def _style_chain(d: _Docx, sid: str | None) -> Iterator[_Style]:
    seen = set()
    while sid and sid in d.styles and sid not in seen:
        seen.add(sid)
        yield d.styles[sid]
        sid = d.styles[sid].based_on


def _style_id(el, container: str, tag: str) -> str | None:
    found = el.find(f"{_w(container)}/{_w(tag)}")
    return found.get(_w("w:val")) if found is not None else None


def _run_props(d: _Docx, run, paragraph) -> dict:
    """The effective font, size, bold and italic of a run: the run, its character style, the
    paragraph's style chain, then the document defaults."""
    out: dict = {}
    layers = [_rpr_props(run._r.rPr)]
    layers += [s.props for s in _style_chain(d, _style_id(run._r, "w:rPr", "w:rStyle"))]
    layers += [
        s.props for s in _style_chain(d, _style_id(paragraph._p, "w:pPr", "w:pStyle") or d.default_style)
    ]
    layers.append(d.defaults)
    for layer in layers:
        for k, v in layer.items():
            out.setdefault(k, v)
    out.setdefault("font", "(không đặt)")
    out.setdefault("size", 10.0)
    out.setdefault("bold", False)
    out.setdefault("italic", False)
    return out


def _alignment(d: _Docx, paragraph):
    """The paragraph's alignment: its own, else its style chain's; None (left) when nothing sets it."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    if paragraph.alignment is not None:
        return paragraph.alignment
    for s in _style_chain(d, _style_id(paragraph._p, "w:pPr", "w:pStyle") or d.default_style):
        if s.jc:
            return WD_ALIGN_PARAGRAPH.from_xml(s.jc)
    return None


def _runs(paragraph):
    return [r for r in paragraph.runs if r.text.strip()]


def _is_upper(text: str) -> bool:
    return text == text.upper() and any(c.isalpha() for c in text)


def _where_p(i: int) -> str:
    return f"DOCX, đoạn {i + 1}"


def docx_page_setup(d: _Docx) -> Iterator[Finding]:
    """A4 (either way round) and the margins of NĐ 30, Phụ lục I, Phần I, mục II.1–3."""
    for n, sec in enumerate(d.doc.sections, 1):
        where = f"DOCX, phần {n}"
        w, h = sec.page_width / EMU_PER_MM, sec.page_height / EMU_PER_MM
        if sorted((round(w), round(h))) != sorted(round(x) for x in A4_MM):
            yield Finding("nd30.page", where, f"Khổ giấy {w:.0f} × {h:.0f} mm, không phải A4 (210 × 297 mm).")
        for side, (lo, hi) in MARGINS_MM.items():
            mm = getattr(sec, f"{side}_margin") / EMU_PER_MM
            if not lo - 0.1 <= mm <= hi + 0.1:
                name = {"top": "trên", "bottom": "dưới", "left": "trái", "right": "phải"}[side]
                yield Finding(
                    "nd30.page", where, f"Lề {name} {_mm(mm)} mm, phải từ {lo:.0f} đến {hi:.0f} mm."
                )


def docx_header(d: _Docx) -> Iterator[Finding]:
    """Issuing body, national title and motto, "Số: …/ký hiệu", place and date (NĐ 30, Phụ lục I,
    Phần I, mục III.1–4), read from the two-column block at the top."""
    where = "DOCX, phần đầu văn bản"
    if d.head_table is None:
        yield Finding("nd30.header", where, "Không có khối hai cột đầu văn bản (tên cơ quan, quốc hiệu).")
        return
    paras = [p for p in _cell_paragraphs(d.head_table)]
    texts = [" ".join(p.text.split()) for p in paras]
    # issuing body: the first column's first cell
    left = d.head_table.rows[0].cells[0]
    body = " ".join(" ".join(p.text.split()) for p in left.paragraphs if p.text.strip())
    if not body:
        yield Finding("nd30.issuer", where, "Thiếu tên cơ quan ban hành văn bản.")
    elif not _is_upper(body) or not body.startswith(BODY_WORDS):
        yield Finding(
            "nd30.issuer", where, f"“{body}” không phải tên cơ quan ban hành (tên một cơ quan, chữ in hoa)."
        )
    if NATIONAL_TITLE not in texts:
        yield Finding("nd30.motto", where, f"Thiếu quốc hiệu “{NATIONAL_TITLE}”.")
    if MOTTO not in texts:
        yield Finding("nd30.motto", where, f"Thiếu tiêu ngữ “{MOTTO}”.")
    for p, t in zip(paras, texts):
        if t in (NATIONAL_TITLE, MOTTO) and not all(_run_props(d, r, p)["bold"] for r in _runs(p)):
            yield Finding("nd30.motto", where, f"“{t}” phải in đậm.")
    yield from _number_symbol(texts, where, _doc_type_text(d))
    dates = [(p, t) for p, t in zip(paras, texts) if DATE_RE.match(t)]
    yield from _place_date([t for _p, t in dates], texts, where)
    for p, t in dates:
        if not all(_run_props(d, r, p)["italic"] for r in _runs(p)):
            yield Finding("nd30.date", where, f"Địa danh và ngày tháng “{t}” phải in nghiêng.")


def _doc_type_text(d: _Docx) -> str:
    return " ".join(d.body[d.type_index][1].text.split()) if d.type_index is not None else ""


def _number_symbol(texts: list[str], where: str, doc_type: str) -> Iterator[Finding]:
    lines = [t for t in texts if t.startswith("Số")]
    if not lines:
        yield Finding("nd30.number", where, "Thiếu số, ký hiệu văn bản (“Số: …/…”).")
        return
    m = SO_RE.match(lines[0])
    if m is None:
        yield Finding("nd30.number", where, f"Số, ký hiệu “{lines[0]}” không đúng dạng “Số: 12/BC-STTTT”.")
        return
    abbr = DOC_TYPES.get(doc_type)
    got = m.group("sym").split("-")[0]
    if abbr and got != abbr:
        yield Finding(
            "nd30.number", where, f"Ký hiệu “{m.group('sym')}” không khớp loại văn bản {doc_type} ({abbr})."
        )


def _place_date(dates: list[str], texts: list[str], where: str) -> Iterator[Finding]:
    import datetime as dt

    if not dates:
        near = [t for t in texts if "ngày" in t.lower() and "năm" in t]
        hint = f" (đang in “{near[0]}”)" if near else ""
        yield Finding(
            "nd30.date", where, f"Thiếu địa danh và ngày tháng “…, ngày dd tháng mm năm yyyy”{hint}."
        )
        return
    m = DATE_RE.match(dates[0])
    if not m.group("place"):
        yield Finding("nd30.date", where, f"“{dates[0]}”: thiếu địa danh trước ngày tháng.")
    d, mth, y = int(m.group("d")), int(m.group("m")), int(m.group("y"))
    try:
        dt.date(y, mth, d)
    except ValueError:
        yield Finding("nd30.date", where, f"“{dates[0]}” không phải một ngày có thật.")
        return
    if len(m.group("d")) != 2 or (mth < 3 and len(m.group("m")) != 2):
        yield Finding(
            "nd30.date", where, f"“{dates[0]}”: ngày dưới 10 và tháng 1, 2 phải có số 0 đứng trước."
        )


def docx_title(d: _Docx) -> Iterator[Finding]:
    """Document type (bold, upper case, one of NĐ 30 Điều 7) and subject line (bold), centred
    (Phụ lục I, Phần I, mục III.5)."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    where = "DOCX, tên loại và trích yếu"
    if d.type_index is None:
        first = next(
            (
                " ".join(o.text.split())
                for k, o in d.body[1:]
                if k == "p" and o.text.strip() and not o.text.startswith("DỮ LIỆU MINH HỌA")
            ),
            "",
        )
        yield Finding("nd30.title", where, f"Thiếu tên loại văn bản (dòng đầu sau phần đầu là “{first}”).")
        return
    p = d.body[d.type_index][1]
    t = _doc_type_text(d)
    if t not in DOC_TYPES:
        yield Finding(
            "nd30.title",
            where,
            f"“{t}” không phải một loại văn bản hành chính của Điều 7 Nghị định "
            "30/2020 (ví dụ: BÁO CÁO, QUYẾT ĐỊNH, THÔNG BÁO).",
        )
    if (
        not all(_run_props(d, r, p)["bold"] for r in _runs(p))
        or _alignment(d, p) != WD_ALIGN_PARAGRAPH.CENTER
    ):
        yield Finding("nd30.title", where, f"Tên loại “{t}” phải in đậm, căn giữa.")
    rest = [o for k, o in d.body[d.type_index + 1 :] if k == "p" and o.text.strip()]
    if not rest:
        yield Finding("nd30.title", where, "Thiếu trích yếu nội dung văn bản.")
        return
    subj = rest[0]
    if (
        not all(_run_props(d, r, subj)["bold"] for r in _runs(subj))
        or _alignment(d, subj) != WD_ALIGN_PARAGRAPH.CENTER
    ):
        yield Finding("nd30.title", where, f"Trích yếu “{subj.text.strip()[:60]}” phải in đậm, căn giữa.")


def _body_paragraphs(d: _Docx) -> Iterator[tuple[int, object, bool]]:
    """(index, paragraph, follows_a_table_or_figure) of the body: after the subject line, before
    the closing block, not empty."""
    if d.type_index is None:
        return
    end = d.closing_index if d.closing_index is not None else len(d.body)
    started = False
    prev_kind = ""
    for i in range(d.type_index + 1, end):
        kind, obj = d.body[i]
        if kind == "p" and not started:
            if obj.text.strip():  # the subject line
                started = True
                prev_kind = "p"
            continue
        if kind == "p" and obj.text.strip():
            yield i, obj, prev_kind in ("tbl", "fig")
        if kind == "tbl":
            prev_kind = "tbl"
        elif kind == "p" and obj._p.xpath(".//w:drawing"):
            prev_kind = "fig"
        elif kind == "p" and obj.text.strip():
            prev_kind = "p"


def docx_body(d: _Docx) -> Iterator[Finding]:
    """Body paragraphs justified, Times New Roman 13–14 pt (Phụ lục I, Phần I, mục II.4 and III.6);
    centred lines (table titles, "QUYẾT ĐỊNH:") and a table's or figure's italic note are not prose."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    for i, p, after_block in _body_paragraphs(d):
        align = _alignment(d, p)
        props = [_run_props(d, r, p) for r in _runs(p)]
        if align == WD_ALIGN_PARAGRAPH.CENTER or (after_block and props and all(x["italic"] for x in props)):
            continue
        snippet = " ".join(p.text.split())[:60]
        if align not in (WD_ALIGN_PARAGRAPH.JUSTIFY, WD_ALIGN_PARAGRAPH.DISTRIBUTE):
            yield Finding("nd30.justify", _where_p(i), f"Đoạn “{snippet}” không căn đều hai lề.")
        sizes = sorted({x["size"] for x in props})
        if any(not 13 <= s <= 14 for s in sizes):
            yield Finding("nd30.font", _where_p(i), f"Đoạn “{snippet}”: cỡ chữ {sizes}, phải từ 13 đến 14.")


def docx_fonts(d: _Docx) -> Iterator[Finding]:
    """Every run of text in Times New Roman (Phụ lục I, Phần I, mục II.4): body, tables, headers, footers."""
    from docx.text.paragraph import Paragraph

    seen = set()
    for p_el in _all_paragraph_elements(d):
        p = Paragraph(p_el, d.doc)
        for r in _runs(p):
            font = _run_props(d, r, p)["font"]
            if font != FONT and font not in seen:
                seen.add(font)
                yield Finding(
                    "nd30.font", "DOCX", f"Phông “{font}” (ở “{r.text.strip()[:40]}”), phải là {FONT}."
                )


def _all_paragraph_elements(d: _Docx) -> Iterator:
    yield from d.doc.element.body.iter(_w("w:p"))
    for sec in d.doc.sections:
        for part in (sec.header, sec.footer, sec.first_page_header, sec.first_page_footer):
            if not part.is_linked_to_previous:
                yield from part._element.iter(_w("w:p"))


def docx_articles(d: _Docx) -> Iterator[Finding]:
    """ "Điều 1." of a decision in bold (Phụ lục I, Phần I, mục III.6.c)."""
    for i, (kind, p) in enumerate(d.body):
        if kind != "p":
            continue
        m = re.match(r"\s*(Điều \d+\.)", p.text)
        if not m:
            continue
        covered = ""
        for r in p.runs:
            if len(covered.strip()) >= len(m.group(1)):
                break
            covered += r.text
            if r.text.strip() and not _run_props(d, r, p)["bold"]:
                yield Finding("nd30.article", _where_p(i), f"“{m.group(1)}” phải in đậm.")
                break


def docx_recipients(d: _Docx) -> Iterator[Finding]:
    """ "Nơi nhận:" with its lines, the last "- Lưu: VT, …" (Phụ lục I, Phần I, mục III.9)."""
    where = "DOCX, nơi nhận"
    if d.closing_index is None:
        yield Finding("nd30.recipients", where, "Thiếu “Nơi nhận:”.")
        return
    table = d.body[d.closing_index][1]
    for row in table.rows:
        for cell in row.cells:
            lines = [" ".join(p.text.split()) for p in cell.paragraphs if p.text.strip()]
            if lines and lines[0].startswith("Nơi nhận"):
                items = lines[1:]
                if not items:
                    yield Finding("nd30.recipients", where, "“Nơi nhận:” không có nơi nhận nào.")
                elif not items[-1].startswith("- Lưu: VT"):
                    yield Finding(
                        "nd30.recipients",
                        where,
                        f"Dòng cuối của nơi nhận là “{items[-1]}”, phải là “- Lưu: VT, …”.",
                    )
                return


def docx_signature(d: _Docx) -> Iterator[Finding]:
    """Authority and title (upper case, bold) and the signer's name (bold) beside "Nơi nhận"
    (Phụ lục I, Phần I, mục III.7)."""
    where = "DOCX, chữ ký"
    if d.closing_index is None:
        yield Finding("nd30.signature", where, "Không có khối chữ ký (bên cạnh “Nơi nhận:”).")
        return
    table = d.body[d.closing_index][1]
    cells = [c for row in table.rows for c in row.cells]
    right = [c for c in cells if not any(p.text.strip().startswith("Nơi nhận") for p in c.paragraphs)]
    paras = [p for c in right for p in c.paragraphs if p.text.strip()]
    titles = [p for p in paras if _is_upper(p.text.strip())]
    names = [p for p in paras if not _is_upper(p.text.strip())]
    if not titles:
        yield Finding("nd30.signature", where, "Khối chữ ký thiếu chức vụ người ký.")
    if not names:
        yield Finding("nd30.signature", where, "Khối chữ ký thiếu họ tên người ký.")
    for p in titles + names:
        if not all(_run_props(d, r, p)["bold"] for r in _runs(p)):
            yield Finding("nd30.signature", where, f"“{p.text.strip()}” phải in đậm.")


def _has_page_field(el) -> bool:
    instr = "".join(t.text or "" for t in el.iter(_w("w:instrText")))
    instr += " ".join(f.get(_w("w:instr"), "") for f in el.iter(_w("w:fldSimple")))
    return bool(PAGE_FIELD_RE.search(instr))


def docx_page_numbers(d: _Docx) -> Iterator[Finding]:
    """Page numbers centred in the top margin, from page 2 (Phụ lục I, Phần I, mục II.7): a PAGE field
    in the header, a different first page whose header has none."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    for n, sec in enumerate(d.doc.sections, 1):
        where = f"DOCX, phần {n}"
        if not _has_page_field(sec.header._element):
            yield Finding("nd30.page_numbers", where, "Đầu trang không có số trang (trường PAGE).")
        else:
            for p in sec.header.paragraphs:
                if _has_page_field(p._p) and p.alignment != WD_ALIGN_PARAGRAPH.CENTER:
                    yield Finding("nd30.page_numbers", where, "Số trang phải căn giữa.")
        if n == 1:
            if not sec.different_first_page_header_footer:
                yield Finding(
                    "nd30.page_numbers", where, "Trang 1 phải không có số trang (chưa đặt trang đầu khác)."
                )
            elif not sec.first_page_header.is_linked_to_previous and _has_page_field(
                sec.first_page_header._element
            ):
                yield Finding("nd30.page_numbers", where, "Trang 1 có số trang.")


def _text_width_twips(d: _Docx) -> float:
    sec = d.doc.sections[-1]
    return (sec.page_width - sec.left_margin - sec.right_margin) / EMU_PER_MM * TWIPS_PER_MM


def _tables(d: _Docx) -> Iterator[tuple[int, object]]:
    n = 0
    for kind, obj in d.body:
        if kind == "tbl":
            n += 1
            yield n, obj


def docx_table_widths(d: _Docx) -> Iterator[Finding]:
    """Every table, and every row's cells, within the text width (page width less the margins)."""
    limit = _text_width_twips(d)
    tol = 10  # twips (0,2 mm): rounding of cm to twips
    for n, t in _tables(d):
        where = f"DOCX, bảng {n}"
        grid = [int(g.get(_w("w:w")) or 0) for g in t._tbl.iter(_w("w:gridCol"))]
        if sum(grid) > limit + tol:
            yield Finding(
                "nd30.table_width",
                where,
                f"Bảng rộng {_mm(sum(grid) / TWIPS_PER_MM)} mm, vượt bề rộng "
                f"vùng chữ {_mm(limit / TWIPS_PER_MM)} mm.",
            )
        tblw = t._tbl.tblPr.find(_w("w:tblW")) if t._tbl.tblPr is not None else None
        if (
            tblw is not None
            and tblw.get(_w("w:type")) == "dxa"
            and int(tblw.get(_w("w:w")) or 0) > limit + tol
        ):
            yield Finding(
                "nd30.table_width",
                where,
                f"Độ rộng đặt cho bảng {_mm(int(tblw.get(_w('w:w'))) / TWIPS_PER_MM)} mm "
                f"vượt bề rộng vùng chữ {_mm(limit / TWIPS_PER_MM)} mm.",
            )
        for r, tr in enumerate(t._tbl.tr_lst, 1):
            widths = []
            for tc in tr.tc_lst:
                w = tc.tcPr.find(_w("w:tcW")) if tc.tcPr is not None else None
                if w is not None and w.get(_w("w:type")) == "dxa":
                    widths.append(int(w.get(_w("w:w")) or 0))
            if sum(widths) > limit + tol:
                yield Finding(
                    "nd30.table_width",
                    f"{where}, dòng {r}",
                    f"Các ô rộng tổng {_mm(sum(widths) / TWIPS_PER_MM)} mm, "
                    f"vượt bề rộng vùng chữ {_mm(limit / TWIPS_PER_MM)} mm.",
                )


def _on(el, tag: str) -> bool:
    found = el.find(_w(tag)) if el is not None else None
    return found is not None and found.get(_w("w:val"), "true") not in ("0", "false", "off")


def docx_rows(d: _Docx) -> Iterator[Finding]:
    """No table row split across pages (``w:cantSplit`` on every row, the closing block's included:
    it keeps the signature together) and every data table's header row repeated on each page
    (``w:tblHeader``). The header block at the top of page 1 is exempt: nothing above it can push
    it across a page."""
    for n, t in _tables(d):
        where = f"DOCX, bảng {n}"
        if t is d.head_table:
            continue
        rows = t._tbl.tr_lst
        loose = [r for r, tr in enumerate(rows, 1) if not _on(tr.trPr, "w:cantSplit")]
        if loose:
            what = (
                "khối nơi nhận và chữ ký"
                if t is d.body[d.closing_index or 0][1]
                else f"{len(loose)}/{len(rows)} dòng"
            )
            yield Finding(
                "nd30.rows",
                where,
                f"{what} có thể bị tách sang trang sau (thiếu cantSplit; dòng đầu tiên: {loose[0]}).",
            )
        data_table = t is not d.head_table and (
            d.closing_index is None or t is not d.body[d.closing_index][1]
        )
        if data_table and len(rows) > 1 and not _on(rows[0].trPr, "w:tblHeader"):
            yield Finding(
                "nd30.rows", where, "Dòng tiêu đề của bảng không được lặp lại ở đầu mỗi trang (tblHeader)."
            )


DOCX_RULES: list[Callable[[_Docx], Iterable[Finding]]] = [
    docx_page_setup,
    docx_header,
    docx_title,
    docx_body,
    docx_fonts,
    docx_articles,
    docx_recipients,
    docx_signature,
    docx_page_numbers,
    docx_table_widths,
    docx_rows,
]


def docx_text(docx_bytes: bytes) -> str:
    """Everything a DOCX prints, one paragraph a line: body, tables, headers and footers."""
    d = _open_docx(docx_bytes)
    return "\n".join(_text(p) for p in _all_paragraph_elements(d))


def check_docx(docx_bytes: bytes, *, text: bool = True) -> list[Finding]:
    """The NĐ 30 rules on a .docx, and (``text``) :func:`leftovers` on everything it prints."""
    d = _open_docx(docx_bytes)
    out: list[Finding] = []
    for rule in DOCX_RULES:
        out += _capped(rule(d))
    if text:
        out += leftovers(docx_text(docx_bytes), "DOCX")
    return out


# --- PDF --------------------------------------------------------------------------------------------------------


@dataclass
class Line:
    page: int
    block: int
    x0: float
    y0: float
    x1: float
    y1: float
    text: str


@dataclass
class Page:
    number: int
    width: float
    height: float
    lines: list[Line]

    @property
    def top(self) -> float:  # the top margin's lower edge (20 mm)
        return MARGINS_MM["top"][0] / MM_PER_PT

    @property
    def bottom(self) -> float:  # the bottom margin's upper edge
        return self.height - MARGINS_MM["bottom"][0] / MM_PER_PT

    @property
    def content(self) -> list[Line]:
        """Lines of the text area (not the page number above it nor the footer below it)."""
        return [ln for ln in self.lines if ln.y1 > self.top + 1 and ln.y0 < self.bottom - 1]

    def text(self) -> str:
        return "\n".join(ln.text for ln in self.lines)


def _run_poppler(args: list[str], pdf_bytes: bytes, *, to_stdout: bool = True) -> str:
    """Run a poppler tool on ``pdf_bytes`` (a temporary file) and return what it prints."""
    with tempfile.TemporaryDirectory(prefix="chiso-check-") as tmp:
        path = Path(tmp) / "doc.pdf"
        path.write_bytes(pdf_bytes)
        cmd = [*args, str(path), *(["-"] if to_stdout else [])]
        return subprocess.run(cmd, capture_output=True, check=True, timeout=120).stdout.decode(
            "utf-8", "replace"
        )


def read_pdf(pdf_bytes: bytes) -> list[Page]:
    """Pages with their lines (position in points, text) from ``pdftotext -bbox-layout``."""
    from lxml import etree

    xml = _run_poppler(["pdftotext", "-bbox-layout"], pdf_bytes)
    root = etree.fromstring(
        xml.encode(), etree.XMLParser(resolve_entities=False, no_network=True, recover=True)
    )
    pages = []
    for n, pg in enumerate(root.iter("{*}page"), 1):
        lines = []
        for b, block in enumerate(pg.iter("{*}block")):
            for ln in block.iter("{*}line"):
                words = [w.text or "" for w in ln.iter("{*}word")]
                lines.append(
                    Line(n, b, *(float(ln.get(k)) for k in ("xMin", "yMin", "xMax", "yMax")), " ".join(words))
                )
        lines.sort(key=lambda ln: (round(ln.y0), ln.x0))
        pages.append(Page(n, float(pg.get("width")), float(pg.get("height")), lines))
    return pages


def pdf_text(pdf_bytes: bytes) -> list[str]:
    """The text of each page as printed (``pdftotext -layout``)."""
    return _run_poppler(["pdftotext", "-layout"], pdf_bytes).rstrip("\f").split("\f")


_NUMBER = re.compile(r"^\d{1,4}$")


def _is_annex(page: Page) -> bool:
    first = next((ln for ln in page.content), None)
    return first is not None and first.text.upper().startswith("PHỤ LỤC")


def _rows(page: Page, gap: float = 40.0) -> list[str]:
    """The page's lines with the pieces of one printed line joined (pdftotext cuts "Số:      /BC-STTTT"
    in two at its blank number): same height, less than ``gap`` points apart."""
    out: list[list[Line]] = []
    for ln in sorted(page.lines, key=lambda ln: (ln.y0, ln.x0)):
        row = next((r for r in out if abs(r[-1].y0 - ln.y0) < 1.5 and 0 <= ln.x0 - r[-1].x1 < gap), None)
        if row is None:
            out.append([ln])
        else:
            row.append(ln)
    return [" ".join(" ".join(ln.text for ln in r).split()) for r in out]


def pdf_page_setup(pages: list[Page]) -> Iterator[Finding]:
    for p in pages:
        w, h = p.width * MM_PER_PT, p.height * MM_PER_PT
        if sorted((round(w), round(h))) != sorted(round(x) for x in A4_MM):
            yield Finding(
                "nd30.page", f"PDF, trang {p.number}", f"Khổ giấy {w:.0f} × {h:.0f} mm, không phải A4."
            )


def pdf_header(pages: list[Page]) -> Iterator[Finding]:
    """Page 1 shows the national title, motto, "Số: …", place and date and a document type."""
    if not pages:
        yield Finding("nd30.header", "PDF", "Tệp PDF không có trang nào.")
        return
    where = "PDF, trang 1"
    texts = _rows(pages[0])
    if NATIONAL_TITLE not in texts:
        yield Finding("nd30.motto", where, f"Thiếu quốc hiệu “{NATIONAL_TITLE}”.")
    if MOTTO not in texts:
        yield Finding("nd30.motto", where, f"Thiếu tiêu ngữ “{MOTTO}”.")
    types = [t for t in texts if t in DOC_TYPES]
    yield from _number_symbol(texts, where, types[0] if types else "")
    yield from _place_date([t for t in texts if DATE_RE.match(t)], texts, where)
    if not types:
        yield Finding("nd30.title", where, "Không thấy tên loại văn bản (BÁO CÁO, QUYẾT ĐỊNH, …) ở trang 1.")


def pdf_fonts(pdf_bytes: bytes) -> Iterator[Finding]:
    """Fonts with Times New Roman's metrics only (``pdffonts``)."""
    out = _run_poppler(["pdffonts"], pdf_bytes, to_stdout=False).splitlines()[2:]
    for line in out:
        name = line.split()[0] if line.split() else ""
        base = name.split("+", 1)[-1]
        if base and not base.replace(",", "-").startswith(PDF_FONTS):
            yield Finding(
                "nd30.font", "PDF", f"Phông “{base}” không phải Times New Roman (hay phông cùng số đo)."
            )


def pdf_page_numbers(pages: list[Page]) -> Iterator[Finding]:
    """No number on page 1; page k ≥ 2 starts with the bare number k, centred in the top margin (an
    annex may number its pages anew)."""
    annex_start = None
    for p in pages:
        where = f"PDF, trang {p.number}"
        in_margin = [ln for ln in p.lines if ln.y1 <= p.top + 2]
        numbers = [ln for ln in in_margin if _NUMBER.match(ln.text.strip())]
        if p.number == 1:
            if numbers:
                yield Finding("nd30.page_numbers", where, f"Trang 1 in số trang “{numbers[0].text}”.")
            continue
        if annex_start is None and _is_annex(p):
            annex_start = p.number
        if not numbers:
            if p.number != annex_start:
                yield Finding("nd30.page_numbers", where, "Không có số trang ở lề trên.")
            continue
        got = int(numbers[0].text)
        allowed = {p.number} | ({p.number - annex_start + 1} if annex_start else set())
        if got not in allowed:
            yield Finding("nd30.page_numbers", where, f"Số trang in là {got}, phải là {p.number}.")
        centre = (MARGINS_MM["left"][0] / MM_PER_PT + p.width - MARGINS_MM["right"][0] / MM_PER_PT) / 2
        if abs((numbers[0].x0 + numbers[0].x1) / 2 - centre) > 20:
            yield Finding("nd30.page_numbers", where, "Số trang không nằm giữa lề trên.")


def pdf_margins(pages: list[Page]) -> Iterator[Finding]:
    """Nothing printed outside the text width (tables included)."""
    for p in pages:
        left = MARGINS_MM["left"][0] / MM_PER_PT - 1.5
        right = p.width - MARGINS_MM["right"][0] / MM_PER_PT + 1.5
        for ln in p.lines:
            if ln.x0 < left or ln.x1 > right:
                side = "trái" if ln.x0 < left else "phải"
                yield Finding(
                    "nd30.table_width", f"PDF, trang {p.number}", f"“{ln.text[:50]}” in lấn ra lề {side}."
                )


@dataclass
class _Closing:
    page: int  # page index (0-based) of "Nơi nhận:"
    y: float
    end: int  # first page index after the closing (an annex or the end)


def _closing(pages: list[Page]) -> _Closing | None:
    found = None
    for i, p in enumerate(pages):
        if found is not None and _is_annex(p):
            return _Closing(found[0], found[1], i)
        for ln in p.content:
            if ln.text.strip().startswith("Nơi nhận"):
                found = (i, ln.y0)
    return _Closing(found[0], found[1], len(pages)) if found else None


def pdf_signature(pages: list[Page]) -> Iterator[Finding]:
    """The signer's title and name on one page, beside "Nơi nhận" (NĐ 30, Phụ lục I, Phần I, mục III.7)."""
    c = _closing(pages)
    if c is None:
        yield Finding("nd30.recipients", "PDF", "Không thấy “Nơi nhận:”.")
        yield Finding("nd30.signature", "PDF", "Không thấy khối chữ ký (bên cạnh “Nơi nhận:”).")
        return
    right = []
    for i in range(c.page, c.end):
        p = pages[i]
        right += [
            (p.number, ln) for ln in p.content if ln.x0 >= p.width * 0.45 and (i > c.page or ln.y0 >= c.y - 3)
        ]
    titles = [(n, ln) for n, ln in right if _is_upper(ln.text)]
    names = [(n, ln) for n, ln in right if not _is_upper(ln.text)]
    if not titles:
        yield Finding("nd30.signature", "PDF", "Khối chữ ký thiếu chức vụ người ký.")
    if not names:
        yield Finding("nd30.signature", "PDF", "Khối chữ ký thiếu họ tên người ký.")
    if titles and names and titles[0][0] != names[-1][0]:
        yield Finding(
            "nd30.signature",
            f"PDF, trang {titles[0][0]}–{names[-1][0]}",
            f"Khối chữ ký bị tách trang: “{titles[-1][1].text}” ở trang {titles[0][0]}, "
            f"họ tên “{names[-1][1].text}” ở trang {names[-1][0]}.",
        )


def pdf_orphans(pages: list[Page]) -> Iterator[Finding]:
    """No page left with only the closing block: the page where "Nơi nhận" starts also holds body text
    above it, and no page after it holds only the rest of the closing; no empty page."""
    for p in pages:
        if not p.content:
            yield Finding(
                "nd30.orphan",
                f"PDF, trang {p.number}",
                "Trang không có dòng chữ nào (trang trống hoặc chỉ có hình).",
            )
    c = _closing(pages)
    if c is None:
        return
    p = pages[c.page]
    above = [ln for ln in p.content if ln.y1 < c.y - 1]
    if not above:
        yield Finding(
            "nd30.orphan",
            f"PDF, trang {p.number}",
            "Trang chỉ có phần nơi nhận và chữ ký, không có dòng "
            "nội dung nào đứng trước (phải kéo ít nhất một đoạn cuối sang cùng trang).",
        )
    for i in range(c.page + 1, c.end):
        if pages[i].content:
            first = pages[i].content[0].text[:50]
            yield Finding(
                "nd30.orphan",
                f"PDF, trang {pages[i].number}",
                f"Trang chỉ còn phần cuối của nơi nhận hoặc chữ ký (bắt đầu bằng “{first}”).",
            )


_MINUS_END = re.compile(r"(?:^|\s)[-−]$")
_DATE_CUT = re.compile(r"\d{1,2}/\d{1,2}/\d{0,3}$|\d{1,2}/\d?$")


def pdf_broken_tokens(pages: list[Page]) -> Iterator[Finding]:
    """A minus sign left at a line's end before its number; a date cut across lines ("06/12/202⏎6")."""
    for p in pages:
        by_block: dict[int, list[Line]] = {}
        for ln in p.lines:
            by_block.setdefault(ln.block, []).append(ln)
        for lines in by_block.values():
            lines.sort(key=lambda ln: ln.y0)
            for a, b in zip(lines, lines[1:]):
                nxt = b.text.strip()
                if not nxt[:1].isdigit():
                    continue
                if _MINUS_END.search(a.text.strip()):
                    yield Finding(
                        "nd30.broken",
                        f"PDF, trang {p.number}",
                        f"Dấu trừ bị tách khỏi số: “{a.text.strip()[-20:]}⏎{nxt[:10]}”.",
                    )
                elif _DATE_CUT.search(a.text.strip()):
                    yield Finding(
                        "nd30.broken",
                        f"PDF, trang {p.number}",
                        f"Ngày tháng bị ngắt dòng: “{a.text.strip()[-12:]}⏎{nxt[:10]}”.",
                    )


PDF_RULES: list[Callable[[list[Page]], Iterable[Finding]]] = [
    pdf_page_setup,
    pdf_header,
    pdf_page_numbers,
    pdf_margins,
    pdf_signature,
    pdf_orphans,
    pdf_broken_tokens,
]


def check_pdf(pdf_bytes: bytes, *, text: bool = True) -> list[Finding]:
    """The NĐ 30 rules on a .pdf as laid out, and (``text``) :func:`leftovers` on each page's text."""
    pages = read_pdf(pdf_bytes)
    out: list[Finding] = []
    for rule in PDF_RULES:
        out += _capped(rule(pages))
    out += _capped(pdf_fonts(pdf_bytes))
    if text:
        for n, page in enumerate(pdf_text(pdf_bytes), 1):
            out += leftovers(page, f"PDF, trang {n}")
    return out


def check_all(docx_bytes: bytes, pdf_bytes: bytes | None = None) -> list[Finding]:
    """Both files of one document; the printed text is checked once, on the DOCX (its exact words)."""
    out = check_docx(docx_bytes)
    if pdf_bytes is not None:
        out += check_pdf(pdf_bytes, text=False)
    return out
