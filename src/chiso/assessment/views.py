"""Pages of the internal ranking (/xep-hang-noi-bo/). Thin: the cycle is in services, scoring and
ranking in the engine. Not yours -> 404; yours but not allowed now -> 403."""

from __future__ import annotations

import os
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.db import transaction
from django.http import FileResponse, Http404, HttpResponse, HttpResponseForbidden
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from chiso.collection.evidence import check_upload
from chiso.lib.refusal import Stale
from chiso.lib.templatetags import vn_number
from chiso.orgs import audit
from chiso.orgs.models import Agency
from chiso.reports import services as report_services
from chiso.reports.models import ReportJob

from . import documents, editions, services
from .access import get_access
from .forms import CopyForm, CouncilForm, DecisionForm, DocumentForm, EditionCopyForm, RoundForm, YamlForm
from .models import (
    CouncilMember,
    DocumentRef,
    Entry,
    EvidenceFile,
    InternalFramework,
    Participant,
    Revision,
    Round,
)

S = Round.Status


def _refused(request, e: services.Refused, fallback):
    if e.status == 403:
        return HttpResponseForbidden(e.message)
    messages.error(request, e.message)
    return fallback


def _on_form(form, e: services.Refused) -> None:
    """A refusal shown on the form: per field where it names one, else above the form."""
    for f, msg in e.errors.items():
        form.add_error(f if f in form.fields else None, msg)
    if not e.errors:
        form.add_error(None, e.message)


def _round_for(request, pk) -> Round:
    return get_object_or_404(Round.objects.visible_to(request.user).select_related("framework"), pk=pk)


def _participant_for(request, pk) -> Participant:
    qs = Participant.objects.visible_to(request.user).select_related("round", "agency")
    return get_object_or_404(qs, pk=pk)


def _department_only(request):
    acc = get_access(request.user)
    if not acc.is_department:
        return HttpResponseForbidden(_("Chỉ cơ quan thường trực thực hiện được thao tác này."))
    return None


def _demo(rnd: Round | None) -> bool:
    return bool(rnd and rnd.is_demo)


# --- index and frameworks -------------------------------------------------------------------------------------


@login_required
def index(request):
    acc = get_access(request.user)
    rounds = Round.objects.visible_to(request.user).select_related("framework")
    own = (
        Participant.objects.filter(agency_id__in=acc.agency_ids)
        .select_related("round", "agency")
        .order_by("-round__year")
    )
    return render(
        request,
        "assessment/index.html",
        {
            "acc": acc,
            "rounds": rounds,
            "own": own,
            "frameworks": InternalFramework.objects.filter(kind=InternalFramework.Kind.INTERNAL)
            if acc.reads_all
            else [],
            "is_demo": any(r.is_demo for r in rounds),
        },
    )


@login_required
def frameworks(request):
    acc = get_access(request.user)
    if not acc.reads_all:
        raise Http404
    rows = list(InternalFramework.objects.select_related("derived_from"))
    imported = {f.code for f in rows}
    return render(
        request,
        "assessment/frameworks.html",
        {
            "acc": acc,
            "frameworks": [f for f in rows if not f.is_index_copy],
            "copies": [f for f in rows if f.is_index_copy],
            "shipped": [(i, n) for i, n in services.shipped_internal() if i not in imported],
            "editions": editions.shipped_editions(),
            "can_copy_editions": acc.scope.is_dept_admin,
        },
    )


@login_required
@require_POST
def framework_import(request):
    if not get_access(request.user).reads_all:
        raise Http404
    denied = _department_only(request)
    if denied:
        return denied
    try:
        fw = services.import_shipped(request.POST.get("id", ""), audit.Actor.from_request(request))
    except services.Refused as e:
        return _refused(request, e, redirect("assessment_frameworks"))
    messages.success(request, _("Đã đưa bộ chỉ số “{name}” vào sử dụng.").format(name=fw.name))
    return redirect("assessment_framework", pk=fw.pk)


def _framework_for(request, pk) -> InternalFramework:
    """A province's copy of an edition is read by every signed-in user (agencies see the components they
    lead); an internal framework by the department and the leadership."""
    fw = get_object_or_404(InternalFramework.objects.select_related("derived_from"), pk=pk)
    if not fw.is_index_copy and not get_access(request.user).reads_all:
        raise Http404
    return fw


def _may_edit(request, fw: InternalFramework):
    """Copies of an edition: the department's administrator only; internal frameworks: the department."""
    acc = get_access(request.user)
    if fw.is_index_copy and not acc.scope.is_dept_admin:
        return HttpResponseForbidden(_("Chỉ quản trị của cơ quan thường trực sao và sửa bản của tỉnh."))
    return _department_only(request)


@login_required
def framework_detail(request, pk):
    fw = _framework_for(request, pk)
    if fw.is_index_copy:
        return _edition_detail(request, fw)
    try:
        pfw = services.pfw_for_text(fw.yaml_text, fw.sha256)
    except services.Refused as e:
        pfw, error = None, e.message
    else:
        error = ""
    tiers = []
    if pfw is not None:
        for t in pfw.tiers:
            tiers.append({"tier": t, "max": pfw.max_points(t.code), "n": len(pfw.indicators(t.code))})
    return render(
        request,
        "assessment/framework.html",
        {
            "fw": fw,
            "pfw": pfw,
            "error": error,
            "tiers": tiers,
            "acc": get_access(request.user),
            "indicators": pfw.indicators() if pfw else [],
            "rounds": fw.rounds.all(),
        },
    )


