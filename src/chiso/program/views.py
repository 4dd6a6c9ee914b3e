"""The action program: board with traffic lights, tasks, duties, plans, obligations, quarterly
progress (submit/approve), the overdue board with reminders, and recommendations.

Each view starts with one access helper: not yours -> 404, yours but read-only -> 403.
"""

from __future__ import annotations

import datetime as dt
import os
import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import FileResponse, Http404, HttpResponse, HttpResponseForbidden
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from chiso.collection.evidence import check_upload
from chiso.lib import frameworks, xlsx
from chiso.lib.filenames import file_stem
from chiso.lib.periods import period_label
from chiso.lib.refusal import Refused
from chiso.lib.vn_format import format_date, format_number, parse_date, parse_number
from chiso.orgs import audit
from chiso.orgs.access import get_scope
from chiso.orgs.models import Agency, AuditEntry, Responsibility

from . import cache, services
from .forms import (
    ActForm,
    FileForm,
    KpiEditForm,
    KpiForm,
    ObjectiveEditForm,
    ObjectiveForm,
    ObligationForm,
    OccurrenceForm,
    PlanForm,
    ProgramForm,
    ProgressForm,
    PublicationForm,
    RecommendationForm,
    ReturnForm,
    TaskForm,
)
from .models import (
    AgencyPlan,
    IndexPublication,
    Kpi,
    Objective,
    Obligation,
    Occurrence,
    Program,
    ProgressEvidence,
    ProgressReport,
    Recommendation,
    Task,
)

# --- access helpers --------------------------------------------------------------------------------


def _get_program_for_user(request, pk) -> Program:
    """Not visible -> 404."""
    return get_object_or_404(Program.objects.visible_to(request.user).select_related("standing_body"), pk=pk)


def _get_report_for_user(request, pk) -> ProgressReport:
    qs = ProgressReport.objects.visible_to(request.user).select_related(
        "task__program", "agency", "task__lead_agency"
    )
    return get_object_or_404(qs, pk=pk)


def _get_recommendation_for_user(request, pk) -> Recommendation:
    qs = Recommendation.objects.visible_to(request.user).select_related(
        "agency", "task", "assigned_to", "program"
    )
    return get_object_or_404(qs, pk=pk)


def _forbidden(message: str):
    return HttpResponseForbidden(message)


def _as_of(request) -> dt.date:
    raw = request.GET.get("ngay", "")
    if raw:
        try:
            return parse_date(raw)
        except ValueError:
            pass
    return timezone.localdate()


