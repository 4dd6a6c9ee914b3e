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
