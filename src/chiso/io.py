"""Reading unit × code tables from CSV or Excel, with errors that say file, row and column.

A table has a header row: the first column names the unit (``unit``, ``đơn vị``,
``tỉnh``, ``province``...) and every other column is a node or indicator code.
One row per unit.  Numbers may use a decimal point or a decimal comma
(``0,565``); empty cells are missing values.

A file is refused before it is parsed when it is larger than :class:`Limits` allow (unpacked size
and compression ratio of an .xlsx, size of a CSV), and while it is read as soon as it passes the
row or cell cap; a CSV may end its lines with LF, CRLF or CR alone (old Mac Excel). Long error
lists are cut with :func:`first_errors`.

Speed: a CSV whose data rows are plain (no quotes below the header, no lone CR) keeps those rows
as bytes (:class:`_Lines`: one buffer and the lines' offsets), and the numbers of their cells are
parsed at once from the bytes (:func:`_plain_chunk`; exact for the cells it takes: a plain
decimal of at most 15 digits or an empty cell). Any other cell — a decimal comma, a space, a
text — and every row holding one are read cell by cell as before, so every message is the same;
100 000 rows × 100 columns (73 MB) read in about 1.5–2 s on a shared two-core machine.
"""

from __future__ import annotations

import csv
import difflib
import io
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, overload

import numpy as np

from chiso.engine.errors import InputError

UNIT_HEADERS = {"unit", "units", "đơn vị", "don vi", "tỉnh", "tinh", "province", "tỉnh/thành phố", "địa phương", "name"}

__all__ = ["Limits", "PublishedRead", "Table", "col_letter", "compare_published", "first_errors", "header_key",
           "read_published", "read_table"]

# At most this many problems are listed; the rest are counted ("… và còn K lỗi khác").
MAX_ERRORS_SHOWN = 50


@dataclass(frozen=True)
class Limits:
    """Caps on an input file, checked before and while it is read (the web passes its settings).

    ``max_bytes`` caps the unpacked size of an .xlsx (sum of its zip members) and the size of a
    CSV; ``max_ratio`` the compression ratio of a large .xlsx member; ``max_rows`` and
    ``max_cells`` the rows and cells read.  The defaults are the command line's: ``max_bytes`` and
    ``max_ratio`` are :mod:`chiso.lib.xlsx`'s (not imported here: openpyxl is loaded only for an
    .xlsx), the rows a sheet can have (1 048 576) and 20 million cells, so that a table of
    100 000 units × 100 indicators can be computed.
    """

    max_bytes: int = 200 * 1024 * 1024  # = xlsx.MAX_UNCOMPRESSED_BYTES (tests/cli/test_cli_speed_paths.py)
    max_ratio: float = 100  # = xlsx.MAX_COMPRESSION_RATIO
    max_rows: int = 1_048_576
    max_cells: int = 20_000_000


def first_errors(items: list, limit: int = MAX_ERRORS_SHOWN) -> tuple[list, int]:
    """The first ``limit`` items of an error list and how many more there are.

    >>> first_errors(list(range(53)), 50)[1]
    3
    """
    return list(items[:limit]), max(len(items) - limit, 0)


def col_letter(idx: int) -> str:
    """0-based column index -> spreadsheet letter (0 -> A, 26 -> AA)."""
    s = ""
    idx += 1
    while idx:
        idx, r = divmod(idx - 1, 26)
        s = chr(65 + r) + s
    return s


@dataclass
class Table:
    """A validated table read from a file.

    Attributes
    ----------
    path : str
    units : list of str
        Unit names as written (stripped).
    codes : list of str
        Column codes (header cells after the unit column).
    values : ndarray, shape (n_units, n_codes)
        Float values, NaN where the cell was empty.
    rows : dict
        Unit -> 1-based row number in the file.
    columns : dict
        Code -> column letter in the file.
    """

    path: str
    units: list[str]
    codes: list[str]
    values: np.ndarray
    rows: dict[str, int] = field(default_factory=dict)
    columns: dict[str, str] = field(default_factory=dict)

    def as_mapping(self) -> dict[str, dict[str, float]]:
        return {
            u: {c: float(v) for c, v in zip(self.codes, self.values[i]) if not np.isnan(v)}
            for i, u in enumerate(self.units)
        }

    def where(self, unit: str | None = None, code: str | None = None) -> str:
        """Human location: ``file, row 5, column C (htkt)``."""
        parts = [self.path]
        if unit is not None and unit in self.rows:
            parts.append(f"row {self.rows[unit]}")
        if code is not None and code in self.columns:
            parts.append(f"column {self.columns[code]} ({code})")
        elif code is not None:
            parts.append(f"code {code}")
        return ", ".join(parts)

    def rename_units(self, mapping: dict[str, str]) -> None:
        """Replace unit names (e.g. by their canonical names), keeping row numbers."""
        self.rows = {mapping.get(u, u): r for u, r in self.rows.items()}
        self.units = [mapping.get(u, u) for u in self.units]


def parse_number(text: Any) -> float | None:
    """Parse a cell: number, '0.565', '0,565', '1.234,5', '' -> None.  Raises ValueError."""
    if text is None:
        return None
    if isinstance(text, bool):
        raise ValueError("boolean")
    if isinstance(text, (int, float)):
        if isinstance(text, float) and np.isnan(text):
            return None
        return float(text)
    s = str(text).strip().replace("\u00a0", "").replace(" ", "")
    if s == "":
        return None
    if "," in s and "." in s:
        # 1.234,5 (Vietnamese) or 1,234.5 (English): the last separator is the decimal one.
        if s.rfind(",") > s.rfind("."):
            s = s.replace(".", "").replace(",", ".")
        else:
            s = s.replace(",", "")
    elif s.count(",") == 1:
        s = s.replace(",", ".")
    v = float(s)
    if not np.isfinite(v):
        raise ValueError("not finite")
    return v


def _csv_text(path: Path, limits: Limits) -> tuple[bytes, str, str]:
    """The bytes of a CSV (a BOM dropped), its text (size, encoding and NUL checked) and its delimiter."""
    size = path.stat().st_size
    if size > limits.max_bytes:
        raise InputError(f"{path}: the file has {size} bytes; the limit is {limits.max_bytes} bytes — "
                         "split it into smaller files", code="file_too_large", file=str(path), size=size,
                         max_bytes=limits.max_bytes)
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        raise InputError(
            f"{path}: row {line}: the file is not UTF-8 text (byte 0x{data[e.start]:02x}); "
            "save it as 'CSV UTF-8' or as .xlsx",
            code="bad_encoding",
            file=str(path),
            row=line,
        ) from None
    if "\x00" in text:
        raise InputError(f"{path}: not a text CSV file (contains NUL bytes)", code="bad_encoding", file=str(path))
    sample = text[:4096]
    first = sample.splitlines()[0] if sample.strip() else ""
    delim = ";" if first.count(";") > first.count(",") else ("\t" if first.count("\t") > first.count(",") else ",")
    return data.removeprefix(b"\xef\xbb\xbf"), text, delim