def _edition_detail(request, fw: InternalFramework):
    from chiso.collection.models import Round as CollectionRound
    from chiso.lib import frameworks as lib

    lang = (get_language() or "vi")[:2]
    try:
        parsed = lib.parse_text(fw.yaml_text, fw.sha256)
    except services.FrameworkError as e:
        parsed, error = None, " ".join(services.problems_vi(e))
    else:
        error = ""
    base = editions.base_of(fw)
    diff = editions.edition_diff(fw) if parsed is not None else None
    changes = [(editions.change_label(c.kind), c) for c in diff.changes] if diff else []
    return render(
        request,
        "assessment/framework_edition.html",
        {
            "fw": fw,
            "parsed": parsed,
            "error": error,
            "base": base,
            "status": editions.status_label(parsed.status) if parsed else "",
            "base_status": editions.status_label(base.status) if base else "",
            "summary": editions.summary(diff) if parsed is not None else "",
            "changes": changes,
            "lines": editions.tree_lines(parsed, lang) if parsed else [],
            "unknown_roles": editions.unknown_roles(parsed) if parsed else [],
            "collection_rounds": CollectionRound.objects.filter(framework_id=fw.code).order_by("-year"),
            "open_round": editions.open_collection_rounds(fw.code).order_by("-opens_on").first(),
            "can_edit": get_access(request.user).scope.is_dept_admin,
            "lang": lang,
        },
    )


@login_required
def framework_edition_copy(request):
    """The province's own copy of a shipped index edition."""
    acc = get_access(request.user)
    if not acc.reads_all:
        raise Http404
    if not acc.scope.is_dept_admin:
        return HttpResponseForbidden(_("Chỉ quản trị của cơ quan thường trực sao và sửa bản của tỉnh."))
    shipped = editions.shipped_editions()
    lang = (get_language() or "vi")[:2]
    choices = [(f.id, f"{f.label(lang)} ({f.id}, {editions.status_label(f.status)})") for f in shipped]
    initial = {}
    if request.GET.get("base") in {f.id for f in shipped}:
        initial["base"] = request.GET["base"]
    form = EditionCopyForm(request.POST or None, editions=choices, initial=initial)
    status = 200
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            new = editions.copy_edition(
                d["base"], code=d["code"], edition=d["edition"], actor=audit.Actor.from_request(request)
            )
        except services.Refused as e:
            status = e.status
            _on_form(form, e)
        else:
            messages.success(
                request,
                _("Đã sao “{base}” thành bản của tỉnh “{code}”: thêm, đổi tên chỉ số thành phần và giao cơ quan "
                  "chủ trì rồi lưu.").format(base=new.base_id, code=new.code),  # fmt: skip
            )
            return redirect("assessment_framework_edit", pk=new.pk)
    elif request.method == "POST":
        status = 400
    return render(request, "assessment/framework_edition_copy.html", {"form": form}, status=status)


@login_required
def framework_copy(request, pk):
    fw = _framework_for(request, pk)
    denied = _may_edit(request, fw)
    if denied:
        return denied
    form = CopyForm(
        request.POST or None,
        initial={"edition": fw.edition + 1, "code": f"{fw.code.rsplit('-', 1)[0]}-{fw.edition + 1}"},
    )
    if request.method == "POST" and form.is_valid():
        try:
            new = services.copy(
                fw,
                code=form.cleaned_data["code"],
                edition=form.cleaned_data["edition"],
                actor=audit.Actor.from_request(request),
            )
        except services.Refused as e:
            _on_form(form, e)
        else:
            messages.success(
                request,
                _("Đã sao chép thành “{code}”. Bộ chỉ số cũ và kết quả các năm trước không đổi.").format(
                    code=new.code
                ),
            )
            return redirect("assessment_framework_edit", pk=new.pk)
    return render(request, "assessment/framework_copy.html", {"fw": fw, "form": form})


@login_required
def framework_edit(request, pk):
    fw = _framework_for(request, pk)
    denied = _may_edit(request, fw)
    if denied:
        return denied
    form = YamlForm(request.POST or None, initial={"yaml_text": fw.yaml_text, "version": fw.version})
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.update_yaml(
                fw,
                form.cleaned_data["yaml_text"],
                audit.Actor.from_request(request),
                version=form.cleaned_data["version"],
            )
        except services.Refused as e:
            if e.status == 409:  # a newer save, or a collection round open on it: what was typed stays
                status = 409
                if isinstance(e, Stale):  # told once: the form now carries the newer version
                    data = request.POST.copy()
                    data["version"] = str(InternalFramework.objects.get(pk=fw.pk).version)
                    form = YamlForm(data)
                    form.is_valid()
                form.add_error(None, e.message)
            else:
                form.add_error("yaml_text", e.errors.get("yaml_text") or e.message)
        else:
            messages.success(
                request,
                _("Đã lưu bản của tỉnh. Các trang thu thập, chương trình và ma trận trách nhiệm dùng ngay bản mới.")
                if fw.is_index_copy
                else _("Đã lưu bộ chỉ số. Các đợt đánh giá đã mở vẫn dùng bản chụp của chúng."),
            )
            return redirect("assessment_framework", pk=fw.pk)
    ctx = {"fw": fw, "form": form, "used_by": fw.rounds.count()}
    if fw.is_index_copy:
        ctx["open_round"] = editions.open_collection_rounds(fw.code).order_by("-opens_on").first()
    return render(request, "assessment/framework_edit.html", ctx, status=status)


# --- rounds ---------------------------------------------------------------------------------------------------


@login_required
def round_new(request):
    denied = _department_only(request)
    if denied:
        return denied
    form = RoundForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            rnd = services.create_round(
                audit.Actor.from_request(request),
                framework=d["framework"],
                year=d["year"],
                tier=d["tier"],
                title=d["title"],
                opens_on=d["opens_on"],
                self_due_on=d["self_due_on"],
                appraisal_due_on=d["appraisal_due_on"],
                answer_days=d["answer_days"],
            )
        except services.Refused as e:
            for f, msg in e.errors.items():
                form.add_error(f if f in form.fields and msg else None, msg or e.message)
            if not any(e.errors.values()):
                form.add_error(None, e.message)
        else:
            messages.success(
                request, _("Đã mở đợt đánh giá với {n} đơn vị.").format(n=rnd.participants.count())
            )
            return redirect("assessment_round", pk=rnd.pk)
    return render(request, "assessment/round_new.html", {"form": form})


