"""Variance-based (Sobol') sensitivity of ranks to modelling assumptions.

Saltelli's design: two independent ``(N, k)`` matrices ``A`` and ``B`` from
one ``2k``-dimensional scrambled Sobol' sequence and, for each factor ``i``,
``AB_i`` = ``A`` with factor ``i``'s columns taken from ``B`` (a factor may be
a *group* of columns: all the weights of one level move together).  That is
``N (k + 2)`` model runs.  Jansen's estimators (Saltelli et al. 2010, table 2):

    V     = Var([f(A); f(B)])
    S_i   = (V - 1/(2N) Σ (f(B) - f(AB_i))²) / V        first order
    ST_i  = 1/(2N) Σ (f(A) - f(AB_i))² / V              total effect

Confidence intervals come from a bootstrap over the N rows (percentile
interval); the convergence report recomputes the indices on the first N/8,
N/4, N/2 and N rows.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..errors import AnalysisError
from ..framework import Framework
from .model import Assumptions, Model, check_n
from .uncertainty import _draw, qmc_points

__all__ = ["SobolIndices", "SensitivityResult", "jansen", "saltelli_design", "sensitivity", "sobol_indices"]


def saltelli_design(groups: Sequence[tuple[int, int]], n: int, *, seed: int | None) -> np.ndarray:
    """The Saltelli matrix ``[A; B; AB_1; ...; AB_k]``, shape ``(n (k + 2), d)``.

    Parameters
    ----------
    groups : sequence of (start, stop)
        Column ranges of the k factors (contiguous, covering ``0..d``).
    n : int
        Base sample size N.
    """
    d = groups[-1][1] if groups else 0
    base = _draw(qmc_points(2 * d, n, seed=seed), n)
    a, b = base[:, :d], base[:, d:]
    blocks = [a, b]
    for start, stop in groups:
        ab = a.copy()
        ab[:, start:stop] = b[:, start:stop]
        blocks.append(ab)
    return np.vstack(blocks)


def jansen(y: np.ndarray, n: int, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Jansen's first-order and total indices from Saltelli-design outputs.

    Parameters
    ----------
    y : ndarray, shape (..., n (k + 2), m)
        Outputs in design order, with optional leading batch axes (bootstrap).

    Returns
    -------
    (S1, ST) : ndarrays of shape (..., k, m); NaN where the output has no variance.
    """
    ya = y[..., :n, :]
    yb = y[..., n:2 * n, :]
    yab = np.stack([y[..., (2 + i) * n:(3 + i) * n, :] for i in range(k)], axis=-3)  # (..., k, n, m)
    var = np.var(np.concatenate([ya, yb], axis=-2), axis=-2)[..., None, :]  # (..., 1, m)
    first = var - 0.5 * np.mean((yb[..., None, :, :] - yab) ** 2, axis=-2)
    total = 0.5 * np.mean((ya[..., None, :, :] - yab) ** 2, axis=-2)
    with np.errstate(all="ignore"):
        s1 = np.where(var > 0, first / var, np.nan)
        st = np.where(var > 0, total / var, np.nan)
    return s1, st


@dataclass
class SobolIndices:
    """First-order and total indices of k factors for m outputs, with bootstrap intervals.

    Attributes
    ----------
    factors : list of str
    s1, st : ndarray, shape (k, m)
    s1_lo, s1_hi, st_lo, st_hi : ndarray, shape (k, m)
        Bootstrap percentile interval at ``level``.
    convergence : list of dict
        ``{"n": N', "s1": (k, m) list, "st": (k, m) list}`` for N' = N/8, N/4, N/2, N.
    max_change : float
        Largest change of any index between N/2 and N (a convergence measure).
    """

    factors: list[str]
    s1: np.ndarray
    st: np.ndarray
    s1_lo: np.ndarray
    s1_hi: np.ndarray
    st_lo: np.ndarray
    st_hi: np.ndarray
    n: int
    level: float
    convergence: list[dict[str, Any]] = field(default_factory=list)
    max_change: float = float("nan")


