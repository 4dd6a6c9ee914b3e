"""Least-cost plan for a unit to reach a target rank (exact MILP, scipy HiGHS).

The problem
-----------
A unit ``u`` may raise some indicators ("levers"), each up to a bound, at a
cost per unit of raw improvement.  Find the cheapest plan after which at most
``k - 1`` peers score strictly above ``u`` (competition rank <= k).

Why a MILP is exact here
------------------------
With linear aggregations (weighted means, sums, points) the root score is
linear in the indicator scores, with the effective weights as coefficients.
Each lever's score as a function of its raw value, the others held, is
piecewise linear: a slope (min–max, ratio to max, goalposts, capped ratio,
a given sub-index) or a staircase (threshold tables, yes/no, partial credit).
Each piece is one variable ``e`` in [0, 1] (the fraction of the piece used),
continuous for slopes and binary for steps, with ordering binaries so that a
piece is used only after the previous one is complete.  Rank <= k is a linear
constraint: ``S_u >= k-th best peer score`` when the peers' scores are fixed,
or ``S_u - S_p + M_p b_p >= 0`` with ``sum b_p <= k - 1`` when the plan moves
the peers (below).

When the unit's change moves a min–max bound
--------------------------------------------
Relative rules (min–max, ratio to max) score peers against the best and worst
values, which include the unit.  Three regions of the unit's value ``y``
(in the "more is better" orientation), for peers' minimum ``m`` and maximum
``M``:

* ``y in [m, M]`` — the goalposts do not move: own score linear, peers fixed;
* ``y > M`` — the unit becomes the new maximum: its score is 1 and every
  peer's score on the indicator is multiplied by ``(M - m) / (y - m)``.  With
  ``tau = 1 - (M - m)/(y - m)`` in [0, 1) each peer's root score falls
  *linearly* in ``tau`` (by its contribution of the indicator), while the cost
  ``c (M - m) tau / (1 - tau)`` is convex in ``tau``.  The MILP carries the
  cost as an epigraph variable bounded below by tangent cuts; after each solve
  a cut is added at the solution until the true cost and the cut agree
  (Kelley's outer approximation).  The final objective is a proven lower
  bound and the reported plan's true cost an upper bound: ``gap`` is their
  difference (<= 1e-7 relative on exit).
* ``y < m`` (the unit is the strict minimum, min–max only) — raising ``y``
  raises the minimum and lowers the peers' scores non-linearly.  The plan
  either leaves the value or brings it at least to ``m`` (one binary step whose
  effect on each peer is exact); positions strictly between the unit's value
  and ``m`` are not considered, so such a plan is flagged ``exact=False``.

Realistic bounds, and a plan that holds as printed
--------------------------------------------------
By default no lever goes above the best value any peer has on it
(``cap_at_best_peer``), nor beyond ``current + max_gain`` (a yearly gain
cap, from the unit's own history where it exists: :func:`gain_caps`); each
change says which bound binds (``bound_reason``).  The plan is printed with
``decimals`` places, so each new value is rounded *in the improving
direction* (up for more-is-better, down for less-is-better) within its bound;
a bound off that grid is rounded inward (the saturation point outward: past
it the score cannot rise).  Rounding in the improving direction can only
raise the unit's score and lower the peers' (monotonicity below), so the
rounded plan keeps the rank the continuous plan reaches; it is nevertheless
recomputed with :func:`~chiso.engine.compute.compute`, and when it misses
rank k (solver tolerance of about 1e-7, a tie lost to float noise) the rank
constraint asks ``S_u >= S_k + delta`` with ``delta`` = 10^-(decimals+1),
then x10, twice, and the plan is solved again; failing that, the all-at-bound
plan (which reaches rank k, or the target would have been refused).

Ties: ranks are competition ranks of the root scores rounded to the
framework's ``rank_decimals`` (4 for the DTI), as the ministry ranks, so a
unit tied with the k-th best peer has rank <= k.  The first solve asks
``S_u >= S_k`` on the unrounded scores (a tie is enough); it does not seek a
tie that exists only after the ministry's rounding (at most half a unit of
the last place cheaper), though the verification accepts one.  ``exact``
means proven optimal for this continuous problem; rounding the values up to
``decimals`` places costs at most the sum of cost x 10^-decimals over the
levers moved (``rounding_cost_max``), more only when a margin was needed
(``rank_margin``, said in ``optimal_note``).

Scales and outlier treatment
----------------------------
A rule mapped onto ``scale: [LO, HI]`` scores ``LO + (HI - LO) s``: every
change the pieces carry (the unit's gain, the peers' changes) is the [0, 1]
change times ``HI - LO`` (LO cancels out), so one scale on every indicator
gives the plan of the [0, 1] framework.  A lever whose values the outlier
treatment changed is refused (``target_treated``): the winsorised bounds or
the log_CT shift are set by the whole column, so the unit's move changes
every unit's score non-linearly.  A lever with a treatment that leaves its
column unchanged is modelled as untreated, which holds while it stays so:
the proof covers the plans that keep it inactive (said in the note), and a
plan that makes it apply is caught by the recomputation — reported as not
proven (``treatment_triggered``) when it still reaches rank k, never retried
with a margin (a margin cannot mend the model), and refused
(``target_treatment_triggered``) when no plan was found and every lever at
its bound makes the treatment apply and misses the rank (the score is then
not monotone in the lever, so no infeasibility is claimed).  Z-score and
percentile levers are refused whatever their ``mean``/``sd``/``scale``: the
column's mean, sd or ranks move with the unit's value.

Peers are frozen at their values or move by a trend (each raw value improved
by a relative rate, within its range) before the plan is sought.

Infeasibility is proven by monotonicity: every lever raises the unit's score
and can only lower peers' scores, so if the plan with every lever at its bound
misses rank k, nothing within the bounds reaches it; the error says which rank
that best plan reaches.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp

from ..compute import Result, compute, plan_of
from ..errors import AnalysisError
from ..framework import Framework, Node
from ._data import LINEAR, input_matrix, recompute, root_derivative, unit_index

__all__ = ["Lever", "TargetPlan", "gain_caps", "improving_directions", "optimal_note", "parse_lever", "seek_target"]

EPS = 1e-9


@dataclass(frozen=True)
class Lever:
    """An indicator the unit may change.

    Parameters
    ----------
    code : str
        Indicator code (or a sub-index given as a value).
    upper : float, optional
        Best value allowed (the *lower* bound for a less-is-better indicator).
        Default: the value beyond which the score cannot rise, or the
        framework's range; for an open-ended relative indicator, the best peer
        value.
    cost : float, default 1
        Cost per unit of raw improvement (> 0).
    """

    code: str
    upper: float | None = None
    cost: float = 1.0


def parse_lever(spec: str) -> Lever:
    """Parse ``code[:upper[:cost]]`` (``code::2`` keeps the default bound).

    Examples
    --------
    >>> parse_lever("htkt:0.9:2")
    Lever(code='htkt', upper=0.9, cost=2.0)
    """
    parts = spec.split(":")
    if not parts[0] or len(parts) > 3:
        raise AnalysisError(f"lever {spec!r}: expected code[:upper[:cost]]", code="invalid_bounds", lever=spec)
    try:
        upper = float(parts[1]) if len(parts) > 1 and parts[1] != "" else None
        cost = float(parts[2]) if len(parts) > 2 and parts[2] != "" else 1.0
    except ValueError:
        raise AnalysisError(f"lever {spec!r}: upper and cost must be numbers", code="invalid_bounds",
                            lever=spec) from None
    return Lever(parts[0], upper, cost)


@dataclass
class TargetPlan:
    """The least-cost plan (or the proof that none exists).

    Attributes
    ----------
    unit : str
    target_rank : int
    rank_before, rank_after : int
    score_before, score_after : float
    cost : float
        True cost of the plan (sum of cost x raw improvement).
    lower_bound : float
        The solver's proven lower bound on any plan's cost.
    margin : float
        ``score_after`` minus the k-th best peer score after the plan (>= 0).
    changes : list of dict
        One per lever moved: code, from, to (as printed: rounded to
        ``decimals``), change, cost, unit_cost, score_from, score_to,
        contribution (change of the unit's root score due to it), bound (the
        lever's bound used), bound_reason (``best_peer``, ``max_gain``,
        ``range``, ``saturation`` or ``given``), at_bound, best_peer (the best
        peer value, None when no peer has one).
    exact : bool
        Proven optimal for the continuous problem (``S_u >= S_k`` within the
        bounds): False when a min–max lever's intermediate positions below the
        peers' minimum were not considered (see module notes), when the cuts
        did not converge, or when the plan is the all-at-bound fallback.
    decimals, rounded, verified_rank :
        The values are rounded to ``decimals`` (``rounded``) and the rounded
        plan, recomputed with :func:`~chiso.engine.compute.compute`, reaches
        ``verified_rank`` (<= target_rank).
    optimal_reason, optimal_note : str
        ``proven``, ``proven_margin``, ``already``, ``partial_minmax``,
        ``iteration_limit``, ``at_bound`` or ``treatment_triggered``, and one English sentence saying
        whether the plan is proven optimal and what rounding may cost.
    rank_margin : float or None
        The margin the rank constraint needed for the rounded plan to hold
        (0: none; None: the all-at-bound fallback).
    rounding_cost_max : float
        Sum of cost x 10^-decimals over the levers moved.
    treatment_triggered : list of str
        Levers whose outlier treatment the plan makes apply (their column was
        untreated before): the plan is verified by recomputing but not proven
        optimal (``optimal_reason`` ``treatment_triggered``).
    treatment_watched : list of str
        Levers with an outlier treatment that leaves their column unchanged:
        a proof of optimality covers the plans that keep it so (said in
        ``optimal_note``).
    peers : str
        ``frozen`` or ``trend:<rate>``.
    after : Result
        The full computation after the plan (for explanations).
    """

    unit: str
    target_rank: int
    rank_before: int
    rank_after: int
    score_before: float
    score_after: float
    cost: float
    lower_bound: float
    margin: float
    changes: list[dict[str, Any]]
    exact: bool
    peers: str
    iterations: int = 0
    notes: list[str] = field(default_factory=list)
    after: Result | None = None
    decimals: int | None = None
    rounded: bool = False
    verified_rank: int | None = None
    optimal_reason: str = ""
    optimal_note: str = ""
    rank_margin: float | None = None
    rounding_cost_max: float = 0.0
    treatment_triggered: list[str] = field(default_factory=list)
    treatment_watched: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "unit": self.unit, "target_rank": self.target_rank, "rank_before": self.rank_before,
            "rank_after": self.rank_after, "score_before": self.score_before, "score_after": self.score_after,
            "cost": self.cost, "lower_bound": self.lower_bound, "margin": self.margin, "exact": self.exact,
            "peers": self.peers, "changes": self.changes, "notes": self.notes, "iterations": self.iterations,
            "decimals": self.decimals, "rounded": self.rounded, "verified_rank": self.verified_rank,
            "optimal_reason": self.optimal_reason, "optimal_note": self.optimal_note,
            "rank_margin": self.rank_margin, "rounding_cost_max": self.rounding_cost_max,
            "treatment_triggered": list(self.treatment_triggered),
            "treatment_watched": list(self.treatment_watched),
        }


@dataclass
class _Piece:
    length: float  # raw length (y units)
    gain: float  # own indicator-score gain when fully used
    binary: bool
    peer_delta: np.ndarray | None = None  # change of each peer's indicator score when used (region a)


@dataclass
class _LeverModel:
    lever: Lever
    j: int  # node position
    col: int  # input column
    d: int  # orientation: y = d * x
    y0: float
    ub: float  # y-space bound
    pieces: list[_Piece]
    region_c: tuple[float, float, float] | None = None  # (top, mn, tau_max)
    peer_base: np.ndarray | None = None  # peers' indicator scores at the start of region c
    partial_a: bool = False
    grid_ub: float | None = None  # y-space bound on the printed grid (None: no rounding)
    bound: float = math.nan  # x-space bound reported
    reason: str = ""  # why the lever stops there: best_peer | max_gain | range | saturation | given
    best_peer: float | None = None  # x-space best peer value
    span: float = 1.0  # HI - LO of a scaled rule: the score is LO + span * (its [0, 1] score)


def _grid(v: float, decimals: int, *, up: bool) -> float:
    """``v`` on the grid of ``decimals`` places, rounded up or down (a value on the grid up to float noise
    stays where it is).

    >>> _grid(0.74061, 4, up=True), _grid(0.74069, 4, up=False), _grid(0.1 + 0.2, 1, up=True)
    (0.7407, 0.7406, 0.3)
    """
    s = 10.0 ** decimals
    n = math.ceil(v * s - 1e-7) if up else math.floor(v * s + 1e-7)
    return round(n / s, decimals)


def _direction(node: Node) -> int:
    """+1 when more is better for the unit's raw value, -1 when less is (rules that read a direction)."""
    return node.direction if _rule(node) in ("minmax", "goalposts", "threshold", "ratio_to_max") else 1