def _csv_records(path: Path, text: str, delim: str, limits: Limits, *, strict: bool = False) -> list[list[str]]:
    """Every record of a CSV text, by the csv module (quotes, LF/CRLF/CR line ends), caps checked."""
    # newline="": lines may end in LF, CRLF or a lone CR (what old Mac Excel writes); csv splits them.
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delim, strict=strict)
    rows: list[list[str]] = []
    cells = 0
    try:
        for row in reader:
            if len(rows) >= limits.max_rows:
                raise InputError(
                    f"{path}: more than {limits.max_rows} rows; split the file into parts of at most "
                    f"{limits.max_rows} rows", code="too_many_rows", file=str(path), max_rows=limits.max_rows)
            cells += len(row)
            if cells > limits.max_cells:
                raise InputError(f"{path}: more than {limits.max_cells} cells (row {reader.line_num}); split the "
                                 "file into smaller parts", code="too_many_cells", file=str(path),
                                 row=reader.line_num, max_cells=limits.max_cells)
            rows.append(row)
    except csv.Error as e:
        # The usual one: "field larger than field limit (131072)" — a cell of 128 KB is not a value.
        line = reader.line_num
        if "field limit" in str(e):
            raise InputError(f"{path}: row {line}: a cell is longer than {csv.field_size_limit()} characters",
                             code="field_too_large", file=str(path), row=line, limit=csv.field_size_limit()) from None
        raise InputError(f"{path}: row {line}: not a readable CSV file ({e})", code="bad_csv", file=str(path),
                         row=line) from None
    return rows


def _plain_csv(path: Path, data: bytes, delim: str, limits: Limits) -> tuple[list[list[str]], _Lines] | None:
    """The records of a CSV whose rows below its last quote are plain lines: the records above
    (by the csv module) and those lines, kept as bytes.

    None when the csv module must read it all: a lone CR below the quotes, a line that may hold a
    cell over the csv module's limit, the rows or cells over ``limits`` (the csv module then
    raises the same error as always), or quotes it would read otherwise in strict mode.  A line
    without quotes is the csv module's record: its cells are the text between delimiters.  The
    bytes are UTF-8 (checked), where a quote, CR, newline or delimiter is never part of a letter.
    """
    last = data.rfind(b'"')
    cut = 0 if last < 0 else data.find(b"\n", last) + 1
    if last >= 0 and cut == 0:
        return None
    rest = data[cut:]
    lines = _Lines.of(rest)
    if lines.crlf != rest.count(b"\r"):  # a CR that does not end a line
        return None
    if len(lines) and int((lines.end - lines.start).max()) > csv.field_size_limit():  # bytes ≥ characters
        return None
    try:
        head = _csv_records(path, data[:cut].decode("utf-8"), delim, limits, strict=True) if cut else []
    except InputError:
        return None
    cells = sum(map(len, head)) + rest.count(delim.encode()) + int(np.count_nonzero(lines.end > lines.start))
    if len(head) + len(lines) > limits.max_rows or cells > limits.max_cells:
        return None
    return head, lines


@dataclass
class _Lines:
    """Plain CSV lines as bytes: line k is ``data[start[k]:end[k]]``; every line of ``data``
    ends in a newline, or a CR and a newline (the CR is not in the line).  Rows of a large file
    stay here, unsplit and undecoded, until looked at (a list of 10 million cells would take a
    gigabyte); their numbers are parsed at once."""

    data: bytes
    start: np.ndarray
    end: np.ndarray
    crlf: int = 0  # lines that end in CR LF

    @classmethod
    def of(cls, rest: bytes) -> _Lines:
        if rest and not rest.endswith(b"\n"):
            rest += b"\n"
        b = np.frombuffer(rest, dtype=np.uint8)
        end = np.flatnonzero(b == 10)
        start = np.concatenate(([0], end[:-1] + 1)).astype(end.dtype)
        cr = (end > start) & (b[end - 1] == 13)
        end -= cr
        return cls(rest, start, end, int(np.count_nonzero(cr)))

    def __len__(self) -> int:
        return len(self.end)

    def text(self, k: int) -> str:
        return self.data[self.start[k]:self.end[k]].decode("utf-8")

    def blank(self, delim: str) -> np.ndarray:
        """Which lines are blank (only delimiters and spaces): :func:`_blank` of the lines that
        start with a delimiter, a space or a letter beyond ASCII (maybe a space); others are not."""
        b = np.frombuffer(self.data, dtype=np.uint8)
        lead = b[np.minimum(self.start, max(len(b) - 1, 0))] if len(b) else np.zeros(0, dtype=np.uint8)
        maybe = (self.end == self.start) | (lead == ord(delim)) | (lead >= 0x80) | (lead == 32)
        maybe |= ((lead >= 9) & (lead <= 13)) | ((lead >= 28) & (lead <= 31))  # str.isspace below 128
        out = np.zeros(len(self), dtype=bool)
        for k in np.flatnonzero(maybe).tolist():
            out[k] = _blank(self.text(k), delim)
        return out

    def cells(self, delim: str) -> np.ndarray:
        """The number of cells of each line."""
        out = np.ones(len(self), dtype=np.int64)
        at = 0
        while at < len(self):  # a few MB at a time: where the delimiters are, counted by line
            stop = max(at + 1, int(np.searchsorted(self.end, self.start[at] + _CHUNK_BYTES)))
            first, last = int(self.start[at]), int(self.end[stop - 1])
            found = np.flatnonzero(np.frombuffer(self.data, dtype=np.uint8, count=last - first, offset=first)
                                   == ord(delim)) + first
            out[at:stop] += np.searchsorted(found, self.end[at:stop]) - np.searchsorted(found, self.start[at:stop])
            at = stop
        return out

    def numbers(self, which: Sequence[int], delim: str, cols: Sequence[int], name_col: int | None = None
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[str] | None]:
        """:func:`_plain_numbers` of lines ``which`` (increasing), and the text of their cell
        ``name_col`` (stripped; "" when the line has none), parsed in chunks of whole lines."""
        wanted = np.asarray(which, dtype=np.int64)
        lo, hi = (int(wanted.min()), int(wanted.max()) + 1) if len(wanted) else (0, 0)
        values = np.full((hi - lo, len(cols)), np.nan)
        exact = np.ones((hi - lo, len(cols)), dtype=bool)
        n_cells = np.zeros(hi - lo, dtype=np.int64)
        names = np.zeros((hi - lo, 2), dtype=np.int64)
        slot = np.full(max(cols, default=0) + 1, -1)
        slot[list(cols)] = np.arange(len(cols))
        at = lo
        while at < hi:
            stop = max(at + 1, min(hi, int(np.searchsorted(self.end, self.start[at] + _CHUNK_BYTES))))
            first = int(self.start[at])
            chunk = memoryview(self.data)[first:int(self.start[stop]) if stop < len(self) else len(self.data)]
            part = _plain_chunk(chunk, ord(delim), slot, name_col)
            values[at - lo:stop - lo], exact[at - lo:stop - lo], n_cells[at - lo:stop - lo] = part[:3]
            if name_col is not None:
                names[at - lo:stop - lo] = part[3] + first
            at = stop
        text = None
        if len(wanted) < hi - lo:  # some lines between are not wanted (blank, a title)
            rows = wanted - lo
            values, exact, n_cells, names = values[rows], exact[rows], n_cells[rows], names[rows]
        if name_col is not None:
            data = self.data
            text = [data[s:e].decode("utf-8").strip() for s, e in names.tolist()]
        return values, exact, n_cells, text


