"""Why did the rank move: own progress versus the peers' movement."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..compute import Result, compute, plan_of
from ..errors import AnalysisError
from ..framework import Framework
from ._data import input_matrix, recompute, root_derivative, unit_index

__all__ = ["RankMove", "rank_move"]


@dataclass
class RankMove:
    """Decomposition of one unit's change between two editions or scenarios.

    Two "players" move the unit's score and rank: its **own** values and its
    **peers'** values (through relative goalposts and through who is above).
    Each effect is the Shapley value of the two: the average of its effect
    when applied first and when applied second, so ``own + peers`` equals the
    total exactly and the order does not matter.

    Attributes
    ----------
    unit : str
    score_before, score_after, rank_before, rank_after
    own_score, peers_score : float
        Shapley shares of the score change.
    own_rank, peers_rank : float
        Shapley shares of the rank change (negative = better).
    nodes : list of dict
        Per node: contribution to the root before/after, and its own/peers shares.
    overtook, overtaken_by : list of str
        Peers the unit passed / peers that passed it.
    """

    unit: str
    score_before: float
    score_after: float
    rank_before: int
    rank_after: int
    own_score: float
    peers_score: float
    own_rank: float
    peers_rank: float
    nodes: list[dict[str, Any]] = field(default_factory=list)
    overtook: list[str] = field(default_factory=list)
    overtaken_by: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in (
            "unit", "score_before", "score_after", "rank_before", "rank_after", "own_score", "peers_score",
            "own_rank", "peers_rank", "nodes", "overtook", "overtaken_by")}


def _swap(res_base: Result, res_other: Result, unit: str) -> Result:
    """``res_base``'s data with ``unit``'s row taken from ``res_other``."""
    ub, cb, mb = input_matrix(res_base)
    uo, co, mo = input_matrix(res_other)
    codes = cb + [c for c in co if c not in cb]
    mat = np.full((len(ub), len(codes)), np.nan)
    mat[:, : len(cb)] = mb
    i, k = ub.index(unit), uo.index(unit)
    mat[i, :] = np.nan
    for c, code in enumerate(co):
        mat[i, codes.index(code)] = mo[k, c]
    return recompute(res_base, ub, codes, mat)


def rank_move(
    framework: Framework,
    before: Any,
    after: Any,
    *,
    unit: str,
    units_before: Sequence[str] | None = None,
    codes_before: Sequence[str] | None = None,
    units_after: Sequence[str] | None = None,
    codes_after: Sequence[str] | None = None,
    missing: Any = None,
) -> RankMove:
    """Decompose ``unit``'s score and rank change between two data sets.

    Formula (two-player Shapley value, ``S(own, peers)``)::

        own   = ½ [S(1, 0) - S(0, 0)] + ½ [S(1, 1) - S(0, 1)]
        peers = ½ [S(0, 1) - S(0, 0)] + ½ [S(1, 1) - S(1, 0)]

    where 0/1 mean the before/after values; the same for ranks and for each
    node's contribution to the root.

    Parameters
    ----------
    framework : Framework
    before, after : mapping unit -> {code: value} or arrays (with units/codes)
        The two editions or scenarios, each with the unit in it.
    unit : str

    Returns
    -------
    RankMove

    Raises
    ------
    AnalysisError
        ``unknown_unit`` if the unit is absent from either data set.

    Examples
    --------
    >>> from chiso.frameworks import load_framework
    >>> fw = load_framework("vn-ict-index-2016-province")
    >>> b = {"Hà Nam": {"htkt": 0.5, "htnl": 0.4, "ud": 0.6}, "Bắc Ninh": {"htkt": 0.7, "htnl": 0.5, "ud": 0.6}}
    >>> a = {"Hà Nam": {"htkt": 0.8, "htnl": 0.4, "ud": 0.6}, "Bắc Ninh": {"htkt": 0.7, "htnl": 0.5, "ud": 0.9}}
    >>> m = rank_move(fw, b, a, unit="Hà Nam")
    >>> round(m.own_score, 4), round(m.peers_score, 4), m.rank_before, m.rank_after
    (0.1, 0.0, 2, 2)
    """
    r00 = compute(framework, before, units=units_before, codes=codes_before, missing=missing)
    r11 = compute(framework, after, units=units_after, codes=codes_after, missing=missing)
    unit_index(r00.units, unit)
    try:
        unit_index(r11.units, unit)
    except AnalysisError as e:
        raise AnalysisError(f"{e.message} (in the 'after' data)", code="unknown_unit", unit=unit) from None
    r10 = _swap(r00, r11, unit)  # own after, peers before
    r01 = _swap(r11, r00, unit)  # own before, peers after
    idx = {id(r): r.units.index(unit) for r in (r00, r11, r10, r01)}

    def val(r: Result, what: str) -> np.ndarray:
        i = idx[id(r)]
        if what == "score":
            return np.array([r.scores[i, 0]])
        if what == "rank":
            return np.array([r.ranks[i, 0]])
        return r.scores[i] * root_derivative(r)[i]

    def shapley(what: str) -> tuple[np.ndarray, np.ndarray]:
        s00, s11, s10, s01 = (np.nan_to_num(val(r, what)) for r in (r00, r11, r10, r01))
        own = 0.5 * (s10 - s00) + 0.5 * (s11 - s01)
        peers = 0.5 * (s01 - s00) + 0.5 * (s11 - s10)
        return own, peers

    own_s, peers_s = shapley("score")
    own_r, peers_r = shapley("rank")
    own_c, peers_c = shapley("contrib")
    plan = plan_of(framework)
    i0, i1 = idx[id(r00)], idx[id(r11)]
    cb = np.nan_to_num(val(r00, "contrib"))
    ca = np.nan_to_num(val(r11, "contrib"))
    nodes = []
    for j, code in enumerate(plan.codes):
        if cb[j] == 0 and ca[j] == 0:
            continue
        nodes.append({"code": code, "contribution_before": float(cb[j]), "contribution_after": float(ca[j]),
                      "own": float(own_c[j]), "peers": float(peers_c[j])})
    common = [p for p in r00.units if p in r11.units and p != unit]
    over, by = [], []
    for p in common:
        b_above = r00.scores[r00.units.index(p), 0] > r00.scores[i0, 0]
        a_above = r11.scores[r11.units.index(p), 0] > r11.scores[i1, 0]
        if b_above and not a_above:
            over.append(p)
        elif a_above and not b_above:
            by.append(p)
    return RankMove(
        unit=unit,
        score_before=float(r00.scores[i0, 0]), score_after=float(r11.scores[i1, 0]),
        rank_before=int(r00.ranks[i0, 0]), rank_after=int(r11.ranks[i1, 0]),
        own_score=float(own_s[0]), peers_score=float(peers_s[0]),
        own_rank=float(own_r[0]), peers_rank=float(peers_r[0]),
        nodes=nodes, overtook=over, overtaken_by=by,
    )
