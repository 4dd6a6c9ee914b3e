"""Small shared helpers: the input matrix of a result, unit lookup, root derivatives."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from ..compute import Result, compute, plan_of
from ..errors import AnalysisError

LINEAR = ("weighted_mean", "weighted_sum", "points_ratio", "points_sum")


def input_matrix(res: Result) -> tuple[list[str], list[str], np.ndarray]:
    """The (units, codes, values) a result was computed from (values copied)."""
    units = list(res.recipe["units"])
    codes = list(res.recipe["codes"])
    cols = [res.codes.index(c) for c in codes]
    return units, codes, res.raw[:, cols].copy()


def unit_index(units: Sequence[str], unit: str) -> int:
    """Position of ``unit``; AnalysisError(unknown_unit) naming close matches otherwise."""
    units = list(units)
    if unit in units:
        return units.index(unit)
    low = unit.casefold()
    near = [u for u in units if low in u.casefold() or u.casefold() in low][:5]
    hint = f"; did you mean {', '.join(repr(u) for u in near)}?" if near else f" ({len(units)} units in the data)"
    raise AnalysisError(f"unknown unit {unit!r}{hint}", code="unknown_unit", unit=unit)


def root_derivative(res: Result) -> np.ndarray:
    """d(root score)/d(node score) per unit, shape (n_units, n_nodes).

    The product of the local factors along the path to the root (the
    effective weights for linear aggregations); 0 below a node whose value was
    given (its children do not reach the root).
    """
    plan = plan_of(res.framework)
    d = np.zeros_like(res.scores)
    d[:, 0] = 1.0
    for j in range(1, len(plan.codes)):
        p = plan.parent[j]
        d[:, j] = np.where(res.given[:, p], 0.0, d[:, p] * res.factors[:, j])
    return d


def recompute(res: Result, units: list[str], codes: list[str], mat: np.ndarray) -> Result:
    """Compute again with the same framework and missing-data policy."""
    m = res.recipe["missing"]
    policy: Any = m["policy"] + (":" + m["method"] if m["policy"] == "impute" else "")
    return compute(res.framework, mat, units=units, codes=codes, missing=policy)
