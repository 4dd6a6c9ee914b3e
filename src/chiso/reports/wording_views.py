"""Pages of the documents' wording: the kinds and their wording in use, the editor with its
variables and passages, and putting a previewed draft in use (services: :mod:`.wording`)."""

from __future__ import annotations

from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponseForbidden
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from chiso.lib.refusal import Refused
from chiso.orgs import audit
from chiso.orgs.access import get_scope

from . import kinds, services, wording
from .models import DocumentTemplate

MAX_TEXT = 50_000


def _kind_or_404(kind: str) -> kinds.DocumentKind:
    try:
        return kinds.get(kind)
    except LookupError:
        raise Http404 from None


@login_required
def wording_list(request):
    scope = get_scope(request.user)
    if not scope.is_department:
        return HttpResponseForbidden(_("Chỉ cơ quan thường trực xem và sửa mẫu văn bản."))
    rows = []
    for k in kinds.all_kinds():
        _text, used = services.wording(k.kind)
        rows.append(
            {
                "kind": k,
                "used": used,
                "drafts": DocumentTemplate.objects.filter(kind=k.kind, status=DocumentTemplate.Status.DRAFT)
                .select_related("created_by")
                .prefetch_related("jobs")[:5],
            }
        )
    return render(request, "reports/wording_list.html", {"rows": rows, "scope": scope})


@login_required
def wording_edit(request, kind):
    scope = get_scope(request.user)
    if not scope.is_department:
        return HttpResponseForbidden(_("Chỉ cơ quan thường trực xem và sửa mẫu văn bản."))
    k = _kind_or_404(kind)
    in_use_text, in_use = services.wording(kind)
    error, line, status = "", None, 200
    if request.method == "POST":
        text = request.POST.get("text", "")[: MAX_TEXT + 1]
        note = request.POST.get("note", "")
        if len(text) > MAX_TEXT:
            error, status = _("Mẫu dài quá {n} ký tự.").format(n=f"{MAX_TEXT:,}".replace(",", ".")), 400
        else:
            try:
                _tpl, job = wording.draft(kind, text, note, audit.Actor.from_request(request))
            except Refused as e:
                error, status = e.message, e.status
                line = _line_of(e.message)
            else:
                messages.success(request, _("Đã lưu bản nháp mẫu; bản xem trước đang được tạo."))
                return redirect("report_detail", pk=job.pk)
    else:
        base = request.GET.get("tu")
        if base and base.isdigit():
            text = get_object_or_404(DocumentTemplate, pk=int(base), kind=kind).text
        else:
            text = in_use_text
        note = ""
    job, spec = wording.sample(kind)
    shipped = Path(k.default_template).read_text(encoding="utf-8") if k.default_template and Path(k.default_template).exists() else ""
    return render(
        request,
        "reports/wording_edit.html",
        {
            "k": k,
            "text": text,
            "note": note,
            "error": error,
            "error_line": line,
            "sample_job": job,
            "variables": wording.variables(spec),
            "passages": wording.passages(spec),
            "shipped": shipped,
            "in_use": in_use,
            "history": DocumentTemplate.objects.filter(kind=kind).select_related("created_by", "activated_by")[:20],
            "scope": scope,
        },
        status=status,
    )


def _line_of(message: str) -> int | None:
    if message.startswith("Dòng "):
        head = message[5:].split(":", 1)[0]
        return int(head) if head.isdigit() else None
    return None


@login_required
@require_POST
def wording_activate(request, pk):
    tpl = get_object_or_404(DocumentTemplate, pk=pk)
    try:
        wording.activate(tpl.pk, audit.Actor.from_request(request))
    except Refused as e:
        messages.error(request, e.message)
        return redirect("wording_edit", kind=tpl.kind)
    messages.success(request, _("Mẫu mới được dùng cho các văn bản tạo từ bây giờ."))
    return redirect("wording_edit", kind=tpl.kind)


@login_required
@require_POST
def wording_restore(request, kind):
    _kind_or_404(kind)
    try:
        n = wording.restore_shipped(kind, audit.Actor.from_request(request))
    except Refused as e:
        messages.error(request, e.message)
    else:
        if n:
            messages.success(request, _("Đã trở lại mẫu có sẵn của chiso."))
    return redirect("wording_edit", kind=kind)
