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


def scaled_treated_fw() -> Framework:
    """d: min–max onto [1, 100] with COINr's default treatment; g: goalposts [0, 10] onto [0, 100]."""
    return Framework.from_dict({"id": "t-st", "name": "t", "edition": 1, "status": "provisional",
                                "treatment": "winsorise", "root": {
                                    "code": "r", "method": "weighted_mean", "children": [
                                        {"code": "d", "scoring": {"rule": "minmax", "scale": [1, 100]}},
                                        {"code": "g", "scoring": {"rule": "goalposts", "lo": 0, "hi": 10,
                                                                  "scale": [0, 100]}}]}})


# d = 1, 2, 3, 4, 100: skew 2.23 and kurtosis 4.99 (type 2) fail COINr's test; one point winsorised (100 -> 4)
# and 1, 2, 3, 4, 4 passes.  d scores 1 + 99 (x - 1) / 3 = 1, 34, 67, 100, 100; g scores 10 g = 20, 40, 60, 80, 0;
# roots (means) 10.5, 37, 63.5, 90, 50.
ST = {"A": {"d": 1, "g": 2}, "B": {"d": 2, "g": 4}, "C": {"d": 3, "g": 6}, "D": {"d": 4, "g": 8},
      "E": {"d": 100, "g": 0}}


class TestScaledAndTreated:
    def test_whatif_recomputes_the_treatment_and_the_scale(self):
        # E's d 100 -> 5: 1..5 passes the test, no treatment; d scores 1 + 99 (x - 1) / 4 = 1, 25.75, 50.5,
        # 75.25, 100; roots 10.5, 32.875, 55.25, 77.625, 50.
        w = whatif(scaled_treated_fw(), ST, {"E": {"d": 5}})
        assert [r["code"] for r in w.before.treatment_report] == ["d"] and w.after.treatment_report == []
        assert list(w.before.scores[:, 0]) == pytest.approx([10.5, 37, 63.5, 90, 50])
        assert list(w.after.scores[:, 0]) == pytest.approx([10.5, 32.875, 55.25, 77.625, 50])
        rows = {r["code"]: r for r in w.explain("D")}
        assert rows["d"]["score_before"] == pytest.approx(100) and rows["d"]["score_after"] == pytest.approx(75.25)
        assert rows["d"]["why"] == "peers' values moved the goalposts"
        assert rows["d"]["contribution_delta"] == pytest.approx(-24.75 / 2)

    def test_rank_move_on_a_scaled_and_treated_index(self):
        # E: d 100 -> 5, g 0 -> 4; B (a peer): g 4 -> 10.  S(own, peers), E's root and rank:
        #   S00 = 50 (rank 3); S11: d untreated (above), g 20, 100, 60, 80, 40: B 62.875, C 55.25, D 77.625,
        #   E (100 + 40) / 2 = 70 (rank 2); S10 (E after, peers before): E 70, B 32.875, C 55.25, D 77.625
        #   (rank 2); S01 (E before, peers after): d treated again, B (34 + 100) / 2 = 67, C 63.5, D 90,
        #   E 50 (rank 4).
        # own = (70 - 50 + 70 - 50) / 2 = 20, peers = 0; own rank = (2 - 3 + 2 - 4) / 2 = -1.5, peers 0.5.
        after = {k: dict(v) for k, v in ST.items()}
        after["E"].update(d=5, g=4)
        after["B"]["g"] = 10
        m = rank_move(scaled_treated_fw(), ST, after, unit="E")
        assert (m.score_before, m.score_after, m.rank_before, m.rank_after) == (pytest.approx(50), pytest.approx(70),
                                                                                3, 2)
        assert m.own_score == pytest.approx(20) and m.peers_score == pytest.approx(0, abs=1e-12)
        assert m.own_rank == pytest.approx(-1.5) and m.peers_rank == pytest.approx(0.5)
        assert m.overtook == ["C"] and m.overtaken_by == []
