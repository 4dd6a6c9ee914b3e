from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from chiso.cli import main

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "examples" / "dti-2022-demo-minh-hoa.csv"


def run(capsys, *argv):
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def write(tmp_path, text, name="in.csv", encoding="utf-8"):
    p = tmp_path / name
    p.write_bytes(text.encode(encoding))
    return p


def test_it_lists_frameworks(capsys):
    code, out, _ = run(capsys, "frameworks", "--format", "json")
    assert code == 0
    ids = {f["id"]: f["status"] for f in json.loads(out)}
    assert ids["vn-dti-2022-province"] == "official" and ids["vn-dti-2024-province"] == "provisional"


def test_it_shows_a_tree_with_points_and_sources(capsys):
    code, out, _ = run(capsys, "show", "vn-dti-2022-province")
    assert code == 0
    assert "hoat_dong_chinh_quyen_so  Hoạt động chính quyền số  — given  200 điểm" in out
    assert "Nguồn: http://eballsviet.com" in out


def test_it_computes_json_with_root_code(capsys):
    code, out, _ = run(capsys, "compute", "--framework", "vn-dti-2022-province", "--input", str(DEMO),
                       "--format", "json")
    assert code == 0
    rows = json.loads(out)
    assert len(rows) == 63 and rows[0]["rank"] == 1 and "dti" in rows[0]["scores"]
    hanam = next(r for r in rows if r["unit"] == "Hà Nam")
    assert hanam["rank"] == 34
    assert [r["rank"] for r in rows if r["rank"] == 15] == [15, 15]


def test_it_computes_from_xlsx_with_tolerant_names(tmp_path, capsys):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["unit", "htkt", "htnl", "ud"])
    ws.append(["TP. Đà Nẵng", 0.9, 0.8, 0.7])
    ws.append(["Thừa Thiên - Huế", 0.5, 0.5, 0.5])
    ws.append(["Ha Nam", 0.4, 0.6, 0.5])
    p = tmp_path / "ict.xlsx"
    wb.save(p)
    code, out, _ = run(capsys, "compute", "--framework", "vn-ict-index-2016-province", "--input", str(p),
                       "--format", "csv")
    assert code == 0
    lines = out.strip().splitlines()
    assert lines[0] == "unit,rank,ict_index,htkt,htnl,ud"
    assert lines[1] == "Đà Nẵng,1,0.8,0.9,0.8,0.7"
    assert {ln.split(",")[0] for ln in lines[1:]} == {"Đà Nẵng", "Thừa Thiên Huế", "Hà Nam"}


def test_it_accepts_semicolons_and_decimal_commas(tmp_path, capsys):
    p = write(tmp_path, "unit;htkt;htnl;ud\nHà Nam;0,5;0,4;0,6\nBắc Ninh;0,7;0,5;0,6\n")
    code, out, _ = run(capsys, "compute", "--framework", "vn-ict-index-2016-province", "--input", str(p))
    assert code == 0 and "0,5000" in out and "Bắc Ninh" in out


def test_it_computes_as_of_after_the_merger(capsys):
    code, out, err = run(capsys, "compute", "--framework", "vn-dti-2022-province", "--input", str(DEMO),
                         "--as-of", "2025-07-01", "--format", "json")
    assert code == 0
    rows = json.loads(out)
    assert len(rows) == 34
    nb = next(r for r in rows if r["unit"] == "Ninh Bình")
    assert "Ninh Bình ← Nam Định, Ninh Bình, Hà Nam" in err
    assert 0 < nb["scores"]["dti"] < 1


BAD = [
    ("unknown framework", ["--framework", "vn-dti-1999"], "unit,dti\nHà Nam,0.5\n", "unknown framework 'vn-dti-1999'"),
    ("unknown column", [], "unit,dti,nhan_thuc\nHà Nam,0.5,0.2\n", "row 1, column C (nhan_thuc): unknown code"),
    ("not numeric", [], "unit,dti\nHà Nam,0.5\nNam Định,cao\n", "row 3, column B (dti): 'cao' is not a number"),
    ("index above 1", [], "unit,dti\nHà Nam,0.5\nNam Định,1.3\n", "row 3, column B (dti): 1.3 is outside [0, 1]"),
    ("duplicate unit", [], "unit,dti\nHà Nam,0.5\nHà Nam,0.4\n", "row 3, column A: duplicate unit 'Hà Nam' (already on row 2)"),
    ("same unit twice", [], "unit,dti\nTP. Đà Nẵng,0.5\nĐà Nẵng,0.4\n", "row 3, column A: 'Đà Nẵng' is the same unit as 'TP. Đà Nẵng' (row 2)"),
    ("unknown unit", [], "unit,dti\nHà Nom,0.5\n", "row 2, column A"),
    ("empty", [], "", "the file is empty"),
    ("header only", [], "unit,dti\n", "no data rows"),
    ("no unit column", [], "tinh_thanh,dti\nHà Nam,0.5\n", "row 1, column A: the first column must be the unit column"),
    ("missing value", [], "unit,nhan_thuc_so\nHà Nam,0.5\n", "missing value"),
]