def _who(rnd: Round, acc) -> tuple[str, frozenset[int] | None]:
    """What the user may see of a round's units: ``("all", None)``, ``("seat", ids)`` or ``("own", ids)``."""
    seat = acc.seat(rnd.pk)
    if acc.reads_all or (seat is not None and not seat.agency_ids):
        return "all", None
    if seat is not None:
        return "seat", seat.agency_ids
    return "own", frozenset(acc.agency_ids)


def _board_body(rnd: Round, acc, lang: str) -> str:
    """The appraisal board's table: one query (units with their cached totals) and a cache keyed on the
    round's version stamp and what the user may see."""
    who, ids = _who(rnd, acc)
    key = f"assessment:board:{rnd.pk}:{rnd.version}:{lang}:{who}:{','.join(map(str, sorted(ids or ())))}"
    body = cache.get(key)
    if body is None:
        parts = rnd.participants.select_related("agency")
        if ids is not None:
            parts = parts.filter(agency_id__in=ids)
        rows = services.results(rnd, parts, lang)
        body = render_to_string(
            "assessment/_board.html",
            {"rnd": rnd, "rows": rows, "LANGUAGE_CODE": lang, "show_rank": who != "own" or rnd.is_published},
        )
        cache.set(key, body, 600)
    return body


CSRF_MARK = "__chiso_csrf__"


@login_required
def round_detail(request, pk):
    """The round and its appraisal board. The page body is cached on the round's version, the
    language and what the user may see and do; the CSRF token is put in per request."""
    rnd = _round_for(request, pk)
    acc = get_access(request.user)
    lang = get_language() or "vi"
    actions = [
        a
        for a, (src, _d, _w) in services.TRANSITIONS.items()
        if src == rnd.status and services.may_transition(a, acc, rnd)
    ]
    seat = acc.seat(rnd.pk)
    who, ids = _who(rnd, acc)
    key = (
        f"assessment:round:{rnd.pk}:{rnd.version}:{lang}:{who}:{','.join(map(str, sorted(ids or ())))}:"
        f"{','.join(actions)}:{int(acc.reads_all)}{int(acc.is_department)}{int(seat is not None)}"
        f"{int(bool(seat and seat.is_chair))}"
    )
    body = cache.get(key)
    if body is None:
        body = render_to_string(
            "assessment/_round_body.html",
            {
                "rnd": rnd,
                "acc": acc,
                "board": _board_body(rnd, acc, lang),
                "actions": actions,
                "steps": S.choices,
                "seat": seat,
                "csrf_token": CSRF_MARK,
                "LANGUAGE_CODE": lang,
                "revisions": rnd.revisions.select_related("entry__participant__agency")
                if rnd.is_frozen
                else [],
            },
        )
        cache.set(key, body, 600)
    body = mark_safe(body.replace(CSRF_MARK, get_token(request)))  # noqa: S308 (our own render)
    return render(request, "assessment/round.html", {"rnd": rnd, "body": body, "is_demo": rnd.is_demo})


@login_required
@require_POST
def round_transition(request, pk, action):
    rnd = _round_for(request, pk)
    acc = get_access(request.user)
    if action not in services.TRANSITIONS:
        raise Http404
    decision = None
    if action == "publish":
        decision = {}
    try:
        services.transition(
            rnd.pk,
            action,
            audit.Actor.from_request(request),
            acc,
            reason=request.POST.get("reason", ""),
            decision=decision,
        )
    except services.Refused as e:
        if e.status == 403:
            return HttpResponseForbidden(e.message)
        messages.error(request, e.message)
        return redirect("assessment_round", pk=rnd.pk)
    rnd.refresh_from_db()
    messages.success(
        request, _("Đợt đánh giá chuyển sang bước “{step}”.").format(step=rnd.get_status_display())
    )
    return redirect("assessment_round", pk=rnd.pk)


@login_required
def unit_settings(request, pk):
    p = _participant_for(request, pk)
    denied = _department_only(request)
    if denied:
        return denied
    if request.method == "POST":
        try:
            services.set_unit(
                p.pk,
                audit.Actor.from_request(request),
                tags=request.POST.get("tags", ""),
                excluded=bool(request.POST.get("excluded")),
                reason=request.POST.get("exclusion_reason", ""),
            )
        except services.Refused as e:
            if e.status == 403:
                return HttpResponseForbidden(e.message)
            messages.error(request, e.message)
        else:
            messages.success(request, _("Đã lưu."))
            return redirect("assessment_round", pk=p.round_id)
    pfw = services.round_pfw(p.round)
    tags = sorted({t for i in pfw.indicators() for t in i.only_for})
    return render(
        request, "assessment/unit_settings.html", {"p": p, "tags": tags, "is_demo": p.round.is_demo}
    )


@require_POST
@login_required
def unit_remove(request, pk):
    """Take a unit out of a round, with a reason (department only; audited)."""
    p = _participant_for(request, pk)
    denied = _department_only(request)
    if denied:
        return denied
    try:
        rnd = services.remove_unit(p.pk, audit.Actor.from_request(request), reason=request.POST.get("removal_reason", ""))
    except services.Refused as e:
        return _refused(request, e, redirect("assessment_unit_settings", pk=p.pk))
    messages.success(request, _("Đã rút {unit} khỏi đợt đánh giá.").format(unit=p.agency.name))
    return redirect("assessment_round", pk=rnd.pk)


