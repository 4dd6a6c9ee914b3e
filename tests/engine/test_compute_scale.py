"""The fast paths of :func:`compute` for large inputs give what the general rules give.

Every expected number is derived here, independently of the engine: min–max per
column, weighted means per group, factors from the weights, ranks and orders by
hand.  No timing is asserted (``benchmarks/`` measures speed).
"""

from __future__ import annotations

import hashlib
import json
import pickle

import numpy as np
import pytest

from chiso.engine.compute import compute
from chiso.engine.errors import InputError
from chiso.engine.framework import Framework

GROUPS = {"A": ["a1", "a2", "a3"], "B": ["b1", "b2"], "C": ["c1", "c2", "c3", "c4"]}
GROUP_W = {"A": 2.0, "B": 1.0, "C": 3.0}
IND_W = {"a1": 1.0, "a2": 2.0, "a3": 1.0, "b1": 1.0, "b2": 3.0, "c1": 1.0, "c2": 1.0, "c3": 2.0, "c4": 1.0}
CODES = [c for kids in GROUPS.values() for c in kids]


def framework(missing: str = "error") -> Framework:
    return Framework.from_dict({
        "id": "scale", "name": "scale", "edition": 2024, "missing": missing, "rank_decimals": 6,
        "root": {"code": "tot", "method": "weighted_mean", "children": [
            {"code": g, "method": "weighted_mean", "weight": GROUP_W[g], "children": [
                {"code": c, "scoring": "minmax", "weight": IND_W[c], "range": [0, None]} for c in kids]}
            for g, kids in GROUPS.items()]},
    })


def data(n: int = 300, seed: int = 5) -> tuple[list[str], np.ndarray]:
    rng = np.random.default_rng(seed)
    return [f"u{i:04d}" for i in range(n)], np.round(rng.lognormal(1.0, 0.7, (n, len(CODES))), 3)


