"""Frameworks as data: the tree of an index edition.

A framework is a tree ``index -> pillars/components -> indicators``.  Every
aggregate node names its own aggregation method and its children's weights or
maximum points (per node, not per level).  Every leaf is an *indicator* with a
scoring rule that maps a raw value to a score in [0, 1].

The engine builds a :class:`Framework` from a plain ``dict`` (what a YAML file
parses to) with :meth:`Framework.from_dict`; reading the YAML file itself is
done by :mod:`chiso.frameworks`, so the engine imports only the standard
library, numpy and scipy.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any, TypeGuard

from .errors import FrameworkError, Problem
from .errors import add_problem as _problem
from .treat import Treatment

AGG_METHODS = (
    "weighted_mean",  # sum(w x) / sum(w)            -> same scale as children
    "weighted_sum",  # sum(w x)                      -> e.g. points
    "points_ratio",  # sum(max x) / sum(max)         -> 0..1 (DTI main index -> DTI)
    "points_sum",  # sum(max x)                      -> points 0..sum(max)
    "geometric",  # prod(x ** (w / sum w))
    "harmonic",  # sum(w) / sum(w / x)
)
SCORING_RULES = (
    "given",  # the raw value already is the score (a published sub-index, 0..1)
    "minmax",  # LO + (HI - LO) (x - min) / (max - min) over the units present, scale [LO, HI] = [0, 1]
    "ratio_to_max",  # x / max over the units present
    "goalposts",  # (x - lo) / (hi - lo), clipped to [0, 1], lo/hi fixed
    "zscore",  # M + S (x - mean) / std over the units present (unbounded), mean M = 0, sd S = 1
    "percentile",  # (competition rank among units - 1) / (n - 1), best = 1
    "threshold",  # step table: score of the highest threshold reached
    "ratio_capped",  # min(x / target, 1)
    "yes_no",  # 0 or 1
    "partial",  # categorical level -> partial credit
)
#: The parameters each scoring rule accepts; any other key is refused (``framework.unknown_param``).
RULE_PARAMS: dict[str, tuple[str, ...]] = {
    "given": (),
    "minmax": ("scale",),
    "ratio_to_max": ("scale",),
    "goalposts": ("lo", "hi", "scale"),
    "zscore": ("mean", "sd"),
    "percentile": ("scale",),
    "threshold": ("steps", "points"),
    "ratio_capped": ("target",),
    "yes_no": (),
    "partial": ("levels",),
}
#: Rules whose [0, 1] score is mapped onto ``scale: [LO, HI]``.
SCALED_RULES = ("minmax", "ratio_to_max", "goalposts", "percentile")
#: Rules a framework-level ``treatment:`` applies to: shift- and scale-free, so a treated (even
#: log-transformed) value means as much to them as the raw one.
TREATED_BY_DEFAULT = ("minmax", "zscore")
#: Rules an indicator's own ``treatment:`` may name, with the treatment rules and fallbacks allowed:
#: a ratio to the maximum keeps its meaning under winsorising but not under a log (the ministry's own
#: rules and the rank-based percentile are never treated).
TREATABLE: dict[str, tuple[str, ...]] = {"minmax": ("log", "winsorise"), "zscore": ("log", "winsorise"),
                                         "ratio_to_max": ("winsorise",)}
MISSING_POLICIES = ("error", "reweight", "impute")
IMPUTE_METHODS = ("mean", "median", "min", "max", "zero")
STATUSES = ("official", "provisional", "template")  # template: a model for a province to adapt
ROLE_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789_")


@dataclass(frozen=True)
class Assignment:
    """Who answers for a node: the lead ("chủ trì") and supporting ("phối hợp") agency *roles*.

    Roles are codes such as ``so_khcn`` or ``ubnd_xa``; which agency type holds a role on a date is
    reference data outside the engine (``chiso.reference`` ``agency_roles.csv``).  ``basis`` names the
    text that makes the assignment; ``proposal`` is true when no published text does and the
    assignment is chiso's proposal for the department to confirm.
    """

    lead: tuple[str, ...] = ()
    support: tuple[str, ...] = ()
    basis: str = ""
    proposal: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {"lead": list(self.lead), "support": list(self.support), "basis": self.basis,
                "proposal": self.proposal}  # fmt: skip


@dataclass(frozen=True)
class Scoring:
    """How an indicator's raw value becomes a score in [0, 1].

    ``params`` holds the rule's parameters: ``lo``/``hi`` for goalposts,
    ``steps`` (list of ``[threshold, score]``) for threshold, ``target`` for
    ratio_capped, ``levels`` (``{level: credit}``) for partial.
    """

    rule: str
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def scale(self) -> tuple[float, float]:
        """``(LO, HI)`` of a scaled rule's scores (``scale:``, default ``(0, 1)``)."""
        lo, hi = self.params.get("scale", (0.0, 1.0))
        return float(lo), float(hi)


