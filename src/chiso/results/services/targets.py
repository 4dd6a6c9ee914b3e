"""Target rank and goalposts entered by the department."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from chiso.engine.compute import Result, compute
from chiso.engine.framework import Framework
from chiso.lib import frameworks
from chiso.lib.vn_format import format_number
from chiso.orgs import audit

from ..models import Goalpost, IndexRun, PublishedTable, Target
from .computing import _store, _summary, goalposts_for, province_values
from .province import home_province, target_for

# Scoring rules that place a value between peers' minimum and maximum: they need goalposts when
# peers' raw values are unknown.  ``ratio_to_max`` needs only the maximum.
GOALPOST_RULES = ("minmax", "ratio_to_max", "zscore", "percentile")
LO_OPTIONAL_RULES = ("ratio_to_max",)


def goalpost_indicators(fw: Framework) -> list:
    """The framework's indicators whose scoring needs goalposts, in framework order."""
    return [n for n in fw.indicators if n.scoring is not None and n.scoring.rule in GOALPOST_RULES]


def max_rank(fw: Framework) -> int | None:
    """How many units are ranked in the framework's edition (63 provinces up to 2025), or None
    when the reference registry does not know the level."""
    from chiso.reference import load_registry

    try:
        n = len(load_registry().units_at(dt.date(int(fw.edition), 12, 31), level=fw.level))
    except (LookupError, TypeError, ValueError):
        return None
    return n or None


def set_target(fw: Framework, actor: audit.Actor, *, rank: int, basis: str, reason: str = "") -> Target:
    """Set the province's target rank for ``fw``: one transaction, one audit row."""
    with transaction.atomic():
        # Two department users saving at once: the row lock orders them, the last one wins and
        # both changes are in the audit trail with their own before/after.
        target = Target.objects.select_for_update().filter(framework_id=fw.id).first()
        before = {"rank": target.rank, "basis": target.basis} if target is not None else None
        after = {"rank": rank, "basis": basis}
        if target is not None and before == after:
            return target
        if target is None:
            target = Target(framework_id=fw.id)
        target.rank, target.basis = rank, basis
        target.updated, target.updated_by = timezone.now(), actor.user
        target.save()
        audit.record(actor, "results.target.change", target, before=before, after=after, reason=reason,
                     object_repr=f"{fw.id}: {rank}")
    return target


@dataclass(frozen=True)
class GoalpostEntry:
    """One indicator's goalposts as the department wants them: ``lo``/``hi`` entered, or
    ``entered=False`` to take them from the last published edition."""

    code: str
    entered: bool
    lo: float | None = None
    hi: float | None = None


def save_goalposts(fw: Framework, entries: list[GoalpostEntry], actor: audit.Actor, *, source: str,
                   reason: str = "") -> int:
    """Write the goalposts of ``fw``, all or nothing, with one audit row listing every change
    (before/after per code).  Unchanged indicators keep their source.  Returns the number changed."""
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    with transaction.atomic():
        # Lock the framework's rows so that two simultaneous saves do not interleave half-way.
        current = {g.code: g for g in Goalpost.objects.select_for_update().filter(framework_id=fw.id)}
        for e in entries:
            g = current.get(e.code)
            old = {"lo": g.lo, "hi": g.hi, "source": g.source} if g is not None else None
            if not e.entered:
                if g is not None:
                    g.delete()
                    before[e.code], after[e.code] = old, None
                continue
            if g is not None and (g.lo, g.hi) == (e.lo, e.hi):
                continue
            if g is None:
                g = Goalpost(framework_id=fw.id, code=e.code)
            assert e.hi is not None  # an entered entry has its upper goalpost (GoalpostsForm requires it)
            g.lo, g.hi, g.source, g.is_demo = e.lo, e.hi, source, False
            g.updated, g.updated_by = timezone.now(), actor.user
            g.save()
            before[e.code], after[e.code] = old, {"lo": e.lo, "hi": e.hi, "source": source}
        if after or before:
            audit.record(actor, "results.goalposts.change", ("results.goalpost", fw.id), before=before,
                         after=after, reason=reason, object_repr=f"{fw.id}: {len(after)}")
    return len(after)