class _Rows(Sequence):
    """Numbered rows ``(row number, cells)``; a row of a plain CSV is a line of ``lines`` (its
    index), split only when it is looked at.  :func:`_read_body` parses those lines at once."""

    def __init__(self, items: list[tuple[int, Any]], delim: str = ",", lines: _Lines | None = None):
        self.items = items
        self.delim = delim
        self.lines = lines

    def __len__(self) -> int:
        return len(self.items)

    @overload
    def __getitem__(self, i: int) -> tuple[int, list[Any]]: ...

    @overload
    def __getitem__(self, i: slice) -> _Rows: ...

    def __getitem__(self, i: int | slice) -> Any:
        if isinstance(i, slice):
            return _Rows(self.items[i], self.delim, self.lines)
        n, row = self.items[i]
        return n, (self.lines.text(row).split(self.delim) if isinstance(row, int) and self.lines else row)

    def __iter__(self) -> Iterator[tuple[int, list[Any]]]:
        for i in range(len(self.items)):
            yield self[i]

    def line_rows(self) -> list[int]:
        """Positions of the rows that are lines."""
        return [i for i, (_n, row) in enumerate(self.items) if isinstance(row, int)]

    def width(self) -> int:
        """The most cells a row has."""
        widest = max((len(row) for _n, row in self.items if not isinstance(row, int)), default=0)
        at = self.line_rows()
        if at and self.lines is not None:
            widest = max(widest, int(self.lines.cells(self.delim)[[self.items[i][1] for i in at]].max()))
        return widest


def _read_xlsx_rows(path: Path, sheet: str | None, limits: Limits) -> list[list[Any]]:
    from chiso.lib import xlsx

    return list(xlsx.iter_rows(path, file=str(path), sheet=sheet, max_bytes=limits.max_bytes,
                               max_ratio=limits.max_ratio, max_rows=limits.max_rows, max_cells=limits.max_cells))


def _blank(row: Any, delim: str) -> bool:
    if isinstance(row, str):
        if row and row[0] != delim and not row[0].isspace():  # the usual row: a name first
            return False
        return row.replace(delim, "").strip() == ""
    return not any(c is not None and str(c).strip() != "" for c in row)


def _read_rows(path: str | Path, sheet: str | None, limits: Limits | None) -> tuple[Path, _Rows]:
    """The file's non-blank rows with their 1-based row numbers in the file (caps checked)."""
    limits = limits or Limits()
    p = Path(path)
    if not p.exists():
        raise InputError(f"{p}: file not found", code="file_not_found", file=str(p))
    suffix = p.suffix.lower()
    delim = ","
    rows: list[Any]
    lines = None
    if suffix in (".xlsx", ".xlsm"):
        rows = _read_xlsx_rows(p, sheet, limits)
    elif suffix in (".csv", ".txt", ""):
        data, text, delim = _csv_text(p, limits)
        plain = _plain_csv(p, data, delim, limits)
        if plain is None:
            rows = _csv_records(p, text, delim, limits)
        else:
            rows, lines = plain
    else:
        raise InputError(f"{p}: unsupported file type {suffix!r}; use .csv or .xlsx", code="bad_file_type",
                         file=str(p))
    kept: list[tuple[int, Any]] = [(n, r) for n, r in enumerate(rows, start=1) if not _blank(r, delim)]
    if lines is not None:
        kept += [(len(rows) + k + 1, k) for k in np.flatnonzero(~lines.blank(delim)).tolist()]
    if not kept:
        raise InputError(f"{p}: the file is empty", code="empty_file", file=str(p))
    return p, _Rows(kept, delim, lines)


def _cell_text(c: Any) -> str:
    return "" if c is None else str(c).strip()


def read_table(path: str | Path, *, sheet: str | None = None, limits: Limits | None = None) -> Table:
    """Read and validate a unit × code table from ``.csv`` or ``.xlsx``.

    Raises
    ------
    InputError
        Missing file, wrong encoding, empty file, no unit column, empty or
        duplicate header, empty unit name, duplicate unit, non-numeric cell —
        every message names the file and the row and/or column.  Every
        non-numeric cell is in ``params["problems"]``, not only the first; the
        message lists the first :data:`MAX_ERRORS_SHOWN`.  A file over
        ``limits`` (default :class:`Limits()`) is refused: ``file_too_large``,
        ``too_many_rows``, ``too_many_cells``; an unreadable one: ``bad_xlsx``,
        ``bad_csv``, ``field_too_large``.
    """
    p, numbered = _read_rows(path, sheet, limits)
    header = ["" if c is None else str(c).strip() for c in numbered[0][1]]
    while header and header[-1] == "":
        header.pop()
    if not header or header[0].casefold() not in UNIT_HEADERS:
        raise InputError(
            f"{p}: row 1, column A: the first column must be the unit column (header 'unit'), got {header[0] if header else ''!r}",
            code="no_unit_column",
            file=str(p),
            row=1,
            column="A",
        )
    codes = header[1:]
    problems: list[str] = []
    for k, c in enumerate(codes):
        if c == "":
            problems.append(f"row 1, column {col_letter(k + 1)}: empty column header")
    dup = sorted({c for c in codes if c and codes.count(c) > 1})
    for c in dup:
        cols = [col_letter(k + 1) for k, x in enumerate(codes) if x == c]
        problems.append(f"row 1, columns {', '.join(cols)}: duplicate column {c!r}")
    if problems:
        raise InputError(f"{p}: " + "; ".join(problems), code="bad_header", file=str(p), problems=problems)
    if len(numbered) == 1:
        raise InputError(f"{p}: the file has a header but no data rows", code="empty_file", file=str(p))
    # Rows are numbered as they come after the header (blank rows not counted), as always.
    body = _Rows([(k + 2, row) for k, (_n, row) in enumerate(numbered.items[1:])], numbered.delim,
                 numbered.lines)
    units, unit_rows, values, bad = _read_body(body, 0, [(k + 1, c, "value") for k, c in enumerate(codes)],
                                               len(codes) + 1)
    _raise_bad_cells(p, bad)
    return Table(
        path=str(p), units=units, codes=codes, values=values, rows=unit_rows,
        columns={c: col_letter(k + 1) for k, c in enumerate(codes)},
    )


# Exact powers of ten (10**22 is the last one a float holds exactly).
_POW10 = 10.0 ** np.arange(23)
_PLAIN_DIGITS = 15  # a whole number of up to 15 digits is exact in a float (< 2**53)
_CHUNK_BYTES = 1 << 22