def improving_directions(framework: Framework) -> dict[str, int]:
    """Code -> +1 (more is better) or -1 (less is better), as :func:`seek_target` reads each lever;
    for :func:`gain_caps`' ``directions``."""
    plan = plan_of(framework)
    return {c: _direction(n) for c, n in zip(plan.codes, plan.nodes)}


def _trend(res: Result, units: list[str], codes: list[str], mat: np.ndarray, u: int, rate: float) -> np.ndarray:
    plan = plan_of(res.framework)
    out = mat.copy()
    for c, code in enumerate(codes):
        node = plan.nodes[plan.pos[code]]
        d = node.direction if node.is_indicator and node.scoring and node.scoring.rule not in (
            "given", "ratio_capped", "yes_no", "partial") else 1
        lo, hi = node.value_range if node.is_indicator else (node.value_range if node.value_range != (None, None)
                                                              else node.score_range)
        col = out[:, c]
        new = col * (1.0 + rate) if d > 0 else col * (1.0 - rate)
        if node.is_indicator and node.scoring and node.scoring.rule in ("yes_no", "partial", "threshold"):
            continue  # categorical: a trend has no meaning
        if lo is not None:
            new = np.maximum(new, lo)
        if hi is not None:
            new = np.minimum(new, hi)
        keep = np.arange(len(units)) == u
        out[:, c] = np.where(keep | np.isnan(col), col, new)
    return out


def _rule(node: Node) -> str:
    return node.scoring.rule if node.is_indicator and node.scoring is not None else "given"


def _build_lever(lv: Lever, node: Node, j: int, col: int, res: Result, u: int, peers: np.ndarray, *,
                 cap_peer: bool = False, gain: float | None = None, decimals: int | None = None) -> _LeverModel:
    """The lever's model: its bound (the smallest of its caps, with the reason) and the pieces of its
    score as it moves from the unit's value to that bound."""
    rule = _rule(node)
    d = _direction(node)
    x0 = res.imputed[u, j] if node.is_indicator else res.raw[u, j]
    _refuse_lever(lv, rule, d, x0)
    lo_r, hi_r = node.value_range if node.is_indicator else (
        node.value_range if node.value_range != (None, None) else node.score_range)
    p = node.scoring.params if (node.is_indicator and node.scoring) else {}
    y0 = d * x0
    # Range bound in y-space (best admissible value).
    rng_best = hi_r if d > 0 else lo_r
    rng_best_y = None if rng_best is None else d * rng_best
    py = d * res.imputed[peers, j] if node.is_indicator else d * res.raw[peers, j]
    py = py[~np.isnan(py)]
    best_y = float(py.max()) if py.size else None
    caps = _lever_caps(lv, d, x0, y0, (lo_r, hi_r), rng_best_y, best_y,
                       sat=_saturation(rule, p, d, rng_best_y), gain=gain, cap_peer=cap_peer)
    ub, reason = min(caps, key=lambda c: round(c[0], 12))
    ub = max(ub, y0)
    grid_ub = None
    if decimals is not None:
        # Values are printed with `decimals`: a bound off the grid is rounded inward, except the saturation
        # point (a step at 1/3 needs 0.3334), rounded outward: the score cannot rise past it anyway.
        grid = [(_grid(v, decimals, up=r == "saturation"), r) for v, r in caps]
        grid_ub, reason = min(grid, key=lambda c: round(c[0], 12))
        grid_ub = max(grid_ub, y0)
        ub = min(ub, grid_ub)
    best_x = None if best_y is None else d * best_y
    bound_x = d * (grid_ub if grid_ub is not None else ub)
    lm = _LeverModel(lv, j, col, d, y0, ub, [], grid_ub=grid_ub, bound=bound_x, reason=reason, best_peer=best_x,
                     span=_span(node, rule))
    if ub <= y0:
        return lm
    if rule == "given":
        lm.pieces.append(_Piece(ub - y0, ub - y0, False))
    elif rule in ("goalposts", "ratio_capped"):
        _linear_pieces(lm, rule, p)
    elif rule in ("threshold", "yes_no", "partial"):
        _step_pieces(lm, rule, p)
    else:  # minmax / ratio_to_max
        _relative_pieces(lm, rule, py)
    return lm


def _span(node: Node, rule: str) -> float:
    """``HI - LO`` of a rule mapped onto ``scale: [LO, HI]`` (1 otherwise): every score change the pieces
    carry (own gain, the peers' changes) is the [0, 1] change times it; LO cancels out of every change."""
    if rule in ("minmax", "ratio_to_max", "goalposts") and node.scoring is not None:
        lo, hi = node.scoring.scale
        return hi - lo
    return 1.0


def _refuse_lever(lv: Lever, rule: str, d: int, x0: float) -> None:
    """Refuse a lever the unit has no value for, a cost that is not > 0, or a rule that makes every peer's
    score depend non-linearly on the unit's value."""
    if np.isnan(x0):
        raise AnalysisError(
            f"lever {lv.code!r}: the unit has no value for it (skipped under the missing-data policy); "
            "give its current value first", code="target_missing", code_name=lv.code,
        )
    if not (lv.cost > 0 and math.isfinite(lv.cost)):
        raise AnalysisError(f"lever {lv.code!r}: cost must be > 0; got {lv.cost:g}", code="invalid_bounds",
                            lever=lv.code)
    if rule in ("zscore", "percentile") or (rule == "ratio_to_max" and d < 0):
        raise AnalysisError(
            f"lever {lv.code!r}: its rule ({rule}{', less is better' if d < 0 else ''}) makes every peer's "
            "score depend non-linearly on the unit's value; target seeking supports min–max, ratio to max "
            "(more is better), goalposts, capped ratios, thresholds, yes/no, partial credit and given values",
            code="target_nonlinear", lever=lv.code, rule=rule,
        )


