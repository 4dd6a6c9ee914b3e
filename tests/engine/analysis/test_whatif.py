from __future__ import annotations

import numpy as np
import pytest

from chiso.engine.analysis.attribution import rank_move
from chiso.engine.analysis.whatif import parse_change, whatif
from chiso.engine.errors import AnalysisError
from chiso.engine.framework import Framework


def fw2() -> Framework:
    return Framework.from_dict({"id": "t", "name": "t", "edition": 1, "status": "provisional", "root": {
        "code": "r", "method": "weighted_mean", "children": [
            {"code": "p", "method": "weighted_mean", "weight": 2, "children": [
                {"code": "x", "scoring": "ratio_to_max", "range": [0, 100]},
                {"code": "y", "scoring": "ratio_to_max", "range": [0, 100]}]},
            {"code": "z", "scoring": "given", "range": [0, 1]}]}})


DATA = {"A": {"x": 50, "y": 20, "z": 0.5}, "B": {"x": 100, "y": 40, "z": 0.2}, "C": {"x": 80, "y": 10, "z": 0.9}}


class TestWhatIf:
    def test_it_explains_contribution_deltas_by_hand(self):
        # A: x 50 -> 100 gives x score 0.5 -> 1, weight in root = 2/3 * 1/2 = 1/3: +1/6.
        w = whatif(fw2(), DATA, {"A": {"x": 100}})
        rows = {r["code"]: r for r in w.explain("A")}
        assert rows["x"]["contribution_delta"] == pytest.approx(1 / 6)
        assert rows["r"]["score_delta"] == pytest.approx(1 / 6)
        assert rows["x"]["why"] == "value changed"
        assert rows["y"]["moved"] is False
        s = {r["unit"]: r for r in w.summary()}
        assert s["A"]["delta"] == pytest.approx(1 / 6) and s["A"]["changed"]

    def test_it_moves_peers_goalposts(self):
        # B's x rises to 100 -> no change; C's y to 80: everyone's y score is divided by 2.
        w = whatif(fw2(), DATA, [("C", "y", 80)])
        rows = {r["code"]: r for r in w.explain("A")}
        assert rows["y"]["score_before"] == pytest.approx(0.5) and rows["y"]["score_after"] == pytest.approx(0.25)
        assert rows["y"]["why"] == "peers' values moved the goalposts"

    def test_it_sets_a_sub_index(self):
        w = whatif(fw2(), DATA, {"A": {"p": 0.9}})
        assert w.after.score("A") == pytest.approx((2 * 0.9 + 0.5) / 3)

    @pytest.mark.parametrize(("changes", "code"), [({"Nowhere": {"x": 1}}, "unknown_unit"),
                                                   ({"A": {"nope": 1}}, "unknown_code"), ({}, "invalid_change")])
    def test_it_rejects_bad_changes(self, changes, code):
        with pytest.raises(AnalysisError) as e:
            whatif(fw2(), DATA, changes)
        assert e.value.code == code

    def test_it_parses_changes(self):
        assert parse_change("Bà Rịa - Vũng Tàu:x=1,5") == ("Bà Rịa - Vũng Tàu", "x", 1.5)
        assert parse_change("A:x=") == ("A", "x", None)
        with pytest.raises(AnalysisError):
            parse_change("A=1")


class TestRankMove:
    def test_it_splits_own_progress_from_peers(self):
        after = {k: dict(v) for k, v in DATA.items()}
        after["A"]["x"] = 100  # own progress: ties B's best x
        after["C"]["y"] = 80  # a peer moves the y goalpost
        m = rank_move(fw2(), DATA, after, unit="A")
        assert m.own_score + m.peers_score == pytest.approx(m.score_after - m.score_before)
        assert m.own_rank + m.peers_rank == pytest.approx(m.rank_after - m.rank_before)
        assert m.own_score > 0 > m.peers_score
        # by hand: own = x +1/6 either way; peers: y 20/40 -> 20/80 lowers A by 1/3 * 0.25 = 1/12
        assert m.own_score == pytest.approx(1 / 6)
        assert m.peers_score == pytest.approx(-1 / 12)
        per = {n["code"]: n for n in m.nodes}
        assert per["x"]["own"] == pytest.approx(1 / 6) and per["y"]["peers"] == pytest.approx(-1 / 12)

    def test_it_lists_who_passed_whom(self):
        after = {k: dict(v) for k, v in DATA.items()}
        after["A"]["z"] = 1.0
        after["A"]["x"] = 100
        m = rank_move(fw2(), DATA, after, unit="A")
        assert m.rank_after < m.rank_before and m.overtook

    def test_it_needs_the_unit_in_both(self):
        with pytest.raises(AnalysisError) as e:
            rank_move(fw2(), DATA, {k: v for k, v in DATA.items() if k != "A"}, unit="A")
        assert e.value.code == "unknown_unit" and "after" in str(e.value)
        assert np.isfinite(rank_move(fw2(), DATA, DATA, unit="B").own_score)
