"""Evidence files and documents of an entry."""

from __future__ import annotations

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponseForbidden
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from chiso.orgs import audit
from chiso.review import views as evidence_views

from .. import services
from ..access import get_access
from ..models import (
    DocumentRef,
    Entry,
    EvidenceFile,
    Participant,
)
from .base import _entry_for, _participant_for
from .sheet import _line, _sheet_mode


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
    return evidence_views.upload(
        request, partial(services.add_evidence_file, e.pk), partial(_evidence_done, request, p, code)
    )


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
    if model is EvidenceFile:
        obj = get_object_or_404(EvidenceFile.objects.all(), pk=pk)
        obj.entry = Entry.objects.select_related("participant__round").get(pk=obj.owner_id)
    else:
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
    return evidence_views.serve(ev)


def _delete_evidence(request, model, pk, action):
    obj, p, acc = _evidence_for(request, model, pk)
    if not acc.can_enter(p):
        return HttpResponseForbidden(_("Chỉ đơn vị được đánh giá xóa minh chứng."))
    return evidence_views.delete(
        request, obj, partial(services.delete_evidence, action=action), partial(_evidence_done, request, p, obj.entry.code)
    )


@login_required
@require_POST
def evidence_delete(request, pk):
    return _delete_evidence(request, EvidenceFile, pk, "assessment_evidence.delete")


@login_required
@require_POST
def document_delete(request, pk):
    return _delete_evidence(request, DocumentRef, pk, "assessment_doc.delete")
