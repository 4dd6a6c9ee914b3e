"""Program logic shared by pages, the loader, reminders and (for the reports app) documents.

Every change goes through here: one transaction, ``select_for_update`` on the row being changed,
an explicit audit row (chiso.orgs.audit) and, where someone must act, an in-app notice.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Model as models_Model
from django.db.models import Prefetch, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from chiso.collection.models import Value
from chiso.lib import frameworks
from chiso.lib.db import atomic_retry
from chiso.lib.periods import period_end, period_label
from chiso.lib.vn_format import format_date
from chiso.orgs import audit
from chiso.orgs.models import Agency, Membership, Notice

from . import lights
from .models import (
    IndexPublication,
    Kpi,
    KpiValue,
    Objective,
    Obligation,
    Occurrence,
    Program,
    ProgressReport,
    Recommendation,
    RecommendationStep,
    Recurrence,
    Task,
)

AGENCY_ROLES = ["agency_officer", "agency_head"]
DEPT_ROLES = ["dept_admin", "dept_officer"]


class ProgramError(Exception):
    """A user-facing refusal; ``str()`` is already a translated sentence."""


class NotEditable(ProgramError):
    pass


class Conflict(ProgramError):
    pass


# --- periods -------------------------------------------------------------------------------------


def quarter_of(day: dt.date) -> tuple[int, int]:
    return day.year, (day.month - 1) // 3 + 1


def quarter_start(year: int, quarter: int) -> dt.date:
    return dt.date(year, 3 * quarter - 2, 1)


def reporting_quarters(program: Program, until: dt.date | None = None) -> list[tuple[int, int]]:
    """Quarters the program reports on: from the first quarter that starts on or after the
    program's start to the quarter holding its end (or ``until``, if earlier)."""
    y, q = quarter_of(program.starts_on)
    if quarter_start(y, q) < program.starts_on:
        y, q = (y + 1, 1) if q == 4 else (y, q + 1)
    last = program.ends_on if until is None else min(program.ends_on, until)
    out = []
    while quarter_start(y, q) <= last:
        out.append((y, q))
        y, q = (y + 1, 1) if q == 4 else (y, q + 1)
    return out


def report_due(program: Program, year: int, quarter: int) -> dt.date:
    return period_end(year, quarter) + dt.timedelta(days=program.progress_due_days)


def current_quarter(program: Program, today: dt.date | None = None) -> tuple[int, int]:
    """The quarter an agency is most likely reporting on: the last one that has ended (or the
    program's last quarter when the program is over, its first when it has not begun)."""
    today = today or timezone.localdate()
    quarters = reporting_quarters(program)
    ended = [p for p in quarters if period_end(*p) < today]
    if ended:
        return ended[-1]
    return quarters[0] if quarters else quarter_of(program.starts_on)


# --- the end of a program ------------------------------------------------------------------------


def is_closed(program: Program, as_of: dt.date | None = None) -> bool:
    """After its end date a program is closed: it is judged as at that date and chases nothing."""
    return (as_of or timezone.localdate()) > program.ends_on


def judged_on(program: Program, as_of: dt.date | None = None) -> dt.date:
    """The date a program is judged at: the date asked, or its end date once it has ended."""
    return min(as_of or timezone.localdate(), program.ends_on)


def closing_sentence(program: Program) -> str:
    return _("Chương trình đã kết thúc ngày {d}; tình hình được đánh giá tại ngày kết thúc.").format(
        d=format_date(program.ends_on)
    )


# --- who may do what -----------------------------------------------------------------------------


def task_agency_ids(task: Task) -> set[int]:
    return {task.lead_agency_id, *(a.pk for a in task.supporting_agencies.all())}


def can_edit_report(report: ProgressReport, scope) -> bool:
    return scope.can_enter(report.agency_id) and report.is_editable_status


# --- KPI actuals ---------------------------------------------------------------------------------


@dataclass
class Actual:
    value: float | None
    period: str = ""
    source: str = ""
    is_demo: bool = False


def _lang() -> str:
    from django.utils.translation import get_language

    return (get_language() or "vi")[:2]


def kpi_actuals(kpis: list[Kpi], *, as_of: dt.date | None = None) -> dict[int, Actual]:
    """The actual of each KPI, from APPROVED data only.

    ``indicator`` KPIs: the value of the indicator in approved submissions of the latest round
    (year, then quarter) of the KPI's framework that has one; the source agency's value when the
    KPI names one, otherwise the agencies' values combined as everywhere else
    (``results.services.combine``: counts summed, rates and scores averaged). ``reported`` KPIs: the value in the latest
    approved progress report of the task. With ``as_of``, only periods that ended by that date
    count (a report on an earlier date). Two queries in all.
    """
    from chiso.lib.frameworks import find_framework
    from chiso.results.services import combine, combine_rule

    out: dict[int, Actual] = {k.pk: Actual(None) for k in kpis}
    ind = [k for k in kpis if k.source == Kpi.Source.INDICATOR]
    if ind:
        cond = Q()
        for k in ind:
            cond |= Q(submission__round__framework_id=k.framework_id, code=k.indicator_code)
        rows = Value.objects.filter(cond, submission__status="approved", number__isnull=False).values_list(
            "code",
            "number",
            "submission__agency_id",
            "submission__round__framework_id",
            "submission__round__year",
            "submission__round__quarter",
            "submission__round__is_demo",
        )
        by_key: dict[tuple[str, str], list] = defaultdict(list)
        for code, number, agency_id, fw, year, quarter, demo in rows:
            if as_of is not None and period_end(year, quarter) > as_of:
                continue
            by_key[(fw, code)].append((year, quarter or 0, agency_id, number, demo, quarter))
        for k in ind:
            cands = by_key.get((k.framework_id, k.indicator_code), [])
            if k.source_agency_id:
                cands = [c for c in cands if c[2] == k.source_agency_id]
            if not cands:
                continue
            latest = max((c[0], c[1]) for c in cands)
            chosen = [c for c in cands if (c[0], c[1]) == latest]
            # the agencies' values make the province's as everywhere else: counts summed, rates averaged
            fw = find_framework(k.framework_id)
            value = combine(fw, k.indicator_code, [c[3] for c in chosen])
            many = "" if k.source_agency_id else (
                _(" (tổng {n} cơ quan)") if combine_rule(fw, k.indicator_code) == "sum"
                else _(" (trung bình {n} cơ quan)")).format(n=len(chosen))
            name = fw.node(k.indicator_code).label(_lang()) if fw is not None and k.indicator_code in fw.codes \
                else k.indicator_code
            out[k.pk] = Actual(
                value,
                period_label(latest[0], chosen[0][5]),
                _("Số liệu đã phê duyệt, chỉ số “{name}”").format(name=name) + many,
                any(c[4] for c in chosen),
            )
    rep = [k for k in kpis if k.source == Kpi.Source.REPORTED]
    if rep:
        rows = (
            KpiValue.objects.filter(kpi__in=rep, report__status=ProgressReport.Status.APPROVED)
            .values_list("kpi_id", "value", "report__year", "report__quarter", "report__is_demo")
            .order_by("kpi_id", "-report__year", "-report__quarter")
        )
        for kpi_id, value, year, quarter, demo in rows:
            if as_of is not None and period_end(year, quarter) > as_of:
                continue
            if out[kpi_id].value is None:
                out[kpi_id] = Actual(
                    value, period_label(year, quarter), _("Báo cáo tiến độ đã phê duyệt"), demo
                )
    return out


