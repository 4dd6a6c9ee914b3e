"""Computing the index from collected data."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import numpy as np
from django.db import transaction
from django.utils.translation import gettext as _

from chiso.engine.compute import Result, compute
from chiso.engine.errors import EngineError
from chiso.engine.framework import Framework
from chiso.engine.scoring import MinMax, fit_minmax
from chiso.io import compare_published
from chiso.lib import frameworks
from chiso.orgs import audit

from ..models import Goalpost, IndexRun, PublishedTable
from .base import DEMO_LABEL
from .province import home_province, target_for


def _summary(result: Result, unit: str, target_rank: int) -> dict[str, Any]:
    """Per node at depth ≤ 1: the unit's score and rank, the best unit, and the score at the target rank."""
    fw = result.framework
    out: dict[str, Any] = {"nodes": []}
    i = result.units.index(unit)
    contrib = result.contributions_to_root()[i]
    # Reference rows (``__lo__``, ``__hi__``) hold goalposts, not provinces: never a best or a rank.
    real = np.array([not u.startswith("__") for u in result.units])
    projection = not real.all()
    for j, code in enumerate(result.codes):
        if fw.depth(code) > 1:
            continue
        col = np.where(real, result.scores[:, j], np.nan)
        finite = ~np.isnan(col)
        best = threshold = best_unit = None
        if finite.any() and not projection:
            k = int(np.nanargmax(col))
            best, best_unit = float(col[k]), result.units[k]
            ordered = np.sort(col[finite])[::-1]
            # Every unit's score, best first: the threshold of any target rank, should the target change.
            out.setdefault("ladder", {})[code] = [float(v) for v in ordered]
            if len(ordered) >= target_rank:
                threshold = float(ordered[target_rank - 1])
        node = fw.node(code)
        out["nodes"].append({
            "code": code, "name": node.label("vi"), "name_en": node.label("en"), "depth": fw.depth(code),
            "score": _f(result.scores[i, j]), "rank": None if projection else result.rank_of(unit, code),
            "best": best, "best_unit": best_unit, "threshold": threshold,
            "contribution": _f(contrib[j]), "scored": bool(getattr(node, "scored", True)),
        })
    return out


def _f(x) -> float | None:
    return None if x is None or (isinstance(x, float) and math.isnan(x)) or np.isnan(x) else float(x)


def _matrix_json(a: np.ndarray) -> list[list[float | None]]:
    return [[None if np.isnan(v) else float(v) for v in row] for row in a]


def main_table(summary: dict[str, Any], *, target_rank: int) -> dict[str, Any]:
    """The dashboard's numbers for one run: the root and each main index (depth 1) with the
    province's score, its rank, the best unit and the score at ``target_rank``, and the bar and
    radar chart series.

    Pure function of the run's ``summary``, stored with the run at compute time
    (``summary["dashboard"]``) and recomputed only when the target rank has changed since.
    Where peers' main indices are published (``summary["ranking"]``) the rank, best and threshold
    come from that ranking.  A threshold needs the scores of every unit (``ladder``); runs stored
    before the ladder existed keep the threshold of their own target rank only.
    """
    ranking = summary.get("ranking") or {}
    peers = {n["code"]: n for n in ranking.get("nodes", [])}
    same_target = summary.get("target_rank") == target_rank

    def placed(n: dict) -> dict:
        n = dict(n)
        source = ranking if n["code"] in peers else summary
        if n["code"] in peers:
            n.update({k: peers[n["code"]][k] for k in ("rank", "best", "best_unit", "threshold")})
        ladder = (source.get("ladder") or {}).get(n["code"])
        if ladder is not None:
            n["threshold"] = ladder[target_rank - 1] if len(ladder) >= target_rank else None
        elif not same_target:
            n["threshold"] = None
        n["gap"] = (n["score"] - n["threshold"]) if n["score"] is not None and n["threshold"] is not None else None
        return n

    nodes = [placed(n) for n in summary.get("nodes", []) if n["depth"] == 1]
    root = next((placed(n) for n in summary.get("nodes", []) if n["depth"] == 0), None)
    scored = [n for n in nodes if n["scored"]]
    return {
        "target_rank": target_rank, "nodes": nodes, "root": root,
        "chart": {"labels": [n["name"] for n in scored], "labels_en": [n["name_en"] for n in scored],
                  "score": [n["score"] for n in scored], "best": [n["best"] for n in scored],
                  "threshold": [n["threshold"] for n in scored]},
    }