@dataclass(frozen=True)
class Node:
    """One node of a framework tree.

    Attributes
    ----------
    code : str
        Unique code within the framework (used as CSV column name).
    name : dict
        ``{"vi": ..., "en": ...}``.
    children : tuple of Node
        Empty for an indicator.
    method : str or None
        Aggregation method of an aggregate node (one of ``AGG_METHODS``).
    weight : float
        Weight of this node in its parent's aggregation (``max_points`` for
        points-based parents).
    max_points : float or None
        Maximum points of this node in a points-based parent.
    scoring : Scoring or None
        Scoring rule of an indicator.
    direction : int
        +1 when more is better, -1 when less is better.
    value_range : (lo, hi)
        Admissible range of a value given for this node (raw value for an
        indicator, score for an aggregate node).  ``None`` bounds are open.
    responsibility : Assignment or None
        Lead and supporting agency roles set on this node (``agency_role: x`` is
        shorthand for ``responsibility: {lead: [x]}``); descendants inherit it,
        see :meth:`Framework.assignment`.
    treatment : Treatment or None
        The outlier treatment of an indicator: its own ``treatment:``, else the
        framework's default when its rule is one of ``TREATED_BY_DEFAULT``.
    normalise : bool
        The children's weights are relative shares (``normalise: true``): no
        warning when they do not sum to 1.
    """

    code: str
    name: dict[str, str]
    children: tuple[Node, ...] = ()
    method: str | None = None
    weight: float = 1.0
    max_points: float | None = None
    scoring: Scoring | None = None
    direction: int = 1
    unit: str = ""
    value_range: tuple[float | None, float | None] = (None, None)
    agency_role: str = ""
    source: str = ""
    definition: dict[str, str] = field(default_factory=dict)
    status: str = ""
    scored: bool = True
    extra: dict[str, Any] = field(default_factory=dict)
    responsibility: Assignment | None = None
    treatment: Treatment | None = None
    normalise: bool = False

    @property
    def is_indicator(self) -> bool:
        return not self.children

    def label(self, lang: str = "vi") -> str:
        return self.name.get(lang) or self.name.get("vi") or self.name.get("en") or self.code

    @property
    def score_range(self) -> tuple[float | None, float | None]:
        """Range of this node's *score* (what it contributes to its parent)."""
        if self.is_indicator:
            if self.scoring is not None and self.scoring.rule == "zscore":
                return (None, None)
            if self.scoring is not None and self.scoring.rule == "given":
                return self.value_range
            if self.scoring is not None and self.scoring.rule in SCALED_RULES:
                return self.scoring.scale
            return (0.0, 1.0)
        if self.method in ("points_sum",):
            return (0.0, float(sum(c.max_points or 0.0 for c in self.children)))
        if self.method == "weighted_sum":
            his = [c.score_range[1] for c in self.children]
            known = [h for h in his if h is not None]
            if len(known) < len(his):
                return (None, None)
            return (0.0, float(sum(c.weight * h for c, h in zip(self.children, known))))
        if self.method in ("points_ratio",):
            return (0.0, 1.0)
        los = [c.score_range[0] for c in self.children]
        his = [c.score_range[1] for c in self.children]
        known_lo = [x for x in los if x is not None]
        known_hi = [x for x in his if x is not None]
        lo = None if len(known_lo) < len(los) else min(known_lo)
        hi = None if len(known_hi) < len(his) else max(known_hi)
        return (lo, hi)


@dataclass(frozen=True)
class MissingPolicy:
    """What to do with a missing value: ``error``, ``reweight`` or ``impute`` (with ``method``)."""

    policy: str = "error"
    method: str = "mean"

    @classmethod
    def parse(cls, spec: Any, *, where: str = "missing") -> MissingPolicy:
        if spec is None:
            return cls()
        if isinstance(spec, MissingPolicy):
            return spec
        if isinstance(spec, str):
            # "impute:median" shorthand
            policy, _, method = spec.partition(":")
            spec = {"policy": policy, "method": method or "mean"}
        if not isinstance(spec, dict):
            raise FrameworkError(f"{where}: expected a policy name or a mapping, got {spec!r}", code="missing_policy")
        policy = spec.get("policy", "error")
        method = spec.get("method", "mean")
        if policy not in MISSING_POLICIES:
            raise FrameworkError(
                f"{where}: unknown missing-data policy {policy!r}; expected one of {', '.join(MISSING_POLICIES)}",
                code="missing_policy",
                policy=policy,
            )
        if policy == "impute" and method not in IMPUTE_METHODS:
            raise FrameworkError(
                f"{where}: unknown imputation method {method!r}; expected one of {', '.join(IMPUTE_METHODS)}",
                code="impute_method",
                method=method,
            )
        return cls(policy=policy, method=method)


