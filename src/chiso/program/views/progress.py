"""Quarterly progress reports."""

from __future__ import annotations

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from chiso.lib.periods import period_label
from chiso.lib.vn_format import parse_number
from chiso.orgs import audit
from chiso.orgs.access import get_scope
from chiso.orgs.history import lines as history_lines
from chiso.orgs.models import Agency, AuditEntry
from chiso.review import views as review_views

from .. import services
from ..forms import (
    FileForm,
    ProgressForm,
    ReturnForm,
)
from ..models import (
    Kpi,
    ProgressEvidence,
    ProgressReport,
    Task,
)
from .base import _forbidden, _get_program_for_user, _get_report_for_user


def _quarter_param(request, program) -> tuple[int, int]:
    raw = request.GET.get("quy") or request.POST.get("quy") or ""
    try:
        y, q = (int(x) for x in raw.split("-"))
        if (y, q) in services.reporting_quarters(program):
            return y, q
    except ValueError:
        pass
    return services.current_quarter(program)


@login_required
def progress_list(request, pk):
    program = _get_program_for_user(request, pk)
    scope = get_scope(request.user)
    year, quarter = _quarter_param(request, program)
    reports = {
        (r.task_id, r.agency_id): r
        for r in ProgressReport.objects.visible_to(request.user)
        .filter(task__program=program, year=year, quarter=quarter)
        .select_related("agency")
    }
    tasks = program.tasks.issued().select_related("lead_agency").prefetch_related("supporting_agencies")
    rows = []
    for t in tasks:
        agencies = [t.lead_agency, *t.supporting_agencies.all()]
        for a in agencies:
            mine = scope.can_enter(a.pk)
            r = reports.get((t.pk, a.pk))
            if r is None and not mine and not (scope.reads_all and a.pk == t.lead_agency_id):
                continue
            rows.append({"task": t, "agency": a, "report": r, "lead": a.pk == t.lead_agency_id, "mine": mine})
    quarters = services.reporting_quarters(program)
    return render(
        request,
        "program/progress_list.html",
        {
            "program": program,
            "rows": rows,
            "year": year,
            "quarter": quarter,
            "period": period_label(year, quarter),
            "quarters": [(f"{y}-{q}", period_label(y, q)) for y, q in quarters],
            "due": services.report_due(program, year, quarter),
            "is_demo": any(r.is_demo for r in reports.values()),
        },
    )


@login_required
@require_POST
def progress_open(request, pk):
    program = _get_program_for_user(request, pk)
    scope = get_scope(request.user)
    task = get_object_or_404(Task.objects.issued(), program=program, number=request.POST.get("task") or 0)
    agency = get_object_or_404(Agency, pk=request.POST.get("agency") or 0)
    if not scope.can_enter(agency.pk):
        return _forbidden(_("Chỉ cơ quan được giao mới lập báo cáo tiến độ của mình."))
    year, quarter = _quarter_param(request, program)
    try:
        report = services.open_report(task, agency, year, quarter, audit.Actor.from_request(request))
    except services.ProgramError as e:
        messages.error(request, str(e))
        return redirect("progress_list", pk=program.pk)
    return redirect("progress_report", pk=report.pk)


def _report_context(request, report, form=None):
    scope = get_scope(request.user)
    editable = services.can_edit_report(report, scope)
    kpis = list(report.task.kpis.all())
    values = {v.kpi_id: v.value for v in report.kpi_values.all()}
    actuals = services.kpi_actuals(kpis)
    krows = [{"kpi": k, "reported": values.get(k.pk), "actual": actuals[k.pk]} for k in kpis]
    form = form or ProgressForm(
        initial={
            "task_status": report.task_status,
            "percent": report.percent,
            "narrative": report.narrative,
            "version": report.version,
        }
    )
    statuses = dict(ProgressReport.TaskStatus.choices)
    history = history_lines(
        AuditEntry.objects.filter(target_type="program.progressreport", target_id=str(report.pk))[:100],
        shown=lambda key, value: str(statuses[value]) if key == "task_status" and value in statuses else None,
    )
    return {
        "report": report,
        "task": report.task,
        "program": report.task.program,
        "form": form,
        "can_edit": editable,
        "can_submit": editable and scope.can_sign(report.agency_id),
        "can_decide": scope.is_department and report.status == ProgressReport.Status.SUBMITTED,
        "krows": krows,
        "evidence": list(report.evidence.all()),
        "history": history,
        "is_demo": report.is_demo,
        "file_form": FileForm(),
        "return_form": ReturnForm(),
    }