def _store(result: Result, *, unit: str, unit_ref: str, actor: audit.Actor, **fields) -> IndexRun:
    target_rank, _basis = target_for(result.framework.id)
    summary = _summary(result, unit, target_rank)
    summary["target_rank"] = target_rank
    summary.update(fields.pop("summary_extra", {}))
    # Precomputed here, once, so that the dashboard does not rebuild it on every view.
    summary["dashboard"] = main_table(summary, target_rank=target_rank)
    i = result.units.index(unit)
    run = IndexRun(
        framework_id=result.framework.id, unit_ref=unit_ref, unit_name=unit, recipe=result.recipe,
        output={"units": list(result.units), "codes": list(result.codes),
                "scores": _matrix_json(result.scores), "ranks": _matrix_json(result.ranks),
                "sources": {f"{u}|{c}": s for (u, c), s in result.sources.items()}},
        summary=summary, score=_f(result.scores[i, 0]), created_by=actor.user, **fields,
    )
    if "n_units" not in fields:
        run.n_units = len(result.units)
    if run.rank is None and "rank" not in fields:
        run.rank = result.rank_of(unit)
    with transaction.atomic():
        run.save()
        audit.record(actor, "results.run.create", run, after={
            "framework": run.framework_id, "year": run.year, "basis": run.basis, "score": run.score,
            "rank": run.rank, "inputs_sha256": result.recipe.get("inputs_sha256"),
        })
    return run


def run_from_table(table: PublishedTable, actor: audit.Actor, *, unit_ref: str | None = None) -> IndexRun:
    """Compute the index over every province of a published table that gives values at the
    framework's input level; the province is ``unit_ref`` (default: the home province on the
    table's date, else today's).  The published values of the nodes above the inputs (the total)
    and the published ranks are compared with the recomputed ones: ``summary["check"]``
    (:func:`chiso.io.compare_published`).  Raises ``ValueError`` (a sentence) when the province
    has no complete row."""
    fw = frameworks.get_framework(table.framework_id)
    rows = list(table.values.filter(value__isnull=False).values_list("unit_ref", "unit_name", "code", "value", "source"))
    codes = [c for c in fw.codes if any(r[2] == c for r in rows) and c != fw.root.code]
    # A published table with values at depth 1 gives the main indices: compute from them.
    inputs = [c for c in codes if fw.depth(c) == 1] or codes
    units: dict[str, str] = {}
    data: dict[str, dict[str, float]] = {}
    checks: dict[str, dict[str, float]] = {}
    sources: dict[tuple[str, str], str] = {}
    above = {a for c in inputs for a in fw.ancestors(c)}
    for ref, name, code, value, src in rows:
        assert value is not None  # filtered on value__isnull=False
        if code in above:
            checks.setdefault(name, {})[code] = value
        if code not in inputs:
            continue
        units[ref] = name
        data.setdefault(name, {})[code] = value
        sources[(name, code)] = src or table.source
    complete = [n for n in data if all(c in data[n] for c in inputs)]
    dropped = sorted(set(data) - set(complete))
    if not inputs:
        raise ValueError(_("Bảng “{t}” chỉ có tổng điểm hoặc thứ hạng, không có chỉ số chính để tính lại.").format(
            t=table.title))
    day = table.published_on or dt.date(table.year, 12, 31)
    unit_ref = unit_ref or next((r for r in (home_province(day)[0], home_province()[0]) if r in units),
                                home_province()[0])
    if unit_ref not in units or units[unit_ref] not in complete:
        raise ValueError(_("Bảng “{t}” không có đủ số liệu của tỉnh để tính.").format(t=table.title))
    unit = units[unit_ref]
    result = compute(fw, {n: data[n] for n in complete}, sources=sources)
    ranks: dict[str, dict[str, int]] = {}
    for name, code, rank in table.values.filter(rank__isnull=False).values_list("unit_name", "code", "rank"):
        assert rank is not None  # filtered on rank__isnull=False
        ranks.setdefault(name, {})[code] = rank
    note = ""
    if dropped:
        note = _("Bỏ qua {n} tỉnh thiếu số liệu: {names}.").format(n=len(dropped), names=", ".join(dropped))
    return _store(
        result, unit=unit, unit_ref=unit_ref, actor=actor, year=table.year, basis=IndexRun.Basis.PUBLISHED,
        title=_("{fw} năm {year} — từ bảng “{t}”").format(fw=fw.label("vi"), year=table.year, t=table.title),
        is_demo=table.is_demo, table=table, note=note,
        inputs={"units": complete, "codes": inputs, "values": [[data[n][c] for c in inputs] for n in complete],
                "dropped": dropped},
        summary_extra={"check": compare_published(result, checks, ranks)},
    )


# How agencies' values of one indicator make the province's (HC-COMBINE): one rule for every page,
# run and report (docs/reports.md, "Counts add up").
COMBINE_RULES = ("sum", "mean")
# a unit naming a rate, a share or a score: its agencies' values are averaged
_RATE_MARKS = ("%", "/")
_RATE_WORDS = ("điểm", "tỷ lệ", "tỉ lệ", "chỉ số")


