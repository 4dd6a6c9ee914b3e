"""Reading and writing .xlsx with openpyxl (data only, never formulas or macros).

This is the only module that creates or opens a workbook (``tests/test_xlsx_writer_only.py`` checks it):

- **Writing** goes through :class:`WorkbookWriter` and its :class:`Sheet`, which store every value
  through :func:`cell_value`. Text is always a text cell, never a formula: a text that starts with
  ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is written with a leading apostrophe (the
  OWASP advice against formula injection: the apostrophe survives a copy to CSV or to another
  spreadsheet program, where a cell type would be lost). We do not also set the ``quotePrefix``
  style: with the apostrophe in the value, Excel re-enters an edited cell as text anyway, and a
  style per cell would only grow the file. Numbers (``int``, ``float``, ``Decimal``; negative ones
  too) stay numbers, dates stay dates, booleans stay booleans.
- **Reading** goes through :func:`iter_rows`, which checks the archive's uncompressed size and
  compression ratio *before* openpyxl parses anything, streams the sheet (read-only mode) and stops
  at a row or cell cap. Every refusal is an :class:`~chiso.engine.errors.InputError` with a code
  (``bad_xlsx``, ``file_too_large``, ``xlsx_compression``, ``too_many_rows``, ``too_many_cells``) and the figures in its
  params; the command line and the web turn the code into a Vietnamese sentence.

The module knows nothing of Django: the web passes its caps from settings (``chiso.lib.imports``).
"""

from __future__ import annotations

import datetime as dt
import io
import math
import numbers
import zipfile
from collections.abc import Iterable, Iterator
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from chiso.engine.errors import InputError

# Characters that make a spreadsheet program read a text as a formula (OWASP "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

# Reading caps used when the caller gives none (the command line's; the web passes its settings).
MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
MAX_COMPRESSION_RATIO = 100
MAX_ROWS = 100_000
MAX_CELLS = 5_000_000
# Members smaller than this are not held to the ratio: tiny XML parts compress very well.
_RATIO_FLOOR = 1024 * 1024


# --- writing ----------------------------------------------------------------------------------------


def cell_value(value: Any) -> tuple[Any, str | None]:
    """The value to store for ``value`` and the cell type to force (``"s"`` for text, else None).

    >>> cell_value("=1+2")
    ("'=1+2", 's')
    >>> cell_value(-3)
    (-3, None)
    """
    if value is None or isinstance(value, (bool, dt.date, dt.datetime, dt.time, dt.timedelta)):
        return value, None
    if isinstance(value, numbers.Number) and not isinstance(value, complex):  # numpy's numbers too
        if isinstance(value, numbers.Integral):
            return value, None
        return (value if math.isfinite(float(value)) else None), None
    text = str(value)  # lazy translations, UUIDs and the like are text too
    # Control characters (a pasted vertical tab, ...) are not allowed in XML: drop them, never fail.
    text = ILLEGAL_CHARACTERS_RE.sub("", text)
    if text.startswith(FORMULA_STARTS):
        text = "'" + text
    return text, "s"


class Sheet:
    """One worksheet that can only receive safe values (see :func:`cell_value`)."""

    def __init__(self, ws):
        self._ws = ws
        self._rows = 0  # rows appended so far (an empty row counts: the next one goes below it)

    @property
    def max_row(self) -> int:
        return self._rows

    def append(self, values: Iterable[Any] = ()) -> int:
        """Write ``values`` on a new row; return its number (1-based)."""
        self._rows += 1
        for col, v in enumerate(values, start=1):
            self.put(self._rows, col, v)
        return self._rows

    def put(self, row: int, col: int, value: Any) -> None:
        stored, kind = cell_value(value)
        cell = self._ws.cell(row, col)
        cell.value = stored
        if kind is not None:
            cell.data_type = kind  # never "f": a text is a text even if openpyxl thought otherwise

    def style(self, row: int, col: int, *, font=None, fill=None, alignment=None, number_format=None) -> None:
        cell = self._ws.cell(row, col)
        if font is not None:
            cell.font = font
        if fill is not None:
            cell.fill = fill
        if alignment is not None:
            cell.alignment = alignment
        if number_format is not None:
            cell.number_format = number_format

    def style_row(self, row: int, ncols: int, **kw) -> None:
        for col in range(1, ncols + 1):
            self.style(row, col, **kw)

    def width(self, col: int, width: float) -> None:
        self._ws.column_dimensions[get_column_letter(col)].width = width

    def freeze(self, ref: str) -> None:
        self._ws.freeze_panes = ref


class WorkbookWriter:
    """A new workbook whose sheets are :class:`Sheet` objects; :meth:`to_bytes` saves it."""

    def __init__(self):
        self._wb = Workbook()
        self._fresh = True

    def sheet(self, title: str) -> Sheet:
        if self._fresh:
            ws, self._fresh = self._wb.active, False
            ws.title = title[:31]
        else:
            ws = self._wb.create_sheet(title[:31])
        return Sheet(ws)

    def to_bytes(self) -> bytes:
        buf = io.BytesIO()
        self._wb.save(buf)
        return buf.getvalue()


def workbook_bytes(title: str, header: list[str], rows: list[list], *, notes: list[str] = (), locked_cols=0) -> bytes:
    """A one-table workbook: a bold header row, the rows, and an optional "Hướng dẫn" sheet."""
    wb = WorkbookWriter()
    ws = wb.sheet(title)
    ws.append(header)
    ws.style_row(1, len(header), font=Font(bold=True), fill=PatternFill("solid", fgColor="DDE7F0"))
    for row in rows:
        ws.append(row)
    for i, _h in enumerate(header, start=1):
        ws.width(i, 18 if i > 2 else 14 if i == 1 else 60)
    if notes:
        info = wb.sheet("Hướng dẫn")
        for line in notes:
            info.append([line])
        info.width(1, 120)
    return wb.to_bytes()


