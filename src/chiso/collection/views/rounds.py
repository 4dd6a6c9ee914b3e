"""Rounds and the compilation for the ministry."""

from __future__ import annotations

import os

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from chiso.lib import frameworks
from chiso.lib.filenames import file_stem
from chiso.orgs import audit
from chiso.orgs.access import get_scope

from .. import compilation, matrix, services
from ..forms import RoundForm
from ..models import Round, Submission
from .base import _forbidden, _get_round_for_user


@login_required
def rounds(request):
    scope = get_scope(request.user)
    qs = Round.objects.visible_to(request.user)
    return render(
        request, "collection/rounds.html",
        {"rounds": qs, "can_create": scope.is_department, "is_demo": any(r.is_demo for r in qs)},
    )


@login_required
def round_new(request):
    scope = get_scope(request.user)
    if not scope.is_department:
        return _forbidden(_("Chỉ cơ quan thường trực được tạo đợt thu thập."))
    form = RoundForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        rnd = services.create_round(audit.Actor.from_request(request), **form.cleaned_data)
        messages.success(request, _("Đã tạo đợt “{title}” với {n} biểu mẫu.").format(
            title=rnd.title, n=rnd.submissions.count()))
        return redirect("round", pk=rnd.pk)
    return render(request, "collection/round_new.html", {"form": form})


@login_required
def round_detail(request, pk):
    rnd = _get_round_for_user(request, pk)
    scope = get_scope(request.user)
    subs = rnd.submissions.visible_to(request.user).select_related("agency").order_by("agency__kind", "agency__name")
    rows = services.completeness(rnd, subs)
    fw = frameworks.get_framework(rnd.framework_id)
    counts = {s: sum(1 for r in rows if r.submission.status == s) for s in Submission.Status.values}
    ctx = {
        "round": rnd, "rows": rows, "counts": counts, "can_remind": scope.is_department,
        "fw": fw, "fw_sentence": matrix.framework_sentence(fw), "is_demo": rnd.is_demo,
        "today": timezone.localdate(),
    }
    return render(request, "collection/round.html", ctx)


@login_required
@require_POST
def round_remind(request, pk):
    rnd = _get_round_for_user(request, pk)
    if not get_scope(request.user).is_department:
        return _forbidden(_("Chỉ cơ quan thường trực được gửi nhắc nhở."))
    n = services.send_reminders(rnd, audit.Actor.from_request(request))
    messages.success(request, _("Đã gửi nhắc nhở tới {n} cơ quan.").format(n=n))
    return redirect("round", pk=rnd.pk)




def _compilation_or_403(request, pk):
    """``(compilation, None)`` for the department; a round not visible -> 404, other roles -> 403."""
    rnd = _get_round_for_user(request, pk)
    if not get_scope(request.user).is_department:
        return None, _forbidden(_("Chỉ cơ quan thường trực được lập bản tổng hợp gửi Bộ."))
    return compilation.compile_round(rnd), None


def _issuer_name() -> str:
    from chiso.orgs.issuers import standing_body

    body = standing_body(timezone.localdate())
    return body.name if body is not None else ""


@login_required
def round_compilation(request, pk):
    c, denied = _compilation_or_403(request, pk)
    if denied:
        return denied
    return render(request, "collection/compilation.html", {
        "c": c, "round": c.round, "fw": c.fw, "counts": c.counts(), "is_demo": c.round.is_demo,
        "evidence_mb": round(c.evidence_bytes / 1048576, 2),
    })


@login_required
def round_compilation_xlsx(request, pk):
    c, denied = _compilation_or_403(request, pk)
    if denied:
        return denied
    data = compilation.xlsx_bytes(c, _issuer_name())
    resp = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    resp["Content-Disposition"] = f'attachment; filename="{file_stem("tổng hợp số liệu", c.round.title)}.xlsx"'
    return resp


@login_required
def round_compilation_zip(request, pk):
    c, denied = _compilation_or_403(request, pk)
    if denied:
        return denied
    try:
        fh = compilation.write_zip(c, compilation.xlsx_bytes(c, _issuer_name()))
    except FileNotFoundError:  # the database names a file the storage no longer has: say so, send nothing
        return HttpResponse(_("Thiếu tệp minh chứng trong kho lưu trữ; hãy báo quản trị hệ thống."), status=409,
                            content_type="text/plain; charset=utf-8")
    compilation.record_download(c, audit.Actor.from_request(request))
    size = fh.seek(0, os.SEEK_END)
    fh.seek(0)
    resp = FileResponse(fh, as_attachment=True, filename=f"{file_stem('minh chứng', c.round.title)}.zip",
                        content_type="application/zip")
    resp["Content-Length"] = str(size)
    return resp