def _saturation(rule: str, p: Mapping[str, Any], d: int, rng_best_y: float | None) -> float | None:
    """The y-value past which the score cannot rise (None for min–max and ratio to max: exceeding the best
    peer moves the bound)."""
    if rule == "given":
        return rng_best_y if rng_best_y is not None else 1.0
    if rule == "goalposts":
        return max(d * p["lo"], d * p["hi"])
    if rule == "ratio_capped":
        return float(p.get("target", 1.0))
    if rule == "threshold":
        best = max(s for _, s in p["steps"])
        return min(d * t for t, s in p["steps"] if s == best)
    if rule == "yes_no":
        return 1.0
    if rule == "partial":
        levels = _levels(p)
        best = max(levels.values())
        return min(k for k, v in levels.items() if v == best)
    return None


def _levels(p: Mapping[str, Any]) -> dict[float, float]:
    """A partial-credit rule's levels as numbers: level -> credit."""
    return {float(k): float(v) for k, v in p["levels"].items()}


def _lever_caps(lv: Lever, d: int, x0: float, y0: float, rng: tuple[float | None, float | None],
                rng_best_y: float | None, best_y: float | None, *, sat: float | None, gain: float | None,
                cap_peer: bool) -> list[tuple[float, str]]:
    """The lever's bounds (y-space), each with its reason; the smallest binds, the order is the precedence
    on a tie.  A given bound outside the range or below the unit's value is refused."""
    caps: list[tuple[float, str]] = []
    if lv.upper is not None:
        given = d * float(lv.upper)
        if rng_best_y is not None and given > rng_best_y + 1e-12:
            raise AnalysisError(
                f"lever {lv.code!r}: bound {lv.upper:g} is outside the indicator's range "
                f"[{_f(rng[0])}, {_f(rng[1])}]", code="invalid_bounds", lever=lv.code, bound=lv.upper,
            )
        if given < y0 - 1e-12:
            what = "below" if d > 0 else "above"
            raise AnalysisError(
                f"lever {lv.code!r}: bound {lv.upper:g} is {what} the unit's current value {x0:g}; a bound must "
                "be an improvement", code="invalid_bounds", lever=lv.code, bound=lv.upper, current=x0,
            )
        caps.append((given, "given"))
    if gain is not None:
        caps.append((y0 + gain, "max_gain"))
    if cap_peer and best_y is not None:
        caps.append((max(best_y, y0), "best_peer"))
    if rng_best_y is not None:
        caps.append((rng_best_y, "range"))
    if sat is not None:
        caps.append((sat, "saturation"))
    if not caps:  # open-ended relative indicator: the best peer's value
        caps.append((max(best_y if best_y is not None else y0, y0), "best_peer"))
    return caps


def _linear_pieces(lm: _LeverModel, rule: str, p: Mapping[str, Any]) -> None:
    """Goalposts and capped ratios: a flat piece below the lower goalpost, then a linear one to the bound."""
    y0, ub, d = lm.y0, lm.ub, lm.d
    lo_y, hi_y = (min(d * p["lo"], d * p["hi"]), max(d * p["lo"], d * p["hi"])) if rule == "goalposts" \
        else (0.0, float(p.get("target", 1.0)))
    a = y0
    if a < lo_y:
        b = min(lo_y, ub)
        lm.pieces.append(_Piece(b - a, 0.0, False))
        a = b
    if a < ub:
        lm.pieces.append(_Piece(ub - a, lm.span * (ub - a) / (hi_y - lo_y), False))


def _step_score(rule: str, p: Mapping[str, Any], d: int) -> tuple[Callable[[float], float], list[float]]:
    """A step rule's score as a function of y, and the y-values where it may step up."""
    if rule == "threshold":
        scale = float(p.get("points") or 1.0)
        steps = sorted((d * float(t), float(s) / scale) for t, s in p["steps"])

        def score(y: float) -> float:
            return max([s for t, s in steps if t <= y + 1e-12], default=0.0)
        return score, [t for t, _ in steps]
    if rule == "yes_no":
        return (lambda y: 1.0 if y >= 1 else 0.0), [1.0]
    levels = _levels(p)
    return (lambda y: levels.get(y, 0.0)), sorted(levels)


def _step_pieces(lm: _LeverModel, rule: str, p: Mapping[str, Any]) -> None:
    """Thresholds, yes/no and partial credit: one binary piece per step up within the bound; the bound is
    the last step reached."""
    score, cands = _step_score(rule, p, lm.d)
    y0, ub = lm.y0, lm.ub
    prev_y, prev_s = y0, score(y0)
    for t in sorted(cands):
        if t <= y0 + 1e-12 or t > ub + 1e-12:
            continue
        s = score(t)
        if s > prev_s + 1e-15:
            lm.pieces.append(_Piece(t - prev_y, s - prev_s, True))
            prev_y, prev_s = t, s
    lm.ub = prev_y if lm.pieces else y0


def _relative_pieces(lm: _LeverModel, rule: str, py: np.ndarray) -> None:
    """Min–max and ratio to max: below the peers' minimum (region a, which moves the peers' scores), within
    their band (linear) and beyond the best peer (region c, which moves the maximum)."""
    y0, ub = lm.y0, lm.ub
    if py.size == 0:
        raise AnalysisError(f"lever {lm.lever.code!r}: no peer has a value, the score cannot move",
                            code="target_nonlinear", lever=lm.lever.code)
    m_o, b_o = float(py.min()), float(py.max())
    is_mm = rule == "minmax"
    mn = m_o if is_mm else 0.0
    top = max(y0, b_o)
    if is_mm and b_o == m_o:
        # Every peer has the same value: the unit scores 0 below it and 1 at it.
        if y0 < m_o and ub >= m_o:
            lm.pieces.append(_Piece(m_o - y0, lm.span, True))
        lm.ub = min(ub, m_o) if y0 < m_o else y0
        return
    if is_mm and y0 < m_o:
        if ub < m_o:
            lm.partial_a = True
            lm.ub = y0
            return
        cur = (py - y0) / (b_o - y0)
        new = (py - m_o) / (b_o - m_o)
        lm.pieces.append(_Piece(m_o - y0, 0.0, True, peer_delta=lm.span * (new - cur)))
        lm.partial_a = True
    a = max(y0, mn if is_mm else y0)
    band = (b_o - mn) if top > mn else 0.0
    if a < min(ub, b_o) and band > 0:
        b = min(ub, b_o)
        lm.pieces.append(_Piece(b - a, lm.span * (b - a) / band, False))
    if ub > top + 1e-12 and top > mn:
        psi_max = ub - top
        tau_max = psi_max / (top - mn + psi_max)
        lm.region_c = (top, mn, tau_max)
        lm.peer_base = lm.span * (py - mn) / (top - mn)
        # peer_base must be aligned to all peers incl. NaN ones: seek_target rebuilds it
    lm.ub = ub


def _f(x: float | None) -> str:
    return "-inf" if x is None else f"{x:g}"


