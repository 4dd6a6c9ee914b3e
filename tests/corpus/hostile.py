"""Hostile input files, written by hand (never by the library under test), for the tests of issue 10.

Small ones are kept as files next to this module (``python tests/corpus/hostile.py`` rewrites
them); the big ones (2 000 000 rows, a 140 000-character cell) are built by the tests in memory.
Every .xlsx here is a zip of hand-written XML parts, so a test knows exactly what is inside.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

HERE = Path(__file__).resolve().parent
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
    "</Types>"
)
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
WORKBOOK = (
    f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{MAIN}" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
    'Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'sharedStrings" Target="sharedStrings.xml"/></Relationships>'
)
EMPTY_STRINGS = f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{MAIN}" count="0" uniqueCount="0"/>'


def _cell(v) -> str:
    if isinstance(v, (int, float)):
        return f"<c><v>{v}</v></c>"
    return f'<c t="inlineStr"><is><t>{escape(str(v))}</t></is></c>'


def sheet_xml(rows) -> str:
    body = "".join("<row>" + "".join(_cell(v) for v in row) + "</row>" for row in rows)
    return f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN}"><sheetData>{body}</sheetData></worksheet>'


def xlsx(sheet: str | None, *, strings: str = EMPTY_STRINGS) -> bytes:
    """A workbook of one sheet (``sheet`` None: the part is missing although the workbook lists it)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", CONTENT_TYPES)
        zf.writestr("_rels/.rels", ROOT_RELS)
        zf.writestr("xl/workbook.xml", WORKBOOK)
        zf.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        zf.writestr("xl/sharedStrings.xml", strings)
        if sheet is not None:
            zf.writestr("xl/worksheets/sheet1.xml", sheet)
    return buf.getvalue()


TABLE = [["unit", "dti"], ["Hà Nam", 0.5], ["Hà Nội", 0.6]]


def truncated_sheet() -> bytes:
    full = sheet_xml(TABLE + [["Bắc Ninh", 0.4]] * 20)
    return xlsx(full[: len(full) // 2])


def missing_sheet() -> bytes:
    return xlsx(None)


def billion_laughs() -> bytes:
    """Shared string 0 is ``&lol9;``: 10^9 "lol"s if an XML parser expands entities."""
    ents = '<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10))
    strings = (f'<?xml version="1.0" encoding="UTF-8"?><!DOCTYPE sst [{ents}]>'
               f'<sst xmlns="{MAIN}" count="1" uniqueCount="1"><si><t>&lol9;</t></si></sst>')
    sheet = (f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN}"><sheetData>'
             '<row><c t="inlineStr"><is><t>unit</t></is></c><c t="inlineStr"><is><t>dti</t></is></c></row>'
             '<row><c t="s"><v>0</v></c><c><v>0.5</v></c></row></sheetData></worksheet>')
    return xlsx(sheet, strings=strings)


def many_rows(n: int = 2_000_000, row: tuple = ("Hà Nam", 0.5), header: tuple = ("unit", "dti")) -> bytes:
    """``n`` identical rows after a header: about 450 KB zipped, well over 100 MB unzipped."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, text in (("[Content_Types].xml", CONTENT_TYPES), ("_rels/.rels", ROOT_RELS),
                           ("xl/workbook.xml", WORKBOOK), ("xl/_rels/workbook.xml.rels", WORKBOOK_RELS),
                           ("xl/sharedStrings.xml", EMPTY_STRINGS)):
            zf.writestr(name, text)
        head, tail = sheet_xml([header]).split("</sheetData>")
        line = ("<row>" + "".join(_cell(v) for v in row) + "</row>").encode()
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as out:
            out.write(head.encode())
            chunk = line * 10_000
            for _ in range(n // 10_000):
                out.write(chunk)
            out.write(line * (n % 10_000))
            out.write(b"</sheetData>" + tail.encode())
    return buf.getvalue()


def long_field_csv(size: int = 140_000) -> bytes:
    """A quoted cell longer than Python's csv field limit (131 072 characters)."""
    return ('unit,dti\nHà Nam,0.5\n"' + "x" * size + '",0.6\n').encode()


def deep_yaml(depth: int = 5000) -> str:
    return "id: deep\nroot: " + "[" * depth + "]" * depth + "\n"


FRAMEWORK = """\
id: thu-nghiem
name: {vi: Bộ chỉ số thử, en: Test index}
edition: 2022
level: province
root:
  code: tong
  name: {vi: Tổng}
  method: weighted_mean
  children:
    - {code: a, name: {vi: Chỉ số A}, scoring: given}
    - {code: b, name: {vi: Chỉ số B}, scoring: given}
"""


SMALL = {
    "framework-valid.yaml": lambda: FRAMEWORK.encode(),
    "framework-edition-date.yaml": lambda: FRAMEWORK.replace("edition: 2022", "edition: 2022-01-01").encode(),
    "framework-name-list.yaml": lambda: FRAMEWORK.replace("name: {vi: Bộ chỉ số thử, en: Test index}",
                                                          "name: [Bộ chỉ số thử, Test index]").encode(),
    "truncated-sheet.xlsx": truncated_sheet,
    "missing-sheet.xlsx": missing_sheet,
    "billion-laughs.xlsx": billion_laughs,
    "cr-only.csv": lambda: "unit,dti\rHà Nam,0.5\rHà Nội,0.6\r".encode(),
    "deep.yaml": lambda: deep_yaml().encode(),
}


def path(name: str) -> Path:
    return HERE / name


if __name__ == "__main__":
    for name, make in SMALL.items():
        (HERE / name).write_bytes(make())
        print(name, (HERE / name).stat().st_size)