@dataclass(frozen=True)
class Framework:
    """An index edition: metadata plus the root :class:`Node`.

    Use :meth:`from_dict` to build and validate one; ``nodes`` lists every
    node in pre-order (root first) and ``index`` maps code -> position.
    ``treatment`` is the file's default outlier treatment (None: none);
    ``warnings`` lists what is allowed but probably a mistake (weights that do
    not sum to 1), as problems with codes, never an error.
    """

    id: str
    name: dict[str, str]
    edition: int
    level: str
    status: str
    root: Node
    legal_basis: tuple[dict[str, Any], ...] = ()
    sources: tuple[dict[str, Any], ...] = ()
    missing: MissingPolicy = MissingPolicy()
    rank_decimals: int | None = None
    merge_depth: int = 1
    notes: str = ""
    path: str = ""
    extra: dict[str, Any] = field(default_factory=dict)
    treatment: Treatment | None = None
    warnings: tuple[Problem, ...] = ()

    @property
    def kind(self) -> str:
        """``index`` (a ministry's index, ranked across provinces) or ``internal`` (a province's
        points-based index of its own units: see :mod:`chiso.engine.points`)."""
        return str(self.extra.get("kind", "index"))

    # --- derived structure (computed once: a Framework is immutable) ---------
    @cached_property
    def nodes(self) -> tuple[Node, ...]:
        out: list[Node] = []
        stack = [self.root]
        while stack:
            n = stack.pop()
            out.append(n)
            stack.extend(reversed(n.children))
        return tuple(out)

    @cached_property
    def codes(self) -> tuple[str, ...]:
        return tuple(n.code for n in self.nodes)

    @cached_property
    def indicators(self) -> tuple[Node, ...]:
        return tuple(n for n in self.nodes if n.is_indicator)

    @cached_property
    def _by_code(self) -> dict[str, Node]:
        return {n.code: n for n in self.nodes}

    def node(self, code: str) -> Node:
        if code in self._by_code:
            return self._by_code[code]
        raise FrameworkError(
            f"Framework {self.id!r} has no node {code!r}", code="unknown_node", framework=self.id, node=code
        )

    @cached_property
    def _parent_map(self) -> dict[str, str | None]:
        out: dict[str, str | None] = {self.root.code: None}
        for n in self.nodes:
            for c in n.children:
                out[c.code] = n.code
        return out

    def parents(self) -> dict[str, str | None]:
        """Node code -> its parent's code (None for the root)."""
        return dict(self._parent_map)

    def depth(self, code: str) -> int:
        par = self._parent_map
        d = 0
        while par[code] is not None:
            code = par[code]  # type: ignore[assignment]
            d += 1
        return d

    def ancestors(self, code: str) -> list[str]:
        par = self._parent_map
        out = []
        while par.get(code) is not None:
            code = par[code]  # type: ignore[assignment]
            out.append(code)
        return out

    def assignment(self, code: str) -> tuple[Assignment | None, str | None]:
        """The responsibility that holds for ``code``: its own or its nearest ancestor's, with the code
        of the node that sets it (``(None, None)`` when no node on the way to the root sets one)."""
        for c in [code, *self.ancestors(code)]:
            a = self.node(c).responsibility
            if a is not None:
                return a, c
        return None, None

    def label(self, lang: str = "vi") -> str:
        return self.name.get(lang) or self.name.get("vi") or self.id

    # --- construction ------------------------------------------------------
    @classmethod
    def from_dict(cls, data: dict[str, Any], *, path: str = "") -> Framework:
        """Build and validate a framework from its parsed YAML mapping.

        Raises
        ------
        FrameworkError
            Listing *every* problem found (unknown method, unknown child,
            duplicate code, cycle, negative weight, bad scoring parameters...),
            each prefixed with the file and the node code.
        """
        if not isinstance(data, dict):
            where = path or "<framework>"
            raise FrameworkError(f"{where}: a framework must be a mapping, got {type(data).__name__}")
        where = path or str(data.get("id", "<framework>"))
        _check_required_keys(data, where=where, path=path)
        _check_top_level_types(data, where=where, path=path)
        problems: list[Problem] = []
        status = data.get("status", "provisional")
        if status not in STATUSES:
            _problem(problems, "framework.bad_status", f"status must be one of {STATUSES}, got {status!r}",
                     status=str(status), expected=", ".join(STATUSES))
        treatment = _default_treatment(data, where=where, problems=problems)
        builder = _NodeBuilder(_node_table(data, problems), problems, internal=data.get("kind") == "internal",
                               treatment=treatment)
        root = builder.build(data["root"], (), None)
        builder.check_unreachable()
        missing = _missing_policy(data, where=where, problems=problems)
        rank_decimals = data.get("rank_decimals")
        if rank_decimals is not None and (not isinstance(rank_decimals, int) or rank_decimals < 0):
            _problem(problems, "framework.bad_rank_decimals",
                     f"rank_decimals must be a non-negative integer, got {rank_decimals!r}", got=repr(rank_decimals))
        if problems or root is None:
            raise FrameworkError(
                f"{where}: invalid framework: " + "; ".join(map(str, problems)),
                code="framework_invalid",
                file=path,
                problems=problems,
            )
        name = data["name"]
        if isinstance(name, str):
            name = {"vi": name}
        return cls(
            id=str(data["id"]),
            name={str(k): str(v) for k, v in name.items()},
            edition=int(data["edition"]),
            level=str(data.get("level", "province")),
            status=status,
            root=root,
            legal_basis=tuple(data.get("legal_basis") or ()),
            sources=tuple(data.get("sources") or ()),
            missing=missing,
            rank_decimals=rank_decimals,
            merge_depth=int(data.get("merge_depth", 1)),
            notes=str(data.get("notes", "")),
            path=path,
            extra={k: v for k, v in data.items() if k not in _KNOWN_TOP},
            treatment=treatment,
            warnings=tuple(builder.warnings),
        )


#: Top-level keys of a framework file; any other key is kept in ``Framework.extra``.
_KNOWN_TOP = {
    "id", "name", "edition", "level", "status", "root", "nodes", "legal_basis", "sources", "missing",
    "rank_decimals", "merge_depth", "notes", "treatment",
}
#: Keys of a node; any other key is kept in ``Node.extra``.
_KNOWN_NODE = {
    "code", "name", "children", "method", "weight", "max_points", "scoring", "direction", "unit",
    "range", "agency_role", "source", "definition", "status", "scored", "responsibility", "treatment",
    "normalise",
}