def seek_target(
    framework: Framework,
    data: Any,
    *,
    unit: str,
    rank: int,
    vary: Sequence[Lever | str] | None = None,
    peers: str = "frozen",
    units: Sequence[str] | None = None,
    codes: Sequence[str] | None = None,
    missing: Any = None,
    max_iterations: int = 60,
    cap_at_best_peer: bool = True,
    max_gain: float | Mapping[str, float] | None = None,
    costs: Mapping[str, float] | None = None,
    decimals: int | None = 4,
) -> TargetPlan:
    """Least-cost plan for ``unit`` to reach competition rank <= ``rank``.

    Formula: minimise ``sum_i c_i (x_i' - x_i)`` subject to
    ``#{p : S_p(x') > S_u(x')} <= rank - 1`` and ``x_i <= x_i' <= upper_i``
    (mirrored for less-is-better indicators); see the module notes for the
    MILP and for moving min–max bounds.

    Parameters
    ----------
    framework : Framework
    data : mapping unit -> {code: value}, or array with ``units``/``codes``
    unit : str
    rank : int
        Target rank k >= 1.
    vary : sequence of Lever or "code[:upper[:cost]]", optional
        The levers; default every indicator given in the data that reaches the
        root for this unit, at its default bound and cost 1.
    peers : str, default "frozen"
        ``frozen`` or ``trend:<rate>`` (e.g. ``trend:0.02``: each peer improves
        every continuous raw value by 2 % within its range).
    cap_at_best_peer : bool, default True
        No lever's bound is above the best value any peer has on it (in the
        improving direction; never below the unit's own value), given bounds
        included.  False: the framework's maximum (the former default).
    max_gain : float or mapping code -> float, optional
        Largest raw improvement per lever over the plan's horizon (one value
        for all, or per code; codes absent from a mapping are not capped):
        the bound is ``min(bound, current + max_gain)``.  See :func:`gain_caps`.
    costs : mapping code -> float, optional
        Cost per unit of raw improvement of the named levers (overrides
        ``Lever.cost``); every code must be a lever.
    decimals : int or None, default 4
        The plan holds as printed: each new value is rounded to ``decimals``
        in the improving direction, within its bound, and the rounded plan is
        recomputed; when it misses rank k a margin is added to the rank
        constraint and the plan solved again (module notes).  None: no
        rounding.

    Returns
    -------
    TargetPlan

    Raises
    ------
    AnalysisError
        ``unknown_unit``, ``unknown_code``, ``invalid_target`` (rank < 1 or
        > number of units), ``invalid_bounds`` (bound outside the range or
        not an improvement, cost <= 0), ``target_impossible`` (with the best
        rank reachable within the bounds and the bounds that bind),
        ``target_nonlinear`` (a geometric
        or harmonic aggregation on the path, or a z-score/percentile lever),
        ``target_treated`` (a lever whose values the outlier treatment
        changed), ``target_treatment_triggered`` (module notes).

    Examples
    --------
    >>> from chiso.frameworks import load_framework
    >>> fw = load_framework("vn-ict-index-2016-province")
    >>> data = {"Hà Nam": {"htkt": 0.5, "htnl": 0.4, "ud": 0.6},
    ...         "Bắc Ninh": {"htkt": 0.7, "htnl": 0.5, "ud": 0.6}}
    >>> p = seek_target(fw, data, unit="Hà Nam", rank=1, vary=["htkt", "htnl:0.6:2"], cap_at_best_peer=False)
    >>> [(c["code"], c["to"], c["bound_reason"]) for c in p.changes], round(p.cost, 4), p.exact
    ([('htkt', 0.8, 'range')], 0.3, True)

    With the default cap at the best peer (Bắc Ninh's 0.7 and 0.5) only a tie
    is left, and a tie with the best is rank 1: both levers go to their caps.

    >>> p = seek_target(fw, data, unit="Hà Nam", rank=1, vary=["htkt", "htnl:0.6:2"])
    >>> [(c["code"], c["to"], c["bound_reason"]) for c in p.changes], round(p.cost, 4), p.verified_rank
    ([('htkt', 0.7, 'best_peer'), ('htnl', 0.5, 'best_peer')], 0.4, 1)
    """
    res0 = compute(framework, data, units=units, codes=codes, missing=missing)
    t = _setting(framework, res0, unit, rank, peers)
    levers = _levers(framework, t, vary, costs)
    if decimals is not None and (isinstance(decimals, bool) or not isinstance(decimals, (int, np.integer))
                                 or not 0 <= decimals <= 12):
        raise AnalysisError(f"decimals must be an integer from 0 to 12 or None; got {decimals!r}",
                            code="invalid_bounds", decimals=str(decimals))
    models = _lever_models(t, levers, gains=_gains(max_gain, [lv.code for lv in levers]),
                           cap_peer=cap_at_best_peer, decimals=decimals)
    return _least_cost(t, models, unit=unit, decimals=decimals, max_iterations=max_iterations)


@dataclass
class _Setting:
    """What a target search works on: the data (peers moved by their trend), both computations, the unit,
    the target rank and the derivatives of the root score."""

    framework: Framework
    res0: Result  # the computation as given
    res: Result  # with the peers moved (res0 when frozen)
    ulist: list[str]
    clist: list[str]
    mat: np.ndarray
    u: int
    k: int
    peer_label: str
    others: np.ndarray
    droot: np.ndarray
    s_all: np.ndarray
    rank_before: int

    @property
    def plan(self) -> Any:
        return plan_of(self.framework)


def _setting(framework: Framework, res0: Result, unit: str, rank: Any, peers: str) -> _Setting:
    """Check the unit, the target rank and the peers' setting (``frozen`` or ``trend:<rate>``) and move the
    peers by their trend."""
    ulist, clist, mat = input_matrix(res0)
    u = unit_index(ulist, unit)
    n_u = len(ulist)
    if isinstance(rank, bool) or not isinstance(rank, (int, np.integer)) or not 1 <= rank <= n_u:
        raise AnalysisError(f"target rank must be an integer from 1 to {n_u}; got {rank!r}",
                            code="invalid_target", rank=str(rank))
    peer_label = "frozen"
    if peers != "frozen":
        kind, _, val = str(peers).partition(":")
        try:
            rate = float(val)
        except ValueError:
            rate = float("nan")
        if kind != "trend" or not math.isfinite(rate) or rate <= -1:
            raise AnalysisError(f"peers must be 'frozen' or 'trend:<rate>' (e.g. trend:0.02); got {peers!r}",
                                code="invalid_peers", peers=str(peers))
        mat = _trend(res0, ulist, clist, mat, u, rate)
        peer_label = f"trend:{rate:g}"
    res = recompute(res0, ulist, clist, mat) if peer_label != "frozen" else res0
    return _Setting(framework, res0, res, ulist, clist, mat, u, int(rank), peer_label,
                    others=np.array([i for i in range(n_u) if i != u]), droot=root_derivative(res),
                    s_all=res.scores[:, 0], rank_before=int(res0.ranks[u, 0]))


def _levers(framework: Framework, t: _Setting, vary: Sequence[Lever | str] | None,
            costs: Mapping[str, float] | None) -> list[Lever]:
    """The levers (by default every indicator given in the data that reaches the root for this unit), with
    their costs; unknown codes, codes without an input column, a lever twice and stray costs are refused."""
    plan = t.plan
    if vary is None:
        levers = [Lever(c) for c in t.clist if t.droot[t.u, plan.pos[c]] > 0
                  and (plan.nodes[plan.pos[c]].is_indicator or t.res.given[t.u, plan.pos[c]])]
    else:
        levers = [parse_lever(v) if isinstance(v, str) else v for v in vary]
    unknown = [lv.code for lv in levers if lv.code not in plan.pos]
    if unknown:
        raise AnalysisError(f"unknown code(s) for framework {framework.id!r}: {', '.join(unknown)}",
                            code="unknown_code", codes=unknown)
    not_input = [lv.code for lv in levers if lv.code not in t.clist]
    if not_input:
        raise AnalysisError(
            f"lever(s) {', '.join(not_input)} have no column in the input; a lever changes a given value",
            code="unknown_code", codes=not_input)
    dup = sorted({lv.code for lv in levers if [x.code for x in levers].count(lv.code) > 1})
    if dup:
        raise AnalysisError(f"lever(s) given twice: {', '.join(dup)}", code="invalid_bounds", codes=dup)
    if costs:
        stray = sorted(set(costs) - {lv.code for lv in levers})
        if stray:
            raise AnalysisError(f"cost given for {', '.join(stray)}, which {'is' if len(stray) == 1 else 'are'} "
                                "not a lever", code="invalid_bounds", codes=stray)
        try:
            levers = [replace(lv, cost=float(costs[lv.code])) if lv.code in costs else lv for lv in levers]
        except (TypeError, ValueError):
            raise AnalysisError("costs must be numbers > 0", code="invalid_bounds") from None
    return levers


def _lever_models(t: _Setting, levers: list[Lever], *, gains: Mapping[str, float], cap_peer: bool,
                  decimals: int | None) -> list[_LeverModel]:
    """Each lever's model, once every lever is known to reach the root through linear aggregations only;
    the peers' region-c scores and region-a changes aligned with ``others``."""
    plan, res, u, others = t.plan, t.res, t.u, t.others
    for lv in levers:
        _check_linear_path(plan, res, u, lv)
        _refuse_treated(res, lv)
    models = [_build_lever(lv, plan.nodes[plan.pos[lv.code]], plan.pos[lv.code], t.clist.index(lv.code), res, u,
                           others, cap_peer=cap_peer, gain=gains.get(lv.code), decimals=decimals)
              for lv in levers]
    for lm in models:  # align region-c peer scores with `others` (peers with NaN score 0 there)
        if lm.region_c is not None:
            top, mn, _ = lm.region_c
            yp = lm.d * (res.imputed[others, lm.j] if plan.nodes[lm.j].is_indicator else res.raw[others, lm.j])
            lm.peer_base = np.where(np.isnan(yp), 0.0, lm.span * (yp - mn) / (top - mn))
        for pc in lm.pieces:
            if pc.peer_delta is not None and pc.peer_delta.size != others.size:
                yp = lm.d * res.imputed[others, lm.j]
                full = np.zeros(others.size)
                full[~np.isnan(yp)] = pc.peer_delta
                pc.peer_delta = full
    return models


def _check_linear_path(plan: Any, res: Result, u: int, lv: Lever) -> None:
    """Refuse a lever that reaches the root (up to the first given value) through a non-linear mean."""
    j = plan.pos[lv.code]
    for a in [j, *_ancestors(plan, j)][1:]:
        if res.given[u, a]:
            break
        if (plan.nodes[a].method or "weighted_mean") not in LINEAR:
            raise AnalysisError(
                f"lever {lv.code!r} reaches the root through {plan.codes[a]!r}, a {plan.nodes[a].method} "
                "mean: the score is not linear in it, so the least-cost plan cannot be proven exact",
                code="target_nonlinear", lever=lv.code, node=plan.codes[a])


def _refuse_treated(res: Result, lv: Lever) -> None:
    """Refuse a lever whose values the outlier treatment changed: the winsorised bounds (or the log_CT
    shift) are set by the whole column, so the unit's move changes every unit's score non-linearly."""
    rep = next((r for r in res.treatment_report if r["code"] == lv.code), None)
    if rep is None:
        return
    how = "log-transformed" if rep["method"] == "log" else "winsorised"
    raise AnalysisError(
        f"lever {lv.code!r}: its values are {how} across all units by the outlier treatment, so a change of the "
        "unit's value moves every unit's score non-linearly; seek the target on a computation without the "
        f"treatment, or with `treatment: none` on {lv.code!r}", code="target_treated", lever=lv.code,
        method=rep["method"])


