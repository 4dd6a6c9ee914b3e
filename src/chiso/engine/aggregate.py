"""Aggregation of children's scores into a parent score, and competition ranks.

``x`` has shape ``(..., n_units, n_children)``; ``w`` has shape ``(n_children,)``
or broadcasts against ``x`` (``(n_reps, 1, n_children)`` for Monte Carlo weights).
With ``skip_missing=True`` a missing child (NaN) is left out and the remaining
weights are rescaled ("skip and reweight"); otherwise NaN propagates.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .errors import AggregationError, InputError

__all__ = [
    "agg_geometric",
    "agg_harmonic",
    "agg_points_ratio",
    "agg_points_sum",
    "agg_weighted_mean",
    "agg_weighted_sum",
    "aggregate",
    "rank_competition",
]


def _prep(x: Any, w: Any) -> tuple[np.ndarray, np.ndarray]:
    xa = np.asarray(x, dtype=float)
    wa = np.asarray(w, dtype=float)
    if xa.ndim < 1:
        raise InputError("children scores need at least one dimension", code="input_shape")
    if wa.shape[-1] != xa.shape[-1]:
        raise InputError(
            f"{xa.shape[-1]} children but {wa.shape[-1]} weights", code="weights_shape",
        )
    if np.any(wa < 0):
        raise InputError("weights must be >= 0", code="weight_negative")
    return xa, wa


def _avail_weights(xa: np.ndarray, wa: np.ndarray, skip_missing: bool) -> np.ndarray:
    if not skip_missing:
        return np.broadcast_to(wa, np.broadcast_shapes(xa.shape, wa.shape))
    return np.where(np.isnan(xa), 0.0, wa)


def agg_weighted_mean(x: Any, w: Any, *, skip_missing: bool = False) -> np.ndarray:
    """Weighted arithmetic mean ``sum(w x) / sum(w)`` over the last axis.

    Examples
    --------
    >>> agg_weighted_mean([[0.2, 0.4, 0.9]], [1, 1, 1]).round(4).tolist()
    [0.5]
    """
    xa, wa = _prep(x, w)
    if wa.ndim == 1 and np.all(wa > 0) and (not skip_missing or _rows_contiguous(xa)):
        # Fast path: every weight positive and (checked on the sums) every value finite, so nothing
        # is left out.  The same sums as below, without the masks: numpy's sum order follows the
        # layout, so the products are laid out row-major as the masked ones are.
        with np.errstate(all="ignore"):
            num = np.sum(np.multiply(xa, wa, order="C"), axis=-1)
        if np.all(np.isfinite(num)):
            return num / np.sum(wa)
    wv = _avail_weights(xa, wa, skip_missing)
    with np.errstate(all="ignore"):
        num = np.sum(np.where(wv > 0, wv * np.nan_to_num(xa, nan=0.0), 0.0), axis=-1)
        if not skip_missing:
            num = np.where(np.any(np.isnan(xa) & (wv > 0), axis=-1), np.nan, num)
        den = np.sum(wv, axis=-1)
        return np.where(den > 0, num / den, np.nan)


def _rows_contiguous(xa: np.ndarray) -> bool:
    """True unless ``xa`` is laid out column-major (then masks built from it are column-major too)."""
    return xa.ndim < 2 or abs(xa.strides[-1]) <= abs(xa.strides[-2])


def agg_weighted_sum(x: Any, w: Any, *, skip_missing: bool = False) -> np.ndarray:
    """Weighted sum ``sum(w x)``; with ``skip_missing`` rescaled by ``sum(w) / sum(w available)``.

    Examples
    --------
    >>> agg_weighted_sum([[10.0, 5.0]], [1, 1]).tolist()
    [15.0]
    """
    xa, wa = _prep(x, w)
    total = np.sum(np.broadcast_to(wa, np.broadcast_shapes(xa.shape, wa.shape)), axis=-1)
    mean = agg_weighted_mean(xa, wa, skip_missing=skip_missing)
    return mean * total


def agg_points_ratio(x: Any, max_points: Any, *, skip_missing: bool = False) -> np.ndarray:
    """Points over maximum: ``sum(max_i x_i) / sum(max_i)`` — the DTI total from main indices.

    ``x`` are the children's values in [0, 1] (points ÷ max), ``max_points`` their maxima.

    Examples
    --------
    >>> m = [100, 100, 100, 100, 100, 0, 200, 150, 150]
    >>> agg_points_ratio([[1, 1, 1, 1, 1, 0, 1, 1, 1]], m).tolist()
    [1.0]
    """
    return agg_weighted_mean(x, max_points, skip_missing=skip_missing)


def agg_points_sum(x: Any, max_points: Any, *, skip_missing: bool = False) -> np.ndarray:
    """Points: ``sum(max_i x_i)`` with ``x`` in [0, 1]."""
    return agg_weighted_sum(x, max_points, skip_missing=skip_missing)


def _check_positive(xa: np.ndarray, wv: np.ndarray, name: str) -> None:
    bad = (wv > 0) & ~np.isnan(xa) & (xa <= 0)
    if np.any(bad):
        raise AggregationError(
            f"{name} mean needs values > 0; got {xa[bad].ravel()[:5].tolist()}",
            code="aggregation_nonpositive",
            method=name,
            positions=np.argwhere(bad).tolist(),
        )


def agg_geometric(x: Any, w: Any, *, skip_missing: bool = False) -> np.ndarray:
    """Weighted geometric mean ``exp(sum(w ln x) / sum(w))``.

    Raises
    ------
    AggregationError
        If a value with a positive weight is <= 0 (the code names the positions).

    Examples
    --------
    >>> agg_geometric([[1.0, 4.0]], [1, 1]).tolist()
    [2.0]
    """
    xa, wa = _prep(x, w)
    wv = _avail_weights(xa, wa, skip_missing)
    _check_positive(xa, wv, "geometric")
    with np.errstate(all="ignore"):
        logs = np.where(wv > 0, np.log(np.where(xa > 0, xa, 1.0)), 0.0)
        if not skip_missing:
            logs = np.where(np.isnan(xa) & (wv > 0), np.nan, logs)
        den = np.sum(wv, axis=-1)
        return np.where(den > 0, np.exp(np.sum(wv * logs, axis=-1) / den), np.nan)


def agg_harmonic(x: Any, w: Any, *, skip_missing: bool = False) -> np.ndarray:
    """Weighted harmonic mean ``sum(w) / sum(w / x)``.

    Raises
    ------
    AggregationError
        If a value with a positive weight is <= 0.

    Examples
    --------
    >>> agg_harmonic([[1.0, 0.5]], [1, 1]).round(6).tolist()
    [0.666667]
    """
    xa, wa = _prep(x, w)
    wv = _avail_weights(xa, wa, skip_missing)
    _check_positive(xa, wv, "harmonic")
    with np.errstate(all="ignore"):
        inv = np.where(wv > 0, wv / np.where(xa > 0, xa, 1.0), 0.0)
        if not skip_missing:
            inv = np.where(np.isnan(xa) & (wv > 0), np.nan, inv)
        den = np.sum(inv, axis=-1)
        return np.where(den > 0, np.sum(wv, axis=-1) / den, np.nan)


_AGGREGATORS = {
    "weighted_mean": agg_weighted_mean,
    "weighted_sum": agg_weighted_sum,
    "points_ratio": agg_points_ratio,
    "points_sum": agg_points_sum,
    "geometric": agg_geometric,
    "harmonic": agg_harmonic,
}


def aggregate(method: str, x: Any, w: Any, *, skip_missing: bool = False) -> np.ndarray:
    """Dispatch to the aggregator named ``method`` (one of the framework's methods)."""
    try:
        fn = _AGGREGATORS[method]
    except KeyError:
        raise InputError(f"unknown aggregation method {method!r}", code="unknown_method") from None
    return fn(x, w, skip_missing=skip_missing)


def rank_competition(scores: Any, *, axis: int = 0, decimals: int | None = None, higher_is_better: bool = True) -> np.ndarray:
    """Competition ranking ("1224"): ties share a rank and the next rank is skipped.

    Parameters
    ----------
    scores : array_like
        Units along ``axis``.  NaN scores get rank NaN (unranked).
    decimals : int, optional
        Round before ranking — the ministry ranks the published (rounded) values,
        which is why two provinces shared rank 15 in DTI 2022.

    Returns
    -------
    ndarray of float
        1 = best.

    Examples
    --------
    >>> rank_competition([0.9, 0.8, 0.8, 0.7]).tolist()
    [1.0, 2.0, 2.0, 4.0]
    """
    arr = np.asarray(scores, dtype=float)
    if decimals is not None:
        arr = np.round(arr, decimals)
    key = np.ascontiguousarray(np.moveaxis(-arr if higher_is_better else arr, axis, -1))
    # Sort each column once; inside the sorted column a unit's rank is the 1-based
    # position of the first unit with the same value (ties share it, the next rank is
    # skipped).  NaN sorts last and stays unranked.  Vectorised over every column.
    order = np.argsort(key, axis=-1)
    srt = np.take_along_axis(key, order, axis=-1)
    n = key.shape[-1]
    pos = np.broadcast_to(np.arange(1, n + 1, dtype=float), srt.shape)
    new_run = np.ones(srt.shape, dtype=bool)
    new_run[..., 1:] = srt[..., 1:] != srt[..., :-1]
    ranks_sorted = np.maximum.accumulate(np.where(new_run, pos, 0.0), axis=-1)
    out = np.empty(key.shape, dtype=float)
    np.put_along_axis(out, order, ranks_sorted, axis=-1)
    out[np.isnan(key)] = np.nan
    return np.moveaxis(out, -1, axis)
