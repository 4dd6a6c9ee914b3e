"""Scoring rules: raw indicator values -> scores in [0, 1] (or onto a ``scale``).

Every function takes ``values`` of shape ``(n_units,)``, ``(n_units, n_indicators)``
or ``(n_reps, n_units, n_indicators)``: **units are on axis -2** for 2-D and 3-D
input (axis 0 for 1-D).  Per-indicator parameters broadcast over the last axis.
NaN means *missing*: it is ignored when fitting reference values (min, max,
mean...) and stays NaN when applying.  Inputs are never modified.

The peer-relative rules (``minmax``, ``ratio_to_max``, ``percentile``) and fixed
``goalposts`` take ``scale=(LO, HI)``: their [0, 1] score ``s`` becomes
``LO + (HI - LO) s`` (COINr's ``n_minmax`` with ``l_u = c(LO, HI)``); ``zscore``
takes ``mean`` and ``sd``: ``mean + sd z`` (COINr's ``n_zscore`` with ``m_sd``).
LO, HI, mean and sd are scalars or per-indicator arrays.

Degenerate cases, decided once (see each Notes section):

* a constant indicator under ``minmax`` scores HI (1) for every unit (nobody is
  behind anybody; the ministry's relative scores give the best province 1);
* ``ratio_to_max`` with max = 0 scores LO (0) for every unit (nobody has any);
* ``zscore`` of a constant indicator is ``mean`` (0).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.stats import rankdata

from .errors import InputError

__all__ = [
    "MinMax",
    "apply_rule",
    "apply_minmax",
    "fit_minmax",
    "score_goalposts",
    "score_minmax",
    "score_partial",
    "score_percentile",
    "score_ratio_capped",
    "score_ratio_to_max",
    "score_threshold",
    "score_yes_no",
    "score_zscore",
]


def _as_float(values: Any) -> np.ndarray:
    arr = np.array(values, dtype=float, copy=True)
    if arr.ndim == 0:
        raise InputError("values must have at least one dimension (units)", code="input_shape")
    return arr


def _as_array(values: Any) -> np.ndarray:
    """``values`` as a float array without copying: for the rules that only read it and build a fresh
    result (one pass fewer over a large matrix)."""
    arr = np.asarray(values, dtype=float)
    if arr.ndim == 0:
        raise InputError("values must have at least one dimension (units)", code="input_shape")
    return arr


Scale = tuple[Any, Any]


def _rescale(out: np.ndarray, scale: Scale | None) -> np.ndarray:
    """``LO + (HI - LO) out``, in place on a fresh ``out``; nothing to do for the default [0, 1]."""
    if scale is None:
        return out
    lo, hi = (np.asarray(v, dtype=float) for v in scale)
    span = hi - lo
    if np.any(span != 1.0):
        out *= span
    if np.any(lo != 0.0):
        out += lo
    return out


def _uaxis(arr: np.ndarray) -> int:
    return 0 if arr.ndim == 1 else -2


@dataclass(frozen=True)
class MinMax:
    """Reference minimum and maximum learnt from a set of units (the goalposts).

    Attributes
    ----------
    lo_, hi_ : ndarray
        Per-indicator minimum and maximum over the units present (NaN ignored),
        with the units axis kept (length 1) so they broadcast against values.
    """

    lo_: np.ndarray
    hi_: np.ndarray

    @property
    def range_(self) -> np.ndarray:
        return self.hi_ - self.lo_


def fit_minmax(values: Any) -> MinMax:
    """Learn the per-indicator min and max over units (NaN ignored).

    Parameters
    ----------
    values : array_like, shape (n_units, ...) as described in the module doc.

    Returns
    -------
    MinMax
        Frozen goalposts; an indicator with no value at all gets NaN goalposts.

    Examples
    --------
    >>> gp = fit_minmax([[0.2], [0.6], [1.0]])
    >>> float(gp.lo_[0, 0]), float(gp.hi_[0, 0])
    (0.2, 1.0)
    """
    arr = _as_array(values)
    ax = _uaxis(arr)
    # fmin/fmax skip NaN (NaN only where every value is NaN), one pass each and no warning
    lo = np.fmin.reduce(arr, axis=ax, keepdims=True)
    hi = np.fmax.reduce(arr, axis=ax, keepdims=True)
    return MinMax(lo_=lo, hi_=hi)


def apply_minmax(
    values: Any, goalposts: MinMax, *, direction: Any = 1, clip: bool = False, scale: Scale | None = None
) -> np.ndarray:
    """Apply learnt goalposts: ``(x - lo) / (hi - lo)`` (``(hi - x) / (hi - lo)`` when direction is -1),
    then onto ``scale``.

    Parameters
    ----------
    values : array_like
        Raw values, units on axis -2 (or 0 for 1-D).
    goalposts : MinMax
        From :func:`fit_minmax`, possibly on another set of units (what-if keeps
        the peers' goalposts while one unit moves).
    direction : int or array_like of shape (n_indicators,)
        +1 (more is better) or -1.
    clip : bool, default False
        Clip to [0, 1] (useful when applying goalposts to new values).
    scale : (LO, HI), optional
        Map the [0, 1] score onto [LO, HI] (scalars or per-indicator arrays).

    Notes
    -----
    Where ``hi == lo`` (a constant indicator) every non-missing unit scores 1 (HI).
    Computed in place on one fresh array: a subtraction and a division (plus a
    sign flip when some indicator has direction -1); only the direction needed
    is computed, and a constant indicator costs a pass only when there is one.
    """
    arr = _as_array(values)
    neg = np.asarray(direction, dtype=float) < 0
    rng = goalposts.hi_ - goalposts.lo_
    with np.errstate(all="ignore"):
        if np.any(neg):  # d x - d ref: (x - lo) up, (hi - x) down, exactly, and never -0.0
            sign = np.where(neg, -1.0, 1.0)
            out = arr * sign
            out -= np.where(neg, goalposts.hi_, goalposts.lo_) * sign
        else:
            out = arr - goalposts.lo_
        out /= rng
    flat = rng == 0
    if np.any(flat):
        out = np.where(flat & ~np.isnan(arr), 1.0, out)
    if clip:
        np.clip(out, 0.0, 1.0, out=out)
    return _rescale(out, scale)


def score_minmax(values: Any, *, direction: Any = 1, scale: Scale | None = None) -> np.ndarray:
    """Min–max over the units present, onto ``scale`` (default [0, 1]).

    ``s = LO + (HI - LO) (x - min) / (max - min)``; for direction -1, ``(max - x)`` replaces
    ``(x - min)`` (the same as COINr's multiplying by the direction before normalising).

    Examples
    --------
    >>> score_minmax([2.0, 4.0, 6.0]).tolist()
    [0.0, 0.5, 1.0]
    >>> score_minmax([2.0, 4.0, 6.0], direction=-1).tolist()
    [1.0, 0.5, 0.0]
    >>> score_minmax([2.0, 4.0, 6.0], scale=(1, 100)).tolist()
    [1.0, 50.5, 100.0]
    """
    arr = _as_array(values)
    return apply_minmax(arr, fit_minmax(arr), direction=direction, scale=scale)


def score_ratio_to_max(values: Any, *, direction: Any = 1, scale: Scale | None = None) -> np.ndarray:
    """Value divided by the best value over the units present, onto ``scale`` (default [0, 1]).

    ``s = x / max(x)``; for direction -1, ``s = min(x) / x``; then ``LO + (HI - LO) s``.

    Raises
    ------
    InputError
        If a value is negative (a ratio to the maximum needs x >= 0).

    Notes
    -----
    If the maximum is 0 every unit scores 0.  For direction -1 a unit at 0 (the
    best possible) scores 1.
    """
    arr = _as_float(values)
    if np.any(arr < 0):
        raise InputError(
            "ratio_to_max needs non-negative values; got a negative value", code="negative_value",
            positions=np.argwhere(arr < 0).tolist(),
        )
    ax = _uaxis(arr)
    d = np.asarray(direction, dtype=float)
    with np.errstate(all="ignore"):
        gp = fit_minmax(arr)
        up = np.where(gp.hi_ > 0, arr / gp.hi_, 0.0)
        down = np.where(arr > 0, gp.lo_ / arr, 1.0)
        out = np.where(d < 0, down, up)
    del ax
    return _rescale(np.where(np.isnan(arr), np.nan, out), scale)


def score_goalposts(values: Any, *, lo: Any, hi: Any, direction: Any = 1, scale: Scale | None = None) -> np.ndarray:
    """Fixed goalposts, clipped: ``clip((x - lo) / (hi - lo), 0, 1)`` (mirrored for direction -1), then
    onto ``scale``: a value at or beyond the upper goalpost scores HI.

    Examples
    --------
    >>> score_goalposts([0, 50, 120], lo=0, hi=100).tolist()
    [0.0, 0.5, 1.0]
    >>> score_goalposts([0, 50, 120], lo=0, hi=100, scale=(0, 10)).tolist()
    [0.0, 5.0, 10.0]
    """
    arr = _as_float(values)
    lo_a = np.asarray(lo, dtype=float)
    hi_a = np.asarray(hi, dtype=float)
    if np.any(lo_a == hi_a):
        raise InputError("goalposts need lo != hi", code="goalposts_equal")
    gp = MinMax(lo_=lo_a, hi_=hi_a)
    return apply_minmax(arr, gp, direction=direction, clip=True, scale=scale)


def score_zscore(values: Any, *, direction: Any = 1, mean: Any = 0.0, sd: Any = 1.0) -> np.ndarray:
    """Standardisation shifted onto ``mean`` and ``sd``: ``mean + sd (x - m) / s`` where m and s are
    the mean and sample standard deviation (ddof=1) over the units present (COINr's ``n_zscore``).

    Examples
    --------
    >>> score_zscore([1.0, 2.0, 3.0]).tolist()
    [-1.0, 0.0, 1.0]
    >>> score_zscore([1.0, 2.0, 3.0], mean=10, sd=2, direction=-1).tolist()
    [12.0, 10.0, 8.0]

    Notes
    -----
    Unbounded.  A constant indicator (or a single unit) scores ``mean``.
    """
    arr = _as_array(values)
    ax = _uaxis(arr)
    neg = np.asarray(direction, dtype=float) < 0
    with np.errstate(all="ignore"):
        n = np.sum(~np.isnan(arr), axis=ax, keepdims=True)
        m = np.nanmean(arr, axis=ax, keepdims=True)
        out = arr - m
        s = np.sqrt(np.nansum(out * out, axis=ax, keepdims=True) / np.maximum(n - 1, 1))
        # dividing by an infinite spread gives 0 (a constant column) and keeps NaN as NaN
        out /= np.where(s > 0, np.where(neg, -s, s), np.inf)
    if np.any(np.not_equal(sd, 1.0)):
        out *= np.asarray(sd, dtype=float)
    if np.any(np.not_equal(mean, 0.0)):
        out += np.asarray(mean, dtype=float)
    return out


def score_percentile(values: Any, *, direction: Any = 1, scale: Scale | None = None) -> np.ndarray:
    """Rank-based score: ``(n - r) / (n - 1)`` where r is the competition rank (1 = best), onto ``scale``.

    Ties share the better rank; a single unit scores 1.

    Examples
    --------
    >>> score_percentile([10, 30, 30, 20]).tolist()
    [0.0, 1.0, 1.0, 0.3333333333333333]
    """
    arr = _as_float(values)
    ax = _uaxis(arr)
    d = np.asarray(direction, dtype=float)
    key = -arr * np.where(d < 0, -1.0, 1.0)
    r = rankdata(key, method="min", axis=ax, nan_policy="omit")
    n = np.sum(~np.isnan(arr), axis=ax, keepdims=True)
    with np.errstate(all="ignore"):
        out = np.where(n > 1, (n - r) / (n - 1), 1.0)
    return _rescale(np.where(np.isnan(arr), np.nan, out), scale)


def score_threshold(values: Any, *, steps: list, points: float | None = None, direction: int = 1) -> np.ndarray:
    """Step table: the score of the highest threshold reached (0 below every threshold).

    Parameters
    ----------
    steps : list of [threshold, score]
        e.g. ``[[4, 20], [3, 15], [2, 10], [1, 5]]`` (order does not matter).
    points : float, optional
        If given, scores in ``steps`` are points out of ``points`` and are divided by it.
    direction : int
        +1: reached when ``x >= threshold``; -1: reached when ``x <= threshold``.

    Examples
    --------
    >>> score_threshold([0, 1, 3, 9], steps=[[4, 20], [3, 15], [2, 10], [1, 5]], points=20).tolist()
    [0.0, 0.25, 0.75, 1.0]
    """
    arr = _as_float(values)
    out = np.zeros_like(arr)
    scale = float(points) if points else 1.0
    for thr, sc in steps:
        reached = arr >= thr if direction >= 0 else arr <= thr
        out = np.where(reached, np.maximum(out, sc / scale), out)
    return np.where(np.isnan(arr), np.nan, out)


def score_ratio_capped(values: Any, *, target: float = 1.0) -> np.ndarray:
    """Ratio to a target, capped: ``min(max(x, 0) / target, 1)``.

    Examples
    --------
    >>> score_ratio_capped([0.5, 2.0], target=1.0).tolist()
    [0.5, 1.0]
    """
    arr = _as_float(values)
    if target <= 0:
        raise InputError(f"ratio_capped target must be > 0, got {target}", code="target_nonpositive")
    out = np.clip(arr / float(target), 0.0, 1.0)
    return np.where(np.isnan(arr), np.nan, out)


def score_yes_no(values: Any) -> np.ndarray:
    """Yes/no: 1 for yes, 0 for no.

    Raises
    ------
    InputError
        If a non-missing value is neither 0 nor 1 (positions listed).
    """
    arr = _as_float(values)
    bad = ~np.isnan(arr) & (arr != 0) & (arr != 1)
    if np.any(bad):
        raise InputError(
            "yes/no values must be 0 or 1", code="not_yes_no", positions=np.argwhere(bad).tolist()
        )
    return arr


def score_partial(values: Any, *, levels: dict) -> np.ndarray:
    """Partial credit: each level maps to a credit in [0, 1].

    Examples
    --------
    >>> score_partial([0, 1, 2], levels={0: 0, 1: 0.5, 2: 1}).tolist()
    [0.0, 0.5, 1.0]
    """
    arr = _as_float(values)
    out = np.full_like(arr, np.nan)
    known = np.zeros(arr.shape, dtype=bool)
    for lvl, credit in levels.items():
        hit = arr == float(lvl)
        out = np.where(hit, float(credit), out)
        known |= hit
    bad = ~np.isnan(arr) & ~known
    if np.any(bad):
        raise InputError(
            f"unknown level; expected one of {sorted(float(k) for k in levels)}",
            code="unknown_level",
            positions=np.argwhere(bad).tolist(),
        )
    return out


def apply_rule(rule: str, values: Any, *, params: dict | None = None, direction: Any = 1) -> np.ndarray:
    """Apply the scoring rule named ``rule`` (a framework's ``scoring.rule``) with its ``params``.

    Raises
    ------
    InputError
        ``unknown_rule`` for a name that is not a scoring rule.

    Examples
    --------
    >>> apply_rule("goalposts", [50.0], params={"lo": 0, "hi": 100}).tolist()
    [0.5]
    """
    p = params or {}
    scale = p.get("scale")
    if rule == "given":
        return _as_float(values)
    if rule == "minmax":
        return score_minmax(values, direction=direction, scale=scale)
    if rule == "ratio_to_max":
        return score_ratio_to_max(values, direction=direction, scale=scale)
    if rule == "goalposts":
        return score_goalposts(values, lo=p["lo"], hi=p["hi"], direction=direction, scale=scale)
    if rule == "zscore":
        return score_zscore(values, direction=direction, mean=p.get("mean", 0.0), sd=p.get("sd", 1.0))
    if rule == "percentile":
        return score_percentile(values, direction=direction, scale=scale)
    if rule == "threshold":
        return score_threshold(values, steps=p["steps"], points=p.get("points"), direction=int(direction))
    if rule == "ratio_capped":
        return score_ratio_capped(values, target=p.get("target", 1.0))
    if rule == "yes_no":
        return score_yes_no(values)
    if rule == "partial":
        return score_partial(values, levels=p["levels"])
    raise InputError(f"unknown scoring rule {rule!r}", code="unknown_rule")