def _watched(t: _Setting, models: list[_LeverModel]) -> list[str]:
    """Levers with an outlier treatment that leaves their column unchanged now: the model holds only while
    it stays so, and a plan is checked for it by recomputing (:func:`_triggered`)."""
    return [lm.lever.code for lm in models if t.plan.nodes[lm.j].treatment is not None]


def _triggered(after: Result, watch: Sequence[str]) -> list[str]:
    """The watched levers whose treatment the plan made apply."""
    hit = {r["code"] for r in after.treatment_report}
    return [c for c in watch if c in hit]


def _apply(t: _Setting, models: list[_LeverModel], ys: Mapping[int, float]) -> Result:
    """The computation with the levers at the y-values ``ys``."""
    m2 = t.mat.copy()
    for lm in models:
        if lm.j in ys:
            m2[t.u, lm.col] = lm.d * ys[lm.j]
    return recompute(t.res, t.ulist, t.clist, m2)


def _printed(models: list[_LeverModel], ys: Mapping[int, float], decimals: int | None) -> dict[int, float]:
    """The plan as printed: each value rounded to `decimals` in the improving direction, within its bound."""
    out = {}
    for lm in models:
        y = ys.get(lm.j, lm.y0)
        if decimals is not None and y > lm.y0 + 1e-12:
            y = max(lm.y0, min(_grid(y, decimals, up=True), lm.grid_ub if lm.grid_ub is not None else y))
        if y > lm.y0 + 1e-12:
            out[lm.j] = y
    return out


def _least_cost(t: _Setting, models: list[_LeverModel], *, unit: str, decimals: int | None,
                max_iterations: int) -> TargetPlan:
    """The plan: none needed when already there; refused when every lever at its bound is not enough;
    else the least-cost plan that holds as printed, with why it is (or is not) proven optimal."""
    u, k = t.u, t.k
    notes: list[str] = []
    inexact = any(lm.partial_a for lm in models)
    if inexact:
        notes.append("a min–max lever starts below every peer: values between it and the peers' minimum "
                     "were not considered (module notes)")
    already = ["already at or above the target"]
    if t.rank_before <= k and t.peer_label == "frozen":
        return _report(t.res0, t.res0, u, k, models, {}, 0.0, 0.0, True, iters=0, notes=already, reason="already",
                       decimals=decimals, peers=t.peer_label)
    watch = _watched(t, models)
    if watch:
        notes.append(f"{', '.join(watch)}: the outlier treatment leaves the values unchanged now; plans that would "
                     "make it apply are outside the linear model, so each plan is checked by recomputing")
    # --- proof of infeasibility by monotonicity (while no treatment applies) ---------------
    at_bound = _printed(models, {lm.j: lm.ub for lm in models}, decimals)
    best = _apply(t, models, at_bound)
    best_hit = _triggered(best, watch)
    if not best_hit:
        _refuse_unreachable(models, best, u, k, unit, watch)
    if int(t.res.ranks[u, 0]) <= k:
        return _report(t.res0, t.res, u, k, models, {}, 0.0, 0.0, True, iters=0, notes=already, reason="already",
                       decimals=decimals, peers=t.peer_label)
    proof, chosen, iters = _solve_printed(t, models, decimals, max_iterations, watch)
    reason = _optimal_reason(inexact, proof, chosen)
    if chosen is None:
        if int(best.ranks[u, 0]) > k:  # only when the treatment applies at the bounds (else refused above)
            _refuse_triggered(best, u, k, unit, best_hit)
        notes.append("no cheaper plan reaches the rank once rounded: every lever at its bound")
        chosen = (at_bound, best, math.nan)
    ys_p, after, delta = chosen
    hit = _triggered(after, watch)
    if hit:
        reason = "treatment_triggered"
        notes.append(f"the plan makes the outlier treatment of {', '.join(hit)} apply: verified by recomputing, "
                     "not proven optimal")
    cost = sum(lm.lever.cost * (ys_p.get(lm.j, lm.y0) - lm.y0) for lm in models)
    lower = proof[0] if proof is not None else 0.0
    return _report(t.res0, after, u, k, models, ys_p, cost, lower, reason in ("proven", "proven_margin"),
                   iters=iters, notes=notes, reason=reason, delta=delta, decimals=decimals, peers=t.peer_label,
                   triggered=hit, watched=watch)


def _refuse_unreachable(models: list[_LeverModel], best: Result, u: int, k: int, unit: str,
                        watch: Sequence[str] = ()) -> None:
    """Refuse the target when, with every lever at its bound, the unit still misses rank k (the score is
    monotone in every lever while no outlier treatment applies, so no such plan can do better); the error
    names the bounds that bind, and the levers whose treatment a plan might make apply (not considered)."""
    best_rank = int(best.ranks[u, 0])
    if best_rank <= k:
        return
    binding: dict[str, list[str]] = {}
    for lm in models:
        binding.setdefault(lm.reason, []).append(lm.lever.code)
    caps = "; ".join(f"{REASONS[r]}: {', '.join(cs)}" for r, cs in binding.items())
    untreated = (f" (among plans that leave the outlier treatment of {', '.join(watch)} inactive)"
                 if watch else "")
    raise AnalysisError(
        f"{unit!r} cannot reach rank {k}{untreated}: with every lever at its bound it reaches rank {best_rank} "
        f"(score {best.scores[u, 0]:.4f}); the bounds that bind — {caps}; widen the bounds (a larger gain "
        "cap, no cap at the best peer's value, explicit bounds) or vary more indicators",
        code="target_impossible", unit=unit, rank=k, best_rank=best_rank, binding=binding,
    )


def _refuse_triggered(best: Result, u: int, k: int, unit: str, hit: Sequence[str]) -> None:
    """Refuse the target when no plan was found and every lever at its bound both misses rank k and makes
    an outlier treatment apply: the score is then not monotone in the lever, so nothing is proven."""
    raise AnalysisError(
        f"{unit!r}: no plan reaching rank {k} was found; with every lever at its bound the outlier treatment of "
        f"{', '.join(hit)} applies (the unit's new value makes the column fail the skew and kurtosis test), "
        f"which moves every unit's score non-linearly, and the unit reaches rank {int(best.ranks[u, 0])}; "
        f"give {', '.join(hit)} a lower bound, or seek the target with `treatment: none` on it",
        code="target_treatment_triggered", unit=unit, rank=k, lever=", ".join(hit),
    )


def _solve_printed(t: _Setting, models: list[_LeverModel], decimals: int | None, max_iterations: int,
                   watch: Sequence[str] = ()) -> tuple[tuple[float, bool, float] | None, tuple[dict[int, float], Result, float] | None, int]:
    """The least-cost plan, then the plan as printed: (lower bound, converged, cost) of the margin-0
    problem, the printed plan that reaches rank k (y-values, computation, margin) or None, iterations.

    A tie with the k-th best peer reaches rank k (competition ranking), so the first solve asks
    S_u >= S_k; when the printed plan, recomputed, misses rank k (solver tolerance, a tie broken by
    float noise), the margin grows from 10^-(decimals+1) and the plan is solved again; not when the
    miss comes from an outlier treatment the plan made apply (a margin cannot mend the model)."""
    step = 10.0 ** -((decimals if decimals is not None else 8) + 1)
    margins = [0.0, step, 10 * step, 100 * step]
    proof: tuple[float, bool, float] | None = None  # (lower bound, converged, cost) of the margin-0 problem
    chosen: tuple[dict[int, float], Result, float] | None = None
    iters = 0
    for delta in margins:
        try:
            ys, lower, it, converged = _plan(models, t.droot, t.s_all, t.u, t.others, t.k, max_iterations, delta)
        except AnalysisError:
            break  # no plan within the bounds keeps this margin
        iters += it
        if proof is None:
            proof = (lower, converged, sum(lm.lever.cost * (ys.get(lm.j, lm.y0) - lm.y0) for lm in models))
        ys_p = _printed(models, ys, decimals)
        after = _apply(t, models, ys_p)
        if int(after.ranks[t.u, 0]) <= t.k:
            chosen = (ys_p, after, delta)
            break
        if _triggered(after, watch):
            break
    return proof, chosen, iters


def _optimal_reason(inexact: bool, proof: tuple[float, bool, float] | None,
                    chosen: tuple[dict[int, float], Result, float] | None) -> str:
    """Why the plan is (or is not) proven optimal: ``partial_minmax``, ``at_bound``, ``iteration_limit``,
    ``proven`` or ``proven_margin``."""
    if inexact:
        return "partial_minmax"
    if proof is None or chosen is None:
        return "at_bound"
    if not proof[1]:
        return "iteration_limit"
    return "proven" if chosen[2] == 0 else "proven_margin"