def _check_required_keys(data: dict[str, Any], *, where: str, path: str) -> None:
    """``id``, ``name``, ``edition`` and ``root`` must be there: one ``framework_invalid`` error naming
    every one that is not."""
    problems: list[Problem] = []
    for key in ("id", "name", "edition", "root"):
        if key not in data:
            _problem(problems, "framework.missing_key", f"missing top-level key {key!r}", key=key)
    if problems:
        raise FrameworkError(f"{where}: " + "; ".join(map(str, problems)), code="framework_invalid", file=path,
                             problems=problems)


def _node_table(data: dict[str, Any], problems: list[Problem]) -> dict[str, dict[str, Any]]:
    """The top-level ``nodes:`` table, code -> node mapping, against which ``children: [code, ...]``
    references resolve (nodes may also be written inline); entries without a code or twice are problems."""
    table: dict[str, dict[str, Any]] = {}
    for raw in data.get("nodes", []) or []:
        if not isinstance(raw, dict) or "code" not in raw:
            _problem(problems, "framework.table_entry_no_code", f"nodes: every entry needs a 'code', got {raw!r}",
                     got=repr(raw))
            continue
        if raw["code"] in table:
            _problem(problems, "framework.table_duplicate_code", f"nodes: duplicate code {raw['code']!r}",
                     node=str(raw["code"]))
        table[raw["code"]] = raw
    return table


def _missing_policy(data: dict[str, Any], *, where: str, problems: list[Problem]) -> MissingPolicy:
    """The framework's ``missing:`` policy; an invalid one adds its problems and gives the default."""
    try:
        return MissingPolicy.parse(data.get("missing"), where=f"{where}: missing")
    except FrameworkError as e:
        problems.extend(replace(q, detail=str(e).split(": ", 1)[-1]) for q in e.problems)
        return MissingPolicy()


def _default_treatment(data: dict[str, Any], *, where: str, problems: list[Problem]) -> Treatment | None:
    """The framework's default ``treatment:`` (None when absent or ``none``); an invalid one adds its
    problems."""
    try:
        return Treatment.parse(data.get("treatment"), where=f"{where}: treatment")
    except FrameworkError as e:
        problems.extend(e.problems)
        return None


