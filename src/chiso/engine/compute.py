"""Compute an index: raw -> imputed -> treated -> scored -> aggregated -> ranked, explained.

:func:`compute` is the single public entry point.  Values may be given at any
level of the tree: raw indicator values, or the published value of a
sub-index (a node with a given value is *not* recomputed from its children).
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import numpy as np

from . import scoring as sc
from .aggregate import aggregate, rank_competition
from .errors import AggregationError, InputError, MissingDataError
from .framework import SCALED_RULES, Framework, MissingPolicy, Node
from .treat import treat_matrix

ENGINE_VERSION = "0.1"

__all__ = ["Result", "compute", "regenerate"]


@dataclass
class _Plan:
    """Array layout of a framework: node order, parents, children indices."""

    codes: tuple[str, ...]
    nodes: tuple[Node, ...]
    parent: np.ndarray  # (N,) index of parent, -1 for the root
    children: list[np.ndarray]
    postorder: list[int]
    pos: dict[str, int]


def plan_of(fw: Framework) -> _Plan:
    """The array layout of ``fw`` (computed once per framework); nodes in pre-order, root at 0."""
    cached = fw.__dict__.get("_plan")
    if cached is not None:
        return cached
    nodes = fw.nodes
    pos = {n.code: i for i, n in enumerate(nodes)}
    parent = np.full(len(nodes), -1, dtype=int)
    children = []
    for i, n in enumerate(nodes):
        idx = np.array([pos[c.code] for c in n.children], dtype=int)
        children.append(idx)
        parent[idx] = i
    postorder = list(range(len(nodes)))[::-1]  # reversed pre-order visits children before parents
    plan = _Plan(tuple(n.code for n in nodes), nodes, parent, children, postorder, pos)
    fw.__dict__["_plan"] = plan  # a Framework is frozen and immutable: cache beside its cached properties
    return plan


@dataclass
class Result:
    """The outcome of :func:`compute`; every array is ``(n_units, n_nodes)``.

    The arrays are read-only (``flags.writeable`` is False) and stages share
    them where a stage changes nothing: ``imputed`` *is* ``raw`` when no value
    was imputed, and ``factors`` is a broadcast view of one row when every
    unit's factors are the same (no missing child, linear aggregation).  Copy
    an array (``np.array(r.scores)``) before changing it.

    Attributes
    ----------
    framework : Framework
    units : tuple of str
    codes : tuple of str
        Node codes in pre-order (root first).
    raw : ndarray
        The values as given (NaN where none).
    imputed : ndarray
        Raw indicator values after imputation.
    treated : ndarray
        Imputed indicator values after outlier treatment (the values scored; the
        same array as ``imputed`` when no indicator was treated).
    scores : ndarray
        Score of every node for every unit (NaN where it cannot be computed).
    given : ndarray of bool
        True where the node's value was given rather than computed.
    ranks : ndarray
        Competition rank of each unit on each node (NaN: unranked).
    factors : ndarray
        Local contribution factor: the contribution of a node to its parent is
        ``factors * scores`` (see :meth:`contributions`).
    missing_report : list of dict
        One entry per missing cell that was needed: unit, code, action, value.
    treatment_report : list of dict
        One entry per indicator whose values the treatment changed: ``code`` and
        what :func:`chiso.engine.treat.treat_column` reports (``method``,
        ``points``, ``high``/``low`` as unit names, skew and kurtosis).
    sources : dict
        ``(unit, code) -> where the value came from``.
    merged_from : dict
        For units computed as a merger: unit -> former units.
    recipe : dict
        Arguments, input hash and engine version: :func:`regenerate` replays it.
        The input hash (sha256 of every input value) is computed when the
        recipe is first read: at 100 000 units it costs as much as the index.
    """

    framework: Framework
    units: tuple[str, ...]
    codes: tuple[str, ...]
    raw: np.ndarray
    imputed: np.ndarray
    treated: np.ndarray
    scores: np.ndarray
    given: np.ndarray
    factors: np.ndarray
    missing_report: list[dict[str, Any]] = field(default_factory=list)
    treatment_report: list[dict[str, Any]] = field(default_factory=list)
    sources: Mapping[tuple[str, str], str] = field(default_factory=dict)
    merged_from: dict[str, list[str]] = field(default_factory=dict)
    _recipe: dict[str, Any] = field(default_factory=dict, repr=False)
    parts: dict[str, Result] = field(default_factory=dict)
    _ranks: np.ndarray | None = field(default=None, repr=False)
    _root_rank: np.ndarray | None = field(default=None, repr=False)
    _pending_digest: Callable[[], str] | None = field(default=None, repr=False)
    _unit_pos: dict[str, int] | None = field(default=None, repr=False)

    @property
    def recipe(self) -> dict[str, Any]:
        """What :func:`regenerate` replays; the input hash is filled in on first read."""
        if self._pending_digest is not None:
            self._recipe["inputs_sha256"] = self._pending_digest()
            self._pending_digest = None
        return self._recipe

    @property
    def ranks(self) -> np.ndarray:
        """Competition rank of every unit on every node, (n_units, n_nodes); computed on first use."""
        if self._ranks is None:
            self._ranks = rank_competition(self.scores, axis=0, decimals=self.framework.rank_decimals)
        return self._ranks

    # --- lookups -------------------------------------------------------------
    def _u(self, unit: str) -> int:
        if self._unit_pos is None:  # index once: a lookup per unit must not scan every unit
            self._unit_pos = {u: i for i, u in enumerate(self.units)}
        try:
            return self._unit_pos[unit]
        except KeyError:
            raise InputError(f"unit {unit!r} is not in this result", code="unknown_unit", unit=unit) from None

    def _c(self, code: str | None) -> int:
        if code is None:
            return 0
        try:
            return self.codes.index(code)
        except ValueError:
            raise InputError(f"node {code!r} is not in this framework", code="unknown_node", node=code) from None

    @property
    def total(self) -> np.ndarray:
        """Root score per unit, shape (n_units,)."""
        return self.scores[:, 0]

    @property
    def rank(self) -> np.ndarray:
        """Root rank per unit, shape (n_units,)."""
        if self._root_rank is None:
            self._root_rank = rank_competition(self.scores[:, 0], decimals=self.framework.rank_decimals)
        return self._root_rank

    def score(self, unit: str, code: str | None = None) -> float:
        return float(self.scores[self._u(unit), self._c(code)])

    def rank_of(self, unit: str, code: str | None = None) -> int | None:
        r = self.rank[self._u(unit)] if code is None else self.ranks[self._u(unit), self._c(code)]
        return None if np.isnan(r) else int(r)

    def order(self) -> list[int]:
        """Unit indices sorted by root rank (unranked last, then by name).

        A stable sort on the rank, then each run of tied ranks sorted by name: the
        names are compared (in Python, as ``sorted`` does) only where ranks tie.
        """
        r = np.where(np.isnan(self.rank), np.inf, self.rank)
        idx = np.argsort(r, kind="stable")
        srt = r[idx]
        out = idx.tolist()
        starts = np.flatnonzero(np.r_[True, srt[1:] != srt[:-1]]).tolist() + [len(out)]
        for a, b in zip(starts[:-1], starts[1:]):
            if b - a > 1:
                out[a:b] = sorted(out[a:b], key=self.units.__getitem__)
        return out

    # --- explanation -----------------------------------------------------------
    def contributions_to_root(self) -> np.ndarray:
        """Contribution of every node to the root, shape (n_units, n_nodes).

        For linear aggregations the contributions of the children of any node
        add up to that node's score.  NaN where a node on the path was given
        (its value was not computed from its children).
        """
        plan = plan_of(self.framework)
        cum = np.ones_like(self.scores)
        for j in range(1, len(self.codes)):  # pre-order: the parent is filled first
            p = plan.parent[j]
            broken = self.given[:, p]
            cum[:, j] = np.where(broken, np.nan, cum[:, p] * self.factors[:, j])
        return cum * self.scores

    def contributions(self, unit: str) -> dict[str, dict[str, float | None]]:
        """For one unit: node code -> {ancestor code: contribution to that ancestor}."""
        plan = plan_of(self.framework)
        u = self._u(unit)
        out: dict[str, dict[str, float | None]] = {}
        for j, code in enumerate(self.codes):
            chain: dict[str, float | None] = {}
            factor = 1.0
            k = j
            while plan.parent[k] >= 0:
                p = plan.parent[k]
                if self.given[u, p]:
                    break
                factor *= self.factors[u, k]
                chain[self.codes[p]] = _clean(factor * self.scores[u, j])
                k = p
            out[code] = chain
        return out

    def explain(self, unit: str, *, lang: str = "vi") -> list[dict[str, Any]]:
        """Per node, for one unit: score, rank, contributions to each ancestor, and provenance."""
        u = self._u(unit)
        contrib = self.contributions(unit)
        filled: dict[str, dict[str, Any]] = {}  # this unit's report entries by code (the first one counts)
        for m in self.missing_report:
            if m["unit"] == unit:
                filled.setdefault(m["code"], m)
        rows = []
        fw = self.framework
        for j, code in enumerate(self.codes):
            node = plan_of(fw).nodes[j]
            if node.is_indicator and np.isnan(self.raw[u, j]) and np.isnan(self.scores[u, j]):
                continue
            if self.given[u, j]:
                origin = self.sources.get((unit, code), "input")
                how = "given"
            elif node.is_indicator:
                origin = self.sources.get((unit, code), "input")
                how = f"scored:{node.scoring.rule if node.scoring else 'given'}"
            else:
                origin = "computed"
                how = f"aggregated:{node.method}"
            imputed = filled.get(code)
            if imputed is not None:
                origin = f"{imputed['action']}" + (f":{imputed['method']}" if imputed.get("method") else "")
            treated = self._treated_how(unit, code) if node.is_indicator else None
            rows.append(
                {
                    "code": code,
                    "name": node.label(lang),
                    "depth": fw.depth(code),
                    "raw": _clean(self.raw[u, j]) if node.is_indicator else None,
                    "score": _clean(self.scores[u, j]),
                    "rank": None if np.isnan(self.ranks[u, j]) else int(self.ranks[u, j]),
                    "how": how,
                    "source": origin,
                    "treated": treated,
                    "treated_value": _clean(self.treated[u, j]) if treated else None,
                    "contributions": contrib[code],
                }
            )
        return rows

    def _treated_how(self, unit: str, code: str) -> str | None:
        """How the treatment changed this unit's value: ``winsorised_high`` / ``winsorised_low`` (the
        value was set to the next one in), ``log`` (the indicator was log-transformed), else None."""
        rep = next((t for t in self.treatment_report if t["code"] == code), None)
        if rep is None:
            return None
        if rep["method"] == "log":
            return "log"
        if unit in rep["high"]:
            return "winsorised_high"
        return "winsorised_low" if unit in rep["low"] else None

    # --- export -------------------------------------------------------------------
    def to_records(self, *, decimals: int | None = None) -> list[dict[str, Any]]:
        """``[{"unit", "rank", "scores": {code: value}}]`` ordered by rank; the root's code included."""
        out = []
        codes, ranks = self.codes, self.rank.tolist()
        for i in self.order():
            row = self.scores[i].tolist()  # Python floats; NaN is the one value unequal to itself
            if decimals is None:
                scores = {c: v for c, v in zip(codes, row) if v == v}
            else:
                scores = {c: round(v, decimals) for c, v in zip(codes, row) if v == v}
            r = ranks[i]
            out.append({"unit": self.units[i], "rank": None if r != r else int(r), "scores": scores})
        return out