# --- the board -----------------------------------------------------------------------------------


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
    once). Pages cache the rendered result (``program/cache.py``).

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
        row = TaskRow(
            t, krows, rep, light, t.deadline is not None and as_of > t.deadline and status != "done"
        )
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


# --- overdue board and reminders -----------------------------------------------------------------


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


def _notify_agency(agency: Agency, text: str, url: str, subject: str) -> list[str]:
    recipients = []
    # The standing body's own duties (quarterly report, conference) fall to its department staff.
    roles = AGENCY_ROLES + (DEPT_ROLES if agency.is_standing_body else [])
    for m in Membership.objects.filter(agency=agency, role__in=roles).select_related("user"):
        Notice.objects.create(user=m.user, text=text[:500], url=url)
        if m.user.email:
            recipients.append(m.user.email)
    recipients = sorted(set(recipients))
    if recipients:
        send_mail(subject, text, None, recipients)
    return recipients


def send_reminders(program: Program, actor: audit.Actor, as_of: dt.date | None = None) -> int:
    """One reminder per agency that has something overdue: e-mail + in-app notice, one audit row."""
    as_of = as_of or timezone.localdate()
    od = overdue(program, as_of)
    per_agency: dict[int, list[str]] = defaultdict(list)
    agencies: dict[int, Agency] = {}
    for r in od.tasks:
        agencies[r.task.lead_agency_id] = r.task.lead_agency
        per_agency[r.task.lead_agency_id].append(
            _("nhiệm vụ {n} “{t}” quá hạn {d}").format(
                n=r.task.number, t=r.task.title, d=r.task.deadline.strftime("%d/%m/%Y")
            )
        )
    for m in od.reports:
        agencies[m.agency.pk] = m.agency
        per_agency[m.agency.pk].append(
            _("báo cáo tiến độ {p} nhiệm vụ {n} (hạn {d})").format(
                p=m.period, n=m.task.number, d=m.due_on.strftime("%d/%m/%Y")
            )
        )
    for o in od.occurrences:
        agencies[o.obligation.agency_id] = o.obligation.agency
        per_agency[o.obligation.agency_id].append(
            _("{t} — {p} (hạn {d})").format(t=o.obligation.title, p=o.label, d=o.due_on.strftime("%d/%m/%Y"))
        )
    url = reverse("program_overdue", args=[program.pk])
    now = timezone.now()
    with transaction.atomic():
        for agency_id, items in per_agency.items():
            agency = agencies[agency_id]
            shown = items[:5] + ([_("và {n} việc khác").format(n=len(items) - 5)] if len(items) > 5 else [])
            text = _("Nhắc nhở ({program}): {agency} có {n} việc quá hạn: {items}.").format(
                program=program.decision_number, agency=agency.name, n=len(items), items="; ".join(shown)
            )
            recipients = _notify_agency(
                agency, text, url, _("[chiso] Nhắc nhở việc quá hạn của Chương trình hành động")
            )
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


# --- progress reports ----------------------------------------------------------------------------


@atomic_retry
def open_report(
    task: Task, agency: Agency, year: int, quarter: int, actor: audit.Actor, *, is_demo: bool = False
) -> ProgressReport:
    """Get or create the agency's report on the task for a quarter (the agency must lead or support it)."""
    if agency.pk not in task_agency_ids(task):
        raise ProgramError(
            _("Cơ quan {agency} không chủ trì hay phối hợp nhiệm vụ này.").format(agency=agency)
        )
    if (year, quarter) not in reporting_quarters(task.program):
        raise ProgramError(
            _("{period} không thuộc thời gian của chương trình.").format(period=period_label(year, quarter))
        )
    with transaction.atomic():
        report, created = ProgressReport.objects.get_or_create(
            task=task, agency=agency, year=year, quarter=quarter, defaults={"is_demo": is_demo}
        )
        if created:
            audit.record(
                actor,
                "progress.create",
                report,
                parent=task.program,
                after={"task": task.number, "period": report.period},
            )
    return report


def _locked(report_id: int) -> ProgressReport:
    return (
        ProgressReport.objects.select_for_update().select_related("task__program", "agency").get(pk=report_id)
    )


def _check_editable(report: ProgressReport) -> None:
    if not report.is_editable_status:
        raise NotEditable(
            _("Báo cáo đang ở trạng thái “{status}”, không sửa được.").format(
                status=report.get_status_display()
            )
        )


@atomic_retry
def save_report(
    report_id: int,
    actor: audit.Actor,
    *,
    task_status: str,
    percent: int,
    narrative: str,
    kpi_values: dict[int, float | None] | None = None,
    expected_version: int | None = None,
) -> ProgressReport:
    with transaction.atomic():
        # Lock the report: a concurrent submit/approve waits for this save (or this save sees the
        # new status and refuses).
        report = _locked(report_id)
        _check_editable(report)
        if expected_version is not None and report.version != expected_version:
            raise Conflict(_("Báo cáo vừa được người khác sửa; hãy tải lại trang rồi nhập lại."))
        if task_status not in ProgressReport.TaskStatus.values:
            raise ProgramError(_("Tình hình thực hiện không hợp lệ."))
        if not 0 <= int(percent) <= 100:
            raise ProgramError(_("% hoàn thành phải từ 0 đến 100."))
        before = report.snapshot()
        before_kpis = {str(v.kpi_id): v.value for v in report.kpi_values.all()}
        report.task_status, report.percent, report.narrative = task_status, int(percent), narrative.strip()
        allowed = {k.pk for k in report.task.kpis.filter(source=Kpi.Source.REPORTED)}
        for kpi_id, value in (kpi_values or {}).items():
            if kpi_id not in allowed:
                raise ProgramError(_("Chỉ tiêu {id} không do báo cáo này cung cấp.").format(id=kpi_id))
            if value is None:
                KpiValue.objects.filter(report=report, kpi_id=kpi_id).delete()
            else:
                KpiValue.objects.update_or_create(report=report, kpi_id=kpi_id, defaults={"value": value})
        after = report.snapshot()
        after_kpis = {str(v.kpi_id): v.value for v in report.kpi_values.all()}
        if before == after and before_kpis == after_kpis:
            return report
        report.version += 1
        report.updated_at = timezone.now()
        report.updated_by = actor.user
        report.save(
            update_fields=["task_status", "percent", "narrative", "version", "updated_at", "updated_by"]
        )
        audit.record(
            actor,
            "progress.change",
            report,
            parent=report.task.program,
            before={**before, "kpis": before_kpis},
            after={**after, "kpis": after_kpis},
        )
        return report


@atomic_retry
def submit_report(report_id: int, actor: audit.Actor) -> ProgressReport:
    with transaction.atomic():
        report = _locked(report_id)
        _check_editable(report)
        if not report.narrative.strip():
            raise ProgramError(_("Phải ghi kết quả thực hiện trước khi gửi."))
        before = {"status": report.status}
        report.status = ProgressReport.Status.SUBMITTED
        report.submitted_at = timezone.now()
        report.submitted_by = actor.user
        report.version += 1
        report.save(update_fields=["status", "submitted_at", "submitted_by", "version"])
        audit.record(
            actor,
            "progress.submit",
            report,
            parent=report.task.program,
            before=before,
            after={"status": report.status},
        )
        url = reverse("progress_report", args=[report.pk])
        for m in Membership.objects.filter(agency=report.task.program.standing_body, role__in=DEPT_ROLES):
            Notice.objects.create(
                user=m.user,
                url=url,
                text=_("{agency} gửi báo cáo tiến độ {period}: {task}").format(
                    agency=report.agency, period=report.period, task=report.task
                )[:500],
            )
        return report