class _NodeBuilder:
    """Builds the node tree of one framework, adding every problem it finds to ``problems``.

    ``build`` is the driver; each step reads one part of a node's mapping and checks it."""

    def __init__(self, table: dict[str, dict[str, Any]], problems: list[Problem], *, internal: bool,
                 treatment: Treatment | None = None) -> None:
        self.table = table
        self.problems = problems
        self.internal = internal
        self.treatment = treatment
        self.seen: set[str] = set()
        self.warnings: list[Problem] = []

    def build(self, raw: Any, trail: tuple[str, ...], parent_method: str | None) -> Node | None:
        """The node written by ``raw`` (a mapping, or a code of the node table) under the path ``trail``,
        or None when it cannot be built (the problem is recorded)."""
        parent = trail[-1] if trail else "<root>"
        spec = self._resolve(raw, trail, parent)
        if spec is None:
            return None
        code = self._claim_code(spec, trail, parent)
        if code is None:
            return None
        name = self._name(spec, code)
        weight, max_points = self._weights(spec, code, parent_method)
        direction = self._direction(spec, code)
        vr = self._range(spec, code)
        method = spec.get("method")
        children_raw = spec.get("children") or []
        children: list[Node] = []
        scoring = None
        normalise = self._normalise(spec, code)
        if children_raw:
            children = self._children(children_raw, code, method, trail, normalise=normalise)
        else:
            scoring, vr = self._leaf_scoring(spec, code, method, vr)
        treatment = self._treatment(spec, code, scoring)
        lo_hi = self._check_bounds(vr, code)
        return Node(
            code=code,
            name={str(k): str(v) for k, v in name.items()},
            children=tuple(children),
            method=method if children else None,
            weight=_node_weight(weight, max_points, parent_method),
            max_points=float(max_points) if _num(max_points) else None,
            scoring=scoring,
            direction=int(direction),
            unit=str(spec.get("unit", "")),
            value_range=(
                None if lo_hi[0] is None else float(lo_hi[0]),
                None if lo_hi[1] is None else float(lo_hi[1]),
            ),
            agency_role=str(spec.get("agency_role", "")),
            source=str(spec.get("source", "")),
            definition=_definition(spec),
            status=str(spec.get("status", "")),
            scored=bool(spec.get("scored", True)),
            extra={k: v for k, v in spec.items() if k not in _KNOWN_NODE},
            responsibility=_parse_assignment(code, spec, self.problems),
            treatment=treatment,
            normalise=normalise,
        )

    def check_unreachable(self) -> None:
        """Entries of the node table never reached from the root are probably typos: report them."""
        if self.table:
            unused = sorted(set(self.table) - self.seen)
            if unused:
                _problem(self.problems, "framework.unreachable",
                         f"nodes not reachable from the root: {', '.join(unused)}", codes=", ".join(unused))

    def _resolve(self, raw: Any, trail: tuple[str, ...], parent: str) -> dict[str, Any] | None:
        """A reference (a code) looked up in the node table, refusing a cycle or an unknown code; the node's
        mapping, or None when it is not one."""
        if isinstance(raw, str):
            if raw in trail:
                _problem(self.problems, "framework.cycle", f"cycle: {' -> '.join(trail + (raw,))}",
                         node=raw, path=" -> ".join(trail + (raw,)))
                return None
            if raw not in self.table:
                _problem(self.problems, "framework.unknown_child", f"node {parent!r}: unknown child {raw!r}",
                         node=parent, child=raw)
                return None
            raw = self.table[raw]
        if not isinstance(raw, dict):
            _problem(self.problems, "framework.node_not_mapping",
                     f"under {parent!r}: a node must be a mapping, got {raw!r}", node=parent, got=repr(raw))
            return None
        return raw

    def _claim_code(self, spec: dict[str, Any], trail: tuple[str, ...], parent: str) -> str | None:
        """The node's code, marked as seen; None when it is empty, closes a cycle or was seen before."""
        code = str(spec.get("code", "")).strip()
        if not code:
            _problem(self.problems, "framework.node_no_code", f"under {parent!r}: a node has no code", node=parent)
            return None
        if code in trail:
            _problem(self.problems, "framework.cycle", f"cycle: {' -> '.join(trail + (code,))}",
                     node=code, path=" -> ".join(trail + (code,)))
            return None
        if code in self.seen:
            _problem(self.problems, "framework.duplicate_code", f"node {code!r}: duplicate code", node=code)
            return None
        self.seen.add(code)
        return code

    def _name(self, spec: dict[str, Any], code: str) -> dict[str, Any]:
        """The node's name as a language -> text mapping (a text is Vietnamese); a bad one is a problem."""
        name = spec.get("name") or {}
        if isinstance(name, str):
            name = {"vi": name}
        if not _is_name(name):
            _problem(self.problems, "framework.bad_name",
                     f"node {code!r}: name must be a text or a mapping {{vi: ..., en: ...}}, got {name!r}",
                     node=code, got=repr(name))
            name = {}
        return name

    def _weights(self, spec: dict[str, Any], code: str, parent_method: str | None) -> tuple[Any, Any]:
        """``weight`` and ``max_points`` as written, each checked to be a finite number >= 0; ``max_points``
        is required under a parent that adds points (except groups of an internal index)."""
        weight = spec.get("weight", 1.0)
        max_points = spec.get("max_points")
        for label, v in (("weight", weight), ("max_points", max_points)):
            if v is None:
                continue
            if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v):
                _problem(self.problems, "framework.not_a_number",
                         f"node {code!r}: {label} must be a number, got {v!r}", node=code, field=label, got=repr(v))
            elif v < 0:
                _problem(self.problems, "framework.negative", f"node {code!r}: {label} must be >= 0, got {v}",
                         node=code, field=label, got=str(v))
        # An internal (points-based) index computes each unit's maximum from what applies to it,
        # so its groups need no nominal max_points; everything else adding points does.
        internal_group = self.internal and bool(spec.get("children"))
        if parent_method in ("points_ratio", "points_sum") and max_points is None and not internal_group:
            _problem(self.problems, "framework.needs_max_points",
                     f"node {code!r}: its parent adds points, so it needs max_points", node=code)
        return weight, max_points

    def _direction(self, spec: dict[str, Any], code: str) -> int:
        """1 (more is better) or -1; the words positive/negative, +/-, higher/lower are accepted."""
        direction = spec.get("direction", 1)
        if direction in ("positive", "+", "higher"):
            direction = 1
        elif direction in ("negative", "-", "lower"):
            direction = -1
        if direction not in (1, -1):
            _problem(self.problems, "framework.bad_direction",
                     f"node {code!r}: direction must be 1 or -1, got {spec.get('direction')!r}",
                     node=code, got=repr(spec.get("direction")))
            direction = 1
        return int(direction)

    def _range(self, spec: dict[str, Any], code: str) -> Any:
        """The ``range: [lo, hi]`` as written (``[None, None]`` when absent or not a pair)."""
        vr = spec.get("range", [None, None])
        if not (isinstance(vr, (list, tuple)) and len(vr) == 2):
            _problem(self.problems, "framework.bad_range", f"node {code!r}: range must be [lo, hi], got {vr!r}",
                     node=code, got=repr(vr))
            vr = [None, None]
        return vr

    def _normalise(self, spec: dict[str, Any], code: str) -> bool:
        """``normalise: true|false`` (default false): the children's weights are relative shares."""
        v = spec.get("normalise", False)
        if not isinstance(v, bool):
            _problem(self.problems, "framework.bad_normalise", f"node {code!r}: normalise must be true or false, "
                     f"got {v!r}", node=code, got=repr(v))
            return False
        return v

    def _treatment(self, spec: dict[str, Any], code: str, scoring: Scoring | None) -> Treatment | None:
        """An indicator's outlier treatment: its own ``treatment:`` (refused on a rule it does not suit),
        else the framework's default for the rules in ``TREATED_BY_DEFAULT``; None for an aggregate node."""
        rule = scoring.rule if scoring is not None else None
        if "treatment" not in spec:
            return self.treatment if rule in TREATED_BY_DEFAULT else None
        try:
            own = Treatment.parse(spec["treatment"], where=f"node {code!r}", node=code)
        except FrameworkError as e:
            self.problems.extend(e.problems)
            return None
        if own is None:
            return None
        used = {own.rule} | ({"log"} if own.rule == "winsorise" and own.fallback == "log" else set())
        allowed = TREATABLE.get(rule or "", ())
        if not used <= set(allowed):
            ok = ", ".join(f"{r} ({'/'.join(t)})" for r, t in TREATABLE.items())
            _problem(self.problems, "framework.treatment_not_allowed",
                     f"node {code!r}: scoring rule {rule!r} cannot take treatment {'+'.join(sorted(used))}; "
                     f"allowed: {ok}", node=code, rule=str(rule or "-"), treatment="+".join(sorted(used)),
                     expected=ok)
            return None
        return own

    def _children(self, children_raw: Any, code: str, method: Any, trail: tuple[str, ...], *,
                  normalise: bool = False) -> list[Node]:
        """An aggregate node's children, built in order; its method must be known and the children's
        weights (or max_points) must not all be zero.  Weights that do not sum to 1 are a warning
        unless the node says ``normalise: true``."""
        if method not in AGG_METHODS:
            _problem(self.problems, "framework.unknown_method",
                     f"node {code!r}: method must be one of {', '.join(AGG_METHODS)}, got {method!r}",
                     node=code, method=str(method), expected=", ".join(AGG_METHODS))
        children: list[Node] = []
        for ch in children_raw:
            built = self.build(ch, trail + (code,), method)
            if built is not None:
                children.append(built)
        if method in ("weighted_mean", "geometric", "harmonic") and children:
            total = sum(c.weight for c in children)
            if total <= 0:
                _problem(self.problems, "framework.weights_sum",
                         f"node {code!r}: weights of its children sum to {total}; expected > 0 "
                         f"(children: {', '.join(c.code for c in children)})",
                         node=code, total=total)
        if method in _WEIGHTED and children and not normalise:
            self._check_weights_sum(code, children)
        if method in ("points_ratio",) and children and sum(c.max_points or 0 for c in children) <= 0:
            _problem(self.problems, "framework.points_sum_zero", f"node {code!r}: children's max_points sum to 0",
                     node=code)
        return children

    def _check_weights_sum(self, code: str, children: list[Node]) -> None:
        """Warn (``framework.weights_not_one``) when the children's weights do not sum to 1."""
        total = math.fsum(c.weight for c in children)
        if total > 0 and not math.isclose(total, 1.0, rel_tol=0.0, abs_tol=1e-9):
            _problem(self.warnings, "framework.weights_not_one",
                     f"node {code!r}: weights of its children sum to {total:g}, not 1 (write normalise: true "
                     "if they are relative shares)", node=code, total=total)

    def _leaf_scoring(self, spec: dict[str, Any], code: str, method: Any, vr: Any) -> tuple[Scoring | None, Any]:
        """An indicator's scoring rule (``given`` when none is written) and its range (``[0, 1]`` for a given
        value without one); a node with a method but no children is a problem."""
        sraw = spec.get("scoring", "given" if method is None else None)
        if method is not None and "scoring" not in spec:
            _problem(self.problems, "framework.no_children",
                     f"node {code!r}: aggregate node (method {method!r}) has no children", node=code,
                     method=str(method))
        scoring = _parse_scoring(code, sraw, self.problems)
        if scoring is not None and scoring.rule == "given" and vr in ([None, None], (None, None)):
            vr = [0.0, 1.0]
        return scoring, vr

    def _check_bounds(self, vr: Any, code: str) -> tuple[Any, ...]:
        """The range as a tuple; a lower bound above the upper bound is a problem."""
        lo_hi = tuple(vr)
        if lo_hi[0] is not None and lo_hi[1] is not None and lo_hi[0] > lo_hi[1]:
            _problem(self.problems, "framework.bad_range",
                     f"node {code!r}: range lower bound {lo_hi[0]} exceeds upper bound {lo_hi[1]}",
                     node=code, got=repr(list(lo_hi)))
        return lo_hi


