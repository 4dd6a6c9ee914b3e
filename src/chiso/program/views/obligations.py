"""Obligations."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from chiso.lib.deadlines import is_overdue
from chiso.orgs import audit
from chiso.orgs.access import get_scope

from .. import services
from ..forms import (
    OccurrenceForm,
)
from ..models import (
    Occurrence,
)
from .base import _as_of, _forbidden, _get_program_for_user


@login_required
def obligations(request, pk):
    program = _get_program_for_user(request, pk)
    # a closed program is judged as at its end: nothing falls late after it
    as_of = services.judged_on(program, _as_of(request))
    obs = program.obligations.select_related("agency").prefetch_related("occurrences")
    scope = get_scope(request.user)
    rows = []
    for ob in obs:
        occ = list(ob.occurrences.all())
        rows.append(
            {
                "ob": ob,
                "occ": occ,
                "done": sum(1 for o in occ if o.done_on),
                "late": sum(1 for o in occ if is_overdue(o.due_on, done=bool(o.done_on), today=as_of)),
                "can_record": scope.is_department or scope.can_enter(ob.agency_id),
            }
        )
    return render(
        request,
        "program/obligations.html",
        {
            "program": program,
            "rows": rows,
            "as_of": as_of,
            "form": OccurrenceForm(),
            "is_demo": any(o.is_demo for r in rows for o in r["occ"]),
            "closing_sentence": services.closing_sentence(program) if services.is_closed(program) else "",
        },
    )


@login_required
@require_POST
def occurrence_record(request, pk):
    occ = get_object_or_404(
        Occurrence.objects.visible_to(request.user).select_related("obligation__program"), pk=pk
    )
    scope = get_scope(request.user)
    if not (scope.is_department or scope.can_enter(occ.obligation.agency_id)):
        return _forbidden(_("Chỉ cơ quan thực hiện hoặc cơ quan thường trực được ghi nhận."))
    form = OccurrenceForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Ngày thực hiện không hợp lệ (dd/mm/yyyy)."))
    else:
        services.record_occurrence(occ.pk, audit.Actor.from_request(request), **form.cleaned_data)
        messages.success(request, _("Đã ghi nhận “{label}”.").format(label=occ.label))
    return redirect("program_obligations", pk=occ.obligation.program_id)
