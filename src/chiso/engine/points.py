"""Points-based internal indices: a province scores its own departments, districts and communes.

An internal framework is an ordinary framework (same YAML, same :class:`Framework` tree) with
``kind: internal`` and a few extra keys read here:

- ``tiers``: the kinds of unit assessed (departments, districts/cities, communes), each with its
  own indicator set — an indicator lists the tiers it applies to (default: every tier);
- ``only_for`` on an indicator: it applies only to units carrying one of these tags (e.g. the
  departments charged with the digital economy); a unit's maximum is the sum of what applies to it;
- ``bands``: thresholds on the 0–1 result (Tốt / Khá / Trung bình / Yếu), highest first;
- per indicator: ``max_points``, a scoring rule (threshold/step table, ratio capped, yes/no,
  partial credit), the kind of value asked (count, number, percent, ratio a/b, yes/no, level),
  ``evidence_required`` ("no evidence ⇒ 0"), the evidence asked for, the data provider and the
  verifying unit.

Everything is vectorised over units × indicators (numpy): 1 000 units × 60 indicators are
scored and ranked in a few milliseconds.
"""

from __future__ import annotations

import copy
import math
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np

from .aggregate import rank_competition
from .errors import FrameworkError, InputError, Problem
from .errors import add_problem as _problem
from .framework import Framework, Node
from .scoring import apply_rule

__all__ = [
    "VALUE_KINDS",
    "Assessment",
    "Band",
    "Group",
    "Indicator",
    "PointsFramework",
    "Tier",
    "copy_framework",
]

VALUE_KINDS = ("count", "number", "percent", "ratio", "yes_no", "level")
POINTS_RULES = ("threshold", "ratio_capped", "yes_no", "partial", "given")
RANK_BY = ("auto", "points", "ratio")
LIGHTS = ("green", "amber", "red", "grey")


def _label(name: dict[str, str], lang: str, default: str) -> str:
    return name.get(lang) or name.get("vi") or name.get("en") or default


def _names(raw: Any) -> dict[str, str]:
    if isinstance(raw, str):
        return {"vi": raw}
    if isinstance(raw, dict):
        return {str(k): str(v) for k, v in raw.items()}
    return {}


@dataclass(frozen=True)
class Tier:
    """A kind of assessed unit with its own indicator set (e.g. ``huyen``: districts/cities)."""

    code: str
    name: dict[str, str]
    unit_kind: str = ""

    def label(self, lang: str = "vi") -> str:
        return _label(self.name, lang, self.code)


@dataclass(frozen=True)
class Band:
    """A result band: every unit whose 0–1 result is ``>= min`` (and below the band above)."""

    code: str
    name: dict[str, str]
    min: float
    light: str = "grey"

    def label(self, lang: str = "vi") -> str:
        return _label(self.name, lang, self.code)


@dataclass(frozen=True)
class Group:
    """A top-level group of indicators (e.g. Nhận thức số), in framework order."""

    code: str
    name: dict[str, str]
    indicator_codes: tuple[str, ...]

    def label(self, lang: str = "vi") -> str:
        return _label(self.name, lang, self.code)


@dataclass(frozen=True)
class Indicator:
    """One scored indicator of an internal framework."""

    code: str
    name: dict[str, str]
    group: str
    max_points: float
    rule: str
    params: dict[str, Any]
    value_kind: str
    unit: str = ""
    inputs: dict[str, dict[str, str]] = field(default_factory=dict)
    levels: dict[Any, dict[str, str]] = field(default_factory=dict)
    evidence: dict[str, str] = field(default_factory=dict)
    evidence_required: bool = False
    data_provider: str = ""
    verifier: str = ""
    tiers: tuple[str, ...] = ()
    only_for: tuple[str, ...] = ()
    definition: dict[str, str] = field(default_factory=dict)
    source: str = ""
    value_range: tuple[float | None, float | None] = (None, None)

    def label(self, lang: str = "vi") -> str:
        return _label(self.name, lang, self.code)

    def applies(self, tier: str | None, tags: frozenset[str] | set[str] = frozenset()) -> bool:
        if tier is not None and self.tiers and tier not in self.tiers:
            return False
        return not self.only_for or bool(set(self.only_for) & set(tags))