def _clean(v: float) -> float | None:
    return None if v is None or np.isnan(v) else float(v)


def _to_matrix(data: Any, units: Sequence[str] | None, codes: Sequence[str] | None) -> tuple[list[str], list[str], np.ndarray]:
    if isinstance(data, Mapping):
        units = [str(u) for u in data]
        seen: list[str] = []
        for row in data.values():
            if not isinstance(row, Mapping):
                raise InputError("each unit's values must be a mapping code -> value", code="input_shape")
            for c in row:
                if c not in seen:
                    seen.append(str(c))
        codes = seen
        mat = np.full((len(units), len(codes)), np.nan)
        bad: list[str] = []
        for i, row in enumerate(data.values()):
            for c, v in row.items():
                if v is None or v == "":
                    continue
                try:
                    if isinstance(v, bool):
                        raise TypeError
                    mat[i, codes.index(str(c))] = float(v)
                except (TypeError, ValueError):
                    bad.append(f"{units[i]}/{c}={v!r}")
        if bad:
            raise InputError(
                "values must be numbers; got " + ", ".join(bad[:10]), code="not_numeric", cells=bad
            )
        return units, codes, mat
    arr = np.asarray(data, dtype=float)  # read only: the layout copies it into ``raw``
    if units is None or codes is None:
        raise InputError("an array input needs units= and codes=", code="input_shape")
    if arr.shape != (len(units), len(codes)):
        raise InputError(
            f"values have shape {arr.shape}; expected ({len(units)} units, {len(codes)} codes)",
            code="input_shape",
        )
    return [str(u) for u in units], [str(c) for c in codes], arr


