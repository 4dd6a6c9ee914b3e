"""Report pages: the list with the request form, one job's progress (polled with htmx), downloads.

Access: the department (dept_admin, dept_officer) requests reports; the department and the
leadership read and download them; everyone else gets 404 for a job and 403 for the list.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponseForbidden
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from chiso.orgs import audit
from chiso.orgs.access import get_scope
from chiso.results.models import IndexRun

from . import services
from .forms import ReportForm
from .frameworks import QUARTERLY_ID
from .models import ReportJob

CONTENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _get_job_for_user(request, pk) -> ReportJob:
    """Not visible -> 404."""
    return get_object_or_404(ReportJob.objects.visible_to(request.user), pk=pk)


def _framework_choices():
    from chiso.lib import frameworks

    out = []
    for fw_id in IndexRun.objects.order_by().values_list("framework_id", flat=True).distinct():
        try:
            out.append((fw_id, frameworks.get_framework(fw_id).label((get_language() or "vi")[:2])))
        except Exception:  # an unknown framework id in old runs: leave it out of the list
            continue
    return sorted(out)


@login_required
def report_list(request):
    scope = get_scope(request.user)
    if not scope.reads_all:
        return HttpResponseForbidden(_("Chỉ cơ quan thường trực và lãnh đạo UBND tỉnh xem được báo cáo."))
    form = ReportForm(framework_choices=_framework_choices()) if scope.is_department else None
    jobs = ReportJob.objects.visible_to(request.user).defer("snapshot").select_related("created_by")[:100]
    return render(
        request, "reports/list.html",
        {"jobs": jobs, "form": form, "is_demo": any(j.is_demo for j in jobs), "quarterly": QUARTERLY_ID},
    )


@login_required
@require_POST
def report_create(request):
    scope = get_scope(request.user)
    if not scope.is_department:
        if scope.reads_all:
            return HttpResponseForbidden(_("Chỉ cơ quan thường trực được tạo báo cáo."))
        raise Http404
    form = ReportForm(request.POST, framework_choices=_framework_choices())
    if not form.is_valid():
        jobs = ReportJob.objects.visible_to(request.user).defer("snapshot")[:100]
        return render(request, "reports/list.html", {"jobs": jobs, "form": form, "quarterly": QUARTERLY_ID}, status=400)
    job = services.create_job(form.cleaned_data["kind"], form.params(), audit.Actor.from_request(request))
    # queued on the task runner: its worker process (qcluster) runs it; the page polls its progress
    return redirect("report_detail", pk=job.pk)


@login_required
def report_detail(request, pk):
    job = _get_job_for_user(request, pk)
    return render(
        request,
        "reports/detail.html",
        {
            "job": job,
            "is_demo": job.is_demo,
            "can_activate": get_scope(request.user).is_dept_admin,
            "can_list": get_scope(request.user).reads_all,  # a unit reads its own job, not the list
        },
    )


@login_required
def report_status(request, pk):
    """The progress fragment; htmx polls it every second until the job is finished."""
    job = _get_job_for_user(request, pk)
    return render(request, "reports/_status.html", {"job": job})


@login_required
def report_download(request, pk, fmt):
    job = _get_job_for_user(request, pk)
    f = job.file_for(fmt)
    if not f:
        raise Http404
    try:
        fh = f.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    name = f"{services.download_name(job)}.{fmt}"
    resp = FileResponse(fh, as_attachment=True, filename=name, content_type=CONTENT_TYPES[fmt])
    resp["X-Content-Type-Options"] = "nosniff"
    resp["Content-Security-Policy"] = "default-src 'none'; sandbox"
    resp["Cache-Control"] = "private, no-store"
    return resp