def _check_submitted(report: ProgressReport) -> None:
    if report.status != ProgressReport.Status.SUBMITTED:
        raise ProgramError(
            _("Chỉ phê duyệt hoặc trả lại được báo cáo đã gửi (hiện: “{status}”).").format(
                status=report.get_status_display()
            )
        )


def approve_report(report_id: int, actor: audit.Actor) -> ProgressReport:
    with transaction.atomic():
        report = _locked(report_id)
        _check_submitted(report)
        report.status = ProgressReport.Status.APPROVED
        report.decided_at = timezone.now()
        report.decided_by = actor.user
        report.return_reason = ""
        report.version += 1
        report.save(update_fields=["status", "decided_at", "decided_by", "return_reason", "version"])
        audit.record(
            actor,
            "progress.approve",
            report,
            parent=report.task.program,
            before={"status": "submitted"},
            after={"status": report.status},
        )
        _notify_agency(
            report.agency,
            _("Báo cáo tiến độ {period} “{task}” đã được phê duyệt.").format(
                period=report.period, task=report.task.title
            ),
            reverse("progress_report", args=[report.pk]),
            _("[chiso] Báo cáo tiến độ đã được phê duyệt"),
        )
        return report


def return_report(report_id: int, actor: audit.Actor, reason: str) -> ProgressReport:
    reason = (reason or "").strip()
    if not reason:
        raise ProgramError(_("Phải ghi lý do trả lại."))
    with transaction.atomic():
        report = _locked(report_id)
        _check_submitted(report)
        report.status = ProgressReport.Status.RETURNED
        report.decided_at = timezone.now()
        report.decided_by = actor.user
        report.return_reason = reason
        report.version += 1
        report.save(update_fields=["status", "decided_at", "decided_by", "return_reason", "version"])
        audit.record(
            actor,
            "progress.return",
            report,
            parent=report.task.program,
            before={"status": "submitted"},
            after={"status": report.status},
            reason=reason,
        )
        _notify_agency(
            report.agency,
            _("Báo cáo tiến độ {period} “{task}” bị trả lại: {reason}").format(
                period=report.period, task=report.task.title, reason=reason
            ),
            reverse("progress_report", args=[report.pk]),
            _("[chiso] Báo cáo tiến độ bị trả lại"),
        )
        return report


# --- recommendations -----------------------------------------------------------------------------


def _step(rec: Recommendation, actor: audit.Actor, action: str, text: str = "", agency: Agency | None = None):
    RecommendationStep.objects.create(
        recommendation=rec,
        user=actor.user,
        user_name=actor.name,
        agency=agency,
        action=action,
        text=text,
        status_after=rec.status,
    )


@atomic_retry
def submit_recommendation(
    actor: audit.Actor,
    *,
    program: Program,
    agency: Agency,
    title: str,
    body: str,
    kind: str = Recommendation.Kind.DIFFICULTY,
    task: Task | None = None,
    component: str = "",
    is_demo: bool = False,
) -> Recommendation:
    if task is not None and task.program_id != program.pk:
        raise ProgramError(_("Nhiệm vụ không thuộc chương trình."))
    with transaction.atomic():
        rec = Recommendation.objects.create(
            program=program,
            agency=agency,
            title=title.strip(),
            body=body.strip(),
            kind=kind,
            task=task,
            component=component,
            created_by=actor.user,
            is_demo=is_demo,
        )
        _step(rec, actor, RecommendationStep.Action.SUBMIT, rec.body, agency)
        audit.record(
            actor,
            "recommendation.submit",
            rec,
            parent=program,
            after={"title": rec.title, "agency": agency.code},
        )
        url = reverse("recommendation", args=[rec.pk])
        for m in Membership.objects.filter(agency=program.standing_body, role__in=DEPT_ROLES):
            Notice.objects.create(
                user=m.user,
                url=url,
                text=_("Kiến nghị mới của {agency}: {title}").format(agency=agency, title=rec.title)[:500],
            )
    return rec


def act_on_recommendation(
    rec_id: int,
    actor: audit.Actor,
    action: str,
    *,
    text: str = "",
    assigned_to: Agency | None = None,
    is_public: bool | None = None,
) -> Recommendation:
    """The department's step: answer, assign, escalate (to the UBND tỉnh), comment, close, or
    (un)publish an answered one. The sender is notified of every step."""
    A = RecommendationStep.Action
    S = Recommendation.Status
    text = (text or "").strip()
    with transaction.atomic():
        rec = Recommendation.objects.select_for_update().select_related("agency", "program").get(pk=rec_id)
        before = {"status": rec.status, "assigned_to": rec.assigned_to_id, "is_public": rec.is_public}
        if rec.status == S.CLOSED and action not in (A.PUBLISH, A.UNPUBLISH):
            raise ProgramError(_("Kiến nghị đã đóng."))
        if action in (A.ANSWER, A.ESCALATE, A.COMMENT, A.ASSIGN) and not text:
            raise ProgramError(_("Phải ghi nội dung."))
        if action == A.ANSWER:
            rec.status, rec.answer, rec.answered_at = S.ANSWERED, text, timezone.now()
        elif action == A.ASSIGN:
            if assigned_to is None:
                raise ProgramError(_("Phải chọn cơ quan được giao."))
            rec.status, rec.assigned_to = S.ASSIGNED, assigned_to
        elif action == A.ESCALATE:
            rec.status = S.ESCALATED
        elif action == A.CLOSE:
            rec.status = S.CLOSED
        elif action in (A.PUBLISH, A.UNPUBLISH):
            if action == A.PUBLISH and (rec.status not in Recommendation.ANSWERED_STATES or not rec.answer):
                raise ProgramError(_("Chỉ công khai được kiến nghị đã có trả lời."))
            rec.is_public = action == A.PUBLISH
        elif action != A.COMMENT:
            raise ProgramError(_("Thao tác không hợp lệ."))
        rec.updated = timezone.now()
        rec.save()
        _step(rec, actor, action, text, assigned_to)
        audit.record(
            actor,
            f"recommendation.{action}",
            rec,
            parent=rec.program,
            before=before,
            after={"status": rec.status, "assigned_to": rec.assigned_to_id, "is_public": rec.is_public},
            reason=text[:500],
        )
        url = reverse("recommendation", args=[rec.pk])
        label = dict(A.choices)[action]
        msg = _("Kiến nghị “{title}”: {action}.").format(title=rec.title, action=label)
        _notify_agency(
            rec.agency, f"{msg} {text}".strip(), url, _("[chiso] Kiến nghị của cơ quan có cập nhật")
        )
        if action == A.ASSIGN and assigned_to is not None and assigned_to.pk != rec.agency_id:
            _notify_agency(
                assigned_to,
                _("Được giao xử lý kiến nghị “{title}” của {agency}: {text}").format(
                    title=rec.title, agency=rec.agency, text=text
                ),
                url,
                _("[chiso] Được giao xử lý kiến nghị"),
            )
    return rec