def _check_ranges(plan: _Plan, units: list[str], mat: np.ndarray, given_cols: list[int]) -> None:
    """Every non-missing given value must lie in its node's range; list every offender.

    Each column's smallest and largest value (NaN ignored) are found by two
    reductions over the matrix; only a column whose extremes break its range, or
    whose rule restricts the values themselves, is then examined cell by cell."""
    problems: list[dict[str, Any]] = []
    with np.errstate(invalid="ignore"):
        col_lo, col_hi = np.fmin.reduce(mat, axis=0), np.fmax.reduce(mat, axis=0)
    for col, j in enumerate(given_cols):
        node = plan.nodes[j]
        lo, hi = _bounds(node)
        rule = node.scoring.rule if node.is_indicator and node.scoring else None
        if rule not in ("yes_no", "partial") and not (
            np.isinf(col_lo[col]) or np.isinf(col_hi[col])
            or (lo is not None and col_lo[col] < lo - 1e-12) or (hi is not None and col_hi[col] > hi + 1e-12)
        ):
            continue
        _check_column(node, lo, hi, units, mat[:, col], problems)
    if problems:
        parts = []
        for p in problems[:20]:
            exp = p.get("expected") or f"[{_fmt(p['lo'])}, {_fmt(p['hi'])}]"
            parts.append(f"unit {p['unit']!r}, {p['code']!r}: {p['value']:g} is outside {exp}")
        raise InputError(
            "value out of range: " + "; ".join(parts) + (" ..." if len(problems) > 20 else ""),
            code="out_of_range",
            problems=problems,
        )


def _bounds(node: Node) -> tuple[float | None, float | None]:
    """The range a given value of ``node`` must lie in (None: unbounded on that side)."""
    lo, hi = node.value_range if node.is_indicator else node.score_range
    if node.is_indicator and node.scoring is not None:
        if node.scoring.rule in ("ratio_to_max",) and lo is None:
            lo = 0.0
        if node.scoring.rule == "given" and (lo, hi) == (None, None):
            lo, hi = 0.0, 1.0
    if not node.is_indicator and node.value_range != (None, None):
        lo, hi = node.value_range
    return lo, hi


def _check_column(node: Node, lo: float | None, hi: float | None, units: list[str], v: np.ndarray,
                  problems: list[dict[str, Any]]) -> None:
    """Add one problem per value of column ``v`` outside [lo, hi], infinite, or not allowed by the rule."""
    bad = np.zeros(v.shape, dtype=bool)
    if lo is not None:
        bad |= v < lo - 1e-12
    if hi is not None:
        bad |= v > hi + 1e-12
    bad |= np.isinf(v)
    for i in np.flatnonzero(bad):
        problems.append(
            {"unit": units[i], "code": node.code, "value": float(v[i]), "lo": lo, "hi": hi}
        )
    scoring = node.scoring if node.is_indicator else None
    rule = scoring.rule if scoring else None
    if rule == "yes_no":
        for i in np.flatnonzero(~np.isnan(v) & (v != 0) & (v != 1)):
            problems.append({"unit": units[i], "code": node.code, "value": float(v[i]), "lo": 0, "hi": 1,
                             "expected": "0 or 1"})
    if scoring is not None and rule == "partial":
        levels = [float(k) for k in scoring.params["levels"]]
        for i in np.flatnonzero(~np.isnan(v) & ~np.isin(v, levels)):
            problems.append({"unit": units[i], "code": node.code, "value": float(v[i]), "lo": None,
                             "hi": None, "expected": f"one of {levels}"})


def _fmt(x: float | None) -> str:
    return "-inf" if x is None else f"{x:g}"


