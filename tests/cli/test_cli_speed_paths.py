"""The fast CSV path (rows kept as lines, numbers parsed at once) reads exactly what the careful
path (the csv module, a cell at a time) reads, and refuses exactly what it refuses.

The careful path is forced by making ``_plain_csv`` decline the file; expected numbers are
Python's own ``float()`` of the cell's text, never the fast parser's output."""

from __future__ import annotations

import random

import numpy as np
import pytest

import chiso.io as cio
from chiso.engine.analysis.synthetic import balanced_framework
from chiso.engine.errors import InputError
from chiso.io import Limits, parse_number, read_published, read_table

FW = balanced_framework([2, 3], fid="synthetic-speed")  # codes c1.1 … c2.3; level province (no names read)


def _careful(monkeypatch, fn, *args, **kw):
    with monkeypatch.context() as m:
        m.setattr(cio, "_plain_csv", lambda *a, **k: None)
        return _outcome(fn, *args, **kw)


def _outcome(fn, *args, **kw):
    try:
        return fn(*args, **kw)
    except InputError as e:
        return ("error", e.code, e.message, repr(sorted(e.params.items(), key=lambda kv: kv[0])))


def _same_table(a, b):
    assert (a.units, a.codes, a.rows, a.columns, a.path) == (b.units, b.codes, b.rows, b.columns, b.path)
    assert a.values.shape == b.values.shape
    # bit for bit: NaN where NaN, -0.0 where -0.0
    assert np.array_equal(a.values.view(np.int64), b.values.view(np.int64))


def _both(monkeypatch, tmp_path, text: str, fn=read_published, *args, name="t.csv", **kw):
    p = tmp_path / name
    p.write_bytes(text.encode("utf-8"))
    fast = _outcome(fn, p, *args, **kw)
    careful = _careful(monkeypatch, fn, p, *args, **kw)
    return fast, careful


TRICKY = [
    # decimal commas, spaces, NBSP, exponents, underscores, signs, empty and absent cells
    "unit,c1.1,c1.2,c1.3,c2.1,c2.2,c2.3\n"
    "A,0.5,\"0,25\",1.234,-0,.5,1.\n"
    "B,1e3, 7 ,1\u00a0000,,+2,-.5\n"
    "C,123456789012345,1234567890123456,0.000000000000001,1_000,12.50,-3.0\n"
    "D,1,2\n"
    "\n"
    " , , , , , ,\n"
    "E,0.1,0.2,0.3,0.4,0.5,0.6\n",
    # CRLF line ends, a quoted header with a comma, title rows above, an STT column
    "\"Bảng 1, minh họa\",,,,,,,\r\nSTT,unit,c1.1,c1.2,c1.3,c2.1,c2.2,c2.3\r\n1,A,1,2,3,4,5,6\r\n2,B,0.1,0.2,,0.4,0.5,0.6\r\n",
    # semicolons and decimal commas (the ministry's export)
    "unit;c1.1;c1.2;c1.3;c2.1;c2.2;c2.3\nA;0,5;0,6;0,7;0,8;0,9;1\nB;1;2;3;4;5;6\n",
    # a total and a rank (published: compared, not input), a bad rank, a cell past the header
    "unit,c1.1,c1.2,c1.3,c2.1,c2.2,c2.3,idx,rank\nA,1,2,3,4,5,6,3.5,1\nB,1,2,3,4,5,6,3.5,2\n",
]


@pytest.mark.parametrize("text", TRICKY)
def test_fast_and_careful_paths_read_the_same_published_table(monkeypatch, tmp_path, text):
    fast, careful = _both(monkeypatch, tmp_path, text, read_published, FW)
    assert type(fast) is type(careful)
    if isinstance(fast, tuple):
        assert fast == careful
        return
    _same_table(fast.table, careful.table)
    assert (fast.checks, fast.ranks, fast.columns, fast.header_row, fast.title_rows) == (
        careful.checks, careful.ranks, careful.columns, careful.header_row, careful.title_rows)
    assert list(fast.checks) == list(careful.checks) and list(fast.ranks) == list(careful.ranks)