def gain_caps(
    history: Mapping[Any, Mapping[str, float]],
    codes: Sequence[str],
    *,
    default: float,
    years: float = 1,
    directions: Mapping[str, int] | None = None,
) -> dict[str, tuple[float, str]]:
    """Yearly gain cap per code, from the unit's own history where it exists, else a setting.

    Per code, the cap is the largest yearly gain the unit achieved between
    consecutive editions that give the code a value (difference divided by
    the years between them), when positive, times ``years``: source
    ``"history"``; otherwise ``default * years``: source ``"setting"``.  The
    result is ``max_gain`` for :func:`seek_target` (``{c: g for c, (g, _)
    in caps.items()}``).

    Parameters
    ----------
    history : mapping year -> {code: the unit's value that year}
        Missing or NaN values are skipped.
    codes : sequence of str
    default : float
        Gain per year when the history shows none (>= 0).
    years : float, default 1
        The plan's horizon in years (> 0).
    directions : mapping code -> +1 or -1, optional
        -1 where less is better (a gain is a fall); see
        :func:`improving_directions`.

    Examples
    --------
    >>> caps = gain_caps({2022: {"a": 0.50, "b": 0.60}, 2023: {"a": 0.58, "b": 0.55}, 2025: {"a": 0.70}},
    ...                  ["a", "b", "c"], default=0.1, years=2)
    >>> {c: (round(g, 4), src) for c, (g, src) in caps.items()}
    {'a': (0.16, 'history'), 'b': (0.2, 'setting'), 'c': (0.2, 'setting')}
    """
    for what, v, ok in (("default", default, lambda x: x >= 0), ("years", years, lambda x: x > 0)):
        try:
            good = math.isfinite(float(v)) and ok(float(v))
        except (TypeError, ValueError):
            good = False
        if not good:
            raise AnalysisError(f"gain caps: {what} must be a number {'>= 0' if what == 'default' else '> 0'}; "
                                f"got {v!r}", code="invalid_bounds")
    try:
        order = sorted(history, key=float)
    except (TypeError, ValueError):
        raise AnalysisError("gain caps: the history's years must be numbers", code="invalid_bounds") from None
    out: dict[str, tuple[float, str]] = {}
    for code in codes:
        d = (directions or {}).get(code, 1)
        pts = []
        for yr in order:
            val = history[yr].get(code)
            if val is not None and math.isfinite(float(val)):
                pts.append((float(yr), float(val)))
        steps = [d * (v2 - v1) / (y2 - y1) for (y1, v1), (y2, v2) in zip(pts, pts[1:]) if y2 > y1]
        best = max(steps, default=0.0)
        out[code] = (best * years, "history") if best > 0 else (float(default) * years, "setting")
    return out


def _gains(max_gain: float | Mapping[str, float] | None, codes: Sequence[str]) -> dict[str, float]:
    """Per-lever gain caps from ``max_gain`` (checked: finite, >= 0)."""
    if max_gain is None:
        return {}
    given = dict(max_gain) if isinstance(max_gain, Mapping) else {c: max_gain for c in codes}
    out = {}
    for c in codes:
        if c not in given or given[c] is None:
            continue
        try:
            g = float(given[c])
        except (TypeError, ValueError):
            g = math.nan
        if not (math.isfinite(g) and g >= 0):
            raise AnalysisError(f"max_gain for {c!r} must be a number >= 0; got {given[c]!r}",
                                code="invalid_bounds", lever=c)
        out[c] = g
    return out


def _plan(models: list[_LeverModel], droot: np.ndarray, s_all: np.ndarray, u: int, others: np.ndarray, k: int,
          max_iterations: int, delta: float) -> tuple[dict[int, float], float, int, bool]:
    """The least-cost plan with ``S_u >= S_p + delta`` for all but k - 1 peers: y-values, lower bound,
    iterations, converged.  Works on a copy of the models (the pruning below narrows them)."""
    models = copy.deepcopy(models)
    # Restricted problem first: no lever leaves the peers' [min, max] band, so the peers stay fixed
    # (a small MILP).  Its cost C0 bounds the optimum; a move beyond the band costs at least its entry
    # cost (reaching the band's edge), so levers whose entry cost is >= C0 cannot improve on it.
    restricted = [_restrict(lm) for lm in models]
    ys: dict[int, float] = {}
    lower, iters, c0, converged = 0.0, 0, math.inf, True
    try:
        ys, lower, iters, converged = _solve(restricted, droot, s_all, u, others, k, max_iterations, delta=delta)
        c0 = sum(lm.lever.cost * (ys.get(lm.j, lm.y0) - lm.y0) for lm in models)
    except AnalysisError:
        pass
    for lm in models:
        if lm.region_c is not None and lm.lever.cost * (lm.region_c[0] - lm.y0) >= c0 - 1e-12:
            lm.region_c = None
        if lm.pieces and lm.pieces[0].peer_delta is not None and lm.lever.cost * lm.pieces[0].length >= c0 - 1e-12:
            lm.pieces = []
    if any(lm.region_c is not None or any(pc.peer_delta is not None for pc in lm.pieces) for lm in models):
        ys2, lower2, iters2, conv2 = _solve(models, droot, s_all, u, others, k, max_iterations, cutoff=c0,
                                            delta=delta)
        cost2 = sum(lm.lever.cost * (ys2.get(lm.j, lm.y0) - lm.y0) for lm in models)
        iters += iters2
        if cost2 < c0:
            ys, lower, converged = ys2, lower2, conv2
        else:
            lower = min(c0, lower2)
            converged = converged and conv2
    elif math.isinf(c0):
        raise AnalysisError("the solver found no plan", code="target_impossible")
    return ys, lower, iters, converged


def _ancestors(plan: Any, j: int) -> list[int]:
    out = []
    while plan.parent[j] >= 0:
        j = plan.parent[j]
        out.append(j)
    return out


def _restrict(lm: _LeverModel) -> _LeverModel:
    """The lever kept inside the peers' band: no region a (peer-moving first step), no region c."""
    pieces = [] if (lm.pieces and lm.pieces[0].peer_delta is not None) else list(lm.pieces)
    ub = lm.y0 + sum(pc.length for pc in pieces)
    return _LeverModel(lm.lever, lm.j, lm.col, lm.d, lm.y0, ub, pieces)


class _Milp:
    """A mixed-integer linear programme under construction: variables (bounds, cost, integrality) and rows
    ``lo <= sum coef * x <= hi``."""

    def __init__(self) -> None:
        self.nv = 0
        self.integrality: list[int] = []
        self.lb: list[float] = []
        self.ubv: list[float] = []
        self.obj: list[float] = []
        self.rows: list[tuple[dict[int, float], float, float]] = []

    def var(self, lo: float, hi: float, c: float, integer: bool) -> int:
        """A new variable in [lo, hi] costing ``c``; its index."""
        self.lb.append(lo)
        self.ubv.append(hi)
        self.obj.append(c)
        self.integrality.append(1 if integer else 0)
        self.nv += 1
        return self.nv - 1


def _solve(models: list[_LeverModel], droot: np.ndarray, s_all: np.ndarray, u: int, others: np.ndarray, k: int,
           max_iterations: int, cutoff: float = math.inf, delta: float = 0.0
           ) -> tuple[dict[int, float], float, int, bool]:
    """Build and solve the MILP (with Kelley cuts for region c), asking ``S_u >= S_p + delta`` of the peers
    to beat; returns y-values, lower bound, iterations and whether the cuts converged."""
    # Variable layout: pieces, ordering binaries, tau + cost epigraph per region c, peer binaries.
    m = _Milp()
    if math.isfinite(cutoff):
        _narrow_region_c(models, cutoff)
    piece_idx, tau_idx = _lever_variables(m, models)
    peer_effects = bool(tau_idx) or any(pc.peer_delta is not None for lm in models for pc in lm.pieces)
    su0 = s_all[u]
    # own root-score gain per variable
    gain: dict[int, float] = {}
    for lm, ids in zip(models, piece_idx):
        for pc, v in zip(lm.pieces, ids):
            if pc.gain:
                gain[v] = droot[u, lm.j] * pc.gain
    if not peer_effects:
        ps = np.sort(s_all[others])[::-1]
        thr = ps[k - 1] if k - 1 < ps.size else -np.inf
        m.rows.append((dict(gain), thr - su0 + delta, np.inf))
    else:
        _peer_rows(m, models, piece_idx, tau_idx, gain, droot, s_all, u, others, k, cutoff, delta)
    cuts: list[tuple[dict[int, float], float, float]] = []
    for li, (t, kc) in tau_idx.items():
        lm = models[li]
        tau_max = _region(lm)[2]
        for frac in (0.0, 0.25, 0.5, 0.75, 1.0):
            t0 = frac * tau_max
            fv, fd = _region_cost(lm, t0)
            cuts.append(({kc: 1.0, t: -fd}, fv - fd * t0, np.inf))
    if math.isfinite(cutoff):
        m.rows.append(({v: c for v, c in enumerate(m.obj) if c}, -np.inf, cutoff + 1e-9 * (1 + cutoff)))
    x, fun, iters, converged = _cutting_planes(m, cuts, models, tau_idx, max_iterations)
    ys: dict[int, float] = {}
    for li, (lm, ids) in enumerate(zip(models, piece_idx)):
        y = lm.y0 + sum(pc.length * _snap(x[v]) for pc, v in zip(lm.pieces, ids))
        if li in tau_idx:
            t = x[tau_idx[li][0]]
            top, mn, _ = _region(lm)
            if t > 1e-12:
                y = top + (top - mn) * t / (1 - t)
        if y > lm.y0 + 1e-12:
            ys[lm.j] = min(y, lm.ub)
    return ys, fun, iters, converged