@dataclass(frozen=True)
class Assessment:
    """Totals, 0–1 results, bands and ranks of ``n`` units over ``k`` indicators.

    ``rank`` is NaN for a unit excluded from the ranking (it is still scored) and for a unit with
    no data (no score on any indicator that applies to it: ``scored`` False), which also has no
    0–1 result (NaN) and no band ("").
    """

    codes: tuple[str, ...]
    points: np.ndarray  # n × k, 0 where not applicable or missing
    applicable: np.ndarray  # n × k bool
    total: np.ndarray  # n
    max: np.ndarray  # n
    ratio: np.ndarray  # n, total / max (NaN when nothing applies or the unit has no data)
    band: list[str]  # n band codes ("" when nothing applies or the unit has no data)
    rank: np.ndarray  # n, competition ranks among the ranked units (NaN: excluded or no data)
    rank_by: str  # "points" or "ratio": what the ranks were taken on
    group_points: np.ndarray  # n × g
    group_max: np.ndarray  # n × g
    lost: np.ndarray  # n × k, max − points where applicable
    scored: np.ndarray  # n bool: some indicator that applies to the unit has a score (not NaN)


class PointsFramework:
    """The internal-index view of a :class:`Framework` with ``kind: internal``.

    Raises
    ------
    FrameworkError
        Listing every problem: not an internal framework, unknown tier, bad band, an indicator
        without max points, a rule or value kind that a points index cannot use...
    """

    def __init__(self, fw: Framework) -> None:
        self.fw = fw
        problems: list[Problem] = []
        ex = fw.extra
        if ex.get("kind") != "internal":
            _problem(problems, "internal.not_internal",
                     f"kind must be 'internal' for a points-based internal index, got {ex.get('kind')!r}",
                     got=repr(ex.get("kind")))
        self.tiers = self._parse_tiers(ex.get("tiers"), problems)
        self.bands = self._parse_bands(ex.get("bands"), problems)
        self.rank_by = str(ex.get("rank_by", "auto"))
        if self.rank_by not in RANK_BY:
            _problem(problems, "internal.bad_rank_by", f"rank_by must be one of {', '.join(RANK_BY)}, got {self.rank_by!r}",
                     got=self.rank_by, expected=", ".join(RANK_BY))
        self._indicators: dict[str, Indicator] = {}
        groups: list[Group] = []
        tier_codes = {t.code for t in self.tiers}
        for top in fw.root.children:
            leaves = [top] if top.is_indicator else list(_leaves(top))
            for leaf in leaves:
                ind = self._parse_indicator(leaf, top.code, tier_codes, problems)
                if ind is not None:
                    self._indicators[ind.code] = ind
            groups.append(Group(top.code, dict(top.name), tuple(leaf.code for leaf in leaves)))
        if fw.root.is_indicator:
            _problem(problems, "internal.root_not_group", "the root must be a group of indicators", node=fw.root.code)
        self.groups = tuple(groups)
        if problems:
            raise FrameworkError(
                f"{fw.path or fw.id}: invalid internal framework: " + "; ".join(map(str, problems)),
                code="framework_invalid",
                file=fw.path,
                problems=problems,
            )

    # --- construction ------------------------------------------------------
    @classmethod
    def from_dict(cls, data: dict[str, Any], *, path: str = "") -> PointsFramework:
        return cls(Framework.from_dict(data, path=path))

    @staticmethod
    def _parse_tiers(raw: Any, problems: list[Problem]) -> tuple[Tier, ...]:
        if not raw:
            return (Tier("all", {"vi": "Tất cả đơn vị", "en": "All units"}),)
        if not isinstance(raw, list):
            _problem(problems, "internal.bad_tiers", f"tiers must be a list, got {raw!r}", got=repr(raw))
            return ()
        out: list[Tier] = []
        for t in raw:
            if not isinstance(t, dict) or not t.get("code"):
                _problem(problems, "internal.bad_tiers", f"tiers: every tier needs a code, got {t!r}", got=repr(t))
                continue
            if any(x.code == str(t["code"]) for x in out):
                _problem(problems, "internal.bad_tiers", f"tiers: duplicate code {t['code']!r}", got=repr(t["code"]))
                continue
            out.append(Tier(str(t["code"]), _names(t.get("name")), str(t.get("unit_kind", ""))))
        return tuple(out)

    @staticmethod
    def _parse_bands(raw: Any, problems: list[Problem]) -> tuple[Band, ...]:
        if not raw:
            return ()
        if not isinstance(raw, list):
            _problem(problems, "internal.bands_not_list", f"bands must be a list, got {raw!r}", got=repr(raw))
            return ()
        out: list[Band] = []
        for b in raw:
            lo = b.get("min") if isinstance(b, dict) else None
            if not isinstance(b, dict) or not b.get("code") or isinstance(lo, bool) \
                    or not isinstance(lo, (int, float)) or not 0 <= lo <= 1:
                _problem(problems, "internal.bad_band", f"bands: every band needs a code and a min in [0, 1], got {b!r}",
                         got=repr(b))
                continue
            light = str(b.get("light", "grey"))
            if light not in LIGHTS:
                _problem(problems, "internal.bad_light",
                         f"band {b['code']!r}: light must be one of {', '.join(LIGHTS)}, got {light!r}",
                         band=str(b["code"]), got=light, expected=", ".join(LIGHTS))
            out.append(Band(str(b["code"]), _names(b.get("name")), float(lo), light))
        mins = [b.min for b in out]
        if mins != sorted(mins, reverse=True) or len(set(mins)) != len(mins):
            _problem(problems, "internal.bands_order", f"bands must be listed highest first with distinct minima, got {mins}",
                     minima=str(mins))
        if out and out[-1].min != 0:
            _problem(problems, "internal.lowest_band",
                     f"the lowest band must start at 0 so that every result has a band, got {out[-1].min}",
                     got=out[-1].min)
        return tuple(out)

    @staticmethod
    def _parse_indicator(node: Node, group: str, tier_codes: set[str], problems: list[Problem]) -> Indicator | None:
        ex = node.extra
        where = f"indicator {node.code!r}"
        if node.max_points is None or node.max_points <= 0:
            _problem(problems, "internal.needs_max_points", f"{where}: needs max_points > 0", node=node.code)
            return None
        rule = node.scoring.rule if node.scoring else ""
        if rule not in POINTS_RULES:
            _problem(problems, "internal.rule_not_points", f"{where}: scoring rule {rule!r} cannot score a unit on "
                     f"its own; use one of {', '.join(POINTS_RULES)}", node=node.code, rule=rule,
                     expected=", ".join(POINTS_RULES))
            return None
        value = ex.get("value") or {}
        if isinstance(value, str):
            value = {"kind": value}
        default_kind = {"yes_no": "yes_no", "partial": "level", "given": "number"}.get(rule, "number")
        kind = str(value.get("kind", default_kind))
        if kind not in VALUE_KINDS:
            _problem(problems, "internal.bad_value_kind",
                     f"{where}: value kind must be one of {', '.join(VALUE_KINDS)}, got {kind!r}", node=node.code,
                     kind=kind, expected=", ".join(VALUE_KINDS))
            return None
        inputs = {str(k): _names(v) for k, v in (value.get("inputs") or {}).items()}
        if kind == "ratio" and set(inputs) != {"a", "b"}:
            _problem(problems, "internal.ratio_inputs", f"{where}: a ratio value needs inputs a and b, got {sorted(inputs)}",
                     node=node.code, got=str(sorted(inputs)))
        levels_raw = value.get("levels") or {}
        levels = {k: _names(v) for k, v in levels_raw.items()}
        params = dict(node.scoring.params) if node.scoring else {}
        if rule == "partial":
            if kind != "level":
                _problem(problems, "internal.partial_needs_level",
                         f"{where}: partial credit needs a value of kind 'level', got {kind!r}", node=node.code,
                         kind=kind)
            if not levels:
                levels = {k: {"vi": str(k)} for k in params.get("levels", {})}
            missing = sorted(str(k) for k in params.get("levels", {}) if k not in levels)
            if missing:
                _problem(problems, "internal.levels_unnamed", f"{where}: levels {', '.join(missing)} are scored but not named",
                         node=node.code, levels=", ".join(missing))
        if rule == "yes_no" and kind != "yes_no":
            _problem(problems, "internal.yes_no_kind", f"{where}: a yes/no rule needs a value of kind 'yes_no', got {kind!r}",
                     node=node.code, kind=kind)
        if rule == "threshold" and params.get("points") not in (None, node.max_points):
            _problem(problems, "internal.points_differ", f"{where}: threshold points {params.get('points')} differ "
                     f"from max_points {node.max_points:g}", node=node.code, points=params.get("points"),
                     max_points=f"{node.max_points:g}")
        tiers = ex.get("tiers") or ()
        tiers = (tiers,) if isinstance(tiers, str) else tuple(str(t) for t in tiers)
        unknown = [t for t in tiers if t not in tier_codes]
        if unknown:
            _problem(problems, "internal.unknown_tiers",
                     f"{where}: unknown tier(s) {', '.join(unknown)}; tiers: {', '.join(sorted(tier_codes))}",
                     node=node.code, tiers=", ".join(unknown), expected=", ".join(sorted(tier_codes)))
        only = ex.get("only_for") or ()
        only = (only,) if isinstance(only, str) else tuple(str(t) for t in only)
        req = ex.get("evidence_required", False)
        if not isinstance(req, bool):
            _problem(problems, "internal.bad_evidence_required",
                     f"{where}: evidence_required must be true or false, got {req!r}", node=node.code, got=repr(req))
        return Indicator(
            code=node.code,
            name=dict(node.name),
            group=group,
            max_points=float(node.max_points),
            rule=rule,
            params=params,
            value_kind=kind,
            unit=str(value.get("unit", node.unit or "")),
            inputs=inputs,
            levels=levels,
            evidence=_names(ex.get("evidence")),
            evidence_required=bool(req),
            data_provider=str(ex.get("data_provider", "")),
            verifier=str(ex.get("verifier", "")),
            tiers=tiers,
            only_for=only,
            definition=dict(node.definition),
            source=node.source,
            value_range=node.value_range,
        )

    # --- structure ---------------------------------------------------------
    @property
    def id(self) -> str:
        return self.fw.id

    @property
    def edition(self) -> int:
        return self.fw.edition

    @property
    def status(self) -> str:
        return self.fw.status

    def label(self, lang: str = "vi") -> str:
        return self.fw.label(lang)

    def tier(self, code: str) -> Tier:
        for t in self.tiers:
            if t.code == code:
                return t
        raise InputError(f"unknown tier {code!r}; tiers: {', '.join(t.code for t in self.tiers)}",
                         code="unknown_tier", tier=code)

    @cached_property
    def codes(self) -> tuple[str, ...]:
        return tuple(self._indicators)

    def indicator(self, code: str) -> Indicator:
        try:
            return self._indicators[code]
        except KeyError:
            raise InputError(f"unknown indicator {code!r} in {self.id}", code="unknown_code",
                             indicator=code) from None

    def indicators(self, tier: str | None = None, tags: frozenset[str] | set[str] = frozenset()) -> tuple[Indicator, ...]:
        """The indicators that apply to a unit of ``tier`` carrying ``tags`` (all when ``tier`` is None
        and no tag filter applies), in framework order."""
        if tier is not None:
            self.tier(tier)
        if tier is None and not tags:
            return tuple(self._indicators.values())
        return tuple(i for i in self._indicators.values() if i.applies(tier, tags))

    def applies(self, code: str, tier: str, tags: frozenset[str] | set[str] = frozenset()) -> bool:
        return self.indicator(code).applies(tier, tags)

    def max_points(self, tier: str, tags: frozenset[str] | set[str] = frozenset()) -> float:
        return float(sum(i.max_points for i in self.indicators(tier, tags)))

    def band_of(self, ratio: float) -> Band | None:
        """The band of a 0–1 result (None for NaN or when the framework has no bands)."""
        if ratio is None or math.isnan(ratio):
            return None
        r = round(float(ratio), 6)
        for b in self.bands:
            if r >= b.min:
                return b
        return None

    # --- values and self-scores ------------------------------------------------
    def value_of(self, code: str, raw: Any) -> float:
        """Turn what a unit typed into the value the rule scores.

        ``raw`` is a number, a bool (yes/no), a level, or ``{"a": x, "b": y}`` for a ratio.
        ``None`` or ``""`` means no value (NaN).

        Raises
        ------
        InputError
            With a stable ``code`` — ``not_a_number``, ``negative``, ``not_integer``,
            ``percent_range``, ``out_of_range``, ``ratio_inputs``, ``ratio_zero_base``,
            ``ratio_exceeds``, ``not_yes_no``, ``unknown_level`` — and ``indicator``.
        """
        ind = self.indicator(code)
        kind = ind.value_kind
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            return math.nan
        if kind == "ratio":
            if not isinstance(raw, dict) or set(raw) - {"a", "b"}:
                raise InputError(f"{code}: a ratio needs a and b, got {raw!r}", code="ratio_inputs", indicator=code)
            if raw.get("a") in (None, "") and raw.get("b") in (None, ""):
                return math.nan
            a = _number(raw.get("a"), code, "a")
            b = _number(raw.get("b"), code, "b")
            for part, x in (("a", a), ("b", b)):
                if x < 0:
                    raise InputError(f"{code}: {part} must be >= 0, got {x}", code="negative", indicator=code,
                                     part=part, value=x)
            if b == 0:
                raise InputError(f"{code}: b must be > 0", code="ratio_zero_base", indicator=code)
            if a > b:
                raise InputError(f"{code}: a ({a}) exceeds b ({b})", code="ratio_exceeds", indicator=code,
                                 a=a, b=b)
            return a / b
        if kind == "yes_no":
            if isinstance(raw, bool):
                return 1.0 if raw else 0.0
            s = str(raw).strip().lower()
            if s in ("1", "1.0", "có", "co", "yes", "true", "đạt"):
                return 1.0
            if s in ("0", "0.0", "không", "khong", "no", "false", "chưa", "không đạt"):
                return 0.0
            raise InputError(f"{code}: expected yes or no, got {raw!r}", code="not_yes_no", indicator=code,
                             value=raw)
        if kind == "level":
            for lvl in ind.levels:
                if str(lvl) == str(raw).strip() or _same_number(lvl, raw):
                    return float(lvl)
            raise InputError(f"{code}: unknown level {raw!r}; expected one of {', '.join(map(str, ind.levels))}",
                             code="unknown_level", indicator=code, value=raw,
                             expected=[str(x) for x in ind.levels])
        x = _number(raw, code, "value")
        if kind in ("count", "percent") and x < 0:
            raise InputError(f"{code}: must be >= 0, got {x}", code="negative", indicator=code, value=x)
        if kind == "count" and x != int(x):
            raise InputError(f"{code}: a count must be a whole number, got {x}", code="not_integer",
                             indicator=code, value=x)
        if kind == "percent" and x > 100:
            raise InputError(f"{code}: a percentage must be in [0, 100], got {x}", code="percent_range",
                             indicator=code, value=x)
        lo, hi = ind.value_range
        if (lo is not None and x < lo) or (hi is not None and x > hi):
            raise InputError(f"{code}: {x} outside [{lo}, {hi}]", code="out_of_range", indicator=code, value=x,
                             lo=lo, hi=hi)
        return x

    def _fractions(self, ind: Indicator, values: np.ndarray) -> np.ndarray:
        if ind.rule == "given":  # the value already is points out of max
            return np.clip(values / ind.max_points, 0.0, 1.0)
        return apply_rule(ind.rule, values, params=ind.params)

    def points(self, code: str, value: float, has_evidence: bool = True) -> float:
        """The score in points (0..max) that the rule gives ``value`` (NaN for no value).

        Examples
        --------
        A step table (4 meetings = 20 points, 3 = 15, ...): 3 meetings score 15 points.
        """
        ind = self.indicator(code)
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return math.nan
        if ind.evidence_required and not has_evidence:
            return 0.0
        frac = float(self._fractions(ind, np.array([float(value)]))[0])
        return round(frac * ind.max_points, 6)

    def points_matrix(self, codes: list[str] | tuple[str, ...], values: Any, evidence: Any = None) -> np.ndarray:
        """Self-scores of ``n`` units × ``k`` indicators (columns in ``codes`` order); NaN = no value.

        ``evidence`` (n × k bool): where an indicator requires evidence and there is none, 0 points.
        """
        vals = np.asarray(values, dtype=float)
        if vals.ndim != 2 or vals.shape[1] != len(codes):
            raise InputError(f"values must be n × {len(codes)}, got shape {vals.shape}", code="shape")
        out = np.empty_like(vals)
        ev = None if evidence is None else np.asarray(evidence, dtype=bool)
        for j, code in enumerate(codes):
            ind = self.indicator(code)
            col = self._fractions(ind, vals[:, j]) * ind.max_points
            if ev is not None and ind.evidence_required:
                col = np.where(~np.isnan(col) & ~ev[:, j], 0.0, col)
            out[:, j] = col
        return out

    def applicable_matrix(self, codes: list[str] | tuple[str, ...], tiers: list[str],
                          tags: list[frozenset[str] | set[str]] | None = None) -> np.ndarray:
        """n × k: whether indicator ``codes[j]`` applies to unit ``i`` (its tier and tags)."""
        inds = [self.indicator(c) for c in codes]
        tags = tags or [frozenset()] * len(tiers)
        if len(tags) != len(tiers):
            raise InputError(f"{len(tiers)} tiers but {len(tags)} tag sets", code="shape")
        # a province has a handful of (tier, tags) profiles: one row per profile, then gather
        profiles: dict[tuple[str, frozenset[str]], int] = {}
        idx = np.empty(len(tiers), dtype=np.intp)
        for i, (t, tg) in enumerate(zip(tiers, tags)):
            idx[i] = profiles.setdefault((t, frozenset(tg)), len(profiles))
        rows = np.array([[ind.applies(t, tg) for ind in inds] for (t, tg) in profiles], dtype=bool)
        return rows.reshape(len(profiles), len(inds))[idx]

    # --- totals, bands and ranks -----------------------------------------------
    def assess(self, codes: list[str] | tuple[str, ...], points: Any, applicable: Any = None,
               excluded: Any = None) -> Assessment:
        """Totals, 0–1 results, bands and ranks (ties shared: 1, 2, 2, 4).

        ``points`` (n × k): NaN counts as 0 where the indicator applies.  A score above its
        indicator's maximum or below 0 raises ``InputError`` (code ``points_range``, with the
        positions).  Units in ``excluded`` are scored but not ranked (rank NaN).  A unit with no
        data — NaN on every indicator that applies to it, e.g. before it self-assesses — is not a
        unit with 0 points: it gets no 0–1 result (NaN), no band and no rank (``scored`` False),
        and the others are ranked without it.

        Ranks are taken on the 0–1 result (rounded to 6 decimals) when the ranked units' maxima
        differ, else on the points total rounded to 2 decimals as published; the framework's
        ``rank_by`` (points / ratio) forces either.
        """
        codes = tuple(codes)
        pts = np.array(points, dtype=float)
        if pts.ndim != 2 or pts.shape[1] != len(codes):
            raise InputError(f"points must be n × {len(codes)}, got shape {pts.shape}", code="shape")
        n, k = pts.shape
        maxes = np.array([self.indicator(c).max_points for c in codes], dtype=float)
        app = np.ones((n, k), dtype=bool) if applicable is None else np.asarray(applicable, dtype=bool)
        if app.shape != (n, k):
            raise InputError(f"applicable must be {n} × {k}, got shape {app.shape}", code="shape")
        scored = (app & ~np.isnan(pts)).any(axis=1)
        pts = np.where(app & ~np.isnan(pts), pts, 0.0)
        bad = (pts < 0) | (pts > maxes[None, :] + 1e-9)
        if bad.any():
            pos = np.argwhere(bad)
            raise InputError(
                f"points outside [0, max] at {len(pos)} place(s), first: unit {pos[0][0]}, "
                f"indicator {codes[pos[0][1]]} = {pts[tuple(pos[0])]}",
                code="points_range", positions=pos.tolist(), indicator=codes[pos[0][1]],
            )
        total = pts.sum(axis=1)
        mx = app.astype(float) @ maxes
        with np.errstate(invalid="ignore", divide="ignore"):
            ratio = np.where((mx > 0) & scored, total / np.where(mx > 0, mx, 1.0), np.nan)
        excl = np.zeros(n, dtype=bool) if excluded is None else np.asarray(excluded, dtype=bool)
        if excl.shape != (n,):
            raise InputError(f"excluded must have {n} entries, got shape {excl.shape}", code="shape")
        ranked = ~excl & (mx > 0) & scored
        rank_by = self.rank_by
        if rank_by == "auto":
            rank_by = "points" if np.unique(mx[ranked]).size <= 1 else "ratio"
        key = np.round(total, 2) if rank_by == "points" else np.round(ratio, 6)
        rank = rank_competition(np.where(ranked, key, np.nan))
        # band per unit: thresholds are few, so one comparison per band over all units
        band = np.full(n, "", dtype=object)
        r6 = np.round(ratio, 6)
        for b in reversed(self.bands):
            band = np.where(r6 >= b.min, b.code, band)
        col = {c: j for j, c in enumerate(codes)}
        g = len(self.groups)
        member = np.zeros((k, g))
        for gi, grp in enumerate(self.groups):
            for c in grp.indicator_codes:
                if c in col:
                    member[col[c], gi] = 1.0
        return Assessment(
            codes=codes,
            points=pts,
            applicable=app,
            total=total,
            max=mx,
            ratio=ratio,
            band=band.tolist(),
            rank=rank,
            rank_by=rank_by,
            group_points=pts @ member,
            group_max=(app * maxes[None, :]) @ member,
            lost=np.where(app, maxes[None, :] - pts, 0.0),
            scored=scored,
        )


