"""Weights that do not sum to 1: a warning (never an error) unless the node says ``normalise: true``."""

from __future__ import annotations

import pytest

from chiso.engine.errors import FrameworkError
from chiso.engine.framework import Framework
from chiso.frameworks import framework_paths, load_framework
from chiso.lib.problems import message


def _fw(method, weights, **node):
    kids = [{"code": f"i{k}", "name": f"I{k}", "scoring": "minmax", "weight": w} for k, w in enumerate(weights)]
    return Framework.from_dict({"id": "t", "name": "t", "edition": 2024,
                                "root": {"code": "r", "name": "R", "method": method, "children": kids, **node}})


@pytest.mark.parametrize("method", ["weighted_mean", "weighted_sum", "geometric", "harmonic"])
def test_weights_not_summing_to_one_are_a_warning_naming_node_and_total(method):
    fw = _fw(method, [0.5, 0.3, 0.1])
    [w] = fw.warnings
    assert (w.code, w.node) == ("framework.weights_not_one", "r") and w.params["total"] == pytest.approx(0.9)
    # the sum in the reader's number format: a decimal comma in Vietnamese
    assert message(w, "vi") == ("Nhóm “r”: tổng trọng số của các chỉ số con là 0,9, không bằng 1 (nếu trọng số là "
                                "tỷ lệ tương đối, ghi normalise: true).")
    assert "sum to 0.9, not 1" in message(w, "en")


def test_no_warning_when_they_sum_to_one_up_to_rounding_or_the_node_normalises():
    assert _fw("weighted_mean", [0.1] * 10).warnings == ()  # 0.1 * 10 is 0.9999999999999999 in floats
    assert _fw("weighted_mean", [1, 1, 1], normalise=True).warnings == ()
    assert _fw("weighted_mean", [1 / 3] * 3).warnings == ()


def test_points_nodes_are_not_checked():
    kids = [{"code": "a", "name": "A", "scoring": "given", "max_points": 40},
            {"code": "b", "name": "B", "scoring": "given", "max_points": 70}]
    fw = Framework.from_dict({"id": "t", "name": "t", "edition": 2024,
                              "root": {"code": "r", "name": "R", "method": "points_sum", "children": kids}})
    assert fw.warnings == ()


def test_every_node_is_warned_about_once_in_tree_order():
    kids = [{"code": "g1", "name": "G1", "method": "weighted_mean", "weight": 0.5,
             "children": [{"code": "a", "name": "A", "scoring": "minmax", "weight": 2}]},
            {"code": "g2", "name": "G2", "method": "weighted_mean", "weight": 0.7,
             "children": [{"code": "b", "name": "B", "scoring": "minmax", "weight": 1}]}]
    fw = Framework.from_dict({"id": "t", "name": "t", "edition": 2024,
                              "root": {"code": "r", "name": "R", "method": "weighted_mean", "children": kids}})
    assert [(w.node, w.params["total"]) for w in fw.warnings] == [("g1", 2), ("r", pytest.approx(1.2))]


def test_normalise_must_be_true_or_false():
    with pytest.raises(FrameworkError) as e:
        _fw("weighted_mean", [1, 1], normalise="yes")
    assert [q.code for q in e.value.problems] == ["framework.bad_normalise"]


@pytest.mark.parametrize("fw_id", sorted(framework_paths()))
def test_shipped_frameworks_load_with_no_warning(fw_id):
    assert load_framework(fw_id).warnings == ()