def compute(
    framework: Framework,
    data: Any,
    *,
    units: Sequence[str] | None = None,
    codes: Sequence[str] | None = None,
    missing: MissingPolicy | str | dict | None = None,
    sources: Mapping[Any, str] | str | None = None,
    merges: Mapping[str, Sequence[str]] | None = None,
) -> Result:
    """Compute every node's score and rank for a set of units.

    Formula: each indicator ``s = rule(x)`` over the units present; each
    aggregate node ``s = method(children's s, weights)``; ranks are
    competition ranks on each node (rounded to ``framework.rank_decimals``).

    Parameters
    ----------
    framework : Framework
    data : mapping unit -> {code: value}, or array of shape (n_units, n_codes)
        Codes may be indicators (raw values) or aggregate nodes (given values,
        e.g. published main indices); missing cells are NaN / absent / None.
    units, codes : sequence of str, optional
        Row and column labels when ``data`` is an array.
    missing : MissingPolicy or "error" | "reweight" | "impute:<method>", optional
        Overrides the framework's policy.
    sources : mapping or str, optional
        Provenance: a single label for all inputs, ``{unit: label}`` or
        ``{(unit, code): label}``.
    merges : mapping new_unit -> [former units], optional
        Units that merged: the former units are computed first, then each node
        at depth ``framework.merge_depth`` of the new unit is the mean of the
        former units' values and the levels above are recomputed (the rule the
        ministry used for DTI 2024).  Former units absent from ``data`` are
        ignored; a merged unit needs at least one.

    Returns
    -------
    Result

    Raises
    ------
    InputError
        Unknown code, duplicate unit, non-numeric or out-of-range value.
    MissingDataError
        A needed value is missing under the ``error`` policy (every cell listed).
    AggregationError
        Geometric/harmonic mean of a non-positive value.

    Examples
    --------
    >>> from chiso.frameworks import load_framework
    >>> fw = load_framework("vn-ict-index-2016-province")
    >>> r = compute(fw, {"Hà Nam": {"htkt": 0.5, "htnl": 0.4, "ud": 0.6},
    ...                  "Bắc Ninh": {"htkt": 0.7, "htnl": 0.5, "ud": 0.6}})
    >>> round(r.score("Hà Nam"), 4), r.rank_of("Hà Nam")
    (0.5, 2)
    """
    policy = MissingPolicy.parse(missing) if missing is not None else framework.missing
    unit_list, code_list, mat = _to_matrix(data, units, codes)
    if merges:
        return _compute_merged(framework, unit_list, code_list, mat, policy, sources, merges)
    return _compute(framework, unit_list, code_list, mat, policy, sources)


def _compute(
    fw: Framework,
    unit_list: list[str],
    code_list: list[str],
    mat: np.ndarray,
    policy: MissingPolicy,
    sources: Mapping[Any, str] | str | None,
) -> Result:
    """The stages of :func:`compute` for one set of units: check, lay out, fill, score, aggregate."""
    plan = plan_of(fw)
    given_cols = _check_input(fw, plan, unit_list, code_list)
    _check_ranges(plan, unit_list, mat, given_cols)
    raw, has, is_ind, given = _layout(plan, len(unit_list), given_cols, mat)
    needed = _needed(plan, given, is_ind)
    imputed, report = _fill_missing(plan, unit_list, raw, has, needed, is_ind, policy)
    treated, treatment_report = _treat(plan, unit_list, imputed)
    scores = _score_indicators(plan, treated, is_ind, inputs=(mat, given_cols) if treated is raw else None)
    factors = _aggregate_tree(plan, unit_list, scores, raw, needed, given, skip=policy.policy == "reweight")
    # Indicators given as scores ("given" rule) keep their values as scores.
    for j in np.flatnonzero(is_ind & np.any(given, axis=0)):
        np.copyto(scores[:, j], raw[:, j], where=given[:, j])
    for arr in (raw, imputed, treated, scores, given, factors):
        arr.flags.writeable = False  # stages share arrays: nobody may change one afterwards
    return Result(
        framework=fw, units=tuple(unit_list), codes=plan.codes, raw=raw, imputed=imputed, treated=treated,
        scores=scores, given=given, factors=factors, missing_report=report, treatment_report=treatment_report,
        sources=_Sources(sources, unit_list, plan.codes, has), _recipe=_recipe(fw, policy, unit_list, code_list),
        _pending_digest=_pending_digest(unit_list, code_list, mat, raw, given_cols),
    )


def _treat(plan: _Plan, unit_list: list[str], imputed: np.ndarray) -> tuple[np.ndarray, list[dict[str, Any]]]:
    """The outlier-treatment stage: each indicator with a treatment is treated over the units (the
    imputed array itself, not a copy, when no indicator has one); reports name codes and units."""
    treatments = [n.treatment for n in plan.nodes]
    if not any(treatments):
        return imputed, []
    treated, reports = treat_matrix(imputed, treatments)
    for r in reports:
        j = r.pop("column")
        r["code"] = plan.codes[j]
        r["high"] = [unit_list[i] for i in r["high"]]
        r["low"] = [unit_list[i] for i in r["low"]]
    return treated, reports


def _check_input(fw: Framework, plan: _Plan, unit_list: list[str], code_list: list[str]) -> list[int]:
    """Refuse no units, a unit twice or a code the framework lacks; the node index of each given column."""
    if not unit_list:
        raise InputError("no units given", code="empty_input")
    dups = [] if len(set(unit_list)) == len(unit_list) else sorted(u for u, k in Counter(unit_list).items() if k > 1)
    if dups:
        raise InputError(f"duplicate unit(s): {', '.join(dups)}", code="duplicate_unit", units=dups)
    unknown = [c for c in code_list if c not in plan.pos]
    if unknown:
        raise InputError(
            f"unknown code(s) for framework {fw.id!r}: {', '.join(unknown)}",
            code="unknown_code",
            codes=unknown,
            framework=fw.id,
        )
    return [plan.pos[c] for c in code_list]