def _region(lm: _LeverModel) -> tuple[float, float, float]:
    """The lever's region c ``(top, mn, tau_max)``; only asked of a lever that has one."""
    if lm.region_c is None:  # pragma: no cover - callers ask only levers with a region c
        raise ValueError(f"lever {lm.lever.code!r} has no region beyond the best peer")
    return lm.region_c


def _peer_base(lm: _LeverModel) -> np.ndarray:
    """The peers' scores at the start of the lever's region c; only asked of a lever that has one."""
    if lm.peer_base is None:  # pragma: no cover - set with region_c
        raise ValueError(f"lever {lm.lever.code!r} has no region beyond the best peer")
    return lm.peer_base


def _region_cost(lm: _LeverModel, tau: float) -> tuple[float, float]:
    """The cost of going ``tau`` into region c, and its derivative (the cost is convex in tau)."""
    top, mn, _ = _region(lm)
    r = top - mn
    c = lm.lever.cost
    return c * r * tau / (1 - tau), c * r / (1 - tau) ** 2


def _narrow_region_c(models: list[_LeverModel], cutoff: float) -> None:
    """A plan costs at most `cutoff`: bound how far each lever can go beyond the band (or drop region c)."""
    for lm in models:
        if lm.region_c is None:
            continue
        top, mn, tau_max = lm.region_c
        psi = (cutoff - lm.lever.cost * (top - lm.y0)) / lm.lever.cost
        if psi <= 0:
            lm.region_c = None
        else:
            lm.region_c = (top, mn, min(tau_max, psi / (top - mn + psi)))


def _lever_variables(m: _Milp, models: list[_LeverModel]) -> tuple[list[list[int]], dict[int, tuple[int, int]]]:
    """One variable per piece (filled in order: ordering rows, with a binary between continuous pieces), and
    per region c a tau and its cost epigraph; the piece variables per lever and the (tau, cost) per lever."""
    piece_idx: list[list[int]] = []
    tau_idx: dict[int, tuple[int, int]] = {}
    for li, lm in enumerate(models):
        ids = []
        for pc in lm.pieces:
            ids.append(m.var(0.0, 1.0, lm.lever.cost * pc.length, pc.binary))
        piece_idx.append(ids)
        for a, b in zip(ids, ids[1:]):
            if m.integrality[a]:
                m.rows.append(({b: 1.0, a: -1.0}, -np.inf, 0.0))  # e_b <= e_a
            else:
                z = m.var(0.0, 1.0, 0.0, True)
                m.rows.append(({b: 1.0, z: -1.0}, -np.inf, 0.0))  # e_b <= z
                m.rows.append(({z: 1.0, a: -1.0}, -np.inf, 0.0))  # z <= e_a
        if lm.region_c is not None:
            _, _, tau_max = lm.region_c
            t = m.var(0.0, tau_max, 0.0, False)
            kc = m.var(0.0, np.inf, 1.0, False)
            tau_idx[li] = (t, kc)
            if ids:
                zc = m.var(0.0, 1.0, 0.0, True)
                m.rows.append(({t: 1.0, zc: -tau_max}, -np.inf, 0.0))
                m.rows.append(({zc: 1.0, ids[-1]: -1.0}, -np.inf, 0.0))
    return piece_idx, tau_idx


def _gain_max(models: list[_LeverModel], droot: np.ndarray, u: int, cutoff: float) -> float:
    """The most own root-score gain a plan can buy: every piece, or under a cost ``cutoff`` the
    fractional-knapsack bound."""
    gain_max = sum(droot[u, lm.j] * pc.gain for lm in models for pc in lm.pieces)
    if math.isfinite(cutoff):
        items = sorted(((droot[u, lm.j] * pc.gain, lm.lever.cost * pc.length) for lm in models
                        for pc in lm.pieces if pc.gain > 0), key=lambda gc: -gc[0] / gc[1])
        budget, gain_max = cutoff, 0.0
        for g, c in items:
            take = min(1.0, budget / c) if c > 0 else 1.0
            gain_max += g * take
            budget -= c * take
            if budget <= 0:
                break
    return gain_max


def _peer_rows(m: _Milp, models: list[_LeverModel], piece_idx: list[list[int]], tau_idx: dict[int, tuple[int, int]],
               gain: dict[int, float], droot: np.ndarray, s_all: np.ndarray, u: int, others: np.ndarray, k: int,
               cutoff: float, delta: float) -> None:
    """The rank rows when the plan moves the peers: peers that stay above even with every lever at its bound
    must be among the k - 1 above; the others (contenders) get a binary "left above" b_p, at most k - 1
    of them minus the fixed ones, with dominance rows between them."""
    su0 = s_all[u]
    gain_max = _gain_max(models, droot, u, cutoff)
    contenders = []
    fixed_above = 0
    for i, p in enumerate(others):
        if s_all[p] + delta <= su0 - EPS:
            continue  # already below by the margin: the plan only widens the gap
        drop = sum(-droot[p, lm.j] * pc.peer_delta[i] for lm in models for pc in lm.pieces
                   if pc.peer_delta is not None)
        drop += sum(droot[p, lm.j] * _peer_base(lm)[i] * _region(lm)[2] for lm in models
                    if lm.region_c is not None)
        if s_all[p] - drop + delta > su0 + gain_max + EPS:
            fixed_above += 1
        else:
            contenders.append(i)
    bvars = []
    reduc: dict[int, np.ndarray] = {}
    for i in contenders:
        p = others[i]
        coef = dict(gain)
        for lm, ids in zip(models, piece_idx):
            for pc, v in zip(lm.pieces, ids):
                if pc.peer_delta is not None:
                    coef[v] = coef.get(v, 0.0) - droot[p, lm.j] * pc.peer_delta[i]
        for li, (t, _) in tau_idx.items():
            lm = models[li]
            coef[t] = coef.get(t, 0.0) + droot[p, lm.j] * _peer_base(lm)[i]
        big = s_all[p] - su0 + delta + 2 * EPS
        b = m.var(0.0, 1.0, 0.0, True)
        coef[b] = big
        bvars.append(b)
        m.rows.append((coef, s_all[p] - su0 + delta, np.inf))
        reduc[b] = np.array([coef.get(v, 0.0) - gain.get(v, 0.0) for v in range(m.nv)])
    if fixed_above > k - 1:  # pragma: no cover - excluded by the monotonicity check
        raise AnalysisError("target unreachable", code="target_impossible")
    m.rows.append(({b: 1.0 for b in bvars}, -np.inf, float(k - 1 - fixed_above)))
    _dominance_rows(m, bvars, reduc, np.array([s_all[others[i]] for i in contenders]))


def _dominance_rows(m: _Milp, bvars: list[int], reduc: dict[int, np.ndarray], sp_arr: np.ndarray) -> None:
    """Dominance: S_u >= S_q - red_q implies S_u - S_p >= (S_q - S_p) - sum max(0, red_q - red_p) * max
    (red: how much the plan lowers a peer, linear in the plan's variables).  When that bound is
    >= EPS, beating q beats p: b_p <= b_q.  Small moves beyond the band make this hold for most pairs."""
    nvb = m.nv
    vmax = np.array(m.ubv[:nvb])
    vmax[~np.isfinite(vmax)] = 0.0
    vmax[bvars] = 0.0
    red = np.array([np.pad(reduc[b], (0, nvb - reduc[b].size)) for b in bvars]) * vmax  # (P, nv)
    if not bvars:
        return
    # slack[q, p] for every pair; keep, for each p, its two closest dominators (the rest follow).
    slack = (sp_arr[:, None] - sp_arr[None, :]
             - np.maximum(red[:, None, :] - red[None, :, :], 0.0).sum(axis=2))
    ok = slack >= 2 * EPS
    np.fill_diagonal(ok, False)
    ok &= (sp_arr[:, None] > sp_arr[None, :]) | (np.arange(len(bvars))[:, None] < np.arange(len(bvars)))
    for b_, bp in enumerate(bvars):
        qs = np.flatnonzero(ok[:, b_])
        for a_ in qs[np.argsort(sp_arr[qs])][:2]:
            m.rows.append(({bp: 1.0, bvars[a_]: -1.0}, -np.inf, 0.0))


