"""Reading unit × code tables from CSV or Excel, with errors that say file, row and column.

A table has a header row: the first column names the unit (``unit``, ``đơn vị``,
``tỉnh``, ``province``...) and every other column is a node or indicator code.
One row per unit.  Numbers may use a decimal point or a decimal comma
(``0,565``); empty cells are missing values.

A file is refused before it is parsed when it is larger than :class:`Limits` allow (unpacked size
and compression ratio of an .xlsx, size of a CSV), and while it is read as soon as it passes the
row or cell cap; a CSV may end its lines with LF, CRLF or CR alone (old Mac Excel). Long error
lists are cut with :func:`first_errors`.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from chiso.engine.errors import InputError
from chiso.lib import xlsx

UNIT_HEADERS = {"unit", "units", "đơn vị", "don vi", "tỉnh", "tinh", "province", "tỉnh/thành phố", "địa phương", "name"}

__all__ = ["Limits", "Table", "col_letter", "first_errors", "read_table"]

# At most this many problems are listed; the rest are counted ("… và còn K lỗi khác").
MAX_ERRORS_SHOWN = 50


@dataclass(frozen=True)
class Limits:
    """Caps on an input file, checked before and while it is read (the web passes its settings).

    ``max_bytes`` caps the unpacked size of an .xlsx (sum of its zip members) and the size of a
    CSV; ``max_ratio`` the compression ratio of a large .xlsx member; ``max_rows`` and
    ``max_cells`` the rows and cells read.
    """

    max_bytes: int = xlsx.MAX_UNCOMPRESSED_BYTES
    max_ratio: float = xlsx.MAX_COMPRESSION_RATIO
    max_rows: int = xlsx.MAX_ROWS
    max_cells: int = xlsx.MAX_CELLS


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


def _read_csv_rows(path: Path, limits: Limits) -> list[list[str]]:
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
    # newline="": lines may end in LF, CRLF or a lone CR (what old Mac Excel writes); csv splits them.
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delim)
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


def _read_xlsx_rows(path: Path, sheet: str | None, limits: Limits) -> list[list[Any]]:
    return list(xlsx.iter_rows(path, file=str(path), sheet=sheet, max_bytes=limits.max_bytes,
                               max_ratio=limits.max_ratio, max_rows=limits.max_rows, max_cells=limits.max_cells))


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
    limits = limits or Limits()
    p = Path(path)
    if not p.exists():
        raise InputError(f"{p}: file not found", code="file_not_found", file=str(p))
    suffix = p.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        rows = _read_xlsx_rows(p, sheet, limits)
    elif suffix in (".csv", ".txt", ""):
        rows = _read_csv_rows(p, limits)
    else:
        raise InputError(f"{p}: unsupported file type {suffix!r}; use .csv or .xlsx", code="bad_file_type",
                         file=str(p))
    rows = [r for r in rows if any(c is not None and str(c).strip() != "" for c in r)]
    if not rows:
        raise InputError(f"{p}: the file is empty", code="empty_file", file=str(p))
    header = ["" if c is None else str(c).strip() for c in rows[0]]
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
    if len(rows) == 1:
        raise InputError(f"{p}: the file has a header but no data rows", code="empty_file", file=str(p))
    units: list[str] = []
    unit_rows: dict[str, int] = {}
    values = np.full((len(rows) - 1, len(codes)), np.nan)
    bad: list[dict[str, Any]] = []
    for r, row in enumerate(rows[1:]):
        rownum = r + 2
        name = "" if not row or row[0] is None else str(row[0]).strip()
        if not name:
            bad.append({"row": rownum, "column": "A", "code": "unit", "value": "",
                        "msg": f"row {rownum}, column A: empty unit name"})
        elif name in unit_rows:
            bad.append({"row": rownum, "column": "A", "code": "unit", "value": name,
                        "msg": f"row {rownum}, column A: duplicate unit {name!r} (already on row {unit_rows[name]})"})
        else:
            unit_rows[name] = rownum
        units.append(name)
        extra = [c for c in row[len(codes) + 1:] if c is not None and str(c).strip() != ""]
        if extra:
            bad.append({"row": rownum, "column": col_letter(len(codes) + 1), "code": "", "value": extra[0],
                        "msg": f"row {rownum}, column {col_letter(len(codes) + 1)}: value {extra[0]!r} has no header"})
        for k, code in enumerate(codes):
            cell = row[k + 1] if k + 1 < len(row) else None
            try:
                v = parse_number(cell)
            except ValueError:
                bad.append({"row": rownum, "column": col_letter(k + 1), "code": code, "value": str(cell),
                            "msg": f"row {rownum}, column {col_letter(k + 1)} ({code}): {str(cell)!r} is not a number"})
                continue
            if v is not None:
                values[r, k] = v
    if bad:
        listed, rest = first_errors(bad)
        shown = "; ".join(b["msg"] for b in listed)
        more = f" (and {rest} more)" if rest else ""
        first = bad[0]
        raise InputError(f"{p}: {shown}{more}", code="bad_cells", file=str(p), row=first["row"],
                         column=first["column"], problems=bad)
    return Table(
        path=str(p), units=units, codes=codes, values=values, rows=unit_rows,
        columns={c: col_letter(k + 1) for k, c in enumerate(codes)},
    )
