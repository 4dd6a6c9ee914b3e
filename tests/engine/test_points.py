"""Points-based internal indices: tiers, applicability, rules, evidence, bands, ranks, copies."""

from __future__ import annotations

import copy
import math

import numpy as np
import pytest
import yaml

from chiso.engine.errors import FrameworkError, InputError
from chiso.engine.points import PointsFramework, copy_framework
from chiso.frameworks import framework_paths, load_framework


def _data(**top):
    data = {
        "id": "t-noibo", "kind": "internal", "name": {"vi": "Thử"}, "edition": 2024, "status": "template",
        "tiers": [{"code": "so", "name": {"vi": "Sở"}}, {"code": "huyen", "name": {"vi": "Huyện"}}],
        "bands": [{"code": "tot", "name": {"vi": "Tốt"}, "min": 0.8, "light": "green"},
                  {"code": "tb", "name": {"vi": "Trung bình"}, "min": 0.5, "light": "amber"},
                  {"code": "yeu", "name": {"vi": "Yếu"}, "min": 0, "light": "red"}],
        "root": {"code": "r", "method": "points_sum", "children": [
            {"code": "g1", "method": "points_sum", "children": [
                {"code": "hop", "max_points": 20, "tiers": ["huyen"], "value": {"kind": "count"},
                 "scoring": {"rule": "threshold", "steps": [[4, 20], [3, 15], [2, 10], [1, 5]], "points": 20},
                 "evidence_required": True},
                {"code": "ty_le", "max_points": 20, "value": {"kind": "ratio", "inputs": {"a": {"vi": "a"}, "b": {"vi": "b"}}},
                 "scoring": {"rule": "ratio_capped", "target": 1.0}},
            ]},
            {"code": "g2", "method": "points_sum", "children": [
                {"code": "co", "max_points": 10, "value": {"kind": "yes_no"}, "scoring": "yes_no"},
                {"code": "muc", "max_points": 10, "value": {"kind": "level", "levels": {0: {"vi": "chưa"}, 1: {"vi": "một phần"}, 2: {"vi": "đủ"}}},
                 "scoring": {"rule": "partial", "levels": {0: 0, 1: 0.5, 2: 1}}},
                {"code": "kts", "max_points": 40, "tiers": ["so"], "only_for": ["kinh_te_so"], "value": {"kind": "percent"},
                 "scoring": {"rule": "ratio_capped", "target": 100}},
            ]},
        ]},
    }
    data.update(top)
    return data


@pytest.fixture
def pfw():
    return PointsFramework.from_dict(_data())


def test_it_computes_each_units_maximum_from_what_applies(pfw):
    assert [i.code for i in pfw.indicators("huyen")] == ["hop", "ty_le", "co", "muc"]
    assert [i.code for i in pfw.indicators("so")] == ["ty_le", "co", "muc"]
    assert [i.code for i in pfw.indicators("so", {"kinh_te_so"})] == ["ty_le", "co", "muc", "kts"]
    assert pfw.max_points("huyen") == 60
    assert pfw.max_points("so") == 40
    assert pfw.max_points("so", {"kinh_te_so"}) == 80
    assert [g.code for g in pfw.groups] == ["g1", "g2"]
    with pytest.raises(InputError) as e:
        pfw.indicators("xa")
    assert e.value.code == "unknown_tier"


def test_it_scores_each_rule_in_points(pfw):
    assert pfw.points("hop", 3) == 15
    assert pfw.points("hop", 9) == 20
    assert pfw.points("hop", 0) == 0
    assert pfw.points("ty_le", pfw.value_of("ty_le", {"a": 3, "b": 4})) == 15
    assert pfw.points("co", pfw.value_of("co", "có")) == 10
    assert pfw.points("co", pfw.value_of("co", False)) == 0
    assert pfw.points("muc", pfw.value_of("muc", "1")) == 5
    assert pfw.points("kts", pfw.value_of("kts", "37,5")) == 15
    assert math.isnan(pfw.points("hop", pfw.value_of("hop", "")))


def test_no_evidence_means_zero_where_evidence_is_required(pfw):
    assert pfw.points("hop", 4, has_evidence=False) == 0
    assert pfw.points("ty_le", 1.0, has_evidence=False) == 20  # evidence not required there
    m = pfw.points_matrix(["hop", "ty_le"], [[4, 1.0], [4, 1.0], [np.nan, 0.5]],
                          evidence=[[True, False], [False, False], [False, False]])
    assert m[0].tolist() == [20, 20] and m[1].tolist() == [0, 20]
    assert math.isnan(m[2, 0]) and m[2, 1] == 10


@pytest.mark.parametrize(("code", "raw", "err"), [
    ("hop", "nhiều", "not_a_number"),
    ("hop", -1, "negative"),
    ("hop", 2.5, "not_integer"),
    ("kts", 101, "percent_range"),
    ("ty_le", {"a": 5, "b": 4}, "ratio_exceeds"),
    ("ty_le", {"a": 1, "b": 0}, "ratio_zero_base"),
    ("ty_le", 0.5, "ratio_inputs"),
    ("co", "có lẽ", "not_yes_no"),
    ("muc", 7, "unknown_level"),
    ("nope", 1, "unknown_code"),
])
def test_bad_values_raise_a_coded_error_naming_the_indicator(pfw, code, raw, err):
    with pytest.raises(InputError) as e:
        pfw.value_of(code, raw)
    assert e.value.code == err
    assert code in str(e.value)


