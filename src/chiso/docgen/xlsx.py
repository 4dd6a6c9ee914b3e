"""Write the tables of a :class:`~.spec.DocumentSpec` to a workbook (.xlsx, openpyxl).

The first sheet holds the document's identity (issuing body, number, date, subject); then one
sheet per table, named by its title in whole words (:func:`chiso.lib.xlsx.sheet_title`), its title
above its frozen header row. Numbers are number cells in the column's format; a number or a date
that a builder handed over already printed ("0,69", "34", "06/12/2026") is turned back into a
typed cell (:func:`chiso.lib.xlsx.typed_text`). A rate column is headed "(%)". Every sheet of a
document of demonstration data opens with its label. Every cell is written through
:class:`chiso.lib.xlsx.WorkbookWriter`, so a text is never a formula.
"""

from __future__ import annotations

from openpyxl.styles import Alignment, Font

from chiso.lib import xlsx
from chiso.lib.xlsx import WorkbookWriter

from .spec import DocumentSpec, Table

NUMBER_FORMATS = {
    "int": xlsx.INT,
    "points": xlsx.DEC2,
    "score": xlsx.DEC4,
    "pct": xlsx.DEC1,
    "rank": xlsx.WHOLE,
    "delta_int": xlsx.SIGNED_INT,
    "delta_score": xlsx.SIGNED_DEC4,
    "delta_pct": xlsx.SIGNED_DEC1,
}
# What a column of rates is headed with in the workbook, where the cell shows the bare number.
UNIT_OF = {"pct": "(%)", "delta_pct": "(điểm %)"}


def column_title(table: Table, j: int) -> str:
    """The header of column ``j``: a rate column says its unit once ("Tỷ lệ đúng hạn (%)")."""
    title, unit = table.columns[j], UNIT_OF.get(table.formats[j])
    return title if unit is None or "%" in title else f"{title} {unit}"


def cell_of(value, kind: str):
    """The value to store and its number format: a number in the column's format, a text that is a
    printed number or date as the typed cell it stands for, any other text as text."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value, NUMBER_FORMATS.get(kind)
    typed = xlsx.typed_text(value)
    return typed if typed is not None else (value, None)


def render_xlsx(spec: DocumentSpec) -> bytes:
    wb = WorkbookWriter(spec.demo_note)
    info = wb.sheet("Thông tin")
    h = spec.header
    rows = [
        ("Cơ quan chủ quản", h.parent_body),
        ("Cơ quan ban hành", h.issuing_body),
        ("Số, ký hiệu", h.number_symbol),
        ("Địa danh, ngày tháng", h.place_and_date),
        ("Loại văn bản", h.doc_type),
        ("Trích yếu", h.subject),
    ]
    for k, v in rows:
        r = info.append([k, v])
        info.style(r, 1, font=Font(bold=True))
    info.width(1, 22)
    info.width(2, 110)
    for table in spec.tables:
        title = table.title or table.key
        ws = wb.sheet(title)
        r = ws.append([title])
        ws.style(r, 1, font=Font(bold=True, size=12))
        head = ws.header([column_title(table, j) for j in range(len(table.columns))])
        ws.style_row(head, len(table.columns), alignment=Alignment(wrap_text=True, vertical="center",
                                                                   horizontal="center"))
        for i, row in enumerate(table.rows):
            r = ws.append([])
            for j, kind in enumerate(table.formats):
                value, number_format = cell_of(row[j] if j < len(row) else None, kind)
                ws.put(r, j + 1, value, number_format=number_format)
                if i in table.total_rows:
                    ws.style(r, j + 1, font=Font(bold=True))
        if table.note:
            ws.append([])
            ws.append([table.note])
        for j in range(len(table.columns)):
            ws.width(j + 1, 44 if j == 0 and table.formats[0] == "text" else 16)
    return wb.to_bytes()