# --- reading ----------------------------------------------------------------------------------------


def check_archive(source, *, file: str = "", max_bytes: int = MAX_UNCOMPRESSED_BYTES,
                  max_ratio: float = MAX_COMPRESSION_RATIO) -> None:
    """Refuse an .xlsx whose unpacked size or compression ratio is too large, before parsing it.

    ``source`` is a path or the file's bytes. Raises :class:`InputError` (``bad_xlsx`` when it is
    not a zip archive, ``file_too_large`` or ``xlsx_compression`` otherwise).
    """
    try:
        with zipfile.ZipFile(io.BytesIO(source) if isinstance(source, (bytes, bytearray)) else source) as zf:
            members = zf.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as e:
        raise InputError(f"{file or 'file'}: not a readable .xlsx workbook ({e.__class__.__name__})",
                         code="bad_xlsx", file=file) from None
    total = sum(m.file_size for m in members)
    worst = max((m.file_size / max(m.compress_size, 1) for m in members if m.file_size >= _RATIO_FLOOR), default=0)
    if total > max_bytes:
        raise InputError(
            f"{file or 'file'}: the workbook unpacks to {total} bytes; the limit is {max_bytes} bytes — "
            "split it into smaller files", code="file_too_large", file=file, size=total, max_bytes=max_bytes)
    if worst > max_ratio:
        raise InputError(
            f"{file or 'file'}: a part of the workbook is {worst:.0f} times its packed size (limit {max_ratio:.0f}); "
            "a spreadsheet of real data does not pack that well — split it into smaller files",
            code="xlsx_compression", file=file, size=total, ratio=round(worst), max_ratio=round(max_ratio))


def iter_rows(source, *, file: str = "", sheet: str | None = None, max_bytes: int = MAX_UNCOMPRESSED_BYTES,
              max_ratio: float = MAX_COMPRESSION_RATIO, max_rows: int = MAX_ROWS,
              max_cells: int = MAX_CELLS) -> Iterator[list[Any]]:
    """Yield the rows of a sheet (the first unless ``sheet`` is named) as lists of values.

    Checks the archive first (:func:`check_archive`), then streams the sheet and raises
    ``too_many_rows`` / ``too_many_cells`` as soon as a cap is passed. Any failure of the parser
    (truncated part, missing sheet, entity expansion refused by defusedxml, ...) is ``bad_xlsx``.
    """
    check_archive(source, file=file, max_bytes=max_bytes, max_ratio=max_ratio)
    name = file or "file"
    try:
        wb = load_workbook(io.BytesIO(source) if isinstance(source, (bytes, bytearray)) else source,
                           read_only=True, data_only=True)
    except Exception as e:  # openpyxl raises many types for a bad file (KeyError, XML errors, ...)
        raise InputError(f"{name}: not a readable .xlsx workbook ({e.__class__.__name__})", code="bad_xlsx",
                         file=file) from None
    try:
        if sheet is not None:
            if sheet not in wb.sheetnames:
                raise InputError(f"{name}: no sheet {sheet!r}; sheets: {', '.join(wb.sheetnames)}",
                                 code="unknown_sheet", file=file)
            ws = wb[sheet]
        elif wb.worksheets:
            ws = wb.worksheets[0]
        else:
            raise InputError(f"{name}: the workbook has no sheet", code="bad_xlsx", file=file)
        cells = 0
        try:
            for n, row in enumerate(ws.iter_rows(values_only=True), start=1):
                if n > max_rows:
                    raise InputError(
                        f"{name}: more than {max_rows} rows; split the file into parts of at most {max_rows} rows",
                        code="too_many_rows", file=file, max_rows=max_rows)
                cells += len(row)
                if cells > max_cells:
                    raise InputError(
                        f"{name}: more than {max_cells} cells (row {n}); split the file into smaller parts",
                        code="too_many_cells", file=file, row=n, max_cells=max_cells)
                yield list(row)
        except InputError:
            raise
        except Exception as e:  # a part cut short, a bad XML entity, a broken cell reference, ...
            raise InputError(f"{name}: not a readable .xlsx workbook ({e.__class__.__name__})", code="bad_xlsx",
                             file=file) from None
    finally:
        wb.close()


def unescape_text(value: Any) -> Any:
    """Undo :func:`cell_value`'s apostrophe, so that an exported template imports back unchanged."""
    if isinstance(value, str) and len(value) > 1 and value[0] == "'" and value[1:].startswith(FORMULA_STARTS):
        return value[1:]
    return value


def read_rows(data: bytes, **limits) -> tuple[list[str], list[tuple[int, list]]]:
    """Return the header (lower-cased, stripped) and ``(excel_row_number, cells)`` of the first sheet.

    ``limits`` are :func:`iter_rows`'s caps. Raises :class:`InputError` when the bytes are not a
    readable .xlsx or pass a cap.
    """
    it = iter_rows(data, **limits)
    try:
        header = [str(h or "").strip().lower() for h in next(it)]
    except StopIteration:
        return [], []
    rows = []
    for n, cells in enumerate(it, start=2):
        if all(c is None or str(c).strip() == "" for c in cells):
            continue
        rows.append((n, [unescape_text(c) for c in cells]))
    return header, rows
