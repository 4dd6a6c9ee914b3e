"""What a document is made of, independent of its file format.

A :class:`DocumentSpec` is built once from a report's data snapshot; the DOCX, the PDF (converted
from the DOCX) and the XLSX are all written from it, so a number shown in a sentence, in a table of
the document and in a cell of the workbook comes from one value and one formatting function.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import Any

from chiso.lib.vn_format import format_number

# Column formats: how a cell's value is written in the document (the workbook keeps the number).
FORMATS = ("text", "int", "points", "score", "pct", "rank", "delta_int", "delta_score", "delta_pct")


MINUS = "\u2212"  # the typographic minus: line breaking keeps it with its digits, unlike "-"


def fmt(value: Any, kind: str = "text") -> str:
    """The one formatter used by sentences and table cells (decimal comma, dot thousands; a negative
    number written with the minus sign "−", never separated from its digits at a line break)."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "—"
    if kind == "text":
        return str(value)
    out = _fmt_number(value, kind)
    return MINUS + out[1:] if out.startswith("-") else out


def _fmt_number(value: Any, kind: str) -> str:
    if kind == "int":
        return format_number(int(round(value)))
    if kind == "points":  # points of an internal index: 2 decimals, as provinces publish them
        return format_number(float(value), 2)
    if kind == "score":
        return format_number(float(value), 4)
    if kind == "pct":
        return format_number(float(value), 1) + "%"
    if kind == "rank":
        return str(int(value))
    if kind == "delta_int":
        v = int(round(value))
        return ("+" if v > 0 else "") + format_number(v)
    if kind == "delta_score":
        return ("+" if value > 0 else "") + format_number(float(value), 4)
    if kind == "delta_pct":
        return ("+" if value > 0 else "") + format_number(float(value), 1) + " điểm %"
    raise ValueError(f"unknown cell format {kind!r}; expected one of {', '.join(FORMATS)}")


def vn_long_date(day: dt.date) -> str:
    """ND 30/2020 date: "ngày 05 tháng 02 năm 2019" (days 1–9 and months 1–2 take a leading zero)."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"


@dataclass
class Heading:
    """A heading. ``numbered`` level-1 headings are numbered I, II, III… when the document is written,
    in the order they finally appear (a template that drops or adds a section keeps the numbers whole)."""

    text: str
    level: int = 1
    numbered: bool = False


@dataclass
class Part:
    """Where a named passage of the document starts (it runs to the next :class:`Part`). A template
    (:mod:`.template`) places passages by name; without one the blocks print in order and a Part
    prints nothing."""

    name: str
    label: str = ""  # what the passage holds, in Vietnamese (listed to whoever edits the template)


PARAGRAPH_ALIGNS = ("justify", "center", "left", "right")


@dataclass
class Paragraph:
    text: str
    bold: bool = False
    italic: bool = False
    indent: bool = True
    align: str = "justify"  # one of PARAGRAPH_ALIGNS; "center" e.g. for a decision's authority line
    lead: str = ""  # printed bold before ``text`` ("Điều 1." of a decision's article)

    def __post_init__(self):
        if self.align not in PARAGRAPH_ALIGNS:
            raise ValueError(f"paragraph align {self.align!r}; expected one of {', '.join(PARAGRAPH_ALIGNS)}")


@dataclass
class Table:
    """A table: ``columns`` names, ``formats`` per column (see :data:`FORMATS`), ``rows`` of raw
    values. ``total_rows`` are indices of rows drawn in bold (subtotals, totals)."""

    key: str
    title: str
    columns: list[str]
    formats: list[str]
    rows: list[list[Any]]
    total_rows: list[int] = field(default_factory=list)
    note: str = ""
    widths_cm: list[float] | None = None

    def __post_init__(self):
        if len(self.columns) != len(self.formats):
            raise ValueError(
                f"table {self.key!r}: {len(self.columns)} columns but {len(self.formats)} formats"
            )
        for i, row in enumerate(self.rows):
            if len(row) != len(self.columns):
                raise ValueError(
                    f"table {self.key!r}, row {i}: {len(row)} cells, expected {len(self.columns)}"
                )

    def cell_text(self, i: int, j: int) -> str:
        return fmt(self.rows[i][j], self.formats[j])


@dataclass
class Chart:
    """A chart drawn server-side into a PNG. ``kind``: ``bar`` (grouped), ``hbar`` or ``line``."""

    key: str
    title: str
    kind: str
    categories: list[str]
    series: list[tuple[str, list[float | None]]]
    y_label: str = ""
    invert_y: bool = False  # ranks: 1 at the top
    hline: tuple[float, str] | None = None
    caption: str = ""
    # one series drawn bar by bar (chart points): each bar's colour (e.g. its light), the legend's
    # (label, colour) entries instead of the series' names, the text beside each bar, the value axis's range
    colors: list[str] | None = None
    legend: list[tuple[str, str]] | None = None
    bar_labels: list[str] | None = None
    value_range: tuple[float, float] | None = None


@dataclass
class Header:
    parent_body: str  # cơ quan chủ quản: the provincial People's Committee, "UBND TỈNH …"
    issuing_body: str  # cơ quan ban hành, e.g. "SỞ THÔNG TIN VÀ TRUYỀN THÔNG"
    number_symbol: str  # "Số: /BC-STTTT"
    place: str  # the province's name on the document's date ("" when the data has none)
    date: dt.date
    doc_type: str  # "BÁO CÁO"
    subject: str

    @property
    def place_and_date(self) -> str:
        """ "<place>, ngày 05 tháng 02 năm 2018"; "Ngày 05 tháng 02 năm 2018" with no place."""
        when = vn_long_date(self.date)
        return f"{self.place}, {when}" if self.place else when[:1].upper() + when[1:]


@dataclass
class Signature:
    authority: str = ""  # quyền hạn: "KT. GIÁM ĐỐC", "TM. ỦY BAN NHÂN DÂN" (may be empty)
    title: str = "GIÁM ĐỐC"  # chức vụ
    name: str = ""  # họ tên


@dataclass
class DocumentSpec:
    header: Header
    blocks: list[Heading | Paragraph | Table | Chart | Part]
    recipients: list[str]
    signature: Signature
    demo_note: str = ""  # non-empty when any number comes from demonstration data
    title_for_files: str = "bao-cao"
    # values a wording template may print (:mod:`.template`): ready-to-print strings, booleans, lists
    context: dict[str, Any] = field(default_factory=dict)
    # printed after the signature, from a new page: a decision's annex (Phụ lục, headed as NĐ 30 heads one)
    annex: list[Heading | Paragraph | Table] = field(default_factory=list)

    @property
    def parts(self) -> dict[str, list]:
        """The blocks of each named passage (:class:`Part`), in order; blocks before the first Part
        are under ``""``."""
        out: dict[str, list] = {"": []}
        current = ""
        for b in self.blocks:
            if isinstance(b, Part):
                current = b.name
                out.setdefault(current, [])
            else:
                out[current].append(b)
        return out

    @property
    def tables(self) -> list[Table]:
        return [b for b in [*self.blocks, *self.annex] if isinstance(b, Table)]

    @property
    def charts(self) -> list[Chart]:
        return [b for b in self.blocks if isinstance(b, Chart)]
