"""Write the tables of a :class:`~.spec.DocumentSpec` to a workbook (.xlsx, openpyxl).

The first sheet holds the document's identity (issuing body, number, date, subject, and the
demonstration-data label when there is one); then one sheet per table, numbers kept as numbers.
Every cell is written through :class:`chiso.lib.xlsx.WorkbookWriter`, so a text is never a formula.
"""

from __future__ import annotations

import re

from openpyxl.styles import Alignment, Font, PatternFill

from chiso.lib.xlsx import WorkbookWriter

from .spec import DocumentSpec

NUMBER_FORMATS = {
    "int": "#,##0",
    "points": "0.00",
    "score": "0.0000",
    "pct": "0.0",
    "rank": "0",
    "delta_int": "+#,##0;-#,##0;0",
    "delta_score": "+0.0000;-0.0000;0",
    "delta_pct": "+0.0;-0.0;0",
}


def _sheet_name(title: str, used: set[str]) -> str:
    base = re.sub(r"[\[\]:*?/\\]", " ", title).strip()[:28] or "Bảng"
    name, i = base, 2
    while name in used:
        name = f"{base[:25]} ({i})"
        i += 1
    used.add(name)
    return name


def render_xlsx(spec: DocumentSpec) -> bytes:
    wb = WorkbookWriter()
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
    if spec.demo_note:
        rows.append(("Lưu ý", spec.demo_note))
    for k, v in rows:
        r = info.append([k, v])
        info.style(r, 1, font=Font(bold=True))
    if spec.demo_note:
        info.style(info.max_row, 2, font=Font(bold=True, color="C00000"))
    info.width(1, 22)
    info.width(2, 110)
    used = {"Thông tin"}
    for table in spec.tables:
        ws = wb.sheet(_sheet_name(table.title or table.key, used))
        ws.append([table.title or table.key])
        ws.style(1, 1, font=Font(bold=True, size=12))
        ws.append(table.columns)
        ws.style_row(2, len(table.columns), font=Font(bold=True), fill=PatternFill("solid", fgColor="D9E2F3"),
                     alignment=Alignment(wrap_text=True, vertical="center", horizontal="center"))
        for i, row in enumerate(table.rows):
            row = list(row)
            r = ws.append(row)
            for j, kind in enumerate(table.formats):
                value = row[j] if j < len(row) else None
                number = isinstance(value, (int, float)) and not isinstance(value, bool)
                ws.style(r, j + 1, number_format=NUMBER_FORMATS[kind] if kind in NUMBER_FORMATS and number else None,
                         font=Font(bold=True) if i in table.total_rows else None)
        if table.note:
            ws.append([])
            ws.append([table.note])
        if spec.demo_note:
            r = ws.append([spec.demo_note])
            ws.style(r, 1, font=Font(bold=True, color="C00000"))
        ws.freeze("A3")
        for j in range(len(table.columns)):
            ws.width(j + 1, 44 if j == 0 and table.formats[0] == "text" else 16)
    return wb.to_bytes()
