"""What-if: apply changes to some units' values and explain what moved."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..compute import Result, compute, plan_of
from ..errors import AnalysisError
from ..framework import Framework
from ._data import input_matrix, recompute, root_derivative, unit_index

__all__ = ["WhatIf", "parse_change", "whatif"]


@dataclass
class WhatIf:
    """Before and after a set of changes.

    Attributes
    ----------
    before, after : Result
    changes : dict
        ``{unit: {code: (old, new)}}`` as applied.
    """

    before: Result
    after: Result
    changes: dict[str, dict[str, tuple[float | None, float | None]]]

    def summary(self) -> list[dict[str, Any]]:
        """Per unit (ordered by the new rank): score and rank before and after."""
        b, a = self.before, self.after
        out = []
        for i in a.order():
            out.append({
                "unit": a.units[i],
                "score_before": _f(b.scores[i, 0]), "score_after": _f(a.scores[i, 0]),
                "delta": _f(a.scores[i, 0] - b.scores[i, 0]),
                "rank_before": _i(b.ranks[i, 0]), "rank_after": _i(a.ranks[i, 0]),
                "changed": a.units[i] in self.changes,
            })
        return out

    def explain(self, unit: str) -> list[dict[str, Any]]:
        """Per node, for one unit: score and contribution to the root before and after, and the delta.

        The contribution of a node is its score times d(root)/d(node) (its
        effective weight).  For one unit the deltas of a node's children add
        up to the node's delta when its aggregation is linear.  Rows are in
        framework order; ``moved`` is False where nothing changed.
        """
        u = unit_index(self.after.units, unit)
        plan = plan_of(self.after.framework)
        cb = self.before.scores[u] * root_derivative(self.before)[u]
        ca = self.after.scores[u] * root_derivative(self.after)[u]
        rows = []
        for j, code in enumerate(plan.codes):
            sb, sa = self.before.scores[u, j], self.after.scores[u, j]
            if np.isnan(sb) and np.isnan(sa):
                continue
            why = []
            if code in self.changes.get(unit, {}):
                why.append("value changed")
            elif plan.nodes[j].is_indicator and not np.isclose(sb, sa, equal_nan=True):
                why.append("peers' values moved the goalposts")
            elif not np.isclose(sb, sa, equal_nan=True):
                why.append("children changed")
            rows.append({
                "code": code,
                "depth": int(_depth(plan, j)),
                "score_before": _f(sb), "score_after": _f(sa), "score_delta": _f(sa - sb),
                "contribution_before": _f(cb[j]), "contribution_after": _f(ca[j]),
                "contribution_delta": _f(ca[j] - cb[j]),
                "rank_before": _i(self.before.ranks[u, j]), "rank_after": _i(self.after.ranks[u, j]),
                "moved": bool(why), "why": ", ".join(why),
            })
        return rows


def _depth(plan: Any, j: int) -> int:
    d = 0
    while plan.parent[j] >= 0:
        j = plan.parent[j]
        d += 1
    return d


def _f(v: float) -> float | None:
    return None if np.isnan(v) else float(v)


def _i(v: float) -> int | None:
    return None if np.isnan(v) else int(v)


def parse_change(spec: str) -> tuple[str, str, float | None]:
    """Parse ``"unit:code=value"`` (the unit may itself contain ':'; value ``""`` or ``NA`` clears it).

    Examples
    --------
    >>> parse_change("Hà Nam:htkt=0.7")
    ('Hà Nam', 'htkt', 0.7)
    """
    left, eq, value = spec.rpartition("=")
    unit, colon, code = left.rpartition(":")
    if not eq or not colon or not unit or not code:
        raise AnalysisError(f"change {spec!r}: expected UNIT:CODE=VALUE", code="invalid_change", change=spec)
    v = value.strip().replace(",", ".")
    if v in ("", "NA", "na", "-"):
        return unit.strip(), code.strip(), None
    try:
        return unit.strip(), code.strip(), float(v)
    except ValueError:
        raise AnalysisError(f"change {spec!r}: value {value!r} is not a number", code="invalid_change",
                            change=spec) from None


def whatif(
    framework: Framework,
    data: Any,
    changes: Mapping[str, Mapping[str, float | None]] | Sequence[tuple[str, str, float | None]],
    *,
    units: Sequence[str] | None = None,
    codes: Sequence[str] | None = None,
    missing: Any = None,
) -> WhatIf:
    """Apply changes (raw indicator values or given sub-index values, any units) and recompute.

    Parameters
    ----------
    framework : Framework
    data : mapping unit -> {code: value}, or array with ``units``/``codes``
    changes : mapping unit -> {code: value} or sequence of (unit, code, value)
        ``None`` clears a value.  Peers may be changed too; relative rules
        (min–max, ratio to max) then move everyone's goalposts, as the
        ministry's method does.

    Returns
    -------
    WhatIf

    Raises
    ------
    AnalysisError
        ``unknown_unit`` or ``unknown_code``; InputError for out-of-range values.

    Examples
    --------
    >>> from chiso.frameworks import load_framework
    >>> fw = load_framework("vn-ict-index-2016-province")
    >>> w = whatif(fw, {"Hà Nam": {"htkt": 0.5, "htnl": 0.4, "ud": 0.6},
    ...                 "Bắc Ninh": {"htkt": 0.7, "htnl": 0.5, "ud": 0.6}}, {"Hà Nam": {"htkt": 0.9}})
    >>> [(r["unit"], r["rank_before"], r["rank_after"]) for r in w.summary()]
    [('Hà Nam', 2, 1), ('Bắc Ninh', 1, 2)]
    """
    before = compute(framework, data, units=units, codes=codes, missing=missing)
    ulist, clist, mat = input_matrix(before)
    plan = plan_of(framework)
    items = list(changes.items()) if isinstance(changes, Mapping) else None
    triples: list[tuple[str, str, float | None]] = []
    if items is not None:
        for unit, row in items:
            for code, v in row.items():
                triples.append((unit, code, v))
    else:
        triples = [tuple(t) for t in changes]  # type: ignore[misc]
    if not triples:
        raise AnalysisError("no change given", code="invalid_change")
    bad_codes = sorted({c for _, c, _ in triples if c not in plan.pos})
    if bad_codes:
        raise AnalysisError(f"unknown code(s) for framework {framework.id!r}: {', '.join(bad_codes)}",
                            code="unknown_code", codes=bad_codes)
    applied: dict[str, dict[str, tuple[float | None, float | None]]] = {}
    for unit, code, v in triples:
        i = unit_index(ulist, unit)
        if code not in clist:
            clist.append(code)
            mat = np.column_stack([mat, np.full(len(ulist), np.nan)])
        c = clist.index(code)
        old = mat[i, c]
        mat[i, c] = np.nan if v is None else float(v)
        applied.setdefault(ulist[i], {})[code] = (None if np.isnan(old) else float(old), v)
    after = recompute(before, ulist, clist, mat)
    return WhatIf(before, after, applied)
