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
- **What every workbook of the project looks like** is decided here, once: a table sheet has its
  header row frozen (:meth:`Sheet.header`) and its numbers in a number format per column (``INT``
  "#,##0", ``DEC2`` "#,##0.00", ...; the spreadsheet program shows the reader's separators); a date
  is a date cell shown dd/mm/yyyy; a sheet's name is :func:`sheet_title` (whole words, at most 31
  characters, unique); a workbook of demonstration data carries its label on every sheet
  (``WorkbookWriter(demo_note=...)``). :func:`typed_text` turns a number or date printed the
  Vietnamese way back into a typed cell (the document builder's tables hold some as text).
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
import re
import zipfile
from collections.abc import Iterable, Iterator
from typing import Any, NamedTuple, SupportsFloat, cast

from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from chiso.engine.errors import InputError

# Characters that make a spreadsheet program read a text as a formula (OWASP "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

# Reading caps used when the caller gives none (the command line's; the web passes its settings).
MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
MAX_COMPRESSION_RATIO = 100
MAX_ROWS = 100_000
MAX_CELLS = 5_000_000
# Rows read to find a named header row (read_rows).
_HEADER_SEARCH_ROWS = 10
# Members smaller than this are not held to the ratio: tiny XML parts compress very well.
_RATIO_FLOOR = 1024 * 1024


# --- writing ----------------------------------------------------------------------------------------

# Number formats, written the English way as the file format wants them: Excel and LibreOffice show
# them with the reader's own separators ("1.234,5" and "06/12/2026" on a Vietnamese desktop).
INT = "#,##0"  # a count: 34.079
WHOLE = "0"  # a rank, a year, a number the document prints without grouping
DEC1 = "#,##0.0"
DEC2 = "#,##0.00"  # points, a rate in per cent
DEC4 = "0.0000"  # an index score
SIGNED_INT = "+#,##0;-#,##0;0"
SIGNED_WHOLE = "+0;-0;0"
SIGNED_DEC1 = "+#,##0.0;-#,##0.0;0.0"
SIGNED_DEC2 = "+#,##0.00;-#,##0.00;0.00"
SIGNED_DEC4 = "+0.0000;-0.0000;0.0000"
DATE = "dd/mm/yyyy"
DATETIME = "dd/mm/yyyy hh:mm"

# The label of a workbook that shows demonstration data (on every sheet, see WorkbookWriter).
DEMO_NOTE = "DỮ LIỆU MINH HỌA — bảng này có số liệu được tạo ra để minh họa, không phải số liệu thật."

MAX_SHEET_TITLE = 31  # Excel's limit
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
# Little words a cut title must not end on ("… so với", "… của"): they promise a word that was cut.
_DANGLING = {"và", "của", "các", "những", "với", "so", "cho", "trong", "theo", "từ", "đến", "về", "tại", "qua",
             "hoặc", "hay", "là", "để", "trên", "dưới", "ở", "-", "–", "—"}  # fmt: skip

# Abbreviations of Vietnamese administrative writing, used when a sheet's title is too long.
_SHORT_FORMS = (("thủ tục hành chính", "TTHC"), ("dịch vụ công trực tuyến", "DVCTT"), ("Ủy ban nhân dân", "UBND"),
                ("Uỷ ban nhân dân", "UBND"), ("công nghệ thông tin", "CNTT"), ("chuyển đổi số", "CĐS"))  # fmt: skip

_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="DDE7F0")
_HEADER_ALIGN = Alignment(wrap_text=True, vertical="center")
_DEMO_FONT = Font(bold=True, color="C00000")


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
        return (value if math.isfinite(float(cast(SupportsFloat, value))) else None), None  # Decimal too
    text = str(value)  # lazy translations, UUIDs and the like are text too
    # Control characters (a pasted vertical tab, ...) are not allowed in XML: drop them, never fail.
    text = ILLEGAL_CHARACTERS_RE.sub("", text)
    if text.startswith(FORMULA_STARTS):
        text = "'" + text
    return text, "s"