def _plain_numbers(lines: Sequence[str], delim: str, cols: Sequence[int]
                   ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The numbers in columns ``cols`` of plain CSV lines, parsed at once, and where they are exact.

    Returns ``values`` (lines × cols, NaN for an empty or absent cell), ``exact`` (the value is
    the one :func:`parse_number` gives) and the number of cells of each line.  A cell is taken when it is empty, absent, or a plain
    decimal ``-?digits[.digits]`` of at most 15 digits: its value is the whole number of its digits
    (exact) divided by a power of ten (exact), one correctly rounded division — the float nearest
    the decimal, which is what ``float(text)`` returns.  Any other cell (a decimal comma, a space,
    an exponent, a text) is ``exact=False``, for the careful path.
    """
    body = _Lines.of("".join(line + "\n" for line in lines).encode("utf-8"))
    return body.numbers(range(len(body)), delim, cols)[:3]


def _plain_chunk(buf: Any, delim: int, slot: np.ndarray, name_col: int | None = None
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """:func:`_plain_numbers` for the lines in ``buf`` (bytes, each line ending in a newline), and
    the byte range of each line's cell ``name_col`` (empty when the line has none).

    Works on the bytes (UTF-8 never hides a delimiter, newline, digit, dot or minus in a letter) in
    passes over the whole buffer, then over its cells: no Python per cell.
    """
    b = np.frombuffer(buf, dtype=np.uint8)
    ends = np.flatnonzero((b == delim) | (b == 10))  # every cell ends at a separator
    starts = np.empty_like(ends)
    starts[:1] = 0
    starts[1:] = ends[:-1] + 1
    last = np.flatnonzero(b[ends] == 10)  # each line's last cell
    n_cells = np.diff(last, prepend=-1)
    ends[last] -= (ends[last] > starts[last]) & (b[ends[last] - 1] == 13)  # CR LF
    digit = (b - np.uint8(48)) < 10
    dot = b == 46
    cd = np.zeros(len(b) + 1, dtype=np.int32)  # digits before each byte
    np.cumsum(digit, out=cd[1:])
    cdot = np.zeros(len(b) + 1, dtype=np.int32)
    np.cumsum(dot, out=cdot[1:])
    nd = cd[ends] - cd[starts]
    ndot = cdot[ends] - cdot[starts]
    length = ends - starts
    neg = (length > 0) & (b[np.minimum(starts, len(b) - 1)] == 45)
    # Only digits, at most one dot and a leading minus; at most 15 digits (exact as a whole number).
    plain = (nd + ndot + neg == length) & (ndot <= 1) & (nd >= 1) & (nd <= _PLAIN_DIGITS)
    # Decimals: the cell's bytes after its dot (all digits in a plain cell).
    dotted = np.flatnonzero(plain & (ndot == 1))
    frac = np.full(len(ends), -1, dtype=ends.dtype)  # -1: no dot
    frac[dotted] = ends[dotted] - 1 - np.flatnonzero(dot)[cdot[ends[dotted]] - 1]
    count = np.where(plain, nd, 0)
    number = _whole_numbers(b, ends, frac, count)
    frac[frac < 0] = 0
    number /= _POW10[frac]
    np.negative(number, out=number, where=neg)
    number[length == 0] = np.nan
    exact = plain | (length == 0)
    values, taken = _place(number, exact, last, n_cells, slot)
    names = np.zeros((len(last), 2), dtype=np.int64)
    if name_col is not None:
        has = n_cells > name_col
        cell = (last - n_cells + 1 + name_col)[has]
        names[has, 0], names[has, 1] = starts[cell], ends[cell]
    return values, taken, n_cells, names


# Eight digits at once (the bytes of a run of digits read as one little-endian 64-bit word, the
# first digit lowest): the bytes before the run are masked off, then pairs, fours and eights of
# digits are combined by three multiplications (each lane holds at most 10**8 < 2**32).
# Eight ASCII digits in one 64-bit little-endian word become their number in three multiply-and-shift
# steps (pairs of digits, then pairs of pairs, then the two halves): ``_RUN_MASK[n]`` keeps the last n
# bytes of a word (the others become 0, i.e. leading zeros), each ``(lanes, times, shift)`` of ``_PAIRS``
# joins neighbouring lanes: ``(hi * 10**k + lo)`` lands in the upper lane, the shift moves it down.
_RUN_MASK = np.array([0] + [((1 << (8 * n)) - 1) << (8 * (8 - n)) for n in range(1, 9)], dtype=np.uint64)
_PAIRS = [(np.uint64(0x0F0F0F0F0F0F0F0F), np.uint64(2561), np.uint64(8)),  # 10 * 2**8 + 1
          (np.uint64(0x00FF00FF00FF00FF), np.uint64(6553601), np.uint64(16)),  # 100 * 2**16 + 1
          (np.uint64(0x0000FFFF0000FFFF), np.uint64(42949672960001), np.uint64(32))]  # 10**4 * 2**32 + 1
_POW10_INT = 10 ** np.arange(16, dtype=np.uint64)


def _runs(words: np.ndarray, stop: np.ndarray, n: np.ndarray) -> np.ndarray:
    """The whole number of the ``n`` (≤ 15) digits before byte ``stop`` of each cell; ``words[i]``
    is the 8 bytes before byte i."""
    out = _eight(words, stop, np.minimum(n, 8))
    if (n > 8).any():
        out += _eight(words, np.maximum(stop - 8, 0), np.clip(n - 8, 0, 8)) * np.uint64(10**8)
    return out


def _eight(words: np.ndarray, stop: np.ndarray, n: np.ndarray) -> np.ndarray:
    """The whole number of the ``n`` (≤ 8) digits just before byte ``stop`` of each cell, read from the
    word that ends there (see ``_PAIRS``); ``& 0x0F`` turns an ASCII digit into its value."""
    w = words[stop] & _RUN_MASK[n]
    for lanes, times, shift in _PAIRS:
        w &= lanes
        w *= times
        w >>= shift
    return w


def _whole_numbers(b: np.ndarray, ends: np.ndarray, frac: np.ndarray, count: np.ndarray) -> np.ndarray:
    """For each cell (its bytes end at ``ends``), the whole number of its last ``count`` (≤ 15)
    digits, the dot ``frac`` bytes from its end skipped (-1: no dot): the digits before the dot
    times 10**frac plus those after, in 64-bit integers (below 10**15: exact in a float too)."""
    padded = np.zeros(len(b) + 8, dtype=np.uint8)
    padded[8:] = b
    words = np.ndarray((len(b) + 1,), dtype="<u8", buffer=padded, strides=(1,))  # words[i]: b[i-8:i]
    after = np.maximum(frac, 0)
    whole = _runs(words, np.where(frac < 0, ends, ends - frac - 1), count - after)
    return (whole * _POW10_INT[after] + _runs(words, ends, after)).astype(np.float64)


def _place(number: np.ndarray, exact: np.ndarray, last: np.ndarray, n_cells: np.ndarray, slot: np.ndarray
           ) -> tuple[np.ndarray, np.ndarray]:
    """The cells' numbers by line and wanted column (``slot``: column -> position, or -1): NaN and
    exact for a cell a line does not have."""
    cols = np.flatnonzero(slot >= 0)
    want = slot[cols]
    values = np.full((len(last), len(cols)), np.nan)
    taken = np.ones(values.shape, dtype=bool)
    width = int(n_cells[0]) if len(n_cells) else 0
    if len(n_cells) and (n_cells == width).all():  # a rectangle: one slice
        inside = cols < width
        values[:, want[inside]] = number.reshape(-1, width)[:, cols[inside]]
        taken[:, want[inside]] = exact.reshape(-1, width)[:, cols[inside]]
        return values, taken
    line = np.repeat(np.arange(len(last)), n_cells)
    fieldno = np.arange(len(number)) - np.repeat(last - n_cells + 1, n_cells)
    wanted = fieldno < len(slot)
    wanted[wanted] = slot[fieldno[wanted]] >= 0
    at = (line[wanted], slot[fieldno[wanted]])
    values[at] = number[wanted]
    taken[at] = exact[wanted]
    return values, taken


def _read_body(body: _Rows, unit_col: int, cols: list[tuple[int, str, str]], width: int, *,
               skip_blank: bool = False) -> tuple[list[str], dict[str, int], np.ndarray, list[dict[str, Any]]]:
    """Units, their rows, the numbers of ``cols`` ((column index, code, kind)) and every bad cell.

    A ``rank`` column holds positive whole numbers (``bad_rank`` otherwise).  With ``skip_blank`` a
    row with neither a unit name nor a number (a note under the table, a separator) is not data.
    The rows kept as lines have their numbers parsed at once (:func:`_plain_numbers`); a row with a
    cell that parse cannot take exactly is read cell by cell, as every other row.
    """
    units: list[str] = []
    unit_rows: dict[str, int] = {}
    bad: list[dict[str, Any]] = []
    ucol = col_letter(unit_col)
    delim = body.delim
    lines = body.line_rows()
    fast = np.zeros(len(body), dtype=bool)
    short = np.zeros(len(body), dtype=bool)
    values = np.full((len(body), len(cols)), np.nan)
    names: dict[int, str] = {}
    if lines and body.lines is not None:
        v, exact, n_cells, text = body.lines.numbers([body.items[i][1] for i in lines], delim,
                                                     [k for k, _c, _kind in cols], unit_col)
        names = dict(zip(lines, text or []))
        fast[lines] = exact.all(axis=1)
        short[lines] = n_cells <= width  # no cell past the header's width
        if any(kind == "rank" for _k, _c, kind in cols):  # a rank is a whole number from 1
            r = v[:, [j for j, (_k, _c, kind) in enumerate(cols) if kind == "rank"]]
            fast[lines] &= np.all(np.isnan(r) | ((r >= 1) & (r == np.floor(r))), axis=1)
        if len(lines) == len(body):  # every row is a line: the parsed array is the table's
            values = v
        else:
            values[lines] = v
    keep = np.ones(len(body), dtype=bool)
    is_fast, is_short = fast.tolist(), short.tolist()  # looked at row by row
    for i, (rownum, _raw) in enumerate(body.items):
        if is_fast[i]:
            name, row = names[i], []
        else:
            row = body[i][1]
            name = _cell_text(row[unit_col]) if unit_col < len(row) else ""
        if not name and is_fast[i]:  # maybe a blank row or a note: looked at cell by cell
            is_fast[i], row = False, body[i][1]
        cells = None if is_fast[i] else [row[k] if k < len(row) else None for k, _c, _kind in cols]
        if skip_blank and not name and cells is not None and all(_cell_text(c) == "" for c in cells):
            keep[i] = False
            continue
        if not name:
            bad.append({"row": rownum, "column": ucol, "code": "unit", "value": "", "error": "empty_unit",
                        "msg": f"row {rownum}, column {ucol}: empty unit name"})
        elif name in unit_rows:
            bad.append({"row": rownum, "column": ucol, "code": "unit", "value": name, "error": "duplicate_unit",
                        "msg": f"row {rownum}, column {ucol}: duplicate unit {name!r} (already on row {unit_rows[name]})"})
        else:
            unit_rows[name] = rownum
        units.append(name)
        if is_fast[i] and is_short[i]:
            continue
        row = body[i][1]
        extra = [c for c in row[width:] if _cell_text(c) != ""]
        if extra:
            bad.append({"row": rownum, "column": col_letter(width), "code": "", "value": extra[0], "error": "no_header",
                        "msg": f"row {rownum}, column {col_letter(width)}: value {extra[0]!r} has no header"})
        if not is_fast[i]:
            values[i] = _read_cells(rownum, cols, cells if cells is not None else [], bad)
    if not keep.all():
        values = values[keep]
    return units, unit_rows, values, bad


def _read_cells(rownum: int, cols: list[tuple[int, str, str]], cells: list[Any], bad: list[dict[str, Any]]
                ) -> np.ndarray:
    """The numbers of one row's cells, read one by one; each bad cell is added to ``bad``."""
    line = np.full(len(cols), np.nan)
    for j, ((k, code, kind), cell) in enumerate(zip(cols, cells)):
        letter = col_letter(k)
        try:
            v = parse_number(cell)
        except ValueError:
            bad.append({"row": rownum, "column": letter, "code": code, "value": str(cell), "error": "not_a_number",
                        "msg": f"row {rownum}, column {letter} ({code}): {str(cell)!r} is not a number"})
            continue
        if v is not None and kind == "rank" and (v < 1 or v != int(v)):
            bad.append({"row": rownum, "column": letter, "code": code, "value": str(cell), "error": "bad_rank",
                        "msg": f"row {rownum}, column {letter} (rank {code}): {str(cell)!r} is not a rank "
                               "(a whole number from 1)"})
            continue
        if v is not None:
            line[j] = v
    return line


def _raise_bad_cells(p: Path, bad: list[dict[str, Any]], **params: Any) -> None:
    """One error for every bad cell: the first :data:`MAX_ERRORS_SHOWN` in the message, all in ``problems``."""
    if not bad:
        return
    listed, rest = first_errors(bad)
    shown = "; ".join(b["msg"] for b in listed)
    more = f" (and {rest} more)" if rest else ""
    first = bad[0]
    code = first.get("error") if first.get("error") in ("unknown_header", "bad_mapping", "duplicate_header") else (
        "bad_rank" if all(b.get("error") == "bad_rank" for b in bad) else
        first["error"] if first.get("error") in UNIT_ERRORS and all(b.get("error") in UNIT_ERRORS for b in bad)
        else "bad_cells")
    raise InputError(f"{p}: {shown}{more}", code=code, file=str(p), row=first["row"], column=first["column"],
                     problems=bad, **params)


# --- the ministry's table as published -------------------------------------------------------------

UNIT_ERRORS = frozenset({"unknown_unit", "unit_not_valid", "ambiguous_unit", "same_unit"})
# Header keys (after :func:`header_key`) of the unit column, the row-number column and the total.
UNIT_KEYS = frozenset({
    "unit", "units", "don vi", "ten don vi", "tinh", "ten tinh", "province", "provinces", "name", "tinh thanh pho",
    "tinh thanh", "tinh tp", "ten tinh thanh pho", "tinh thanh pho truc thuoc trung uong", "dia phuong",
    "ten dia phuong", "don vi hanh chinh",
})
ROW_NUMBER_KEYS = frozenset({"stt", "tt", "so tt", "so thu tu", "no", "#", "thu tu"})
TOTAL_KEYS = frozenset({"tong", "tong diem", "diem", "diem dti", "tong diem dti", "dti tong", "diem tong", "total",
                        "score", "tong hop"})
RANK_RE = re.compile(r"^(xep hang|thu hang|hang|rank)(?:[\s_]+(.*))?$")
# "Xếp hạng", "Xếp hạng chung", "Xếp hạng tổng", "Xếp hạng DTI": the rank of the index itself.
RANK_OF_ROOT = frozenset({"", "chung", "tong", "tong the", "total", "overall"})
HEADER_ROW_SEARCH = 10
CHECK_TOLERANCE = 0.00005

_NUMBERING = re.compile(r"^\s*(?:\(\s*\d+\s*\)|\d+(?:\.\d+)*\s*[.):-]?|[ivx]+\s*[.)]|cs\s*\d+\s*[.):-]?|[a-z]\s*\))\s*")
_TRAILING = re.compile(r"\s*[(\[][^()\[\]]*[)\]]\s*$")


def header_key(text: Any) -> str:
    """The matching key of a column header: accents removed (đ → d), case folded, a leading
    number ("1.", "(1)", "CS1", "I.") and trailing brackets ("(100 điểm)") dropped, punctuation
    turned into spaces (``_`` kept: codes), spaces collapsed.

    >>> header_key("1. NHẬN THỨC SỐ (100 điểm)")
    'nhan thuc so'
    >>> header_key("Tỉnh/Thành phố")
    'tinh thanh pho'
    >>> header_key("rank:ha_tang_so")
    'rank ha_tang_so'
    """
    from chiso.engine.units import fold_diacritics

    s = fold_diacritics(_cell_text(text).replace("\u00a0", " ")).casefold()
    while True:
        t = _TRAILING.sub("", s)
        if t == s:
            break
        s = t
    s = _NUMBERING.sub("", s, count=1) if not s.startswith("#") else s
    s = re.sub(r"[^\w#\s]", " ", s)
    return " ".join(s.split())


def _strip_chi_so(key: str) -> str:
    return key[len("chi so "):] if key.startswith("chi so ") else key


@dataclass(frozen=True)
class _Names:
    """Header keys of a framework's nodes: key -> [(code, matched_by)]."""

    keys: dict[str, list[tuple[str, str]]]
    names: dict[str, str]  # key -> code, for suggestions (names and codes)

    @classmethod
    def of(cls, fw: Any) -> _Names:
        keys: dict[str, list[tuple[str, str]]] = {}
        names: dict[str, str] = {}

        def add(key: str, code: str, how: str) -> None:
            for k in {key, _strip_chi_so(key)}:
                if k and (code, how) not in keys.get(k, []) and all(c != code for c, _h in keys.get(k, [])):
                    keys.setdefault(k, []).append((code, how))
        for node in fw.nodes:
            add(node.code.casefold(), node.code, "code")
        for node in fw.nodes:
            for lang, how in (("vi", "name"), ("en", "name_en")):
                if node.name.get(lang):
                    k = header_key(node.name[lang])
                    add(k, node.code, how)
                    names.setdefault(_strip_chi_so(k), node.code)
            add(node.code.casefold().replace("_", " "), node.code, "code")
            names.setdefault(node.code.casefold(), node.code)
        root = fw.root.code
        for k in TOTAL_KEYS:
            add(k, root, "total")
        return cls(keys, names)

    def find(self, key: str) -> tuple[str, str] | None:
        """``(code, matched_by)`` of the one node a key names, else None."""
        for k in (key, _strip_chi_so(key)):
            hits = self.keys.get(k, [])
            if len({c for c, _h in hits}) == 1:
                return hits[0]
        return None

    def suggest(self, key: str, fw: Any, n: int = 3) -> list[dict[str, str]]:
        """Up to ``n`` nodes whose name or code is closest to ``key`` (difflib), as ``{code, name}``."""
        out: list[dict[str, str]] = []
        for k in difflib.get_close_matches(_strip_chi_so(key), list(self.names), n=3 * n, cutoff=0.5):
            code = self.names[k]
            if code not in [o["code"] for o in out]:
                out.append({"code": code, "name": fw.node(code).label("vi")})
        return out[:n]


@dataclass
class PublishedRead:
    """A ministry's table as read by :func:`read_published`.

    Attributes
    ----------
    table : Table
        The input value columns (canonical codes, the columns' letters in the file).
    checks : dict
        Unit -> {code: published value} of columns that aggregate other given columns (the
        total, usually): compared with the recomputed value, never an input.
    ranks : dict
        Unit -> {code: published rank}.
    columns : list of dict
        Every column as read: ``{letter, header, kind, code, matched_by}``, ``kind`` one of
        ``unit``, ``value``, ``total``, ``rank``, ``ignored``.
    header_row : int
        The header's row in the file (title rows above it are skipped).
    units : dict
        Unit name as written -> reference unit, when names were resolved (``data_date``).
    as_of : date or None
        The day unit names were read as of.
    title_rows : list of str
        The text of the rows above the header (the table's title, its notes).
    """

    table: Table
    checks: dict[str, dict[str, float]] = field(default_factory=dict)
    ranks: dict[str, dict[str, int]] = field(default_factory=dict)
    columns: list[dict[str, Any]] = field(default_factory=list)
    header_row: int = 1
    units: dict[str, Any] = field(default_factory=dict)
    as_of: Any = None
    title_rows: list[str] = field(default_factory=list)

    @property
    def says_demonstration(self) -> bool:
        """A title row labels the table as demonstration data ("minh họa", "demonstration")."""
        return any(w in header_key(t) for t in self.title_rows for w in ("minh hoa", "demonstration", "demo"))

    def rename_units(self, mapping: dict[str, str]) -> None:
        """Replace unit names everywhere (table, checks, ranks), keeping row numbers."""
        self.table.rename_units(mapping)
        self.checks = {mapping.get(u, u): v for u, v in self.checks.items()}
        self.ranks = {mapping.get(u, u): v for u, v in self.ranks.items()}

    def compare(self, result: Any, *, tolerance: float = CHECK_TOLERANCE) -> dict[str, Any] | None:
        """The published totals and ranks against ``result`` (see :func:`compare_published`)."""
        return compare_published(result, self.checks, self.ranks, tolerance=tolerance)


def compare_published(result: Any, checks: dict[str, dict[str, float]], ranks: dict[str, dict[str, int]], *,
                      tolerance: float = CHECK_TOLERANCE) -> dict[str, Any] | None:
    """Published values and ranks against a computed result; None when nothing was published.

    Returns ``{"tolerance", "values": {"n", "same", "codes", "differ": [...]}, "ranks": {…the same},
    "not_compared"}``;
    a difference is ``{unit, code, name, published, recomputed}`` (``diff`` for values).  Units or
    codes the result does not hold are not compared (``not_compared`` counts them).
    """
    if not any(checks.values()) and not any(ranks.values()):
        return None
    fw = result.framework
    index = {u: i for i, u in enumerate(result.units)}
    out: dict[str, Any] = {"tolerance": tolerance, "values": {"n": 0, "codes": [], "differ": []},
                           "ranks": {"n": 0, "codes": [], "differ": []}, "not_compared": 0}
    for unit, given in checks.items():
        for code, pub in given.items():
            if unit not in index or code not in result.codes:
                out["not_compared"] += 1
                continue
            rec = float(result.scores[index[unit], result.codes.index(code)])
            if np.isnan(rec):
                out["not_compared"] += 1
                continue
            out["values"]["n"] += 1
            out["values"]["codes"] = list(dict.fromkeys([*out["values"]["codes"], code]))
            if abs(rec - pub) > tolerance + 1e-12:
                out["values"]["differ"].append({"unit": unit, "code": code, "name": fw.node(code).label("vi"),
                                                "published": pub, "recomputed": rec, "diff": rec - pub})
    for unit, given in ranks.items():
        for code, pub in given.items():
            rec = result.rank_of(unit, code) if unit in index and code in result.codes else None
            if rec is None:
                out["not_compared"] += 1
                continue
            out["ranks"]["n"] += 1
            out["ranks"]["codes"] = list(dict.fromkeys([*out["ranks"]["codes"], code]))
            if int(rec) != int(pub):
                out["ranks"]["differ"].append({"unit": unit, "code": code, "name": fw.node(code).label("vi"),
                                               "published": int(pub), "recomputed": int(rec)})
    for part in ("values", "ranks"):
        out[part]["differ"].sort(key=lambda d: (d["unit"], d["code"]))
        out[part]["same"] = out[part]["n"] - len(out[part]["differ"])
    return out


def _find_header(numbered: Sequence[tuple[int, list[Any]]]) -> tuple[int, int] | None:
    """Position in ``numbered`` and column of the first unit header among the first rows."""
    for pos, (_n, row) in enumerate(numbered[:HEADER_ROW_SEARCH]):
        for k, c in enumerate(row):
            if header_key(c) in UNIT_KEYS:
                return pos, k
    return None


def _classify(header: str, fw: Any, names: _Names, mapping: dict[str, str]) -> dict[str, Any] | None:
    """What a header is: ``{kind, code, matched_by}``, or None when unknown."""
    if header in mapping:
        target = (mapping[header] or "").strip()
        if target == "":
            return {"kind": "ignored", "code": "", "matched_by": "mapping"}
        head, sep, tail = target.partition(":")
        if sep and head.casefold() == "rank" and tail in fw.codes:
            return {"kind": "rank", "code": tail, "matched_by": "mapping"}
        if target in fw.codes:
            return {"kind": "total" if target == fw.root.code else "value", "code": target, "matched_by": "mapping"}
        return {"kind": "bad_mapping", "code": target, "matched_by": "mapping"}
    key = header_key(header)
    if key in ROW_NUMBER_KEYS:
        return {"kind": "ignored", "code": "", "matched_by": "row_number"}
    m = RANK_RE.match(key)
    if m:
        rest = (m.group(2) or "").strip()
        if rest in RANK_OF_ROOT:
            return {"kind": "rank", "code": fw.root.code, "matched_by": "rank"}
        found = names.find(rest)
        if found is not None:
            return {"kind": "rank", "code": found[0], "matched_by": "rank"}
    found = names.find(key) or names.find(header.strip().casefold())
    if found is not None:
        code, how = found
        return {"kind": "total" if code == fw.root.code else "value", "code": code, "matched_by": how}
    return None


def read_published(path: str | Path, framework: Any, *, sheet: str | None = None, limits: Limits | None = None,
                   data_date: Any = None, mapping: dict[str, str] | None = None, registry: Any = None
                   ) -> PublishedRead:
    """Read a ministry's table as it is printed, for ``framework`` (a Framework or its id).

    Title rows above the header are skipped: the header is the first of the first
    :data:`HEADER_ROW_SEARCH` rows with a unit header ("Tỉnh, thành phố", "Địa phương", "Đơn vị",
    "unit", "tỉnh"), which may be in any column.  An STT / TT / "No." column is ignored.  Every
    other header names a node by its code or its name (Vietnamese or English; accents, case,
    numbering, "Chỉ số" and a trailing "(100 điểm)" do not matter), the total ("Chỉ số DTI",
    "Tổng điểm", "Điểm") or a rank ("Xếp hạng", "Hạng", "Xếp hạng <node>", "rank:<code>").
    ``mapping`` maps a header as written to a code (``rank:<code>`` for a rank) or to ``""``
    (ignore it).  A value column of a node whose descendant is also given is a check (the
    published total), not an input.  With ``data_date`` (provincial frameworks) unit names are
    resolved as of that day; a name whose unit had ended by then (a province merged on
    01/07/2025) is an error naming its successor.

    Raises
    ------
    InputError
        As :func:`read_table` for the file (caps, encoding, empty); ``no_unit_column``;
        ``unknown_header`` (every unknown header: ``params["problems"]`` with row, column, header
        and ``suggestions``); ``duplicate_header``; ``bad_mapping``; ``bad_cells`` / ``bad_rank``
        (every bad cell); ``unknown_unit`` / ``unit_not_valid`` / ``same_unit`` (every bad name).
        ``params`` also hold ``columns`` (how each column was read) and ``header_row``; all
        problems of the file are in one error.
    """
    if isinstance(framework, str):
        from chiso.frameworks import load_framework

        framework = load_framework(framework)
    fw = framework
    mapping = {str(k).strip(): v for k, v in (mapping or {}).items()}
    p, numbered = _read_rows(path, sheet, limits)
    found = _find_header(numbered)
    if found is None:
        first = _cell_text(numbered[0][1][0]) if numbered[0][1] else ""
        raise InputError(
            f"{p}: row 1, column A: the first column must be the unit column (header 'unit', 'tỉnh', "
            f"'Tỉnh, thành phố', 'Địa phương'; after title rows, in any column), got {first!r}",
            code="no_unit_column", file=str(p), row=1, column="A")
    pos, unit_col = found
    header_row, header_cells = numbered[pos]
    body = numbered[pos + 1:]
    header = [_cell_text(c) for c in header_cells]
    width = max(len(header), body.width())
    names = _Names.of(fw)
    columns: list[dict[str, Any]] = []
    problems: list[dict[str, Any]] = []
    read_cols: list[tuple[int, str, str]] = []
    seen: dict[tuple[str, str], str] = {}
    for k in range(width):
        text = header[k] if k < len(header) else ""
        letter = col_letter(k)
        where = f"row {header_row}, column {letter}"
        if k == unit_col:
            columns.append({"letter": letter, "header": text, "kind": "unit", "code": "", "matched_by": "unit"})
            continue
        if text == "":
            if any(k < len(r) and _cell_text(r[k]) != "" for _n, r in body):
                problems.append({"row": header_row, "column": letter, "code": "", "value": "", "error": "empty_header",
                                 "msg": f"{where}: empty column header above values"})
            continue
        c = _classify(text, fw, names, mapping)
        if c is None:
            sugg = names.suggest(header_key(text), fw)
            hint = (" — did you mean: " + ", ".join(f"{s['name']} ({s['code']})" for s in sugg) + "?") if sugg else ""
            problems.append({"row": header_row, "column": letter, "code": "", "value": text, "header": text,
                             "error": "unknown_header", "suggestions": sugg,
                             "msg": f"{where} ({text}): unknown code or name for framework {fw.id!r}{hint}"})
            columns.append({"letter": letter, "header": text, "kind": "unknown", "code": "", "matched_by": ""})
            continue
        if c["kind"] == "bad_mapping":
            problems.append({"row": header_row, "column": letter, "code": c["code"], "value": text, "header": text,
                             "error": "bad_mapping",
                             "msg": f"{where} ({text}): mapped to {c['code']!r}, which is not a code of {fw.id!r}"})
            columns.append({"letter": letter, "header": text, "kind": "unknown", "code": "", "matched_by": ""})
            continue
        columns.append({"letter": letter, "header": text, **c})
        if c["kind"] == "ignored":
            continue
        slot = ("rank" if c["kind"] == "rank" else "value", c["code"])
        if slot in seen:
            problems.append({"row": header_row, "column": letter, "code": c["code"], "value": text, "header": text,
                             "error": "duplicate_header",
                             "msg": f"{where} ({text}): the same {'rank' if slot[0] == 'rank' else 'column'} as "
                                    f"column {seen[slot]} ({c['code']})"})
            continue
        seen[slot] = letter
        read_cols.append((k, c["code"], "rank" if c["kind"] == "rank" else "value"))
    params = {"columns": columns, "header_row": header_row}
    if not read_cols and not problems:
        raise InputError(f"{p}: row {header_row}: no column of values, total or rank for framework {fw.id!r}",
                         code="no_value_column", file=str(p), row=header_row, **params)
    if not body:
        raise InputError(f"{p}: the file has a header but no data rows", code="empty_file", file=str(p), **params)
    units, unit_rows, values, bad = _read_body(body, unit_col, read_cols, width, skip_blank=True)
    _raise_bad_cells(p, problems + bad, **params)
    resolved: dict[str, Any] = {}
    when = None
    if data_date is not None and fw.level == "province":
        # Names are matched once the headers and cells are right (a file of wrong cells is not a
        # list of unknown provinces too).
        when = data_date if isinstance(data_date, date) else date.fromisoformat(str(data_date).strip())
        resolved, unit_problems = _resolve(units, unit_rows, col_letter(unit_col), when, registry)
        _raise_bad_cells(p, unit_problems, **params)
    given = [code for _k, code, kind in read_cols if kind == "value"]
    is_check = {c for c in given if any(c in fw.ancestors(d) for d in given if d != c)}
    inputs = [(j, code) for j, (_k, code, kind) in enumerate(read_cols) if kind == "value" and code not in is_check]
    letters = {code: col_letter(k) for k, code, kind in read_cols if kind == "value"}
    table = Table(path=str(p), units=units, codes=[c for _j, c in inputs],
                  values=values[:, [j for j, _c in inputs]] if inputs else np.full((len(units), 0), np.nan),
                  rows=unit_rows, columns={c: letters[c] for _j, c in inputs})
    checks: dict[str, dict[str, float]] = {}
    ranks: dict[str, dict[str, int]] = {}
    for j, (_k, code, kind) in enumerate(read_cols):  # the published ranks and totals, by column
        given_at = np.flatnonzero(~np.isnan(values[:, j]))
        if kind == "rank":
            for i in given_at:
                ranks.setdefault(units[i], {})[code] = int(values[i, j])
        elif code in is_check:
            for i in given_at:
                checks.setdefault(units[i], {})[code] = float(values[i, j])
    ranks = {u: ranks[u] for u in units if u in ranks}  # in row order, as they were read
    checks = {u: checks[u] for u in units if u in checks}
    for col in columns:
        if col["kind"] in ("value", "total") and col["code"] in is_check:
            col["check"] = True
    titles = [" ".join(_cell_text(c) for c in r if _cell_text(c)) for _n, r in numbered[:pos]]
    return PublishedRead(table=table, checks=checks, ranks=ranks, columns=columns, header_row=header_row,
                         units=resolved, as_of=when, title_rows=titles)


def _resolve(units: list[str], rows: dict[str, int], letter: str, when: Any, registry: Any
             ) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Every unit name resolved as of ``when``; the problems of those that are not, by row."""
    from chiso.engine.errors import UnitError

    if registry is None:
        from chiso.reference import load_registry

        registry = load_registry()
    out: dict[str, Any] = {}
    problems: list[dict[str, Any]] = []
    seen: dict[str, str] = {}
    for name in units:
        if not name or name not in rows:
            continue
        row = rows[name]
        where = f"row {row}, column {letter}"
        try:
            try:
                unit = registry.resolve(name, as_of=when, level="province")
            except UnitError as e:
                if e.code != "unit_not_valid":
                    raise
                old = registry.get(e.params["unit"])
                if old.valid_to is not None and old.valid_to <= when:
                    # It had ended by that day (merged): the table cannot hold it.
                    try:
                        succ = registry.successor_at(old, when)
                        after = succ.short_name or succ.name
                    except UnitError:
                        after = ""
                    raise UnitError(
                        f"{name!r} ({old.name}) is no longer a unit on {when:%d/%m/%Y} (it existed {old.period()})"
                        + (f"; it is part of {after} — write that name" if after else "")
                        + ", or read the table as of an earlier date", code="unit_not_valid", name=name,
                        unit=old.id, as_of=when.isoformat(), successor=after,
                        valid_to=old.valid_to.isoformat()) from None
                # A name newer than the day (today's name for an older table): the unit it names.
                unit = registry.resolve(name, level="province")
        except UnitError as e:
            problems.append({"row": row, "column": letter, "code": "unit", "value": name, "error": e.code,
                             "params": dict(e.params), "msg": f"{where}: {e.message}"})
            continue
        if unit.id in seen:
            problems.append({"row": row, "column": letter, "code": "unit", "value": name, "error": "same_unit",
                             "params": {"name": name, "other": seen[unit.id], "other_row": rows[seen[unit.id]]},
                             "msg": f"row {row}, column {letter}: {name!r} is the same unit as {seen[unit.id]!r} "
                                    f"(row {rows[seen[unit.id]]})"})
            continue
        seen[unit.id] = name
        out[name] = unit
    return out, problems
