"""Evidence files of a value."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from chiso.lib import frameworks
from chiso.orgs import audit

from .. import services
from ..evidence import check_upload
from ..forms import EvidenceForm
from ..models import Evidence, Submission
from .base import _forbidden, _get_submission_for_user
from .form import _rw_or_error


@login_required
@require_POST
def evidence_upload(request, pk, code):
    sub = _get_submission_for_user(request, pk)
    fw = frameworks.get_framework(sub.round.framework_id)
    if code not in services.indicator_codes(fw, sub.agency_id):
        raise Http404
    denied = _rw_or_error(request, sub)
    if denied:
        return denied
    form = EvidenceForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Chưa chọn tệp."))
        return redirect("submission", pk=sub.pk)
    upload = form.cleaned_data["file"]
    try:
        content_type, digest = check_upload(upload)
    except ValueError as e:
        messages.error(request, f"{code}: {e}")
        return redirect("submission", pk=sub.pk)
    try:
        ev = services.add_evidence(
            sub.pk, code, audit.Actor.from_request(request), upload, content_type=content_type, digest=digest
        )
    except services.NotEditable as e:
        return _forbidden(str(e))
    messages.success(request, _("Đã tải lên minh chứng “{name}”.").format(name=ev.original_name))
    return redirect("submission", pk=sub.pk)


def _get_evidence_for_user(request, pk) -> Evidence:
    visible = Submission.objects.visible_to(request.user)
    return get_object_or_404(
        Evidence.objects.select_related("value__submission__round"), pk=pk, value__submission__in=visible
    )


@login_required
def evidence_download(request, pk):
    ev = _get_evidence_for_user(request, pk)
    try:
        fh = ev.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    resp = FileResponse(fh, as_attachment=True, filename=ev.original_name, content_type=ev.content_type)
    resp["X-Content-Type-Options"] = "nosniff"
    resp["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return resp


@login_required
@require_POST
def evidence_delete(request, pk):
    ev = _get_evidence_for_user(request, pk)
    sub = ev.value.submission
    denied = _rw_or_error(request, sub)
    if denied:
        return denied
    try:
        services.delete_evidence(ev, audit.Actor.from_request(request))
    except services.NotEditable as e:
        return _forbidden(str(e))
    messages.success(request, _("Đã xóa minh chứng."))
    return redirect("submission", pk=sub.pk)
