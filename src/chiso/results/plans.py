"""Least-cost plans kept with their run (``results.Plan``): computed from a run, read by the plan
page, the annual report and the program.  What turns a plan into the program's draft tasks, and the
plan as a report reads it with those tasks, are the program's (:mod:`chiso.program.services.plan_tasks`):
results reads nothing of the program.

A plan is computed by the engine (:func:`chiso.engine.analysis.seek_target`) on the run's stored
inputs — every province's values — with realistic bounds: no lever above the best value any peer has,
and a gain per lever over the plan's horizon capped by the province's own best yearly gain in the
published tables (:func:`chiso.engine.analysis.target.gain_caps`) or, where it has no history, by the
setting ``CHISO_PLAN_MAX_GAIN`` (per year).  Its values are rounded as displayed (4 decimals) and the
engine re-checks that the rounded plan still reaches the rank.  Each lever names its lead agency of
the day from the responsibility matrix (:mod:`chiso.collection.matrix`).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from chiso.engine.analysis.target import Lever, gain_caps, improving_directions, seek_target
from chiso.engine.errors import AnalysisError, EngineError
from chiso.lib import frameworks
from chiso.lib.refusal import Refused
from chiso.lib.templatetags import node_name
from chiso.lib.vn_format import format_number
from chiso.orgs import audit

from .models import IndexRun, Plan, PublishedValue

DECIMALS = 4
MAX_YEARS = 10


def default_max_gain() -> float:
    """The largest yearly gain of one lever when the province has no history (setting, default 0.10)."""
    return float(getattr(settings, "CHISO_PLAN_MAX_GAIN", 0.10))


@dataclass
class LeverRow:
    """One lever as the plan page shows it before computing: what it is now, how far it may go."""

    code: str
    name: str
    current: float
    best_peer: float | None
    cap: float  # the largest gain per year
    cap_source: str  # "history" | "setting" | "entered"
    cost: float = 1.0
    used: bool = True


def _data(run: IndexRun) -> tuple[Any, list[str], list[str], list[list[float | None]]]:
    """The framework and the run's inputs (every province): the plan's data.  A projection run holds
    the province alone, so its peers cannot be moved past: refused with the reason."""
    if run.is_projection or len(run.inputs.get("units", [])) < 2:
        raise Refused(_("Kế hoạch cần số liệu của mọi tỉnh: hãy lập kế hoạch trên một lần tính từ bảng "
                        "công bố của Bộ (lần tính này chỉ có số liệu của tỉnh)."))
    fw = frameworks.get_framework(run.framework_id)
    inp = run.inputs
    return fw, list(inp["units"]), list(inp["codes"]), inp["values"]


def history(run: IndexRun, codes: list[str], now: dict[str, float]) -> dict[int, dict[str, float]]:
    """The province's published values of ``codes`` by year: ``now`` (its values in the run) for the
    run's year and every earlier published table of the same framework (the yearly gains come from these)."""
    out: dict[int, dict[str, float]] = {}
    rows = (PublishedValue.objects.filter(table__framework_id=run.framework_id, table__year__lt=run.year,
                                          unit_ref=run.unit_ref, code__in=codes, value__isnull=False,
                                          table__is_demo=run.is_demo)
            .values_list("table__year", "code", "value").order_by("table__year", "-table__created"))
    for year, code, value in rows:
        out.setdefault(year, {}).setdefault(code, value)
    out[run.year] = {c: v for c, v in now.items() if c in codes}
    return out


