"""The overdue board."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from chiso.lib import cache
from chiso.orgs import audit
from chiso.orgs.access import get_scope

from .. import services
from .base import _as_of, _forbidden, _get_program_for_user
from .board import READS


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

    body = cache.fragment("program-overdue", READS, (pk, as_of.isoformat(), audience), build)
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