def _serve(obj):
    try:
        fh = obj.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    resp = FileResponse(fh, as_attachment=True, filename=obj.original_name, content_type=obj.content_type)
    resp["X-Content-Type-Options"] = "nosniff"
    resp["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return resp


# --- programs and the board ------------------------------------------------------------------------


@login_required
def programs(request):
    qs = Program.objects.visible_to(request.user)
    can_write = services.may_write(request.user)
    if qs.count() == 1 and not can_write:
        return redirect("program", pk=qs.get().pk)
    return render(request, "program/programs.html", {"programs": qs, "can_write": can_write})


def _audience(scope) -> str:
    """Who a cached fragment is rendered for. The board and the public page show the same data to
    every reader of the audience; the department also gets the edit links."""
    return "dept" if scope.is_department else "reader"


@login_required
def program_board(request, pk):
    as_of = _as_of(request)
    audience = _audience(get_scope(request.user))

    def build():
        # A miss reads the program with the reader's access check (404 is raised, never cached).
        # A hit needs no program query: every signed-in user reads every program
        # (ProgramQuerySet.visible_to), and a deleted or changed program changes the data stamp.
        program = _get_program_for_user(request, pk)
        b = services.board(program, as_of)
        html = render_to_string(
            "program/_board_body.html",
            {
                "program": program,
                "board": b,
                "as_of_text": format_date(b.as_of),
                "can_edit": audience == "dept",
            },
        )
        return {"html": html, "is_demo": b.is_demo, "title": program.decision_number}

    # Rendered once per (data stamp, program, date, language, audience): see program/cache.py.
    body = cache.fragment("board", (pk, as_of.isoformat(), audience), build)
    return render(
        request,
        "program/board.html",
        {
            "title": body["title"],
            "body": mark_safe(body["html"]),  # noqa: S308 (our own render)
            "is_demo": body["is_demo"],
            "pk": pk,
            "can_write": services.may_write(request.user),
        },
    )


@login_required
def task_detail(request, pk, number):
    program = _get_program_for_user(request, pk)
    task = get_object_or_404(
        Task.objects.issued().select_related("lead_agency", "objective"), program=program, number=number
    )
    b = services.board(program, _as_of(request))
    row = next(r for r in b.tasks if r.task.pk == task.pk)
    reports = (
        ProgressReport.objects.visible_to(request.user)
        .filter(task=task)
        .select_related("agency")
        .order_by("-year", "-quarter", "agency__name")
    )
    recs = Recommendation.objects.visible_to(request.user).filter(task=task).select_related("agency")
    is_demo = row.light != "grey" and b.is_demo or any(r.is_demo for r in reports)
    return render(
        request,
        "program/task.html",
        {
            "program": program,
            "task": task,
            "row": row,
            "reports": reports,
            "recs": recs,
            "is_demo": is_demo,
            "supporting": task.supporting_agencies.all(),
            "can_edit": get_scope(request.user).is_department,
            "can_write": services.may_write(request.user),
            "can_report": not b.closed
            and any(get_scope(request.user).can_enter(a) for a in services.task_agency_ids(task)),
            "closed": b.closed,
            "closing_sentence": b.closing_sentence,
        },
    )


@login_required
def duties(request, pk):
    program = _get_program_for_user(request, pk)
    duties = program.duties.prefetch_related("agencies")
    resp = (
        Responsibility.objects.visible_to(request.user)
        .filter(framework_id=program.framework_id)
        .select_related("agency")
        .order_by("agency__kind", "agency__name", "role", "code")
    )
    try:
        fw = frameworks.get_framework(program.framework_id)
        names = {c: fw.node(c).label((get_language() or "vi")[:2]) for c in fw.codes}
    except Exception:  # a program may name a framework chiso does not ship
        names = {}
    by_agency: dict[int, dict] = {}
    for r in resp:
        d = by_agency.setdefault(r.agency_id, {"agency": r.agency, "lead": [], "support": []})
        d[r.role].append((r.code, names.get(r.code, r.code)))
    tasks = program.tasks.issued().select_related("lead_agency").prefetch_related("supporting_agencies")
    return render(
        request,
        "program/duties.html",
        {
            "program": program,
            "duties": duties,
            "matrix": list(by_agency.values()),
            "tasks": tasks,
        },
    )


# --- agencies' plans (§5a) -------------------------------------------------------------------------


@login_required
def plans(request, pk):
    program = _get_program_for_user(request, pk)
    scope = get_scope(request.user)
    qs = AgencyPlan.objects.visible_to(request.user).filter(program=program).select_related("agency")
    my_agencies = Agency.objects.filter(pk__in=scope.agency_ids)
    form = PlanForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        agency = my_agencies.filter(pk=request.POST.get("agency") or 0).first() or my_agencies.first()
        if agency is None:
            return _forbidden(_("Chỉ cơ quan được phân công mới tải kế hoạch lên."))
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                content_type, digest = check_upload(upload)
            except ValueError as e:
                messages.error(request, str(e))
                return redirect("program_plans", pk=program.pk)
            with transaction.atomic():
                plan = AgencyPlan(
                    program=program,
                    agency=agency,
                    title=form.cleaned_data["title"],
                    document_number=form.cleaned_data["document_number"],
                    original_name=os.path.basename(upload.name)[:200],
                    content_type=content_type,
                    size=upload.size,
                    sha256=digest,
                    uploaded_by=request.user,
                )
                plan.file.save("upload", upload, save=False)
                plan.save()
                audit.record(
                    audit.Actor.from_request(request),
                    "plan.add",
                    plan,
                    parent=program,
                    after={"name": plan.original_name, "sha256": digest, "agency": agency.code},
                )
            messages.success(request, _("Đã tải lên kế hoạch “{title}”.").format(title=plan.title))
            return redirect("program_plans", pk=program.pk)
    return render(
        request,
        "program/plans.html",
        {
            "program": program,
            "plans": qs,
            "form": form,
            "my_agencies": my_agencies,
            "is_demo": any(p.is_demo for p in qs),
        },
    )


@login_required
def plan_download(request, pk):
    plan = get_object_or_404(AgencyPlan.objects.visible_to(request.user), pk=pk)
    return _serve(plan)


# --- obligations -----------------------------------------------------------------------------------


@login_required
def obligations(request, pk):
    program = _get_program_for_user(request, pk)
    # a closed program is judged as at its end: nothing falls late after it
    as_of = services.judged_on(program, _as_of(request))
    obs = program.obligations.select_related("agency").prefetch_related("occurrences")
    scope = get_scope(request.user)
    rows = []
    for ob in obs:
        occ = list(ob.occurrences.all())
        rows.append(
            {
                "ob": ob,
                "occ": occ,
                "done": sum(1 for o in occ if o.done_on),
                "late": sum(1 for o in occ if not o.done_on and o.due_on < as_of),
                "can_record": scope.is_department or scope.can_enter(ob.agency_id),
            }
        )
    return render(
        request,
        "program/obligations.html",
        {
            "program": program,
            "rows": rows,
            "as_of": as_of,
            "form": OccurrenceForm(),
            "is_demo": any(o.is_demo for r in rows for o in r["occ"]),
            "closing_sentence": services.closing_sentence(program) if services.is_closed(program) else "",
        },
    )


@login_required
@require_POST
def occurrence_record(request, pk):
    occ = get_object_or_404(
        Occurrence.objects.visible_to(request.user).select_related("obligation__program"), pk=pk
    )
    scope = get_scope(request.user)
    if not (scope.is_department or scope.can_enter(occ.obligation.agency_id)):
        return _forbidden(_("Chỉ cơ quan thực hiện hoặc cơ quan thường trực được ghi nhận."))
    form = OccurrenceForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Ngày thực hiện không hợp lệ (dd/mm/yyyy)."))
    else:
        services.record_occurrence(occ.pk, audit.Actor.from_request(request), **form.cleaned_data)
        messages.success(request, _("Đã ghi nhận “{label}”.").format(label=occ.label))
    return redirect("program_obligations", pk=occ.obligation.program_id)


# --- overdue board ------------------------------------------------------------------------------------


@login_required
def overdue(request, pk):
    scope = get_scope(request.user)
    as_of = _as_of(request)
    # An agency sees only its own rows: its fragment is keyed on its agencies, never shared with
    # the department's (which reads all).
    agency_ids = None if scope.reads_all else scope.agency_ids
    audience = "all" if agency_ids is None else "agencies:" + ",".join(str(i) for i in sorted(agency_ids))

    def build():
        program = _get_program_for_user(request, pk)  # as program_board: checked on a miss
        od = services.overdue(program, as_of, agency_ids=agency_ids)
        by_agency: dict[str, int] = {}
        for m in od.reports:
            by_agency[m.agency.name] = by_agency.get(m.agency.name, 0) + 1
        html = render_to_string(
            "program/_overdue_body.html",
            {
                "program": program,
                "od": od,
                "as_of": as_of,
                "report_counts": sorted(by_agency.items(), key=lambda kv: -kv[1]),
                "reports_shown": od.reports[:200],
            },
        )
        nav = render_to_string("program/_nav.html", {"program": program})
        return {
            "html": html,
            "nav": nav,
            "number": program.decision_number,
            "summary": (len(od.tasks), len(od.reports), len(od.occurrences)),
            "closing": services.closing_sentence(program) if od.closed else "",
        }

    body = cache.fragment("overdue", (pk, as_of.isoformat(), audience), build)
    n_tasks, n_reports, n_occ = body["summary"]
    return render(
        request,
        "program/overdue.html",
        {
            "pk": pk,
            "number": body["number"],
            "as_of": as_of,
            "can_remind": scope.is_department,
            "nav": mark_safe(body["nav"]),  # noqa: S308 (our own render)
            "body": mark_safe(body["html"]),  # noqa: S308 (our own render)
            "n_tasks": n_tasks,
            "n_reports": n_reports,
            "n_occurrences": n_occ,
            "closed": bool(body["closing"]),
            "closing_sentence": body["closing"],
        },
    )


@login_required
@require_POST
def overdue_remind(request, pk):
    program = _get_program_for_user(request, pk)
    if not get_scope(request.user).is_department:
        return _forbidden(_("Chỉ cơ quan thường trực được gửi nhắc nhở."))
    as_of = _as_of(request)
    if services.is_closed(program, as_of):
        messages.info(request, services.closing_sentence(program) + " " + _("Không gửi nhắc nhở."))
        return redirect("program_overdue", pk=program.pk)
    n = services.send_reminders(program, audit.Actor.from_request(request), as_of)
    messages.success(request, _("Đã gửi nhắc nhở tới {n} cơ quan.").format(n=n))
    return redirect("program_overdue", pk=program.pk)


# --- quarterly progress ----------------------------------------------------------------------------------


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
    history = AuditEntry.objects.filter(target_type="program.progressreport", target_id=str(report.pk))[:100]
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
    try:
        services.submit_report(report.pk, audit.Actor.from_request(request))
    except services.ProgramError as e:
        messages.error(request, str(e))
    else:
        messages.success(request, _("Đã gửi báo cáo tới cơ quan thường trực."))
    return redirect("progress_report", pk=report.pk)


@login_required
@require_POST
def progress_approve(request, pk):
    report = _get_report_for_user(request, pk)
    if not get_scope(request.user).is_department:
        return _forbidden(_("Chỉ cơ quan thường trực được phê duyệt."))
    try:
        services.approve_report(report.pk, audit.Actor.from_request(request))
    except services.ProgramError as e:
        messages.error(request, str(e))
    else:
        messages.success(request, _("Đã phê duyệt báo cáo tiến độ."))
    return redirect("progress_report", pk=report.pk)


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
    try:
        services.return_report(report.pk, audit.Actor.from_request(request), form.cleaned_data["reason"])
    except services.ProgramError as e:
        messages.error(request, str(e))
    else:
        messages.success(request, _("Đã trả lại báo cáo kèm lý do."))
    return redirect("progress_report", pk=report.pk)


@login_required
@require_POST
def progress_evidence_upload(request, pk):
    report = _get_report_for_user(request, pk)
    denied = _rw_or_error(request, report)
    if denied:
        return denied
    form = FileForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Chưa chọn tệp."))
        return redirect("progress_report", pk=report.pk)
    upload = form.cleaned_data["file"]
    try:
        content_type, digest = check_upload(upload)
    except ValueError as e:
        messages.error(request, str(e))
        return redirect("progress_report", pk=report.pk)
    with transaction.atomic():
        locked = ProgressReport.objects.select_for_update().get(pk=report.pk)
        if not locked.is_editable_status:
            return _forbidden(_("Báo cáo không sửa được lúc này (đã gửi hoặc đã duyệt)."))
        ev = ProgressEvidence(
            report=locked,
            original_name=os.path.basename(upload.name)[:200],
            content_type=content_type,
            size=upload.size,
            sha256=digest,
            uploaded_by=request.user,
        )
        ev.file.save("upload", upload, save=False)
        ev.save()
        audit.record(
            audit.Actor.from_request(request),
            "progress.evidence.add",
            ev,
            parent=locked,
            after={"name": ev.original_name, "sha256": digest},
        )
    messages.success(request, _("Đã tải lên minh chứng “{name}”.").format(name=ev.original_name))
    return redirect("progress_report", pk=report.pk)


@login_required
def progress_evidence_download(request, pk):
    visible = ProgressReport.objects.visible_to(request.user)
    ev = get_object_or_404(ProgressEvidence, pk=pk, report__in=visible)
    return _serve(ev)


# --- recommendations ---------------------------------------------------------------------------------------


def _filtered_recommendations(request):
    qs = Recommendation.objects.visible_to(request.user).select_related(
        "agency", "task", "assigned_to", "program"
    )
    g = request.GET
    if g.get("trang_thai") in Recommendation.Status.values:
        qs = qs.filter(status=g["trang_thai"])
    if g.get("loai") in Recommendation.Kind.values:
        qs = qs.filter(kind=g["loai"])
    if (g.get("co_quan") or "").isdigit():
        qs = qs.filter(agency_id=int(g["co_quan"]))
    if (g.get("nhiem_vu") or "").isdigit():
        qs = qs.filter(task__number=int(g["nhiem_vu"]))
    if g.get("q"):
        qs = qs.filter(title__icontains=g["q"][:100])
    return qs


@login_required
def recommendations(request):
    qs = _filtered_recommendations(request)
    scope = get_scope(request.user)
    agencies = Agency.objects.filter(
        pk__in=Recommendation.objects.visible_to(request.user).values("agency_id")
    )
    return render(
        request,
        "program/recommendations.html",
        {
            "recs": qs,
            "statuses": Recommendation.Status.choices,
            "kinds": Recommendation.Kind.choices,
            "agencies": agencies,
            "can_send": bool(scope.agency_ids),
            "g": request.GET,
            "is_demo": any(r.is_demo for r in qs),
            "query": request.GET.urlencode(),
        },
    )


@login_required
def recommendations_xlsx(request):
    """The filtered recommendations as a workbook, in Vietnamese whatever the reader's language: the
    component by name, the date sent as a date, the header frozen; labelled on every sheet when it
    shows demonstration data (a column says which rows when only some are)."""
    recs = list(_filtered_recommendations(request))
    demo = [r.is_demo for r in recs]
    mixed = any(demo) and not all(demo)
    with translation.override("vi"):
        names: dict[str, dict[str, str]] = {}
        header = ["STT", "Tiêu đề", "Cơ quan gửi", "Loại", "Nhiệm vụ", "Chỉ số thành phần", "Trạng thái",
                  "Cơ quan được giao", "Ngày gửi", "Trả lời", "Công khai"] + (["Dữ liệu minh họa"] if mixed else [])
        rows = []
        for n, r in enumerate(recs, start=1):
            if r.component and r.program.framework_id not in names:
                names[r.program.framework_id] = _framework_names(r.program.framework_id)[1]
            component = names.get(r.program.framework_id, {}).get(r.component, r.component) if r.component else ""
            rows.append([
                n, r.title, r.agency.name, r.get_kind_display(), str(r.task) if r.task else "", component,
                r.get_status_display(), r.assigned_to.name if r.assigned_to else "",
                timezone.localtime(r.created).date(), r.answer, "Có" if r.is_public else "Không",
            ] + (["Có" if r.is_demo else ""] if mixed else []))  # fmt: skip
        data = xlsx.workbook_bytes(
            "Kiến nghị", header, rows, formats=[xlsx.WHOLE], widths=[6, 50, 30, 18, 40, 30, 22, 30, 12, 50, 10, 12],
            demo_note=xlsx.DEMO_NOTE if any(demo) else "",
        )  # fmt: skip
    resp = HttpResponse(
        data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    name = file_stem("kiến nghị", f"ngày {timezone.localdate():%d-%m-%Y}")
    resp["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    return resp


@login_required
def recommendation_new(request):
    scope = get_scope(request.user)
    agencies = list(Agency.objects.filter(pk__in=scope.agency_ids))
    if not agencies:
        return _forbidden(_("Chỉ cán bộ của một cơ quan được gửi kiến nghị."))
    visible = Program.objects.visible_to(request.user)
    raw = request.POST.get("chuong_trinh") or request.GET.get("chuong_trinh") or ""
    today = timezone.localdate()
    program = (
        (visible.filter(pk=int(raw)).first() if raw.isdigit() and len(raw) < 19 else None)
        or visible.filter(starts_on__lte=today, ends_on__gte=today).first()
        or visible.first()
    )
    if program is None:
        raise Http404
    try:
        fw = frameworks.get_framework(program.framework_id)
        components = [
            (c, fw.node(c).label((get_language() or "vi")[:2])) for c in fw.codes if fw.depth(c) <= 2
        ]
    except Exception:  # an unknown framework: no component list
        components = []
    tasks = list(program.tasks.issued())
    form = RecommendationForm(
        request.POST or None,
        tasks=tasks,
        components=components,
        agencies=agencies,
        initial={"task": request.GET.get("nhiem_vu")},
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        agency = next(a for a in agencies if a.pk == d["agency"])
        task = next((t for t in tasks if t.number == d["task"]), None)
        rec = services.submit_recommendation(
            audit.Actor.from_request(request),
            program=program,
            agency=agency,
            title=d["title"],
            body=d["body"],
            kind=d["kind"],
            task=task,
            component=d["component"] or "",
        )
        messages.success(request, _("Đã gửi kiến nghị tới cơ quan thường trực."))
        return redirect("recommendation", pk=rec.pk)
    return render(
        request,
        "program/recommendation_new.html",
        {"form": form, "program": program},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def recommendation_detail(request, pk):
    rec = _get_recommendation_for_user(request, pk)
    scope = get_scope(request.user)
    return render(
        request,
        "program/recommendation.html",
        {
            "rec": rec,
            "steps": rec.steps.select_related("agency"),
            "can_act": scope.is_department,
            "form": ActForm(),
            "is_demo": rec.is_demo,
        },
    )


@login_required
@require_POST
def recommendation_act(request, pk):
    rec = _get_recommendation_for_user(request, pk)
    if not get_scope(request.user).is_department:
        return _forbidden(_("Chỉ cơ quan thường trực xử lý kiến nghị."))
    form = ActForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Thao tác không hợp lệ."))
        return redirect("recommendation", pk=rec.pk)
    d = form.cleaned_data
    try:
        services.act_on_recommendation(
            rec.pk,
            audit.Actor.from_request(request),
            d["action"],
            text=d["text"],
            assigned_to=d["assigned_to"],
        )
    except services.ProgramError as e:
        messages.error(request, str(e))
    else:
        messages.success(request, _("Đã cập nhật kiến nghị."))
    return redirect("recommendation", pk=rec.pk)


# --- the department's edits of targets ------------------------------------------------------------------


def _department_only(request):
    if not get_scope(request.user).is_department:
        return _forbidden(_("Chỉ cơ quan thường trực (Sở) được sửa chỉ tiêu và mục tiêu."))
    return None


def _shown(value) -> str:
    """An audited value as the reader writes it (31/12/2020, 0,75, —)."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float):
        return format_number(value, lang=(get_language() or "vi")[:2])
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return format_date(dt.date.fromisoformat(value))
    return str(value)


def _history(obj, form) -> list[dict]:
    """The audited changes of ``obj``, newest first: who, when, field: old -> new, why."""
    entries = AuditEntry.objects.filter(target_type=obj._meta.label_lower, target_id=str(obj.pk)).order_by(
        "-time"
    )
    out = []
    for e in entries[:50]:
        before, after = e.before or {}, e.after or {}
        changes = [
            (form.fields[f].label if f in form.fields else f, _shown(before.get(f)), _shown(after.get(f)))
            for f in after
        ]
        out.append({"time": e.time, "user": e.user_name, "changes": changes, "reason": e.reason})
    return out


def _edit_view(request, program, obj, *, form_class, fields, update, template_ctx):
    """GET: the form with the current values; POST: validate, then ``update`` (which refuses a
    stale version). Errors are shown at the field (400), a stale form gets a 409 with the current
    values."""

    def initial(o):
        out = {"version": o.version}
        for f in fields:
            v = getattr(o, f)
            out[f] = (
                format_date(v)
                if isinstance(v, dt.date)
                else (format_number(v, lang="vi", empty="") if isinstance(v, float) else v)
            )
        return out

    status, conflict = 200, ""
    form = form_class(request.POST or None, program=program, initial=initial(obj))
    if request.method == "POST":
        if form.is_valid():
            d = form.cleaned_data
            try:
                obj, changed = update(
                    obj.pk,
                    audit.Actor.from_request(request),
                    changes={f: d[f] for f in fields},
                    expected_version=d["version"],
                    reason=d["reason"],
                )
            except services.Conflict as e:
                obj.refresh_from_db()
                form = form_class(program=program, initial=initial(obj))
                conflict = str(e)
                status = 409
            else:
                if changed:
                    messages.success(request, _("Đã lưu thay đổi (có ghi nhật ký)."))
                else:
                    messages.info(request, _("Không có gì thay đổi."))
                return redirect(template_ctx["back"])
        else:
            status = 400
    return render(
        request,
        "program/edit_target.html",
        {
            "program": program,
            "form": form,
            "history": _history(obj, form),
            "obj": obj,
            "conflict": conflict,
            **template_ctx,
        },
        status=status,
    )


@login_required
def kpi_edit(request, pk, kpi_pk):
    program = _get_program_for_user(request, pk)
    kpi = get_object_or_404(Kpi.objects.select_related("task"), pk=kpi_pk, task__program=program)
    denied = _department_only(request)
    if denied:
        return denied
    return _edit_view(
        request,
        program,
        kpi,
        form_class=KpiEditForm,
        fields=services.KPI_EDITABLE,
        update=services.update_kpi,
        template_ctx={
            "title": _("Sửa chỉ tiêu (KPI)"),
            "subject": kpi.name,
            "task": kpi.task,
            "back": reverse("program_task", args=[program.pk, kpi.task.number]),
        },
    )


@login_required
def objective_edit(request, pk, objective_pk):
    program = _get_program_for_user(request, pk)
    objective = get_object_or_404(Objective, pk=objective_pk, program=program, kind=Objective.Kind.SPECIFIC)
    denied = _department_only(request)
    if denied:
        return denied
    return _edit_view(
        request,
        program,
        objective,
        form_class=ObjectiveEditForm,
        fields=services.OBJECTIVE_EDITABLE,
        update=services.update_objective,
        template_ctx={
            "title": _("Sửa mục tiêu cụ thể"),
            "subject": objective.text,
            "task": None,
            "back": reverse("program", args=[program.pk]),
        },
    )


# --- publication of the index -------------------------------------------------------------------------------


@login_required
def publications(request, pk):
    """ "The index for year Y was published on date D": the department records it; the obligations
    after each publication (the §5b conference) are scheduled from it."""
    program = _get_program_for_user(request, pk)
    scope = get_scope(request.user)
    form = PublicationForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if not scope.is_department:
            return _forbidden(_("Chỉ cơ quan thường trực (Sở) được ghi nhận ngày công bố chỉ số."))
        if form.is_valid():
            d = form.cleaned_data
            pub, n = services.record_publication(
                program,
                audit.Actor.from_request(request),
                year=d["year"],
                published_on=d["published_on"],
                reference=d["reference"],
            )
            messages.success(
                request,
                _(
                    "Đã ghi nhận: kết quả năm {y} công bố ngày {d}; {n} lịch nhiệm vụ định kỳ được "
                    "tạo hoặc cập nhật."
                ).format(y=pub.year, d=format_date(pub.published_on), n=n),
            )
            return redirect("program_publications", pk=program.pk)
        status = 400
    pubs = services.publications(program)
    entered = {
        p.year: p
        for p in IndexPublication.objects.filter(framework_id=program.framework_id).select_related(
            "recorded_by"
        )
    }
    rows = [
        {
            "year": p.year,
            "date": p.date,
            "source": p.source,
            "entry": entered.get(p.year) if p.framework_id == program.framework_id else None,
            "framework_id": p.framework_id,
            "running": p.running,
        }
        for p in pubs
    ]
    after = (
        Occurrence.objects.filter(obligation__program=program, obligation__recurrence="after_publication")
        .select_related("obligation__agency")
        .order_by("due_on")
    )
    try:
        fw_label = frameworks.get_framework(program.framework_id).label((get_language() or "vi")[:2])
    except Exception:  # a program may name a framework chiso does not ship
        fw_label = program.framework_id
    return render(
        request,
        "program/publications.html",
        {
            "program": program,
            "rows": rows,
            "form": form,
            "can_record": scope.is_department,
            "occurrences": after,
            "fw_label": fw_label,
        },
        status=status,
    )


# --- writing a program in the app (the department admin) ---------------------------------------------
#
# Thin views over services.create_program / update_program / save_objective / save_task / save_kpi /
# save_obligation: the form reads what was typed, the service validates and writes (one transaction,
# audited, a stale version refused with 409), its refusal is put back on the fields.


def _writer_only(request):
    if not services.may_write(request.user):
        return _forbidden(_("Chỉ quản trị hệ thống của cơ quan thường trực được soạn chương trình."))
    return None


def _place(form, e: Refused) -> None:
    for name, msg in e.errors.items():
        visible = name in form.fields and not form.fields[name].widget.is_hidden
        form.add_error(name if visible else None, msg)
    if not e.errors:
        form.add_error(None, e.message)


def _initial(obj, form_class) -> dict:
    """The form's values from the row: dates and numbers as written in Vietnam, related rows by id."""
    out = {"version": obj.version}
    for name in form_class.base_fields:
        if not hasattr(obj, name):
            continue
        v = getattr(obj, name)
        if hasattr(v, "all"):  # a many-to-many manager
            v = [a.pk for a in v.all()]
        elif hasattr(v, "pk"):
            v = v.pk
        elif isinstance(v, float):
            v = format_number(v, lang="vi", empty="")
        out[name] = v
    return out


def _write_page(
    request, program, *, form_class, obj=None, form_kwargs=None, save, title, subject="", initial=None
):
    """GET: the form (with the row's values); POST: ``save(data, version, reason)``; success goes back
    to the program's writing page, a refusal comes back on the form (400, 403, or 409 with the current
    values)."""
    form_kwargs = form_kwargs or {}
    editing = obj is not None
    start = _initial(obj, form_class) if editing else (initial or {})
    form = form_class(request.POST or None, program=program, editing=editing, initial=start, **form_kwargs)
    status, conflict = 200, ""
    if request.method == "POST":
        if not form.is_valid():
            status = 400
        else:
            d = dict(form.cleaned_data)
            version, reason = d.pop("version", None), d.pop("reason", "")
            try:
                row, changed = save(d, version, reason)
            except Refused as e:
                if e.status == 403:
                    return _forbidden(e.message)
                status = e.status
                if e.status == 409:
                    obj.refresh_from_db()
                    form = form_class(
                        program=program, editing=True, initial=_initial(obj, form_class), **form_kwargs
                    )
                    conflict = e.message
                else:
                    _place(form, e)
            else:
                if changed:
                    messages.success(request, _("Đã lưu (có ghi nhật ký)."))
                else:
                    messages.info(request, _("Không có gì thay đổi."))
                return redirect("program_write", pk=(row if isinstance(row, Program) else program).pk)
    return render(
        request,
        "program/write_form.html",
        {
            "program": program,
            "form": form,
            "title": title,
            "subject": subject,
            "conflict": conflict,
            "history": _history(obj, form) if editing else [],
        },
        status=status,
    )


def _framework_choices(program=None) -> list[tuple[str, str]]:
    choices = frameworks.framework_choices("index")
    if program is not None and program.framework_id not in {c for c, _label in choices}:
        choices.append((program.framework_id, program.framework_id))
    return choices


@login_required
def program_new(request):
    denied = _writer_only(request)
    if denied:
        return denied
    from chiso.orgs.issuers import issuer, standing_body

    today = timezone.localdate()
    who = issuer(today)
    body = standing_body(today)
    initial = {
        "issuer": who.people_committee if who.found else "",
        "decision_date": today,
        "standing_body": body.pk if body else None,
        # the latest DTI edition chiso knows (the index a department works on today)
        "framework_id": max((c for c, _label in _framework_choices() if "dti" in c), default=""),
        "progress_due_days": 10,
        # a program being written is not on the public page until the department says so
        "is_public": False,
    }

    def save(d, version, reason):
        return services.create_program(audit.Actor.from_request(request), data=d), True

    return _write_page(
        request,
        None,
        form_class=ProgramForm,
        form_kwargs={"framework_choices": _framework_choices()},
        save=save,
        title=_("Soạn chương trình, kế hoạch mới"),
        initial=initial,
    )


def _program_for_writer(request, pk):
    program = _get_program_for_user(request, pk)
    return program, _writer_only(request)


def _framework_names(fw_id: str) -> tuple[str, dict[str, str]]:
    """The framework's name and its nodes' names in the reader's language: printed instead of codes."""
    lang = (get_language() or "vi")[:2]
    fw = frameworks.find_framework(fw_id)
    if fw is None:
        return _("(bộ chỉ số không còn trong hệ thống)"), {}
    return fw.label(lang), {n.code: n.label(lang) for n in fw.nodes}


@login_required
def program_write(request, pk):
    """The program as written: its basis, objectives, tasks with KPIs, obligations, with the links to
    add and change each."""
    program, denied = _program_for_writer(request, pk)
    if denied:
        return denied
    tasks = program.tasks.issued().select_related("lead_agency", "objective").prefetch_related(
        "supporting_agencies", "kpis"
    )
    drafts = program.tasks.drafts().select_related("lead_agency").prefetch_related("kpis")
    fw_label, indicator_names = _framework_names(program.framework_id)
    return render(
        request,
        "program/write.html",
        {
            "program": program,
            "framework_label": fw_label,
            "indicator_names": indicator_names,
            "objectives": program.objectives.all(),
            "tasks": tasks,
            "drafts": drafts,
            "obligations": program.obligations.select_related("agency"),
            "closed": services.is_closed(program),
            "closing_sentence": services.closing_sentence(program),
        },
    )


def _task_ids(request) -> list[int]:
    return [int(x) for x in request.POST.getlist("task")[:500] if x.isdigit() and len(x) < 12]


@login_required
@require_POST
def drafts_issue(request, pk):
    """Issue the draft tasks ticked on the writing page (proposed by a plan, reviewed by the department)."""
    program, denied = _program_for_writer(request, pk)
    if denied:
        return denied
    try:
        n = services.issue_tasks(program, audit.Actor.from_request(request), _task_ids(request))
    except Refused as e:
        messages.error(request, e.message)
    else:
        if n:
            messages.success(request, _("Đã ban hành {n} nhiệm vụ.").format(n=n))
        else:
            messages.error(request, _("Chưa chọn nhiệm vụ dự thảo nào."))
    return redirect("program_write", pk=program.pk)


@login_required
@require_POST
def drafts_discard(request, pk):
    program, denied = _program_for_writer(request, pk)
    if denied:
        return denied
    ids = _task_ids(request)
    try:
        with transaction.atomic():
            for task_id in ids:
                services.discard_draft(program, audit.Actor.from_request(request), task_id)
    except Refused as e:
        messages.error(request, e.message)
    else:
        messages.success(request, _("Đã bỏ {n} nhiệm vụ dự thảo.").format(n=len(ids)))
    return redirect("program_write", pk=program.pk)


@login_required
def program_edit(request, pk):
    program, denied = _program_for_writer(request, pk)
    if denied:
        return denied

    def save(d, version, reason):
        return services.update_program(
            program.pk, audit.Actor.from_request(request), data=d, expected_version=version, reason=reason
        )

    return _write_page(
        request,
        program,
        form_class=ProgramForm,
        obj=program,
        form_kwargs={"framework_choices": _framework_choices(program)},
        save=save,
        title=_("Sửa căn cứ, thời gian của chương trình"),
        subject=program.title,
    )


def _in_program(model, program, item):
    try:
        return services.get_in_program(model, item, program)
    except model.DoesNotExist:
        raise Http404 from None


def _agencies(program):
    return services.agencies_in_force(program.starts_on, program.ends_on).order_by("kind", "name")


def _item_spec(model, program, obj, task) -> dict:
    """What differs between the pages of an objective, a task, a KPI and an obligation."""
    if model is Objective:
        return {
            "form_class": ObjectiveForm,
            "save": services.save_objective,
            "titles": (_("Sửa mục tiêu"), _("Thêm mục tiêu")),
            "subject": obj.text if obj else "",
            "initial": {"kind": Objective.Kind.SPECIFIC, "target_year": program.ends_on.year},
        }
    if model is Task:
        return {
            "form_class": TaskForm,
            "form_kwargs": {
                "agencies": _agencies(program),
                "components": services.framework_codes(program.framework_id),
            },
            "save": services.save_task,
            "titles": (_("Sửa nhiệm vụ"), _("Thêm nhiệm vụ")),
            "subject": str(obj) if obj else "",
            "initial": {"deadline": program.ends_on},
        }
    if model is Kpi:
        return {
            "form_class": KpiForm,
            "form_kwargs": {
                "agencies": _agencies(program),
                "indicators": services.framework_indicators(program.framework_id),
            },
            "save": services.save_kpi,
            "extra": {"task_id": task.pk},
            "titles": (_("Sửa chỉ tiêu (KPI)"), _("Thêm chỉ tiêu (KPI)")),
            "subject": str(task),
            "initial": {
                "source": Kpi.Source.INDICATOR,
                "direction": Kpi.Direction.UP,
                "due_on": program.ends_on,
            },
        }
    return {
        "form_class": ObligationForm,
        "form_kwargs": {"agencies": _agencies(program)},
        "save": services.save_obligation,
        "titles": (_("Sửa nhiệm vụ định kỳ"), _("Thêm nhiệm vụ định kỳ")),
        "subject": obj.title if obj else "",
        "initial": {
            "agency": program.standing_body_id,
            "recurrence": "after_publication",
            "due_offset_days": 60,
        },
    }


def _item_page(request, pk, model, item=None, task_pk=None):
    """Add (``item`` None) or change an objective, task, KPI (of task ``task_pk``) or obligation."""
    program, denied = _program_for_writer(request, pk)
    if denied:
        return denied
    obj = _in_program(model, program, item) if item is not None else None
    task = obj.task if isinstance(obj, Kpi) else (_in_program(Task, program, task_pk) if task_pk else None)
    spec = _item_spec(model, program, obj, task)
    if model is Task and obj is None:
        spec["initial"]["objective"] = program.objectives.filter(kind=Objective.Kind.SPECIFIC).first()

    def save(d, version, reason):
        actor = audit.Actor.from_request(request)
        return spec["save"](
            program, actor, data=d, pk=item, expected_version=version, reason=reason, **spec.get("extra", {})
        )

    return _write_page(
        request,
        program,
        form_class=spec["form_class"],
        obj=obj,
        form_kwargs=spec.get("form_kwargs"),
        save=save,
        title=spec["titles"][0 if obj else 1],
        subject=spec["subject"],
        initial=spec["initial"],
    )


@login_required
def objective_write(request, pk, item=None):
    return _item_page(request, pk, Objective, item)


@login_required
def task_write(request, pk, item=None):
    return _item_page(request, pk, Task, item)


@login_required
def kpi_write(request, pk, task_pk=None, item=None):
    return _item_page(request, pk, Kpi, item, task_pk)


@login_required
def obligation_write(request, pk, item=None):
    return _item_page(request, pk, Obligation, item)