def lever_rows(run: IndexRun, *, max_gain: float | None = None) -> list[LeverRow]:
    """Every input of the run the province could raise, with its current value, the best peer's and
    its yearly cap (its own best yearly gain in the published tables, else the setting)."""
    fw, units, codes, values = _data(run)
    i = units.index(run.unit_name)
    default = default_max_gain() if max_gain is None else max_gain
    dirs = improving_directions(fw)
    now = {c: v for c, v in zip(codes, values[i]) if v is not None}  # the run's own year, read once
    caps = gain_caps(history(run, codes, now), codes, default=default, years=1, directions=dirs)
    out = []
    for j, code in enumerate(codes):
        mine = values[i][j]
        if mine is None:
            continue
        node = fw.node(code)
        d = dirs.get(code, 1)
        peers = [row[j] for k, row in enumerate(values) if k != i and row[j] is not None]
        best = (max(peers) if d > 0 else min(peers)) if peers else None
        cap, source = caps.get(code, (default, "setting"))
        out.append(LeverRow(code, node.label("vi"), float(mine), best, float(cap), source))
    return out


def peers_text(rate: float) -> str:
    if not rate:
        return _("các tỉnh khác giữ nguyên số liệu")
    return _("các tỉnh khác cải thiện {p} %/năm").format(p=format_number(rate * 100, 1))


def compute_plan(run: IndexRun, actor: audit.Actor, *, target_rank: int, years: int = 1, peers_rate: float = 0.0,
                 levers: list[LeverRow], deadline: dt.date | None = None) -> Plan:
    """Compute and keep the least-cost plan for the run's province to reach ``target_rank``.

    Raises :class:`~chiso.lib.refusal.Refused` with the reason in Vietnamese (a target out of
    range, no lever, a target no plan within the caps reaches — with the best rank reachable)."""
    fw, units, codes, values = _data(run)
    errors: dict[str, str] = {}
    if not 1 <= target_rank <= len(units):
        errors["target_rank"] = _("Thứ hạng mục tiêu phải từ 1 đến {n}.").format(n=len(units))
    if not 1 <= years <= MAX_YEARS:
        errors["years"] = _("Số năm phải từ 1 đến {n}.").format(n=MAX_YEARS)
    if not (math.isfinite(peers_rate) and -0.5 < peers_rate <= 1):
        errors["peers_rate"] = _("Mức cải thiện của các tỉnh khác phải từ −50 % đến 100 %.")
    used = [lv for lv in levers if lv.used and lv.cap > 0]
    if not used:
        errors["levers"] = _("Chọn ít nhất một chỉ số thành phần được phép nâng (mức tăng tối đa lớn hơn 0).")
    for lv in levers:
        name = node_name(lv.code, run.framework_id)  # in the reader's language (lv.name is kept in Vietnamese)
        if not (math.isfinite(lv.cost) and lv.cost > 0):
            errors[f"cost_{lv.code}"] = _("Chi phí của “{name}” phải là số dương.").format(name=name)
        if not (math.isfinite(lv.cap) and lv.cap >= 0):
            errors[f"cap_{lv.code}"] = _("Mức tăng tối đa của “{name}” phải là số không âm.").format(name=name)
    if errors:
        raise Refused(next(iter(errors.values())) if len(errors) == 1 else
                      _("Có {n} ô chưa hợp lệ.").format(n=len(errors)), errors)
    import numpy as np

    mat = np.array([[np.nan if v is None else v for v in row] for row in values], dtype=float)
    try:
        p = seek_target(fw, mat, units=units, codes=codes, unit=run.unit_name, rank=target_rank,
                        vary=[Lever(lv.code, None, lv.cost) for lv in used],
                        peers="frozen" if not peers_rate else f"trend:{peers_rate}",
                        missing=run.recipe.get("missing", {}).get("policy") or None,
                        cap_at_best_peer=True, max_gain={lv.code: lv.cap * years for lv in used}, decimals=DECIMALS)
    except AnalysisError as e:
        raise Refused(_plan_error(e, target_rank)) from None
    except EngineError as e:
        from .services import engine_message

        raise Refused(engine_message(e)) from None
    result = p.as_dict()
    names = {lv.code: lv.name for lv in levers}
    day = timezone.localdate()
    leads = _leads(fw, [c["code"] for c in result["changes"]], day)
    for c in result["changes"]:
        c["name"] = names.get(c["code"]) or fw.node(c["code"]).label("vi")
        c.update(leads.get(c["code"], {}))
    options = {
        "years": years, "peers_rate": peers_rate, "max_gain_per_year": default_max_gain(),
        "levers": [{"code": lv.code, "name": lv.name, "current": lv.current, "best_peer": lv.best_peer,
                    "cap": lv.cap, "cap_source": lv.cap_source, "cost": lv.cost, "used": lv.used} for lv in levers],
        "deadline": (deadline or dt.date(day.year + years, 12, 31)).isoformat(),
    }
    with transaction.atomic():
        plan = Plan.objects.create(
            run=run, framework_id=run.framework_id, unit_ref=run.unit_ref, unit_name=run.unit_name,
            target_rank=target_rank, peers=result.get("peers", "frozen"), options=options, result=result,
            score_before=result["score_before"], score_after=result["score_after"],
            rank_before=result["rank_before"], rank_after=result.get("verified_rank") or result["rank_after"],
            exact=bool(result["exact"]), is_demo=run.is_demo, created_by=actor.user,
        )
        audit.record(actor, "results.plan.create", plan, after={
            "run": run.pk, "target_rank": target_rank, "rank_after": plan.rank_after, "exact": plan.exact,
            "levers": {c["code"]: [c["from"], c["to"]] for c in result["changes"]}})
    return plan


