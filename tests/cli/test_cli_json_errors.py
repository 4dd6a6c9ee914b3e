"""``chiso compute … --format json`` on bad input: exit 2, one JSON object on stderr, nothing on stdout."""

from __future__ import annotations

import json

import pytest

from chiso.cli import main

FRAMEWORK = """id: t
name: T
edition: 2022
root:
  code: r
  method: weighted_mean
  children: [a, zz]
nodes:
  - {code: a, scoring: magic}
"""


def run_json(capsys, tmp_path, text, *, framework="vn-dti-2022-province", lang="vi"):
    p = tmp_path / "in.csv"
    p.write_text(text, encoding="utf-8")
    code = main(["--lang", lang, "compute", "--framework", framework, "--input", str(p), "--format", "json"])
    out = capsys.readouterr()
    assert (code, out.out) == (2, "")
    err = json.loads(out.err)  # exactly one JSON object: anything else on stderr fails here
    assert list(err) == ["error"] and {"code", "message", "problems"} == set(err["error"])
    return err["error"], str(p)


def test_a_non_numeric_cell_is_one_problem_with_its_place(tmp_path, capsys):
    err, path = run_json(capsys, tmp_path, "unit,nhan_thuc_so\nHà Nam,abc\n")
    assert err["code"] == "bad_cells" and err["message"] == "Dữ liệu không hợp lệ."
    assert err["problems"] == [{"code": "not_a_number", "message": "Giá trị không phải là số.", "file": path,
                                "row": 2, "column": "B", "node": "nhan_thuc_so"}]


def test_a_missing_column_is_a_missing_value(tmp_path, capsys):
    err, path = run_json(capsys, tmp_path, "unit,nhan_thuc_so\nHà Nam,0.5\n", lang="en")
    assert err["code"] == "missing_value" and err["message"].startswith("Required values missing: ")
    assert [(p["code"], p["file"]) for p in err["problems"]] == [("missing_value", path)]
    assert "row" not in err["problems"][0] and "node" not in err["problems"][0]  # only the fields that apply


@pytest.mark.parametrize("lang,first", [
    ("vi", "Chỉ số “a”: không có quy tắc chấm điểm “magic”"),
    ("en", "Indicator “a”: there is no scoring rule “magic”"),
])
def test_an_unknown_code_in_the_framework_lists_every_problem_by_node(tmp_path, capsys, lang, first):
    fw = tmp_path / "fw.yaml"
    fw.write_text(FRAMEWORK, encoding="utf-8")
    err, _ = run_json(capsys, tmp_path, "unit,a\nHà Nam,0.5\n", framework=str(fw), lang=lang)
    assert err["code"] == "framework_invalid"
    assert [(p["code"], p["node"], p["file"]) for p in err["problems"]] == [
        ("framework.unknown_rule", "a", str(fw)), ("framework.unknown_child", "r", str(fw))]
    assert err["problems"][0]["message"].startswith(first)


def test_other_formats_keep_the_text_error(tmp_path, capsys):
    p = tmp_path / "in.csv"
    p.write_text("unit,nhan_thuc_so\nHà Nam,abc\n", encoding="utf-8")
    code = main(["compute", "--framework", "vn-dti-2022-province", "--input", str(p)])
    out = capsys.readouterr()
    assert code == 2 and out.out == "" and out.err.startswith("chiso: lỗi: Dữ liệu không hợp lệ: ")


def test_an_unknown_unit_is_named_in_the_message_and_in_its_problem(tmp_path, capsys):
    err, path = run_json(capsys, tmp_path, "unit,nhan_thuc_so\nHà Nom,0.5\n")
    assert err["code"] == "unknown_unit"
    # an error of one problem is named with that problem's values, never a placeholder
    assert err["message"] == "Không nhận ra đơn vị “Hà Nom”. Có phải: Hà Nam, Hà Nội, Hà Tĩnh?"
    assert err["problems"] == [{"code": "unknown_unit", "message": err["message"], "file": path, "row": 2,
                                "column": "A"}]


def test_the_text_error_names_the_unit_once_and_the_detail_follows(tmp_path, capsys):
    p = tmp_path / "in.csv"
    p.write_text("unit,nhan_thuc_so\nHà Nom,0.5\n", encoding="utf-8")
    assert main(["compute", "--framework", "vn-dti-2022-province", "--input", str(p)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"chiso: lỗi: Không nhận ra đơn vị “Hà Nom”: {p}: row 2, column A: "), err
    assert "?" not in err.split(":")[2] and err.count("did you mean") == 1