@login_required
def council(request, pk):
    rnd = _round_for(request, pk)
    acc = get_access(request.user)
    if not (acc.reads_all or acc.seat(rnd.pk)):
        raise Http404
    form = None
    if acc.is_department:
        form = CouncilForm(request.POST or None, rnd=rnd)
        if request.method == "POST" and form.is_valid():
            d = form.cleaned_data
            try:
                services.set_council(
                    rnd,
                    audit.Actor.from_request(request),
                    user=d["user"],
                    position=d["position"],
                    is_chair=d["is_chair"],
                    agencies=list(d["agencies"]),
                    codes=d["codes"],
                )
            except services.Refused as e:
                form.add_error(None, e.message)
            else:
                messages.success(request, _("Đã cập nhật hội đồng."))
                return redirect("assessment_council", pk=rnd.pk)
    elif request.method == "POST":
        return HttpResponseForbidden(_("Chỉ cơ quan thường trực thực hiện được thao tác này."))
    members = rnd.council.select_related("user").prefetch_related("agencies")
    return render(
        request,
        "assessment/council.html",
        {"rnd": rnd, "members": members, "form": form, "is_demo": rnd.is_demo},
    )


@login_required
def decision(request, pk):
    rnd = _round_for(request, pk)
    acc = get_access(request.user)
    if not acc.reads_all:
        raise Http404
    if rnd.step < list(S.values).index(S.APPROVAL):
        raise Http404
    form = DecisionForm(
        request.POST or None,
        initial={
            "number": rnd.decision_number,
            "date": rnd.decision_date,
            "signer_name": rnd.signer_name,
            "signer_title": rnd.signer_title or "PHÓ CHỦ TỊCH",
        },
    )
    if request.method == "POST":
        denied = _department_only(request)
        if denied:
            return denied
        if form.is_valid():
            d = form.cleaned_data
            try:
                services.set_decision(
                    rnd.pk,
                    audit.Actor.from_request(request),
                    number=d["number"],
                    date=d["date"],
                    signer_name=d["signer_name"],
                    signer_title=d["signer_title"],
                )
            except services.Refused as e:
                return _refused(request, e, redirect("assessment_decision", pk=rnd.pk))
            messages.success(request, _("Đã lưu thông tin quyết định."))
            return redirect("assessment_decision", pk=rnd.pk)
    # the drafts written so far (each a job of the report worker, with its files)
    jobs = ReportJob.objects.visible_to(request.user).filter(kind=ReportJob.Kind.DECISION, params__round_id=rnd.pk)
    return render(
        request,
        "assessment/decision.html",
        {"rnd": rnd, "form": form, "acc": acc, "is_demo": rnd.is_demo, "jobs": jobs.defer("snapshot")[:5]},
    )


