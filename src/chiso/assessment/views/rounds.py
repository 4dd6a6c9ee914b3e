"""Rounds, the board, council, decision, documents, results."""

from __future__ import annotations

from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, HttpResponseForbidden
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from chiso.lib import cache
from chiso.orgs import audit
from chiso.orgs.models import Agency
from chiso.orgs.people import name_rows, person_label
from chiso.reports import services as report_services
from chiso.reports.models import ReportJob

from .. import documents, services
from ..access import get_access
from ..forms import CouncilForm, DecisionForm, DocumentForm, RoundForm
from ..models import (
    Round,
)
from .base import S, _department_only, _participant_for, _refused, _round_for


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


# What the round pages are built from (chiso.lib.cache namespaces): the round, its units, entries
# and council, and the agencies' names.
READS = ("assessment", "orgs")


def _seen(who: str, ids) -> str:
    return f"{who}:{','.join(map(str, sorted(ids or ())))}"


def _board_body(rnd: Round, acc, lang: str) -> str:
    """The appraisal board's table: one query (units with their cached totals), cached on the
    generations of ``READS`` and what the user may see."""
    who, ids = _who(rnd, acc)

    def build() -> str:
        parts = rnd.participants.select_related("agency")
        if ids is not None:
            parts = parts.filter(agency_id__in=ids)
        rows = services.results(rnd, parts, lang)
        return render_to_string(
            "assessment/_board.html",
            {
                "rnd": rnd,
                "rows": rows,
                "LANGUAGE_CODE": lang,
                "show_rank": who != "own" or rnd.is_published,
                "ranked": services.ranked_count(rows),
                "not_self_assessed": sum(1 for r in rows if not r.p.self_assessed),
            },
        )

    return cache.fragment("assessment-board", READS, (rnd.pk, _seen(who, ids)), build)


@login_required
def round_detail(request, pk):
    """The round and its appraisal board. The page body is cached on the generations of ``READS``,
    the language and what the user may see and do; the CSRF token is put in per request."""
    rnd = _round_for(request, pk)
    acc = get_access(request.user)
    lang = get_language() or "vi"
    actions = [
        a
        for a, step in services.TRANSITIONS.items()
        if step.source == rnd.status and services.may_transition(a, acc, rnd)
    ]
    seat = acc.seat(rnd.pk)
    who, ids = _who(rnd, acc)
    rights = (
        ",".join(actions),
        f"{int(acc.reads_all)}{int(acc.is_department)}{int(seat is not None)}{int(bool(seat and seat.is_chair))}",
    )

    def build() -> tuple[str, ...]:
        return cache.render_body(
            "assessment/_round_body.html",
            {
                "rnd": rnd,
                "acc": acc,
                "board": _board_body(rnd, acc, lang),
                "actions": actions,
                "steps": S.choices,
                "seat": seat,
                "LANGUAGE_CODE": lang,
                "revisions": name_rows(rnd.revisions.select_related("entry__participant__agency"))
                if rnd.is_frozen
                else [],
                # what closing the answer window early waits for (the department's decision)
                "pending": services.pending_answers(rnd)
                if rnd.status == S.ANSWER and acc.is_department
                else None,
            },
        )

    body = cache.fragment("assessment-round", READS, (rnd.pk, _seen(who, ids), *rights), build)
    return render(
        request, "assessment/round.html", {"rnd": rnd, "body": cache.with_csrf(body, request), "is_demo": rnd.is_demo}
    )


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
    members = list(
        rnd.council.select_related("user").prefetch_related("agencies", "user__memberships__agency")
    )
    for m in members:
        m.person = person_label(m.user)
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

    def build() -> str:
        parts = rnd.participants.select_related("agency")
        if ids is not None:
            parts = parts.filter(agency_id__in=ids)
        rows = services.results(rnd, parts, lang, prev=prev)
        pfw = services.round_pfw(rnd)
        return render_to_string(
            "assessment/_results_body.html",
            {
                "rnd": rnd,
                "rows": rows,
                "bands": pfw.bands,
                "prev": prev,
                "acc": acc,
                "LANGUAGE_CODE": lang,
                "revisions": name_rows(rnd.revisions.select_related("entry__participant__agency")),
                "rank_by": pfw.rank_by,
                "ranked": services.ranked_count(rows),
            },
        )

    parts = (rnd.pk, _seen(who, ids), int(acc.reads_all), prev.pk if prev else 0)
    body = cache.fragment("assessment-results", READS, parts, build)
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