def test_assess_totals_bands_and_shared_ranks(pfw):
    codes = ["hop", "ty_le", "co", "muc"]
    pts = np.array([
        [20, 20, 10, 10],   # 60/60
        [15, 20, 10, 5],    # 50
        [20, 15, 10, 5],    # 50 -> tie with the unit above
        [0, 10, 0, np.nan],  # 10: missing counts as 0
        [20, 20, 10, 10],   # excluded: scored, not ranked
    ])
    a = pfw.assess(codes, pts, excluded=[False, False, False, False, True])
    assert a.total.tolist() == [60, 50, 50, 10, 60]
    assert a.max.tolist() == [60] * 5
    assert a.rank[:4].tolist() == [1, 2, 2, 4] and math.isnan(a.rank[4])
    assert a.rank_by == "points"
    assert a.band == ["tot", "tot", "tot", "yeu", "tot"]
    assert a.group_points[1].tolist() == [35, 15] and a.group_max[1].tolist() == [40, 20]
    assert a.lost[3].tolist() == [20, 10, 10, 10]


def test_a_unit_with_no_data_gets_no_rank_no_band_and_no_ratio(pfw):
    # issue 17: before anything is entered a unit is not "0 points, rank 1, Yếu"
    codes = ["hop", "ty_le", "co", "muc"]
    nan = np.nan
    pts = np.array([
        [20, 15, 10, 5],         # 50/60
        [nan, nan, nan, nan],    # nothing entered
        [0, 0, 0, 0],            # entered, all 0: a real 0
        [nan, 10, nan, nan],     # one score: has data, 10/60
        [nan, nan, nan, nan],    # nothing entered and excluded
    ])
    a = pfw.assess(codes, pts, excluded=[False, False, False, False, True])
    assert a.scored.tolist() == [True, False, True, True, False]
    assert a.total.tolist() == [50, 0, 0, 10, 0]
    # ranked among the three units with data: 50 > 10 > 0
    assert a.rank[[0, 3, 2]].tolist() == [1, 2, 3]
    assert math.isnan(a.rank[1]) and math.isnan(a.rank[4])
    assert math.isnan(a.ratio[1]) and math.isnan(a.ratio[4]) and a.ratio[2] == 0
    assert a.band == ["tot", "", "yeu", "yeu", ""]  # 50/60 ≈ 0.83; 0; 10/60 ≈ 0.17


def test_no_unit_with_data_ranks_nobody(pfw):
    a = pfw.assess(["co", "muc"], np.full((3, 2), np.nan))
    assert np.isnan(a.rank).all() and a.band == ["", "", ""] and not a.scored.any()


def test_a_score_where_the_indicator_does_not_apply_is_no_data(pfw):
    codes = ["ty_le", "kts"]
    app = pfw.applicable_matrix(codes, ["so", "so"], [frozenset(), frozenset({"kinh_te_so"})])
    a = pfw.assess(codes, [[np.nan, 30], [np.nan, 30]], applicable=app)
    assert a.scored.tolist() == [False, True]
    assert math.isnan(a.rank[0]) and a.rank[1] == 1


def test_assess_ranks_on_the_ratio_when_maxima_differ(pfw):
    codes = ["ty_le", "co", "muc", "kts"]
    app = pfw.applicable_matrix(codes, ["so", "so"], [frozenset({"kinh_te_so"}), frozenset()])
    assert app.tolist() == [[True, True, True, True], [True, True, True, False]]
    # 60 of 80 (0.75) against 35 of 40 (0.875): the smaller unit ranks first
    a = pfw.assess(codes, [[20, 10, 10, 20], [20, 10, 5, 40]], applicable=app)
    assert a.max.tolist() == [80, 40]
    assert a.total.tolist() == [60, 35]  # a score where nothing applies is ignored
    assert a.rank_by == "ratio" and a.rank.tolist() == [2, 1]
    assert a.band == ["tb", "tot"]


def test_band_boundaries_are_inclusive(pfw):
    a = pfw.assess(["ty_le", "co", "muc"], [[16, 10, 6], [10, 10, 0]])  # 32/40 = 0.8, 20/40 = 0.5
    assert a.band == ["tot", "tb"]


def test_points_outside_the_maximum_are_refused(pfw):
    with pytest.raises(InputError) as e:
        pfw.assess(["co"], [[10], [11]])
    assert e.value.code == "points_range" and e.value.params["positions"] == [[1, 0]]


