"""A compiled, vectorised evaluator of a framework over many modelling assumptions.

:func:`chiso.engine.compute.compute` computes one scenario with every
explanation.  Monte Carlo and Sobol analyses need the *root ranks* of
thousands of scenarios that differ only in weights, aggregation method,
normalisation, outlier treatment and imputation.  :class:`Model` compiles the
framework and the data once, then evaluates blocks of replicates as arrays of
shape ``(n_reps, n_units)``:

* indicator scores depend only on (imputation, treatment, normalisation) —
  raw -> imputed -> treated -> scored: they are computed once per distinct
  triple, shape ``(n_units, n_nodes)``, and shared by every replicate that
  uses it (never copied per replicate);
* aggregation runs node by node (children before parents) with per-replicate
  weights of shape ``(n_reps, n_children)`` as batched matrix products;
* ranks are competition ranks ("1224") on the root, rounded to the
  framework's ``rank_decimals`` as :func:`~chiso.engine.aggregate.rank_competition` does.

The assumption space is the unit hypercube: :class:`Assumptions` declares the
factors, :meth:`Model.settings` maps points ``u`` of shape ``(n_reps, n_dims)``
to settings.  With the nominal settings the evaluator reproduces ``compute``
exactly (tests check it).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from .. import scoring as sc
from ..compute import Result, compute, plan_of
from ..errors import AnalysisError
from ..framework import TREATABLE, Framework
from ..treat import Treatment, treat_column

__all__ = [
    "AGGREGATIONS",
    "IMPUTATIONS",
    "NORMALISATIONS",
    "TREATMENTS",
    "Alternative",
    "Assumptions",
    "Factor",
    "Model",
    "parse_normalisation",
    "parse_treatment",
    "rank_rows",
    "split_specs",
]

AGGREGATIONS = ("nominal", "arithmetic", "geometric", "harmonic")
NORMALISATIONS = ("nominal", "minmax", "ratio_to_max", "zscore", "percentile")
IMPUTATIONS = ("nominal", "mean", "median", "min", "max", "zero", "reweight")
#: Indicator rules that an alternative normalisation may replace.  Threshold
#: tables, capped ratios, yes/no, partial credit and given scores are the
#: ministry's own scoring and are never replaced.
NORMALISABLE = ("minmax", "ratio_to_max", "zscore", "percentile", "goalposts")
LINEAR = ("weighted_mean", "weighted_sum", "points_ratio", "points_sum")
SUMS = ("weighted_sum", "points_sum")
#: Normalisations that take a target scale ``[lo, hi]`` (default [0, 1]).
SCALED = ("minmax", "ratio_to_max", "percentile")
#: Outlier treatments (``chiso.engine.treat``): ``nominal`` is each indicator's own.
TREATMENTS = ("nominal", "none", "winsorise", "log")


@dataclass(frozen=True)
class Alternative:
    """One alternative of a normalisation or treatment factor: a rule, its parameters, its label.

    ``label`` is the compact text form (``minmax[1,100]``, ``zscore[10,2]``,
    ``winsorise:3``) printed in results and accepted back by the parsers.
    """

    rule: str
    params: tuple[tuple[str, Any], ...] = ()
    label: str = ""

    def param_dict(self) -> dict[str, Any]:
        return {k: list(v) if isinstance(v, tuple) else v for k, v in self.params}


def split_specs(text: str) -> tuple[str, ...]:
    """Split ``"minmax[1,100], zscore[10,2]"`` at the commas outside brackets.

    >>> split_specs("nominal, minmax[1,100],zscore[10,2]")
    ('nominal', 'minmax[1,100]', 'zscore[10,2]')
    """
    parts, depth, cur = [], 0, ""
    for ch in text:
        depth += (ch == "[") - (ch == "]")
        if ch == "," and depth == 0:
            parts.append(cur)
            cur = ""
        else:
            cur += ch
    parts.append(cur)
    return tuple(p.strip() for p in parts if p.strip())


def _num(x: Any) -> str:
    return f"{float(x):g}"


_SPEC = re.compile(r"^\s*([a-z_]+)\s*(?:\[([^\]]*)\])?\s*$")


def _spec_error(kind: str, spec: Any, why: str) -> AnalysisError:
    return AnalysisError(f"{kind} alternative {spec!r}: {why}", code="assumption_spec", kind=kind, spec=str(spec))


def parse_normalisation(spec: Any) -> Alternative:
    """A normalisation alternative from a name, its text form or a mapping.

    ``"minmax"``, ``"minmax[1,100]"`` or ``{"rule": "minmax", "scale": [1, 100]}``: min–max onto
    [1, 100] (also ``ratio_to_max`` and ``percentile``); ``"zscore[10,2]"`` or
    ``{"rule": "zscore", "mean": 10, "sd": 2}``: z-scores with mean 10 and standard deviation 2
    (COINr's ``n_minmax`` c(1,100) and ``n_zscore`` c(10,2)).  ``nominal`` keeps each indicator's rule.

    Raises
    ------
    AnalysisError
        ``invalid_assumption`` (unknown rule), ``assumption_spec`` (unreadable),
        ``assumption_scale_order`` (``lo >= hi``), ``assumption_sd`` (``sd <= 0``).

    Examples
    --------
    >>> parse_normalisation("zscore[10,2]")
    Alternative(rule='zscore', params=(('mean', 10.0), ('sd', 2.0)), label='zscore[10,2]')
    """
    kind = "normalisation"
    if isinstance(spec, Alternative):
        return spec
    if isinstance(spec, Mapping):
        rule = str(spec.get("rule", ""))
        extra = set(spec) - {"rule", "scale", "mean", "sd"}
        if extra:
            raise _spec_error(kind, dict(spec), f"unknown key(s) {', '.join(sorted(map(str, extra)))}")
        nums = list(spec["scale"]) if "scale" in spec else (
            [spec.get("mean", 0), spec.get("sd", 1)] if ("mean" in spec or "sd" in spec) else [])
    else:
        m = _SPEC.match(str(spec))
        if not m:
            raise _spec_error(kind, spec, "expected NAME or NAME[A,B], e.g. minmax[1,100] or zscore[10,2]")
        rule, inside = m.group(1), m.group(2)
        nums = [x for x in inside.split(",")] if inside is not None else []
    if rule not in NORMALISATIONS:
        raise AnalysisError(f"unknown normalisation alternative {rule!r}; expected some of "
                            f"{', '.join(NORMALISATIONS)}", code="invalid_assumption", kind=kind,
                            alternatives=[str(spec)])
    if not nums:
        return Alternative(rule, (), rule)
    try:
        a, b = (float(x) for x in nums)
    except (TypeError, ValueError):
        raise _spec_error(kind, spec, "expected two numbers in brackets, e.g. minmax[1,100]") from None
    if not (np.isfinite(a) and np.isfinite(b)):
        raise _spec_error(kind, spec, "the numbers must be finite")
    label = f"{rule}[{_num(a)},{_num(b)}]"
    if rule == "zscore":
        if b <= 0:
            raise AnalysisError(f"normalisation {label}: the standard deviation must be > 0",
                                code="assumption_sd", spec=label)
        return Alternative(rule, (("mean", a), ("sd", b)), label)
    if rule not in SCALED:
        raise _spec_error(kind, spec, f"{rule} takes no parameters")
    if a >= b:
        raise AnalysisError(f"normalisation {label}: the scale must be [low, high] with low < high",
                            code="assumption_scale_order", spec=label)
    return Alternative(rule, (("scale", (a, b)),), label)


def parse_treatment(spec: Any) -> Alternative:
    """An outlier-treatment alternative from a name, ``winsorise:WINMAX`` or a mapping.

    ``nominal`` (each indicator's own treatment), ``none``, ``log``, ``winsorise`` (at most 5
    points per indicator) or ``winsorise:3``; a mapping ``{"rule": "winsorise", "winmax": 3}``
    may add ``skew``, ``kurtosis`` and ``fallback`` as :class:`chiso.engine.treat.Treatment` does.

    Examples
    --------
    >>> parse_treatment("winsorise:3").label
    'winsorise:3'
    """
    kind = "treatment"
    if isinstance(spec, Alternative):
        return spec
    if isinstance(spec, Mapping):
        rule = str(spec.get("rule", ""))
        params = {k: v for k, v in spec.items() if k != "rule"}
    else:
        rule, _, arg = str(spec).strip().partition(":")
        params = {}
        if arg:
            try:
                params["winmax"] = int(arg)
            except ValueError:
                raise _spec_error(kind, spec, "expected winsorise:N with N a whole number of points") from None
    if rule not in TREATMENTS:
        raise AnalysisError(f"unknown treatment alternative {rule!r}; expected some of {', '.join(TREATMENTS)}",
                            code="invalid_assumption", kind=kind, alternatives=[str(spec)])
    if params and rule != "winsorise":
        raise _spec_error(kind, spec, f"{rule} takes no parameters")
    if "winmax" in params and (isinstance(params["winmax"], bool) or not isinstance(params["winmax"], int)
                               or params["winmax"] < 0):
        raise _spec_error(kind, spec, "winmax must be a whole number >= 0")
    label = rule + "".join(f":{params['winmax']}" for _ in [0] if "winmax" in params)
    extra = [f"{k}={v}" for k, v in sorted(params.items()) if k != "winmax"]
    if extra:
        label += "{" + ",".join(extra) + "}"
    return Alternative(rule, tuple(sorted(params.items())), label)


def _as_specs(value: Any) -> tuple[Any, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return split_specs(value)
    if isinstance(value, (Mapping, Alternative)):
        return (value,)
    return tuple(value)


@dataclass(frozen=True)
class Assumptions:
    """The uncertain modelling assumptions of an uncertainty or sensitivity analysis.

    Parameters
    ----------
    weights : float, default 0
        Relative perturbation of weights: each weight ``w`` becomes
        ``w * (1 + weights * (2u - 1))`` with ``u`` uniform, i.e. ``±weights``.
        Must be in [0, 1).
    weight_levels : tuple of int
        Depths whose nodes' weights are perturbed (1 = the root's children).
        One factor per level.
    aggregation : tuple of str
        Alternative aggregation methods (``nominal``, ``arithmetic``,
        ``geometric``, ``harmonic``), sampled uniformly; one factor.
    aggregation_levels : tuple of int or None
        Depths of the aggregating nodes the alternative applies to (0 = root);
        None: every aggregate node.
    joint_weights : bool, default False
        One factor for the weights of every level in ``weight_levels`` (COINr's
        ``Weights`` factor) instead of one factor per level.
    normalisation : tuple of str or mapping
        Alternative normalisations of the relatively scored indicators, each a
        name (``nominal``, ``minmax``, ``ratio_to_max``, ``zscore``,
        ``percentile``), a text form with parameters (``minmax[1,100]``,
        ``zscore[10,2]``) or a mapping (``{"rule": "minmax", "scale": [1, 100]}``);
        see :func:`parse_normalisation`.  A string is split at its commas.
    treatment : tuple of str or mapping
        Alternative outlier treatments of the relatively scored indicators,
        applied after imputation and before scoring (``nominal``, ``none``,
        ``log``, ``winsorise``, ``winsorise:3``...); see :func:`parse_treatment`.
    imputation : tuple of str
        Alternative treatments of missing values (``nominal``, ``mean``,
        ``median``, ``min``, ``max``, ``zero``, ``reweight``).
    geometric_floor : float, default 0.01
        A geometric (or harmonic) alternative maps each child ``x`` to
        ``eps + (1 - eps) x`` before the mean and back after it, so a child
        at 0 (the worst province under min–max) does not zero its parent;
        ``eps = 0.01`` is the [1, 100] rescaling used in composite-indicator
        practice.  Applied only to replicates whose indicator scores can reach
        0 (see :meth:`Model.needs_floor`): never under ``minmax[1,100]`` or a
        z-score.
    """

    weights: float = 0.0
    weight_levels: tuple[int, ...] = ()
    aggregation: tuple[str, ...] = ()
    aggregation_levels: tuple[int, ...] | None = None
    normalisation: tuple[Any, ...] = ()
    imputation: tuple[str, ...] = ()
    geometric_floor: float = 0.01
    treatment: tuple[Any, ...] = ()
    joint_weights: bool = False

    def __post_init__(self) -> None:
        for name in ("aggregation", "normalisation", "imputation", "treatment"):
            object.__setattr__(self, name, _as_specs(getattr(self, name)))

    def as_dict(self) -> dict[str, Any]:
        return {
            "weights": self.weights,
            "weight_levels": list(self.weight_levels),
            "joint_weights": self.joint_weights,
            "aggregation": list(self.aggregation),
            "aggregation_levels": None if self.aggregation_levels is None else list(self.aggregation_levels),
            "normalisation": [parse_normalisation(x).label for x in self.normalisation],
            "treatment": [parse_treatment(x).label for x in self.treatment],
            "imputation": list(self.imputation),
            "geometric_floor": self.geometric_floor,
        }


@dataclass(frozen=True)
class Factor:
    """One factor of the assumption space: a name and its columns of the hypercube."""

    name: str
    kind: str  # "weights" | "aggregation" | "normalisation" | "treatment" | "imputation"
    start: int
    stop: int
    nodes: tuple[int, ...] = ()
    alternatives: tuple[str, ...] = ()

    @property
    def dims(self) -> int:
        return self.stop - self.start


@dataclass
class Settings:
    """Settings of a block of replicates (what :meth:`Model.settings` returns)."""

    weight_mult: np.ndarray  # (n_reps, n_nodes)
    aggregation: np.ndarray  # (n_reps,) index into the aggregation alternatives (-1: nominal)
    normalisation: np.ndarray  # (n_reps,)
    imputation: np.ndarray  # (n_reps,)
    alternatives: dict[str, tuple[str, ...]] = field(default_factory=dict)
    treatment: np.ndarray | None = None  # (n_reps,); None: nominal


def rank_rows(scores: np.ndarray, *, decimals: int | None = None) -> np.ndarray:
    """Competition ranks ("1224") of each row, best (highest) = 1; NaN stays NaN.

    Parameters
    ----------
    scores : ndarray, shape (n_reps, n_units)

    Returns
    -------
    ndarray of float, shape (n_reps, n_units)

    Examples
    --------
    >>> rank_rows(np.array([[0.9, 0.8, 0.8, 0.7]])).tolist()
    [[1.0, 2.0, 2.0, 4.0]]
    """
    s = np.asarray(scores, dtype=float)
    if decimals is not None:
        s = np.round(s, decimals)
    nan = np.isnan(s)
    key = np.where(nan, np.inf, -s)
    order = np.argsort(key, axis=1, kind="stable")
    sk = np.take_along_axis(key, order, axis=1)
    n = s.shape[1]
    new = np.ones(sk.shape, dtype=bool)
    new[:, 1:] = sk[:, 1:] != sk[:, :-1]
    first = np.maximum.accumulate(np.where(new, np.arange(n), 0), axis=1)
    out = np.empty(s.shape)
    np.put_along_axis(out, order, (first + 1).astype(float), axis=1)
    out[nan] = np.nan
    return out


class Model:
    """A framework and a data set compiled for fast repeated evaluation.

    Parameters
    ----------
    framework : Framework
    data : mapping or array
        As for :func:`~chiso.engine.compute.compute`.
    units, codes, missing
        As for :func:`~chiso.engine.compute.compute`.
    assumptions : Assumptions, optional
        The factors of the assumption space (validated here).

    Raises
    ------
    AnalysisError
        ``assumption_unused`` when a declared assumption cannot change the
        nominal model (e.g. imputation alternatives without missing values,
        weights at a level where no node has a sibling), ``invalid_assumption``
        for unknown names or out-of-range values, ``incompatible_assumptions``
        for z-scores with a geometric or harmonic alternative.
    """

    def __init__(
        self,
        framework: Framework,
        data: Any,
        *,
        units: Sequence[str] | None = None,
        codes: Sequence[str] | None = None,
        missing: Any = None,
        assumptions: Assumptions | None = None,
    ) -> None:
        self.framework = framework
        self.result: Result = compute(framework, data, units=units, codes=codes, missing=missing)
        res = self.result
        plan = plan_of(framework)
        self.plan = plan
        self.units = res.units
        self.n_units = len(res.units)
        n_n = len(plan.codes)
        self.is_ind = np.array([n.is_indicator for n in plan.nodes])
        self.base_w = np.array([n.weight for n in plan.nodes], dtype=float)
        self.given = res.given
        self.raw = res.raw
        self.skip_nominal = res.recipe["missing"]["policy"] == "reweight"
        self.policy_method = res.recipe["missing"]["method"]
        self.depth = np.zeros(n_n, dtype=int)
        for j in range(1, n_n):
            self.depth[j] = self.depth[plan.parent[j]] + 1
        # needed[u, j]: as in compute (a node whose parent is given is not needed).
        needed = np.zeros((self.n_units, n_n), dtype=bool)
        needed[:, 0] = True
        for j in range(1, n_n):
            p = plan.parent[j]
            needed[:, j] = needed[:, p] & ~self.given[:, p] & (self.base_w[j] > 0)
        self.needed = needed
        # Aggregate nodes to compute, children before parents.
        self.agg_nodes = [
            j for j in plan.postorder
            if plan.children[j].size and np.any(needed[:, j] & ~self.given[:, j])
        ]
        self.leaf_cols = np.flatnonzero(self.is_ind & np.any(needed, axis=0))
        self.missing_cells = needed & self.is_ind[None, :] & np.isnan(self.raw)
        self._leaf_cache: dict[tuple[str, str, str], tuple[np.ndarray, bool]] = {}
        self._alts: dict[str, dict[str, Alternative]] = {"normalisation": {}, "treatment": {}}
        #: Needed indicators scored relatively: the ones a normalisation or treatment alternative changes.
        self.relative_cols = np.array([j for j in self.leaf_cols if self._rule(j) in NORMALISABLE], dtype=int)
        #: Needed indicators a treatment alternative may treat (the framework's TREATABLE rules).
        self.treatable_cols = np.array([j for j in self.leaf_cols if self._rule(j) in TREATABLE], dtype=int)
        self.assumptions = assumptions or Assumptions()
        self.factors = self._factors(self.assumptions)
        self.n_dims = self.factors[-1].stop if self.factors else 0
        self.nominal_rank = res.ranks[:, 0].copy()
        self.nominal_score = res.scores[:, 0].copy()

    # --- assumption space -------------------------------------------------------
    def _factors(self, a: Assumptions) -> list[Factor]:
        plan = self.plan
        out: list[Factor] = []
        pos = 0
        if a.weight_levels and not (0 < a.weights < 1):
            raise AnalysisError(
                f"weight perturbation must be in (0, 1) when weight levels are given; got {a.weights}",
                code="assumption_unused" if a.weights == 0 else "invalid_assumption", weights=a.weights,
            )
        if a.weights and not a.weight_levels:
            raise AnalysisError(
                f"weights ±{a.weights:g} declared but no level chosen (e.g. levels 1,2)",
                code="assumption_unused", weights=a.weights,
            )
        computed = set(self.agg_nodes)
        for lvl in a.weight_levels:
            if lvl < 1:
                raise AnalysisError(f"weight level must be >= 1 (1 = the root's children); got {lvl}",
                                    code="invalid_assumption", level=lvl)
            nodes = tuple(
                j for j in range(1, len(plan.codes))
                if self.depth[j] == lvl and plan.parent[j] in computed
                and np.count_nonzero(self.base_w[plan.children[plan.parent[j]]] > 0) >= 2 and self.base_w[j] > 0
            )
            if not nodes:
                raise AnalysisError(
                    f"weights at level {lvl} are declared uncertain, but no node at that level has a "
                    "weighted sibling in a computed aggregation: the assumption would change nothing",
                    code="assumption_unused", level=lvl,
                )
            out.append(Factor(f"weights@{lvl}", "weights", pos, pos + len(nodes), nodes))
            pos += len(nodes)
        if a.joint_weights and len(out) > 1:
            nodes = tuple(j for f in out for j in f.nodes)
            out = [Factor("weights@" + "+".join(map(str, a.weight_levels)), "weights", 0, pos, nodes)]
        if a.aggregation:
            alts = self._check_alts("aggregation", a.aggregation, AGGREGATIONS)
            levels = a.aggregation_levels
            nodes = tuple(j for j in self.agg_nodes
                          if (levels is None or self.depth[j] in levels) and plan.children[j].size >= 2)
            methods = {tuple(self._agg_method(j, alt) for j in nodes) for alt in alts}
            if not nodes or len(methods) < 2:
                raise AnalysisError(
                    "aggregation alternatives " + ", ".join(alts) + " are declared, but they give the same "
                    "method for every computed aggregate node" + ("" if nodes else " (no such node at the chosen levels)"),
                    code="assumption_unused", alternatives=list(alts),
                )
            out.append(Factor("aggregation", "aggregation", pos, pos + 1, nodes, alts))
            pos += 1
        if a.treatment:
            out.append(self._treatment_factor(a.treatment, pos))
            pos += 1
        if a.normalisation:
            out.append(self._normalisation_factor(a, pos))
            pos += 1
        if a.imputation:
            alts = self._check_alts("imputation", a.imputation, IMPUTATIONS)
            if not np.any(self.missing_cells):
                raise AnalysisError(
                    "imputation alternatives " + ", ".join(alts) + " are declared, but no needed value is "
                    "missing: the assumption would change nothing",
                    code="assumption_unused", alternatives=list(alts),
                )
            out.append(Factor("imputation", "imputation", pos, pos + 1, (), alts))
            pos += 1
        if not 0 < a.geometric_floor < 1:
            raise AnalysisError(f"geometric_floor must be in (0, 1); got {a.geometric_floor}",
                                code="invalid_assumption")
        return out

    def _normalisation_factor(self, a: Assumptions, pos: int) -> Factor:
        parsed = [parse_normalisation(x) for x in a.normalisation]
        alts = self._check_alts("normalisation", [p.label for p in parsed], None)
        self._alts["normalisation"] = {p.label: p for p in parsed}
        if not self.relative_cols.size or all(
            len({self._rule(j) if p.rule == "nominal" else p.label for p in parsed}) < 2
            for j in self.relative_cols
        ):
            raise AnalysisError(
                "normalisation alternatives " + ", ".join(alts) + " are declared, but no needed indicator "
                "is scored relatively (min–max, ratio to max, z-score, percentile, goalposts) or the "
                "alternatives equal its rule",
                code="assumption_unused", alternatives=list(alts),
            )
        geo = set(a.aggregation) & {"geometric", "harmonic"}
        for p in parsed:
            if p.rule == "zscore" and geo:
                self._check_positive(p, geo)
        return Factor("normalisation", "normalisation", pos, pos + 1, (), alts)

    def _check_positive(self, alt: Alternative, geo: set[str]) -> None:
        """A z-score alternative with a geometric/harmonic one: allowed when the nominal data give
        positive scores (a shifted z-score such as ``zscore[10,2]``); a replicate that meets a score
        <= 0 stops with ``aggregation_domain`` naming the node."""
        leaf, _ = self._leaf_scores(alt.label, "nominal", "nominal")
        block = leaf[:, self.relative_cols]
        bad = np.argwhere(block <= 0)
        if bad.size:
            i, k = bad[0]
            code = self.plan.codes[self.relative_cols[k]]
            raise AnalysisError(
                f"{alt.label} gives {self.units[i]!r} a score of {block[i, k]:.3g} <= 0 on {code!r} (and "
                f"{len(bad) - 1} more), so it cannot be combined with a {'/'.join(sorted(geo))} aggregation "
                "alternative; shift the z-scores (e.g. zscore[10,2]) or drop one of them",
                code="incompatible_assumptions", node=code,
            )

    def _treatment_factor(self, specs: Sequence[Any], pos: int) -> Factor:
        parsed = [parse_treatment(x) for x in specs]
        alts = self._check_alts("treatment", [p.label for p in parsed], None)
        self._alts["treatment"] = {p.label: p for p in parsed}
        cols = self.treatable_cols
        treated = [self._treated(self.result.imputed, p.label, imputation="nominal")[:, cols] for p in parsed]
        if not cols.size or all(np.array_equal(treated[0], t, equal_nan=True) for t in treated[1:]):
            raise AnalysisError(
                "treatment alternatives " + ", ".join(alts) + " are declared, but they give the same values "
                "for every treatable indicator (no indicator fails the skew and kurtosis test, or none is "
                "scored by min–max, z-score or ratio to max): the assumption would change nothing",
                code="assumption_unused", alternatives=list(alts),
            )
        return Factor("treatment", "treatment", pos, pos + 1, (), alts)

    @staticmethod
    def _check_alts(kind: str, alts: Sequence[str], allowed: Sequence[str] | None) -> tuple[str, ...]:
        alts = tuple(str(x).strip() for x in alts)
        bad = [x for x in alts if allowed is not None and x not in allowed]
        if bad and allowed is not None:
            raise AnalysisError(
                f"unknown {kind} alternative(s) {', '.join(map(repr, bad))}; expected some of {', '.join(allowed)}",
                code="invalid_assumption", kind=kind, alternatives=bad,
            )
        if len(set(alts)) < 2:
            raise AnalysisError(
                f"{kind}: give at least two different alternatives to sample from; got {', '.join(alts)}",
                code="assumption_unused", kind=kind,
            )
        return alts

    def _rule(self, j: int | np.integer[Any]) -> str:
        s = self.plan.nodes[j].scoring
        return s.rule if s is not None else "given"

    def _agg_method(self, j: int, alt: str) -> str:
        nominal = self.plan.nodes[j].method or "weighted_mean"
        if alt == "nominal":
            return nominal
        if alt == "arithmetic":
            return nominal if nominal in LINEAR else "weighted_mean"
        return alt

    def settings(self, u: np.ndarray | None, n_reps: int | None = None) -> Settings:
        """Map points of the unit hypercube to settings.

        Parameters
        ----------
        u : ndarray, shape (n_reps, n_dims), or None for the nominal settings
        n_reps : int
            Number of nominal replicates when ``u`` is None.
        """
        n_n = len(self.plan.codes)
        if u is None:
            r = int(n_reps or 1)
            return Settings(np.ones((r, n_n)), np.full(r, -1), np.full(r, -1), np.full(r, -1), {}, np.full(r, -1))
        u = np.asarray(u, dtype=float)
        if u.ndim != 2 or u.shape[1] != self.n_dims:
            raise AnalysisError(f"samples must have shape (n, {self.n_dims}); got {u.shape}", code="input_shape")
        r = u.shape[0]
        wm = np.ones((r, n_n))
        choice = {k: np.full(r, -1) for k in ("aggregation", "normalisation", "imputation", "treatment")}
        alts: dict[str, tuple[str, ...]] = {}
        for f in self.factors:
            block = u[:, f.start:f.stop]
            if f.kind == "weights":
                wm[:, list(f.nodes)] = 1.0 + self.assumptions.weights * (2.0 * block - 1.0)
            else:
                k = len(f.alternatives)
                choice[f.kind] = np.minimum((block[:, 0] * k).astype(int), k - 1)
                alts[f.kind] = f.alternatives
        return Settings(wm, choice["aggregation"], choice["normalisation"], choice["imputation"], alts,
                        choice["treatment"])

    # --- evaluation -----------------------------------------------------------------
    def _imputed(self, imp: str) -> np.ndarray:
        """Raw values with the missing needed cells filled by ``imp`` (``nominal``: as compute did)."""
        if imp == "nominal":
            return self.result.imputed
        x_all = self.raw.copy()
        if imp == "reweight":
            return x_all
        fillers: dict[str, Callable[[np.ndarray], Any]] = {
            "mean": np.mean, "median": np.median, "min": np.min, "max": np.max, "zero": lambda p: 0.0,
        }
        for j in np.flatnonzero(np.any(self.missing_cells, axis=0)):
            present = self.raw[~np.isnan(self.raw[:, j]), j]
            if present.size == 0 and imp != "zero":
                raise AnalysisError(
                    f"cannot impute {self.plan.codes[j]!r} by {imp}: no unit has a value",
                    code="impute_no_data", node=self.plan.codes[j],
                )
            x_all[self.missing_cells[:, j], j] = fillers[imp](present)
        return x_all

    def _treated(self, x_all: np.ndarray, treat: str, *, imputation: str) -> np.ndarray:
        """Imputed values after the outlier treatment ``treat``.

        ``nominal`` is each indicator's own treatment (as compute applies it).  Another alternative
        replaces it on the indicators the framework lets a treatment touch (``TREATABLE``: min–max
        and z-score; ratio to max is winsorised but never logged, so its fallback becomes ``none``);
        the ministry's step tables, capped ratios, yes/no answers, goalposts and percentiles are
        never treated.
        """
        treated_nominal = getattr(self.result, "treated", None)
        if treat == "nominal" and (treated_nominal is None or imputation == "nominal"):
            return x_all if treated_nominal is None else treated_nominal
        out = x_all.copy()
        if treat == "nominal":
            for j in self.leaf_cols:
                t = self.plan.nodes[j].treatment
                if t is not None:
                    out[:, j] = treat_column(x_all[:, j], t)[0]
            return out
        alt = self._alts["treatment"][treat]
        if alt.rule == "none":
            return x_all
        p = alt.param_dict()
        # winsorise:0 (COINr's winmax 0): no point moved, only the fallback; Treatment.parse wants >= 1.
        parsed = Treatment.parse({"rule": alt.rule, **p, **({"winmax": 1} if p.get("winmax") == 0 else {})})
        assert parsed is not None
        t = replace(parsed, winmax=0) if p.get("winmax") == 0 else parsed
        for j in self.treatable_cols:
            allowed = TREATABLE[self._rule(j)]
            if t.rule not in allowed:
                continue
            tj = t if t.fallback in allowed or t.fallback == "none" else replace(t, fallback="none")
            out[:, j] = treat_column(x_all[:, j], tj)[0]
        return out

    def _leaf_scores(self, norm: str, imp: str, treat: str = "nominal") -> tuple[np.ndarray, bool]:
        """Indicator scores (n_units, n_nodes) for one (normalisation, imputation, treatment), cached."""
        key = (norm, imp, treat)
        hit = self._leaf_cache.get(key)
        if hit is not None:
            return hit
        skip = self.skip_nominal if imp == "nominal" else imp == "reweight"
        x_all = self._treated(self._imputed(imp), treat, imputation=imp)
        alt = self._alts["normalisation"].get(norm)
        out = np.full((self.n_units, len(self.plan.codes)), np.nan)
        for j in self.leaf_cols:
            node = self.plan.nodes[j]
            rule = self._rule(j)
            x = x_all[:, j]
            if self.given[:, j].any() and rule == "given":
                out[:, j] = self.raw[:, j]
                continue
            if np.all(np.isnan(x)):
                continue
            if alt is not None and alt.rule != "nominal" and rule in NORMALISABLE:
                out[:, j] = sc.apply_rule(alt.rule, x, params=alt.param_dict(), direction=node.direction)
            else:
                out[:, j] = _score(node, rule, x)
        hit = (out, skip)
        self._leaf_cache[key] = hit
        return hit

    def needs_floor(self, norm: str) -> bool:
        """Whether a geometric/harmonic alternative shifts the children by ``geometric_floor`` under
        normalisation ``norm``: only when the indicator scores' scale reaches 0 — the nominal rules and
        ``minmax``/``ratio_to_max``/``percentile`` on [0, 1] do; a scale starting above 0
        (``minmax[1,100]``) or a z-score does not, unless some needed indicator keeps a rule of its own
        (on [0, 1])."""
        alt = self._alts["normalisation"].get(norm)
        if alt is None or alt.rule == "nominal" or self.relative_cols.size < self.leaf_cols.size:
            return True
        if alt.rule == "zscore":
            return False
        return float(alt.param_dict().get("scale", (0.0, 1.0))[0]) <= 0

    def evaluate(self, settings: Settings, *, chunk: int | None = None, memory_budget: int = 64 << 20,
                 progress: Callable[[int, int], None] | None = None) -> np.ndarray:
        """Root scores of a block of replicates.

        Parameters
        ----------
        settings : Settings
            From :meth:`settings`; ``n_reps`` replicates.
        chunk : int, optional
            Replicates per block; by default as many as fit ``memory_budget``.
        memory_budget : int, default 64 MiB
            Bytes allowed for the temporary arrays of one block.

        Returns
        -------
        ndarray, shape (n_reps, n_units)
        """
        r = settings.weight_mult.shape[0]
        out = np.empty((r, self.n_units))
        if chunk is None:
            chunk = self.chunk_size(memory_budget)
        alts = settings.alternatives
        treat_choice = settings.treatment if settings.treatment is not None else np.full(r, -1)
        combo = np.stack([settings.imputation, settings.normalisation, settings.aggregation, treat_choice], axis=1)
        keys, inverse = np.unique(combo, axis=0, return_inverse=True)
        inverse = inverse.ravel()
        done = 0
        agg_nodes = set(self._agg_factor_nodes())
        for g, (ii, ni, ai, ti) in enumerate(keys):
            rows = np.flatnonzero(inverse == g)
            imp = "nominal" if ii < 0 else alts["imputation"][ii]
            norm = "nominal" if ni < 0 else alts["normalisation"][ni]
            agg = "nominal" if ai < 0 else alts["aggregation"][ai]
            treat = "nominal" if ti < 0 else alts["treatment"][ti]
            leaf, skip = self._leaf_scores(norm, imp, treat)
            floor = self.needs_floor(norm)
            for s in range(0, rows.size, chunk):
                sel = rows[s:s + chunk]
                out[sel] = self._aggregate(leaf, settings.weight_mult[sel], agg, agg_nodes, skip, floor)
                done += sel.size
                if progress is not None:
                    progress(done, r)
        return out

    def _agg_factor_nodes(self) -> tuple[int, ...]:
        for f in self.factors:
            if f.kind == "aggregation":
                return f.nodes
        return ()

    def chunk_size(self, memory_budget: int = 64 << 20) -> int:
        widest = max((self.plan.children[j].size for j in self.agg_nodes), default=1)
        per_rep = 8 * self.n_units * (len(self.agg_nodes) + 4 * widest + 4)
        return int(max(1, min(1 << 16, memory_budget // per_rep)))

    def _aggregate(self, leaf: np.ndarray, wm: np.ndarray, agg: str, agg_nodes: set[int], skip: bool,
                   floor: bool = True) -> np.ndarray:
        plan = self.plan
        r = wm.shape[0]
        eps = self.assumptions.geometric_floor
        vals: dict[int, np.ndarray] = {}
        for j in self.agg_nodes:
            kids = plan.children[j]
            method = self._agg_method(j, agg) if j in agg_nodes else (plan.nodes[j].method or "weighted_mean")
            shifted = floor and method in ("geometric", "harmonic") and j in agg_nodes and agg != "nominal"
            parts = [vals[k] if k in vals else np.broadcast_to(leaf[:, k], (1, self.n_units)) for k in kids]
            if all(p.shape[0] == 1 for p in parts):
                x = leaf[:, kids][None, :, :] if all(k not in vals for k in kids) else np.stack(parts, axis=-1)
            else:
                x = np.stack([np.broadcast_to(p, (r, self.n_units)) for p in parts], axis=-1)
            w = self.base_w[kids][None, :] * wm[:, kids]  # (r, k)
            val = _agg(x, w, method, skip=skip, shift=eps if shifted else None, code=plan.codes[j])
            if np.any(self.given[:, j]):
                val = np.where(self.given[:, j][None, :], self.raw[:, j][None, :], val)
            vals[j] = val
        root = vals.get(0)
        if root is None:  # the root itself is given (or an indicator)
            base = self.raw[:, 0] if self.given[:, 0].any() else leaf[:, 0]
            root = np.broadcast_to(base, (r, self.n_units))
        return np.broadcast_to(root, (r, self.n_units))

    def ranks(self, scores: np.ndarray) -> np.ndarray:
        """Competition ranks of root scores (n_reps, n_units), rounded as the framework ranks."""
        return rank_rows(scores, decimals=self.framework.rank_decimals)

    def unit_index(self, unit: str) -> int:
        try:
            return self.units.index(unit)
        except ValueError:
            near = [u for u in self.units if unit.lower() in u.lower()][:5]
            raise AnalysisError(
                f"unknown unit {unit!r}" + (f"; did you mean {', '.join(near)}?" if near else
                                            f"; the data has {len(self.units)} units"),
                code="unknown_unit", unit=unit,
            ) from None


def _score(node: Any, rule: str, x: np.ndarray) -> np.ndarray:
    s = node.scoring
    return sc.apply_rule(rule, x, params=s.params if s is not None else None, direction=node.direction)


def _agg(x: np.ndarray, w: np.ndarray, method: str, *, skip: bool, shift: float | None, code: str) -> np.ndarray:
    """Aggregate children ``x`` (1 or r, n_units, k) with weights ``w`` (r, k) -> (r, n_units)."""
    nan = np.isnan(x)
    has_nan = bool(nan.any())
    wcol = w[:, :, None]  # (r, k, 1) for matmul
    if has_nan:
        avail = (~nan).astype(float)
        xz = np.where(nan, 0.0, x)
        den = (avail @ wcol)[..., 0]
    else:
        xz = x
        den = np.broadcast_to(w.sum(axis=1)[:, None], (w.shape[0], x.shape[1]))
    with np.errstate(all="ignore"):
        if method in LINEAR:
            out = (xz @ wcol)[..., 0] / den
            if method in SUMS:
                out = out * w.sum(axis=1)[:, None]
        elif method == "geometric":
            y = xz if shift is None else shift + (1.0 - shift) * xz
            if np.any((y <= 0) & ~nan):
                raise AnalysisError(
                    f"node {code!r}: the geometric mean needs values > 0 under this scenario",
                    code="aggregation_domain", node=code,
                )
            out = np.exp((np.log(np.where(nan, 1.0, y)) @ wcol)[..., 0] / den)
            if shift is not None:
                out = (out - shift) / (1.0 - shift)
        elif method == "harmonic":
            y = xz if shift is None else shift + (1.0 - shift) * xz
            if np.any((y <= 0) & ~nan):
                raise AnalysisError(
                    f"node {code!r}: the harmonic mean needs values > 0 under this scenario",
                    code="aggregation_domain", node=code,
                )
            out = den / ((np.where(nan, 0.0, 1.0 / np.where(nan, 1.0, y))) @ wcol)[..., 0]
            if shift is not None:
                out = (out - shift) / (1.0 - shift)
        else:  # pragma: no cover - framework validation forbids it
            raise AnalysisError(f"unknown aggregation {method!r}", code="unknown_method")
    if has_nan:
        if skip:
            out = np.where(den > 0, out, np.nan)
        else:
            out = np.where((nan.astype(float) @ wcol)[..., 0] > 0, np.nan, out)
    return out


def check_n(n: int, *, what: str = "N") -> int:
    """Validate a replicate count (an int > 0)."""
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n <= 0:
        raise AnalysisError(f"{what} must be a positive integer; got {n!r}", code="n_nonpositive", n=str(n))
    return int(n)


def mapping_or_table(data: Any) -> Mapping | Any:
    return data