def _plan_error(e: AnalysisError, k: int) -> str:
    p = e.params
    if e.code == "target_impossible" and p.get("best_rank"):
        return _("Không đạt được hạng {k} trong các giới hạn đã đặt: nâng mọi chỉ số đến mức tối đa cho phép thì "
                 "tỉnh đạt hạng {best}. Hãy nới mức tăng tối đa, thêm số năm hoặc chọn thêm chỉ số.").format(
            k=k, best=p["best_rank"])
    if e.code == "target_impossible":
        return _("Không tìm được kế hoạch đạt hạng {k} trong các giới hạn đã đặt.").format(k=k)
    if e.code == "target_nonlinear":
        return _("Bộ chỉ số có cách tính không tuyến tính ở chỉ số này: không lập được kế hoạch chi phí thấp nhất.")
    if e.code == "invalid_target":
        return _("Thứ hạng mục tiêu không hợp lệ.")
    return _("Không lập được kế hoạch: {reason}.").format(reason=str(e))


def _leads(fw, codes: list[str], day: dt.date) -> dict[str, dict[str, Any]]:
    """Code -> the lead and supporting agencies of the day from the matrix (names and the lead's id)."""
    from chiso.collection import matrix

    out = {}
    for code, h in matrix.holders(fw, day, codes).items():
        out[code] = {
            "lead": h.short("lead") or None,
            "lead_ids": [a.pk for a, _n in h.lead],
            "support": h.short("support") or None,
            "support_ids": [a.pk for a, _n in h.support],
            "lead_proposal": h.proposal,
        }
    return out


# --- the plan as a report reads it ------------------------------------------------------------------


def _bound_text(c: dict) -> str:
    reason = c.get("bound_reason")
    return {
        "best_peer": _("bằng tỉnh cao nhất"),
        "max_gain": _("mức tăng tối đa"),
        "range": _("giới hạn của chỉ số"),
        "saturation": _("đã đạt điểm tối đa"),
    }.get(reason, "")


def plan_rows(plan: Plan) -> list[dict[str, Any]]:
    deadline = plan.options.get("deadline")
    return [{"code": c["code"], "name": c.get("name") or c["code"], "from": c["from"], "to": c["to"],
             "change": c["to"] - c["from"], "lead": c.get("lead") or "", "support": c.get("support") or "",
             "lead_proposal": bool(c.get("lead_proposal")), "deadline": deadline,
             # why it stops there, when it stops at its bound (else the plan needs no more of it)
             "bound": _bound_text(c) if c.get("at_bound") else "",
             "cost": c.get("cost")}
            for c in plan.result.get("changes", [])]