# --- the department's edits of targets ----------------------------------------------------------------

KPI_EDITABLE = ("baseline", "target", "unit", "due_on")
OBJECTIVE_EDITABLE = ("target_rank", "target_year")


def _plain(value):
    return value.isoformat() if isinstance(value, dt.date) else value


def _edit(
    model,
    pk: int,
    actor: audit.Actor,
    *,
    fields: tuple[str, ...],
    changes: dict,
    expected_version: int,
    reason: str,
    action: str,
    program_of,
    stale: str,
):
    """Change ``fields`` of one row: lock it, refuse a stale form (its version), write only what
    changed, and audit who, when, old -> new and why. Nothing changed: no write, no audit row."""
    reason = (reason or "").strip()
    if not reason:
        raise ProgramError(_("Phải ghi lý do thay đổi."))
    with transaction.atomic():
        obj = model.objects.select_for_update().get(pk=pk)
        if obj.version != expected_version:
            raise Conflict(stale)
        before = {
            f: _plain(getattr(obj, f)) for f in fields if f in changes and getattr(obj, f) != changes[f]
        }
        if not before:
            return obj, False
        for f in before:
            setattr(obj, f, changes[f])
        obj.save(update_fields=list(before))
        audit.record(
            actor,
            action,
            obj,
            parent=program_of(obj),
            before=before,
            after={f: _plain(getattr(obj, f)) for f in before},
            reason=reason,
        )
        return obj, True


def update_kpi(kpi_id: int, actor: audit.Actor, *, changes: dict, expected_version: int, reason: str):
    """The department sets a KPI's baseline, target, unit and due date (``kpi.change``)."""
    return _edit(
        Kpi,
        kpi_id,
        actor,
        fields=KPI_EDITABLE,
        changes=changes,
        expected_version=expected_version,
        reason=reason,
        action="kpi.change",
        program_of=lambda k: k.task.program,
        stale=_("Chỉ tiêu vừa được người khác sửa; giá trị hiện tại ở dưới, hãy xem lại rồi nhập lại."),
    )


def update_objective(
    objective_id: int, actor: audit.Actor, *, changes: dict, expected_version: int, reason: str
):
    """The department sets a specific objective's target rank and year (``objective.change``)."""
    return _edit(
        Objective,
        objective_id,
        actor,
        fields=OBJECTIVE_EDITABLE,
        changes=changes,
        expected_version=expected_version,
        reason=reason,
        action="objective.change",
        program_of=lambda o: o.program,
        stale=_("Mục tiêu vừa được người khác sửa; giá trị hiện tại ở dưới, hãy xem lại rồi nhập lại."),
    )


# --- publication of the index ------------------------------------------------------------------------

_EDITION_YEAR = re.compile(r"-(?:19|20)\d{2}(?=-|$)")


def framework_family(framework_id: str, _depth: int = 0) -> str:
    """The index a framework is an edition of: its ``family`` when the framework states one; for a
    province's copy of an edition (``derived_from``, ``base`` or ``base_id`` in its data), its base's family; else its
    id without the edition's year (``vn-dti-2022-province`` and ``vn-dti-2024-province`` are both
    ``vn-dti-province``; ``vn-ict-index-2015/2016-province`` are ``vn-ict-index-province``).
    A publication of any edition of a program's index drives the program's cycle."""
    fw = frameworks.find_framework(framework_id)
    extra = fw.extra if fw is not None else {}  # a framework chiso does not know: its id alone
    if extra.get("family"):
        return str(extra["family"])
    derived = extra.get("derived_from")  # a province's copy: {id: the edition it was copied from, …}
    base = extra.get("base") or extra.get("base_id") or (derived.get("id") if isinstance(derived, dict) else None)
    if base and base != framework_id and _depth < 5:
        return framework_family(str(base), _depth + 1)
    return _EDITION_YEAR.sub("", framework_id)


def programs_of_family(framework_id: str):
    """The programs targeting an edition of the index ``framework_id`` belongs to."""
    family = framework_family(framework_id)
    ids = Program.objects.values_list("framework_id", flat=True).distinct()
    return Program.objects.filter(framework_id__in=[f for f in ids if framework_family(f) == family])


@dataclass
class PublicationDate:
    year: int
    date: dt.date
    source: str  # "entered" (the department's entry) or "table" (the day a table was imported)
    framework_id: str
    running: bool  # the program was running that day: its obligations follow this publication


def publications(program: Program) -> list[PublicationDate]:
    """One publication per assessed year of the program's index, from the year before the program
    to its end, oldest first. Editions: a record of the program's own framework first, else of
    another edition of the same index (``framework_family``); within one, the department's entry
    (``IndexPublication``) wins over the day a non-demonstration published table was recorded in
    chiso. ``running``: the date lies within the program's period."""
    from chiso.results.models import PublishedTable

    family = framework_family(program.framework_id)
    lo, hi = program.starts_on.year - 1, program.ends_on.year
    best: dict[int, tuple] = {}
    fam: dict[str, bool] = {}

    def consider(fw_id, year, day, source, order):
        if fw_id not in fam:
            fam[fw_id] = fw_id == program.framework_id or framework_family(fw_id) == family
        if not fam[fw_id]:
            return
        key = (fw_id != program.framework_id, source != "entered", order)
        if year not in best or key < best[year][0]:
            best[year] = (key, day, source, fw_id)

    tables = PublishedTable.objects.filter(is_demo=False, year__gte=lo, year__lte=hi).order_by(
        "created", "id"
    )
    for i, (fw_id, year, created) in enumerate(tables.values_list("framework_id", "year", "created")):
        consider(fw_id, year, timezone.localtime(created).date(), "table", i)
    for fw_id, year, day in IndexPublication.objects.filter(year__gte=lo, year__lte=hi).values_list(
        "framework_id", "year", "published_on"
    ):
        consider(fw_id, year, day, "entered", 0)
    return [
        PublicationDate(y, day, src, fw, program.starts_on <= day <= program.ends_on)
        for y, (_key, day, src, fw) in sorted(best.items())
    ]


def publication_dates(program: Program) -> dict[int, tuple[dt.date, str]]:
    """Year -> (date of publication, "entered" or "table"): ``publications`` as a mapping."""
    return {p.year: (p.date, p.source) for p in publications(program)}


def record_publication(
    program: Program, actor: audit.Actor, *, year: int, published_on: dt.date, reference: str = ""
) -> tuple[IndexPublication, int]:
    """Record (or correct) "the index of ``year`` was published on ``published_on``" for the
    program's framework, then schedule the obligations that follow each publication (the §5b
    conference) of every program on an edition of that index running on that day: returns the
    record and the number of occurrences created, moved or withdrawn."""
    with transaction.atomic():
        pub = (
            IndexPublication.objects.select_for_update()
            .filter(framework_id=program.framework_id, year=year)
            .first()
        )
        before = None
        if pub is None:
            pub = IndexPublication(framework_id=program.framework_id, year=year)
        else:
            before = {"published_on": pub.published_on.isoformat(), "reference": pub.reference}
        pub.published_on, pub.reference = published_on, reference.strip()
        pub.recorded_by, pub.recorded_at = actor.user, timezone.now()
        pub.save()
        audit.record(
            actor,
            "index.published",
            pub,
            parent=program,
            before=before,
            after={"year": year, "published_on": published_on.isoformat(), "reference": pub.reference},
        )
        changed = sum(sync_occurrences(p) for p in programs_of_family(program.framework_id))
    return pub, changed