#: Methods whose children carry weights (not points): their weights should sum to 1.
_WEIGHTED = ("weighted_mean", "weighted_sum", "geometric", "harmonic")


def _node_weight(weight: Any, max_points: Any, parent_method: str | None) -> float:
    """A node's weight in its parent: its max_points under a parent that adds points, else its weight
    (1 when not a number)."""
    if parent_method in ("points_ratio", "points_sum") and _num(max_points):
        return float(max_points)
    return float(weight if _num(weight) else 1.0)


def _definition(spec: dict[str, Any]) -> dict[str, str]:
    """The node's definition as language -> text (a text is Vietnamese)."""
    defin = spec.get("definition") or {}
    if isinstance(defin, str):
        defin = {"vi": defin}
    return {str(k): str(v) for k, v in defin.items()}


def _roles(code: str, key: str, v: Any, problems: list[Problem]) -> tuple[str, ...]:
    if v is None:
        return ()
    if isinstance(v, str):
        v = [v]
    if not isinstance(v, (list, tuple)) or not all(isinstance(r, str) for r in v):
        _problem(problems, "framework.roles_not_list",
                 f"node {code!r}: responsibility {key} must be a list of role codes, got {v!r}", node=code, key=key)
        return ()
    out = tuple(r.strip() for r in v)
    bad = [r for r in out if not r or not set(r) <= ROLE_CHARS]
    if bad:
        _problem(problems, "framework.bad_role_code", f"node {code!r}: responsibility {key}: role codes are "
                 f"lower-case letters, digits and _ (got {', '.join(map(repr, bad))})",
                 node=code, key=key, got=", ".join(map(repr, bad)))
    if len(set(out)) != len(out):
        _problem(problems, "framework.role_twice", f"node {code!r}: responsibility {key} names a role twice",
                 node=code, key=key)
    return out


