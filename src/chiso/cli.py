"""The ``chiso`` command.

Commands: ``frameworks``, ``show``, ``compute``, ``demo`` and, from
:mod:`chiso.cli_analysis`, the analysis commands.  Bad input exits with
status 2 and a message naming the file, row and column (or node); nothing
is written.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import math
import os
import sys
import tempfile
from collections.abc import Iterable, Iterator
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from chiso import __version__
from chiso.engine.errors import EngineError, FrameworkError, InputError

if TYPE_CHECKING:  # a command imports only what it uses: the engine, numpy, openpyxl when it runs
    import numpy as np

    from chiso.engine.compute import Result
    from chiso.engine.framework import Framework
    from chiso.io import PublishedRead, Table

EXIT_BAD_INPUT = 2
# The display language of the running command (set by main): framework warnings are printed in it.
_lang = {"now": os.environ.get("CHISO_LANG", "vi")}


# --- formatting helpers -------------------------------------------------------------------------
def vn_number(x: float | None, decimals: int = 4) -> str:
    """Vietnamese display of a number: decimal comma (0,5650)."""
    if x is None or x != x:  # NaN
        return "–"
    return f"{x:.{decimals}f}".replace(".", ",")


def _table(rows: list[list[str]], header: list[str]) -> str:
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    lines = ["  ".join(str(h).ljust(w) for h, w in zip(header, widths))]
    lines.append("  ".join("-" * w for w in widths))
    for r in rows:
        lines.append("  ".join(str(c).rjust(w) if _numeric(c) else str(c).ljust(w) for c, w in zip(r, widths)))
    return "\n".join(lines)


def _numeric(cell: object) -> bool:
    return str(cell).replace(",", "").replace(".", "").replace("-", "").replace("–", "").isdigit() or cell == "–"


def _write_output(text: str | bytes | Iterable[str | bytes], output: str | None) -> None:
    """Print, or write atomically to ``output`` (a partial file is never left behind).

    ``text`` may be the pieces of a long text (written as they come; a piece may be UTF-8 bytes)
    or the bytes of a file."""
    if isinstance(text, str):
        text = [text if text.endswith("\n") or output else text + "\n"]
    if not output:
        if isinstance(text, bytes):
            sys.stdout.buffer.write(text)
            return
        last = ""
        for piece in text:
            piece = piece.decode("utf-8") if isinstance(piece, bytes) else piece
            sys.stdout.write(piece)
            last = piece or last
        if last and not last.endswith("\n"):
            sys.stdout.write("\n")
        return
    target = Path(output)
    fd, tmp = tempfile.mkstemp(dir=target.parent or ".", prefix=".chiso-", suffix=target.suffix)
    try:
        # mkstemp creates the file for its owner only; the result is an ordinary file, with the
        # permissions any other new file gets under the user's umask.
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(fd, 0o666 & ~umask)
        with os.fdopen(fd, "wb") as fb:
            if isinstance(text, bytes):
                fb.write(text)
            else:
                for piece in text:
                    fb.write(piece if isinstance(piece, bytes) else piece.encode("utf-8"))
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


# Past these, a number is rounded by Python one at a time (see _rounded).
_EXACT_DECIMALS = range(0, 16)
_SCALES = [float(10**d) for d in _EXACT_DECIMALS]  # exact powers of ten


def _rounded(a: np.ndarray, decimals: int) -> np.ndarray:
    """``round(float(v), decimals)`` of every value (NaN stays NaN), for a whole array at once.

    Python rounds the exact binary value half to even, then takes the float nearest the decimal.
    ``rint(v * 10**d) / 10**d`` is that float (a whole number below 2**53 divided by an exact power
    of ten: one correctly rounded division) unless ``v * 10**d`` is within its rounding error of a
    half, or too large: those few values are rounded by Python itself.
    """
    import numpy as np

    a = np.asarray(a, dtype=float)
    if decimals not in _EXACT_DECIMALS:
        return np.array([v if v != v else round(v, decimals) for v in a.ravel().tolist()]).reshape(a.shape)
    scale = _SCALES[decimals]
    with np.errstate(invalid="ignore", over="ignore"):
        y = a * scale
        k = np.rint(y)
        out = k / scale
        margin = 1e-9 + np.abs(y) * 1e-15
        doubt = ~(np.abs(np.abs(y - k) - 0.5) > margin) | ~(np.abs(y) < 2.0**52)
    doubt &= ~np.isnan(a)
    for at in zip(*np.nonzero(doubt)):
        out[at] = round(float(a[at]), decimals)
    return out


_BLOCK = 4096  # rows rounded at a time: a few MB, whatever the size of the result


def _blocks(result: Result, decimals: int, rows: int = _BLOCK) -> Iterator[tuple[list[int], np.ndarray]]:
    """The units in rank order, ``rows`` at a time, with their scores rounded to ``decimals``."""
    order = result.order()
    for start in range(0, len(order), rows):
        block = order[start:start + rows]
        yield block, _rounded(result.scores[block], decimals)


def _ordered(result: Result, decimals: int) -> Iterator[tuple[int, np.ndarray]]:
    """Every unit in rank order with its scores rounded to ``decimals`` (rounded a block at a time)."""
    for block, scores in _blocks(result, decimals):
        yield from zip(block, scores)


def shown_codes(result: Result) -> list[int]:
    """Indices of the codes with at least one score (the columns of a csv or xlsx result)."""
    import numpy as np

    return [int(j) for j in np.flatnonzero(~np.all(np.isnan(result.scores), axis=0))]


# --- JSON numbers written by numpy --------------------------------------------------------------
# ``repr`` of a float rounded to d decimals (0 ≤ d ≤ 15) is the decimal text of k / 10**d, k the
# whole number rint(v * 10**d), without trailing zeros ("12.5", "3.0", "-0.0") when
#   (1) v == k / 10**d: v is the float nearest that decimal (k and 10**d are exact floats and the
#       division is correctly rounded);
#   (2) |k| < 10**15: the decimal has at most 15 significant digits, and two such decimals are
#       never the same float (DBL_DIG = 15), so no shorter text gives v: repr's digits are these;
#   (3) v == 0 or 1e-4 ≤ |v| (and |v| < 1e15 by (2)): repr writes such a number without an exponent.
# A value outside these (and inf) is written by Python, its whole record with it.
_DIGITS = range(0, 13)
_CELLS = 1 << 19  # cells formatted at a time


def _four_digits() -> tuple[np.ndarray, np.ndarray]:
    """The text of 0000 … 9999 as 4-byte words, and each one's trailing zeros (0000: 4)."""
    import numpy as np

    n = np.arange(10_000)
    text = np.stack([n // 1000, n // 100 % 10, n // 10 % 10, n % 10], axis=1).astype(np.uint8) + 48
    zeros = np.zeros(10_000, dtype=np.intp)
    for p in (10, 100, 1000, 10_000):
        zeros += n % p == 0
    return text.view(np.uint32).ravel(), zeros


def _keep_words(groups: int, leading: bool) -> list[np.ndarray]:
    """For each group of four bytes, its keep mask (a 4-byte word) by the count of the field:
    ``leading`` — the count is of leading bytes dropped; otherwise of bytes kept from the start."""
    import numpy as np

    count = np.arange(4 * groups + 1)[:, None]
    out = []
    for g in range(groups):
        at = 4 * g + np.arange(4)[None, :]
        kept = at >= count if leading else at < count
        out.append(kept.astype(np.uint8).view(np.uint32).ravel())
    return out


class _ScoreLines:
    """The score lines of JSON records (``{indent}"code": number,\\n``), a block of rows at once.

    The bytes of a cell sit in a fixed-width field — key, sign, whole part, dot, decimals, comma
    and newline — and a mask keeps the bytes its text has (no leading zeros, no trailing zeros,
    no ``-`` for a positive number, nothing for a NaN): the rows' lines are the kept bytes in
    order. Digits and masks are written four bytes at a time (a word per cell, from a table);
    the key bytes never change and are laid out once.
    """

    def __init__(self, keys: list[bytes], decimals: int, largest: float, rows: int):
        import numpy as np

        self.decimals = decimals
        self.scale = float(10**decimals)
        digits = len(str(int(min(largest, 1e15)) + 1))  # of the largest whole part (rounded up)
        self.powers = [float(10**p) for p in range(1, digits)]
        self.whole = -(-digits // 4)  # groups of four digits
        self.frac = -(-max(decimals, 1) // 4)
        self.sign = max(map(len, keys))
        self.dot = self.sign + 1 + 4 * self.whole
        size = self.dot + 1 + 4 * self.frac + 2
        m = len(keys)
        self.field = np.zeros((rows, m, size), dtype=np.uint8)
        self.keep = np.zeros((rows, m, size), dtype=np.uint8)
        for j, key in enumerate(keys):
            self.field[:, j, :len(key)] = np.frombuffer(key, dtype=np.uint8)
            self.keep[:, j, :len(key)] = 1
        self.field[:, :, self.sign] = 45  # -
        self.field[:, :, self.dot] = 46  # .
        self.field[:, :, -2:] = (44, 10)  # , \n
        self.keep[:, :, self.dot] = 1
        self.keep[:, :, -2:] = 1
        self.fixed = np.array([len(k) + 3 for k in keys])  # key, dot, comma, newline
        self.text, self.zeros = _four_digits()
        self.leading = _keep_words(self.whole, True)
        self.shown = _keep_words(self.frac, False)

    def _words(self, a: np.ndarray, start: int) -> np.ndarray:
        """The 4-byte words at byte ``start`` of every field of ``a`` (a view)."""
        import numpy as np

        rows, m, size = a.shape
        return np.ndarray((rows, m), dtype=np.uint32, buffer=a, offset=start, strides=(m * size, size))

    def exact(self, v: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The whole numbers |k| of v's text, and where v's text is k's (NaN: yes, its k is 0)."""
        import numpy as np

        with np.errstate(invalid="ignore", over="ignore"):
            k = np.abs(np.rint(v * self.scale))
            a = np.abs(v)
            ok = (k < 1e15) & (a == k / self.scale) & ((a >= 1e-4) | (v == 0))
        k[~ok] = 0
        return k, ok | np.isnan(v)

    def block(self, v: np.ndarray) -> tuple[memoryview, list[int], list[bool]]:
        """The lines of ``v``'s rows (rounded scores) in one buffer, each row's end in it, and
        which rows are right (the others, with a number outside the rule or no number at all, are
        written by Python).

        Whole numbers below 10**15 are exact floats, and so are the quotients and remainders
        taken here (a quotient k / 10**d is never rounded up to the next whole number there).
        """
        import numpy as np

        n = len(v)
        k, ok = self.exact(v)
        nan = np.isnan(v)
        whole = np.floor(k / self.scale)
        frac = k - whole * self.scale
        field, keep = self.field[:n], self.keep[:n]
        neg = np.signbit(v) & ~nan
        keep[:, :, self.sign] = neg
        digits = np.ones(whole.shape, dtype=np.intp)
        for p in self.powers:
            digits += whole >= p
        skip = 4 * self.whole - digits  # leading zeros
        for g in range(self.whole - 1, -1, -1):  # the whole part, four digits at a time from the right
            at = self.sign + 1 + 4 * g
            rest = np.floor(whole / 1e4)
            self._words(field, at)[...] = self.text[(whole - rest * 1e4).astype(np.intp)]
            self._words(keep, at)[...] = self.leading[g][skip]
            whole = rest
        frac *= float(10 ** (4 * self.frac - self.decimals))  # the decimals, left-aligned
        shown = np.full(frac.shape, 4 * self.frac, dtype=np.intp)
        right = np.ones(frac.shape, dtype=bool)  # the groups to the right are all zeros
        groups = []
        for g in range(self.frac - 1, -1, -1):
            rest = np.floor(frac / 1e4)
            group = (frac - rest * 1e4).astype(np.intp)
            groups.append((g, group))
            shown -= np.where(right, self.zeros[group], 0)
            right &= group == 0
            frac = rest
        np.maximum(shown, 1, out=shown)  # 3.0
        for g, group in groups:
            at = self.dot + 1 + 4 * g
            self._words(field, at)[...] = self.text[group]
            self._words(keep, at)[...] = self.shown[g][shown]
        kept = keep.view(bool)
        if nan.any():
            kept = kept & ~nan[:, :, None]
        size = np.where(nan, 0, self.fixed + neg + digits + shown)
        good = ok.all(axis=1) & ~nan.all(axis=1)
        return memoryview(field[kept]), np.cumsum(size.sum(axis=1)).tolist(), good.tolist()


def json_records(result: Result, decimals: int, pad: str = "") -> Iterator[str]:
    """``json.dumps(result.to_records(decimals), ensure_ascii=False, indent=2)`` in pieces, a block
    of records a piece, nested ``pad`` deeper (:func:`json_bytes` decoded)."""
    for piece in json_bytes(result, decimals, pad):
        yield piece.decode("utf-8")


def json_bytes(result: Result, decimals: int, pad: str = "") -> Iterator[bytes]:
    """:func:`json_records` in UTF-8, written from the arrays a block of records at a time.

    The score lines are made by :class:`_ScoreLines` (numpy) where its rule holds; a record with
    another number is a template filled with its floats (``%r`` is the float's ``repr``, as in
    JSON); one with an infinite score or none at all is written by :mod:`json`.
    """
    from json.encoder import encode_basestring  # what json.dumps(str, ensure_ascii=False) is

    if not result.units:
        yield b"[]"
        return
    ip = pad + "  "
    keys = [json.dumps(c, ensure_ascii=False) for c in result.codes]
    rows = max(1, min(_BLOCK, _CELLS // max(len(keys), 1), len(result.units)))
    lines = None
    if decimals in _DIGITS and keys:
        lines = _ScoreLines([f"{ip}    {k}: ".encode() for k in keys], decimals, _largest(result.scores), rows)
    template = ",\n".join(f"{ip}    {k.replace('%', '%%')}: %r" for k in keys)
    tail = f"\n{ip}  }}\n{ip}}}"
    yield b"["
    sep = ""
    close = tail.encode()
    for block, scores in _blocks(result, decimals, rows):
        buf, ends, good = lines.block(scores) if lines is not None else (None, [], [False] * len(block))
        pieces: list[bytes | memoryview] = []  # joined once a block
        for t, (i, r) in enumerate(zip(block, result.rank[block].tolist())):
            rank = "null" if r != r else str(int(r))
            head = (f'{sep}\n{ip}{{\n{ip}  "unit": {encode_basestring(result.units[i])},\n{ip}  "rank": {rank},\n'
                    f'{ip}  "scores": {{\n')
            if good[t] and buf is not None:
                pieces += (head.encode(), buf[ends[t - 1] if t else 0:ends[t] - 2], close)
            else:
                pieces.append(_json_record(result, i, scores[t].tolist(), head, template, tail, sep, ip).encode())
            sep = ","
        yield b"".join(pieces)
    yield f"\n{pad}]".encode()


def _json_record(result: Result, i: int, values: list[float], head: str, template: str, tail: str, sep: str,
                 ip: str) -> str:
    """One record written by Python: its floats' ``repr`` in the template, or :mod:`json` when a
    score is missing or infinite."""
    if values and all(math.isfinite(v) for v in values):
        return head + template % tuple(values) + tail
    r = result.rank[i]
    record = {"unit": result.units[i], "rank": None if r != r else int(r),
              "scores": {c: v for c, v in zip(result.codes, values) if v == v}}
    return sep + "\n" + ip + json.dumps(record, ensure_ascii=False, indent=2).replace("\n", "\n" + ip)


def _largest(scores: np.ndarray) -> float:
    """The largest absolute score (0 when there is none; inf when one is infinite)."""
    import numpy as np

    flat = scores.ravel()
    top = max(float(np.fmax.reduce(flat, initial=-np.inf)), -float(np.fmin.reduce(flat, initial=np.inf)))
    return top if top >= 0 else 0.0


def _result_rows(result: Result, decimals: int, empty: Any) -> tuple[list[str], Iterator[list[Any]]]:
    """The csv/xlsx table of a result: header ``unit, rank, codes with a score`` and its rows (a
    missing rank or score is ``empty``)."""
    shown = shown_codes(result)
    header = ["unit", "rank", *[result.codes[j] for j in shown]]

    def rows() -> Iterator[list[Any]]:
        for i, scores in _ordered(result, decimals):
            r = result.rank[i]
            values = scores[shown].tolist()
            yield [result.units[i], empty if r != r else int(r), *[empty if v != v else v for v in values]]

    return header, rows()


def format_result(result: Result, fmt: str, *, decimals: int = 4, lang: str = "vi") -> str:
    """Render a result as ``table``, ``csv`` or ``json`` (JSON: list of {unit, rank, scores})."""
    return "".join(result_pieces(result, fmt, decimals=decimals, lang=lang))


def result_pieces(result: Result, fmt: str, *, decimals: int = 4, lang: str = "vi") -> Iterator[str]:
    """:func:`format_result` in pieces (a long result is written as it is made)."""
    fw = result.framework
    if fmt == "json":
        yield from json_records(result, decimals)
        return
    if fmt == "csv":
        header, rows = _result_rows(result, decimals, "")
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(header)
        for n, row in enumerate(rows, start=1):
            w.writerow(row)
            if n % 2000 == 0:
                yield buf.getvalue()
                buf.seek(0)
                buf.truncate()
        yield buf.getvalue()
        return
    shown = shown_codes(result)
    header = ["Hạng" if lang == "vi" else "Rank", "Đơn vị" if lang == "vi" else "Unit", *[result.codes[j] for j in shown]]
    table = []
    for i in result.order():
        r = result.rank[i]
        values = result.scores[i, shown].tolist()
        table.append(["–" if r != r else str(int(r)), result.units[i],
                      *[vn_number(v, decimals) if lang == "vi" else f"{v:.{decimals}f}" for v in values]])
    title = f"{fw.label(lang)} [{fw.id}]"
    if fw.status == "provisional":
        title += " — TẠM TÍNH (provisional)" if lang == "vi" else " — PROVISIONAL"
    yield title + "\n" + _table(table, header)


def result_xlsx(result: Result, *, decimals: int = 4) -> bytes:
    """The result as a one-sheet workbook, the csv's columns (``chiso.lib.xlsx.workbook_bytes``:
    numbers stay numbers, a unit's name never becomes a formula)."""
    from chiso.lib import xlsx

    header, rows = _result_rows(result, decimals, None)
    score = "0." + "0" * decimals if decimals > 0 else "0"
    return xlsx.workbook_bytes(result.framework.id, header, rows,
                               formats=[None, xlsx.WHOLE, *[score] * (len(header) - 2)],
                               widths=[32, 8, *[12] * (len(header) - 2)])


def warn_framework(fw: Framework, lang: str | None = None) -> None:
    """Print a framework's warnings on stderr (``chiso: cảnh báo: …``), one sentence each."""
    found = getattr(fw, "warnings", ())
    if not found:
        return
    from chiso.lib.problems import message

    lang = lang or _lang["now"]
    word = "cảnh báo" if lang == "vi" else "warning"
    for problem in found:
        print(f"chiso: {word}: {message(problem, lang)}", file=sys.stderr)


def load_framework(framework: str, lang: str | None = None) -> Framework:
    """A framework by id or path (:func:`chiso.frameworks.load_framework`), its warnings printed."""
    from chiso.frameworks import load_framework as load

    fw = load(framework)
    warn_framework(fw, lang)
    return fw


def _locate(table: Table, err: EngineError) -> EngineError:
    """Add the file, row and column to an engine error about a (unit, code) cell."""
    p = err.params
    if err.code == "unknown_code":
        cols = ", ".join(f"column {table.columns.get(c, '?')} ({c})" for c in p.get("codes", []))
        return InputError(f"{table.path}: row 1, {cols}: unknown code for framework {p.get('framework')!r}",
                          code=err.code, file=table.path, row=1, **p)
    if err.code == "out_of_range":
        parts = []
        for q in p.get("problems", [])[:20]:
            lo = "-inf" if q["lo"] is None else f"{q['lo']:g}"
            hi = "inf" if q["hi"] is None else f"{q['hi']:g}"
            exp = q.get("expected") or f"[{lo}, {hi}]"
            parts.append(f"{table.where(q['unit'], q['code'])}: {q['value']:g} is outside {exp}")
        return InputError("; ".join(parts), code=err.code, file=table.path, **p)
    if err.code == "missing_value":
        cells = p.get("cells", [])
        parts = [table.where(u, c) for u, c in cells[:10]]
        more = f" (and {len(cells) - 10} more)" if len(cells) > 10 else ""
        return InputError(
            "missing value: " + "; ".join(parts) + more
            + " — fill them in, or use --missing reweight / --missing impute:mean",
            code=err.code, file=table.path, **p)
    return err


def read_compute(
    framework: str, input_path: str, *, as_of: str | None = None, missing: str | None = None,
    data_date: str | None = None,
) -> tuple[Result, PublishedRead]:
    """Load a framework and a table as the ministry prints it (:func:`chiso.io.read_published`),
    resolve unit names as of ``data_date`` (default 31/12 of the edition) and merges, compute.
    Raises EngineError."""
    from chiso.engine.compute import compute
    from chiso.io import read_published

    fw = load_framework(framework)
    former = _parse_date(data_date, "--data-date") if data_date else date(fw.edition, 12, 31)
    read = read_published(input_path, fw, data_date=former if fw.level == "province" else None)
    table = read.table
    units = read.units
    names = {n: (u.short_name or u.name) for n, u in units.items()}
    merges = None
    if as_of is not None:
        when = _parse_date(as_of)
        if units:
            reg = _registry()
            by_code = {u.code: names[n] for n, u in units.items()}
            mm = reg.merge_map(list(units.values()), when, former_as_of=former)
            merges = {}
            for new_code, olds in mm.items():
                new = reg.resolve(new_code, as_of=when)
                merges[new.short_name or new.name] = [by_code[o] for o in olds]
    if names:
        read.rename_units(names)
    sources = {u: f"{table.path}, row {r}" for u, r in table.rows.items()}
    try:
        result = compute(fw, table.values, units=table.units, codes=table.codes, missing=missing,
                         sources=sources, merges=merges)
    except EngineError as e:
        raise _locate(table, e) from None
    return result, read


def run_compute(
    framework: str, input_path: str, *, as_of: str | None = None, missing: str | None = None,
    data_date: str | None = None,
) -> tuple[Result, Table]:
    """:func:`read_compute`, returning the table of input values (what the analysis commands use)."""
    result, read = read_compute(framework, input_path, as_of=as_of, missing=missing, data_date=data_date)
    return result, read.table


def _registry():
    from chiso.reference import load_registry

    return load_registry()


def format_check(check: dict[str, Any], fw: Framework, *, lang: str = "vi", decimals: int = 4) -> str:
    """The comparison of the published totals and ranks with the recomputed ones, as text."""
    vi = lang == "vi"
    tol = vn_number(check["tolerance"], 5) if vi else f"{check['tolerance']:.5f}"
    num = (lambda x: vn_number(x, decimals)) if vi else (lambda x: f"{x:.{decimals}f}")
    say = {  # part -> (all match, some differ, the table's header, a row)
        "values": (
            "{names}: cả {n} giá trị khớp (chênh lệch ≤ {tol})" if vi else "{names}: all {n} values match within {tol}",
            "{names}: {k}/{n} giá trị khác (chênh lệch > {tol}):" if vi else
            "{names}: {k} of {n} values differ by more than {tol}:",
            ["Đơn vị", "Chỉ số", "Công bố", "Tính lại", "Chênh lệch"] if vi else
            ["Unit", "Index", "Published", "Recomputed", "Difference"],
            lambda d: [d["unit"], d["name"], num(d["published"]), num(d["recomputed"]),
                       vn_number(d["diff"], 5) if vi else f"{d['diff']:+.5f}"]),
        "ranks": (
            "Thứ hạng ({names}): cả {n} thứ hạng trùng khớp" if vi else "Ranks ({names}): all {n} ranks equal",
            "Thứ hạng ({names}): {k}/{n} thứ hạng khác:" if vi else "Ranks ({names}): {k} of {n} ranks differ:",
            ["Đơn vị", "Chỉ số", "Công bố", "Tính lại"] if vi else ["Unit", "Index", "Published", "Recomputed"],
            lambda d: [d["unit"], d["name"], str(d["published"]), str(d["recomputed"])]),
    }
    lines = ["Đối chiếu với bảng công bố (công bố / tính lại):" if vi else "Published vs recomputed:"]
    for key, (same, differ, head, row) in say.items():
        part = check[key]
        if not part["n"]:
            continue
        words = {"names": ", ".join(fw.node(c).label(lang) for c in part["codes"]), "n": part["n"],
                 "k": len(part["differ"]), "tol": tol}
        lines.append("  " + (differ if part["differ"] else same).format(**words))
        if part["differ"]:
            lines.append(_indent(_table([row(d) for d in part["differ"]], head)))
    if check.get("not_compared"):
        lines.append(f"  ({check['not_compared']} số công bố không đối chiếu được: đơn vị hoặc chỉ số không có trong "
                     "kết quả)" if vi else f"  ({check['not_compared']} published figures not compared: unit or "
                     "index not in the result)")
    return "\n".join(lines)


def _indent(text: str) -> str:
    return "\n".join("    " + ln for ln in text.splitlines())


def _parse_date(s: str, option: str = "--as-of") -> date:
    try:
        return date.fromisoformat(s)
    except ValueError:
        raise InputError(f"{option}: {s!r} is not a date (expected YYYY-MM-DD)", code="bad_date") from None


# --- commands ----------------------------------------------------------------------------------------
def cmd_frameworks(args: argparse.Namespace) -> int:
    from chiso.frameworks import list_frameworks

    fws = list_frameworks()
    if args.format == "json":
        print(json.dumps([{"id": f.id, "name": f.name, "edition": f.edition, "status": f.status, "level": f.level,
                           "kind": f.kind} for f in fws], ensure_ascii=False, indent=2))
        return 0
    vi = args.lang == "vi"
    kinds = {"index": "chỉ số quốc gia" if vi else "national index", "internal": "nội bộ" if vi else "internal"}
    rows = [[f.id, f.label(args.lang), str(f.edition), f.status, kinds.get(f.kind, f.kind)] for f in fws]
    print(_table(rows, ["id", "Tên" if vi else "Name", "Năm" if vi else "Edition",
                        "Trạng thái" if vi else "Status", "Loại" if vi else "Kind"]))
    return 0


def cmd_framework_copy(args: argparse.Namespace) -> int:
    """Copy a framework for a new year: a new file; the source (and every result computed with it)
    is untouched."""
    import yaml

    from chiso.engine.framework import Framework
    from chiso.engine.points import PointsFramework, copy_framework
    from chiso.frameworks import framework_paths, load_yaml

    src = args.source
    path = framework_paths().get(src) or Path(src)
    fw = load_framework(src)  # validates the source (clear error for an unknown id or a bad file)
    data = load_yaml(Path(fw.path or path).read_text(encoding="utf-8"), file=str(fw.path or path))
    new = copy_framework(data, new_id=args.id, edition=args.edition, name_suffix=args.name_suffix)
    checked = Framework.from_dict(new, path=args.out)
    if checked.kind == "internal":
        PointsFramework(checked)
    out = Path(args.out)
    if out.exists() and not args.force:
        raise InputError(f"{out}: the file exists (use --force to replace it)", code="file_exists", file=str(out))
    header = (f"# {new['id']}: copied from {data.get('id')} (edition {data.get('edition')}) by `chiso framework copy`;\n"
              f"# adapt it for {args.edition}. Results of earlier years keep their own framework.\n")
    _write_output(header + yaml.safe_dump(new, allow_unicode=True, sort_keys=False, width=110), str(out))
    vi = args.lang == "vi"
    print(f"Đã sao chép {data.get('id')} → {new['id']} ({args.edition}): {out}" if vi
           else f"Copied {data.get('id')} -> {new['id']} ({args.edition}): {out}")
    return 0


def _rule_text(node: Any, lang: str) -> str:
    """An indicator's rule with the parameters that change its scores (``minmax [1; 100]``,
    ``zscore (10; 2)``) and its outlier treatment, as ``chiso show`` prints them."""
    from chiso.lib.vn_format import format_number

    s = node.scoring
    if s is None:
        return "given"
    text = s.rule

    def num(x: Any) -> str:
        return format_number(float(x), lang=lang)

    if "scale" in s.params:
        lo, hi = s.params["scale"]
        text += f" [{num(lo)}; {num(hi)}]"
    if s.rule == "zscore" and ("mean" in s.params or "sd" in s.params):
        text += (f" ({'trung bình' if lang == 'vi' else 'mean'} {num(s.params.get('mean', 0))}; "
                 f"{'độ lệch chuẩn' if lang == 'vi' else 'sd'} {num(s.params.get('sd', 1))})")
    t = node.treatment
    if t is not None:
        if t.rule == "winsorise":
            if t.winmax is None:
                most = "không giới hạn số điểm" if lang == "vi" else "any number of points"
            else:
                most = f"tối đa {t.winmax} điểm" if lang == "vi" else f"at most {t.winmax} points"
            text += (f", {'xử lý ngoại lai: winsorise' if lang == 'vi' else 'outliers: winsorise'} {most}"
                     + (", rồi log" if lang == "vi" else ", then log") * (t.fallback == "log"))
        else:
            text += ", " + ("xử lý ngoại lai: log" if lang == "vi" else "outliers: log")
    return text


def cmd_show(args: argparse.Namespace) -> int:
    fw = load_framework(args.framework)
    lang = args.lang
    out = [f"{fw.label(lang)} [{fw.id}] — {fw.edition} — {fw.status}"]
    for lb in fw.legal_basis:
        out.append("  " + ("Căn cứ" if lang == "vi" else "Legal basis") + ": "
                   + " ".join(str(lb.get(k, "")) for k in ("number", "date", "issuer", "title") if lb.get(k)))
    for s in fw.sources:
        out.append("  " + ("Nguồn" if lang == "vi" else "Source") + f": {s.get('url', '')} {s.get('note', '')}".rstrip())
    if fw.notes:
        out.append("  " + ("Ghi chú" if lang == "vi" else "Notes") + f": {fw.notes}")
    out.append("")

    def walk(node, depth: int, parent_method: str | None) -> None:
        if parent_method in ("points_ratio", "points_sum") and node.max_points is not None:
            w = f"{node.max_points:g} điểm" if lang == "vi" else f"{node.max_points:g} pts"
        elif parent_method and parent_method not in ("points_ratio", "points_sum"):
            w = f"w={node.weight:g}"
        else:
            w = ""
        how = node.method if node.children else _rule_text(node, lang)
        flag = " [tạm tính]" if node.status == "provisional" else ""
        extra = f" ({node.unit})" if node.unit else ""
        if fw.kind == "internal" and node.is_indicator:
            tiers = node.extra.get("tiers") or ["*"]
            extra += f"  [{', '.join(tiers)}]"
            if node.extra.get("only_for"):
                extra += f" {'chỉ' if lang == 'vi' else 'only'}: {', '.join(node.extra['only_for'])}"
        out.append(f"{'  ' * depth}{node.code}  {node.label(lang)}{extra}  — {how}  {w}{flag}".rstrip())
        for c in node.children:
            walk(c, depth + 1, node.method)

    walk(fw.root, 0, None)
    if fw.kind == "internal":
        from chiso.engine.points import PointsFramework

        pfw = PointsFramework(fw)
        out.append("")
        for t in pfw.tiers:
            out.append(f"{t.label(lang)} [{t.code}]: {len(pfw.indicators(t.code))} "
                       + ("chỉ số, tối đa" if lang == "vi" else "indicators, max")
                       + f" {pfw.max_points(t.code):g} " + ("điểm" if lang == "vi" else "points"))
        if pfw.bands:
            out.append(("Xếp loại" if lang == "vi" else "Bands") + ": "
                       + "; ".join(f"{b.label(lang)} ≥ {b.min:g}" for b in pfw.bands))
    print("\n".join(out))
    return 0


def cmd_compute(args: argparse.Namespace) -> int:
    if args.format == "xlsx" and not args.output:
        raise InputError("--format xlsx writes a file: give it with --output FILE.xlsx", code="output_needed",
                         option="--format xlsx")
    result, read = read_compute(args.framework, args.input, as_of=args.as_of, missing=args.missing,
                                data_date=args.data_date)
    # The published totals and ranks against the recomputed ones (not on merged units: the
    # published figures are the former provinces').
    check = None if result.merged_from else read.compare(result)
    text: str | bytes | Iterable[str | bytes]
    if args.format == "xlsx":
        text = result_xlsx(result, decimals=args.decimals)
    elif check is not None and args.format == "json":
        # A table with published totals or ranks: the records and the comparison ("check"), as
        # json.dumps({"results": …, "check": …}, indent=2) writes them.
        after = json.dumps(check, ensure_ascii=False, indent=2).replace("\n", "\n  ")
        text = [b'{\n  "results": ', *json_bytes(result, args.decimals, "  "), f',\n  "check": {after}\n}}']
    elif args.format == "json":
        text = json_bytes(result, args.decimals)
    else:
        text = result_pieces(result, args.format, decimals=args.decimals, lang=args.lang)
        if check is not None and args.format == "table":
            text = [*text, "\n\n" + format_check(check, result.framework, lang=args.lang, decimals=args.decimals)]
    _write_output(text, args.output)
    if check is not None and args.format in ("csv", "xlsx"):
        print(format_check(check, result.framework, lang=args.lang, decimals=args.decimals), file=sys.stderr)
    if result.missing_report:
        print(("Giá trị thiếu đã xử lý" if args.lang == "vi" else "Missing values handled") + ":", file=sys.stderr)
        for m in result.missing_report:
            v = "" if m["value"] is None else f" = {m['value']:g}"
            print(f"  {m['unit']} / {m['code']}: {m['action']} ({m['method']}){v}", file=sys.stderr)
    if result.merged_from:
        for new, olds in result.merged_from.items():
            if len(olds) > 1 or olds[0] != new:
                print(f"  {new} ← {', '.join(olds)}", file=sys.stderr)
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from chiso.demo import run_demo

    print(run_demo(lang=args.lang))
    return 0


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="chiso",
        description="chiso — tính và phân tích Chỉ số ICT Index / DTI (Vietnam ICT Index / DTI toolkit)",
    )
    p.add_argument("--version", action="version", version=f"chiso {__version__}")
    p.add_argument("--lang", choices=["vi", "en"], default=os.environ.get("CHISO_LANG", "vi"),
                   help="ngôn ngữ hiển thị / display language (default: vi)")
    sub = p.add_subparsers(dest="command", required=True)

    s = sub.add_parser("frameworks", help="liệt kê các bộ chỉ số / list frameworks")
    s.add_argument("--format", choices=["table", "json"], default="table")
    s.set_defaults(func=cmd_frameworks)

    s = sub.add_parser("show", help="cây chỉ số / show a framework's tree")
    s.add_argument("framework", help="id or path to a YAML file")
    s.set_defaults(func=cmd_show)

    s = sub.add_parser("framework", help="sao chép bộ chỉ số / manage framework files")
    fsub = s.add_subparsers(dest="framework_command", required=True)
    c = fsub.add_parser("copy", help="sao chép cho năm mới / copy a framework for a new year")
    c.add_argument("source", help="framework id or PATH.yaml")
    c.add_argument("--id", required=True, help="id of the copy (e.g. hanam-cds-noibo-2025)")
    c.add_argument("--edition", required=True, type=int, help="year of the copy")
    c.add_argument("--out", required=True, help="YAML file to write")
    c.add_argument("--name-suffix", dest="name_suffix", help="appended to the names (e.g. '(2025)')")
    c.add_argument("--force", action="store_true", help="replace an existing file")
    c.set_defaults(func=cmd_framework_copy)

    s = sub.add_parser("compute", help="tính chỉ số từ tệp CSV/Excel / compute from a CSV or .xlsx file")
    s.add_argument("--framework", required=True, help="framework id or PATH.yaml")
    s.add_argument("--input", required=True, help="CSV or .xlsx as the ministry prints it: title rows, STT, a unit "
                   "column ('Tỉnh, thành phố'), main indices by name or code, total and rank columns (compared)")
    s.add_argument("--as-of", dest="as_of", help="YYYY-MM-DD: compute on the units valid on that date (merges)")
    s.add_argument("--data-date", dest="data_date", help="YYYY-MM-DD: the date the unit names refer to "
                                                        "(default: 31/12 of the edition year)")
    s.add_argument("--missing", help="error | reweight | impute:mean|median|min|max|zero (default: the framework's)")
    s.add_argument("--format", choices=["table", "csv", "json", "xlsx"], default="table",
                   help="xlsx: one sheet with the csv's columns (needs --output)")
    s.add_argument("--decimals", type=int, default=4)
    s.add_argument("--output", "-o", help="write to this file (atomically) instead of standard output")
    s.set_defaults(func=cmd_compute)

    s = sub.add_parser("demo", help="minh họa / terminal demonstration")
    s.set_defaults(func=cmd_demo)

    try:
        from chiso.cli_analysis import add_commands
    except ImportError:  # the analysis commands are optional while they are being built
        add_commands = None
    if add_commands is not None:
        add_commands(sub)
    return p


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    lang = getattr(args, "lang", "vi")
    _lang["now"] = lang
    try:
        return int(args.func(args) or 0)
    except EngineError as e:
        from chiso.lib.problems import headline, problems_json

        if getattr(args, "format", None) == "json":  # one JSON object on stderr, for programs that read it
            sys.stderr.write(json.dumps(problems_json(e, lang), ensure_ascii=False, default=str) + "\n")
        elif isinstance(e, FrameworkError) and e.code == "framework_invalid" and e.problems:
            # A framework file's problems, one sentence each in the reader's language (the engine's detail is
            # English): the file once, then every problem.
            from chiso.lib.problems import message

            where = e.params.get("file") or e.problems[0].file or ""
            print(f"chiso: {'lỗi' if lang == 'vi' else 'error'}: {headline(e, lang)}"
                  + (f" ({where})" if where else "") + ":", file=sys.stderr)
            for p in e.problems:
                print(f"  - {message(p, lang)}", file=sys.stderr)
        else:
            print(f"chiso: {'lỗi' if lang == 'vi' else 'error'}: {headline(e, lang)}: {e.message}",
                  file=sys.stderr)
        return EXIT_BAD_INPUT
    except BrokenPipeError:  # e.g. `chiso compute ... | head`
        return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