BAD = [
    "unit,c1.1,c1.2\nA,1,x\nB,,2\nA,3,4\n,5,6\nC,1,2,extra\n",  # not a number, duplicate, empty unit, no header
    "unit,c1.1,rank\nA,1,0\nB,2,1.5\nC,3,2\n",  # bad ranks
    "unit,c1.1\nA,nan\nB,inf\nC,-inf\n",  # not finite
]


@pytest.mark.parametrize("text", BAD)
def test_a_bad_file_gets_the_same_error_on_both_paths(monkeypatch, tmp_path, text):
    fast, careful = _both(monkeypatch, tmp_path, text, read_published, FW)
    assert isinstance(fast, tuple) and fast == careful
    fast, careful = _both(monkeypatch, tmp_path, text, read_table)  # "rank" is one more code here
    if isinstance(careful, tuple):
        assert fast == careful
    else:
        _same_table(fast, careful)


def test_read_table_is_the_same_on_both_paths(monkeypatch, tmp_path):
    fast, careful = _both(monkeypatch, tmp_path, TRICKY[0], read_table)
    _same_table(fast, careful)
    assert careful.values[1, 0] == 1000.0 and careful.values[2, 1] == 1234567890123456.0


def test_the_caps_are_the_same_on_both_paths(monkeypatch, tmp_path):
    text = "unit,c1.1\n" + "".join(f"U{i},0.5\n" for i in range(30))
    for limits in (Limits(max_rows=20), Limits(max_cells=41)):
        fast, careful = _both(monkeypatch, tmp_path, text, read_table, limits=limits)
        assert fast == careful and fast[0] == "error"


def test_plain_numbers_are_python_floats_of_the_text():
    """Random plain decimals (1 to 17 digits, any dot, a sign): where the fast parse takes a cell,
    its value is float(text) bit for bit; it takes every cell of at most 15 digits."""
    rng = random.Random(16)
    cells = []
    for _ in range(20_000):
        digits = "".join(rng.choice("0123456789") for _ in range(rng.randint(1, 17)))
        at = rng.randint(0, len(digits))
        cells.append(rng.choice(["", "-"]) + digits[:at] + rng.choice([".", ""]) + digits[at:])
    lines = [",".join(cells[i:i + 10]) for i in range(0, len(cells), 10)]
    values, exact, n_cells = cio._plain_numbers(lines, ",", list(range(10)))
    expected = np.array([float(c) for c in cells]).reshape(-1, 10)
    taken = exact.ravel()
    assert np.array_equal(values.ravel()[taken].view(np.int64), expected.ravel()[taken].view(np.int64))
    few = np.array([sum(ch.isdigit() for ch in c) <= 15 for c in cells])
    assert taken[few].all() and not taken[~few].any()
    assert (n_cells == 10).all()
    assert all(parse_number(c) == float(c) for c in cells[:500])


def test_the_command_line_caps_admit_100_000_units_and_keep_xlsx_s_size_caps():
    from chiso.lib import xlsx

    caps = Limits()
    assert caps.max_bytes == xlsx.MAX_UNCOMPRESSED_BYTES and caps.max_ratio == xlsx.MAX_COMPRESSION_RATIO
    assert caps.max_rows > 100_001 and caps.max_cells >= 100_001 * 101