@login_required
def progress_report(request, pk):
    report = _get_report_for_user(request, pk)
    return render(request, "program/progress.html", _report_context(request, report))


def _rw_or_error(request, report):
    scope = get_scope(request.user)
    if not services.can_edit_report(report, scope):
        if not scope.can_enter(report.agency_id):
            return _forbidden(_("Bạn chỉ được xem báo cáo này."))
        return _forbidden(_("Báo cáo không sửa được lúc này (đã gửi hoặc đã duyệt)."))
    return None


@login_required
@require_POST
def progress_save(request, pk):
    report = _get_report_for_user(request, pk)
    denied = _rw_or_error(request, report)
    if denied:
        return denied
    form = ProgressForm(request.POST)
    if not form.is_valid():
        return render(request, "program/progress.html", _report_context(request, report, form), status=400)
    kpi_values: dict[int, float | None] = {}
    for k in report.task.kpis.filter(source=Kpi.Source.REPORTED):
        raw = request.POST.get(f"kpi_{k.pk}")
        if raw is None:
            continue
        if raw.strip() == "":
            kpi_values[k.pk] = None
            continue
        try:
            kpi_values[k.pk] = parse_number(raw)
        except ValueError:
            form.add_error(None, _("“{raw}” không phải là số ({kpi}).").format(raw=raw[:40], kpi=k.name))
            return render(
                request, "program/progress.html", _report_context(request, report, form), status=400
            )
    d = form.cleaned_data
    try:
        services.save_report(
            report.pk,
            audit.Actor.from_request(request),
            task_status=d["task_status"],
            percent=d["percent"],
            narrative=d["narrative"],
            kpi_values=kpi_values,
            expected_version=d.get("version"),
        )
    except services.NotEditable as e:
        return _forbidden(str(e))
    except services.ProgramError as e:
        messages.error(request, str(e))
    else:
        messages.success(request, _("Đã lưu báo cáo tiến độ."))
    return redirect("progress_report", pk=report.pk)


@login_required
@require_POST
def progress_submit(request, pk):
    report = _get_report_for_user(request, pk)
    if not get_scope(request.user).can_sign(report.agency_id):
        return _forbidden(_("Chỉ lãnh đạo cơ quan được ký gửi báo cáo."))
    return review_views.step(request, lambda actor: services.submit_report(report.pk, actor),
                             _("Đã gửi báo cáo tới cơ quan thường trực."), redirect("progress_report", pk=report.pk))


@login_required
@require_POST
def progress_approve(request, pk):
    report = _get_report_for_user(request, pk)
    if not get_scope(request.user).is_department:
        return _forbidden(_("Chỉ cơ quan thường trực được phê duyệt."))
    return review_views.step(request, lambda actor: services.approve_report(report.pk, actor),
                             _("Đã phê duyệt báo cáo tiến độ."), redirect("progress_report", pk=report.pk))


@login_required
@require_POST
def progress_return(request, pk):
    report = _get_report_for_user(request, pk)
    if not get_scope(request.user).is_department:
        return _forbidden(_("Chỉ cơ quan thường trực được trả lại báo cáo."))
    form = ReturnForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Phải ghi lý do trả lại."))
        return redirect("progress_report", pk=report.pk)
    return review_views.step(
        request, lambda actor: services.return_report(report.pk, actor, form.cleaned_data["reason"]),
        _("Đã trả lại báo cáo kèm lý do."), redirect("progress_report", pk=report.pk))


@login_required
@require_POST
def progress_evidence_upload(request, pk):
    report = _get_report_for_user(request, pk)
    denied = _rw_or_error(request, report)
    if denied:
        return denied
    return review_views.upload(request, partial(services.add_evidence, report), partial(_back, request, report))


def _back(request, report, *, ok: str = "", error: str = ""):
    if error:
        messages.error(request, error)
    if ok:
        messages.success(request, ok)
    return redirect("progress_report", pk=report.pk)


@login_required
def progress_evidence_download(request, pk):
    visible = ProgressReport.objects.visible_to(request.user)
    return review_views.serve(get_object_or_404(ProgressEvidence.objects.all(), pk=pk, report__in=visible))