def _cutting_planes(m: _Milp, cuts: list[tuple[dict[int, float], float, float]], models: list[_LeverModel],
                    tau_idx: dict[int, tuple[int, int]], max_iterations: int) -> tuple[np.ndarray, float, int, bool]:
    """Solve the MILP, adding a Kelley cut wherever a region-c cost is under-estimated, until none is
    (converged) or ``max_iterations``; the solution, its cost (the lower bound), iterations, converged."""
    if m.nv == 0:  # no lever has a piece left (the restricted problem of a lever below every peer)
        raise AnalysisError("the solver found no plan: no lever can move", code="target_impossible")
    iters = 0
    cvec = np.array(m.obj)
    bounds = Bounds(np.array(m.lb), np.array(m.ubv))
    integ = np.array(m.integrality)
    while True:
        iters += 1
        allrows = m.rows + cuts
        amat = np.zeros((len(allrows), m.nv))
        lo = np.empty(len(allrows))
        hi = np.empty(len(allrows))
        for r, (coef, l_, h_) in enumerate(allrows):
            for v, c in coef.items():
                amat[r, v] = c
            lo[r], hi[r] = l_, h_
        out = milp(cvec, constraints=LinearConstraint(amat, lo, hi), integrality=integ, bounds=bounds,
                   options={"mip_rel_gap": 1e-9})
        if out.x is None:
            raise AnalysisError(f"the solver found no plan ({out.message})", code="target_impossible")
        x = out.x
        new_cuts = 0
        for li, (t, kc) in tau_idx.items():
            fv, fd = _region_cost(models[li], x[t])
            if fv - x[kc] > 1e-7 * (1.0 + abs(fv)):
                cuts.append(({kc: 1.0, t: -fd}, fv - fd * x[t], np.inf))
                new_cuts += 1
        if new_cuts == 0 or iters >= max_iterations:
            break
    return x, float(out.fun), iters, new_cuts == 0


def _snap(v: float) -> float:
    return 0.0 if v < 1e-10 else (1.0 if v > 1 - 1e-10 else float(v))


REASONS = {
    "given": "the bound given",
    "max_gain": "the gain cap",
    "best_peer": "the best peer's value",
    "range": "the range's limit",
    "saturation": "the value past which the score cannot rise",
}


def _report(res0: Result, after: Result, u: int, k: int, models: list[_LeverModel], ys: Mapping[int, float],
            cost: float, lower: float, exact: bool, *, peers: str, iters: int, notes: list[str], reason: str,
            decimals: int | None, delta: float = 0.0, triggered: Sequence[str] = (),
            watched: Sequence[str] = ()) -> TargetPlan:
    droot0 = root_derivative(res0)
    droot1 = root_derivative(after)
    changes: list[dict[str, Any]] = []
    for lm in models:
        if lm.j not in ys:
            continue
        x_from = lm.d * lm.y0
        x_to = lm.d * ys[lm.j]
        changes.append({
            "code": lm.lever.code,
            "from": float(x_from),
            "to": float(x_to),
            "change": float(x_to - x_from),
            "cost": float(lm.lever.cost * abs(x_to - x_from)),
            "unit_cost": float(lm.lever.cost),
            "score_from": float(res0.scores[u, lm.j]),
            "score_to": float(after.scores[u, lm.j]),
            "contribution": float(after.scores[u, lm.j] * droot1[u, lm.j]
                                  - res0.scores[u, lm.j] * droot0[u, lm.j]),
            "bound": float(lm.bound),
            "bound_reason": lm.reason,
            "at_bound": bool(abs(x_to - lm.bound) <= 1e-9),
            "best_peer": None if lm.best_peer is None else float(lm.best_peer),
        })
    s_after = after.scores[:, 0]
    peers_sorted = np.sort(np.delete(s_after, u))[::-1]
    thr = peers_sorted[k - 1] if k - 1 < peers_sorted.size else float("nan")
    margin = float(s_after[u] - thr) if not np.isnan(thr) else float("inf")
    rounding_max = (sum(c["unit_cost"] for c in changes) * 10.0 ** -decimals) if decimals is not None else 0.0
    plan = TargetPlan(
        unit=res0.units[u], target_rank=k, rank_before=int(res0.ranks[u, 0]), rank_after=int(after.ranks[u, 0]),
        score_before=float(res0.scores[u, 0]), score_after=float(s_after[u]), cost=float(cost),
        lower_bound=float(lower), margin=margin, changes=changes, exact=exact, peers=peers,
        iterations=iters, notes=notes, after=after, decimals=decimals, rounded=decimals is not None,
        verified_rank=int(after.ranks[u, 0]), optimal_reason=reason,
        rank_margin=None if math.isnan(delta) else float(delta), rounding_cost_max=float(rounding_max),
        treatment_triggered=list(triggered), treatment_watched=list(watched),
    )
    plan.optimal_note = optimal_note(plan.as_dict())
    return plan


# Whether the plan is proven optimal, per optimal_reason: (English, Vietnamese).  Fields: lower, extra (cost
# above the lower bound), rounding (rounding_cost_max), decimals, delta (rank_margin), rounded_part.
_NOTES = {
    "already": ("The unit already reaches the target rank: nothing to change.",
                "Đơn vị đã đạt thứ hạng mục tiêu: không cần thay đổi."),
    "proven": ("Proven optimal: no plan within these bounds{watched_part} costs less than {lower}{rounded_part}.",
               "Đã chứng minh là tối ưu: không có kế hoạch nào trong các giới hạn này{watched_part} có chi phí dưới "
               "{lower}{rounded_part}."),
    "watched_part": (" that leaves the outlier treatment of {watched} inactive",
                     " mà vẫn giữ cho việc xử lý giá trị ngoại lai của {watched} không được áp dụng"),
    "rounded_part": ("; rounding the values up to {decimals} decimals may cost at most {rounding} more (the sum of "
                     "cost × 10^-{decimals} over the levers moved)",
                     "; làm tròn lên {decimals} chữ số thập phân tốn thêm tối đa {rounding} (tổng chi phí × "
                     "10^-{decimals} của các chỉ số thay đổi)"),
    "proven_margin": ("Proven optimal before rounding (no plan within these bounds{watched_part} costs less than "
                      "{lower}); to still "
                      "reach the rank once rounded to {decimals} decimals the plan keeps a margin of {delta} on the "
                      "score and costs {extra} more than that bound.",
                      "Đã chứng minh là tối ưu trước khi làm tròn (không kế hoạch nào trong các giới hạn "
                      "này{watched_part} có chi phí dưới {lower}); để vẫn đạt hạng khi làm tròn {decimals} chữ số thập phân, kế hoạch giữ biên "
                      "{delta} trên điểm và tốn thêm {extra} so với mức đó."),
    "partial_minmax": ("Not proven optimal: a min–max lever starts below every peer, and values between it and the "
                       "peers' lowest value were not considered.",
                       "Chưa chứng minh được là tối ưu: một chỉ số chuẩn hóa min–max đang thấp hơn mọi tỉnh khác; "
                       "các giá trị nằm giữa nó và giá trị thấp nhất của các tỉnh khác chưa được xét."),
    "iteration_limit": ("Not proven optimal: the solver stopped before converging; no plan costs less than {lower}.",
                        "Chưa chứng minh được là tối ưu: bộ giải dừng trước khi hội tụ; không kế hoạch nào có chi "
                        "phí dưới {lower}."),
    "treatment_triggered": ("Not proven optimal: the plan makes the outlier treatment of {treated} apply, which "
                            "moves every unit's score non-linearly; the plan was recomputed and reaches the rank.",
                            "Chưa chứng minh được là tối ưu: kế hoạch làm cho việc xử lý giá trị ngoại lai của "
                            "{treated} được áp dụng, khiến điểm của mọi đơn vị thay đổi phi tuyến; kế hoạch đã "
                            "được tính lại và đạt thứ hạng mục tiêu."),
    "at_bound": ("Not proven optimal: no cheaper plan was found that still reaches the rank once rounded; this is "
                 "the plan with every lever at its bound.",
                 "Chưa chứng minh được là tối ưu: không tìm được kế hoạch rẻ hơn mà vẫn đạt hạng sau khi làm tròn; "
                 "đây là kế hoạch đưa mọi chỉ số lên giới hạn của nó."),
}


def optimal_note(plan: Mapping[str, Any], lang: str = "en") -> str:
    """The sentence saying whether ``plan`` (:meth:`TargetPlan.as_dict`) is proven optimal and what rounding
    may cost, in English (``en``) or Vietnamese (``vi``, decimal comma) — the plan's ``optimal_note`` and the
    same words for the command line and the pages.

    >>> print(optimal_note({"optimal_reason": "proven", "lower_bound": 0.241, "cost": 0.241, "decimals": 4,
    ...                     "rounding_cost_max": 0.0003, "rank_margin": 0.0}, "vi"))
    Đã chứng minh là tối ưu: không có kế hoạch nào trong các giới hạn này có chi phí dưới 0,2410;
    làm tròn lên 4 chữ số thập phân tốn thêm tối đa 0,0003 (tổng chi phí × 10^-4 của các chỉ số thay đổi).
    """
    i = 1 if lang == "vi" else 0

    def num(v: Any) -> str:
        text = f"{float(v):.4f}"
        return text.replace(".", ",") if i else text

    reason = plan.get("optimal_reason") or "at_bound"
    dec = plan.get("decimals")
    lower, cost = float(plan.get("lower_bound") or 0.0), float(plan.get("cost") or 0.0)
    fields = {"lower": num(lower), "extra": num(max(cost - lower, 0.0)), "decimals": dec,
              "rounding": num(plan.get("rounding_cost_max") or 0.0),
              "delta": f"{plan.get('rank_margin') or 0.0:g}".replace(".", "," if i else "."),
              "treated": ", ".join(plan.get("treatment_triggered") or []),
              "watched": ", ".join(plan.get("treatment_watched") or [])}
    fields["watched_part"] = _NOTES["watched_part"][i].format(**fields) if fields["watched"] else ""
    fields["rounded_part"] = _NOTES["rounded_part"][i].format(**fields) if dec is not None else ""
    return _NOTES.get(reason, _NOTES["at_bound"])[i].format(**fields)
