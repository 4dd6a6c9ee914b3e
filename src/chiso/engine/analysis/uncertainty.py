"""Monte Carlo uncertainty analysis of ranks over modelling assumptions."""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy.stats import qmc

from ..errors import AnalysisError
from ..framework import Framework
from .model import Assumptions, Model, check_n

__all__ = ["UncertaintyResult", "qmc_points", "uncertainty"]


@dataclass
class UncertaintyResult:
    """Rank distribution of every unit over the replicates.

    Attributes
    ----------
    units : tuple of str
    nominal_rank, median_rank, p05, p95, mean_rank, p_top : ndarray, shape (n_units,)
        Ranks are competition ranks (1 = best); quantiles are inverse-CDF
        quantiles of the replicate ranks (always a rank that occurred);
        ``p_top`` is the share of replicates with rank <= ``top``.
    rank_counts : ndarray of int, shape (n_units, n_units)
        ``rank_counts[u, r - 1]``: replicates in which unit u ranked r.
    mean_abs_shift : float
        Mean over replicates and units of ``|rank - nominal rank|``.
    n, top, seed, sampler : run parameters
    assumptions : dict
    """

    units: tuple[str, ...]
    nominal_rank: np.ndarray
    median_rank: np.ndarray
    p05: np.ndarray
    p95: np.ndarray
    mean_rank: np.ndarray
    p_top: np.ndarray
    rank_counts: np.ndarray
    mean_abs_shift: float
    n: int
    top: int
    seed: int | None
    sampler: str
    assumptions: dict[str, Any] = field(default_factory=dict)
    factors: list[str] = field(default_factory=list)

    def to_records(self) -> list[dict[str, Any]]:
        """One record per unit, ordered by nominal rank."""
        order = np.lexsort((np.arange(len(self.units)), np.nan_to_num(self.nominal_rank, nan=np.inf)))
        out = []
        for i in order:
            out.append({
                "unit": self.units[i],
                "nominal_rank": _int(self.nominal_rank[i]),
                "median_rank": _int(self.median_rank[i]),
                "p05": _int(self.p05[i]),
                "p95": _int(self.p95[i]),
                "mean_rank": None if np.isnan(self.mean_rank[i]) else round(float(self.mean_rank[i]), 3),
                f"p_top{self.top}": round(float(self.p_top[i]), 4),
            })
        return out


def _int(v: float) -> int | None:
    return None if np.isnan(v) else int(v)


def qmc_points(n_dims: int, n: int, *, seed: int | None, sampler: str = "sobol", skip: int = 0) -> Any:
    """A scrambled quasi-random sampler of the unit hypercube (``sobol`` or ``halton``).

    Returns the scipy.stats.qmc engine; draw blocks with ``.random(k)``.
    """
    if sampler == "sobol":
        eng = qmc.Sobol(d=n_dims, scramble=True, seed=seed)
    elif sampler == "halton":
        eng = qmc.Halton(d=n_dims, scramble=True, seed=seed)
    else:
        raise AnalysisError(f"unknown sampler {sampler!r}; expected sobol or halton", code="invalid_assumption")
    if skip:
        eng.fast_forward(skip)
    return eng


def _draw(eng: Any, k: int) -> np.ndarray:
    with warnings.catch_warnings():
        # Sobol' balance warnings for n not a power of 2: harmless for our estimates.
        warnings.simplefilter("ignore", UserWarning)
        return eng.random(k)


def uncertainty(
    framework: Framework,
    data: Any,
    *,
    assumptions: Assumptions,
    n: int = 1000,
    top: int = 20,
    seed: int | None = 1,
    sampler: str = "sobol",
    units: Sequence[str] | None = None,
    codes: Sequence[str] | None = None,
    missing: Any = None,
    memory_budget: int = 64 << 20,
    progress: Callable[[int, int], None] | None = None,
    model: Model | None = None,
) -> UncertaintyResult:
    """Monte Carlo uncertainty analysis of every unit's rank.

    Each replicate draws one point ``u`` of the assumption hypercube from a
    scrambled Sobol' (or Halton) sequence, maps it to weights, aggregation,
    normalisation and imputation (see :class:`Assumptions`), computes the index
    and ranks the units.  Replicates are evaluated in blocks sized to
    ``memory_budget``; only a ``(n_units, n_units)`` table of rank counts is
    kept, so memory does not grow with ``n``.

    Parameters
    ----------
    framework : Framework
    data : mapping unit -> {code: value}, or array (n_units, n_codes) with units/codes
    assumptions : Assumptions
    n : int, default 1000
        Number of replicates (> 0).
    top : int, default 20
        ``p_top`` is the probability of a rank <= top.
    seed : int or None, default 1
        Scrambling seed: the same seed gives the same result.
    sampler : {"sobol", "halton"}
    memory_budget : int, default 64 MiB
    progress : callable(done, total), optional

    Returns
    -------
    UncertaintyResult

    Raises
    ------
    AnalysisError
        ``n_nonpositive`` for n <= 0 or top <= 0; assumption errors from :class:`Model`.
    """
    n = check_n(n)
    top = check_n(top, what="top")
    m = model or Model(framework, data, units=units, codes=codes, missing=missing, assumptions=assumptions)
    if m.n_dims == 0:
        raise AnalysisError("no uncertain assumption declared (weights, aggregation, normalisation, imputation)",
                            code="assumption_unused")
    n_u = m.n_units
    eng = qmc_points(m.n_dims, n, seed=seed, sampler=sampler)
    counts = np.zeros((n_u, n_u + 1), dtype=np.int64)
    shift_sum = 0.0
    block = max(1, min(n, m.chunk_size(memory_budget)))
    nominal = m.nominal_rank
    done = 0
    while done < n:
        k = min(block, n - done)
        u = _draw(eng, k)
        ranks = m.ranks(m.evaluate(m.settings(u), chunk=block))
        ok = ~np.isnan(ranks)
        ri = np.where(ok, ranks, 0).astype(np.int64)  # column 0 collects unranked replicates
        np.add.at(counts, (np.broadcast_to(np.arange(n_u), ri.shape), ri), 1)
        with np.errstate(invalid="ignore"):
            shift_sum += float(np.nansum(np.abs(ranks - nominal[None, :])))
        done += k
        if progress is not None:
            progress(done, n)
    rc = counts[:, 1:]
    total = rc.sum(axis=1)
    cdf = np.cumsum(rc, axis=1)
    ranks_axis = np.arange(1, n_u + 1, dtype=float)

    def q(p: float) -> np.ndarray:
        # inverse CDF: smallest rank whose cumulative share reaches p
        need = np.ceil(p * total - 1e-9)
        need = np.maximum(need, 1)
        idx = np.argmax(cdf >= need[:, None], axis=1)
        return np.where(total > 0, ranks_axis[idx], np.nan)

    with np.errstate(invalid="ignore", divide="ignore"):
        mean_rank = (rc @ ranks_axis) / total
        p_top = rc[:, :top].sum(axis=1) / np.maximum(total, 1)
        n_ranked = np.sum(total[~np.isnan(nominal)])
    return UncertaintyResult(
        units=m.units,
        nominal_rank=nominal,
        median_rank=q(0.5),
        p05=q(0.05),
        p95=q(0.95),
        mean_rank=mean_rank,
        p_top=p_top,
        rank_counts=rc,
        mean_abs_shift=shift_sum / max(n_ranked, 1),
        n=n,
        top=top,
        seed=seed,
        sampler=sampler,
        assumptions=m.assumptions.as_dict(),
        factors=[f.name for f in m.factors],
    )