def _layout(
    plan: _Plan, n_u: int, given_cols: list[int], mat: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The values on the whole tree: ``raw`` (NaN where none), ``has``, ``is_ind`` per node and ``given``
    (an aggregate node with a value, or a "given"-rule indicator, is not recomputed)."""
    n_n = len(plan.codes)
    raw = np.empty((n_u, n_n))
    _put_cols(raw, given_cols, mat)
    present = np.zeros(n_n, dtype=bool)
    present[given_cols] = True
    _put_cols(raw, np.flatnonzero(~present), np.nan)
    has = np.isnan(raw)
    np.logical_not(has, out=has)
    is_ind = np.array([n.is_indicator for n in plan.nodes])
    # An aggregate node with a value is not recomputed; an indicator's value is its raw input.
    kept = ~is_ind | np.array([n.scoring is not None and n.scoring.rule == "given" for n in plan.nodes])
    given = np.zeros((n_u, n_n), dtype=bool)
    for j in np.flatnonzero(kept & present):
        given[:, j] = has[:, j]
    return raw, has, is_ind, given


def _runs(idx: Sequence[int] | np.ndarray) -> list[tuple[slice, slice]]:
    """Maximal runs of consecutive values in ``idx``: ``(slice of the values, slice of their positions)``.

    Copying whole column blocks by slices is several times faster than numpy's
    fancy indexing on the column axis, and node columns come in blocks (the
    indicators of one component are adjacent in pre-order)."""
    a = np.asarray(idx, dtype=int)
    if a.size == 0:
        return []
    cut = (np.flatnonzero(np.diff(a) != 1) + 1).tolist()
    starts, ends = [0, *cut], [*cut, a.size]
    return [(slice(int(a[s]), int(a[e - 1]) + 1), slice(s, e)) for s, e in zip(starts, ends)]


def _take_cols(a: np.ndarray, idx: Sequence[int] | np.ndarray) -> np.ndarray:
    """``a[:, idx]``: a view when ``idx`` is one run (never to be written to), else a copy laid out
    column-major as numpy's fancy indexing lays it out (sums along an axis depend on the layout)."""
    runs = _runs(idx)
    if len(runs) == 1:
        return a[:, runs[0][0]]
    if len(runs) * 4 > len(idx):  # runs shorter than 4 columns on average: fancy indexing is faster
        return a[:, np.asarray(idx, dtype=int)]
    out = np.empty((a.shape[0], len(idx)), dtype=a.dtype, order="F")
    for cols, pos in runs:
        out[:, pos] = a[:, cols]
    return out


def _put_cols(a: np.ndarray, idx: Sequence[int] | np.ndarray, values: np.ndarray | float) -> None:
    """``a[:, idx] = values`` block by block (the last of repeated indices wins, as with fancy indexing)."""
    block = np.asarray(values)
    for cols, pos in _runs(idx):
        if block.ndim == 0:
            a[:, cols] = block
        else:
            _copy_block(a[:, cols], block[:, pos])


def _copy_block(dst: np.ndarray, src: np.ndarray) -> None:
    """``dst[...] = src`` for two ``(n_units, k)`` float blocks, each row's k values copied as one item
    when both lay them out side by side: numpy's copy loop then runs once per row, not per value
    (measured 20-40 % faster for the blocks of ten of a 100 000-unit index).  The bytes are copied
    as they are (NaN included)."""
    k = dst.shape[1]
    if k > 1 and dst.dtype == src.dtype and dst.strides[1] == src.strides[1] == dst.itemsize:
        dst.view(f"V{k * dst.itemsize}")[...] = src.view(f"V{k * src.itemsize}")
    else:
        dst[...] = src


def _needed(plan: _Plan, given: np.ndarray, is_ind: np.ndarray) -> np.ndarray:
    """``needed[u, j]``: the node must be known for unit u (its parent is needed and not given).

    A child with weight 0 (e.g. "Đô thị thông minh", 0 points: not scored) is never needed."""
    n_u, n_n = given.shape
    col_needed = np.ones(n_n, dtype=bool)
    for j in range(1, n_n):
        col_needed[j] = col_needed[plan.parent[j]] and plan.nodes[j].weight > 0
    if not np.any(given[:, ~is_ind]):
        return np.broadcast_to(col_needed, (n_u, n_n))  # no sub-index given: the same for every unit
    needed = np.zeros((n_u, n_n), dtype=bool)
    needed[:, 0] = True
    for j in range(1, n_n):
        p = plan.parent[j]
        needed[:, j] = needed[:, p] & ~given[:, p] & col_needed[j]
    return needed


def _fill_missing(
    plan: _Plan, unit_list: list[str], raw: np.ndarray, has: np.ndarray, needed: np.ndarray,
    is_ind: np.ndarray, policy: MissingPolicy,
) -> tuple[np.ndarray, list[dict[str, Any]]]:
    """Apply the missing-data policy to the needed indicators without a value: refuse (``error``),
    impute, or note them as skipped (``reweight``); the imputed values and one report entry per cell.

    ``imputed`` is ``raw`` itself unless a value is imputed (nothing writes to either afterwards)."""
    report: list[dict[str, Any]] = []
    maybe = is_ind & ~np.all(has, axis=0)
    if needed.strides[0] == 0:  # the same for every unit (a broadcast row)
        maybe &= needed[0]
    if not np.any(maybe):
        return raw, report
    leaf_missing = needed & is_ind[None, :] & ~has
    if not np.any(leaf_missing):
        return raw, report
    cells = [(unit_list[i], plan.codes[j]) for i, j in zip(*np.nonzero(leaf_missing))]
    if policy.policy == "error":
        shown = ", ".join(f"{u}/{c}" for u, c in cells[:15])
        raise MissingDataError(
            f"{len(cells)} needed value(s) missing ({shown}{' ...' if len(cells) > 15 else ''}); "
            "give them, or choose the missing-data policy 'reweight' or 'impute:<method>'",
            code="missing_value",
            cells=[list(c) for c in cells],
        )
    if policy.policy == "impute":
        imputed = raw.copy()
        for j in np.flatnonzero(np.any(leaf_missing, axis=0)):
            _impute_column(plan, unit_list, raw, imputed, leaf_missing, int(j), policy, report)
    else:
        for u, c in cells:
            report.append({"unit": u, "code": c, "action": "skipped", "method": "reweight", "value": None})
        imputed = raw
    return imputed, report


_FILL = {
    "mean": lambda p: float(np.mean(p)),
    "median": lambda p: float(np.median(p)),
    "min": lambda p: float(np.min(p)),
    "max": lambda p: float(np.max(p)),
    "zero": lambda p: 0.0,
}


def _impute_column(
    plan: _Plan, unit_list: list[str], raw: np.ndarray, imputed: np.ndarray, leaf_missing: np.ndarray, j: int,
    policy: MissingPolicy, report: list[dict[str, Any]],
) -> None:
    """Fill column ``j``'s missing cells in ``imputed`` by the policy's method over the units that have a
    value, and add one report entry per filled cell."""
    col = raw[:, j]
    present = col[~np.isnan(col)]
    if present.size == 0 and policy.method != "zero":
        raise MissingDataError(
            f"cannot impute {plan.codes[j]!r} by {policy.method}: no unit has a value",
            code="impute_no_data",
            node=plan.codes[j],
        )
    fill = _FILL[policy.method](present)
    rows = np.flatnonzero(leaf_missing[:, j])
    imputed[rows, j] = fill
    for i in rows:
        report.append({"unit": unit_list[i], "code": plan.codes[j], "action": "imputed",
                       "method": policy.method, "value": fill})


def _score_indicators(
    plan: _Plan, imputed: np.ndarray, is_ind: np.ndarray, *, inputs: tuple[np.ndarray, list[int]] | None = None
) -> np.ndarray:
    """Every indicator's score by its rule (NaN elsewhere); rules without per-indicator parameters are
    applied to all their columns at once."""
    scores = np.empty(imputed.shape)
    written = np.zeros(imputed.shape[1], dtype=bool)
    with np.errstate(invalid="ignore"):
        present = ~np.isnan(np.fmax.reduce(imputed, axis=0))  # NaN only where every unit is NaN
    batch: dict[str, list[int]] = {}
    for j in np.flatnonzero(is_ind & present):
        node = plan.nodes[j]
        rule = node.scoring.rule if node.scoring else "given"
        if rule in _BATCHED:
            batch.setdefault(rule, []).append(int(j))
        else:
            scores[:, j] = _score_one(node, imputed[:, j])
        written[j] = True
    for rule, cols in batch.items():
        direction = np.array([plan.nodes[j].direction for j in cols], dtype=float)
        params = _batch_params(rule, [plan.nodes[j] for j in cols])
        x = _batch_values(imputed, cols, inputs)
        if rule not in _ORDER_FREE:
            x = np.asfortranarray(x)  # its sums down the columns depend on the layout: keep the one it had
        _put_cols(scores, cols, _BATCHED[rule](x, direction=direction, **params))
    _put_cols(scores, np.flatnonzero(~written), np.nan)
    return scores


def _batch_values(values: np.ndarray, cols: list[int], inputs: tuple[np.ndarray, list[int]] | None) -> np.ndarray:
    """The values of node columns ``cols`` to score together, read-only.

    ``inputs`` is the input matrix and the node of each of its columns, given when ``values`` is
    ``raw`` (nothing imputed or treated): if ``cols`` are adjacent input columns in the same order
    (an input listing indicators in the framework's order), a view of the input is scored and no
    ``(n_units, n_indicators)`` copy is made."""
    if inputs is not None:
        mat, given_cols = inputs
        col_of = {j: c for c, j in enumerate(given_cols)}  # a code given twice: its last column, as in raw
        runs = _runs([col_of[j] for j in cols])
        if len(runs) == 1:
            return mat[:, runs[0][0]]
    return _take_cols(values, cols)


def _batch_params(rule: str, nodes: list[Node]) -> dict[str, Any]:
    """Per-column parameters of a batched rule, as arrays on the last axis (none when every column
    uses the defaults): ``scale`` (LO, HI) or the z-score's ``mean`` and ``sd``."""
    ps = [n.scoring.params if n.scoring else {} for n in nodes]
    if rule in SCALED_RULES and any("scale" in p for p in ps):
        lo, hi = np.array([n.scoring.scale if n.scoring else (0.0, 1.0) for n in nodes], dtype=float).T
        return {"scale": (lo, hi)}
    if rule == "zscore" and any("mean" in p or "sd" in p for p in ps):
        return {"mean": np.array([float(p.get("mean", 0.0)) for p in ps]),
                "sd": np.array([float(p.get("sd", 1.0)) for p in ps])}
    return {}


def _aggregate_tree(
    plan: _Plan, unit_list: list[str], scores: np.ndarray, raw: np.ndarray, needed: np.ndarray,
    given: np.ndarray, *, skip: bool,
) -> np.ndarray:
    """Aggregate children before parents into ``scores`` (in place; given values kept) and return the
    local contribution factors.

    Under a linear method a node's factors depend on its children's scores only
    through which are missing; where none is, every unit has the same factors.
    While that holds for every node the factors are one row, returned as a
    read-only broadcast view (no ``(n_units, n_nodes)`` array is built)."""
    row = np.zeros(scores.shape[1])
    factors: np.ndarray | None = None
    with np.errstate(invalid="ignore"):  # a column's sum is NaN if it holds a NaN (or both infinities)
        maybe_nan = np.isnan(np.add.reduce(scores, axis=0))
    for j in plan.postorder:
        node = plan.nodes[j]
        kids = plan.children[j]
        if kids.size == 0:
            continue
        x = _take_cols(scores, kids)
        method = node.method or "weighted_mean"
        shared = method in _LINEAR and not maybe_nan[kids].any()  # factors the same for every unit
        if not shared:
            x = np.asfortranarray(x)  # the general path sums along rows: keep the layout it always had
        w = np.array([plan.nodes[k].weight for k in kids], dtype=float)
        rows = needed[:, j] & ~given[:, j]
        all_rows = bool(np.all(rows))
        if all_rows:
            scores[:, j] = _aggregate_node(plan, unit_list, node, kids, x, w, rows, skip=skip)
        elif np.any(rows):
            scores[rows, j] = _aggregate_node(plan, unit_list, node, kids, x[rows], w, rows, skip=skip)
        if np.any(given[:, j]):
            np.copyto(scores[:, j], raw[:, j], where=given[:, j])
        maybe_nan[j] = np.isnan(scores[:, j]).any()
        if shared:
            f = _local_factors(method, x[:1], w, scores[:1, j], skip)
            if factors is None:
                row[kids] = f[0]
                continue
        else:
            f = _local_factors(method, x, w, scores[:, j], skip)
            if factors is None:
                factors = np.empty(scores.shape)
                factors[:] = row
        _put_cols(factors, kids, np.broadcast_to(f, x.shape))
    return np.broadcast_to(row, scores.shape) if factors is None else factors


_LINEAR = ("weighted_mean", "points_ratio", "weighted_sum", "points_sum")


def _aggregate_node(
    plan: _Plan, unit_list: list[str], node: Node, kids: np.ndarray, x: np.ndarray, w: np.ndarray,
    rows: np.ndarray, *, skip: bool,
) -> np.ndarray:
    """One node's value for the ``rows`` that need it; a non-positive value under a geometric or
    harmonic mean is refused naming the cells (unit/code)."""
    try:
        return aggregate(node.method or "weighted_mean", x, w, skip_missing=skip)
    except AggregationError as e:
        pos = e.params.get("positions", [])
        where = [f"{unit_list[np.flatnonzero(rows)[r]]}/{plan.codes[kids[c]]}" for r, c in pos[:10]]
        raise AggregationError(
            f"node {node.code!r} uses the {node.method} mean, which needs values > 0; "
            f"non-positive at: {', '.join(where)}",
            code="aggregation_nonpositive",
            node=node.code,
            cells=where,
        ) from None


def _recipe(fw: Framework, policy: MissingPolicy, unit_list: list[str], code_list: list[str]) -> dict[str, Any]:
    """What :func:`regenerate` needs to replay the computation: arguments, input hash (filled in by
    :attr:`Result.recipe` when first read), engine version."""
    return {
        "framework": fw.id,
        "edition": fw.edition,
        "engine_version": ENGINE_VERSION,
        "missing": {"policy": policy.policy, "method": policy.method},
        "units": list(unit_list),
        "codes": list(code_list),
        "inputs_sha256": None,
        "steps": ["impute", "treat", "score", "aggregate", "rank"],
        "treatment": {n.code: n.treatment.as_dict() for n in fw.indicators if n.treatment is not None},
    }


_BATCHED: dict[str, Callable[..., np.ndarray]] = {
    "minmax": sc.score_minmax,
    "ratio_to_max": sc.score_ratio_to_max,
    "zscore": sc.score_zscore,
    "percentile": sc.score_percentile,
}


# Batched rules whose result does not depend on the memory layout of the values (min, max, ranks).
_ORDER_FREE = ("minmax", "ratio_to_max", "percentile")


def _score_one(node: Node, x: np.ndarray) -> np.ndarray:
    s = node.scoring
    return sc.apply_rule(s.rule if s else "given", x, params=s.params if s else None, direction=node.direction)


def _local_factors(method: str, x: np.ndarray, w: np.ndarray, parent: np.ndarray, skip: bool) -> np.ndarray:
    """Contribution of each child to its parent divided by the child's score.

    Linear methods: the child's effective weight.  Geometric and harmonic means
    are not additive; their children's contributions are taken proportional to
    ``w * x`` and scaled to add up to the parent (documented in docs/engine.md).
    """
    avail = np.where(np.isnan(x), 0.0, w) if skip else np.broadcast_to(w, x.shape)
    tot_w = np.sum(avail, axis=1, keepdims=True)
    with np.errstate(all="ignore"):
        if method in ("weighted_mean", "points_ratio"):
            f = np.where(tot_w > 0, avail / tot_w, 0.0)
        elif method in ("weighted_sum", "points_sum"):
            f = np.where(tot_w > 0, avail * (np.sum(w) / tot_w), 0.0)
        else:
            wx = np.sum(avail * np.nan_to_num(x), axis=1, keepdims=True)
            f = np.where(wx > 0, avail * parent[:, None] / wx, 0.0)
    return np.where(np.isnan(x), 0.0, f)


class _Sources(Mapping):
    """``(unit, code) -> source label`` for every given cell, computed on demand.

    Building a dict of every cell would cost more than the whole computation for
    10 000 units × 100 indicators.
    """

    def __init__(self, spec: Mapping[Any, str] | str | None, units: list[str], codes: tuple[str, ...],
                 has: np.ndarray) -> None:
        self.spec = spec
        self._u: dict[str, int] | None = None  # indexed on first lookup
        self._c = {c: j for j, c in enumerate(codes)}
        self._units, self._codes, self._has = units, codes, has

    def __getitem__(self, key: tuple[str, str]) -> str:
        if self._u is None:
            self._u = {u: i for i, u in enumerate(self._units)}
        u, c = key
        i, j = self._u.get(u), self._c.get(c)
        if i is None or j is None or not self._has[i, j]:
            raise KeyError(key)
        return _source_of(self.spec, u, c)

    def __iter__(self):
        for i, j in zip(*np.nonzero(self._has)):
            yield (self._units[i], self._codes[j])

    def __len__(self) -> int:
        return int(np.count_nonzero(self._has))


def _source_of(sources: Mapping[Any, str] | str | None, unit: str, code: str) -> str:
    if sources is None:
        return "input"
    if isinstance(sources, str):
        return sources
    return sources.get((unit, code)) or sources.get(unit) or "input"


def _digest(units: list[str], codes: list[str], mat: np.ndarray, cols: list[int] | None = None) -> str:
    """sha256 of the labels and of the input matrix ``mat[:, cols]`` as row-major float64.

    Rows are hashed in blocks of about 4 MB, so no copy of the whole matrix is made."""
    h = hashlib.sha256()
    h.update(json.dumps([units, codes]).encode())
    width = mat.shape[1] if cols is None else len(cols)
    step = max(1, (1 << 22) // max(1, 8 * width))
    for a in range(0, mat.shape[0], step):
        block = np.ascontiguousarray(mat[a:a + step] if cols is None else _take_cols(mat[a:a + step], cols))
        if block.size:  # a zero-size view cannot be cast to bytes
            h.update(block.data.cast("B"))
    return h.hexdigest()


def _pending_digest(units: list[str], codes: list[str], mat: np.ndarray, raw: np.ndarray,
                    given_cols: list[int]) -> Callable[[], str]:
    """The input hash, to compute when the recipe is read: from ``raw[:, given_cols]``, which holds
    the input as given (``raw`` is read-only; ``mat`` may be the caller's array and change).  A code
    given twice keeps only its last column in ``raw``: that input is hashed now."""
    if len(set(given_cols)) != len(given_cols):
        return partial(str, _digest(units, codes, mat))
    return partial(_digest, units, codes, raw, given_cols)  # a partial, not a lambda: a Result pickles


def _compute_merged(
    fw: Framework,
    unit_list: list[str],
    code_list: list[str],
    mat: np.ndarray,
    policy: MissingPolicy,
    sources: Mapping[Any, str] | str | None,
    merges: Mapping[str, Sequence[str]],
) -> Result:
    before = _compute(fw, unit_list, code_list, mat, policy, sources)
    plan = plan_of(fw)
    level = [j for j in range(len(plan.codes)) if fw.depth(plan.codes[j]) == fw.merge_depth]
    if not level:
        level = [0]
    former_of: dict[str, list[str]] = {}
    absorbed: set[str] = set()
    for new, olds in merges.items():
        present = [o for o in olds if o in before.units]
        if not present:
            continue
        former_of[new] = present
        absorbed.update(present)
    rows: dict[str, dict[str, float]] = {}
    for u in before.units:
        if u in absorbed:
            continue
        i = before.units.index(u)
        rows[u] = {plan.codes[j]: float(before.scores[i, j]) for j in level if not np.isnan(before.scores[i, j])}
    for new, olds in former_of.items():
        idx = [before.units.index(o) for o in olds]
        vals = before.scores[np.ix_(idx, level)]
        with np.errstate(all="ignore"):
            mean = np.nanmean(vals, axis=0)
        rows[new] = {plan.codes[j]: float(m) for j, m in zip(level, mean) if not np.isnan(m)}
    names = list(rows)
    cols = [plan.codes[j] for j in level]
    m2 = np.array([[rows[u].get(c, np.nan) for c in cols] for u in names], dtype=float).reshape(len(names), len(cols))
    src2 = {(u, c): (f"mean of {', '.join(former_of[u])}" if u in former_of else _source_of(sources, u, c))
            for u in names for c in cols}
    after = _compute(fw, names, cols, m2, policy, src2)
    after.merged_from = former_of
    after.parts = {"before_merge": before}
    after.recipe["merges"] = {k: list(v) for k, v in merges.items()}
    after.recipe["inputs_sha256"] = before.recipe["inputs_sha256"]
    after.recipe["before_merge"] = before.recipe
    return after


def regenerate(result: Result) -> Result:
    """Replay a result's recipe on its stored inputs (the result must keep its raw input)."""
    base = result.parts.get("before_merge", result)
    rec = result.recipe
    inputs = base.raw[:, [base.codes.index(c) for c in base.recipe["codes"]]]
    return compute(
        result.framework,
        inputs,
        units=base.recipe["units"],
        codes=base.recipe["codes"],
        missing=rec["missing"]["policy"] + (":" + rec["missing"]["method"] if rec["missing"]["policy"] == "impute" else ""),
        sources=base.sources.spec if isinstance(base.sources, _Sources) else dict(base.sources),
        merges=rec.get("merges"),
    )
