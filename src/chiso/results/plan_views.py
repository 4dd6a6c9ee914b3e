"""The least-cost plan to a target rank, in the browser: set up and computed (the page of a kept plan
and its turning into tasks read the program: :mod:`chiso.program.views.plan_tasks`).

Only the department (the standing body) makes plans and turns them into tasks; every signed-in user
who may see the run reads a plan.  Each view starts with its access helper (not visible -> 404).
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseForbidden
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from chiso.collection import matrix
from chiso.lib import frameworks
from chiso.lib.refusal import Refused
from chiso.lib.templatetags import node_name
from chiso.lib.vn_format import parse_number
from chiso.orgs import audit
from chiso.orgs.access import get_scope

from . import plans, services
from .models import IndexRun, Target


def department_or_403(request):
    """The plan pages' write access: only the department makes plans and turns them into tasks (403)."""
    if not get_scope(request.user).is_department:
        return HttpResponseForbidden(_("Chỉ cơ quan thường trực được lập kế hoạch và giao việc."))
    return None


def _number(post, name: str, errors: dict, label: str, *, default: float | None = None) -> float | None:
    raw = (post.get(name) or "").strip()
    if raw == "":
        return default
    try:
        v = parse_number(raw)
    except ValueError:
        v = None
    if v is None:
        errors[name] = _("{label}: “{value}” không phải là số.").format(label=label, value=raw[:40])
    return v


@login_required
def plan_new(request, pk):
    run = get_object_or_404(IndexRun.objects.visible_to(request.user), pk=pk)
    denied = department_or_403(request)
    if denied:
        return denied
    fw = frameworks.get_framework(run.framework_id)
    try:
        rows = plans.lever_rows(run)
    except Refused as e:
        return render(request, "results/plan_new.html", {"run": run, "fw": fw, "refused": e.message}, status=400)
    n_units = len(run.inputs.get("units", []))
    target, basis = services.target_for(run.framework_id)
    recorded = Target.objects.filter(framework_id=run.framework_id).exists()
    today = timezone.localdate()
    values = {"target_rank": str(min(target, n_units)), "years": "1", "peers_rate": "0",
              "deadline": dt.date(today.year + 1, 12, 31).isoformat(),
              # no target recorded yet (the default): the plan's rank becomes it unless unticked
              "set_target": "" if recorded else "1"}
    errors: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        post = request.POST
        values = {k: (post.get(k) or "").strip()[:40] for k in values}
        values["set_target"] = "1" if post.get("set_target") == "1" else ""
        rank = _number(post, "target_rank", errors, _("Thứ hạng mục tiêu"))
        years = _number(post, "years", errors, _("Số năm"), default=1)
        rate = _number(post, "peers_rate", errors, _("Mức cải thiện của các tỉnh khác"), default=0.0)
        for name, v in (("target_rank", rank), ("years", years)):
            if v is not None and v != int(v):
                errors[name] = _("Phải là số nguyên.")
        if rank is None and "target_rank" not in errors:
            errors["target_rank"] = _("Phải nhập thứ hạng mục tiêu.")
        try:
            deadline = dt.date.fromisoformat(values["deadline"]) if values["deadline"] else None
        except ValueError:
            deadline = None
            errors["deadline"] = _("Thời hạn không phải là ngày (ngày/tháng/năm).")
        for r in rows:
            r.used = post.get(f"use_{r.code}") == "1"
            name = node_name(r.code, run.framework_id)  # in the reader's language (r.name is kept in Vietnamese)
            cap = _number(post, f"cap_{r.code}", errors, _("Mức tăng tối đa của “{name}”").format(name=name))
            if cap is not None and abs(cap - r.cap) > 1e-12:
                r.cap, r.cap_source = cap, "entered"
            cost = _number(post, f"cost_{r.code}", errors, _("Chi phí của “{name}”").format(name=name), default=1.0)
            if cost is not None:
                r.cost = cost
        if not errors:
            actor = audit.Actor.from_request(request)
            try:
                plan = plans.compute_plan(run, actor, target_rank=int(rank), years=int(years),
                                          peers_rate=(rate or 0.0) / 100.0, levers=rows, deadline=deadline)
            except Refused as e:
                errors.update(e.errors)
                messages.error(request, e.message)
            else:
                if values["set_target"] and int(rank) != target:
                    with translation.override("vi"):  # a recorded basis is the province's, in Vietnamese
                        basis = _("Kế hoạch đạt hạng mục tiêu lập ngày {d}").format(d=today.strftime("%d/%m/%Y"))
                    services.set_target(fw, actor, rank=int(rank), basis=basis)
                return redirect("results_plan", pk=plan.pk)
        status = 400
    ctx = {"run": run, "fw": fw, "rows": rows, "values": values, "errors": errors, "n_units": n_units,
           "target_basis": basis, "target": target, "target_recorded": recorded, "default_gain": plans.default_max_gain(),
           "fw_sentence": matrix.framework_sentence(fw), "fw_status": matrix.status_note(fw)}
    return render(request, "results/plan_new.html", ctx, status=status)