def _parse_assignment(code: str, raw: dict[str, Any], problems: list[Problem]) -> Assignment | None:
    """``responsibility: {lead, support, basis, proposal}`` or the ``agency_role`` shorthand."""
    spec = raw.get("responsibility")
    role = raw.get("agency_role")
    if spec is None:
        if role in (None, ""):
            return None
        return Assignment(lead=_roles(code, "lead", role, problems), basis=str(raw.get("source", "")))
    if not isinstance(spec, dict):
        _problem(problems, "framework.responsibility_not_mapping",
                 f"node {code!r}: responsibility must be a mapping {{lead, support, basis, proposal}}", node=code)
        return None
    unknown = sorted(set(spec) - {"lead", "support", "basis", "proposal"})
    if unknown:
        _problem(problems, "framework.responsibility_unknown_keys",
                 f"node {code!r}: responsibility has unknown keys {', '.join(unknown)}", node=code,
                 keys=", ".join(unknown))
    lead = _roles(code, "lead", spec.get("lead"), problems)
    support = _roles(code, "support", spec.get("support"), problems)
    if role not in (None, "") and lead and role not in lead:
        _problem(problems, "framework.agency_role_not_lead",
                 f"node {code!r}: agency_role {role!r} is not among responsibility lead {list(lead)}",
                 node=code, role=str(role), lead=str(list(lead)))
    if not lead and role not in (None, ""):
        lead = _roles(code, "lead", role, problems)
    both = sorted(set(lead) & set(support))
    if both:
        _problem(problems, "framework.lead_and_support", f"node {code!r}: role {', '.join(both)} is both lead and support",
                 node=code, roles=", ".join(both))
    if not lead:
        _problem(problems, "framework.no_lead", f"node {code!r}: responsibility names no lead role", node=code)
    proposal = spec.get("proposal", False)
    if not isinstance(proposal, bool):
        _problem(problems, "framework.bad_proposal",
                 f"node {code!r}: responsibility proposal must be true or false, got {proposal!r}", node=code,
                 got=repr(proposal))
        proposal = False
    basis = spec.get("basis", "")
    if not isinstance(basis, str):
        _problem(problems, "framework.bad_basis", f"node {code!r}: responsibility basis must be a text, got {basis!r}",
                 node=code, got=repr(basis))
        basis = ""
    if not basis.strip() and not proposal:
        _problem(problems, "framework.needs_basis",
                 f"node {code!r}: responsibility needs a basis (the text that assigns it) or proposal: true", node=code)
    return Assignment(lead=lead, support=support, basis=basis.strip(), proposal=proposal)


def _is_name(v: Any) -> bool:
    """A name as the format allows it: a text, or a mapping of language -> text."""
    return isinstance(v, str) or (isinstance(v, dict) and all(isinstance(x, str) for x in v.values()))


def _check_top_level_types(data: dict[str, Any], *, where: str, path: str) -> None:
    """``edition`` is a year (an integer, or a text of one: ``2022``), ``name`` a text or a
    ``{vi, en}`` mapping, ``id`` a text. A YAML date (``edition: 2022-01-01``) or a list is a
    ``framework_field`` error naming the field, what was expected and what the file holds."""
    edition, name, fid = data["edition"], data["name"], data["id"]
    bad = None
    if isinstance(edition, bool) or not (
        isinstance(edition, int) or (isinstance(edition, str) and edition.strip().isdigit())
    ):
        bad = ("edition", "a year (an integer such as 2022)", edition)
    elif not _is_name(name):
        bad = ("name", "a text or a mapping {vi: ..., en: ...}", name)
    elif not isinstance(fid, (str, int)) or isinstance(fid, bool):
        bad = ("id", "a text", fid)
    if bad:
        field_name, expected, got = bad
        shown = f"{got!r}"[:80]
        raise FrameworkError(
            f"{where}: {field_name} must be {expected}, got {shown} ({type(got).__name__})",
            code="framework_field", file=path, field=field_name, got=shown, got_type=type(got).__name__,
        )


def _num(v: Any) -> bool:
    """A finite number (not a bool): what a weight or max_points must be."""
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


def _is_step_table(steps: Any) -> TypeGuard[list[Any]]:
    """A non-empty list of ``[threshold, score]`` number pairs."""
    return isinstance(steps, list) and bool(steps) and all(
        isinstance(s, (list, tuple)) and len(s) == 2 and all(isinstance(x, (int, float)) for x in s)
        for s in steps
    )