def _file_response(data: bytes, name: str, content_type: str) -> HttpResponse:
    resp = HttpResponse(data, content_type=content_type)
    resp["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    resp["X-Content-Type-Options"] = "nosniff"
    return resp


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


DOCUMENT_FORMATS = ("docx", "pdf")  # the paths' extensions; a job writes both (and the workbook)


def _document_job(request, kind: str, params: dict):
    """Queue the document for the report worker and show its page: progress, then the files."""
    job = report_services.create_job(kind, params, audit.Actor.from_request(request))
    return redirect("report_detail", pk=job.pk)


def _last_signer() -> dict:
    """Who signed the latest scorecards (the department types it once; a button reuses it)."""
    recent = ReportJob.objects.filter(kind__in=[ReportJob.Kind.SCORECARDS, ReportJob.Kind.SCORECARD])
    for params in recent.order_by("-created", "-id").values_list("params", flat=True)[:20]:
        if (params or {}).get("sign_name"):
            return {k: params[k] for k in DocumentForm.SIGNER if params.get(k)}
    return {}


def _document_request(request, kind: str, params: dict, context: dict, *, allowed: bool = True):
    """GET: a short page with the document's number, date and signer and a button; POST: the job.
    The buttons on the results and scorecard pages post nothing but the token: the last signer then."""
    form = DocumentForm(request.POST if request.method == "POST" else None, initial=_last_signer())
    if request.method == "POST":
        if not allowed:
            return HttpResponseForbidden(_("Chỉ cơ quan thường trực, lãnh đạo hoặc chính đơn vị tạo được bảng điểm này."))
        if form.is_valid():
            typed = form.params()
            defaults = _last_signer() if "sign_name" not in request.POST else {}
            return _document_job(request, kind, {**params, **defaults, **typed})
    return render(
        request,
        "assessment/document_request.html",
        {"form": form, "allowed": allowed, **context},
        status=400 if form.errors else 200,
    )


@login_required
def decision_file(request, pk, fmt):
    """GET: the decision page, whose button asks for the document; POST: the report worker writes
    it (DOCX, PDF and the workbook of its tables) — its page shows the progress and the files."""
    rnd = _round_for(request, pk)
    if not get_access(request.user).reads_all or fmt not in DOCUMENT_FORMATS:
        raise Http404
    if rnd.step < list(S.values).index(S.APPROVAL):
        raise Http404
    if request.method != "POST":
        return redirect("assessment_decision", pk=rnd.pk)
    return _document_job(request, ReportJob.Kind.DECISION, documents.decision_params(rnd))


@login_required
def scorecards_file(request, pk, fmt):
    """Every unit's scorecard in one document (the department and the leadership)."""
    rnd = _round_for(request, pk)
    if not get_access(request.user).reads_all or fmt not in DOCUMENT_FORMATS:
        raise Http404
    return _document_request(
        request,
        ReportJob.Kind.SCORECARDS,
        {"round_id": rnd.pk},
        {"rnd": rnd, "title": _("Bảng điểm các đơn vị"), "is_demo": rnd.is_demo},
    )


def _sees_results(acc, rnd: Round) -> bool:
    return acc.reads_all or acc.seat(rnd.pk) is not None or rnd.is_published


@login_required
def results(request, pk):
    rnd = (
        _round_for(request, pk)
        if not Round.objects.filter(pk=pk, status=S.PUBLISHED).exists()
        else get_object_or_404(Round, pk=pk)
    )
    acc = get_access(request.user)
    if not _sees_results(acc, rnd):
        raise Http404
    lang = get_language() or "vi"
    who, ids = _who(rnd, acc) if not rnd.is_published else ("all", None)
    if who == "own":  # a unit before publication (not reached: _sees_results), kept for safety
        raise Http404
    prev = services.previous_round(rnd)
    key = (
        f"assessment:results:{rnd.pk}:{rnd.version}:{lang}:{who}:{','.join(map(str, sorted(ids or ())))}:"
        f"{int(acc.reads_all)}:{prev.pk if prev else 0}.{prev.version if prev else 0}"
    )
    body = cache.get(key)
    if body is None:
        parts = rnd.participants.select_related("agency")
        if ids is not None:
            parts = parts.filter(agency_id__in=ids)
        rows = services.results(rnd, parts, lang, prev=prev)
        pfw = services.round_pfw(rnd)
        body = render_to_string(
            "assessment/_results_body.html",
            {
                "rnd": rnd,
                "rows": rows,
                "bands": pfw.bands,
                "prev": prev,
                "acc": acc,
                "LANGUAGE_CODE": lang,
                "revisions": list(rnd.revisions.select_related("entry__participant__agency")),
                "rank_by": pfw.rank_by,
            },
        )
        cache.set(key, body, 600)
    return render(
        request,
        "assessment/results.html",
        {
            "rnd": rnd,
            "body": mark_safe(body),  # noqa: S308
            "is_demo": rnd.is_demo,
        },
    )


@login_required
def results_xlsx(request, pk):
    rnd = (
        _round_for(request, pk)
        if not Round.objects.filter(pk=pk, status=S.PUBLISHED).exists()
        else get_object_or_404(Round, pk=pk)
    )
    acc = get_access(request.user)
    if not (acc.reads_all or rnd.is_published):
        raise Http404
    return _file_response(documents.results_xlsx(rnd), f"ket-qua-xep-hang-{rnd.year}-{rnd.tier}.xlsx", XLSX)


@login_required
def unit_history(request, pk):
    agency = get_object_or_404(Agency, pk=pk)
    acc = get_access(request.user)
    if not (acc.reads_all or pk in acc.agency_ids):
        raise Http404
    rows = services.gap_history(agency.pk)
    return render(
        request,
        "assessment/history.html",
        {"agency": agency, "rows": rows, "is_demo": any(r["round"].is_demo for r in rows)},
    )


# --- one unit's sheet ------------------------------------------------------------------------------------------


def _sheet_mode(acc, p: Participant) -> dict[str, bool]:
    rnd = p.round
    return {
        "self": rnd.status == S.SELF and acc.can_enter(p) and p.status == Participant.Status.DRAFT,
        "appraise": rnd.status == S.APPRAISAL and acc.can_appraise(p),
        "answer": rnd.status == S.ANSWER
        and acc.can_enter(p)
        and (rnd.answer_due_on is None or timezone.localdate() <= rnd.answer_due_on),
        "final": rnd.status == S.COUNCIL and acc.can_decide(p),
        "revise": rnd.is_frozen and acc.is_department,
    }


def _line(acc, p: Participant, mode, ind, e: Entry, lang: str, *, posted=None, error="", version=None) -> dict:
    """One row of the sheet. ``posted``: what the writer typed (kept on a refused save), as
    ``{"v", "a", "b", "note"}``; ``version``: the version the row's hidden input carries."""
    return {
        "ind": ind,
        "e": e,
        "label": ind.label(lang),
        "value_text": services.display_raw(ind, e.raw),
        "input": _input_values(ind, e.raw) if posted is None else posted,
        "note": e.note if posted is None else posted.get("note", ""),
        "version": e.version if version is None else version,
        "error": error,
        "can_appraise": mode["appraise"] and acc.can_appraise(p, ind.code),
        "can_decide": mode["final"] and acc.can_decide(p, ind.code),
        "can_answer": mode["answer"] and e.changed and e.answered_at is None,
        "levels": [(str(k), v.get(lang) or v.get("vi") or str(k)) for k, v in ind.levels.items()],
        "files": list(e.files.all()),
        "docs": list(e.docs.all()),
    }


def _sheet_context(request, p: Participant, errors=None, posted=None, versions=None):
    acc = get_access(request.user)
    rnd = p.round
    pfw = services.round_pfw(rnd)
    lang = get_language() or "vi"
    seat = acc.seat(rnd.pk)
    only_codes = seat.codes if (seat is not None and not acc.reads_all and not acc.is_own(p)) else None
    entries = {e.code: e for e in p.entries.prefetch_related("files", "docs")}
    mode = _sheet_mode(acc, p)
    # appraisal and answers are visible to the unit from the moment the appraisal is sent
    show_appraisal = not _hides_appraisal(acc, p)
    lines = []
    for ind in pfw.indicators(rnd.tier, p.tag_set):
        e = entries.get(ind.code)
        if e is None or (only_codes is not None and ind.code not in only_codes):
            continue
        lines.append(
            _line(
                acc, p, mode, ind, e, lang,
                posted=(posted or {}).get(ind.code),
                error=(errors or {}).get(ind.code, ""),
                version=(versions or {}).get(ind.code),
            )
        )
    return {
        "p": p,
        "rnd": rnd,
        "acc": acc,
        "lines": lines,
        "mode": mode,
        "show_appraisal": show_appraisal,
        "is_demo": rnd.is_demo,
        "can_submit": mode["self"] and acc.can_submit(p),
        "any_answer": any(ln["can_answer"] for ln in lines),
        "errors": errors or {},
        "band": {b.code: b for b in pfw.bands}.get(p.band),
    }


def _hides_appraisal(acc, p: Participant) -> bool:
    """A unit sees its appraisal once it is sent to it (not while the council is still working)."""
    return (
        acc.is_own(p)
        and not acc.reads_all
        and acc.seat(p.round_id) is None
        and p.round.step < list(S.values).index(S.ANSWER)
    )


def _input_values(ind, raw):
    if raw is None:
        return {"v": "", "a": "", "b": ""}
    if ind.value_kind == "ratio" and isinstance(raw, dict):
        return {"v": "", "a": _num(raw.get("a")), "b": _num(raw.get("b"))}
    if ind.value_kind == "yes_no":
        return {"v": "1" if raw else "0", "a": "", "b": ""}
    return {
        "v": _num(raw) if isinstance(raw, (int, float)) and ind.value_kind != "level" else str(raw),
        "a": "",
        "b": "",
    }


def _num(x) -> str:
    if x is None:
        return ""
    from chiso.lib.vn_format import format_number

    return format_number(x).replace(".", "")


@login_required
def sheet(request, pk):
    p = _participant_for(request, pk)
    return render(request, "assessment/sheet.html", _sheet_context(request, p))


def _typed(request, ind) -> tuple[object, str, dict, int | None]:
    """What the sheet posted for one indicator: ``(raw, note, as typed, version)``."""
    c = ind.code
    posted = {k: request.POST.get(f"v_{c}{suffix}", "") for k, suffix in (("v", ""), ("a", "_a"), ("b", "_b"))}
    posted["note"] = request.POST.get(f"note_{c}", "")
    version = request.POST.get(f"ver_{c}", "")
    raw = services.raw_from_post(ind, request.POST, f"v_{c}")
    return raw, posted["note"], posted, int(version) if version.isdigit() else None


@login_required
@require_POST
def sheet_save(request, pk):
    """Save the whole sheet (the button, and the no-JavaScript path). Refused saves re-show the
    sheet with everything typed, notes included; a conflict names, per indicator, the newer value,
    who saved it and when (see ``services.save_self``)."""
    p = _participant_for(request, pk)
    acc = get_access(request.user)
    if not acc.can_enter(p):
        return HttpResponseForbidden(_("Chỉ đơn vị được đánh giá nhập bản tự đánh giá."))
    pfw = services.round_pfw(p.round)
    answers, posted, versions = {}, {}, {}
    for ind in pfw.indicators(p.round.tier, p.tag_set):
        raw, note, posted[ind.code], version = _typed(request, ind)
        answers[ind.code] = (raw, note)
        if version is not None:
            versions[ind.code] = version
    try:
        services.save_self(p.pk, answers, audit.Actor.from_request(request), versions=versions)
    except services.Refused as e:
        if e.status == 403:
            return HttpResponseForbidden(e.message)
        messages.error(request, e.message)
        # after a conflict the rows carry the newer version: saving again is a choice made knowingly
        newer = {c: n.version for c, n in getattr(e, "newer", {}).items()}
        ctx = _sheet_context(request, p, errors=e.errors, posted=posted, versions={**versions, **newer})
        return render(request, "assessment/sheet.html", ctx, status=e.status)
    messages.success(
        request, _("Đã lưu bản tự đánh giá; điểm tự đánh giá được tính theo quy tắc của bộ chỉ số.")
    )
    return redirect("assessment_sheet", pk=p.pk)


@login_required
@require_POST
def entry_save(request, pk, code):
    """Autosave of one indicator (htmx, on change): saves its answer and note with the version the
    row carries, and answers the row's status (saved, the Vietnamese error, or the newer value
    and who saved it) with its new version and, out of band, the self-score. As the collection
    form's rows, it answers 200 with the outcome in ``X-Chiso-Status`` (htmx swaps only 2xx)."""
    p, e = _entry_for(request, pk, code)
    acc = get_access(request.user)
    if not acc.can_enter(p):
        return HttpResponseForbidden(_("Chỉ đơn vị được đánh giá nhập bản tự đánh giá."))
    ind = services.round_pfw(p.round).indicator(code)
    raw, note, _posted, version = _typed(request, ind)
    status, error = 200, ""
    try:
        saved = services.save_self(
            p.pk, {code: (raw, note)}, audit.Actor.from_request(request),
            versions={code: version} if version is not None else None,
        )
        version = saved.versions[code]
    except services.Conflict as err:  # told what is newer: the row carries the newer version now
        status, error, version = err.status, err.errors[code], err.newer[code].version
    except services.Refused as err:  # nothing saved: the row keeps the version it had
        if err.status == 403:
            return HttpResponseForbidden(err.message)
        status, error = err.status, err.errors.get(code, err.message)
    e.refresh_from_db()
    ctx = {"c": code, "e": e, "error": error, "saved": status == 200, "version": version}
    resp = render(request, "assessment/_autosave.html", ctx)
    resp["X-Chiso-Status"] = str(status)
    return resp


@login_required
@require_POST
def sheet_preview(request, pk, code):
    """The self-score the rule gives what is typed, before saving (htmx, on change): a fragment with
    the points or the Vietnamese error. Saves nothing."""
    p, e = _entry_for(request, pk, code)
    if not get_access(request.user).can_enter(p):
        return HttpResponseForbidden(_("Chỉ đơn vị được đánh giá nhập bản tự đánh giá."))
    pfw = services.round_pfw(p.round)
    ind = pfw.indicator(code)
    raw = services.raw_from_post(ind, request.POST, f"v_{code}")
    try:
        value = pfw.value_of(code, raw)
    except services.InputError as err:
        return HttpResponse(f'<span class="err">{escape(services.input_error_vi(err))}</span>')
    pts = pfw.points(code, value, has_evidence=services.entry_has_evidence(e))
    if pts != pts:  # NaN: nothing typed
        return HttpResponse("—")
    return HttpResponse(f'{vn_number(pts, 2)} <small class="muted">({escape(_("chưa lưu"))})</small>')


def _post_action(request, pk, check, do, ok_message):
    p = _participant_for(request, pk)
    acc = get_access(request.user)
    if not check(acc, p):
        return HttpResponseForbidden(_("Bạn không có quyền thực hiện thao tác này."))
    try:
        do(p, acc)
    except services.Refused as e:
        if e.status == 403:
            return HttpResponseForbidden(e.message)
        detail = "; ".join(f"{code}: {msg}" for code, msg in e.errors.items())
        messages.error(request, f"{e.message} {detail}".strip())
        ctx = _sheet_context(request, p, errors=e.errors)
        return render(request, "assessment/sheet.html", ctx, status=400)
    messages.success(request, ok_message)
    return redirect("assessment_sheet", pk=p.pk)


@login_required
@require_POST
def sheet_submit(request, pk):
    return _post_action(
        request,
        pk,
        lambda acc, p: acc.can_submit(p),
        lambda p, acc: services.submit(p.pk, audit.Actor.from_request(request)),
        _("Đã gửi bản tự đánh giá đến cơ quan thường trực."),
    )


@login_required
@require_POST
def sheet_reopen(request, pk):
    return _post_action(
        request,
        pk,
        lambda acc, p: acc.is_department,
        lambda p, acc: services.reopen(
            p.pk, audit.Actor.from_request(request), request.POST.get("reason", "")
        ),
        _("Đã trả lại bản tự đánh giá cho đơn vị."),
    )


def _scores(request, p, prefix_points, prefix_reason):
    pfw = services.round_pfw(p.round)
    return {
        c: (request.POST.get(f"{prefix_points}_{c}", ""), request.POST.get(f"{prefix_reason}_{c}", ""))
        for c in pfw.codes
        if f"{prefix_points}_{c}" in request.POST
    }


@login_required
@require_POST
def sheet_appraise(request, pk):
    return _post_action(
        request,
        pk,
        lambda acc, p: acc.can_appraise(p),
        lambda p, acc: services.appraise(
            p.pk, _scores(request, p, "ap", "ar"), audit.Actor.from_request(request), acc
        ),
        _("Đã lưu điểm thẩm định."),
    )


@login_required
@require_POST
def sheet_answer(request, pk):
    def do(p, acc):
        pfw = services.round_pfw(p.round)
        answers = {c: request.POST.get(f"ans_{c}", "") for c in pfw.codes if f"ans_{c}" in request.POST}
        services.answer(p.pk, answers, audit.Actor.from_request(request))

    return _post_action(request, pk, lambda acc, p: acc.can_enter(p), do, _("Đã gửi giải trình."))


@login_required
@require_POST
def sheet_final(request, pk):
    return _post_action(
        request,
        pk,
        lambda acc, p: acc.can_decide(p),
        lambda p, acc: services.decide_final(
            p.pk, _scores(request, p, "fp", "fr"), audit.Actor.from_request(request), acc
        ),
        _("Đã lưu điểm cuối cùng."),
    )


def _entry_for(request, pk, code) -> tuple[Participant, Entry]:
    p = _participant_for(request, pk)
    e = get_object_or_404(Entry, participant=p, code=code)
    acc = get_access(request.user)
    seat = acc.seat(p.round_id)
    if not acc.reads_all and not acc.is_own(p) and seat is not None and not seat.covers(p.agency_id, code):
        raise Http404
    return p, e


def _evidence_done(request, p: Participant, code: str, *, ok: str = "", error: str = "", doc=None):
    """Where an evidence change leads: under htmx, the indicator's evidence cell (and its self-score,
    out of band) in place — the page is not reloaded, so what is typed elsewhere on the sheet stays;
    otherwise back to the sheet with a message."""
    if not request.headers.get("HX-Request"):
        if error:
            messages.error(request, f"{code}: {error}")
        elif ok:
            messages.success(request, ok)
        return redirect("assessment_sheet", pk=p.pk)
    p = _participant_for(request, p.pk)  # the state after the change
    acc = get_access(request.user)
    mode = _sheet_mode(acc, p)
    e = p.entries.prefetch_related("files", "docs").get(code=code)
    ind = services.round_pfw(p.round).indicator(code)
    ctx = {
        "p": p, "mode": mode, "ln": _line(acc, p, mode, ind, e, get_language() or "vi"),
        "ev_ok": ok, "ev_error": error, "doc": doc or {}, "oob": True,
    }
    return render(request, "assessment/_evidence.html", ctx)


@login_required
@require_POST
def evidence_upload(request, pk, code):
    p, e = _entry_for(request, pk, code)
    acc = get_access(request.user)
    if not acc.can_enter(p):
        return HttpResponseForbidden(_("Chỉ đơn vị được đánh giá tải minh chứng."))
    upload = request.FILES.get("file")
    if upload is None:
        return _evidence_done(request, p, code, error=_("Chưa chọn tệp."))
    try:
        content_type, digest = check_upload(upload)
    except ValueError as err:
        return _evidence_done(request, p, code, error=str(err))
    actor = audit.Actor.from_request(request)
    try:
        with transaction.atomic():
            e.participant = services._lock(p.pk)  # the current step, read under the lock
            services.check_evidence_editable(e)
            ev = EvidenceFile(
                entry=e,
                original_name=os.path.basename(upload.name)[:200],
                content_type=content_type,
                size=upload.size,
                sha256=digest,
                uploaded_by=request.user,
            )
            ev.file.save("upload", upload, save=False)
            ev.save()
            audit.record(
                actor,
                "assessment_evidence.add",
                ev,
                parent=p,
                after={"code": code, "name": ev.original_name, "sha256": digest},
            )
            services.rescore_entry(e.pk)
    except services.Refused as err:
        return HttpResponseForbidden(err.message)
    return _evidence_done(request, p, code, ok=_("Đã tải lên minh chứng “{name}”.").format(name=ev.original_name))


@login_required
@require_POST
def document_add(request, pk, code):
    p, e = _entry_for(request, pk, code)
    if not get_access(request.user).can_enter(p):
        return HttpResponseForbidden(_("Chỉ đơn vị được đánh giá thêm văn bản."))
    try:
        services.add_document(
            e.pk,
            audit.Actor.from_request(request),
            number=request.POST.get("number", ""),
            date=request.POST.get("date", ""),
            summary=request.POST.get("summary", ""),
        )
    except services.Refused as err:
        if err.status == 403:
            return HttpResponseForbidden(err.message)
        typed = {k: request.POST.get(k, "") for k in ("number", "date", "summary")}
        return _evidence_done(request, p, code, error=f"{err.message} " + " ".join(err.errors.values()), doc=typed)
    return _evidence_done(request, p, code, ok=_("Đã thêm văn bản."))


def _evidence_for(request, model, pk):
    obj = get_object_or_404(model.objects.select_related("entry__participant__round"), pk=pk)
    p = obj.entry.participant
    acc = get_access(request.user)
    if not acc.sees_participant(p):
        raise Http404
    seat = acc.seat(p.round_id)
    if (
        not acc.reads_all
        and not acc.is_own(p)
        and seat is not None
        and not seat.covers(p.agency_id, obj.entry.code)
    ):
        raise Http404
    return obj, p, acc


@login_required
def evidence_download(request, pk):
    ev, _p, _acc = _evidence_for(request, EvidenceFile, pk)
    try:
        fh = ev.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    resp = FileResponse(fh, as_attachment=True, filename=ev.original_name, content_type=ev.content_type)
    resp["X-Content-Type-Options"] = "nosniff"
    resp["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return resp


def _delete_evidence(request, model, pk, action):
    obj, p, acc = _evidence_for(request, model, pk)
    if not acc.can_enter(p):
        return HttpResponseForbidden(_("Chỉ đơn vị được đánh giá xóa minh chứng."))
    try:
        with transaction.atomic():
            obj.entry.participant = services._lock(p.pk)
            services.check_evidence_editable(obj.entry)
            audit.record(
                audit.Actor.from_request(request),
                action,
                obj,
                parent=p,
                before={"code": obj.entry.code, "name": str(obj)},
            )
            entry_id = obj.entry_id
            name = getattr(getattr(obj, "file", None), "name", None)
            storage = obj.file.storage if name else None
            obj.delete()
            if name:
                transaction.on_commit(lambda: storage.delete(name))
            services.rescore_entry(entry_id)
    except services.Refused as err:
        return HttpResponseForbidden(err.message)
    return _evidence_done(request, p, obj.entry.code, ok=_("Đã xóa minh chứng."))


@login_required
@require_POST
def evidence_delete(request, pk):
    return _delete_evidence(request, EvidenceFile, pk, "assessment_evidence.delete")


@login_required
@require_POST
def document_delete(request, pk):
    return _delete_evidence(request, DocumentRef, pk, "assessment_doc.delete")


@login_required
def revise(request, pk, code):
    p, e = _entry_for(request, pk, code)
    acc = get_access(request.user)
    if not acc.is_department:
        return HttpResponseForbidden(_("Chỉ cơ quan thường trực lập sửa đổi sau quyết định."))
    if not p.round.is_frozen:
        return HttpResponseForbidden(
            _("Chỉ sửa đổi sau khi có quyết định; trước đó hội đồng sửa điểm trực tiếp.")
        )
    errors = {}
    if request.method == "POST":
        try:
            services.revise(
                e.pk,
                audit.Actor.from_request(request),
                points=request.POST.get("points", ""),
                reason=request.POST.get("reason", ""),
                document=request.POST.get("document", ""),
            )
        except services.Refused as err:
            if err.status == 403:
                return HttpResponseForbidden(err.message)
            messages.error(request, err.message)
            errors = err.errors
        else:
            messages.success(request, _("Đã lập sửa đổi; điểm cũ được lưu lại."))
            return redirect("assessment_sheet", pk=p.pk)
    ind = services.round_pfw(p.round).indicator(code)
    return render(
        request,
        "assessment/revise.html",
        {
            "p": p,
            "e": e,
            "ind": ind,
            "errors": errors,
            "post": request.POST,
            "is_demo": p.round.is_demo,
            "history": Revision.objects.filter(entry=e),
        },
        status=400 if errors else 200,
    )


@login_required
def scorecard(request, pk):
    p = _participant_for(request, pk)
    acc = get_access(request.user)
    # before the appraisal is sent, the unit's own scorecard is its self-assessment only
    hide = _hides_appraisal(acc, p)
    groups = services.scorecard(p, get_language() or "vi", hide_appraisal=hide)
    pfw = services.round_pfw(p.round)
    return render(
        request,
        "assessment/scorecard.html",
        {
            "p": p,
            "rnd": p.round,
            "groups": groups,
            "hide_appraisal": hide,
            "may_print": acc.reads_all or acc.is_own(p),  # the scorecard document (scorecard_file)
            "band": {b.code: b for b in pfw.bands}.get(p.band),
            "is_demo": p.round.is_demo,
            "history": services.gap_history(
                p.agency_id, Participant.objects.visible_to(request.user).filter(agency_id=p.agency_id)
            ),
        },
    )


@login_required
def scorecard_file(request, pk, fmt):
    """One unit's scorecard: the unit itself, the department or the leadership ask for it. The job
    is the unit's to read when it shows what the unit may see (not an appraisal not yet sent to it)."""
    p = _participant_for(request, pk)
    if fmt not in DOCUMENT_FORMATS:
        raise Http404
    acc = get_access(request.user)
    hide = _hides_appraisal(acc, p)
    params = {
        "participant_id": p.pk,
        "hide_appraisal": hide,
        "unit_reads": hide or p.round.step >= list(S.values).index(S.ANSWER),
    }
    return _document_request(
        request,
        ReportJob.Kind.SCORECARD,
        params,
        {"rnd": p.round, "p": p, "title": _("Bảng điểm") + f": {p.agency.name}", "is_demo": p.round.is_demo},
        allowed=acc.reads_all or acc.is_own(p),
    )


# helper for the council form's user list
def council_candidates():
    return get_user_model().objects.filter(is_active=True).order_by("username")


__all__ = ["CouncilMember"]
