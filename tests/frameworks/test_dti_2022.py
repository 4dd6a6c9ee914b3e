"""DTI 2022 and 2023 (QĐ 922): the main indices, their points, their component counts, and the published
DTI 2022 figures we hold reproduced where the framework can."""

from __future__ import annotations

import re

import pytest

from chiso.engine.compute import compute
from chiso.frameworks import load_framework
from chiso.reference import published_rows

EDITIONS = ("vn-dti-2022-province", "vn-dti-2023-province")
MAINS = ("nhan_thuc_so", "the_che_so", "ha_tang_so", "nhan_luc_so", "an_toan_thong_tin_mang", "do_thi_thong_minh",
         "hoat_dong_chinh_quyen_so", "hoat_dong_kinh_te_so", "hoat_dong_xa_hoi_so")
SCORED = tuple(c for c in MAINS if c != "do_thi_thong_minh")
# The main indices and the DTI are published rounded to 4 decimals: Σ max_i × x_i / 1000 moves by at most
# Σ max_i × 0.00005 / 1000 = 0.00005 when each x_i is rounded, and the published total by 0.00005 more.
ROUNDING = 0.0001


def _structure():
    """Main index name -> (components, max points) from the published structure table (rows 1–9)."""
    return {r["main_index"]: (int(r["component_indices"]), int(r["max_points"]))
            for r in published_rows("dti_framework_qd922_2022_province_structure") if r["no"]}


@pytest.mark.parametrize("fid", EDITIONS)
def test_it_keeps_the_codes_and_points_of_the_annex(fid):
    fw = load_framework(fid)
    assert fw.root.code == "dti" and fw.root.method == "points_ratio" and fw.rank_decimals == 4
    assert tuple(c.code for c in fw.root.children) == MAINS
    assert sum(c.max_points for c in fw.root.children) == 1000
    assert fw.status == "official" and all(c.status == "official" for c in fw.root.children)
    assert not fw.node("do_thi_thong_minh").scored and fw.node("do_thi_thong_minh").max_points == 0


@pytest.mark.parametrize("fid", EDITIONS)
def test_its_component_counts_agree_with_the_structure_table(fid):
    fw = load_framework(fid)
    table = _structure()
    by_name = {c.label("vi"): c for c in fw.root.children}
    assert set(by_name) == set(table)
    for name, (components, points) in table.items():
        node = by_name[name]
        listed = len(node.children)
        assert node.max_points == points, name
        # Components listed here plus those the annex has and this file does not list.
        assert listed + node.extra.get("extra_components", 0) == components, name
    assert fw.extra["components"] == {"official": 98, "listed": sum(len(c.children) for c in fw.root.children)}


def test_2023_is_scored_on_the_same_structure_as_2022():
    a, b = (load_framework(f) for f in EDITIONS)
    assert b.edition == 2023 and "3243/BTTTT-CĐSQG" in {lb["number"] for lb in b.legal_basis}
    shape = [(c.code, c.max_points, c.extra.get("extra_components"), c.responsibility) for c in a.root.children]
    assert shape == [(c.code, c.max_points, c.extra.get("extra_components"), c.responsibility)
                     for c in b.root.children]


def test_it_reproduces_the_published_dti_from_the_main_indices():
    rows = published_rows("dti_2022_province_main_indices_partial")
    assert len(rows) == 5
    fw = load_framework("vn-dti-2022-province")
    data = {r["province_as_published"]: {c: float(r[c]) for c in SCORED} for r in rows}
    result = compute(fw, data, sources="https://dti.gov.vn/xep-hang-2022")
    for r in rows:
        assert abs(result.score(r["province_as_published"]) - float(r["dti"])) <= ROUNDING, r
        assert result.rank_of(r["province_as_published"]) == int(r["rank_dti_2022"])
    # Đô thị thông minh (0 points) is never needed: no value was given and nothing is missing.
    assert not result.missing_report


def test_it_ranks_published_totals_as_published():
    """Totals given directly (a node with a value is not recomputed) rank in the published order."""
    fw = load_framework("vn-dti-2022-province")
    main = {r["province_as_published"]: (float(r["dti"]), int(r["rank_dti_2022"]))
            for r in published_rows("dti_2022_province_main_indices_partial")}
    selected = {r["province"]: (float(r["dti_value"]), int(r["rank"]))
                for r in published_rows("dti_2020-2024_selected_province_values")
                if r["dti_year"] == "2022" and r["dti_value"]}
    assert {"Quảng Bình", "Trà Vinh", "Hải Dương"} <= set(selected)
    totals = {**selected, **main}  # the same province in both tables has the same published total
    result = compute(fw, {p: {"dti": v} for p, (v, _r) in totals.items()})
    order = sorted(totals, key=lambda p: totals[p][1])
    assert [result.rank_of(p) for p in order] == list(range(1, len(order) + 1))
    assert all(result.score(p) == v for p, (v, _r) in totals.items())


def test_it_turns_published_points_into_the_published_value():
    (qb,) = [r for r in published_rows("dti_2020-2024_selected_province_values")
             if r["dti_year"] == "2022" and r["province"] == "Quảng Bình"]
    points = float(re.search(r"(\d+,\d+)/1\.000 điểm", qb["note"]).group(1).replace(",", "."))
    fw = load_framework("vn-dti-2022-province")
    total = sum(c.max_points for c in fw.root.children)
    assert round(points / total, fw.rank_decimals) == float(qb["dti_value"])  # 541,46 / 1000 -> 0.5415
