"""The overdue board and reminders."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from chiso.lib.periods import period_label
from chiso.orgs import audit, notify
from chiso.orgs.models import Agency, Membership, NoticeKind

from ..models import (
    Occurrence,
    Program,
    ProgressReport,
    Task,
)
from .base import AGENCY_ROLES, DEPT_ROLES
from .board import TaskRow, board
from .periods import is_closed, report_due, reporting_quarters


@dataclass
class MissingReport:
    task: Task
    agency: Agency
    year: int
    quarter: int
    due_on: dt.date
    report: ProgressReport | None

    @property
    def period(self) -> str:
        return period_label(self.year, self.quarter)


@dataclass
class Overdue:
    tasks: list[TaskRow]
    reports: list[MissingReport]
    occurrences: list[Occurrence]
    closed: bool = False  # the program had ended: nothing is chased any more

    @property
    def agency_ids(self) -> set[int]:
        ids = {r.task.lead_agency_id for r in self.tasks} | {m.agency.pk for m in self.reports}
        return ids | {o.obligation.agency_id for o in self.occurrences}


def overdue(program: Program, as_of: dt.date | None = None, *, agency_ids: set[int] | None = None) -> Overdue:
    """Overdue tasks (past deadline, not reported done), progress reports of the lead agency not
    submitted by their due date, and occurrences of obligations not recorded as done by theirs.
    A program that had ended on ``as_of`` has none (``Overdue.closed``): it chases nobody."""
    as_of = as_of or timezone.localdate()
    if is_closed(program, as_of):
        return Overdue([], [], [], closed=True)
    b = board(program, as_of)
    tasks = [r for r in b.tasks if r.overdue]
    all_tasks = [r.task for r in b.tasks]
    quarters = [p for p in reporting_quarters(program, as_of) if report_due(program, *p) < as_of]
    existing = {
        (r.task_id, r.agency_id, r.year, r.quarter): r
        for r in ProgressReport.objects.filter(task__program=program)
    }
    reports = []
    for t in all_tasks:
        if agency_ids is not None and t.lead_agency_id not in agency_ids:
            continue
        for y, q in quarters:
            r = existing.get((t.pk, t.lead_agency_id, y, q))
            if r is None or r.status in (ProgressReport.Status.DRAFT, ProgressReport.Status.RETURNED):
                reports.append(MissingReport(t, t.lead_agency, y, q, report_due(program, y, q), r))
    occ = Occurrence.objects.filter(
        obligation__program=program, done_on__isnull=True, due_on__lt=as_of
    ).select_related("obligation__agency")
    if agency_ids is not None:
        tasks = [r for r in tasks if r.task.lead_agency_id in agency_ids]
        occ = occ.filter(obligation__agency_id__in=agency_ids)
    return Overdue(tasks, reports, list(occ))


def _notify_agency(agency: Agency, text: Callable[[], str], url: str, kind: str) -> list[str]:
    """Tell an agency's staff (``chiso.orgs.notify.tell``); the addresses e-mailed."""
    # The standing body's own duties (quarterly report, conference) fall to its department staff.
    roles = AGENCY_ROLES + (DEPT_ROLES if agency.is_standing_body else [])
    users = Membership.objects.filter(agency=agency, role__in=roles).values_list("user_id", flat=True)
    return notify.tell(list(users), text, url, kind).emailed


def _task_item(r: TaskRow) -> str:
    assert r.task.deadline is not None  # an overdue task is past its deadline
    return _("nhiệm vụ {n} “{t}” quá hạn {d}").format(
        n=r.task.number, t=r.task.title, d=r.task.deadline.strftime("%d/%m/%Y")
    )


def _report_item(m: MissingReport) -> str:
    return _("báo cáo tiến độ {p} nhiệm vụ {n} (hạn {d})").format(
        p=m.period, n=m.task.number, d=m.due_on.strftime("%d/%m/%Y")
    )


def _occurrence_item(o: Occurrence) -> str:
    return _("{t} — {p} (hạn {d})").format(t=o.obligation.title, p=o.label, d=o.due_on.strftime("%d/%m/%Y"))


def _reminder(program: Program, agency: Agency, items: list[Callable[[], str]]) -> str:
    """The reminder to one agency, in the active language: its first five overdue items."""
    shown = [item() for item in items[:5]] + ([_("và {n} việc khác").format(n=len(items) - 5)] if len(items) > 5 else [])
    return _("Nhắc nhở ({program}): {agency} có {n} việc quá hạn: {items}.").format(
        program=program.decision_number, agency=agency.name, n=len(items), items="; ".join(shown)
    )


def send_reminders(program: Program, actor: audit.Actor, as_of: dt.date | None = None) -> int:
    """One reminder per agency that has something overdue: a notice to its staff (by e-mail too for
    those who chose it), one audit row."""
    as_of = as_of or timezone.localdate()
    od = overdue(program, as_of)
    per_agency: dict[int, list[Callable[[], str]]] = defaultdict(list)
    agencies: dict[int, Agency] = {}
    for r in od.tasks:
        agencies[r.task.lead_agency_id] = r.task.lead_agency
        per_agency[r.task.lead_agency_id].append(partial(_task_item, r))
    for m in od.reports:
        agencies[m.agency.pk] = m.agency
        per_agency[m.agency.pk].append(partial(_report_item, m))
    for o in od.occurrences:
        agencies[o.obligation.agency_id] = o.obligation.agency
        per_agency[o.obligation.agency_id].append(partial(_occurrence_item, o))
    url = reverse("program_overdue", args=[program.pk])
    now = timezone.now()
    with transaction.atomic():
        for agency_id, items in per_agency.items():
            agency = agencies[agency_id]
            recipients = _notify_agency(agency, partial(_reminder, program, agency, items), url, NoticeKind.DEADLINE)
            audit.record(
                actor,
                "program.remind",
                agency,
                parent=program,
                after={"items": len(items), "recipients": recipients},
            )
        ProgressReport.objects.filter(
            task__program=program,
            agency_id__in=list(per_agency),
            status__in=[ProgressReport.Status.DRAFT, ProgressReport.Status.RETURNED],
        ).update(last_reminded_at=now)
    return len(per_agency)