BYTES = [
    # CR LF everywhere, a BOM, non-ASCII names (one starting with a letter beyond ASCII), no final newline
    "\ufeffunit,c1.1,c1.2,c1.3,c2.1,c2.2,c2.3\r\nĐà Nẵng,1,2,3,4,5,6\r\nHà Nội,0.5,,7.,-.5,-0,12345678901234.5\r\n"
    "Ấp Một,1,2,3,4,5,6",
    # CR LF below a quoted title; a last cell empty before CR LF; a blank line of delimiters and spaces
    "\"Bảng, 1\"\r\nunit,c1.1,c1.2,c1.3,c2.1,c2.2,c2.3\r\nA,1,2,3,4,5,\r\n , ,\u00a0,,,,\r\n,,,,,,\r\nB,6,5,4,3,2,1\r\n",
    # a line that starts with a no-break space (blank), one with an ideographic space and a value
    "unit,c1.1,c1.2,c1.3,c2.1,c2.2,c2.3\nA,1,2,3,4,5,6\n\u00a0,,,,,,\n\u3000X,1,2,3,4,5,6\n\tB,1,2,3,4,5,6\n",
    # ragged rows: fewer cells, more cells (empty and not), the unit column second
    "STT,unit,c1.1,c1.2,c1.3,c2.1,c2.2,c2.3\n1,A,1,2\n2,B,1,2,3,4,5,6,,\n3,C,1,2,3,4,5,6,7\n4,D\n",
    # 15 and 16 digits with the dot anywhere, eight-digit runs on both sides of the dot
    "unit,c1.1,c1.2,c1.3,c2.1,c2.2,c2.3\nA,123456789012345,1.23456789012345,12345678.1234567,"
    "99999999.99999,0.000000012345678,1234567890123456\nB,-12345678.87654321,.12345678,87654321.,-0.0,00000001,"
    "9.9999999999999\n",
    # a semicolon file with CR LF and decimal commas in some rows only
    "unit;c1.1;c1.2;c1.3;c2.1;c2.2;c2.3\r\nA;1;2;3;4;5;6\r\nB;0,5;1;2;3;4;5\r\nC;1.5;2.5;3.5;4.5;5.5;6.5\r\n",
]


@pytest.mark.parametrize("text", BYTES)
def test_the_byte_path_reads_tricky_files_as_the_csv_module_does(monkeypatch, tmp_path, text):
    for fn, args in ((read_published, (FW,)), (read_table, ())):
        fast, careful = _both(monkeypatch, tmp_path, text, fn, *args)
        assert type(fast) is type(careful)
        if isinstance(fast, tuple):
            assert fast == careful
        elif fn is read_published:
            _same_table(fast.table, careful.table)
            assert (fast.checks, fast.ranks, fast.columns, fast.title_rows) == (
                careful.checks, careful.ranks, careful.columns, careful.title_rows)
        else:
            _same_table(fast, careful)


def test_random_files_read_the_same_on_both_paths(monkeypatch, tmp_path):
    """Files made of random cells — plain numbers of 1 to 17 digits, decimal commas (``;`` files),
    spaces, signs, exponents, texts, empties — with LF or CR LF, sometimes a BOM, ragged rows and
    blank lines."""
    rng = random.Random(1616)
    odd = ["", "7", "-0.5", " 3 ", "1e3", "\u00a0", "+2", "0012"]  # read by the careful path
    bad = ["x", ".", "-", "1.2.3"]  # errors, in one file of four

    def number():
        digits = "".join(rng.choice("0123456789") for _ in range(rng.randint(1, 17)))
        at = rng.randint(0, len(digits))
        return rng.choice(["", "-"]) + digits[:at] + rng.choice([".", ""]) + digits[at:]

    for trial in range(40):
        end = rng.choice(["\n", "\r\n"])
        delim = ";" if trial % 2 else ","
        lines = [delim.join(["unit", "c1.1", "c1.2", "c1.3", "c2.1", "c2.2", "c2.3"])]
        for i in range(rng.randint(1, 60)):
            if rng.random() < 0.05:
                lines.append(rng.choice(["", delim * 3, f" {delim} ", "\u00a0"]))
                continue
            width = rng.randint(1, 9) if trial % 4 == 1 and rng.random() < 0.2 else 7  # ragged rows
            kinds = (odd + bad if trial % 4 == 0 else odd) + (["1,5", "-0,25"] if delim == ";" else [])
            cells = [number() if rng.random() < 0.85 else rng.choice(kinds) for _ in range(width - 1)]
            lines.append(delim.join([f"Đơn vị {trial}-{i}", *cells]))
        text = ("\ufeff" if trial % 5 == 0 else "") + end.join(lines) + (end if trial % 3 else "")
        for fn, args in ((read_table, ()), (read_published, (FW,))):
            fast, careful = _both(monkeypatch, tmp_path, text, fn, *args)
            assert type(fast) is type(careful), (trial, fast, careful)
            if isinstance(fast, tuple):
                assert fast == careful
            else:
                _same_table(fast if fn is read_table else fast.table, careful if fn is read_table else careful.table)
