"""``chiso compute``, ``target`` and ``whatif`` read the ministry's table as printed (one reader with the web),
and ``compute`` compares the published totals and ranks with the recomputed ones."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import openpyxl

from chiso.cli import main

ROOT = Path(__file__).resolve().parents[2]
XLSX = ROOT / "examples" / "dti-2022-bo-cong-bo-minh-hoa.xlsx"
CSV34 = ROOT / "examples" / "dti-2024-34-tinh-minh-hoa.csv"
DTI = ["--framework", "vn-dti-2022-province"]


def run(capsys, *argv):
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def _published():
    """Unit -> (published DTI, rank), read from the workbook's own cells."""
    ws = openpyxl.load_workbook(XLSX, read_only=True).worksheets[0]
    return {r[1]: (r[11], r[12]) for r in list(ws.iter_rows(values_only=True))[4:]}


def test_compute_prints_the_ranking_then_the_comparison(capsys):
    code, out, err = run(capsys, "compute", *DTI, "--input", str(XLSX))
    assert code == 0, err
    ranking, _, check = out.partition("Đối chiếu với bảng công bố")
    assert "Hà Nam" in ranking and "0,5793" in ranking
    assert "Chỉ số DTI cấp tỉnh: cả 63 giá trị khớp (chênh lệch ≤ 0,00005)" in check
    assert "Thứ hạng (Chỉ số DTI cấp tỉnh): cả 63 thứ hạng trùng khớp" in check


def test_compute_json_carries_the_check_and_the_ranks_are_the_published_ones(capsys):
    code, out, _ = run(capsys, "compute", *DTI, "--input", str(XLSX), "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert data["check"]["values"] == {"n": 63, "same": 63, "codes": ["dti"], "differ": []}
    assert data["check"]["ranks"]["n"] == 63 and data["check"]["ranks"]["differ"] == []
    published = _published()
    hanam = next(r for r in data["results"] if r["unit"] == "Hà Nam")
    assert (round(hanam["scores"]["dti"], 4), hanam["rank"]) == published["Hà Nam"]


def test_compute_lists_the_provinces_whose_published_figures_differ(tmp_path, capsys):
    wb = openpyxl.load_workbook(XLSX)
    ws = wb.worksheets[0]
    rows = {ws.cell(r, 2).value: r for r in range(5, ws.max_row + 1)}
    ws.cell(rows["Hà Nam"], 12).value = 0.6
    ws.cell(rows["TP. Đà Nẵng"], 13).value = 9
    p = tmp_path / "sai.xlsx"
    wb.save(p)
    published = _published()
    code, out, _ = run(capsys, "--lang", "en", "compute", *DTI, "--input", str(p))
    assert code == 0
    assert "Provincial DTI: 1 of 63 values differ by more than 0.00005:" in out
    line = next(ln for ln in out.splitlines() if ln.strip().startswith("Hà Nam") and "0.6000" in ln)
    assert f"{published['Hà Nam'][0]:.4f}" in line
    assert "Ranks (Provincial DTI): 1 of 63 ranks differ:" in out
    line = next(ln for ln in out.splitlines() if ln.strip().startswith("Đà Nẵng") and ln.split()[-2:] == ["9", "1"])
    assert line


def test_a_table_without_total_or_rank_prints_no_comparison(capsys):
    code, out, _ = run(capsys, "compute", *DTI, "--input", str(ROOT / "examples" / "dti-2022-demo-minh-hoa.csv"))
    assert code == 0 and "Đối chiếu" not in out


def test_csv_output_stays_csv_and_the_comparison_goes_to_stderr(capsys):
    code, out, err = run(capsys, "compute", *DTI, "--input", str(XLSX), "--format", "csv")
    assert code == 0
    assert list(csv.reader(io.StringIO(out)))[0][:3] == ["unit", "rank", "dti"]
    assert "cả 63 thứ hạng trùng khớp" in err


def test_the_34_province_table_as_of_the_merger(capsys):
    code, out, err = run(capsys, "compute", "--framework", "vn-dti-2024-province", "--input", str(CSV34),
                         "--data-date", "2025-07-01", "--format", "json")
    assert code == 0, err
    data = json.loads(out)
    assert len(data["results"]) == 34
    assert data["check"]["values"]["differ"] == [] and data["check"]["ranks"]["differ"] == []


def test_an_unknown_header_exits_2_with_the_suggestion(tmp_path, capsys):
    p = tmp_path / "t.csv"
    p.write_text("STT,Tỉnh,Nhan thuc,Chỉ số DTI\n1,Hà Nam,0.5,0.5\n", encoding="utf-8")
    code, out, err = run(capsys, "compute", *DTI, "--input", str(p))
    assert code == 2 and out == ""
    assert err.startswith("chiso: lỗi: Không nhận ra tiêu đề cột")
    assert "row 1, column C (Nhan thuc)" in err and "Nhận thức số (nhan_thuc_so)" in err


def test_target_and_whatif_accept_the_same_file(capsys):
    code, out, err = run(capsys, "target", *DTI, "--input", str(XLSX), "--unit", "Hà Nam", "--rank", "30")
    assert code == 0, err
    assert out.startswith("Hà Nam: hạng / rank 34 -> ")
    code, out, err = run(capsys, "whatif", *DTI, "--input", str(XLSX), "--set", "Hà Nam:nhan_thuc_so=1",
                         "--format", "json")
    assert code == 0, err
    assert any(r["unit"] == "Hà Nam" for r in json.loads(out)["summary"])


def test_the_examples_are_the_generator_output(tmp_path):
    import importlib.util

    spec = importlib.util.spec_from_file_location("gen", ROOT / "scripts" / "make_ministry_examples.py")
    gen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)
    assert CSV34.read_text(encoding="utf-8") == gen.csv_text()
    p = tmp_path / "x.xlsx"
    gen.write_xlsx(p)
    cells = [list(openpyxl.load_workbook(f, read_only=True).worksheets[0].iter_rows(values_only=True)) for f in (p, XLSX)]
    assert cells[0] == cells[1]
