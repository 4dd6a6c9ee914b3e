"""From a least-cost plan (``results.Plan``, :mod:`chiso.results.plans`) to the program's tasks: the
program a plan's tasks go into, the draft tasks made from it, and the plan as a report reads it with
those tasks.  The program sits above results: it reads the plan, results reads nothing of the program.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from chiso.lib.refusal import Refused
from chiso.lib.templatetags import node_name
from chiso.lib.vn_format import format_number
from chiso.orgs import audit
from chiso.orgs.models import Agency
from chiso.results.models import Plan
from chiso.results.plans import DECIMALS, peers_text, plan_rows

from ..models import Kpi, Program, Task
from .periods import closing_sentence, is_closed
from .publication import programs_of_family
from .writing import framework_codes, framework_indicators, save_kpi, save_task


def current_program(framework_id: str | None = None, *, as_of: dt.date | None = None) -> Program | None:
    """The program in force on ``as_of`` (the latest started by then, else the first): on the edition
    ``framework_id`` when given, else on another edition of the same index, else any."""
    qs = Program.objects.all()
    if framework_id:
        qs = qs.filter(framework_id=framework_id) or programs_of_family(framework_id) or Program.objects.all()
    if as_of is not None:
        in_force = qs.filter(starts_on__lte=as_of).order_by("-starts_on")
        if in_force.exists():
            return in_force.first()
    return qs.first()


# --- the plan as a report reads it, with its tasks ----------------------------------------------------


def plan_state(framework_id: str, *, as_of: dt.date, run_id: int | None = None) -> dict[str, Any]:
    """The latest plan made up to ``as_of`` (on ``run_id`` when given), as plain data for a report.

    ``{"available": False, "note": sentence}`` when there is none; otherwise ``available``,
    ``target_rank``, ``rank_before``, ``rank_after``, ``score_before``, ``score_after``, ``exact``,
    ``peers_text``, ``created`` (ISO date), ``is_demo``, ``rows`` (one per lever: ``name``, ``from``,
    ``to``, ``lead``, ``lead_proposal``, ``deadline``) and ``assignments`` (the tasks made from it:
    ``number``, ``title``, ``lead``, ``target``, ``deadline``, ``draft``)."""
    qs = Plan.objects.filter(framework_id=framework_id, created__date__lte=as_of)
    if run_id is not None:
        qs = qs.filter(run_id=run_id)
    plan = qs.order_by("-created", "-id").first()
    if plan is None:
        return {"available": False, "note": _("Chưa lập kế hoạch đạt hạng mục tiêu cho kết quả này.")}
    return {
        "available": True, "note": "", "target_rank": plan.target_rank, "rank_before": plan.rank_before,
        "rank_after": plan.rank_after, "score_before": plan.score_before, "score_after": plan.score_after,
        "exact": plan.exact, "peers_text": peers_text(plan.options.get("peers_rate") or 0.0),
        "years": plan.options.get("years", 1), "created": timezone.localtime(plan.created).date().isoformat(),
        "is_demo": plan.is_demo, "rows": plan_rows(plan), "assignments": assignments(plan, as_of=as_of),
        "run_title": plan.run.title,
    }


def assignments(plan: Plan, *, as_of: dt.date | None = None) -> list[dict[str, Any]]:
    """The tasks made from the plan that still exist (drafts said to be drafts)."""
    ids = [t["task_id"] for t in plan.tasks]
    if not ids:
        return []
    tasks = {t.pk: t for t in Task.objects.filter(pk__in=ids).select_related("lead_agency").prefetch_related("kpis")}
    out = []
    for ref in plan.tasks:
        t = tasks.get(ref["task_id"])
        if t is None:
            continue
        kpi = next(iter(t.kpis.all()), None)
        out.append({"number": t.number, "title": t.title, "lead": str(t.lead_agency), "code": ref["code"],
                    "target": kpi.target if kpi else None, "baseline": kpi.baseline if kpi else None,
                    "deadline": t.deadline.isoformat() if t.deadline else None, "draft": t.is_draft,
                    "task_id": t.pk, "program_id": t.program_id})
    return out


# --- from the plan to the program's tasks ----------------------------------------------------------


def target_program(plan: Plan, day: dt.date | None = None):
    """The action program the plan's tasks go into: the one on the plan's index in force today (the
    program the reports read, :func:`current_program`)."""
    return current_program(plan.framework_id, as_of=day or timezone.localdate())


def assign(plan: Plan, actor: audit.Actor, *, day: dt.date | None = None) -> list:
    """Turn the plan into draft tasks of the current program, one per lever, each with one KPI (the
    component's score now and the plan's target, due at the plan's deadline), led by the lever's
    lead agency of the matrix.  All or nothing; the department then reviews and issues them
    (:func:`chiso.program.services.issue_tasks`).  Refused (nothing written) when the plan was
    assigned already, there is no program, it has ended, or a lever has no lead agency."""
    day = day or timezone.localdate()
    rows = plan_rows(plan)
    if assignments(plan):
        raise Refused(_("Kế hoạch này đã được giao thành nhiệm vụ; xem các nhiệm vụ dự thảo trong chương trình."))
    if not rows:
        raise Refused(_("Kế hoạch không có chỉ số nào cần nâng: không có nhiệm vụ để giao."))
    program = target_program(plan, day)
    if program is None:
        raise Refused(_("Chưa có chương trình hành động nào: hãy soạn hoặc nhập chương trình trước khi giao việc."))
    if is_closed(program, day):
        raise Refused(closing_sentence(program))
    changes = {c["code"]: c for c in plan.result.get("changes", [])}
    no_lead = [node_name(r["code"], plan.framework_id) for r in rows if not changes[r["code"]].get("lead_ids")]
    if no_lead:
        raise Refused(_("Chưa có cơ quan chủ trì cho: {names}. Hãy phân công trong ma trận trách nhiệm rồi lập lại "
                        "kế hoạch.").format(names=", ".join(no_lead)))
    known = {c for c, _label in framework_codes(program.framework_id)}
    indicators = {c for c, _label in framework_indicators(program.framework_id)}
    deadline = dt.date.fromisoformat(plan.options.get("deadline") or program.ends_on.isoformat())
    deadline = min(max(deadline, program.starts_on), program.ends_on)
    made = timezone.localtime(plan.created).date()
    with translation.override("vi"):  # the tasks' text is the program's, in its language whatever the reader's
        basis = _("Kế hoạch đạt hạng {k} lập ngày {d}").format(k=plan.target_rank, d=made.strftime("%d/%m/%Y"))
    agencies = Agency.objects.in_bulk([i for c in changes.values() for i in c.get("lead_ids", []) + c.get(
        "support_ids", [])])
    created = []
    with transaction.atomic():
        locked = Plan.objects.select_for_update().get(pk=plan.pk)
        if locked.tasks:  # a second click at the same moment: the first one wins, nothing doubled
            raise Refused(_("Kế hoạch này vừa được giao thành nhiệm vụ."))
        for r in rows:
            c = changes[r["code"]]
            lead = agencies[c["lead_ids"][0]]
            support = [agencies[i] for i in [*c["lead_ids"][1:], *c.get("support_ids", [])] if i in agencies]
            frm, to = format_number(r["from"], DECIMALS), format_number(r["to"], DECIMALS)
            with translation.override("vi"):  # as the basis above (r["name"] is kept in Vietnamese)
                title = _("Nâng chỉ số {name} từ {a} lên {b}").format(name=r["name"], a=frm, b=to)[:200]
                text = _("Nâng điểm chỉ số {name} của tỉnh từ {a} lên {b} để tỉnh đạt hạng {k} ({basis}; {peers}).").format(
                    name=r["name"], a=frm, b=to, k=plan.target_rank, basis=basis,
                    peers=peers_text(plan.options.get("peers_rate") or 0.0))
                kpi_name = _("Điểm chỉ số {name}").format(name=r["name"])[:300]
            task, _changed = save_task(program, actor, draft=True, data={
                "title": title, "text": text, "lead_agency": lead, "supporting_agencies": support,
                "deadline": deadline, "components": [r["code"]] if r["code"] in known else [],
                "assignment_basis": basis[:300],
            })
            save_kpi(program, actor, task_id=task.pk, data={
                "name": kpi_name, "unit": "",
                "baseline": r["from"], "baseline_year": plan.run.year, "target": r["to"], "target_basis": basis,
                "direction": Kpi.Direction.UP, "due_on": deadline,
                "source": Kpi.Source.INDICATOR if r["code"] in indicators else Kpi.Source.REPORTED,
                "indicator_code": r["code"] if r["code"] in indicators else "",
            })
            created.append(task)
        locked.tasks = [{"code": r["code"], "task_id": t.pk} for r, t in zip(rows, created)]
        locked.program, locked.assigned = program, timezone.now()
        locked.save(update_fields=["tasks", "program", "assigned"])
        audit.record(actor, "results.plan.assign", locked, after={"program": program.pk,
                                                                  "tasks": [t.number for t in created]})
    plan.tasks, plan.program, plan.assigned = locked.tasks, program, locked.assigned
    return created
