"""What-if on a stored run, for the browser ("Nếu… thì"): the province's input values changed and,
optionally, the other provinces improving by a yearly trend; the new score, rank and what moved it.

Nothing is written: a what-if is not a run.  The engine does the computing, as its ``whatif`` does
(``compute`` of the changed inputs, compared with the run as computed; contributions to the total
from ``Result.contributions_to_root``; the peers' trend from ``target._trend``, as ``chiso target
--peers trend:<rate>``).  This module reads the form, turns the two results into the page's numbers
and keeps, per process, what does not change between two keystrokes on one run: its parsed inputs,
the run recomputed ("before"), the form's fields and the trended inputs per rate (a run's inputs
are never edited; an entry is dropped when the run's framework edition changes).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.utils.translation import gettext as _

from chiso.engine.analysis.target import _trend
from chiso.engine.compute import Result, compute, plan_of
from chiso.engine.errors import EngineError, InputError
from chiso.engine.framework import Framework
from chiso.lib import frameworks
from chiso.lib.problems import active_language
from chiso.lib.vn_format import format_number, parse_number

from . import services
from .models import IndexRun

MAX_TEXT = 40  # characters of one typed value
MAX_RATE_PERCENT = 100.0
MOVERS_SHOWN = 8  # provinces named as overtaken (or overtaking), the nearest first
# The run's fields the page never reads: left in the database (the cache below holds what it needs).
HEAVY_FIELDS = ("inputs", "output", "summary", "recipe", "goalposts", "note")


@dataclass(frozen=True)
class Field:
    """One input value of the province, as the form shows it (``name`` is the form field's name)."""

    index: int
    code: str  # never printed: the page shows the node's name
    node: Any
    main: Any  # the main index it belongs to (None for a main index itself)
    value: float | None
    lo: float | None
    hi: float | None

    @property
    def name(self) -> str:
        return f"v{self.index}"


@dataclass
class Base:
    """What one run's what-ifs share: its inputs as a matrix, the province's row, the form's fields."""

    run_id: int
    created: Any  # with the id, what identifies the run in the cache (an id is reused after a rollback)
    fw: Framework
    units: list[str]
    codes: list[str]
    mat: np.ndarray
    u: int
    unit: str
    missing: Any
    fields: list[Field]
    real: np.ndarray  # False for reference rows (goalposts ``__lo__``/``__hi__``) of a projection
    projection: bool
    origins: dict[str, list[int]]  # code -> submissions its value came from (runs on collected data)
    _trends: dict[float, np.ndarray] = field(default_factory=dict)
    _before: Result | None = None

    @property
    def before(self) -> Result:
        """The run recomputed from its inputs (what ``services.replay`` gives), once per process."""
        if self._before is None:
            self._before = compute(self.fw, self.mat, units=self.units, codes=self.codes, missing=self.missing)
        return self._before

    def trended(self, rate: float) -> np.ndarray:
        """The inputs with every other province improved by ``rate`` in one year (the engine's trend,
        as ``chiso target --peers trend:<rate>`` applies it)."""
        m = self._trends.get(rate)
        if m is None:
            m = _trend(self.before, self.units, self.codes, self.mat, self.u, rate)
            if len(self._trends) >= 8:
                self._trends.clear()
            self._trends[rate] = m
        return m


_CACHE: OrderedDict[int, Base] = OrderedDict()
_CACHE_MAX = 16
_LOCK = threading.Lock()


def _bounds(node) -> tuple[float | None, float | None]:
    """The range a value of this node is read in (a hint beside the field; the engine checks it)."""
    if node.is_indicator:
        lo, hi = node.value_range
        rule = node.scoring.rule if node.scoring is not None else "given"
        if rule == "given" and (lo, hi) == (None, None):
            return 0.0, 1.0
        if rule == "ratio_to_max" and lo is None:
            lo = 0.0
        return lo, hi
    return node.value_range if node.value_range != (None, None) else node.score_range


def base_for(run: IndexRun) -> Base:
    """The run's shared what-if data, from the cache or read once from the database."""
    fw = frameworks.get_framework(run.framework_id)
    with _LOCK:
        b = _CACHE.get(run.pk)
        if b is not None and b.fw is fw and b.created == run.created:
            _CACHE.move_to_end(run.pk)
            return b
    inp, recipe, summary = (IndexRun.objects.filter(pk=run.pk).values_list("inputs", "recipe", "summary").get())
    units = list(inp["units"])
    codes = list(inp["codes"])
    mat = np.array([[np.nan if v is None else float(v) for v in row] for row in inp["values"]], dtype=float)
    mat = mat.reshape(len(units), len(codes))
    u = units.index(run.unit_name)
    plan = plan_of(fw)
    fields = []
    for c in sorted(range(len(codes)), key=lambda c: plan.pos.get(codes[c], 0)):
        code = codes[c]
        node = fw.node(code)
        j = plan.pos[code]
        while j > 0 and plan.parent[plan.parent[j]] >= 0:  # up to the main index (depth 1)
            j = plan.parent[j]
        main = plan.nodes[j] if j != plan.pos[code] else None
        lo, hi = _bounds(node)
        v = mat[u, c]
        fields.append(Field(index=c, code=code, node=node, main=main, value=None if np.isnan(v) else float(v),
                            lo=lo, hi=hi))
    real = np.array([not x.startswith("__") for x in units])
    origins = {code: [o["submission_id"] for o in os_] for code, os_ in (summary.get("origins") or {}).items()}
    b = Base(run_id=run.pk, created=run.created, fw=fw, units=units, codes=codes, mat=mat, u=u, unit=run.unit_name,
             missing=recipe.get("missing") or "error", fields=fields, real=real,
             projection=bool(run.is_projection or not real.all()), origins=origins)
    with _LOCK:
        _CACHE[run.pk] = b
        while len(_CACHE) > _CACHE_MAX:
            _CACHE.popitem(last=False)
    return b


def hidden_codes(base: Base, user) -> set[str]:
    """Inputs the reader may not see: a value any part of which came from another agency's form
    (as on the run's page, its raw value would give that agency's figure away)."""
    if not base.origins:
        return set()
    from chiso.collection.models import Submission

    ids = {i for ids in base.origins.values() for i in ids}
    visible = set(Submission.objects.visible_to(user).filter(pk__in=ids).values_list("pk", flat=True))
    return {code for code, ids in base.origins.items() if any(i not in visible for i in ids)}


# --- the form ---------------------------------------------------------------------------------------


def field_text(value: float | None, lang: str = "vi") -> str:
    """A value as the field shows it: exact (shortest form that reads back the same number), the
    decimal comma in Vietnamese, no thousands separator (so that ``1234`` never reads as 1,234)."""
    if value is None:
        return ""
    text = np.format_float_positional(value, trim="-")
    return text.replace(".", ",") if lang.startswith("vi") else text


def rate_text(rate: float | None, lang: str = "vi") -> str:
    return "" if rate is None else field_text(round(rate * 100, 10), lang)


@dataclass
class Submitted:
    """The form as sent: the texts as typed (shown back), the changes read, and the errors by field."""

    texts: dict[int, str]
    changes: dict[str, float]  # code -> new value (only the values that differ from the run's)
    errors: dict[int, str]
    rate_text: str = ""
    rate: float | None = None  # a fraction per year; None: the other provinces stay as they are
    rate_error: str = ""

    @property
    def ok(self) -> bool:
        return not self.errors and not self.rate_error


def initial(base: Base, hidden: set[str], lang: str = "vi") -> Submitted:
    return Submitted(texts={f.index: field_text(f.value, lang) for f in base.fields if f.code not in hidden},
                     changes={}, errors={})


def _number(text: str) -> tuple[float | None, str]:
    t = text.strip()
    if not t:
        return None, _("Chưa nhập giá trị.")
    if len(t) > MAX_TEXT:
        return None, _("Giá trị quá dài (tối đa {n} ký tự).").format(n=MAX_TEXT)
    try:
        return parse_number(t), ""
    except ValueError:
        return None, _("“{text}” không phải là một số.").format(text=t)


def read_form(base: Base, data: Mapping[str, str], *, hidden: set[str], lang: str = "vi") -> Submitted:
    """Read the typed values (Vietnamese or English number format).  A field left as shown keeps the
    run's exact value; a field absent from the form is left unchanged; a hidden value is never read."""
    sub = Submitted(texts={}, changes={}, errors={})
    for f in base.fields:
        if f.code in hidden:
            continue
        raw = data.get(f.name)
        if raw is None:
            sub.texts[f.index] = field_text(f.value, lang)
            continue
        sub.texts[f.index] = raw[:200]
        v, err = _number(raw)
        if err:
            sub.errors[f.index] = err
        elif f.value is None or v != f.value:
            sub.changes[f.code] = v
    if not base.projection:
        t = (data.get("xu_huong") or "").strip()
        sub.rate_text = t[:200]
        if t:
            v, err = _number(t)
            if err:
                sub.rate_error = err
            elif not 0 <= v <= MAX_RATE_PERCENT:
                sub.rate_error = _("Tỷ lệ phải từ 0 đến {hi} %/năm.").format(hi=format_number(MAX_RATE_PERCENT, lang=active_language()))
            elif v > 0:
                sub.rate = v / 100
    return sub


def _range_sentence(p: Mapping[str, Any], f: Field) -> str:
    if p.get("expected"):  # yes/no, partial credit: the values the node takes
        return _("Chỉ nhận {values}.").format(values=hint(f))
    lo, hi = p.get("lo"), p.get("hi")
    if lo is not None and hi is not None:
        return _("Ngoài khoảng cho phép: từ {lo} đến {hi}.").format(lo=format_number(lo, lang=active_language()), hi=format_number(hi, lang=active_language()))
    if lo is not None:
        return _("Phải lớn hơn hoặc bằng {lo}.").format(lo=format_number(lo, lang=active_language()))
    if hi is not None:
        return _("Phải nhỏ hơn hoặc bằng {hi}.").format(hi=format_number(hi, lang=active_language()))
    return _("Giá trị không hợp lệ.")


# --- the answer ---------------------------------------------------------------------------------------


def evaluate(base: Base, sub: Submitted, *, target_rank: int) -> dict[str, Any] | None:
    """Compute the what-if for a form read without errors (range errors found by the engine are
    added to ``sub.errors``, and ``None`` is returned).  The page's numbers: the province's score
    and rank before and after, per main index its score and contribution to the total before and
    after, the provinces it overtakes or falls behind, and the score that the target rank needs."""
    if not sub.ok:
        return None
    u, unit = base.u, base.unit
    if not sub.changes and not sub.rate:
        return {"unchanged": True}
    mat = (base.trended(sub.rate) if sub.rate else base.mat).copy()
    col = {c: k for k, c in enumerate(base.codes)}
    for code, v in sub.changes.items():
        mat[u, col[code]] = v
    try:
        # before: the run as computed, kept per run (the engine's ``whatif`` would compute it again on
        # every keystroke); after: the engine's computation of the changed inputs
        b, a = base.before, compute(base.fw, mat, units=base.units, codes=base.codes, missing=base.missing)
    except InputError as err:
        if err.code != "out_of_range":
            return {"error": _engine_sentence(err)}
        at = {f.code: f for f in base.fields}
        for p in err.params.get("problems", []):
            if p.get("unit") == unit and p.get("code") in at:
                sub.errors[at[p["code"]].index] = _range_sentence(p, at[p["code"]])
        if not sub.errors:
            return {"error": _engine_sentence(err)}
        return None
    except EngineError as err:
        return {"error": _engine_sentence(err)}
    # per main index: its score, and its contribution to the total (the engine's contributions_to_root)
    cb, ca = b.contributions_to_root()[u], a.contributions_to_root()[u]
    plan = plan_of(base.fw)
    mains = []
    for j in plan.children[0]:
        row = {"node": plan.nodes[j], "score_before": _f(b.scores[u, j]), "score_after": _f(a.scores[u, j]),
               "contribution_before": _f(cb[j]), "contribution_after": _f(ca[j])}
        if row["contribution_before"] is not None and row["contribution_after"] is not None:
            row["contribution_delta"] = row["contribution_after"] - row["contribution_before"]
        row["moved"] = row["score_before"] != row["score_after"] or bool(row.get("contribution_delta"))
        mains.append(row)
    out: dict[str, Any] = {
        "unchanged": False, "n_changes": len(sub.changes), "rate": sub.rate,
        "score_before": float(b.scores[u, 0]), "score_after": float(a.scores[u, 0]),
        "delta": float(a.scores[u, 0] - b.scores[u, 0]), "mains": mains,
    }
    if base.projection:
        return out
    real = np.flatnonzero(base.real)
    n = len(real)
    rb, ra = b.rank[u], a.rank[u]
    if np.isnan(rb) or np.isnan(ra):  # a province without a total (missing data) is not ranked
        out.update(rank_before=None, rank_after=None, n=n)
        return out
    out.update(rank_before=int(rb), rank_after=int(ra), n=n, rank_up=max(int(rb - ra), 0),
               rank_down=max(int(ra - rb), 0))
    overtakes, behind = [], []
    for i in real:
        if i == u:
            continue
        ahead_before, ahead_after = b.rank[i] < rb, a.rank[i] < ra
        row = {"unit": base.units[i], "score": float(a.scores[i, 0]), "rank": int(a.rank[i])}
        if ahead_before and not ahead_after:
            overtakes.append(row)
        elif ahead_after and not ahead_before:
            behind.append(row)
    # the nearest first (a big change can pass half the country: the page names the nearest few)
    overtakes.sort(key=lambda r: (-r["rank"], r["unit"]))
    behind.sort(key=lambda r: (r["rank"], r["unit"]))
    out["overtakes"], out["overtakes_more"] = overtakes[:MOVERS_SHOWN], max(len(overtakes) - MOVERS_SHOWN, 0)
    out["behind"], out["behind_more"] = behind[:MOVERS_SHOWN], max(len(behind) - MOVERS_SHOWN, 0)
    out["target"] = _target(base, b, a, target_rank)
    return out


def _f(x: float) -> float | None:
    return None if np.isnan(x) else float(x)


def _target(base: Base, b, a, k: int) -> dict[str, Any]:
    """Rank ≤ k needs a score (rounded as ranked) at least the k-th best of the other provinces'."""
    others = [i for i in np.flatnonzero(base.real) if i != base.u]
    t: dict[str, Any] = {"rank": k, "n": len(others) + 1}
    if k > len(others):
        t["always"] = True
        return t
    for key, res in (("before", b), ("after", a)):
        ordered = sorted(others, key=lambda i: -res.scores[i, 0])
        at = ordered[k - 1]
        gap = float(res.scores[base.u, 0] - res.scores[at, 0])
        t[key] = {"score": float(res.scores[at, 0]), "unit": base.units[at], "gap": gap, "short": max(-gap, 0.0),
                  "reached": bool(res.rank[base.u] <= k)}
    return t


def _engine_sentence(err: EngineError) -> str:
    return services.engine_message(err)


def hint(f: Field) -> str:
    """The values a field takes, in the reader's language."""
    rule = f.node.scoring.rule if (f.node.is_indicator and f.node.scoring is not None) else None
    if rule == "yes_no":
        return _("0 (không) hoặc 1 (có)")
    if rule == "partial":
        return _("một trong các mức: {levels}").format(
            levels="; ".join(_level(x) for x in f.node.scoring.params["levels"]))
    if f.lo is not None and f.hi is not None:
        return _("từ {lo} đến {hi}").format(lo=format_number(f.lo, lang=active_language()), hi=format_number(f.hi, lang=active_language()))
    if f.lo is not None:
        return _("từ {lo}").format(lo=format_number(f.lo, lang=active_language()))
    if f.hi is not None:
        return _("đến {hi}").format(hi=format_number(f.hi, lang=active_language()))
    return ""


def _level(x: Any) -> str:
    try:
        return format_number(float(x), lang=active_language())
    except (TypeError, ValueError):
        return str(x)