def combine_rule(fw: Framework | None, code: str) -> str:
    """``"sum"`` or ``"mean"``: how several agencies' values of indicator ``code`` give the province's.

    1. ``combine: sum|mean`` set on the indicator or on its nearest ancestor in the framework YAML;
    2. else by the indicator's unit: a unit that counts things ("hồ sơ", "dịch vụ", "văn bản") is
       summed (each agency reports its own share of the province's dossiers);
    3. else — a percentage, a ratio ("thuê bao/100 dân"), a score, or no unit — the mean.
    """
    if fw is None:
        return "mean"
    try:
        chain = [code, *fw.ancestors(code)]
        node = fw.node(code)
    except (EngineError, KeyError):
        return "mean"
    for c in chain:
        rule = str(fw.node(c).extra.get("combine", "")).strip().lower()
        if rule in COMBINE_RULES:
            return rule
    unit = (node.unit or "").strip().lower()
    rate = any(m in unit for m in _RATE_MARKS) or unit.startswith(_RATE_WORDS)
    return "sum" if unit and not rate else "mean"


def combine(fw: Framework | None, code: str, numbers: list[float]) -> float | None:
    """The province's value of ``code`` from its agencies' ``numbers`` (:func:`combine_rule`);
    None when no agency has one."""
    if not numbers:
        return None
    return float(sum(numbers)) if combine_rule(fw, code) == "sum" else float(np.mean(numbers))


def province_values(rnd) -> tuple[dict[str, float], dict[str, list[dict]]]:
    """The province's raw value per indicator from the round's *approved* submissions.

    Several agencies may report the same indicator: their values combine by :func:`combine_rule`
    (counts such as dossiers received are summed, rates and scores averaged).  Returns
    ``(values, origins)`` where ``origins[code]`` lists
    ``{"agency", "agency_id", "value", "submission_id"}``.
    """
    from chiso.collection.models import Submission, Value

    try:
        fw = frameworks.get_framework(rnd.framework_id)
    except EngineError:
        fw = None
    qs = (Value.objects.filter(submission__round=rnd, submission__status=Submission.Status.APPROVED,
                               number__isnull=False)
          .values_list("code", "number", "submission_id", "submission__agency_id", "submission__agency__name")
          .order_by("code", "submission__agency__name"))
    origins: dict[str, list[dict]] = {}
    for code, number, sub_id, agency_id, agency in qs:
        origins.setdefault(code, []).append(
            {"agency": agency, "agency_id": agency_id, "value": number, "submission_id": sub_id})
    values: dict[str, float] = {}
    for c, os_ in origins.items():
        value = combine(fw, c, [o["value"] for o in os_])
        assert value is not None  # every code in origins has at least one agency's number
        values[c] = value
    return values, origins


def goalposts_for(fw: Framework, year: int) -> tuple[dict[str, tuple[float | None, float]], dict[str, str]]:
    """Goalposts per indicator: entered by the department, else fitted (``fit_minmax``) on the raw
    indicator values of the last published table of the framework up to ``year``."""
    out: dict[str, tuple[float | None, float]] = {}
    origin: dict[str, str] = {}
    for g in Goalpost.objects.filter(framework_id=fw.id):
        out[g.code] = (g.lo, g.hi)
        origin[g.code] = g.source + (f" ({DEMO_LABEL})" if g.is_demo else "")
    fitted, fitted_origin = fitted_goalposts(fw, year, [n.code for n in fw.indicators if n.code not in out])
    out.update(fitted)
    origin.update(fitted_origin)
    return out, origin


def fitted_goalposts(fw: Framework, year: int, codes: list[str]
                     ) -> tuple[dict[str, tuple[float, float]], dict[str, str]]:
    """Goalposts of ``codes`` fitted (``fit_minmax``) on the raw indicator values of the last
    published table of the framework up to ``year``; codes the table lacks are left out."""
    out: dict[str, tuple[float, float]] = {}
    origin: dict[str, str] = {}
    if not codes:
        return out, origin
    table = (PublishedTable.objects.filter(framework_id=fw.id, year__lte=year, values__code__in=codes)
             .distinct().first())
    if table is None:
        return out, origin
    vals = table.values.filter(code__in=codes, value__isnull=False)
    units = sorted({v.unit_ref for v in vals})
    found = sorted({v.code for v in vals})
    mat = np.full((len(units), len(found)), np.nan)
    for v in vals:
        mat[units.index(v.unit_ref), found.index(v.code)] = v.value
    gp: MinMax = fit_minmax(mat)
    for k, code in enumerate(found):
        out[code] = (float(gp.lo_[0, k]), float(gp.hi_[0, k]))
        origin[code] = _("mốc tính từ bảng “{t}” ({n} tỉnh)").format(t=table.title, n=len(units))
    return out, origin