def run_from_round(rnd, actor: audit.Actor) -> IndexRun:
    """Project the province's index from its approved values.

    Step 1 (score): the province's indicators are scored by the engine together with two
    reference rows, ``__lo__`` and ``__hi__``, holding the goalposts, so min–max and value ÷ max
    use the peers' range instead of the province alone (what ``apply_minmax`` with clipping does).
    Step 2 (rank): the province's main indices are placed among the peers' published values of the
    same edition: a full ranking when peers' main indices are published, otherwise a rank bracket
    between the published totals just above and below.
    """
    fw = frameworks.get_framework(rnd.framework_id)
    unit_ref, unit = home_province()
    values, origins = province_values(rnd)
    if not values:
        raise ValueError(_("Chưa có số liệu đã phê duyệt trong đợt “{t}”.").format(t=rnd.title))
    gps, gp_origin = goalposts_for(fw, rnd.year)
    indicators = [n.code for n in fw.indicators]
    needs_gp = {n.code for n in goalpost_indicators(fw)}
    missing_gp = [c for c in indicators if c in values and c not in gps and c in needs_gp]
    used = [c for c in indicators if c in values and c not in missing_gp]
    no_value = [c for c in indicators if c not in values]
    data = {unit: {c: values[c] for c in used}}
    lo_row = {c: lo for c in used if c in gps and (lo := gps[c][0]) is not None}
    hi_row = {c: gps[c][1] for c in used if c in gps}
    if hi_row:
        data["__hi__"] = hi_row
    if lo_row:
        data["__lo__"] = lo_row
    sources = {(unit, c): "; ".join(f"{o['agency']}: {format_number(o['value'])}" for o in origins[c]) for c in used}
    for c in hi_row:
        sources[("__hi__", c)] = gp_origin.get(c, "")
    result = compute(fw, data, missing="reweight", sources=sources)

    # Step 2: place the province among its peers.
    names = [fw.node(c).label("vi") for c in missing_gp], [fw.node(c).label("vi") for c in no_value]
    note = [_("Ước tính: giá trị thô của các tỉnh khác chưa biết; các chỉ tiêu được chấm điểm theo mốc "
              "(giá trị nhỏ nhất/lớn nhất) do Sở nhập hoặc lấy từ kỳ công bố gần nhất.")]
    if missing_gp:
        note.append(_("Chưa có mốc cho {n} chỉ tiêu (không tính): {codes}.").format(
            n=len(missing_gp), codes="; ".join(names[0])))
    if no_value:
        note.append(_("Chưa có số liệu đã phê duyệt cho {n} chỉ tiêu (không tính): {codes}.").format(
            n=len(no_value), codes="; ".join(names[1])))
    mains = [c.code for c in fw.root.children]
    mine = {c: result.score(unit, c) for c in mains}
    # Coverage (HC-COVERAGE): a total reweighted over the main indices that have data is not the
    # index; placed among peers' totals it would claim a rank it has not earned.  With any scored main
    # index without data the run stores no rank and no bracket, and says on how many it is computed.
    scored_mains = [c.code for c in fw.root.children if c.scored]
    with_data = [c for c in scored_mains if mine.get(c) is not None and mine[c] == mine[c]]
    missing_mains = [fw.node(c).label("vi") for c in scored_mains if c not in with_data]
    coverage = {"mains": len(with_data), "mains_total": len(scored_mains), "indicators": len(used),
                "indicators_total": len(indicators), "missing_mains": missing_mains}
    coverage["complete"] = coverage["mains"] == coverage["mains_total"] and len(used) == len(indicators)
    peers_table = (PublishedTable.objects.filter(framework_id=fw.id, year=rnd.year).order_by("-created").first())
    rank = rank_low = rank_high = None
    n_units = 1
    extra: dict[str, Any] = {"coverage": coverage}
    if len(with_data) < len(scored_mains):
        note.append(_("Tính trên {k}/{n} chỉ số thành phần (chưa có số liệu: {missing}); chưa đủ để xếp "
                      "hạng.").format(k=len(with_data), n=len(scored_mains),
                                     missing="; ".join(missing_mains)))
    elif peers_table is not None:
        pv = list(peers_table.values.exclude(unit_ref=unit_ref).values_list("unit_name", "code", "value", "rank"))
        full: dict[str, dict[str, float]] = {}
        for name, code, value, _r in pv:
            if code in mains and value is not None:
                full.setdefault(name, {})[code] = value
        full = {n: d for n, d in full.items() if all(c in d for c in mains)}
        if full and all(v == v for v in mine.values()):
            ranked = compute(fw, {unit: mine, **full},
                             sources={**{(n, c): peers_table.source for n in full for c in mains},
                                      **{(unit, c): _("ước tính từ số liệu đã phê duyệt") for c in mains}})
            rank = ranked.rank_of(unit)
            n_units = len(ranked.units)
            extra["ranking"] = _summary(ranked, unit, target_for(fw.id)[0])
            note.append(_("Xếp hạng giữa {n} tỉnh có chỉ số thành phần công bố trong bảng “{t}”.").format(
                n=len(full), t=peers_table.title))
        else:
            totals = sorted(((v, r, n) for n, c, v, r in pv if c == fw.root.code and v is not None and r),
                            key=lambda t: -t[0])
            score = result.score(unit)
            above = [r for v, r, _n in totals if v > score]
            below = [r for v, r, _n in totals if v <= score]
            if totals:
                rank_low = (max(above) + 1) if above else 1
                rank_high = min(below) if below else None
                n_units = 63 if fw.level == "province" else len(totals) + 1
                note.append(_("Chỉ có tổng điểm của {n} tỉnh được công bố (“{t}”): thứ hạng ước tính là một "
                              "khoảng giữa các tỉnh công bố liền trên và liền dưới.").format(
                    n=len(totals), t=peers_table.title))
    else:
        note.append(_("Chưa có bảng công bố của các tỉnh cho năm {y}: chưa xếp hạng được.").format(y=rnd.year))
    extra["origins"] = origins
    extra["goalposts_origin"] = gp_origin
    return _store(
        result, unit=unit, unit_ref=unit_ref, actor=actor, year=rnd.year, basis=IndexRun.Basis.COLLECTED,
        title=_("{fw} năm {year} — ước tính từ đợt “{t}”").format(fw=fw.label("vi"), year=rnd.year, t=rnd.title),
        is_demo=rnd.is_demo or Goalpost.objects.filter(framework_id=fw.id, is_demo=True).exists(),
        is_projection=True, round=rnd, table=peers_table, note="\n".join(note),
        inputs={"units": list(data), "codes": used, "values": [[data[u].get(c) for c in used] for u in data],
                "province": values},
        goalposts={c: {"lo": gps[c][0], "hi": gps[c][1], "source": gp_origin.get(c, "")} for c in gps},
        rank=rank, rank_low=rank_low, rank_high=rank_high or None, n_units=n_units, summary_extra=extra,
    )


def partial_coverage(runs, pks: list[int]) -> dict[int, dict]:
    """HC-COVERAGE: run id -> its coverage (``summary["coverage"]``: main indices with data of all) for
    the runs among ``pks`` computed on only part of the main indices: they show no rank as fact.
    Runs stored before coverage was recorded have none."""
    out = {}
    for pk, cov in runs.filter(pk__in=pks).values_list("pk", "summary__coverage"):
        if isinstance(cov, dict) and cov.get("mains", 0) < cov.get("mains_total", 0):
            out[pk] = cov
    return out


def replay(run: IndexRun) -> Result:
    """Recompute a run from its stored inputs (the recipe's missing-data policy included)."""
    fw = frameworks.get_framework(run.framework_id)
    inp = run.inputs
    mat = np.array([[np.nan if v is None else v for v in row] for row in inp["values"]], dtype=float)
    miss = run.recipe.get("missing", {})
    policy = miss.get("policy", "error") + (":" + miss["method"] if miss.get("policy") == "impute" else "")
    return compute(fw, mat, units=inp["units"], codes=inp["codes"], missing=policy)
