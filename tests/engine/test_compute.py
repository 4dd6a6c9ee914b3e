from __future__ import annotations

import numpy as np
import pytest

from chiso.engine.compute import compute, regenerate
from chiso.engine.errors import AggregationError, InputError, MissingDataError
from chiso.engine.framework import Framework
from chiso.frameworks import load_framework

ICT = load_framework("vn-ict-index-2016-province")
DTI = load_framework("vn-dti-2022-province")


def small(method="weighted_mean", missing="error", rule="minmax"):
    return Framework.from_dict({
        "id": "s", "name": "s", "edition": 2024, "missing": missing,
        "root": {"code": "tot", "method": method, "children": [
            {"code": "A", "method": "weighted_mean", "weight": 2, "children": [
                {"code": "a1", "scoring": rule}, {"code": "a2", "scoring": rule}]},
            {"code": "B", "method": "weighted_mean", "weight": 1, "children": [
                {"code": "b1", "scoring": rule, "direction": -1}]},
        ]},
    })


DATA = {"u1": {"a1": 0, "a2": 10, "b1": 5}, "u2": {"a1": 5, "a2": 0, "b1": 0}, "u3": {"a1": 10, "a2": 5, "b1": 2}}


def test_it_computes_a_small_index_by_hand():
    r = compute(small(), DATA)
    # a: minmax over 0..10; b1 reversed over 0..5
    A = {"u1": (0 + 1) / 2, "u2": (0.5 + 0) / 2, "u3": (1 + 0.5) / 2}
    B = {"u1": 0.0, "u2": 1.0, "u3": 0.6}
    for u in DATA:
        assert r.score(u, "A") == pytest.approx(A[u])
        assert r.score(u, "B") == pytest.approx(B[u])
        assert r.score(u) == pytest.approx((2 * A[u] + B[u]) / 3)
    assert [r.rank_of(u) for u in ("u1", "u2", "u3")] == [3, 2, 1]


def test_it_computes_ict_index_as_mean_of_components():
    r = compute(ICT, {"Hà Nam": {"htkt": 0.5, "htnl": 0.4, "ud": 0.6},
                      "Bắc Ninh": {"htkt": 0.7, "htnl": 0.5, "ud": 0.6}})
    assert r.score("Hà Nam") == pytest.approx(0.5) and r.rank_of("Hà Nam") == 2
    assert r.score("Bắc Ninh") == pytest.approx(0.6)


def test_it_does_not_recompute_a_given_node():
    data = {"x": {"htkt": 0.9, "htnl": 0.3, "ud_noi_bo": 0.2, "dvctt": 0.4},
            "y": {"htkt": 0.1, "htnl": 0.3, "ud": 0.5, "ud_noi_bo": 1.0, "dvctt": 1.0}}
    r = compute(ICT, data)
    assert r.score("x", "ud") == pytest.approx(0.3)  # computed from its two parts
    assert r.score("y", "ud") == pytest.approx(0.5)  # given: its parts are ignored
    assert r.given[r.units.index("y"), r.codes.index("ud")]
    assert r.score("y") == pytest.approx((0.1 + 0.3 + 0.5) / 3)


def test_it_computes_dti_from_published_main_indices():
    vals = {"nhan_thuc_so": 0.7, "the_che_so": 0.6, "ha_tang_so": 0.5, "nhan_luc_so": 0.4,
            "an_toan_thong_tin_mang": 0.3, "hoat_dong_chinh_quyen_so": 0.8, "hoat_dong_kinh_te_so": 0.5,
            "hoat_dong_xa_hoi_so": 0.6}
    r = compute(DTI, {"P": vals, "Q": {k: v / 2 for k, v in vals.items()}})
    expected = (70 + 60 + 50 + 40 + 30 + 160 + 75 + 90) / 1000
    assert r.score("P") == pytest.approx(expected) and r.score("Q") == pytest.approx(expected / 2)


def test_it_shares_ranks_on_ties_as_published():
    base = {c.code: 0.5 for c in DTI.root.children}
    data = {"a": {**base, "the_che_so": 0.6}, "b": base, "c": dict(base), "d": {**base, "the_che_so": 0.1}}
    r = compute(DTI, data)
    assert [r.rank_of(u) for u in "abcd"] == [1, 2, 2, 4]


def test_it_ranks_on_values_rounded_to_four_decimals():
    base = {c.code: 0.5 for c in DTI.root.children}
    r = compute(DTI, {"a": {**base, "the_che_so": 0.50004}, "b": base})
    assert r.rank_of("a") == r.rank_of("b") == 1


def test_it_raises_on_missing_value_listing_every_cell():
    with pytest.raises(MissingDataError) as e:
        compute(small(), {"u1": {"a1": 1, "b1": 2}, "u2": {"a1": 3, "a2": 4}})
    assert e.value.params["cells"] == [["u1", "a2"], ["u2", "b1"]]


def test_it_skips_and_reweights_and_reports():
    r = compute(small(), {"u1": {"a1": 0, "a2": 10, "b1": 5}, "u2": {"a1": 10, "b1": 0}}, missing="reweight")
    assert r.score("u2", "A") == pytest.approx(1.0)  # only a1 (scored 1)
    assert r.missing_report == [{"unit": "u2", "code": "a2", "action": "skipped", "method": "reweight",
                                 "value": None}]