# --- recurring obligations -----------------------------------------------------------------------


def _month_end(year: int, month: int) -> dt.date:
    nxt = dt.date(year + (month == 12), month % 12 + 1, 1)
    return nxt - dt.timedelta(days=1)


def _schedule(program: Program, ob, until: dt.date, pubs) -> list[tuple[str, str, dt.date]]:
    wanted: list[tuple[str, str, dt.date]] = []
    off = dt.timedelta(days=ob.due_offset_days)
    if ob.recurrence == Recurrence.MONTHLY:
        y, m = program.starts_on.year, program.starts_on.month
        if program.starts_on.day > 1:
            y, m = (y + 1, 1) if m == 12 else (y, m + 1)
        while dt.date(y, m, 1) <= until:
            wanted.append((f"{y}-{m:02d}", _("Tháng {m}/{y}").format(m=m, y=y), _month_end(y, m) + off))
            y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    elif ob.recurrence == Recurrence.QUARTERLY:
        for y, q in reporting_quarters(program, until):
            wanted.append((f"{y}-Q{q}", period_label(y, q), period_end(y, q) + off))
    elif ob.recurrence == Recurrence.YEARLY:
        for y in range(program.starts_on.year, until.year + 1):
            wanted.append((str(y), period_label(y, None), dt.date(y, 12, 31) + off))
    elif ob.recurrence == Recurrence.AFTER_PUBLICATION:
        for p in pubs:
            if p.running and p.date <= until:
                wanted.append(
                    (f"pub-{p.year}", _("Sau công bố kết quả năm {y}").format(y=p.year), p.date + off)
                )
    return wanted


def sync_occurrences(program: Program, *, until: dt.date | None = None) -> int:
    """Create the missing occurrences of every obligation from the program's schedule (idempotent);
    returns how many were created, moved or withdrawn.

    Monthly and quarterly: every month/quarter from the program's start to its end; yearly: every
    year. After publication: one per published index year (``publications``: an edition of the
    program's index, the date the department entered, else the day a non-demonstration published
    table was recorded in chiso) **published while the program was running**, due
    ``due_offset_days`` after it. Nothing is scheduled for a period after the program's end.
    An occurrence not yet done follows a corrected date or offset; one the schedule no longer
    wants (a publication re-dated after the end, a shortened program, another recurrence) is
    withdrawn. What is done stays."""
    full = until is None
    until = min(program.ends_on, until) if until else program.ends_on
    pubs = None
    created = 0
    for ob in program.obligations.all():
        if ob.recurrence == Recurrence.AFTER_PUBLICATION and pubs is None:
            pubs = publications(program)
        wanted = _schedule(program, ob, until, pubs or [])
        have = {o.period: o for o in ob.occurrences.all()}
        new = [
            Occurrence(obligation=ob, period=p, label=lab, due_on=d) for p, lab, d in wanted if p not in have
        ]
        Occurrence.objects.bulk_create(new)
        created += len(new)
        for p, _lab, d in wanted:
            o = have.get(p)
            if o is not None and o.done_on is None and o.due_on != d:
                o.due_on = d
                o.save(update_fields=["due_on"])
                created += 1
        if full:
            keep = {p for p, _lab, _d in wanted}
            gone = [o.pk for p, o in have.items() if p not in keep and o.done_on is None]
            if gone:
                created += Occurrence.objects.filter(pk__in=gone).delete()[0]
    return created


@atomic_retry
def record_occurrence(occ_id: int, actor: audit.Actor, *, done_on: dt.date, note: str) -> Occurrence:
    with transaction.atomic():
        occ = Occurrence.objects.select_for_update().get(pk=occ_id)
        before = {"done_on": occ.done_on.isoformat() if occ.done_on else None, "note": occ.note}
        occ.done_on, occ.note = done_on, note.strip()
        occ.recorded_by, occ.recorded_at = actor.user, timezone.now()
        occ.save(update_fields=["done_on", "note", "recorded_by", "recorded_at"])
        audit.record(
            actor,
            "obligation.done",
            occ,
            parent=occ.obligation.program,
            before=before,
            after={"done_on": done_on.isoformat(), "note": occ.note},
        )
    return occ


# --- writing a program in the app (the department admin) ---------------------------------------------
#
# Each function validates, then changes one row in one transaction with ``select_for_update``,
# refuses a stale form (the row's ``version``: HTTP 409) and writes one audit row with the fields
# that changed (``program.create/change``, ``objective.*``, ``task.*``, ``kpi.*``, ``obligation.*``).
# A refusal (``chiso.lib.refusal``) names the fields it concerns; nothing is written.

MAX_PROGRAM_YEARS = 15
WRITER_ROLE = "dept_admin"
OBLIGATION_RECURRENCES = (
    Recurrence.MONTHLY,
    Recurrence.QUARTERLY,
    Recurrence.YEARLY,
    Recurrence.AFTER_PUBLICATION,
)


def may_write(user) -> bool:
    """Who writes programs: the standing body's system administrators (``dept_admin``)."""
    from chiso.orgs.access import get_scope

    return user is not None and user.is_authenticated and get_scope(user).is_dept_admin


def _writer(actor: audit.Actor) -> None:
    from chiso.lib.refusal import Forbidden

    # A command or importer acts as "system" (no user); a person must be a department admin.
    if actor.user is not None and not may_write(actor.user):
        raise Forbidden(_("Chỉ quản trị hệ thống của cơ quan thường trực được soạn chương trình."))


def agencies_in_force(starts_on: dt.date, ends_on: dt.date):
    """Agencies in force on at least one day of ``starts_on``–``ends_on`` (``valid_to`` is the first
    day no longer in force): the agencies a program of those dates may assign."""
    return Agency.objects.filter(Q(valid_from__isnull=True) | Q(valid_from__lte=ends_on)).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gt=starts_on)
    )


def standing_bodies_for(starts_on: dt.date, ends_on: dt.date):
    return agencies_in_force(starts_on, ends_on).filter(is_standing_body=True)


def _refuse(errors: dict[str, str]):
    from chiso.lib.refusal import Refused

    if errors:
        first = next(iter(errors.values()))
        raise Refused(first if len(errors) == 1 else _("Có {n} ô chưa hợp lệ.").format(n=len(errors)), errors)


def _plain_state(obj, fields) -> dict:
    out = {}
    for f in fields:
        v = getattr(obj, f)
        if isinstance(v, models_Model):
            v = str(v.name if hasattr(v, "name") else v)
        elif isinstance(v, dt.date):
            v = v.isoformat()
        out[f] = v
    return out


def _in_period(program_dates, day, field_name, errors, label):
    start, end = program_dates
    if day is not None and not start <= day <= end:
        errors[field_name] = _("{label} phải trong thời gian của chương trình ({a} – {b}).").format(
            label=label, a=format_date(start), b=format_date(end)
        )


def _text(data, name, errors, message, max_length):
    v = (data.get(name) or "").strip()
    if not v:
        errors[name] = message
    elif len(v) > max_length:
        errors[name] = _("Tối đa {n} ký tự.").format(n=max_length)
    return v