def _indices(y: np.ndarray, n: int, k: int, factors: list[str], *, bootstrap: int, level: float,
             seed: int | None) -> SobolIndices:
    """Indices, bootstrap CIs and convergence from outputs y of shape (n (k + 2), m)."""
    s1, st = jansen(y, n, k)
    lo_q, hi_q = (1 - level) / 2, 1 - (1 - level) / 2
    m = y.shape[1]
    if bootstrap > 0:
        rng = np.random.default_rng(seed)
        blocks = y.reshape(k + 2, n, m)
        s1b_all, stb_all = [], []
        step = max(1, int(2_000_000 // max(1, n * (k + 2) * m)))
        for s in range(0, bootstrap, step):
            b = min(step, bootstrap - s)
            idx = rng.integers(0, n, size=(b, n))
            yb = blocks[:, idx, :]  # (k+2, b, n, m)
            yb = np.moveaxis(yb, 0, 1).reshape(b, (k + 2) * n, m)
            s1b, stb = jansen(yb, n, k)
            s1b_all.append(s1b)
            stb_all.append(stb)
        s1b = np.concatenate(s1b_all)
        stb = np.concatenate(stb_all)
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # a unit whose rank never moves: all NaN
            s1_lo, s1_hi = np.nanquantile(s1b, [lo_q, hi_q], axis=0) if np.any(~np.isnan(s1b)) else (s1, s1)
            st_lo, st_hi = np.nanquantile(stb, [lo_q, hi_q], axis=0) if np.any(~np.isnan(stb)) else (st, st)
    else:
        s1_lo = s1_hi = s1
        st_lo = st_hi = st
    conv: list[dict[str, Any]] = []
    for frac in (8, 4, 2, 1):
        nn = n // frac
        if nn < 2:
            continue
        sub = y.reshape(k + 2, n, m)[:, :nn, :].reshape((k + 2) * nn, m)
        s1_sub, st_sub = jansen(sub, nn, k)
        conv.append({"n": nn, "s1": s1_sub, "st": st_sub})
    change = float("nan")
    if len(conv) >= 2:
        with np.errstate(all="ignore"):
            d = np.abs(np.concatenate([conv[-1]["s1"] - conv[-2]["s1"], conv[-1]["st"] - conv[-2]["st"]]))
        change = float(np.nanmax(d)) if np.any(~np.isnan(d)) else float("nan")
    return SobolIndices(factors, s1, st, np.asarray(s1_lo), np.asarray(s1_hi), np.asarray(st_lo),
                        np.asarray(st_hi), n, level, conv, change)


def sobol_indices(
    func: Callable[[np.ndarray], np.ndarray],
    *,
    groups: Sequence[tuple[int, int]] | int,
    n: int,
    names: Sequence[str] | None = None,
    seed: int | None = 1,
    bootstrap: int = 200,
    level: float = 0.95,
) -> SobolIndices:
    """Sobol' indices of any function of the unit hypercube.

    Parameters
    ----------
    func : callable
        Maps samples ``u`` of shape ``(R, d)`` in [0, 1)^d to outputs of
        shape ``(R,)`` or ``(R, m)``.
    groups : int or sequence of (start, stop)
        ``d`` single-column factors, or column ranges of grouped factors.
    n : int
        Base sample size N (> 0); ``N (k + 2)`` evaluations.
    bootstrap : int, default 200
        Bootstrap resamples for the intervals (0: none).

    Returns
    -------
    SobolIndices

    Examples
    --------
    Ishigami (a=7, b=0.1) has S1 ≈ (0.314, 0.442, 0), ST ≈ (0.558, 0.442, 0.244):

    >>> def ishigami(u):
    ...     x = np.pi * (2 * u - 1)
    ...     return np.sin(x[:, 0]) + 7 * np.sin(x[:, 1]) ** 2 + 0.1 * x[:, 2] ** 4 * np.sin(x[:, 0])
    >>> r = sobol_indices(ishigami, groups=3, n=4096, bootstrap=0)
    >>> (np.round(r.s1[:, 0], 1) + 0.0).tolist(), (np.round(r.st[:, 0], 1) + 0.0).tolist()
    ([0.3, 0.4, 0.0], [0.6, 0.4, 0.2])
    """
    n = check_n(n)
    if isinstance(groups, int):
        groups = [(i, i + 1) for i in range(groups)]
    groups = list(groups)
    if not groups:
        raise AnalysisError("no factor to analyse", code="assumption_unused")
    k = len(groups)
    names = list(names) if names is not None else [f"x{i + 1}" for i in range(k)]
    design = saltelli_design(groups, n, seed=seed)
    y = np.asarray(func(design), dtype=float)
    if y.ndim == 1:
        y = y[:, None]
    return _indices(y, n, k, names, bootstrap=bootstrap, level=level, seed=seed)


@dataclass
class SensitivityResult:
    """Sobol' indices of (a) the mean absolute rank shift and (b) every unit's rank.

    Attributes
    ----------
    factors : list of str
    units : tuple of str
    shift : SobolIndices
        Output (a): one output column.
    unit_ranks : SobolIndices
        Output (b): one column per unit (NaN for a unit whose rank never moves).
    n_runs : int
        ``N (k + 2)`` model evaluations.
    """

    factors: list[str]
    units: tuple[str, ...]
    shift: SobolIndices
    unit_ranks: SobolIndices
    n: int
    n_runs: int
    seed: int | None
    assumptions: dict[str, Any]

    def to_records(self) -> list[dict[str, Any]]:
        """One record per factor for output (a)."""
        out = []
        s = self.shift
        for i, f in enumerate(self.factors):
            out.append({
                "factor": f,
                "S1": _r(s.s1[i, 0]), "S1_lo": _r(s.s1_lo[i, 0]), "S1_hi": _r(s.s1_hi[i, 0]),
                "ST": _r(s.st[i, 0]), "ST_lo": _r(s.st_lo[i, 0]), "ST_hi": _r(s.st_hi[i, 0]),
            })
        return out

    def unit_records(self) -> list[dict[str, Any]]:
        """One record per unit and factor for output (b)."""
        out = []
        u = self.unit_ranks
        for j, unit in enumerate(self.units):
            for i, f in enumerate(self.factors):
                out.append({"unit": unit, "factor": f, "S1": _r(u.s1[i, j]), "ST": _r(u.st[i, j])})
        return out

    def convergence_records(self) -> list[dict[str, Any]]:
        out = []
        for c in self.shift.convergence:
            row: dict[str, Any] = {"n": c["n"]}
            for i, f in enumerate(self.factors):
                row[f"S1[{f}]"] = _r(c["s1"][i, 0])
                row[f"ST[{f}]"] = _r(c["st"][i, 0])
            out.append(row)
        return out


def _r(v: float) -> float | None:
    return None if np.isnan(v) else round(float(v), 4)


def sensitivity(
    framework: Framework,
    data: Any,
    *,
    assumptions: Assumptions,
    n: int = 1000,
    seed: int | None = 1,
    bootstrap: int = 200,
    level: float = 0.95,
    units: Sequence[str] | None = None,
    codes: Sequence[str] | None = None,
    missing: Any = None,
    memory_budget: int = 64 << 20,
    progress: Callable[[int, int], None] | None = None,
) -> SensitivityResult:
    """Sobol' sensitivity of ranks to the declared assumptions.

    Each declared assumption is one factor: the weights of one level (a group
    of columns), the aggregation choice, the normalisation choice, the
    imputation choice.  Outputs: (a) the mean over units of
    ``|rank - nominal rank|`` and (b) each unit's rank.

    Parameters
    ----------
    framework, data, units, codes, missing
        As for :func:`~chiso.engine.compute.compute`.
    assumptions : Assumptions
        Every declared assumption must be able to change the model
        (``assumption_unused`` otherwise).
    n : int, default 1000
        Base sample size N (> 0): ``N (k + 2)`` model runs.
    seed : int or None, default 1
    bootstrap : int, default 200
    level : float, default 0.95

    Returns
    -------
    SensitivityResult

    Raises
    ------
    AnalysisError
        ``n_nonpositive``, ``assumption_unused``, ``invalid_assumption``.
    """
    n = check_n(n)
    m = Model(framework, data, units=units, codes=codes, missing=missing, assumptions=assumptions)
    if not m.factors:
        raise AnalysisError("no uncertain assumption declared (weights, aggregation, normalisation, imputation)",
                            code="assumption_unused")
    groups = [(f.start, f.stop) for f in m.factors]
    k = len(groups)
    design = saltelli_design(groups, n, seed=seed)
    total = design.shape[0]
    block = max(1, m.chunk_size(memory_budget))
    ranks = np.empty((total, m.n_units), dtype=np.float32)
    for s in range(0, total, block):
        u = design[s:s + block]
        ranks[s:s + u.shape[0]] = m.ranks(m.evaluate(m.settings(u), chunk=block))
        if progress is not None:
            progress(min(s + block, total), total)
    ranks = ranks.astype(float)
    with np.errstate(invalid="ignore"):
        shift = np.nanmean(np.abs(ranks - m.nominal_rank[None, :]), axis=1)[:, None]
    names = [f.name for f in m.factors]
    return SensitivityResult(
        factors=names,
        units=m.units,
        shift=_indices(shift, n, k, names, bootstrap=bootstrap, level=level, seed=seed),
        unit_ranks=_indices(ranks, n, k, names, bootstrap=bootstrap, level=level, seed=seed),
        n=n,
        n_runs=total,
        seed=seed,
        assumptions=m.assumptions.as_dict(),
    )