def sheet_title(title: Any, used: Iterable[str] = (), *, default: str = "Trang") -> str:
    """A sheet name for ``title``: at most 31 characters, cut between words where a phrase ends (at
    the end of a clause when one ends far enough in, before a little word such as "của" or "so",
    never after one; a title that cannot be cut so takes the administration's short forms first:
    "TTHC", "UBND"), without the characters Excel refuses ("/" becomes "-"), and unlike every name in
    ``used`` (Excel compares them without case): a repeat takes " (2)", " (3)", ...

    >>> sheet_title("Tình hình thực hiện các nhiệm vụ")
    'Tình hình thực hiện'
    >>> sheet_title("Bảng 2. Chỉ số thành phần so với ngưỡng hạng 20")
    'Bảng 2. Chỉ số thành phần'
    """
    text = ILLEGAL_CHARACTERS_RE.sub("", str(title)).replace("/", "-").replace("\\", "-")
    text = " ".join(_SHEET_FORBIDDEN.sub(" ", text).split()).strip("'").strip() or default
    short = text
    for long, abbreviation in _SHORT_FORMS:
        short = re.sub(re.escape(long), abbreviation, short, flags=re.IGNORECASE)
    taken = {str(u).casefold() for u in used}
    n = 1
    while True:
        suffix = f" ({n})" if n > 1 else ""
        limit = MAX_SHEET_TITLE - len(suffix)
        name, whole = _cut_at_word(text, limit)
        if not whole and short != text:
            name = _cut_at_word(short, limit)[0]
        if (name := name + suffix).casefold() not in taken:
            return name
        n += 1


def _cut_at_word(text: str, limit: int) -> tuple[str, bool]:
    """``text`` within ``limit`` characters, ending where a phrase ends, and whether it does.

    Vietnamese writes a word of two syllables with a space ("nhiệm vụ"), so a cut between any two
    syllables may split one: when the first word left out does not begin a phrase, the cut goes
    back to the end of a clause or to before a little word ("các", "của"), if one is far enough in."""
    if len(text) <= limit:
        return text, True
    all_words = text.split(" ")
    words: list[str] = []
    for w in all_words:
        if len(" ".join([*words, w])) > limit:
            break
        words.append(w)
    if not words:  # one word longer than a sheet name (no space to cut at)
        return text[:limit].strip("'"), False

    def starts_phrase(i: int, after: str) -> bool:  # a phrase starts between words[i - 1] and ``after``
        return words[i - 1][-1] in ",;:" or after[0] in "(–—" or after == "-" or after.casefold() in _DANGLING

    whole = starts_phrase(len(words), all_words[len(words)])
    if not whole:
        for i in range(len(words) - 1, 0, -1):
            if starts_phrase(i, words[i]) and len(" ".join(words[:i])) >= limit * 0.4:
                words, whole = words[:i], True
                break
    while len(words) > 1 and words[-1].casefold() in _DANGLING:
        words.pop()
    return " ".join(words).rstrip(",;:(–—- ").strip("'") or words[0][:limit], whole


_VN_NUMBER = re.compile(r"([+\-−]?)(\d{1,3}(?:\.\d{3})+|0|[1-9]\d*)(?:,(\d+))?(%?)")
_VN_DATE = re.compile(r"(\d{2})/(\d{2})/(\d{4})")


def typed_text(text: Any) -> tuple[Any, str] | None:
    """The typed cell a text printed the Vietnamese way stands for, and its number format: ``"34"``
    -> ``(34, "0")``, ``"1.234"`` -> ``(1234, "#,##0")``, ``"0,69"`` -> ``(0.69, "0.00")``, ``"45,9%"``
    -> ``(0.459, "0.0%")``, ``"06/12/2026"`` -> ``(date(2026, 12, 6), "dd/mm/yyyy")``; None for any
    other text (a code such as "01" or "4a" stays text). The format shows the value as it was printed."""
    if not isinstance(text, str):
        return None
    s = text.strip()
    if m := _VN_DATE.fullmatch(s):
        try:
            return dt.date(int(m[3]), int(m[2]), int(m[1])), DATE
        except ValueError:
            return None
    m = _VN_NUMBER.fullmatch(s)
    if m is None:
        return None
    sign, whole, decimals, pct = m.groups()
    grouped = "." in whole
    value: float | int = int(whole.replace(".", ""))
    if decimals:
        value = float(f"{value}.{decimals}")
    if sign in ("-", "−"):
        value = -value
    fmt = ("#,##0" if grouped else "0") + ("." + "0" * len(decimals) if decimals else "")
    if pct:
        return round(value / 100, len(decimals or "") + 2), fmt.replace("#,##", "") + "%"
    return value, fmt