def by_hand(x: np.ndarray) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Root and group scores with NaN cells left out and the weights of the others rescaled."""
    with np.errstate(invalid="ignore"):
        s = (x - np.nanmin(x, axis=0)) / (np.nanmax(x, axis=0) - np.nanmin(x, axis=0))
    groups = {}
    for g, kids in GROUPS.items():
        cols = [CODES.index(c) for c in kids]
        w = np.array([IND_W[c] for c in kids])
        avail = np.where(np.isnan(s[:, cols]), 0.0, w)
        groups[g] = np.nansum(s[:, cols] * w, axis=1) / avail.sum(axis=1)
    gw = np.array([GROUP_W[g] for g in GROUPS])
    root = np.column_stack([groups[g] for g in GROUPS]) @ gw / gw.sum()
    return root, groups


def test_a_complete_input_scores_as_the_rules_say_and_shares_one_row_of_factors():
    units, x = data()
    r = compute(framework(), x, units=units, codes=CODES)
    root, groups = by_hand(x)
    np.testing.assert_allclose(r.scores[:, 0], root, rtol=1e-12)
    for g, v in groups.items():
        np.testing.assert_allclose(r.scores[:, r.codes.index(g)], v, rtol=1e-12)
    for g, kids in GROUPS.items():
        assert r.factors[:, r.codes.index(g)] == pytest.approx(GROUP_W[g] / sum(GROUP_W.values()))
        for c in kids:
            assert r.factors[:, r.codes.index(c)] == pytest.approx(IND_W[c] / sum(IND_W[k] for k in kids))
    # contributions of the indicators add up to the root for every unit
    np.testing.assert_allclose(r.contributions_to_root()[:, [r.codes.index(c) for c in CODES]].sum(axis=1),
                               root, rtol=1e-12)


def test_input_columns_in_another_order_give_the_same_scores():
    units, x = data()
    perm = [4, 0, 8, 2, 6, 1, 7, 3, 5]
    r = compute(framework(), x[:, perm], units=units, codes=[CODES[p] for p in perm])
    np.testing.assert_allclose(r.scores[:, 0], by_hand(x)[0], rtol=1e-12)


def test_missing_values_under_reweight_leave_the_cell_out_with_per_unit_factors():
    units, x = data()
    x[3, CODES.index("a2")] = np.nan
    x[7, CODES.index("b1")] = np.nan
    x[7, CODES.index("c4")] = np.nan
    r = compute(framework("reweight"), x, units=units, codes=CODES)
    root, groups = by_hand(x)
    np.testing.assert_allclose(r.scores[:, 0], root, rtol=1e-12)
    a2, a1 = r.codes.index("a2"), r.codes.index("a1")
    assert r.factors[3, a2] == 0.0 and r.factors[3, a1] == pytest.approx(1 / 2)  # a1 and a3 weigh 1 each
    assert r.factors[4, a1] == pytest.approx(1 / 4)  # a unit with all its values keeps the weights
    assert r.factors[7, r.codes.index("b2")] == pytest.approx(1.0)
    assert len(r.missing_report) == 3
    assert r.imputed is r.raw  # skipping changes no value: no copy


def test_imputed_values_get_their_own_array_and_the_input_keeps_its_gap():
    units, x = data()
    x[5, CODES.index("c2")] = np.nan
    r = compute(framework("impute:mean"), x, units=units, codes=CODES)
    j = r.codes.index("c2")
    assert r.imputed is not r.raw and not np.shares_memory(r.imputed, r.raw)
    assert np.isnan(r.raw[5, j]) and r.imputed[5, j] == pytest.approx(np.nanmean(x[:, CODES.index("c2")]))
    filled = x.copy()
    filled[5, CODES.index("c2")] = np.nanmean(x[:, CODES.index("c2")])
    np.testing.assert_allclose(r.scores[:, 0], by_hand(filled)[0], rtol=1e-12)
    row = {e["code"]: e for e in r.explain("u0005")}
    assert row["c2"]["source"] == "imputed:mean" and row["c1"]["source"] == "input"


def test_a_given_group_value_is_kept_and_used_above():
    units, x = data(n=50)
    given = np.full((50, 1), np.nan)
    given[[2, 9], 0] = [0.25, 0.75]
    r = compute(framework(), np.hstack([x, given]), units=units, codes=[*CODES, "B"])
    _, groups = by_hand(x)
    groups["B"][[2, 9]] = [0.25, 0.75]
    gw = np.array([GROUP_W[g] for g in GROUPS])
    expected = np.column_stack([groups[g] for g in GROUPS]) @ gw / gw.sum()
    np.testing.assert_allclose(r.scores[:, 0], expected, rtol=1e-12)
    b1 = r.codes.index("b1")
    ctr = r.contributions_to_root()
    assert np.isnan(ctr[2, b1]) and not np.isnan(ctr[3, b1])  # nothing below a given node contributes


def test_result_arrays_are_read_only():
    units, x = data(n=20)
    r = compute(framework(), x, units=units, codes=CODES)
    for arr in (r.raw, r.imputed, r.scores, r.given, r.factors):
        with pytest.raises(ValueError):
            arr[0, 0] = 1.0
    assert np.array(r.scores).flags.writeable  # a copy may be changed


def test_the_caller_s_array_is_not_kept_and_the_hash_is_of_the_values_given():
    units, x = data(n=40)
    original = x.copy()
    r = compute(framework(), x, units=units, codes=CODES)
    x[:] = 0.0  # the caller reuses its array before the recipe is read
    expected = hashlib.sha256(json.dumps([units, CODES]).encode() + original.tobytes()).hexdigest()
    assert r.recipe["inputs_sha256"] == expected
    assert np.array_equal(r.raw[:, [r.codes.index(c) for c in CODES]], original)


def test_a_code_given_twice_is_hashed_as_given():
    units, x = data(n=10)
    twice = np.hstack([x, x[:, :1] * 0 + 1.0])
    codes = [*CODES, CODES[0]]
    r = compute(framework(), twice, units=units, codes=codes)
    expected = hashlib.sha256(json.dumps([units, codes]).encode() + twice.tobytes()).hexdigest()
    assert r.recipe["inputs_sha256"] == expected


def test_every_value_out_of_range_is_listed_in_column_order():
    units, x = data(n=30)
    x[4, CODES.index("b2")] = -1.0
    x[2, CODES.index("a3")] = np.inf
    x[9, CODES.index("a3")] = -0.5
    with pytest.raises(InputError) as e:
        compute(framework(), x, units=units, codes=CODES)
    assert [(p["unit"], p["code"], p["value"]) for p in e.value.params["problems"]] == [
        ("u0002", "a3", np.inf), ("u0009", "a3", -0.5), ("u0004", "b2", -1.0)]


def tie_result():
    fw = Framework.from_dict({
        "id": "t", "name": "t", "edition": 2024, "missing": "reweight", "rank_decimals": 4,
        "root": {"code": "tot", "method": "weighted_mean", "children": [
            {"code": "p", "scoring": "given", "range": [0, 1]}, {"code": "q", "scoring": "given", "range": [0, 1]}]},
    })
    nan = np.nan
    vals = {"Đồng Nai": [0.5, 0.7], "An Giang": [0.7, 0.5], "Cà Mau": [0.9, 0.9], "Bình Định": [nan, nan],
            "Bạc Liêu": [0.2, 0.4], "Ấp": [nan, nan]}
    return compute(fw, np.array(list(vals.values())), units=list(vals), codes=["p", "q"])


def test_order_ranks_first_then_names_with_unranked_units_last():
    r = tie_result()
    # totals: Cà Mau 0.9; An Giang, Đồng Nai 0.6 (tied, rank 2); Bạc Liêu 0.3; two units with no value.
    assert [r.units[i] for i in r.order()] == ["Cà Mau", "An Giang", "Đồng Nai", "Bạc Liêu", "Bình Định", "Ấp"]


def test_records_follow_the_order_and_leave_out_missing_scores():
    recs = tie_result().to_records(decimals=2)
    assert [(d["unit"], d["rank"]) for d in recs] == [
        ("Cà Mau", 1), ("An Giang", 2), ("Đồng Nai", 2), ("Bạc Liêu", 4), ("Bình Định", None), ("Ấp", None)]
    assert recs[1]["scores"] == {"tot": 0.6, "p": 0.7, "q": 0.5}
    assert recs[4]["scores"] == {}


def test_a_result_pickles_before_its_recipe_is_read():
    units, x = data(n=15)
    r = compute(framework(), x, units=units, codes=CODES)
    again = pickle.loads(pickle.dumps(r))
    expected = hashlib.sha256(json.dumps([units, CODES]).encode() + x.tobytes()).hexdigest()
    assert again.recipe["inputs_sha256"] == expected
    np.testing.assert_array_equal(again.factors, r.factors)