def _write_row(
    model,
    pk: int | None,
    actor: audit.Actor,
    *,
    fields: tuple[str, ...],
    values: dict,
    expected_version: int | None,
    reason: str,
    action: str,
    parent,
    create: dict | None = None,
    m2m: dict | None = None,
    stale: str,
):
    """Create (``pk`` None) or change one row: lock it, refuse a stale version, write only what
    changed (and the many-to-many sets in ``m2m``), audit. Returns (row, changed)."""
    from chiso.lib.refusal import Refused, Stale

    reason = (reason or "").strip()
    with transaction.atomic():
        if pk is None:
            obj = model(**(create or {}), **values)
            obj.save()
            for name, items in (m2m or {}).items():
                getattr(obj, name).set(items)
            after = _plain_state(obj, fields)
            for name, items in (m2m or {}).items():
                after[name] = sorted(str(a.name) for a in items)
            audit.record(
                actor, f"{action}.create", obj, parent=parent if parent is not None else obj, after=after
            )
            return obj, True
        obj = model.objects.select_for_update().get(pk=pk)
        if expected_version is not None and obj.version != expected_version:
            raise Stale(stale)
        before_all = _plain_state(obj, fields)
        for f, v in values.items():
            setattr(obj, f, v)
        after_all = _plain_state(obj, fields)
        before = {f: before_all[f] for f in fields if before_all[f] != after_all[f]}
        after = {f: after_all[f] for f in before}
        for name, items in (m2m or {}).items():
            old = sorted(str(a.name) for a in getattr(obj, name).all())
            new = sorted(str(a.name) for a in items)
            if old != new:
                before[name], after[name] = old, new
        if not before:
            return obj, False
        if not reason:
            raise Refused(_("Phải ghi lý do thay đổi."), {"reason": _("Phải ghi lý do thay đổi.")})
        obj.save()
        for name, items in (m2m or {}).items():
            if name in after:
                getattr(obj, name).set(items)
        audit.record(actor, f"{action}.change", obj, parent=parent, before=before, after=after, reason=reason)
        return obj, True


PROGRAM_WRITABLE = (
    "title",
    "decision_number",
    "decision_date",
    "issuer",
    "signer",
    "signer_title",
    "legal_grounds",
    "starts_on",
    "ends_on",
    "framework_id",
    "standing_body",
    "progress_due_days",
    "source",
    "is_public",
)


def _program_code(title: str, starts_on: dt.date, ends_on: dt.date) -> str:
    from django.utils.text import slugify

    base = (slugify(title)[:40].strip("-") or "chuong-trinh") + f"-{starts_on.year}-{ends_on.year}"
    code, n = base, 1
    while Program.objects.filter(code=code).exists():
        n += 1
        code = f"{base}-{n}"
    return code


def _check_program(data: dict, current: Program | None) -> dict:
    errors: dict[str, str] = {}
    v = {f: data.get(f) for f in PROGRAM_WRITABLE}
    v["title"] = _text(data, "title", errors, _("Phải nhập tên chương trình."), 400)
    v["decision_number"] = _text(data, "decision_number", errors, _("Phải nhập số văn bản."), 60)
    v["issuer"] = _text(data, "issuer", errors, _("Phải nhập cơ quan ban hành."), 200)
    for f, n in (("signer", 120), ("signer_title", 200)):
        v[f] = (data.get(f) or "").strip()[:n]
    v["legal_grounds"] = (data.get("legal_grounds") or "").strip()
    v["source"] = (data.get("source") or "").strip()
    v["is_public"] = bool(data.get("is_public", True))
    for f, label in (
        ("decision_date", _("Phải nhập ngày ban hành.")),
        ("starts_on", _("Phải nhập ngày bắt đầu.")),
        ("ends_on", _("Phải nhập ngày kết thúc.")),
    ):
        if not isinstance(v[f], dt.date):
            errors[f] = label
    start, end = v["starts_on"], v["ends_on"]
    if "starts_on" not in errors and "ends_on" not in errors:
        if end < start:
            errors["ends_on"] = _("Ngày kết thúc phải sau ngày bắt đầu.")
        elif end.year - start.year > MAX_PROGRAM_YEARS:
            errors["ends_on"] = _("Một chương trình không dài quá {n} năm.").format(n=MAX_PROGRAM_YEARS)
        if "decision_date" not in errors and v["decision_date"] > end:
            errors["decision_date"] = _("Ngày ban hành không được sau ngày kết thúc chương trình.")
    days = v["progress_due_days"]
    if days in (None, ""):
        v["progress_due_days"] = 10
    elif not isinstance(days, int) or not 0 <= days <= 90:
        errors["progress_due_days"] = _("Hạn báo cáo tiến độ: từ 0 đến 90 ngày sau cuối quý.")
    allowed = {fw for fw, _label in frameworks.framework_choices("index")}
    if current is not None:
        allowed.add(current.framework_id)
    if v["framework_id"] not in allowed:
        errors["framework_id"] = _("Chọn một bộ chỉ số trong danh sách.")
    body = v["standing_body"]
    if not isinstance(body, Agency):
        errors["standing_body"] = _("Phải chọn cơ quan thường trực.")
    elif (
        "starts_on" not in errors
        and "ends_on" not in errors
        and not (
            (current is not None and body.pk == current.standing_body_id)
            or standing_bodies_for(start, end).filter(pk=body.pk).exists()
        )
    ):
        errors["standing_body"] = _(
            "{name} không phải cơ quan thường trực có hiệu lực trong thời gian của chương trình."
        ).format(name=body.name)
    if current is not None and not errors:
        _check_program_change(current, v, errors)
    _refuse(errors)
    return v


def _check_program_change(current: Program, v: dict, errors: dict) -> None:
    """New dates must keep every deadline, KPI due date and progress report inside the program;
    another framework is refused while KPIs or objectives measure the program's framework."""
    start, end = v["starts_on"], v["ends_on"]
    outside = current.tasks.issued().filter(deadline__isnull=False).exclude(deadline__range=(start, end))
    outside_kpi = Kpi.objects.filter(task__program=current, due_on__isnull=False).exclude(
        due_on__range=(start, end)
    )
    if outside.exists() or outside_kpi.exists():
        names = [str(t) for t in outside[:3]] + [k.name for k in outside_kpi[:3]]
        errors["ends_on" if end < current.ends_on else "starts_on"] = _(
            "Thời hạn của nhiệm vụ, chỉ tiêu sẽ nằm ngoài thời gian mới: {items}. Sửa các thời hạn đó trước."
        ).format(items="; ".join(names))
    probe = Program(starts_on=start, ends_on=end)
    quarters = set(reporting_quarters(probe))
    reported = set(ProgressReport.objects.filter(task__program=current).values_list("year", "quarter"))
    if reported - quarters:
        y, q = sorted(reported - quarters)[0]
        errors.setdefault(
            "starts_on",
            _("Đã có báo cáo tiến độ {period}, ngoài thời gian mới.").format(period=period_label(y, q)),
        )
    if v["framework_id"] != current.framework_id and (
        Kpi.objects.filter(task__program=current, source=Kpi.Source.INDICATOR).exists()
        or current.objectives.filter(target_rank__isnull=False).exists()
    ):
        errors["framework_id"] = _(
            "Chương trình đã có chỉ tiêu hoặc mục tiêu đo bằng bộ chỉ số {fw}: không đổi được bộ chỉ số."
        ).format(fw=current.framework_id)


