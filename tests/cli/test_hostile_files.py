"""Issue 10 items 10 and 11 on the command line: a hostile input file or framework YAML exits 2 with
``chiso: lỗi: <what is wrong>`` on stderr, no traceback, and writes no output file."""

from __future__ import annotations

import csv
import time
from pathlib import Path

import pytest

from chiso.cli import main
from chiso.engine.errors import InputError
from chiso.io import Limits, read_table
from corpus import hostile

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "examples" / "dti-2022-demo-minh-hoa.csv"
FW = "vn-dti-2022-province"


def compute(capsys, tmp_path, data: bytes, name: str, *, framework: str = FW):
    src = tmp_path / name
    src.write_bytes(data)
    out = tmp_path / "out.csv"
    code = main(["compute", "--framework", framework, "--input", str(src), "--format", "csv", "-o", str(out)])
    err = capsys.readouterr().err
    return code, err, out


@pytest.mark.parametrize("name, expected", [
    ("truncated-sheet.xlsx", "chiso: lỗi: Tệp không hợp lệ: không đọc được tệp Excel"),
    ("missing-sheet.xlsx", "chiso: lỗi: Tệp không hợp lệ: không đọc được tệp Excel"),
    ("billion-laughs.xlsx", "chiso: lỗi: Tệp không hợp lệ: không đọc được tệp Excel"),
])
def test_it_refuses_a_broken_workbook(tmp_path, capsys, name, expected):
    code, err, out = compute(capsys, tmp_path, hostile.path(name).read_bytes(), name)
    assert code == 2
    assert err.startswith(expected), err
    assert "Traceback" not in err and err.count("\n") == 1
    assert not out.exists()


def test_it_refuses_two_million_rows_before_parsing(tmp_path, capsys):
    data = hostile.many_rows()
    assert len(data) < 600_000  # the 447 KB file of the probe, more or less
    t = time.perf_counter()
    code, err, out = compute(capsys, tmp_path, data, "big.xlsx")
    assert time.perf_counter() - t < 5  # refused from the zip directory, not after parsing 2e6 rows
    assert code == 2
    # one sentence per problem for the command line and the web (chiso.lib.problems)
    assert err.startswith("chiso: lỗi: Tệp Excel nén bất thường: một phần của tệp giải nén ra gấp"), err
    assert "Hãy chia thành nhiều tệp nhỏ hơn" in err
    assert not out.exists()


def test_it_reads_csv_lines_ending_in_cr_alone(tmp_path, capsys):
    # Old Mac Excel ends lines with CR alone: the same table must give the same result as with LF.
    text = DEMO.read_text(encoding="utf-8")
    assert "\r" not in text
    code_lf, _err, out_lf = compute(capsys, tmp_path, text.encode(), "lf.csv")
    lf = out_lf.read_text()
    code_cr, err, out_cr = compute(capsys, tmp_path, text.replace("\n", "\r").encode(), "cr.csv")
    assert (code_lf, code_cr, err) == (0, 0, "")
    assert out_cr.read_text() == lf


def test_it_reads_the_cr_only_corpus_file():
    table = read_table(hostile.path("cr-only.csv"))
    assert table.units == ["Hà Nam", "Hà Nội"]
    assert table.values.tolist() == [[0.5], [0.6]]


def test_it_refuses_a_field_over_the_csv_limit(tmp_path, capsys):
    code, err, out = compute(capsys, tmp_path, hostile.long_field_csv(), "long.csv")
    assert code == 2
    assert err.startswith(f"chiso: lỗi: Dòng 3: có ô dài hơn {csv.field_size_limit()} ký tự"), err
    assert not out.exists()


def test_it_stops_at_the_row_and_cell_caps(tmp_path):
    rows = "unit,dti\n" + "".join(f"Tỉnh {i},0.5\n" for i in range(30))
    p = tmp_path / "t.csv"
    p.write_text(rows, encoding="utf-8")
    with pytest.raises(InputError) as e:
        read_table(p, limits=Limits(max_rows=20))
    assert (e.value.code, e.value.params["max_rows"]) == ("too_many_rows", 20)
    with pytest.raises(InputError) as e:
        read_table(p, limits=Limits(max_cells=41))
    assert (e.value.code, e.value.params["row"]) == ("too_many_cells", 21)  # 2 cells a row: 42 on row 21
    x = tmp_path / "t.xlsx"
    x.write_bytes(hostile.xlsx(hostile.sheet_xml([["unit", "dti"]] + [[f"Tỉnh {i}", 0.5] for i in range(30)])))
    with pytest.raises(InputError) as e:
        read_table(x, limits=Limits(max_rows=20))
    assert e.value.code == "too_many_rows"
    assert read_table(x).values.shape == (30, 1)


def test_it_lists_the_first_50_bad_cells_and_counts_the_rest(tmp_path, capsys):
    rows = "unit,dti\n" + "".join(f"Tỉnh {i},cao\n" for i in range(53))
    code, err, _out = compute(capsys, tmp_path, rows.encode(), "bad.csv")
    assert code == 2
    assert err.count("is not a number") == 50
    assert err.rstrip().endswith("(and 3 more)")


@pytest.mark.parametrize("name, expected", [
    # one sentence per problem for the command line and the web (chiso.lib.problems)
    ("deep.yaml", "chiso: lỗi: Nội dung YAML lồng nhau quá 64 cấp (dòng 2); tệp không phải là bộ chỉ số hợp lệ: "),
    ("framework-edition-date.yaml",
     "chiso: lỗi: Trường “edition” phải là một năm (số nguyên, ví dụ 2025), nhưng tệp ghi datetime.date(2022, 1, 1): "),
    ("framework-name-list.yaml", "chiso: lỗi: Trường “name” phải là một chuỗi chữ hoặc bảng {vi: …, en: …}, nhưng "),
])
def test_it_refuses_a_hostile_framework_yaml(tmp_path, capsys, name, expected):
    path = str(hostile.path(name))
    assert main(["show", path]) == 2
    err = capsys.readouterr().err
    assert err.startswith(expected) and path in err, err
    code, err, out = compute(capsys, tmp_path, "unit,a,b\nHà Nam,0.5,0.5\nHà Nội,0.6,0.4\n".encode(), "in.csv",
                             framework=path)
    assert code == 2 and err.startswith(expected), err
    assert not out.exists()


def test_the_valid_framework_of_the_corpus_loads(capsys):
    # The hostile YAML files differ from this one only in the field under test.
    assert main(["show", str(hostile.path("framework-valid.yaml"))]) == 0
    assert "Bộ chỉ số thử [thu-nghiem]" in capsys.readouterr().out
