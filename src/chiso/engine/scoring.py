"""Scoring rules: raw indicator values -> scores in [0, 1].

Every function takes ``values`` of shape ``(n_units,)``, ``(n_units, n_indicators)``
or ``(n_reps, n_units, n_indicators)``: **units are on axis -2** for 2-D and 3-D
input (axis 0 for 1-D).  Per-indicator parameters broadcast over the last axis.
NaN means *missing*: it is ignored when fitting reference values (min, max,
mean...) and stays NaN when applying.  Inputs are never modified.

Degenerate cases, decided once (see each Notes section):

* a constant indicator under ``minmax`` scores 1 for every unit (nobody is
  behind anybody; the ministry's relative scores give the best province 1);
* ``ratio_to_max`` with max = 0 scores 0 for every unit (nobody has any);
* ``zscore`` of a constant indicator is 0.
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


def _uaxis(arr: np.ndarray) -> int:
    return 0 if arr.ndim == 1 else -2


def _all_nan(arr: np.ndarray, axis: int) -> np.ndarray:
    return np.all(np.isnan(arr), axis=axis, keepdims=True)


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
    arr = _as_float(values)
    ax = _uaxis(arr)
    with np.errstate(all="ignore"):
        empty = _all_nan(arr, ax)
        filled = np.where(np.isnan(arr), np.inf, arr)
        lo = np.where(empty, np.nan, np.min(filled, axis=ax, keepdims=True))
        filled = np.where(np.isnan(arr), -np.inf, arr)
        hi = np.where(empty, np.nan, np.max(filled, axis=ax, keepdims=True))
    return MinMax(lo_=lo, hi_=hi)


def apply_minmax(values: Any, goalposts: MinMax, *, direction: Any = 1, clip: bool = False) -> np.ndarray:
    """Apply learnt goalposts: ``(x - lo) / (hi - lo)`` (``(hi - x) / (hi - lo)`` when direction is -1).

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

    Notes
    -----
    Where ``hi == lo`` (a constant indicator) every non-missing unit scores 1.
    """
    arr = _as_float(values)
    d = np.asarray(direction, dtype=float)
    rng = goalposts.hi_ - goalposts.lo_
    with np.errstate(all="ignore"):
        up = (arr - goalposts.lo_) / rng
        down = (goalposts.hi_ - arr) / rng
        out = np.where(d < 0, down, up)
        out = np.where((rng == 0) & ~np.isnan(arr), 1.0, out)
    if clip:
        out = np.clip(out, 0.0, 1.0)
    return out


def score_minmax(values: Any, *, direction: Any = 1) -> np.ndarray:
    """Min–max over the units present.

    ``s = (x - min) / (max - min)``; for direction -1, ``s = (max - x) / (max - min)``.

    Examples
    --------
    >>> score_minmax([2.0, 4.0, 6.0]).tolist()
    [0.0, 0.5, 1.0]
    >>> score_minmax([2.0, 4.0, 6.0], direction=-1).tolist()
    [1.0, 0.5, 0.0]
    """
    arr = _as_float(values)
    return apply_minmax(arr, fit_minmax(arr), direction=direction)


def score_ratio_to_max(values: Any, *, direction: Any = 1) -> np.ndarray:
    """Value divided by the best value over the units present.

    ``s = x / max(x)``; for direction -1, ``s = min(x) / x``.

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
    return np.where(np.isnan(arr), np.nan, out)


def score_goalposts(values: Any, *, lo: Any, hi: Any, direction: Any = 1) -> np.ndarray:
    """Fixed goalposts, clipped: ``clip((x - lo) / (hi - lo), 0, 1)`` (mirrored for direction -1).

    Examples
    --------
    >>> score_goalposts([0, 50, 120], lo=0, hi=100).tolist()
    [0.0, 0.5, 1.0]
    """
    arr = _as_float(values)
    lo_a = np.asarray(lo, dtype=float)
    hi_a = np.asarray(hi, dtype=float)
    if np.any(lo_a == hi_a):
        raise InputError("goalposts need lo != hi", code="goalposts_equal")
    gp = MinMax(lo_=lo_a, hi_=hi_a)
    return apply_minmax(arr, gp, direction=direction, clip=True)


def score_zscore(values: Any, *, direction: Any = 1) -> np.ndarray:
    """Standardisation: ``(x - mean) / std`` over the units present (sample std, ddof=1).

    Notes
    -----
    Unbounded.  A constant indicator (or a single unit) scores 0.
    """
    arr = _as_float(values)
    ax = _uaxis(arr)
    d = np.asarray(direction, dtype=float)
    with np.errstate(all="ignore"):
        n = np.sum(~np.isnan(arr), axis=ax, keepdims=True)
        mean = np.nanmean(arr, axis=ax, keepdims=True)
        var = np.nansum((arr - mean) ** 2, axis=ax, keepdims=True) / np.maximum(n - 1, 1)
        sd = np.sqrt(var)
        z = np.where(sd > 0, (arr - mean) / sd, 0.0)
    z = np.where(np.isnan(arr), np.nan, z)
    return z * np.where(d < 0, -1.0, 1.0)


def score_percentile(values: Any, *, direction: Any = 1) -> np.ndarray:
    """Rank-based score: ``(n - r) / (n - 1)`` where r is the competition rank (1 = best).

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
    return np.where(np.isnan(arr), np.nan, out)


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
    if rule == "given":
        return _as_float(values)
    if rule == "minmax":
        return score_minmax(values, direction=direction)
    if rule == "ratio_to_max":
        return score_ratio_to_max(values, direction=direction)
    if rule == "goalposts":
        return score_goalposts(values, lo=p["lo"], hi=p["hi"], direction=direction)
    if rule == "zscore":
        return score_zscore(values, direction=direction)
    if rule == "percentile":
        return score_percentile(values, direction=direction)
    if rule == "threshold":
        return score_threshold(values, steps=p["steps"], points=p.get("points"), direction=int(direction))
    if rule == "ratio_capped":
        return score_ratio_capped(values, target=p.get("target", 1.0))
    if rule == "yes_no":
        return score_yes_no(values)
    if rule == "partial":
        return score_partial(values, levels=p["levels"])
    raise InputError(f"unknown scoring rule {rule!r}", code="unknown_rule")
