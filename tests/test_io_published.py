"""chiso.io.read_published: the ministry's table as printed — title rows, STT, headers by name or code,
total and rank columns, unknown headers with suggestions, a mapping, names read as of the table's date."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import openpyxl
import pytest

from chiso.engine.compute import compute
from chiso.engine.errors import InputError
from chiso.frameworks import load_framework
from chiso.io import compare_published, header_key, read_published, read_table

ROOT = Path(__file__).resolve().parents[1]
XLSX = ROOT / "examples" / "dti-2022-bo-cong-bo-minh-hoa.xlsx"
CSV34 = ROOT / "examples" / "dti-2024-34-tinh-minh-hoa.csv"
DTI = "vn-dti-2022-province"
# QĐ 922/QĐ-BTTTT Phụ lục 1, Bảng I.1: max points of the nine main indices (1000 in all)
POINTS = {"nhan_thuc_so": 100, "the_che_so": 100, "ha_tang_so": 100, "nhan_luc_so": 100, "an_toan_thong_tin_mang": 100,
          "do_thi_thong_minh": 0, "hoat_dong_chinh_quyen_so": 200, "hoat_dong_kinh_te_so": 150,
          "hoat_dong_xa_hoi_so": 150}
NAMES = ["Nhận thức số", "Thể chế số", "Hạ tầng số", "Nhân lực số", "An toàn thông tin mạng", "Đô thị thông minh",
         "Hoạt động chính quyền số", "Hoạt động kinh tế số", "Hoạt động xã hội số"]


def write_csv(tmp_path, rows, name="t.csv", delimiter=","):
    buf = io.StringIO()
    csv.writer(buf, delimiter=delimiter, lineterminator="\n").writerows(rows)
    p = tmp_path / name
    p.write_text(buf.getvalue(), encoding="utf-8")
    return p


@pytest.mark.parametrize("header", [
    "nhan_thuc_so", "Nhận thức số", "NHẬN THỨC SỐ", "nhan thuc so", "1. Nhận thức số", "(1) Nhận thức số",
    "CS1 Nhận thức số", "Nhận thức số (100 điểm)", "Chỉ số Nhận thức số", "I. Nhận thức số (điểm)", "Digital awareness",
    "  Nhận  thức   số ",
])
def test_every_header_style_names_the_node(tmp_path, header):
    p = write_csv(tmp_path, [["Tỉnh", header], ["Hà Nam", "0,5"]])
    read = read_published(p, DTI)
    assert read.table.codes == ["nhan_thuc_so"]
    assert read.table.values[0, 0] == 0.5
    col = read.columns[1]
    assert (col["letter"], col["header"], col["kind"], col["code"]) == ("B", header.strip(), "value", "nhan_thuc_so")
    assert col["matched_by"] == ("code" if header == "nhan_thuc_so" else
                                 "name_en" if header == "Digital awareness" else "name")


def test_header_key_drops_accents_numbering_and_points():
    assert header_key("3. HẠ TẦNG SỐ (100 điểm)") == "ha tang so"
    assert header_key("Đô thị thông minh") == "do thi thong minh"


def test_title_rows_stt_and_a_unit_column_in_b_are_read_as_printed(tmp_path):
    rows = [["BẢNG XẾP HẠNG DTI 2022 — DỮ LIỆU MINH HỌA"], [], ["STT", "Tỉnh, thành phố", *NAMES, "Chỉ số DTI", "Xếp hạng"],
            ["1", "Hà Nội", *["0,7"] * 9, "0,7", "1"], ["2", "Hà Nam", *["0,5"] * 9, "0,5", "2"]]
    read = read_published(write_csv(tmp_path, rows), DTI)
    assert read.header_row == 3
    assert read.table.units == ["Hà Nội", "Hà Nam"]
    assert read.table.rows == {"Hà Nội": 4, "Hà Nam": 5}  # the file's own rows
    assert read.table.codes == list(POINTS)
    assert read.table.columns["nhan_thuc_so"] == "C"
    kinds = [(c["letter"], c["kind"], c["code"]) for c in read.columns]
    assert kinds[:3] == [("A", "ignored", ""), ("B", "unit", ""), ("C", "value", "nhan_thuc_so")]
    assert kinds[-2:] == [("L", "total", "dti"), ("M", "rank", "dti")]
    # the total aggregates given columns: a check, not an input
    assert read.checks == {"Hà Nội": {"dti": 0.7}, "Hà Nam": {"dti": 0.5}}
    assert read.ranks == {"Hà Nội": {"dti": 1}, "Hà Nam": {"dti": 2}}
    assert read.columns[11]["check"] is True


@pytest.mark.parametrize("stt", ["STT", "TT", "Số TT", "No.", "Số thứ tự"])
def test_the_row_number_column_is_ignored(tmp_path, stt):
    read = read_published(write_csv(tmp_path, [[stt, "Địa phương", "Nhận thức số"], ["7", "Hà Nam", "0.5"]]), DTI)
    assert read.columns[0]["kind"] == "ignored" and read.table.codes == ["nhan_thuc_so"]


@pytest.mark.parametrize("header,code", [
    ("DTI", "dti"), ("Chỉ số DTI", "dti"), ("Tổng", "dti"), ("Tổng điểm", "dti"), ("Điểm", "dti"),
    ("Chỉ số DTI cấp tỉnh", "dti"),
])
def test_a_total_alone_is_an_input(tmp_path, header, code):
    read = read_published(write_csv(tmp_path, [["unit", header], ["Hà Nam", "0.5"]]), DTI)
    assert read.table.codes == [code] and read.checks == {}
    assert read.columns[1]["kind"] == "total"


@pytest.mark.parametrize("header,code", [
    ("Xếp hạng", "dti"), ("Hạng", "dti"), ("Thứ hạng", "dti"), ("Rank", "dti"), ("Xếp hạng DTI", "dti"),
    ("Xếp hạng Nhận thức số", "nhan_thuc_so"), ("rank:ha_tang_so", "ha_tang_so"), ("Hạng hạ tầng số", "ha_tang_so"),
])
def test_rank_columns(tmp_path, header, code):
    read = read_published(write_csv(tmp_path, [["unit", "nhan_thuc_so", header], ["Hà Nam", "0.5", "12"]]), DTI)
    assert read.ranks == {"Hà Nam": {code: 12}}
    assert read.columns[2]["kind"] == "rank" and read.columns[2]["code"] == code


def test_every_unknown_header_is_listed_with_suggestions(tmp_path):
    rows = [["Bảng minh họa"], ["STT", "Tỉnh", "Nhan thuc", "Thể chế số", "Hạ tầng sô x", "Ghi chú"], ["1", "Hà Nam", "0.5", "0.5", "0.5", ""]]
    with pytest.raises(InputError) as e:
        read_published(write_csv(tmp_path, rows), DTI)
    err = e.value
    assert err.code == "unknown_header"
    probs = [(q["row"], q["column"], q["header"]) for q in err.params["problems"]]
    assert probs == [(2, "C", "Nhan thuc"), (2, "E", "Hạ tầng sô x"), (2, "F", "Ghi chú")]
    first = err.params["problems"][0]["suggestions"]
    assert 1 <= len(first) <= 3 and first[0] == {"code": "nhan_thuc_so", "name": "Nhận thức số"}
    assert err.params["problems"][1]["suggestions"][0]["code"] == "ha_tang_so"
    assert "row 2, column C (Nhan thuc): unknown code or name" in err.message
    assert "did you mean: Nhận thức số (nhan_thuc_so)" in err.message
    # how every column was read comes with the error (the web shows it)
    assert [c["kind"] for c in err.params["columns"]] == ["ignored", "unit", "unknown", "value", "unknown", "unknown"]


def test_a_mapping_names_or_ignores_a_header(tmp_path):
    rows = [["Tỉnh", "Nhan thuc", "Ghi chú", "Hạng NTS"], ["Hà Nam", "0.5", "xem báo cáo", "3"]]
    p = write_csv(tmp_path, rows)
    read = read_published(p, DTI, mapping={"Nhan thuc": "nhan_thuc_so", "Ghi chú": "", "Hạng NTS": "rank:nhan_thuc_so"})
    assert read.table.codes == ["nhan_thuc_so"] and read.table.values[0, 0] == 0.5
    assert [c["matched_by"] for c in read.columns[1:]] == ["mapping"] * 3
    assert read.columns[2]["kind"] == "ignored"
    assert read.ranks == {"Hà Nam": {"nhan_thuc_so": 3}}
    with pytest.raises(InputError) as e:
        read_published(p, DTI, mapping={"Nhan thuc": "khong_co", "Ghi chú": "", "Hạng NTS": ""})
    assert e.value.code == "bad_mapping" and e.value.params["column"] == "B"


def test_two_columns_for_one_node_are_refused(tmp_path):
    with pytest.raises(InputError) as e:
        read_published(write_csv(tmp_path, [["unit", "nhan_thuc_so", "Nhận thức số"], ["Hà Nam", "0.5", "0.5"]]), DTI)
    assert e.value.code == "duplicate_header" and e.value.params["column"] == "C"


@pytest.mark.parametrize("bad", ["0", "1,5", "-2", "nhất"])
def test_a_rank_must_be_a_positive_whole_number(tmp_path, bad):
    rows = [["Tiêu đề"], ["Tỉnh, thành phố", "Chỉ số DTI", "Xếp hạng"], ["Hà Nội", "0,7", "1"], ["Hà Nam", "0,5", bad]]
    with pytest.raises(InputError) as e:
        read_published(write_csv(tmp_path, rows), DTI)
    q = e.value.params["problems"][0]
    assert (q["row"], q["column"]) == (4, "C")
    assert e.value.code == ("bad_cells" if bad == "nhất" else "bad_rank")
    assert "row 4, column C" in e.value.message


def test_no_unit_header_in_the_first_rows(tmp_path):
    with pytest.raises(InputError) as e:
        read_published(write_csv(tmp_path, [["Tên", "Nhận thức số"], ["Hà Nam", "0.5"]]), DTI)
    assert e.value.code == "no_unit_column"


def test_a_note_under_the_table_is_not_a_row(tmp_path):
    rows = [["STT", "Tỉnh", "Nhận thức số"], ["1", "Hà Nam", "0.5"], ["Nguồn: Bộ Thông tin và Truyền thông", "", ""]]
    assert read_published(write_csv(tmp_path, rows), DTI).table.units == ["Hà Nam"]


def test_names_are_resolved_as_of_the_date_and_the_same_province_twice_is_refused(tmp_path):
    rows = [["Tỉnh", "Nhận thức số"], ["TP. Đà Nẵng", "0.5"], ["Ha Nam", "0.4"], ["Đà Nẵng", "0.3"]]
    with pytest.raises(InputError) as e:
        read_published(write_csv(tmp_path, rows), DTI, data_date="2022-12-31")
    assert e.value.code == "same_unit"
    assert "row 4, column A: 'Đà Nẵng' is the same unit as 'TP. Đà Nẵng' (row 2)" in e.value.message
    read = read_published(write_csv(tmp_path, rows[:3]), DTI, data_date="2022-12-31")
    assert {n: u.id for n, u in read.units.items()} == {"TP. Đà Nẵng": "P48", "Ha Nam": "P35"}


def test_a_34_province_table_after_the_merger(tmp_path):
    read = read_published(CSV34, "vn-dti-2024-province", data_date="2025-07-01")
    assert len(read.table.units) == 34 and read.header_row == 3
    assert read.units["Ninh Bình"].id == "P37@2025-07-01"  # Ninh Bình as merged with Hà Nam and Nam Định
    assert read.units["Huế"].id.startswith("P46")
    assert len({u.id for u in read.units.values()}) == 34
    assert read.table.codes == ["nhan_thuc_so", "the_che_so", "ha_tang_so", "nhan_luc_so", "an_toan_thong_tin_mang",
                                "hoat_dong_chinh_quyen_so", "hoat_dong_kinh_te_so", "hoat_dong_xa_hoi_so"]


def test_a_pre_merger_name_on_the_34_province_basis_is_an_error_naming_its_successor(tmp_path):
    text = CSV34.read_text(encoding="utf-8").replace(";Ninh Bình;", ";Hà Nam;")
    p = tmp_path / "t.csv"
    p.write_text(text, encoding="utf-8")
    row = next(i for i, line in enumerate(text.splitlines(), start=1) if ";Hà Nam;" in line)
    with pytest.raises(InputError) as e:
        read_published(p, "vn-dti-2024-province", data_date="2025-07-01")
    q = e.value.params["problems"][0]
    assert e.value.code == "unit_not_valid"
    assert (q["row"], q["column"], q["params"]["successor"]) == (row, "B", "Ninh Bình")
    assert "part of Ninh Bình" in e.value.message
    # the same name read as of a day before the merger is Hà Nam itself
    read = read_published(p, "vn-dti-2024-province", data_date="2025-06-30")
    assert read.units["Hà Nam"].id == "P35"


def test_the_example_workbook_is_the_ministry_format_and_adds_up():
    """The shipped workbook: 63 provinces, its totals Σ points × index ÷ 1000 and its competition ranks —
    checked here from the file's own cells, not by the engine."""
    ws = openpyxl.load_workbook(XLSX, read_only=True).worksheets[0]
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    assert "DỮ LIỆU MINH HỌA" in rows[0][0]
    header = rows[3]
    assert header == ["STT", "Tỉnh, thành phố", *NAMES, "Chỉ số DTI", "Xếp hạng"]
    data = rows[4:]
    assert len(data) == 63
    totals = [r[11] for r in data]
    for r in data:
        assert abs(sum(p * v for p, v in zip(POINTS.values(), r[2:11])) / 1000 - r[11]) <= 0.00005 + 1e-12
    assert [r[12] for r in data] == [1 + sum(t > mine for t in totals) for mine in totals]
    assert "minh-hoa" in XLSX.name