def create_program(actor: audit.Actor, *, data: dict) -> Program:
    """A new program (``program.create``); its code is made from the title and the period."""
    _writer(actor)
    v = _check_program(data, None)
    program, _changed = _write_row(
        Program,
        None,
        actor,
        fields=PROGRAM_WRITABLE,
        values=v,
        expected_version=None,
        reason="",
        action="program",
        parent=None,
        create={"code": _program_code(v["title"], v["starts_on"], v["ends_on"])},
        stale="",
    )
    return program


def update_program(
    program_id: int, actor: audit.Actor, *, data: dict, expected_version: int, reason: str = ""
):
    """Change a program's legal basis, period, framework, standing body (``program.change``); the
    obligations are rescheduled when its dates change."""
    _writer(actor)
    current = Program.objects.get(pk=program_id)
    v = _check_program(data, current)
    program, changed = _write_row(
        Program,
        program_id,
        actor,
        fields=PROGRAM_WRITABLE,
        values=v,
        expected_version=expected_version,
        reason=reason,
        action="program",
        parent=None,
        stale=_("Chương trình vừa được người khác sửa; giá trị hiện tại ở dưới, hãy xem lại rồi nhập lại."),
    )
    if changed:
        sync_occurrences(program)
    return program, changed


OBJECTIVE_WRITABLE = ("kind", "text", "section", "target_rank", "target_year", "framework_id")


def get_in_program(model, pk: int, program: Program):
    """The row ``pk`` of ``model`` if it belongs to ``program`` (else ``model.DoesNotExist``)."""
    if model is Kpi:
        return Kpi.objects.get(pk=pk, task__program=program)
    return model.objects.get(pk=pk, program=program)


def _check_agency(program: Program, agency, errors: dict, name: str, missing: str = "") -> None:
    """``agency`` must be in force on a day of the program (``missing``: the sentence when none)."""
    if not isinstance(agency, Agency):
        if missing:
            errors[name] = missing
    elif not agencies_in_force(program.starts_on, program.ends_on).filter(pk=agency.pk).exists():
        errors[name] = _("{name} không có hiệu lực trong thời gian của chương trình.").format(
            name=agency.name
        )


def _stale(action: str) -> str:
    return {
        "objective": _(
            "Mục tiêu vừa được người khác sửa; giá trị hiện tại ở dưới, hãy xem lại rồi nhập lại."
        ),
        "task": _("Nhiệm vụ vừa được người khác sửa; giá trị hiện tại ở dưới, hãy xem lại rồi nhập lại."),
        "kpi": _("Chỉ tiêu vừa được người khác sửa; giá trị hiện tại ở dưới, hãy xem lại rồi nhập lại."),
        "obligation": _(
            "Nhiệm vụ định kỳ vừa được người khác sửa; giá trị hiện tại ở dưới, hãy xem lại rồi nhập lại."
        ),
    }[action]


def _save_item(model, program, actor, pk, *, parent, number=None, on_create=None, **kw):
    """Create a row of the program (under ``parent``, with the next ``number`` = (related name,
    field), and the fields ``on_create`` set once) or change one, refusing a row of another program."""
    owner = {"task": parent} if model is Kpi else {"program": program}
    owner.update(on_create or {})
    if pk is not None:
        get_in_program(model, pk, program)
    elif number:
        related, name = number
        last = getattr(parent, related).order_by(f"-{name}").values_list(name, flat=True).first()
        owner[name] = (last or 0) + 1
    action = model._meta.model_name
    return _write_row(
        model, pk, actor, parent=program, create=owner, action=action, stale=_stale(action), **kw
    )


def save_objective(
    program: Program,
    actor: audit.Actor,
    *,
    data: dict,
    pk: int | None = None,
    expected_version: int | None = None,
    reason: str = "",
):
    """Add or change an objective: a general one (text) or a specific one with a target rank of the
    program's index and the year to reach it (``objective.create/change``)."""
    _writer(actor)
    errors: dict[str, str] = {}
    kind = data.get("kind")
    if kind not in Objective.Kind.values:
        errors["kind"] = _("Chọn loại mục tiêu.")
    v = {
        "kind": kind,
        "text": _text(data, "text", errors, _("Phải nhập nội dung mục tiêu."), 5000),
        "section": (data.get("section") or "").strip()[:20],
        "target_rank": data.get("target_rank"),
        "target_year": data.get("target_year"),
        "framework_id": "",
    }
    if kind == Objective.Kind.SPECIFIC:
        rank, year = v["target_rank"], v["target_year"]
        if rank is None:
            errors["target_rank"] = _("Phải nhập thứ hạng mục tiêu.")
        elif not 1 <= rank <= 100:
            errors["target_rank"] = _("Thứ hạng phải từ 1 đến 100.")
        lo, hi = program.starts_on.year, program.ends_on.year + 5
        if year is None:
            errors["target_year"] = _("Phải nhập năm đạt mục tiêu.")
        elif not lo <= year <= hi:
            errors["target_year"] = _("Năm đạt mục tiêu phải từ {a} đến {b}.").format(a=lo, b=hi)
        v["framework_id"] = program.framework_id
    else:
        v["target_rank"] = v["target_year"] = None
    _refuse(errors)
    return _save_item(
        Objective,
        program,
        actor,
        pk,
        values=v,
        fields=OBJECTIVE_WRITABLE,
        parent=program,
        number=("objectives", "order"),
        expected_version=expected_version,
        reason=reason,
    )


TASK_WRITABLE = (
    "title",
    "text",
    "section",
    "objective",
    "lead_agency",
    "assignment_basis",
    "deadline",
    "recurrence",
    "components",
)


def framework_codes(framework_id: str) -> list[tuple[str, str]]:
    """(code, label) of the main indices and components of a framework (depth 1–2), or []."""
    fw = frameworks.find_framework(framework_id)
    return [(c, fw.node(c).label("vi")) for c in fw.codes if 1 <= fw.depth(c) <= 2] if fw else []


def framework_indicators(framework_id: str) -> list[tuple[str, str]]:
    """(code, label) of the indicators (values agencies enter) of a framework, in its order."""
    fw = frameworks.find_framework(framework_id)
    return [(n.code, n.label("vi")) for n in fw.indicators] if fw else []


