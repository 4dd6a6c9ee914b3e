"""Program logic shared by pages, the loader, reminders and (for the reports app) documents.

Every change goes through here: one transaction, ``select_for_update`` on the row being changed,
an explicit audit row (chiso.orgs.audit) and, where someone must act, an in-app notice.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Prefetch, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from chiso.collection.models import Value
from chiso.lib.db import atomic_retry
from chiso.lib.periods import period_end, period_label
from chiso.orgs import audit
from chiso.orgs.models import Agency, Membership, Notice

from . import lights
from .models import (
    IndexPublication,
    Kpi,
    KpiValue,
    Objective,
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


def kpi_actuals(kpis: list[Kpi], *, as_of: dt.date | None = None) -> dict[int, Actual]:
    """The actual of each KPI, from APPROVED data only.

    ``indicator`` KPIs: the value of the indicator in approved submissions of the latest round
    (year, then quarter) of the KPI's framework that has one; the source agency's value when the
    KPI names one, otherwise the mean over agencies. ``reported`` KPIs: the value in the latest
    approved progress report of the task. With ``as_of``, only periods that ended by that date
    count (a report on an earlier date). Two queries in all.
    """
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
            value = sum(c[3] for c in chosen) / len(chosen)
            out[k.pk] = Actual(
                value,
                period_label(latest[0], chosen[0][5]),
                _("Số liệu đã phê duyệt, chỉ số {code}").format(code=k.indicator_code)
                + ("" if k.source_agency_id else _(" (trung bình {n} cơ quan)").format(n=len(chosen))),
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


def published_rank(framework_id: str, unit_ref: str | None = None) -> dict | None:
    """The home province's latest published rank for a framework (non-demonstration tables only)."""
    from chiso.results.models import PublishedValue
    from chiso.results.services import home_province

    if unit_ref is None:
        unit_ref, _name = home_province()
    if not unit_ref:
        return None
    try:
        from chiso.lib import frameworks

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
    once). Pages cache the rendered result (``program/cache.py``)."""
    from chiso.results.services import home_province

    as_of = as_of or timezone.localdate()
    tasks = list(
        program.tasks.select_related("lead_agency", "objective").prefetch_related(
            Prefetch("kpis", queryset=Kpi.objects.select_related("source_agency"))
        )
    )
    kpis = [k for t in tasks for k in t.kpis.all()]
    actuals = kpi_actuals(kpis)
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
    ranks: dict[str, dict | None] = {}
    unit_ref = None
    for o in program.objectives.all():
        if not o.is_measurable:
            general.append(o)
            continue
        trows = by_objective.get(o.pk, [])
        rank = None
        if o.framework_id:
            if o.framework_id not in ranks:
                if unit_ref is None:
                    unit_ref = home_province()[0]
                ranks[o.framework_id] = published_rank(o.framework_id, unit_ref)
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
    return Board(program, as_of, objectives, general, rows, light, is_demo, counts)


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

    @property
    def agency_ids(self) -> set[int]:
        ids = {r.task.lead_agency_id for r in self.tasks} | {m.agency.pk for m in self.reports}
        return ids | {o.obligation.agency_id for o in self.occurrences}


def overdue(program: Program, as_of: dt.date | None = None, *, agency_ids: set[int] | None = None) -> Overdue:
    """Overdue tasks (past deadline, not reported done), progress reports of the lead agency not
    submitted by their due date, and occurrences of obligations not recorded as done by theirs."""
    as_of = as_of or timezone.localdate()
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


def record_publication(
    program: Program, actor: audit.Actor, *, year: int, published_on: dt.date, reference: str = ""
) -> tuple[IndexPublication, int]:
    """Record (or correct) "the index of ``year`` was published on ``published_on``" for the
    program's framework, then schedule the obligations that follow each publication (the §5b
    conference): returns the record and the number of occurrences created or moved."""
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
        changed = sync_occurrences(program)
    return pub, changed


def publication_dates(program: Program) -> dict[int, tuple[dt.date, str]]:
    """Year -> (date of publication, where it comes from) for the program's framework: the
    department's entries (``IndexPublication``) first, otherwise the day a non-demonstration
    published table of that year was recorded in chiso."""
    from chiso.results.models import PublishedTable

    out: dict[int, tuple[dt.date, str]] = {}
    years = (program.starts_on.year - 1, program.ends_on.year)
    tables = PublishedTable.objects.filter(
        framework_id=program.framework_id, is_demo=False, year__gte=years[0], year__lte=years[1]
    ).order_by("year", "created")
    for t in tables:
        out.setdefault(t.year, (timezone.localtime(t.created).date(), "table"))
    for p in IndexPublication.objects.filter(
        framework_id=program.framework_id, year__gte=years[0], year__lte=years[1]
    ):
        out[p.year] = (p.published_on, "entered")
    return out


# --- recurring obligations -----------------------------------------------------------------------


def _month_end(year: int, month: int) -> dt.date:
    nxt = dt.date(year + (month == 12), month % 12 + 1, 1)
    return nxt - dt.timedelta(days=1)


def sync_occurrences(program: Program, *, until: dt.date | None = None) -> int:
    """Create the missing occurrences of every obligation from the program's schedule (idempotent);
    returns how many were created (or, after publication, moved).

    Monthly and quarterly: every month/quarter from the program's start to its end; yearly: every
    year. After publication: one per published index year of the program's framework from the
    year before the program to its end (``publication_dates``: the date the department entered,
    else the day a non-demonstration published table was recorded in chiso), due
    ``due_offset_days`` after it; a corrected date moves an occurrence not yet done."""
    until = min(program.ends_on, until) if until else program.ends_on
    created = 0
    for ob in program.obligations.all():
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
            for year, (day, _src) in sorted(publication_dates(program).items()):
                wanted.append((f"pub-{year}", _("Sau công bố kết quả năm {y}").format(y=year), day + off))
        have = {o.period: o for o in ob.occurrences.all()}
        new = [
            Occurrence(obligation=ob, period=p, label=lab, due_on=d) for p, lab, d in wanted if p not in have
        ]
        Occurrence.objects.bulk_create(new)
        created += len(new)
        if ob.recurrence == Recurrence.AFTER_PUBLICATION:
            # A corrected publication date moves the due date of what is not done yet.
            for p, _lab, d in wanted:
                o = have.get(p)
                if o is not None and o.done_on is None and o.due_on != d:
                    o.due_on = d
                    o.save(update_fields=["due_on"])
                    created += 1
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