def test_the_example_workbook_reads_and_every_published_figure_is_recomputed():
    fw = load_framework(DTI)
    read = read_published(XLSX, fw, data_date="2022-12-31")
    assert len(read.table.units) == 63 and read.table.codes == list(POINTS)
    assert len(read.checks) == 63 and len(read.ranks) == 63
    names = {n: u.short_name for n, u in read.units.items()}
    read.rename_units(names)
    result = compute(fw, read.table.values, units=read.table.units, codes=read.table.codes)
    check = read.compare(result)
    assert (check["values"]["n"], check["ranks"]["n"]) == (63, 63)
    assert check["values"]["differ"] == [] and check["ranks"]["differ"] == []


def test_the_comparison_lists_what_differs(tmp_path):
    fw = load_framework(DTI)
    # Hà Nội: every index 0,7 -> DTI 0,7 exactly (points add to 1000); printed 0,71 and rank 2
    rows = [["Tỉnh", *NAMES, "Chỉ số DTI", "Xếp hạng"], ["Hà Nội", *["0.7"] * 9, "0.71", "2"],
            ["Hà Nam", *["0.5"] * 9, "0.5", "2"]]
    read = read_published(write_csv(tmp_path, rows), fw)
    result = compute(fw, read.table.values, units=read.table.units, codes=read.table.codes)
    check = compare_published(result, read.checks, read.ranks)
    assert check["values"]["n"] == 2 and check["ranks"]["n"] == 2
    [d] = check["values"]["differ"]
    assert (d["unit"], d["code"], d["published"]) == ("Hà Nội", "dti", 0.71)
    assert d["recomputed"] == pytest.approx(0.7)
    assert check["ranks"]["differ"] == [{"unit": "Hà Nội", "code": "dti", "name": "Chỉ số DTI cấp tỉnh",
                                         "published": 2, "recomputed": 1}]


def test_read_table_is_unchanged_for_its_callers(tmp_path):
    p = write_csv(tmp_path, [["unit", "nhan_thuc_so", "rank"], ["Hà Nam", "0.5", "3"]])
    t = read_table(p)
    assert t.codes == ["nhan_thuc_so", "rank"] and t.rows == {"Hà Nam": 2}
