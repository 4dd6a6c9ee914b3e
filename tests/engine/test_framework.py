from __future__ import annotations

import pytest

from chiso.engine.errors import FrameworkError
from chiso.engine.framework import Framework
from chiso.frameworks import framework_paths, list_frameworks, load_framework, load_framework_file


def _fw(root, **kw):
    return Framework.from_dict({"id": "t", "name": "t", "edition": 2024, "root": root, **kw}, path="t.yaml")


def test_it_ships_the_six_editions_and_the_internal_template():
    assert set(framework_paths()) == {
        "vn-ict-index-2015-province", "vn-ict-index-2016-province", "vn-dti-2020-province", "vn-dti-2022-province",
        "vn-dti-2023-province", "vn-dti-2024-province", "hanam-cds-noibo-2022",
    }
    assert {f.id for f in list_frameworks() if f.kind == "internal"} == {"hanam-cds-noibo-2022"}
    by_id = {f.id: f for f in list_frameworks()}
    assert by_id["vn-dti-2024-province"].status == "provisional"
    assert by_id["vn-ict-index-2015-province"].status == "provisional"
    for f in by_id.values():
        assert f.sources, f"{f.id} has no source"


def test_it_loads_dti_2022_structure():
    fw = load_framework("vn-dti-2022-province")
    assert fw.root.code == "dti" and fw.root.method == "points_ratio"
    pts = {c.code: c.max_points for c in fw.root.children}
    assert pts == {
        "nhan_thuc_so": 100, "the_che_so": 100, "ha_tang_so": 100, "nhan_luc_so": 100,
        "an_toan_thong_tin_mang": 100, "do_thi_thong_minh": 0, "hoat_dong_chinh_quyen_so": 200,
        "hoat_dong_kinh_te_so": 150, "hoat_dong_xa_hoi_so": 150,
    }
    assert sum(pts.values()) == 1000


def test_it_loads_ict_2016_with_split_ud():
    fw = load_framework("vn-ict-index-2016-province")
    assert [c.code for c in fw.root.children] == ["htkt", "htnl", "ud"]
    assert [c.code for c in fw.node("ud").children] == ["ud_noi_bo", "dvctt"]
    assert all(n.status == "provisional" for n in fw.indicators)


def test_it_rejects_unknown_framework_listing_known_ones():
    with pytest.raises(FrameworkError) as e:
        load_framework("vn-dti-2099")
    assert e.value.code == "unknown_framework" and "vn-dti-2022-province" in str(e.value)


def test_it_reports_a_cycle():
    with pytest.raises(FrameworkError) as e:
        Framework.from_dict({
            "id": "c", "name": "c", "edition": 1, "root": "a",
            "nodes": [{"code": "a", "method": "weighted_mean", "children": ["b"]},
                      {"code": "b", "method": "weighted_mean", "children": ["a"]}],
        }, path="c.yaml")
    assert "cycle: a -> b -> a" in str(e.value) and "c.yaml" in str(e.value)


def test_it_reports_unknown_child_and_negative_weight_together():
    with pytest.raises(FrameworkError) as e:
        Framework.from_dict({
            "id": "c", "name": "c", "edition": 1, "root": "a",
            "nodes": [{"code": "a", "method": "weighted_mean", "children": ["b", "zz"]},
                      {"code": "b", "scoring": "minmax", "weight": -1}],
        })
    msg = str(e.value)
    assert "unknown child 'zz'" in msg and "node 'b': weight must be >= 0, got -1" in msg


def test_it_reports_bad_method_rule_and_missing_points():
    with pytest.raises(FrameworkError) as e:
        _fw({"code": "r", "method": "median", "children": [{"code": "x", "scoring": "magic"}]})
    assert "method must be one of" in str(e.value) and "unknown scoring rule 'magic'" in str(e.value)
    with pytest.raises(FrameworkError) as e:
        _fw({"code": "r", "method": "points_ratio", "children": [{"code": "x", "scoring": "given"}]})
    assert "needs max_points" in str(e.value)


def test_it_reports_duplicate_codes_and_bad_threshold():
    with pytest.raises(FrameworkError) as e:
        _fw({"code": "r", "method": "weighted_mean", "children": [
            {"code": "x", "scoring": {"rule": "threshold", "steps": "many"}},
            {"code": "x", "scoring": "minmax"},
        ]})
    assert "duplicate code" in str(e.value) and "threshold needs steps" in str(e.value)


def test_it_reports_yaml_syntax_with_line(tmp_path):
    p = tmp_path / "bad.yaml"
    p.write_text("id: x\nroot: [unclosed\n", encoding="utf-8")
    with pytest.raises(FrameworkError) as e:
        load_framework_file(p)
    assert e.value.code == "yaml_syntax" and "line" in str(e.value)


def test_it_computes_score_ranges():
    fw = _fw({"code": "r", "method": "points_sum", "children": [
        {"code": "a", "scoring": "yes_no", "max_points": 20}, {"code": "b", "scoring": "minmax", "max_points": 30}]})
    assert fw.root.score_range == (0.0, 50.0)


def test_it_parses_every_shipped_node_without_stray_keys():
    # A comma inside an unquoted flow-mapping value would split a name into stray keys.
    for fw in list_frameworks():
        for n in fw.nodes:
            assert set(n.name) <= {"vi", "en"} and n.name.get("vi"), (fw.id, n.code, n.name)
            allowed = {"extra_components"} if fw.kind == "index" else {
                "tiers", "only_for", "value", "evidence", "evidence_required", "data_provider", "verifier"}
            assert set(n.extra) <= allowed, (fw.id, n.code, n.extra)
