"""Evidence files of a value (through ``chiso.review.views``)."""

from __future__ import annotations

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST

from chiso.lib import imports
from chiso.review import views as evidence_views

from .. import services
from ..models import Evidence, Submission
from .form import _editable_indicator, _rw_or_error


def _back(request, sub, code: str = "", *, ok: str = "", error: str = ""):
    """Back to the form with a message (a refused file names the indicator)."""
    if error:
        messages.error(request, f"{code}: {error}" if code else error)
    if ok:
        messages.success(request, ok)
    return redirect("submission", pk=sub.pk)


@login_required
@require_POST
def evidence_upload(request, pk, code):
    sub, _fw, denied = _editable_indicator(request, pk, code)
    if denied:
        return denied
    problem = imports.upload_problem(request.FILES.get("file"))
    if problem:  # no file chosen, or an empty one: the message names no indicator
        return _back(request, sub, error=problem)
    return evidence_views.upload(
        request, partial(services.add_evidence, sub.pk, code), partial(_back, request, sub, code)
    )


def _get_evidence_for_user(request, pk) -> Evidence:
    visible = Submission.objects.visible_to(request.user)
    return get_object_or_404(Evidence.objects.all(), pk=pk, value__submission__in=visible)


@login_required
def evidence_download(request, pk):
    return evidence_views.serve(_get_evidence_for_user(request, pk))


@login_required
@require_POST
def evidence_delete(request, pk):
    ev = _get_evidence_for_user(request, pk)
    sub = ev.value.submission
    denied = _rw_or_error(request, sub)
    if denied:
        return denied
    return evidence_views.delete(request, ev, services.delete_evidence, partial(_back, request, sub))