def _leaves(node: Node):
    for ch in node.children:
        if ch.is_indicator:
            yield ch
        else:
            yield from _leaves(ch)


def _number(raw: Any, code: str, part: str) -> float:
    if isinstance(raw, bool):
        raise InputError(f"{code}: {part} must be a number, got {raw!r}", code="not_a_number", indicator=code,
                         part=part, value=raw)
    if isinstance(raw, (int, float)):
        x = float(raw)
    else:
        s = str(raw).strip().replace(" ", "")
        # Vietnamese writing: 1.234,5 -> 1234.5; a lone comma is the decimal mark
        if "," in s:
            s = s.replace(".", "").replace(",", ".")
        try:
            x = float(s)
        except ValueError:
            raise InputError(f"{code}: {part} is not a number: {raw!r}", code="not_a_number", indicator=code,
                             part=part, value=raw) from None
    if not math.isfinite(x):
        raise InputError(f"{code}: {part} must be finite, got {raw!r}", code="not_a_number", indicator=code,
                         part=part, value=raw)
    return x


def _same_number(a: Any, b: Any) -> bool:
    try:
        return float(a) == float(str(b).replace(",", "."))
    except (TypeError, ValueError):
        return False


def copy_framework(data: dict[str, Any], *, new_id: str, edition: int, name_suffix: str | None = None) -> dict[str, Any]:
    """A copy of a framework mapping for a new year: a new id and edition, the original untouched.

    The copy records ``derived_from`` (the source's id and edition) and keeps everything else —
    indicators, points, rules, tiers, bands — for the department to adapt.  Earlier years' results
    keep pointing at their own framework.

    Raises
    ------
    FrameworkError
        ``new_id`` empty or equal to the source's id, or an edition that is not a year.
    """
    if not isinstance(data, dict):
        raise FrameworkError("a framework must be a mapping", code="framework_invalid")
    new_id = str(new_id or "").strip()
    if not new_id or new_id == str(data.get("id")):
        raise FrameworkError(f"the copy needs a new id (source: {data.get('id')!r}), got {new_id!r}",
                             code="copy_same_id", framework=new_id)
    if isinstance(edition, bool) or not isinstance(edition, int) or not 1900 <= edition <= 2200:
        raise FrameworkError(f"edition must be a year, got {edition!r}", code="copy_edition", edition=edition)
    out = copy.deepcopy(data)
    out["id"] = new_id
    out["edition"] = edition
    out["derived_from"] = {"id": data.get("id"), "edition": data.get("edition")}
    if name_suffix:
        name = out.get("name")
        if isinstance(name, dict):
            out["name"] = {k: f"{v} {name_suffix}" for k, v in name.items()}
        elif isinstance(name, str):
            out["name"] = f"{name} {name_suffix}"
    return out