class Sheet:
    """One worksheet that can only receive safe values (see :func:`cell_value`).

    A table sheet calls :meth:`header` once: the header row is styled, the panes are frozen below
    it and each column's number format is applied to the rows appended after it. A date is shown
    dd/mm/yyyy wherever it is written."""

    def __init__(self, ws, demo_note: str = ""):
        self._ws = ws
        self._rows = 0  # rows appended so far (an empty row counts: the next one goes below it)
        self._formats: list[str | None] = []
        if demo_note:  # first row, in red, and in the printed page's header
            r = self.append([demo_note])
            self.style(r, 1, font=_DEMO_FONT)
            ws.oddHeader.center.text = demo_note.replace("&", "&&")

    @property
    def max_row(self) -> int:
        return self._rows

    def header(self, titles: Iterable[Any], *, formats: Iterable[str | None] = (),
               widths: Iterable[float | None] = ()) -> int:
        """Write a table's header row (bold, filled, wrapped), freeze the panes below it and keep
        ``formats`` (one number format or None per column) for the rows that follow. Returns its row."""
        titles = list(titles)
        r = self.append(titles)
        self.style_row(r, len(titles), font=_HEADER_FONT, fill=_HEADER_FILL, alignment=_HEADER_ALIGN)
        self.freeze(f"A{r + 1}")
        self._formats = list(formats)
        for col, w in enumerate(widths, start=1):
            if w:
                self.width(col, w)
        return r

    def append(self, values: Iterable[Any] = ()) -> int:
        """Write ``values`` on a new row (numbers in the header's formats); return its number (1-based)."""
        self._rows += 1
        for col, v in enumerate(values, start=1):
            fmt = self._formats[col - 1] if col <= len(self._formats) else None
            self.put(self._rows, col, v, number_format=fmt)
        return self._rows

    def put(self, row: int, col: int, value: Any, *, number_format: str | None = None) -> None:
        """Store ``value``; a number or a date takes ``number_format`` (a date dd/mm/yyyy by default)."""
        stored, kind = cell_value(value)
        cell = self._ws.cell(row, col)
        cell.value = stored
        if kind is not None:
            cell.data_type = kind  # never "f": a text is a text even if openpyxl thought otherwise
        elif isinstance(stored, dt.datetime):
            cell.number_format = number_format or (DATETIME if stored.time() != dt.time() else DATE)
        elif isinstance(stored, dt.date):
            cell.number_format = number_format or DATE
        elif number_format and isinstance(stored, numbers.Number) and not isinstance(stored, bool):
            cell.number_format = number_format

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
    """A new workbook whose sheets are :class:`Sheet` objects; :meth:`to_bytes` saves it.

    ``demo_note``: the workbook shows demonstration data — every sheet opens with this label (red,
    first row) and prints it in its page header."""

    def __init__(self, demo_note: str = ""):
        self._wb = Workbook()
        self._fresh = True
        self.demo_note = demo_note

    def sheet(self, title: str) -> Sheet:
        """A new sheet named by :func:`sheet_title` (whole words, within 31 characters, unique)."""
        name = sheet_title(title, [] if self._fresh else self._wb.sheetnames)
        if self._fresh:
            ws, self._fresh = self._wb.active, False
            ws.title = name
        else:
            ws = self._wb.create_sheet(name)
        return Sheet(ws, self.demo_note)

    def to_bytes(self) -> bytes:
        buf = io.BytesIO()
        self._wb.save(buf)
        return buf.getvalue()


def workbook_bytes(title: str, header: list[str], rows: Iterable[Iterable[Any]], *,
                   formats: Iterable[str | None] = (), widths: Iterable[float | None] = (),
                   notes: Iterable[str] = (), notes_title: str = "Hướng dẫn", demo_note: str = "") -> bytes:
    """A one-table workbook: the header row (frozen), the rows (numbers in ``formats``, one per
    column), and an optional sheet of ``notes``; ``demo_note`` labels every sheet (:class:`WorkbookWriter`)."""
    wb = WorkbookWriter(demo_note)
    ws = wb.sheet(title)
    widths = list(widths) or [14 if i == 0 else 60 if i == 1 else 18 for i in range(len(header))]
    ws.header(header, formats=formats, widths=widths)
    for row in rows:
        ws.append(row)
    notes = list(notes)
    if notes:
        info = wb.sheet(notes_title)
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


def _open(source, file: str, *, data_only: bool = True):
    try:
        return load_workbook(io.BytesIO(source) if isinstance(source, (bytes, bytearray)) else source,
                             read_only=True, data_only=data_only)
    except Exception as e:  # openpyxl raises many types for a bad file (KeyError, XML errors, ...)
        raise InputError(f"{file or 'file'}: not a readable .xlsx workbook ({e.__class__.__name__})", code="bad_xlsx",
                         file=file) from None


def _sheet_rows(ws, *, file: str, max_rows: int, max_cells: int, limit: int | None = None) -> Iterator[list[Any]]:
    """The rows of ``ws`` as lists of values, held to the caps (``limit``: at most that many rows)."""
    name = file or "file"
    cells = 0
    try:
        for n, row in enumerate(ws.iter_rows(values_only=True, max_row=limit), start=1):
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
    wb = _open(source, file)
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
        yield from _sheet_rows(ws, file=file, max_rows=max_rows, max_cells=max_cells)
    finally:
        wb.close()


