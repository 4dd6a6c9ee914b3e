"""One unit's sheet: entries, submit, appraisal, answers, final, revisions, scorecard."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, HttpResponseForbidden
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from chiso.lib.problems import active_language
from chiso.lib.templatetags import vn_number
from chiso.lib.vn_format import input_number
from chiso.orgs import audit
from chiso.orgs.people import name_rows
from chiso.reports.models import ReportJob

from .. import services
from ..access import get_access
from ..models import (
    CouncilMember,
    Entry,
    Participant,
    Revision,
)
from .base import S, _entry_for, _participant_for
from .rounds import DOCUMENT_FORMATS, _document_request


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
    return input_number(x, lang=active_language())


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
        services.save_self(p.pk, answers, audit.Actor.from_request(request), versions=versions,
                          lang=active_language())
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
            versions={code: version} if version is not None else None, lang=active_language(),
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
            "history": name_rows(Revision.objects.filter(entry=e)),
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