@pytest.mark.parametrize("method,fill", [("mean", 5.0), ("median", 5.0), ("min", 0.0), ("max", 10.0), ("zero", 0.0)])
def test_it_imputes_by_named_method(method, fill):
    data = {"u1": {"a1": 0, "a2": 0, "b1": 1}, "u2": {"a1": 1, "a2": 10, "b1": 1}, "u3": {"a1": 2, "b1": 3}}
    r = compute(small(), data, missing=f"impute:{method}")
    i, j = r.units.index("u3"), r.codes.index("a2")
    assert r.imputed[i, j] == fill and np.isnan(r.raw[i, j])
    assert r.missing_report[0]["method"] == method and r.missing_report[0]["value"] == fill


def test_it_rejects_out_of_range_unknown_code_duplicates_and_text():
    with pytest.raises(InputError) as e:
        compute(DTI, {"a": {"nhan_thuc_so": 1.2}})
    assert e.value.code == "out_of_range" and "'nhan_thuc_so': 1.2 is outside [0, 1]" in str(e.value)
    with pytest.raises(InputError) as e:
        compute(DTI, {"a": {"nhan_thuc": 0.2}})
    assert e.value.code == "unknown_code" and e.value.params["codes"] == ["nhan_thuc"]
    with pytest.raises(InputError) as e:
        compute(DTI, [[0.1], [0.2]], units=["a", "a"], codes=["dti"])
    assert e.value.code == "duplicate_unit"
    with pytest.raises(InputError) as e:
        compute(DTI, {"a": {"dti": "cao"}})
    assert e.value.code == "not_numeric"


def test_it_rejects_points_above_max():
    fw = Framework.from_dict({"id": "p", "name": "p", "edition": 1, "root": {
        "code": "tot", "method": "points_sum", "children": [
            {"code": "g", "max_points": 20, "method": "points_sum", "children": [
                {"code": "x", "scoring": "yes_no", "max_points": 20}]}]}})
    with pytest.raises(InputError) as e:
        compute(fw, {"u": {"tot": 25}})
    assert "'tot': 25 is outside [0, 20]" in str(e.value)


def test_it_errors_on_geometric_mean_of_zero_naming_the_cell():
    with pytest.raises(AggregationError) as e:
        compute(small(method="geometric"), DATA)
    assert e.value.params["node"] == "tot" and e.value.params["cells"] == ["u1/B"]


def test_it_explains_every_node_with_contributions_adding_up():
    raw = _ict_raw()
    r = compute(ICT, raw, sources={u: f"form:{u}" for u in raw})
    contrib = r.contributions_to_root()
    ind = [r.codes.index(n.code) for n in ICT.indicators]
    np.testing.assert_allclose(contrib[:, ind].sum(axis=1), r.total)
    np.testing.assert_allclose(contrib[:, [r.codes.index(c) for c in ("htkt", "htnl", "ud")]].sum(axis=1), r.total)
    rows = r.explain("u0")
    top = {row["code"]: row for row in rows}
    assert top["ict_index"]["rank"] == r.rank_of("u0")
    assert top["htkt"]["contributions"]["ict_index"] == pytest.approx(r.score("u0", "htkt") / 3)
    assert top["dvc_muc_3"]["source"] == "form:u0"
    assert set(top["dvc_muc_3"]["contributions"]) == {"dvctt", "ud", "ict_index"}


def test_it_regenerates_identically_from_the_recipe():
    r = compute(ICT, _ict_raw(), missing="impute:median")
    again = regenerate(r)
    np.testing.assert_array_equal(again.scores, r.scores)
    assert again.recipe["inputs_sha256"] == r.recipe["inputs_sha256"]


def test_it_merges_units_as_the_mean_of_former_main_indices():
    base = {c.code: 0.5 for c in DTI.root.children}
    data = {"Hà Nam": {**base, "ha_tang_so": 0.2}, "Nam Định": {**base, "ha_tang_so": 0.6},
            "Ninh Bình": {**base, "ha_tang_so": 0.7}, "Hà Nội": {**base, "ha_tang_so": 0.9}}
    r = compute(DTI, data, merges={"Ninh Bình (mới)": ["Hà Nam", "Nam Định", "Ninh Bình"], "Hà Nội": ["Hà Nội"]})
    assert set(r.units) == {"Ninh Bình (mới)", "Hà Nội"}
    assert r.score("Ninh Bình (mới)", "ha_tang_so") == pytest.approx(0.5)
    assert r.score("Ninh Bình (mới)") == pytest.approx(0.5)  # total recomputed
    assert r.merged_from["Ninh Bình (mới)"] == ["Hà Nam", "Nam Định", "Ninh Bình"]
    assert r.parts["before_merge"].rank_of("Hà Nam") == 4


def _ict_raw(n=6, seed=3):
    rng = np.random.default_rng(seed)
    data = {}
    for i in range(n):
        row = {}
        for ind in ICT.indicators:
            hi = ind.value_range[1] or 150.0
            row[ind.code] = float(rng.uniform(0, hi))
        data[f"u{i}"] = row
    return data


def test_it_records_provenance_per_cell():
    r = compute(ICT, {"a": {"htkt": 0.1, "htnl": 0.2, "ud": 0.3}, "b": {"htkt": 0.3, "htnl": 0.2, "ud": 0.1}},
                sources={"a": "Sở TT&TT, đợt 2024"})
    assert r.sources[("a", "htkt")] == "Sở TT&TT, đợt 2024" and r.sources[("b", "ud")] == "input"


def test_it_computes_with_no_input_codes_under_reweight():
    # A unit with no value at all: nothing to hash, nothing to score, the total is missing.
    r = compute(ICT, [[], []], units=["a", "b"], codes=[], missing="reweight")
    assert np.all(np.isnan(r.total)) and r.rank_of("a") is None
