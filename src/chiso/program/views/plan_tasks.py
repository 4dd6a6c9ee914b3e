"""A kept least-cost plan and its turning into the program's draft tasks (the plan is set up and
computed in results: :mod:`chiso.results.plan_views`).  Every signed-in user who may see the plan's run
reads it (else 404); only the department turns it into tasks (403).
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from chiso.collection import matrix
from chiso.engine.analysis.target import optimal_note
from chiso.lib import frameworks
from chiso.lib.refusal import Refused
from chiso.orgs import audit
from chiso.orgs.access import get_scope
from chiso.results.models import IndexRun, Plan
from chiso.results.plan_views import department_or_403
from chiso.results.plans import peers_text, plan_rows

from ..services import plan_tasks


def _plan_for_user(request, pk) -> Plan:
    return get_object_or_404(Plan.objects.filter(run__in=IndexRun.objects.visible_to(request.user))
                             .select_related("run", "program"), pk=pk)


@login_required
def plan_detail(request, pk):
    plan = _plan_for_user(request, pk)
    fw = frameworks.get_framework(plan.framework_id)
    program = plan.program or plan_tasks.target_program(plan)
    rows = plan_rows(plan)
    for r in rows:  # ISO in the report's snapshot, a date on the page
        r["deadline"] = dt.date.fromisoformat(r["deadline"]) if r["deadline"] else None
    ctx = {"plan": plan, "run": plan.run, "fw": fw, "rows": rows,
           "assignments": plan_tasks.assignments(plan), "program": program,
           "peers_text": peers_text(plan.options.get("peers_rate") or 0.0),
           "optimal": optimal_note(plan.result, "en" if (get_language() or "vi")[:2] == "en" else "vi"),
           "can_manage": get_scope(request.user).is_department,
           "can_assign": get_scope(request.user).is_dept_admin,
           "fw_sentence": matrix.framework_sentence(fw), "fw_status": matrix.status_note(fw)}
    return render(request, "results/plan.html", ctx)


@login_required
@require_POST
def plan_assign(request, pk):
    plan = _plan_for_user(request, pk)
    denied = department_or_403(request)
    if denied:
        return denied
    try:
        tasks = plan_tasks.assign(plan, audit.Actor.from_request(request))
    except Refused as e:
        messages.error(request, e.message)
        return redirect("results_plan", pk=plan.pk)
    messages.success(request, _("Đã tạo {n} nhiệm vụ dự thảo trong chương trình “{p}”: hãy xem lại và ban hành.").format(
        n=len(tasks), p=plan.program.title))
    return redirect("program_write", pk=plan.program.pk)
