"""What the reports read from the action program (``chiso.program``): tasks with their KPIs and
traffic lights, progress reports and recommendations, as plain JSON-ready dicts.

Reports degrade clearly when the program app is not installed or holds no program: the snapshot
says ``{"available": False, "note": …}`` and the document prints that note instead of the section.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.apps import apps
from django.utils import timezone, translation


def _installed() -> bool:
    return apps.is_installed("chiso.program")


def current_program(framework_id: str | None = None, *, as_of: dt.date | None = None):
    """The program the reports read (:func:`chiso.program.services.plan_tasks.current_program`); ``None``
    when the program app is not installed."""
    if not _installed():
        return None
    from chiso.program.services.plan_tasks import current_program as in_force

    return in_force(framework_id, as_of=as_of)


def _province_ref(program) -> str:
    from chiso.orgs.issuers import province_of

    body = program.standing_body
    province = province_of(body.unit) if body is not None else None
    return province.ref_id if province is not None else ""


def unavailable(note: str) -> dict[str, Any]:
    return {"available": False, "note": note}


def end_of(day: dt.date) -> dt.datetime:
    """The last instant of ``day`` in the site's time zone (a step at 23:59 that day counts)."""
    return timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min)) - dt.timedelta(
        microseconds=1
    )


def status_on(rec, day: dt.date) -> str | None:
    """A recommendation's status on ``day`` from its history: the ``status_after`` of its last step
    up to the end of that day; its initial status (submitted) when it existed but no step had been
    recorded yet; None when it did not exist yet. A recommendation without any recorded step (written
    before steps were kept) has only its current status to go by. ``rec.steps`` is read through
    ``.all()`` (prefetch it)."""
    from chiso.program.models import Recommendation

    end = end_of(day)
    if rec.created > end:
        return None
    steps = list(rec.steps.all())
    if not steps:
        return rec.status
    before = [s for s in steps if s.time <= end]
    return before[-1].status_after if before else Recommendation.Status.SUBMITTED


def program_state(
    *,
    framework_id: str | None,
    as_of: dt.date,
    date_from: dt.date | None = None,
    day: dt.date | None = None,
) -> dict[str, Any]:
    """:func:`_program_state` in Vietnamese whatever language the caller has active: its statuses,
    periods and notes are printed in documents, which are always Vietnamese."""
    with translation.override("vi"):
        return _program_state(framework_id=framework_id, as_of=as_of, date_from=date_from, day=day)


def _program_state(
    *,
    framework_id: str | None,
    as_of: dt.date,
    date_from: dt.date | None,
    day: dt.date | None,
) -> dict[str, Any]:
    """Tasks, KPIs (with actuals and lights), the latest approved progress per task up to
    ``as_of``, and recommendations: those open on the report's date ``day`` (default ``as_of``) and
    those created from ``date_from`` on, each with its status on ``day`` read from its steps
    (:func:`status_on`; open: submitted, assigned or escalated to the UBND tỉnh).

    Draft tasks (proposed by a plan, not yet issued) are in no count and no table here: the annual
    report lists them only among the plan's proposed assignments.

    A program that had ended on ``as_of`` is judged as at its end date (as the board,
    ``chiso.program.services.judged_on``): ``closed`` is true and ``closed_note`` says so in the
    document's words; recommendations are still listed up to ``day``."""
    if not _installed():
        return unavailable(
            "Phân hệ Chương trình hành động chưa được cài đặt: chưa có số liệu về nhiệm vụ, "
            "chỉ tiêu và kiến nghị."
        )
    from chiso.program import lights
    from chiso.program import services as program_services

    program = current_program(framework_id, as_of=as_of)
    if program is None:
        return unavailable(
            "Chưa có chương trình hành động nào trong chiso: chưa có số liệu về nhiệm vụ, "
            "chỉ tiêu và kiến nghị."
        )
    day = day or as_of
    asked = as_of
    closed = program_services.is_closed(program, as_of)
    as_of = program_services.judged_on(program, as_of)
    reports, period_reports = _approved_reports(program, as_of, date_from)
    tasks, demo = _task_rows(program, reports, as_of)
    recs, recs_demo = _recommendation_rows(program, day, date_from, asked)
    demo = demo or recs_demo
    progress = [
        {
            "task": rep.task.number,
            "task_title": rep.task.title,
            "agency": str(rep.agency),
            "period": rep.period,
            "status": rep.get_task_status_display(),
            "percent": rep.percent,
            "narrative": rep.narrative,
        }
        for rep in period_reports
    ]
    return {
        "available": True,
        "note": "",
        "closed": closed,
        "judged_on": as_of.isoformat(),
        "closed_note": (
            f"Chương trình đã kết thúc ngày {program.ends_on:%d/%m/%Y}; tình hình được đánh giá tại ngày kết thúc."
            if closed
            else ""
        ),
        # the province of the program's standing body: which province issues its reports when several
        # standing bodies are in force on a date (provinces merged later, each with its history)
        "province_ref": _province_ref(program),
        "program": {
            "title": program.title,
            "decision": f"{program.decision_number}",
            "header_number": program.header_number,
            "date": program.decision_date.isoformat(),
            "issuer": program.issuer,
            "starts_on": program.starts_on.isoformat(),
            "ends_on": program.ends_on.isoformat(),
            "framework_id": program.framework_id,
        },
        "light": lights.mean([t["light"] for t in tasks]),
        "tasks": tasks,
        # draft tasks (proposed by a plan, not issued): counted nowhere, only said to be left out
        "drafts": program.tasks.filter(is_draft=True).count(),
        "recommendations": recs,
        # the report's date: the recommendations' statuses and the open count are read on it
        "recs_day": day.isoformat(),
        "open_count": sum(1 for r in recs if r["open"]),
        "escalated_count": sum(1 for r in recs if r["escalated"]),
        "progress": progress,
        "is_demo": demo,
    }