class UncachedFormula:
    """A cell that holds a formula but no value computed by the spreadsheet program (a workbook written
    by a program that does not compute, e.g. a script): its value is unknown, not empty. ``cell`` is
    its reference ("D7")."""

    def __init__(self, cell: str):
        self.cell = cell

    def __repr__(self) -> str:
        return f"UncachedFormula({self.cell!r})"

    def __str__(self) -> str:
        return "=?"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, UncachedFormula) and other.cell == self.cell

    __hash__ = None  # type: ignore[assignment]


def _is_formula(value: Any) -> bool:
    return (isinstance(value, str) and value.startswith("=")) or type(value).__name__ in (
        "ArrayFormula", "DataTableFormula")


def unescape_text(value: Any) -> Any:
    """Undo :func:`cell_value`'s apostrophe, so that an exported template imports back unchanged."""
    if isinstance(value, str) and len(value) > 1 and value[0] == "'" and value[1:].startswith(FORMULA_STARTS):
        return value[1:]
    return value


class Table(NamedTuple):
    """What :func:`read_rows` read: the header (lower-cased, stripped), ``(excel_row_number, cells)``
    of each non-blank row after it, and the name of the sheet read."""

    header: list[str]
    rows: list[tuple[int, list]]
    sheet: str


def read_rows(data: bytes, *, header_names: Iterable[str] = (), uncached: bool = False, **limits) -> Table:
    """Read the table of a workbook: its header, its rows and the sheet's name (:class:`Table`).

    Without ``header_names``, the first sheet and its first row. With them, the first sheet that
    has, among its first rows, a row holding one of them; that row is the header (a workbook that
    opens with a sheet of instructions, or a label above the header, is read right). No sheet has
    one: ``InputError`` ``no_header_sheet`` (params ``column``, the first name, and ``sheets``, the
    names of the sheets read). ``uncached``: a formula cell without a value computed by the
    spreadsheet program reads as :class:`UncachedFormula` instead of an empty cell (the workbook is
    parsed twice: for small tables). ``limits`` are :func:`iter_rows`'s caps. Raises
    :class:`InputError` when the bytes are not a readable .xlsx or pass a cap.
    """
    names_given = [str(h).strip() for h in header_names]
    wanted = {h.lower() for h in names_given}
    max_bytes = limits.get("max_bytes", MAX_UNCOMPRESSED_BYTES)
    caps = {"max_rows": limits.get("max_rows", MAX_ROWS), "max_cells": limits.get("max_cells", MAX_CELLS)}
    file = limits.get("file", "")
    check_archive(data, file=file, max_bytes=max_bytes, max_ratio=limits.get("max_ratio", MAX_COMPRESSION_RATIO))

    def names(cells) -> list[str]:
        return [str(h or "").strip().lower() for h in cells]

    wb = _open(data, file)
    try:
        if not wb.worksheets:
            raise InputError(f"{file or 'file'}: the workbook has no sheet", code="bad_xlsx", file=file)
        ws, header_at = wb.worksheets[0], 1
        if wanted:
            for candidate in wb.worksheets:
                head = _sheet_rows(candidate, file=file, limit=_HEADER_SEARCH_ROWS, **caps)
                at = next((n for n, cells in enumerate(head, start=1) if wanted.intersection(names(cells))), None)
                if at is not None:
                    ws, header_at = candidate, at
                    break
            else:
                raise InputError(f"{file or 'file'}: no sheet has a column {names_given[0]!r}", code="no_header_sheet",
                                 file=file, column=names_given[0], sheets=list(wb.sheetnames))
        rows_in = _sheet_rows(ws, file=file, **caps)
        if uncached:
            rows_in = _mark_uncached(data, ws.title, rows_in, file)
        header: list[str] = []
        rows = []
        for n, cells in enumerate(rows_in, start=1):
            if n < header_at:
                continue
            if n == header_at:
                header = names(cells)
                continue
            if all(c is None or str(c).strip() == "" for c in cells):
                continue
            rows.append((n, [unescape_text(c) for c in cells]))
        return Table(header, rows, ws.title)
    finally:
        wb.close()


def _mark_uncached(data: bytes, title: str, rows: Iterator[list[Any]], file: str) -> Iterator[list[Any]]:
    """``rows`` with each formula cell that has no computed value as an :class:`UncachedFormula`."""
    wb = _open(data, file, data_only=False)
    try:
        formulas = wb[title].iter_rows(values_only=True)
        for n, cells in enumerate(rows, start=1):
            written = next(formulas, ())
            yield [UncachedFormula(f"{get_column_letter(i + 1)}{n}")
                   if c is None and i < len(written) and _is_formula(written[i]) else c
                   for i, c in enumerate(cells)]
    except InputError:
        raise
    except Exception as e:
        raise InputError(f"{file or 'file'}: not a readable .xlsx workbook ({e.__class__.__name__})", code="bad_xlsx",
                         file=file) from None
    finally:
        wb.close()
