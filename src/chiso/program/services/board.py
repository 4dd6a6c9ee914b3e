"""The program board."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.utils import timezone

from chiso.lib import frameworks
from chiso.lib.deadlines import is_overdue

from .. import lights
from ..models import (
    Kpi,
    Program,
    ProgressReport,
    Task,
)
from .actuals import Actual, kpi_actuals
from .periods import closing_sentence, is_closed, judged_on


@dataclass
class KpiRow:
    kpi: Kpi
    actual: Actual
    light: str


@dataclass
class TaskRow:
    task: Task
    kpis: list[KpiRow]
    report: ProgressReport | None  # latest approved
    light: str
    overdue: bool


@dataclass
class ObjectiveRow:
    objective: object
    tasks: list[TaskRow]
    rank: dict | None
    rank_light: str
    light: str


@dataclass
class Board:
    program: Program
    as_of: dt.date
    objectives: list[ObjectiveRow]
    general: list
    tasks: list[TaskRow]
    light: str
    is_demo: bool
    counts: dict[str, int] = field(default_factory=dict)
    # The program had ended on the date asked: ``as_of`` is its end date (``judged_on``).
    closed: bool = False
    others: list[TaskRow] = field(default_factory=list)  # tasks under no measurable objective

    @property
    def closing_sentence(self) -> str:
        return closing_sentence(self.program) if self.closed else ""


def latest_approved_reports(tasks) -> dict[int, ProgressReport]:
    """Latest approved report per task (lead agency first when several agencies reported the same
    quarter). Two light queries: the candidates' keys, then only the chosen rows."""
    lead = {t.pk: t.lead_agency_id for t in tasks}
    best: dict[int, tuple] = {}
    rows = (
        ProgressReport.objects.filter(task__in=list(lead), status=ProgressReport.Status.APPROVED)
        .order_by("-year", "-quarter", "id")
        .values_list("id", "task_id", "agency_id", "year", "quarter")
    )
    for pk, task_id, agency_id, year, quarter in rows:
        cur = best.get(task_id)
        if cur is None or (
            (cur[3], cur[4]) == (year, quarter) and agency_id == lead[task_id] and cur[2] != lead[task_id]
        ):
            best[task_id] = (pk, task_id, agency_id, year, quarter)
    if not best:
        return {}
    chosen = ProgressReport.objects.filter(pk__in=[b[0] for b in best.values()]).select_related("agency")
    return {r.task_id: r for r in chosen}


def published_rank(
    framework_id: str, unit_ref: str | None = None, *, until_year: int | None = None
) -> dict | None:
    """The home province's latest published rank for a framework (non-demonstration tables only);
    with ``until_year``, the latest of the years up to it (a closed program: its period's results,
    even when they were published after its end)."""
    from chiso.results.models import PublishedValue
    from chiso.results.services import home_province

    if unit_ref is None:
        unit_ref, _name = home_province()
    if not unit_ref:
        return None
    try:
        root = frameworks.get_framework(framework_id).root.code
    except Exception:  # an unknown framework has no published rank
        return None
    pv = (
        PublishedValue.objects.filter(
            table__framework_id=framework_id,
            table__is_demo=False,
            unit_ref=unit_ref,
            code=root,
            rank__isnull=False,
            **({"table__year__lte": until_year} if until_year is not None else {}),
        )
        .select_related("table")
        .order_by("-table__year")
        .first()
    )
    if pv is None:
        return None
    return {"year": pv.table.year, "rank": pv.rank, "value": pv.value, "source": pv.source or pv.table.source}


def board(program: Program, as_of: dt.date | None = None) -> Board:
    """The roll-up of one program at a date, in one pass: tasks with their KPIs (one query with the
    KPIs' source agencies), the KPI actuals (two), the latest approved reports (two), the objectives
    and the published rank (one per measurable objective's framework, with the home province read
    once). Pages cache the rendered result (``chiso.lib.cache``).

    A program that had ended on ``as_of`` is judged as at its end date (``Board.closed``): lights,
    deadlines and KPI actuals as they stood that day, ranks of its period's years."""
    from chiso.results.services import home_province

    asked = as_of or timezone.localdate()
    closed = is_closed(program, asked)
    as_of = judged_on(program, asked)
    tasks = list(
        program.tasks.issued().select_related("lead_agency", "objective").prefetch_related(
            Prefetch("kpis", queryset=Kpi.objects.select_related("source_agency"))
        )
    )
    kpis = [k for t in tasks for k in t.kpis.all()]
    actuals = kpi_actuals(kpis, as_of=as_of if closed else None)
    reports = latest_approved_reports(tasks)
    rows = []
    by_objective: dict[int | None, list[TaskRow]] = defaultdict(list)
    is_demo = any(a.is_demo for a in actuals.values()) or any(r.is_demo for r in reports.values())
    for t in tasks:
        krows = []
        for k in t.kpis.all():
            a = actuals[k.pk]
            krows.append(
                KpiRow(
                    k,
                    a,
                    lights.kpi_light(
                        actual=a.value,
                        target=k.target,
                        baseline=k.baseline,
                        direction=k.direction,
                        start=program.starts_on,
                        due=k.due_on,
                        as_of=as_of,
                    ),
                )
            )
        rep = reports.get(t.pk)
        status = rep.task_status if rep else None
        light = lights.task_light(
            report_status=status, deadline=t.deadline, as_of=as_of, kpi_lights=[r.light for r in krows]
        )
        row = TaskRow(t, krows, rep, light, is_overdue(t.deadline, done=status == "done", today=as_of))
        rows.append(row)
        by_objective[t.objective_id].append(row)
    objectives, general = [], []
    measurable = set()
    ranks: dict[str, dict | None] = {}
    unit_ref = None
    for o in program.objectives.all():
        if not o.is_measurable:
            general.append(o)
            continue
        measurable.add(o.pk)
        trows = by_objective.get(o.pk, [])
        rank = None
        if o.framework_id:
            if o.framework_id not in ranks:
                if unit_ref is None:
                    unit_ref = home_province()[0]
                ranks[o.framework_id] = published_rank(
                    o.framework_id, unit_ref, until_year=program.ends_on.year if closed else None
                )
            rank = ranks[o.framework_id]
        rl = lights.rank_light(
            rank=rank["rank"] if rank else None,
            target_rank=o.target_rank,
            year=rank["year"] if rank else None,
            target_year=o.target_year,
        )
        objectives.append(ObjectiveRow(o, trows, rank, rl, lights.mean([rl, *(r.light for r in trows)])))
    light = lights.mean(o.light for o in objectives)
    counts = {
        c: sum(1 for r in rows if r.light == c) for c in (lights.GREEN, lights.AMBER, lights.RED, lights.GREY)
    }
    others = [r for r in rows if r.task.objective_id not in measurable]
    return Board(program, as_of, objectives, general, rows, light, is_demo, counts, closed, others)
