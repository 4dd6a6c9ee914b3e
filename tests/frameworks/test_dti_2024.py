"""DTI 2024 (QĐ 405): the structure as far as it is public, provisional where the points are unknown."""

from __future__ import annotations

from chiso.engine.compute import compute
from chiso.frameworks import load_framework
from chiso.reference import published_rows

MAINS = ("nhan_thuc_so", "the_che_so", "ha_tang_so", "nhan_luc_so", "an_toan_thong_tin_mang",
         "hoat_dong_chinh_quyen_so", "hoat_dong_kinh_te_so", "hoat_dong_xa_hoi_so")


def _summary(item):
    (row,) = [r for r in published_rows("dti_framework_qd405_2025_summary")
              if r["level"] == "province" and r["item"] == item]
    return row["value"]


def test_it_has_the_eight_published_main_indices():
    fw = load_framework("vn-dti-2024-province")
    names = [n.strip() for n in _summary("main indices (names)").split(";")]
    assert [c.label("vi") for c in fw.root.children] == names
    assert tuple(c.code for c in fw.root.children) == MAINS
    assert _summary("main / component indices").startswith("8 / 47")
    assert fw.extra["components"] == {"official": 47, "listed": 0}
    assert sum(c.max_points for c in fw.root.children) == 1000


def test_it_says_the_points_are_unknown_everywhere():
    fw = load_framework("vn-dti-2024-province")
    assert _summary("max points per main index") == "NOT FOUND"
    assert fw.status == "provisional" and fw.root.status == "provisional"
    assert all(c.status == "provisional" for c in fw.root.children)
    assert "(tạm tính)" in fw.name["vi"] and "provisional" in fw.name["en"]
    assert "CHƯA CÓ" in fw.notes and "NOT known" in fw.notes


def test_a_merged_province_takes_the_mean_of_its_former_provinces():
    # The rule of the summary table ("main index of merged province = arithmetic mean ..."), on made-up values.
    assert "arithmetic mean" in _summary("merged provinces (2024 results)")
    fw = load_framework("vn-dti-2024-province")
    a = dict.fromkeys(MAINS, 0.6)
    b = dict.fromkeys(MAINS, 0.8)
    r = compute(fw, {"A": a, "B": b}, merges={"AB": ["A", "B"]})
    assert abs(r.score("AB") - 0.7) < 1e-12 and abs(r.score("AB", "nhan_thuc_so") - 0.7) < 1e-12