@pytest.mark.parametrize("label,extra,text,expected", BAD, ids=[b[0] for b in BAD])
def test_it_exits_2_naming_the_place_and_writes_nothing(tmp_path, capsys, label, extra, text, expected):
    p = write(tmp_path, text)
    out_file = tmp_path / "out.json"
    args = ["compute", "--framework", "vn-dti-2022-province", "--input", str(p), "-o", str(out_file), *extra]
    code, out, err = run(capsys, *args)
    assert code == 2
    assert expected in err, err
    assert err.startswith("chiso: lỗi: ")
    assert out == "" and not out_file.exists()
    assert list(tmp_path.iterdir()) == [p]


def test_it_suggests_close_names_for_an_unknown_unit(tmp_path, capsys):
    p = write(tmp_path, "unit,dti\nHà Nom,0.5\n")
    code, _, err = run(capsys, "compute", "--framework", "vn-dti-2022-province", "--input", str(p))
    assert code == 2 and "did you mean" in err and "Hà Nam" in err


def test_it_rejects_a_non_utf8_file_naming_the_row(tmp_path, capsys):
    p = write(tmp_path, "unit,dti\nHà Nam,0.5\n", encoding="cp1258")
    code, _, err = run(capsys, "compute", "--framework", "vn-dti-2022-province", "--input", str(p))
    assert code == 2 and "row 2: the file is not UTF-8" in err


def test_it_rejects_points_above_max_in_a_yaml_framework(tmp_path, capsys):
    fw = tmp_path / "pts.yaml"
    fw.write_text(
        "id: pts\nname: pts\nedition: 2024\nlevel: agency\nroot:\n  code: tong\n  method: points_sum\n"
        "  children:\n    - {code: a, scoring: yes_no, max_points: 20}\n    - {code: b, scoring: given, max_points: 30}\n",
        encoding="utf-8",
    )
    p = write(tmp_path, "unit,tong\nSở Tư pháp,55\n")
    code, _, err = run(capsys, "compute", "--framework", str(fw), "--input", str(p))
    assert code == 2 and "row 2, column B (tong): 55 is outside [0, 50]" in err


@pytest.mark.parametrize("body,expected", [
    ("root: a\nnodes:\n  - {code: a, method: weighted_mean, children: [b]}\n  - {code: b, method: weighted_mean, children: [a]}\n",
     "Cây chỉ số có vòng lặp: a -> b -> a."),
    ("root: {code: a, method: weighted_mean, children: [zz]}\n", "Nhóm “a”: không có chỉ số con “zz”"),
    ("root: {code: a, method: weighted_mean, children: [{code: b, scoring: minmax, weight: -2}]}\n",
     "Chỉ số “b”: weight không được âm (đang là -2)."),
])
def test_it_rejects_an_invalid_yaml_framework(tmp_path, capsys, body, expected):
    """Each problem of the file in one Vietnamese sentence, the file named once."""
    fw = tmp_path / "bad.yaml"
    fw.write_text("id: bad\nname: bad\nedition: 2024\n" + body, encoding="utf-8")
    p = write(tmp_path, "unit,a\nHà Nam,0.5\n")
    code, _, err = run(capsys, "compute", "--framework", str(fw), "--input", str(p))
    assert code == 2 and expected in err and str(fw) in err


def test_it_runs_as_a_console_script():
    out = subprocess.run([sys.executable, "-m", "chiso.cli", "compute", "--framework", "vn-dti-2022-province",
                          "--input", str(DEMO), "--format", "csv"], capture_output=True, text=True)
    assert out.returncode == 0 and out.stdout.startswith("unit,rank,dti,")


def test_it_shows_the_demo_with_hanam_and_the_label(capsys):
    code, out, _ = run(capsys, "demo")
    assert code == 0
    assert "34. Hà Nam  <== Hà Nam" in out
    assert "DỮ LIỆU MINH HỌA" in out
    assert "https://dti.gov.vn/xep-hang-2022" in out


def test_it_ships_the_demo_file_as_generated():
    from chiso.demo import demo_csv

    assert DEMO.read_text(encoding="utf-8") == demo_csv()
