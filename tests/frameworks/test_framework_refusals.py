"""A bad edit of a shipped DTI edition (as a department's copy would make it) is refused with every
problem named, before anything is computed."""

from __future__ import annotations

import copy

import pytest

from chiso.engine.errors import FrameworkError
from chiso.engine.framework import Framework
from chiso.frameworks import framework_paths, load_yaml


def _shipped(fid: str) -> dict:
    return load_yaml(framework_paths()[fid].read_text(encoding="utf-8"))


def _main(data: dict, code: str) -> dict:
    return next(c for c in data["root"]["children"] if c["code"] == code)


def test_the_shipped_text_loads():
    for fid in ("vn-dti-2020-province", "vn-dti-2022-province", "vn-dti-2023-province", "vn-dti-2024-province"):
        assert Framework.from_dict(_shipped(fid)).id == fid


def test_it_refuses_a_component_without_max_points_under_a_points_main_index():
    data = copy.deepcopy(_shipped("vn-dti-2022-province"))
    main = _main(data, "nhan_thuc_so")
    del main["scoring"], main["range"]
    main["method"] = "points_ratio"
    main["children"] = [
        {"code": "nts_1", "name": {"vi": "Chỉ số thành phần thêm", "en": "An added component"},
         "max_points": 10, "scoring": "yes_no"},
        {"code": "nts_2", "name": {"vi": "Thiếu điểm tối đa", "en": "No max points"}, "scoring": "yes_no"},
    ]
    with pytest.raises(FrameworkError) as e:
        Framework.from_dict(data)
    assert "node 'nts_2': its parent adds points, so it needs max_points" in str(e.value)
    # With its points the same copy loads, and the component inherits its main index's responsibility.
    main["children"][1]["max_points"] = 10
    fw = Framework.from_dict(data)
    assignment, at = fw.assignment("nts_2")
    assert at == "nhan_thuc_so" and assignment.lead == ("so_tttt",)


def test_it_refuses_bad_responsibilities_all_at_once():
    data = copy.deepcopy(_shipped("vn-dti-2024-province"))
    _main(data, "the_che_so")["responsibility"] = {"lead": ["Sở Tư pháp"]}
    _main(data, "ha_tang_so")["responsibility"] = {"lead": ["so_tttt"], "support": ["so_tttt"], "proposal": True}
    _main(data, "nhan_luc_so")["responsibility"] = {"support": ["so_gddt"], "proposal": True}
    _main(data, "an_toan_thong_tin_mang")["responsibility"] = {"lead": ["so_tttt"]}
    with pytest.raises(FrameworkError) as e:
        Framework.from_dict(data)
    msg = str(e.value)
    assert "node 'the_che_so': responsibility lead: role codes are lower-case letters" in msg
    assert "node 'ha_tang_so': role so_tttt is both lead and support" in msg
    assert "node 'nhan_luc_so': responsibility names no lead role" in msg
    assert "node 'an_toan_thong_tin_mang': responsibility needs a basis" in msg


def test_it_refuses_points_that_no_longer_add_up_to_a_positive_total():
    data = copy.deepcopy(_shipped("vn-dti-2024-province"))
    for c in data["root"]["children"]:
        c["max_points"] = 0
    with pytest.raises(FrameworkError) as e:
        Framework.from_dict(data)
    assert "node 'dti': children's max_points sum to 0" in str(e.value)
