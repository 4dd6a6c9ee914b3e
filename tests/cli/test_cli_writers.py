"""``chiso compute --format json|csv|xlsx`` written from the arrays a row at a time: the same bytes
as the straightforward writers (``json.dumps(..., indent=2)``, ``csv.writer`` of Python-rounded
floats), an .xlsx that openpyxl opens, and framework warnings on stderr only."""

from __future__ import annotations

import csv
import io
import json
import math
import random
from pathlib import Path

import numpy as np
import openpyxl
import pytest
import yaml

from chiso.cli import _rounded, main, read_compute
from chiso.engine.analysis.synthetic import balanced_framework

ROOT = Path(__file__).resolve().parents[2]
XLSX = ROOT / "examples" / "dti-2022-bo-cong-bo-minh-hoa.xlsx"  # published totals and ranks


def _framework_file(tmp_path, weights=(1.0, 1.0)) -> Path:
    """Two components of two indicators; ``weights`` on the components (level unit: names not read)."""
    fw = {"id": "synthetic-writers", "name": {"vi": "Thử", "en": "Test"}, "edition": 2000, "level": "unit",
          "status": "provisional", "missing": "reweight",
          "root": {"code": "idx", "name": {"en": "Index"}, "method": "weighted_mean", "children": [
              {"code": f"c{k}", "name": {"en": f"c{k}"}, "weight": w, "method": "weighted_mean", "children": [
                  {"code": f"c{k}.{i}", "name": {"en": f"c{k}.{i}"}, "weight": 0.5, "scoring": "minmax",
                   "range": [0, None]}
                  for i in (1, 2)]} for k, w in zip((1, 2), weights)]}}
    p = tmp_path / "fw.yaml"
    p.write_text(yaml.safe_dump(fw, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return p


def _input(tmp_path) -> Path:
    rows = ["unit,c1.1,c1.2,c2.1,c2.2",
            '"Tỉnh ""A"", 100%",0.125,2.675,1,7',  # quotes, a comma and % in a name
            "=1+2,0.5,,3,8",  # a name a spreadsheet would take for a formula; a missing value
            "Đơn vị C,0.375,1.005,2,9",
            "Unit D,1e-7,0.000049999,5,10"]
    p = tmp_path / "in.csv"
    p.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return p


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.mark.parametrize("decimals", [0, 2, 4, 6, 17])
def test_json_is_the_bytes_json_dumps_writes(tmp_path, capsys, decimals):
    fw, data = _framework_file(tmp_path), _input(tmp_path)
    result, _read = read_compute(str(fw), str(data))
    expected = json.dumps(result.to_records(decimals=decimals), ensure_ascii=False, indent=2)
    code, out, err = run(capsys, "compute", "--framework", fw, "--input", data, "--format", "json",
                         "--decimals", decimals)
    assert code == 0, err
    assert out == expected + "\n"
    out_file = tmp_path / "out.json"
    assert run(capsys, "compute", "--framework", fw, "--input", data, "--format", "json", "--decimals", decimals,
               "--output", out_file)[0] == 0
    assert out_file.read_text(encoding="utf-8") == expected


def test_json_with_published_totals_is_results_and_check(capsys):
    result, read = read_compute("vn-dti-2022-province", str(XLSX))
    check = read.compare(result)
    assert check is not None
    expected = json.dumps({"results": result.to_records(decimals=4), "check": check}, ensure_ascii=False, indent=2)
    code, out, err = run(capsys, "compute", "--framework", "vn-dti-2022-province", "--input", XLSX, "--format", "json")
    assert code == 0, err
    assert out == expected + "\n"


def test_csv_is_the_csv_writer_of_python_rounded_floats(tmp_path, capsys):
    fw, data = _framework_file(tmp_path), _input(tmp_path)
    result, _read = read_compute(str(fw), str(data))
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["unit", "rank", *result.codes])
    for rec in result.to_records(decimals=3):
        w.writerow([rec["unit"], "" if rec["rank"] is None else rec["rank"],
                    *[rec["scores"].get(c, "") for c in result.codes]])
    code, out, err = run(capsys, "compute", "--framework", fw, "--input", data, "--format", "csv", "--decimals", 3)
    assert code == 0, err
    assert out == buf.getvalue()


def test_rounding_is_pythons_round_value_for_value():
    rng = np.random.default_rng(16)
    values = np.concatenate([
        rng.lognormal(0, 3, 20_000), -rng.random(5_000),
        np.array([2.675, 0.125, 0.375, 1.005, 2.5, -0.5, 0.00005, -0.00001, 1e15 + 0.5, 4.5e15, 1e300, 5e-324]),
        np.round(rng.random(5_000), 5) + 0.00005,  # many near ties at 4 decimals
    ])
    for d in (0, 1, 4, 6, 10, 15):
        got = _rounded(values, d)
        want = np.array([round(float(v), d) for v in values])
        assert np.array_equal(got.view(np.int64), want.view(np.int64)), d
    assert math.isnan(_rounded(np.array([np.nan]), 4)[0])


def test_xlsx_holds_the_csv_columns_and_a_name_stays_text(tmp_path, capsys):
    fw, data = _framework_file(tmp_path), _input(tmp_path)
    out_file = tmp_path / "out.xlsx"
    code, out, err = run(capsys, "compute", "--framework", fw, "--input", data, "--format", "xlsx",
                         "--output", out_file)
    assert (code, out) == (0, ""), err
    code, csv_out, _ = run(capsys, "compute", "--framework", fw, "--input", data, "--format", "csv")
    expected = list(csv.reader(io.StringIO(csv_out)))
    ws = openpyxl.load_workbook(out_file).worksheets[0]
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    assert rows[0] == expected[0]
    for got, want in zip(rows[1:], expected[1:]):
        name = want[0]
        assert got[0] == ("'" + name if name.startswith("=") else name)
        assert got[1:] == [None if w == "" else (int(w) if k == 0 else float(w)) for k, w in enumerate(want[1:])]
    assert len(rows) == len(expected)
    assert ws.cell(2, 1).data_type == "s" and all(ws.cell(r, 1).data_type != "f" for r in range(1, ws.max_row + 1))


def test_xlsx_without_an_output_file_is_refused_in_vietnamese(tmp_path, capsys):
    fw, data = _framework_file(tmp_path), _input(tmp_path)
    code, out, err = run(capsys, "compute", "--framework", fw, "--input", data, "--format", "xlsx")
    assert (code, out) == (2, "")
    assert err.startswith("chiso: lỗi: Định dạng xlsx ghi ra một tệp: hãy cho tên tệp bằng --output TỆP.xlsx")


def test_framework_warnings_go_to_stderr_and_change_nothing_on_stdout(tmp_path, capsys):
    data = _input(tmp_path)
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    relative = _framework_file(tmp_path / "a", (1.0, 3.0))  # sums to 4: a warning
    summed = _framework_file(tmp_path / "b", (0.25, 0.75))
    for command in (["show"], ["compute", "--input", str(data), "--format", "json", "--framework"]):
        code_r, out_r, err_r = run(capsys, *command, relative)
        code_s, out_s, err_s = run(capsys, *command, summed)
        assert code_r == code_s == 0
        warned = [ln for ln in err_r.splitlines() if ln.startswith("chiso: ")]
        assert len(warned) == 1 and warned[0].startswith("chiso: cảnh báo: Nhóm “idx”: tổng trọng số"), err_r
        assert [ln for ln in err_r.splitlines() if ln not in warned] == err_s.splitlines()  # the rest unchanged
        assert "chiso:" not in err_s
        if command[0] == "compute":
            assert out_r == out_s
        code, _out, err_en = run(capsys, "--lang", "en", *command, relative)
        assert [ln for ln in err_en.splitlines() if ln.startswith("chiso: ")] == [
            ln for ln in err_en.splitlines() if ln.startswith("chiso: warning: ")] != []


def test_a_long_result_streams_the_same_bytes_to_a_file(tmp_path, capsys):
    """2 000 synthetic units: the file written in pieces is json.dumps' text."""
    fw = balanced_framework([3, 4], fid="synthetic-long")
    rng = random.Random(3)
    codes = [n.code for n in fw.indicators]
    lines = ["unit," + ",".join(codes)] + [f"U{i:04d}," + ",".join(f"{rng.uniform(0, 50):.4f}" for _ in codes)
                                           for i in range(2000)]
    data = tmp_path / "long.csv"
    data.write_text("\n".join(lines) + "\n", encoding="utf-8")
    spec = tmp_path / "long.yaml"

    def node(n):
        if n.children:
            return {"code": n.code, "name": {"en": n.code}, "method": "weighted_mean",
                    "children": [node(c) for c in n.children]}
        return {"code": n.code, "name": {"en": n.code}, "scoring": "minmax", "range": [0, None]}
    spec.write_text(yaml.safe_dump({"id": "synthetic-long", "name": {"en": "Long"}, "edition": 2000, "level": "unit",
                                    "status": "provisional", "missing": "error", "root": node(fw.root)}),
                    encoding="utf-8")
    result, _read = read_compute(str(spec), str(data))
    out_file = tmp_path / "long.json"
    assert run(capsys, "compute", "--framework", spec, "--input", data, "--format", "json", "-o", out_file)[0] == 0
    assert out_file.read_text(encoding="utf-8") == json.dumps(result.to_records(decimals=4), ensure_ascii=False,
                                                              indent=2)


# --- the numpy-written score lines ---------------------------------------------------------------
class _Result:
    """What the JSON writer reads of a result: units, codes, scores, ranks, the rank order."""

    def __init__(self, units, codes, scores, rank):
        self.units, self.codes = list(units), list(codes)
        self.scores = np.asarray(scores, dtype=float).reshape(len(self.units), len(self.codes))
        self.rank = np.asarray(rank, dtype=float)

    def order(self):
        r = np.where(np.isnan(self.rank), np.inf, self.rank)
        return sorted(range(len(self.units)), key=lambda i: (r[i], self.units[i]))


def _records(result, decimals):
    """The records as ``Result.to_records`` makes them: Python's round of each float, NaN left out."""
    out = []
    for i in result.order():
        r = result.rank[i]
        out.append({"unit": result.units[i], "rank": None if math.isnan(r) else int(r),
                    "scores": {c: round(float(v), decimals) for c, v in zip(result.codes, result.scores[i])
                               if not math.isnan(v)}})
    return out


EDGES = [0.0, -0.0, -0.00001, 0.00004, 0.00005, 0.0001, -0.0001, 0.00015, 1e-5, 1e-7, 5e-324, 0.5, 2.675,
         1.005, 9999.99995, 99999.5, 123456789.123, 1e14 + 0.25, 999999999999999.0, 1e15, 1e15 + 2, 4.5e15,
         1e16, 1e300, -1e300, math.inf, -math.inf, 3.0, -7.0, 100.0]


def _random_result(seed, n=300, m=23):
    rng = np.random.default_rng(seed)
    scores = np.concatenate([rng.lognormal(0, 4, (n // 2, m)), -rng.random((n // 4, m)) * 10 ** rng.integers(
        0, 6, (n // 4, m)), rng.choice(EDGES, (n - n // 2 - n // 4, m))])
    scores[rng.random(scores.shape) < 0.05] = np.nan  # scattered missing scores
    scores[7] = np.nan  # a unit with no score at all
    rank = rng.permutation(n).astype(float) + 1
    rank[rng.random(n) < 0.1] = np.nan  # unranked
    rank[:20] = 5  # ties: by name
    units = [f"Đơn vị {i} \"ư\" \\ ☃" if i % 3 == 0 else f"U{i:03d}" for i in range(n)]
    codes = [f"c{j}" for j in range(m - 3)] + ['trích "dẫn"', "100%", "dấu\\ngược"]
    return _Result(units, codes, scores, rank)


@pytest.mark.parametrize("decimals", [0, 1, 2, 4, 6, 12, 13, 15, 17, -1])
def test_json_records_are_json_dumps_on_random_and_edge_values(decimals):
    from chiso.cli import json_records

    result = _random_result(decimals + 100)
    expected = json.dumps(_records(result, decimals), ensure_ascii=False, indent=2)
    assert "".join(json_records(result, decimals)) == expected
    nested = json.dumps({"results": _records(result, decimals)}, ensure_ascii=False, indent=2)
    assert '{\n  "results": ' + "".join(json_records(result, decimals, "  ")) + "\n}" == nested


def test_json_records_of_no_units_and_of_no_codes():
    from chiso.cli import json_records

    empty = _Result([], ["a"], np.zeros((0, 1)), [])
    assert "".join(json_records(empty, 4)) == json.dumps([], indent=2)
    bare = _Result(["B", "A"], [], np.zeros((2, 0)), [np.nan, 1])
    assert "".join(json_records(bare, 4)) == json.dumps(_records(bare, 4), ensure_ascii=False, indent=2)


def test_plain_scores_take_the_numpy_path(monkeypatch):
    """Scores rounded to 4 decimals between 1e-4 and 1e6 (and zeros, NaN) are all written by numpy:
    Python's writer is never called, and the bytes are json.dumps' still."""
    import chiso.cli as cli

    rng = np.random.default_rng(4)
    scores = np.round(rng.lognormal(0, 3, (5000, 12)), 4)
    scores[scores < 1e-4] = 0.0
    scores[scores > 1e6] = 123456.7891
    scores[rng.random(scores.shape) < 0.02] = np.nan
    result = _Result([f"Đơn vị {i}" for i in range(5000)], [f"c{j}" for j in range(12)], scores,
                     rng.permutation(5000) + 1.0)
    called = []
    monkeypatch.setattr(cli, "_json_record", lambda *a: called.append(a) or "")
    text = "".join(cli.json_records(result, 4))
    assert called == []
    assert text == json.dumps(_records(result, 4), ensure_ascii=False, indent=2)


@pytest.mark.parametrize("decimals", [0, 1, 3, 4, 5, 8, 12])
def test_score_lines_are_repr_wherever_they_say_so(decimals):
    """Every cell the numpy lines take is ``repr`` of its float, and they take every cell of the
    rule (rounded to d ≤ 12 decimals; zero or 1e-4 ≤ |v|; fewer than 15 digits in all)."""
    from chiso.cli import _rounded, _ScoreLines

    rng = np.random.default_rng(decimals)
    raw = rng.choice([-1, 1], (4000, 5)) * 10.0 ** rng.uniform(-4.5, 15.5 - decimals, (4000, 5))
    raw[rng.random(raw.shape) < 0.03] = 0.0
    raw[rng.random(raw.shape) < 0.03] = np.nan
    v = _rounded(raw, decimals)
    keys = [f'    "k{j}": '.encode() for j in range(5)]
    top = float(np.nanmax(np.abs(v)))
    buf, ends, good = _ScoreLines(keys, decimals, top, len(v)).block(v)
    rule = np.isnan(v) | (v == 0) | ((np.abs(v) >= 1e-4) & (np.abs(v) * 10.0**decimals < 1e15 * (1 - 1e-12)))
    for i in range(len(v)):
        if good[i]:
            want = ",\n".join(f'    "k{j}": {x!r}' for j, x in enumerate(v[i].tolist()) if x == x)
            assert str(buf[ends[i - 1] if i else 0:ends[i] - 2], "utf-8") == want
        else:
            assert np.isnan(v[i]).all() or not rule[i].all()
    assert sum(good) > len(v) // 10


def test_an_output_file_gets_the_permissions_of_any_new_file(tmp_path):
    import os
    import stat

    from chiso.cli import _write_output

    old = os.umask(0o022)
    try:
        _write_output("a,b\n", str(tmp_path / "out.csv"))
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "out.csv").stat().st_mode) == 0o644  # not the temporary file's 0600
    assert (tmp_path / "out.csv").read_text(encoding="utf-8") == "a,b\n"