def _parse_scoring(code: str, spec: Any, problems: list[Problem]) -> Scoring | None:
    if spec is None:
        _problem(problems, "framework.needs_scoring", f"node {code!r}: an indicator needs a scoring rule", node=code)
        return None
    if isinstance(spec, str):
        spec = {"rule": spec}
    if not isinstance(spec, dict) or "rule" not in spec:
        _problem(problems, "framework.bad_scoring",
                 f"node {code!r}: scoring must be a rule name or a mapping with 'rule', got {spec!r}", node=code,
                 got=repr(spec))
        return None
    rule = spec["rule"]
    if rule not in SCORING_RULES:
        _problem(problems, "framework.unknown_rule",
                 f"node {code!r}: unknown scoring rule {rule!r}; expected one of {', '.join(SCORING_RULES)}",
                 node=code, rule=str(rule), expected=", ".join(SCORING_RULES))
        return None
    params = {k: v for k, v in spec.items() if k != "rule"}
    allowed = RULE_PARAMS[rule]
    for key in sorted(set(params) - set(allowed), key=str):
        _problem(problems, "framework.unknown_param",
                 f"node {code!r}: scoring rule {rule!r} has no parameter {key!r} "
                 f"(expected: {', '.join(allowed) or 'none'})",
                 node=code, key=str(key), rule=rule, expected=", ".join(allowed) or "—")
    check = _RULE_CHECKS.get(rule)
    if check is not None:
        check(code, params, problems)
    if "scale" in params:
        _check_scale(code, params["scale"], problems)
    return Scoring(rule=rule, params=params)


def _check_scale(code: str, scale: Any, problems: list[Problem]) -> None:
    """``scale: [LO, HI]``: two finite numbers with LO < HI."""
    if not (isinstance(scale, (list, tuple)) and len(scale) == 2 and all(_num(v) for v in scale)
            and scale[0] < scale[1]):
        _problem(problems, "framework.bad_scale",
                 f"node {code!r}: scale must be [LO, HI], two finite numbers with LO < HI, got {scale!r}",
                 node=code, got=repr(scale))


def _check_zscore(code: str, params: dict[str, Any], problems: list[Problem]) -> None:
    """A shifted z-score ``mean + sd z`` needs a finite ``mean`` and a finite ``sd`` > 0."""
    mean, sd = params.get("mean", 0.0), params.get("sd", 1.0)
    if not _num(mean):
        _problem(problems, "framework.bad_zscore", f"node {code!r}: zscore mean must be a finite number, got "
                 f"{mean!r}", node=code, key="mean", got=repr(mean))
    if not _num(sd) or sd <= 0:
        _problem(problems, "framework.bad_zscore", f"node {code!r}: zscore sd must be a finite number > 0, got "
                 f"{sd!r}", node=code, key="sd", got=repr(sd))


def _check_goalposts(code: str, params: dict[str, Any], problems: list[Problem]) -> None:
    """Goalposts need numeric ``lo`` != ``hi``."""
    lo, hi = params.get("lo"), params.get("hi")
    if not isinstance(lo, (int, float)) or not isinstance(hi, (int, float)) or lo == hi:
        _problem(problems, "framework.bad_goalposts",
                 f"node {code!r}: goalposts need numeric lo != hi, got lo={lo!r}, hi={hi!r}", node=code,
                 lo=repr(lo), hi=repr(hi))


def _check_threshold(code: str, params: dict[str, Any], problems: list[Problem]) -> None:
    """A threshold needs a step table whose scores lie in [0, points] (points default 1)."""
    steps = params.get("steps")
    if not _is_step_table(steps):
        _problem(problems, "framework.bad_steps",
                 f"node {code!r}: threshold needs steps [[threshold, score], ...], got {steps!r}", node=code,
                 got=repr(steps))
        return
    scale = params.get("points")
    for _, sc in steps:
        top = scale if isinstance(scale, (int, float)) else 1.0
        if sc < 0 or sc > top:
            _problem(problems, "framework.step_score_range", f"node {code!r}: threshold score {sc} outside [0, {top}]",
                     node=code, score=sc, top=top)


def _check_ratio_capped(code: str, params: dict[str, Any], problems: list[Problem]) -> None:
    """A capped ratio's target must be a number > 0."""
    target = params.get("target", 1.0)
    if not isinstance(target, (int, float)) or target <= 0:
        _problem(problems, "framework.bad_target", f"node {code!r}: ratio_capped target must be > 0, got {target!r}",
                 node=code, got=repr(target))


def _check_partial(code: str, params: dict[str, Any], problems: list[Problem]) -> None:
    """Partial credit needs levels {level: credit} with every credit in [0, 1]."""
    levels = params.get("levels")
    if not isinstance(levels, dict) or not levels:
        _problem(problems, "framework.bad_levels", f"node {code!r}: partial needs levels {{level: credit}}, got {levels!r}",
                 node=code, got=repr(levels))
        return
    for k, v in levels.items():
        if not isinstance(v, (int, float)) or not 0 <= v <= 1:
            _problem(problems, "framework.bad_credit",
                     f"node {code!r}: partial credit for level {k!r} must be in [0, 1], got {v!r}",
                     node=code, level=repr(k), got=repr(v))


#: The parameter checks of the rules that have parameters.
_RULE_CHECKS = {
    "goalposts": _check_goalposts,
    "threshold": _check_threshold,
    "ratio_capped": _check_ratio_capped,
    "partial": _check_partial,
    "zscore": _check_zscore,
}
