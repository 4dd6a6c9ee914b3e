"""What waits for a user in the action programs (:mod:`chiso.lib.waiting`): for an agency, the
progress reports of the last quarter ended that its tasks still owe (a running program only: an
ended program chases nobody, as the overdue board) and those returned to it; for the standing body,
the reports sent and waiting for approval and the recommendations not yet answered. Approved
reports and answered or closed recommendations wait for nobody. Four queries at most."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import ngettext

from chiso.lib.periods import period_label
from chiso.lib.waiting import Waiting
from chiso.orgs.access import get_scope

from .models import Program, ProgressReport, Recommendation, Task
from .services.periods import current_quarter, is_closed, report_due

R = ProgressReport.Status
UNANSWERED = (Recommendation.Status.SUBMITTED, Recommendation.Status.ASSIGNED, Recommendation.Status.ESCALATED)


def waiting(user, today: dt.date) -> list[Waiting]:
    scope = get_scope(user)
    items: list[Waiting] = []
    if scope.agency_ids:
        items += _agency_reports(scope.agency_ids, today)
    if scope.is_department:
        items += _department(today)
    return items


def _progress_url(program: Program, year: int, quarter: int) -> str:
    return f"{reverse('progress_list', args=[program.pk])}?quy={year}-{quarter}"


def _agency_reports(agency_ids: set[int], today: dt.date) -> list[Waiting]:
    """Per running program and quarter: the issued tasks the agency leads whose report of the last
    quarter ended is not sent (missing, draft or returned), due ``report_due``."""
    programs = {p.pk: p for p in Program.objects.filter(starts_on__lte=today, ends_on__gte=today)
                if not is_closed(p, today)}  # fmt: skip
    if not programs:
        return []
    quarter = {pk: current_quarter(p, today) for pk, p in programs.items()}
    tasks = list(Task.objects.issued().filter(program_id__in=programs, lead_agency_id__in=agency_ids)
                 .values_list("pk", "program_id", "lead_agency_id"))  # fmt: skip
    sent = set(
        ProgressReport.objects.filter(task_id__in=[t[0] for t in tasks], status__in=(R.SUBMITTED, R.APPROVED))
        .values_list("task_id", "agency_id", "year", "quarter")
    )
    owed: dict[int, int] = defaultdict(int)
    for task_id, program_id, agency_id in tasks:
        y, q = quarter[program_id]
        if (task_id, agency_id, y, q) not in sent:
            owed[program_id] += 1
    items = []
    for program_id, n in owed.items():
        program, (y, q) = programs[program_id], quarter[program_id]
        items.append(Waiting(
            action=ngettext("{n} báo cáo tiến độ {period} cần gửi", "{n} báo cáo tiến độ {period} cần gửi", n).format(
                n=n, period=period_label(y, q)),
            title=program.title, url=_progress_url(program, y, q), due=report_due(program, y, q), count=n,
        ))  # fmt: skip
    return items


def _department(today: dt.date) -> list[Waiting]:
    """Per program: the progress reports sent and waiting for approval (per quarter, linking to that
    quarter's list), and the recommendations not yet answered (new, assigned or escalated to the
    province's leadership)."""
    demo = Count("pk", filter=Q(is_demo=True))
    sent = list(ProgressReport.objects.filter(status=R.SUBMITTED).values("task__program_id", "year", "quarter")
                .annotate(n=Count("pk"), demo=demo).order_by("year", "quarter"))  # fmt: skip
    recs = list(Recommendation.objects.filter(status__in=UNANSWERED).values("program_id")
                .annotate(n=Count("pk"), demo=demo).order_by("program_id"))  # fmt: skip
    ids = {row["task__program_id"] for row in sent} | {rec["program_id"] for rec in recs}
    programs = Program.objects.in_bulk(ids) if ids else {}
    items = []
    for row in sent:
        program, n = programs[row["task__program_id"]], row["n"]
        items.append(Waiting(
            action=ngettext("{n} báo cáo tiến độ {period} chờ phê duyệt", "{n} báo cáo tiến độ {period} chờ phê duyệt",
                            n).format(n=n, period=period_label(row["year"], row["quarter"])),
            title=program.title, url=_progress_url(program, row["year"], row["quarter"]), count=n,
            is_demo=row["demo"] == n,
        ))  # fmt: skip
    for rec in recs:
        program, n = programs[rec["program_id"]], rec["n"]
        items.append(Waiting(
            action=ngettext("{n} kiến nghị chờ trả lời", "{n} kiến nghị chờ trả lời", n).format(n=n),
            title=program.title, url=reverse("recommendations"), count=n, is_demo=rec["demo"] == n,
        ))  # fmt: skip
    return items