def _approved_reports(program, as_of: dt.date, date_from: dt.date | None):
    """The latest approved progress per task up to ``as_of`` and the approved reports of the period."""
    from chiso.lib.periods import period_end
    from chiso.program.models import ProgressReport

    reports = {}
    period_reports = []
    for rep in (
        ProgressReport.objects.approved()
        .filter(task__program=program, task__is_draft=False)
        .select_related("agency", "task")
        .order_by("year", "quarter", "id")
    ):
        end = period_end(rep.year, rep.quarter)
        if end > as_of:
            continue
        reports[rep.task_id] = rep  # ordered: the last one wins
        if date_from is None or end >= date_from:
            period_reports.append(rep)
    return reports, period_reports


def _kpi_rows(task, actuals, program, as_of: dt.date) -> list[dict]:
    """A task's KPIs with their actuals (and where they come from) and lights on ``as_of``."""
    from chiso.program import lights

    kpis = []
    for kpi in task.kpis.all():
        got = actuals[kpi.pk]
        actual, origin = got.value, (f"{got.source} — {got.period}" if got.value is not None else "")
        light = lights.kpi_light(
            actual=actual,
            target=kpi.target,
            baseline=kpi.baseline,
            direction=kpi.direction,
            start=program.starts_on,
            due=kpi.due_on,
            as_of=as_of,
        )
        kpis.append(
            {
                "name": kpi.name,
                "unit": kpi.unit,
                "baseline": kpi.baseline,
                "target": kpi.target,
                "due_on": kpi.due_on.isoformat() if kpi.due_on else None,
                "actual": actual,
                "origin": origin,
                "light": light,
            }
        )
    return kpis


def _task_rows(program, reports: dict, as_of: dt.date) -> tuple[list[dict], bool]:
    """Issued tasks with their KPIs, latest approved progress and lights; and whether any is demo data."""
    from chiso.program import lights
    from chiso.program.services import kpi_actuals

    tasks = []
    demo = False
    all_tasks = list(
        program.tasks.filter(is_draft=False)
        .select_related("lead_agency")
        .prefetch_related("kpis", "supporting_agencies")
    )
    actuals = kpi_actuals([k for t in all_tasks for k in t.kpis.all()], as_of=as_of)
    for task in all_tasks:
        kpis = _kpi_rows(task, actuals, program, as_of)
        rep = reports.get(task.pk)
        demo = demo or bool(rep and rep.is_demo)
        light = lights.task_light(
            report_status=rep.task_status if rep else None,
            deadline=task.deadline,
            as_of=as_of,
            kpi_lights=[k["light"] for k in kpis],
        )
        tasks.append(
            {
                "number": task.number,
                "title": task.title,
                "lead": str(task.lead_agency),
                "support": [str(a) for a in task.supporting_agencies.all()],
                "deadline": task.deadline.isoformat() if task.deadline else None,
                "status": rep.get_task_status_display() if rep else None,
                "percent": rep.percent if rep else None,
                "period": rep.period if rep else None,
                "narrative": rep.narrative if rep else "",
                "light": light,
                "kpis": kpis,
                "components": list(task.components or []),
            }
        )
    return tasks, demo


def _recommendation_rows(program, day: dt.date, date_from: dt.date | None, asked: dt.date) -> tuple[list[dict], bool]:
    """Recommendations open on ``day`` or created in the period, with their status on ``day``."""
    from chiso.program.models import Recommendation

    demo = False
    recs = []
    labels = dict(Recommendation.Status.choices)
    for r in (
        program.recommendations.select_related("agency", "task", "assigned_to")
        .prefetch_related("steps")
        .order_by("created", "id")
    ):
        status = status_on(r, day)
        if status is None:  # not yet sent on the report's date
            continue
        created = timezone.localtime(r.created).date()
        is_open = status not in Recommendation.ANSWERED_STATES
        in_range = (date_from is None or created >= date_from) and created <= asked
        if not (is_open or in_range):
            continue
        answered = status in Recommendation.ANSWERED_STATES
        demo = demo or r.is_demo
        recs.append(
            {
                "title": r.title,
                "agency": str(r.agency),
                "status": str(labels.get(status, status)),
                "open": is_open,
                "escalated": status == Recommendation.Status.ESCALATED,
                "created": created.isoformat(),
                "task": r.task.number if r.task else None,
                "component": r.component,
                # the answer as given, once it was given on the report's date
                "answer": r.answer if answered else "",
                "assigned_to": str(r.assigned_to) if r.assigned_to and status != "submitted" else "",
            }
        )
    return recs, demo
