"""Quarterly progress reports: open, save, submit, approve, return; their evidence files."""

from __future__ import annotations

import os

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from chiso.lib.db import atomic_retry
from chiso.lib.periods import period_label
from chiso.orgs import audit, notify
from chiso.orgs.models import Agency, Membership, NoticeKind
from chiso.review import evidence, workflow

from ..models import (
    AgencyPlan,
    Kpi,
    KpiValue,
    Program,
    ProgressReport,
    Task,
)
from .base import DEPT_ROLES, Conflict, NotEditable, ProgramError, task_agency_ids
from .overdue import _notify_agency
from .periods import reporting_quarters


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


def check_editable(report: ProgressReport) -> None:
    """Refuse (``NotEditable``) a change of a report that is not a draft or returned."""
    if not report.is_editable_status:
        raise NotEditable(
            _("Báo cáo đang ở trạng thái “{status}”, không sửa được.").format(
                status=report.get_status_display()
            )
        )


def _evidence_check(report: ProgressReport) -> ProgressReport:
    """``check_editable`` of :mod:`chiso.review.evidence`: the report locked, editable, the audit parent."""
    locked = _locked(report.pk)
    check_editable(locked)
    return locked


@atomic_retry
def add_evidence(report: ProgressReport, actor: audit.Actor, upload):
    """Attach an uploaded file to a report, audited. Refused (``Refused``) when the file fails the
    upload check, (``NotEditable``) when the report is not editable."""
    return evidence.add(report, upload, actor, check_editable=_evidence_check, action="progress.evidence.add")


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
        check_editable(report)
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


def _check_narrative(report: ProgressReport) -> None:
    """Before submitting: the results are written."""
    if not report.narrative.strip():
        raise ProgramError(_("Phải ghi kết quả thực hiện trước khi gửi."))


@atomic_retry
def submit_report(report_id: int, actor: audit.Actor) -> ProgressReport:
    with transaction.atomic():
        report = workflow.submit(_locked(report_id), actor, check=_check_narrative)
        notify.tell(
            Membership.objects.filter(agency=report.task.program.standing_body, role__in=DEPT_ROLES).values_list(
                "user_id", flat=True
            ),
            lambda: _("{agency} gửi báo cáo tiến độ {period}: {task}").format(
                agency=report.agency, period=report.period, task=report.task
            ),
            reverse("progress_report", args=[report.pk]),
            NoticeKind.REQUEST,
        )
        return report


@atomic_retry
def approve_report(report_id: int, actor: audit.Actor) -> ProgressReport:
    with transaction.atomic():
        report = workflow.approve(_locked(report_id), actor)
        _notify_agency(
            report.agency,
            lambda: _("Báo cáo tiến độ {period} “{task}” đã được phê duyệt.").format(
                period=report.period, task=report.task.title
            ),
            reverse("progress_report", args=[report.pk]),
            NoticeKind.RESULT,
        )
        return report


@atomic_retry
def return_report(report_id: int, actor: audit.Actor, reason: str) -> ProgressReport:
    with transaction.atomic():
        report = workflow.return_(_locked(report_id), actor, reason)
        _notify_agency(
            report.agency,
            lambda: _("Báo cáo tiến độ {period} “{task}” bị trả lại: {reason}").format(
                period=report.period, task=report.task.title, reason=report.return_reason
            ),
            reverse("progress_report", args=[report.pk]),
            NoticeKind.RETURNED,
        )
        return report


def add_agency_plan(program: Program, agency: Agency, upload, *, actor: audit.Actor, title: str,
                    document_number: str) -> AgencyPlan:
    """An agency's own plan for the program (§5a), stored with the evidence on the one private storage:
    the upload checked as evidence is (``chiso.review.evidence.check_upload``: a refusal —
    ``chiso.lib.refusal.Refused`` — names what is wrong), saved and audited in one transaction."""
    try:
        content_type, digest = evidence.check_upload(upload)
    except ValueError as e:
        raise ProgramError(str(e)) from None
    with transaction.atomic():
        plan = AgencyPlan(
            program=program, agency=agency, title=title, document_number=document_number,
            original_name=os.path.basename(upload.name)[:200], content_type=content_type, size=upload.size,
            sha256=digest, uploaded_by=actor.user,
        )
        plan.file.save("upload", upload, save=False)
        plan.save()
        audit.record(actor, "plan.add", plan, parent=program,
                     after={"name": plan.original_name, "sha256": digest, "agency": agency.code})
    return plan