@pytest.mark.parametrize(("change", "fragment"), [
    (lambda d: d["bands"].reverse(), "highest first"),
    (lambda d: d["bands"].pop(), "lowest band must start at 0"),
    (lambda d: d["root"]["children"][0]["children"][0].update(tiers=["xa"]), "unknown tier(s) xa"),
    (lambda d: d["root"]["children"][0]["children"][1].update(scoring={"rule": "minmax"}), "cannot score a unit"),
    (lambda d: d["root"]["children"][0]["children"][0].update(max_points=0), "needs max_points > 0"),
    (lambda d: d["root"]["children"][0]["children"][0]["scoring"].update(points=25), "differ from max_points"),
    (lambda d: d["root"]["children"][1]["children"][1]["value"]["levels"].pop(2), "are scored but not named"),
])
def test_invalid_internal_frameworks_list_the_problem(change, fragment):
    d = _data()
    change(d)
    with pytest.raises(FrameworkError) as e:
        PointsFramework.from_dict(d)
    assert fragment in str(e.value)


def test_a_national_index_is_not_an_internal_framework():
    with pytest.raises(FrameworkError) as e:
        PointsFramework(load_framework("vn-dti-2022-province"))
    assert "kind must be 'internal'" in str(e.value)


def test_the_shipped_template_is_marked_and_has_three_tiers():
    pfw = PointsFramework(load_framework("hanam-cds-noibo-2022"))
    assert pfw.status == "template"
    assert [t.code for t in pfw.tiers] == ["so", "huyen", "xa"]
    for t in pfw.tiers:
        assert pfw.max_points(t.code) > 0 and len(pfw.indicators(t.code)) >= 15
    for ind in pfw.indicators():
        assert ind.verifier and ind.data_provider and ind.source, ind.code
        for names in [ind.name, *ind.inputs.values(), *ind.levels.values()]:
            assert set(names) <= {"vi", "en"} and names.get("vi"), (ind.code, names)
    # the published district rule 1.1: 4 meetings = 20, 3 = 15, 2 = 10, 1 = 5, no evidence = 0
    assert [pfw.points("nts_hop_bcd", n) for n in (4, 3, 2, 1, 0)] == [20, 15, 10, 5, 0]
    assert pfw.points("nts_hop_bcd", 4, has_evidence=False) == 0


def test_copy_for_a_new_year_leaves_the_source_untouched():
    path = framework_paths()["hanam-cds-noibo-2022"]
    src = yaml.safe_load(path.read_text(encoding="utf-8"))
    before = copy.deepcopy(src)
    new = copy_framework(src, new_id="hanam-cds-noibo-2025", edition=2025, name_suffix="(2025)")
    assert src == before
    assert new["id"] == "hanam-cds-noibo-2025" and new["edition"] == 2025
    assert new["derived_from"] == {"id": "hanam-cds-noibo-2022", "edition": 2022}
    assert new["name"]["vi"].endswith("(2025)")
    new["root"]["children"][0]["children"][0]["max_points"] = 30
    new["root"]["children"][0]["children"][0]["scoring"]["points"] = 30
    assert src["root"]["children"][0]["children"][0]["max_points"] == 20  # a deep copy
    assert PointsFramework.from_dict(new).indicator("nts_hop_bcd").max_points == 30
    with pytest.raises(FrameworkError) as e:
        copy_framework(src, new_id="hanam-cds-noibo-2022", edition=2025)
    assert e.value.code == "copy_same_id"
    with pytest.raises(FrameworkError) as e:
        copy_framework(src, new_id="x", edition=25)
    assert e.value.code == "copy_edition"


def test_it_scores_and_ranks_a_merged_province_sized_cycle():
    # 1 000 units × 60 indicators: the shape the benchmark times; here only correctness.
    rng = np.random.default_rng(7)
    d = _data()
    d["root"]["children"] = [{"code": f"g{g}", "method": "points_sum", "children": [
        {"code": f"i{g}_{j}", "max_points": 10, "scoring": {"rule": "ratio_capped", "target": 100},
         "value": {"kind": "percent"}} for j in range(10)]} for g in range(6)]
    pfw = PointsFramework.from_dict(d)
    codes = pfw.codes
    vals = rng.uniform(0, 100, size=(1000, 60))
    pts = pfw.points_matrix(codes, vals)
    a = pfw.assess(codes, pts)
    assert np.allclose(a.total, vals.sum(axis=1) / 10)
    order = np.argsort(-np.round(a.total, 2), kind="stable")
    assert a.rank[order[0]] == 1 and a.rank[order[-1]] == 1 + np.sum(np.round(a.total, 2) > np.round(a.total[order[-1]], 2))


@pytest.mark.parametrize("bad", ["hai mươi", True, float("nan"), [20]])
def test_a_non_numeric_max_points_is_a_framework_error_not_a_crash(bad):
    d = _data()
    d["root"]["children"][0]["children"][0]["max_points"] = bad
    with pytest.raises(FrameworkError) as e:
        PointsFramework.from_dict(d)
    assert "node 'hop': max_points must be a number" in str(e.value)


def test_a_threshold_table_out_of_step_with_max_points_names_both_as_written():
    d = _data()
    d["root"]["children"][0]["children"][0]["scoring"]["points"] = 25
    with pytest.raises(FrameworkError) as e:
        PointsFramework.from_dict(d)
    assert "threshold points 25 differ from max_points 20;" in str(e.value) + ";"
