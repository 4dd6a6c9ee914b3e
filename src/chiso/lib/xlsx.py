"""Reading and writing .xlsx with openpyxl (data only, never formulas or macros)."""

from __future__ import annotations

import io

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter


def workbook_bytes(title: str, header: list[str], rows: list[list], *, notes: list[str] = (), locked_cols=0) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = title[:31]
    ws.append(header)
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDE7F0")
    for row in rows:
        ws.append(row)
    for i, _h in enumerate(header, start=1):
        ws.column_dimensions[get_column_letter(i)].width = 18 if i > 2 else 14 if i == 1 else 60
    if notes:
        info = wb.create_sheet("Hướng dẫn")
        for line in notes:
            info.append([line])
        info.column_dimensions["A"].width = 120
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def read_rows(data: bytes) -> tuple[list[str], list[tuple[int, list]]]:
    """Return the header (lower-cased, stripped) and ``(excel_row_number, cells)`` of the first sheet.
    Raises ``ValueError`` when the bytes are not a readable .xlsx."""
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as e:  # openpyxl raises many types for a bad file
        raise ValueError(str(e)) from None
    ws = wb.worksheets[0]
    it = ws.iter_rows(values_only=True)
    try:
        header = [str(h or "").strip().lower() for h in next(it)]
    except StopIteration:
        return [], []
    rows = []
    for n, cells in enumerate(it, start=2):
        cells = list(cells)
        if all(c is None or str(c).strip() == "" for c in cells):
            continue
        rows.append((n, cells))
    wb.close()
    return header, rows
