"""Write the tables of a :class:`~.spec.DocumentSpec` to a workbook (.xlsx, openpyxl).

The first sheet holds the document's identity (issuing body, number, date, subject, and the
demonstration-data label when there is one); then one sheet per table, numbers kept as numbers.
"""

from __future__ import annotations

import io
import re

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from .spec import DocumentSpec, vn_long_date

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
    wb = Workbook()
    info = wb.active
    info.title = "Thông tin"
    h = spec.header
    rows = [
        ("Cơ quan chủ quản", h.parent_body),
        ("Cơ quan ban hành", h.issuing_body),
        ("Số, ký hiệu", h.number_symbol),
        ("Địa danh, ngày tháng", f"{h.place}, {vn_long_date(h.date)}"),
        ("Loại văn bản", h.doc_type),
        ("Trích yếu", h.subject),
    ]
    if spec.demo_note:
        rows.append(("Lưu ý", spec.demo_note))
    for k, v in rows:
        info.append([k, v])
        info.cell(info.max_row, 1).font = Font(bold=True)
    if spec.demo_note:
        info.cell(info.max_row, 2).font = Font(bold=True, color="C00000")
    info.column_dimensions["A"].width = 22
    info.column_dimensions["B"].width = 110
    used = {"Thông tin"}
    for table in spec.tables:
        ws = wb.create_sheet(_sheet_name(table.title or table.key, used))
        ws.append([table.title or table.key])
        ws["A1"].font = Font(bold=True, size=12)
        ws.append(table.columns)
        for cell in ws[2]:
            cell.font = Font(bold=True)
            cell.fill = PatternFill("solid", fgColor="D9E2F3")
            cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        for i, row in enumerate(table.rows):
            ws.append(list(row))
            r = ws.max_row
            for j, kind in enumerate(table.formats):
                cell = ws.cell(r, j + 1)
                if kind in NUMBER_FORMATS and isinstance(cell.value, (int, float)):
                    cell.number_format = NUMBER_FORMATS[kind]
                if i in table.total_rows:
                    cell.font = Font(bold=True)
        if table.note:
            ws.append([])
            ws.append([table.note])
        if spec.demo_note:
            ws.append([spec.demo_note])
            ws.cell(ws.max_row, 1).font = Font(bold=True, color="C00000")
        ws.freeze_panes = "A3"
        for j in range(len(table.columns)):
            ws.column_dimensions[get_column_letter(j + 1)].width = (
                44 if j == 0 and table.formats[0] == "text" else 16
            )
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
