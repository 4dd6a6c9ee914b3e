"""`chiso framework copy` and `chiso show` on an internal (points-based) framework."""

from __future__ import annotations

import json

import yaml

from chiso.cli import main
from chiso.engine.points import PointsFramework
from chiso.frameworks import framework_paths, load_framework_file


def run(capsys, *argv):
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_it_lists_the_internal_template_with_its_kind(capsys):
    code, out, _ = run(capsys, "frameworks", "--format", "json")
    kinds = {f["id"]: (f["kind"], f["status"]) for f in json.loads(out)}
    assert code == 0 and kinds["hanam-cds-noibo-2022"] == ("internal", "template")
    assert kinds["vn-dti-2022-province"] == ("index", "official")


def test_show_gives_tiers_applicability_and_each_tiers_maximum(capsys):
    code, out, _ = run(capsys, "show", "hanam-cds-noibo-2022")
    assert code == 0
    assert "kts_chinh_sach" in out and "[so] chỉ: kinh_te_so" in out
    assert "UBND huyện, thị xã, thành phố [huyen]: 23 chỉ số, tối đa 385 điểm" in out
    assert "Xếp loại: Tốt ≥ 0.8; Khá ≥ 0.65; Trung bình ≥ 0.5; Yếu ≥ 0" in out


def test_copy_writes_a_valid_new_year_and_keeps_the_source(capsys, tmp_path):
    src = framework_paths()["hanam-cds-noibo-2022"]
    before = src.read_bytes()
    out_file = tmp_path / "hanam-cds-noibo-2025.yaml"
    code, out, err = run(capsys, "framework", "copy", "hanam-cds-noibo-2022", "--id", "hanam-cds-noibo-2025",
                         "--edition", "2025", "--out", str(out_file), "--name-suffix", "(2025)")
    assert code == 0, err
    assert "hanam-cds-noibo-2025" in out
    assert src.read_bytes() == before
    copy = PointsFramework(load_framework_file(out_file))
    assert copy.id == "hanam-cds-noibo-2025" and copy.edition == 2025
    assert copy.max_points("huyen") == 385
    data = yaml.safe_load(out_file.read_text(encoding="utf-8"))
    assert data["derived_from"] == {"id": "hanam-cds-noibo-2022", "edition": 2022}
    assert data["name"]["vi"].endswith("(2025)")


def test_copy_refuses_the_same_id_and_an_existing_file_in_vietnamese(capsys, tmp_path):
    out_file = tmp_path / "x.yaml"
    code, _, err = run(capsys, "framework", "copy", "hanam-cds-noibo-2022", "--id", "hanam-cds-noibo-2022",
                       "--edition", "2025", "--out", str(out_file))
    assert code == 2 and "Bản sao cần một mã (id) mới" in err and not out_file.exists()
    out_file.write_text("giữ nguyên", encoding="utf-8")
    code, _, err = run(capsys, "framework", "copy", "hanam-cds-noibo-2022", "--id", "b", "--edition", "2025",
                       "--out", str(out_file))
    assert code == 2 and "Tệp đã tồn tại" in err
    assert out_file.read_text(encoding="utf-8") == "giữ nguyên"
    code, _, err = run(capsys, "framework", "copy", "khong-co", "--id", "b", "--edition", "2025",
                       "--out", str(tmp_path / "y.yaml"))
    assert code == 2 and "unknown framework 'khong-co'" in err and not (tmp_path / "y.yaml").exists()


COINR_LIKE = """\
id: coinr-mau
name: {vi: "Mẫu", en: "Sample"}
edition: 2025
level: synthetic
treatment: {rule: winsorise, winmax: 3, fallback: none}
root:
  code: idx
  method: geometric
  normalise: true
  children:
    - {code: a, scoring: {rule: minmax, scale: [1, 100]}}
    - {code: b, scoring: {rule: zscore, mean: 10, sd: 2}, treatment: none}
    - {code: c, scoring: {rule: ratio_to_max, scale: [0, 10]}}
    - {code: d, scoring: {rule: zscore, mean: 0.5, sd: 1.5}}
"""


def test_show_prints_each_rules_scale_shift_and_treatment(capsys, tmp_path):
    f = tmp_path / "coinr.yaml"
    f.write_text(COINR_LIKE, encoding="utf-8")
    code, out, err = run(capsys, "show", str(f))
    assert code == 0 and err == ""  # relative weights said so: no warning
    lines = {ln.split()[0]: ln for ln in out.splitlines()[2:] if ln.strip()}
    assert "minmax [1; 100], xử lý ngoại lai: winsorise tối đa 3 điểm" in lines["a"]
    assert "rồi log" not in lines["a"]  # fallback: none
    assert "zscore (trung bình 10; độ lệch chuẩn 2)" in lines["b"] and "ngoại lai" not in lines["b"]
    assert "ratio_to_max [0; 10]" in lines["c"] and "ngoại lai" not in lines["c"]  # defaults treat minmax/zscore
    assert "zscore (trung bình 0,5; độ lệch chuẩn 1,5)" in lines["d"]  # the reader's decimal comma
    code, out, _ = run(capsys, "--lang", "en", "show", str(f))
    assert "zscore (mean 0.5; sd 1.5)" in out
    assert "zscore (mean 10; sd 2)" in out and "outliers: winsorise at most 3 points" in out


def test_a_bad_framework_is_told_one_sentence_per_problem_in_the_readers_language(capsys, tmp_path):
    f = tmp_path / "bad.yaml"
    f.write_text(COINR_LIKE.replace("scale: [1, 100]}", "scale: [100, 1], sacle: 2}"), encoding="utf-8")
    code, out, err = run(capsys, "show", str(f))
    assert code == 2 and out == ""
    lines = err.splitlines()
    assert lines[0] == f"chiso: lỗi: Bộ chỉ số không hợp lệ ({f}):"
    assert any("“a”" in ln and "“sacle”" in ln and "tham số dùng được: scale" in ln for ln in lines[1:])
    assert any("“a”" in ln and "[100, 1]" in ln for ln in lines[1:])
    assert not any("invalid framework" in ln or "has no parameter" in ln for ln in lines)  # no English detail