def save_task(
    program: Program,
    actor: audit.Actor,
    *,
    data: dict,
    pk: int | None = None,
    expected_version: int | None = None,
    reason: str = "",
    draft: bool = False,
):
    """Add or change a task: its text, lead and supporting agencies (in force during the program),
    deadline (within it), objective and the index components it improves (``task.create/change``).
    A new task takes the next number; ``draft`` creates it as a draft (:func:`issue_tasks`)."""
    _writer(actor)
    errors: dict[str, str] = {}
    lead = data.get("lead_agency")
    _check_agency(program, lead, errors, "lead_agency", _("Phải chọn cơ quan chủ trì."))
    supporting = [a for a in (data.get("supporting_agencies") or []) if a != lead]
    ok_ids = set(
        agencies_in_force(program.starts_on, program.ends_on)
        .filter(pk__in=[a.pk for a in supporting])
        .values_list("pk", flat=True)
    )
    bad = [a.name for a in supporting if a.pk not in ok_ids]
    if bad:
        errors["supporting_agencies"] = _(
            "Không có hiệu lực trong thời gian của chương trình: {names}."
        ).format(names=", ".join(bad))
    objective = data.get("objective")
    if objective is not None and objective.program_id != program.pk:
        errors["objective"] = _("Mục tiêu không thuộc chương trình.")
    recurrence = data.get("recurrence") or Recurrence.NONE
    if recurrence not in Recurrence.values:
        errors["recurrence"] = _("Tính chất không hợp lệ.")
    deadline = data.get("deadline")
    _in_period((program.starts_on, program.ends_on), deadline, "deadline", errors, _("Thời hạn"))
    known = {c for c, _label in framework_codes(program.framework_id)}
    components = list(dict.fromkeys(data.get("components") or []))
    if any(c not in known for c in components):
        errors["components"] = _("Chỉ số thành phần không thuộc bộ chỉ số của chương trình.")
    title = _text(data, "title", errors, _("Phải nhập tên nhiệm vụ."), 200)
    v = {
        "title": title,
        "text": (data.get("text") or "").strip() or title,
        "section": (data.get("section") or "").strip()[:20],
        "objective": objective,
        "lead_agency": lead,
        "assignment_basis": (data.get("assignment_basis") or "").strip()[:300],
        "deadline": deadline,
        "recurrence": recurrence,
        "components": components,
    }
    _refuse(errors)
    return _save_item(
        Task,
        program,
        actor,
        pk,
        values=v,
        fields=TASK_WRITABLE,
        parent=program,
        number=("tasks", "number"),
        on_create={"is_draft": True} if draft else None,
        m2m={"supporting_agencies": supporting},
        expected_version=expected_version,
        reason=reason,
    )


def issue_tasks(program: Program, actor: audit.Actor, task_ids: list[int], *, reason: str = "") -> int:
    """Issue draft tasks (a plan's proposals reviewed by the department): from then on they are
    tracked, reported and reminded like every task (``task.issue``). Returns how many were issued."""
    _writer(actor)
    with transaction.atomic():
        drafts = list(Task.objects.select_for_update().drafts().filter(program=program, pk__in=task_ids))
        for t in drafts:
            t.is_draft = False
            t.save(update_fields=["is_draft"])
            audit.record(actor, "task.issue", t, parent=program, before={"is_draft": True},
                         after={"is_draft": False}, reason=reason)
    return len(drafts)


def discard_draft(program: Program, actor: audit.Actor, task_id: int, *, reason: str = "") -> None:
    """Delete a draft task and its KPIs (an issued task is never deleted here)."""
    from chiso.lib.refusal import Refused

    _writer(actor)
    with transaction.atomic():
        task = Task.objects.select_for_update().filter(program=program, pk=task_id).first()
        if task is None or not task.is_draft:
            raise Refused(_("Chỉ bỏ được nhiệm vụ dự thảo chưa ban hành."))
        audit.record(actor, "task.discard", task, parent=program,
                     before={"title": task.title, "lead_agency": str(task.lead_agency)}, reason=reason)
        task.delete()


KPI_WRITABLE = (
    "name",
    "unit",
    "baseline",
    "baseline_year",
    "target",
    "target_basis",
    "direction",
    "due_on",
    "source",
    "framework_id",
    "indicator_code",
    "source_agency",
)


def save_kpi(
    program: Program,
    actor: audit.Actor,
    *,
    task_id: int,
    data: dict,
    pk: int | None = None,
    expected_version: int | None = None,
    reason: str = "",
):
    """Add or change a task's KPI (``kpi.create/change``): an indicator of the program's framework
    (its actual is the approved collected value) or a value the agencies report."""
    import math

    _writer(actor)
    task = get_in_program(Task, task_id, program)
    errors: dict[str, str] = {}
    v = {f: data.get(f) for f in KPI_WRITABLE}
    v["name"] = _text(data, "name", errors, _("Phải nhập tên chỉ tiêu."), 300)
    v["unit"] = (data.get("unit") or "").strip()[:40]
    v["target_basis"] = (data.get("target_basis") or "").strip()[:300]
    for f in ("baseline", "target"):
        x = v[f]
        if x is not None and not (isinstance(x, int | float) and math.isfinite(x)):
            errors[f] = _("Phải là một số.")
        elif x is not None and v["unit"] == "%" and not 0 <= x <= 100:
            errors[f] = _("Đơn vị là %: giá trị phải từ 0 đến 100.")
    if v["baseline_year"] is not None and not 1990 <= v["baseline_year"] <= program.ends_on.year:
        errors["baseline_year"] = _("Năm gốc không hợp lệ.")
    v["direction"] = int(v["direction"] or Kpi.Direction.UP)
    if v["direction"] not in Kpi.Direction.values:
        errors["direction"] = _("Chiều không hợp lệ.")
    _in_period((program.starts_on, program.ends_on), v["due_on"], "due_on", errors, _("Hạn đạt"))
    if v["source"] == Kpi.Source.INDICATOR:
        codes = {c for c, _label in framework_indicators(program.framework_id)}
        if not v["indicator_code"]:
            errors["indicator_code"] = _("Phải chọn chỉ số của bộ chỉ số.")
        elif v["indicator_code"] not in codes:
            errors["indicator_code"] = _("Chỉ số {code} không thuộc bộ chỉ số {fw}.").format(
                code=v["indicator_code"], fw=program.framework_id
            )
        v["framework_id"] = program.framework_id
        _check_agency(program, v["source_agency"], errors, "source_agency")
    elif v["source"] == Kpi.Source.REPORTED:
        v["framework_id"], v["indicator_code"], v["source_agency"] = "", "", None
    else:
        errors["source"] = _("Chọn nguồn số liệu thực tế.")
    _refuse(errors)
    return _save_item(
        Kpi,
        program,
        actor,
        pk,
        values=v,
        fields=KPI_WRITABLE,
        parent=task,
        number=("kpis", "order"),
        expected_version=expected_version,
        reason=reason,
    )


OBLIGATION_WRITABLE = ("title", "section", "agency", "recurrence", "due_offset_days", "schedule_note")


def save_obligation(
    program: Program,
    actor: audit.Actor,
    *,
    data: dict,
    pk: int | None = None,
    expected_version: int | None = None,
    reason: str = "",
):
    """Add or change a recurring obligation (``obligation.create/change``), then schedule it within
    the program (``sync_occurrences``)."""
    _writer(actor)
    errors: dict[str, str] = {}
    _check_agency(program, data.get("agency"), errors, "agency", _("Phải chọn cơ quan thực hiện."))
    if data.get("recurrence") not in OBLIGATION_RECURRENCES:
        errors["recurrence"] = _("Chọn định kỳ.")
    offset = data.get("due_offset_days")
    if offset is None:
        offset = 0
    if not isinstance(offset, int) or not -31 <= offset <= 365:
        errors["due_offset_days"] = _("Hạn: từ -31 đến 365 ngày.")
    v = {
        "title": _text(data, "title", errors, _("Phải nhập tên nhiệm vụ định kỳ."), 300),
        "section": (data.get("section") or "").strip()[:20],
        "agency": data.get("agency"),
        "recurrence": data.get("recurrence"),
        "due_offset_days": offset,
        "schedule_note": (data.get("schedule_note") or "").strip()[:300],
    }
    _refuse(errors)
    with transaction.atomic():
        ob, changed = _save_item(
            Obligation,
            program,
            actor,
            pk,
            values=v,
            fields=OBLIGATION_WRITABLE,
            parent=program,
            expected_version=expected_version,
            reason=reason,
        )
        if changed:
            sync_occurrences(program)
    return ob, changed
