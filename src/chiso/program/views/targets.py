"""The department's edits of targets."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from chiso.lib.vn_format import format_date, format_number
from chiso.orgs import audit
from chiso.orgs.access import get_scope
from chiso.orgs.history import lines as history_lines
from chiso.orgs.models import AuditEntry

from .. import services
from ..forms import (
    KpiEditForm,
    ObjectiveEditForm,
)
from ..models import (
    Kpi,
    Objective,
)
from .base import _forbidden, _get_program_for_user


def _department_only(request):
    if not get_scope(request.user).is_department:
        return _forbidden(_("Chỉ cơ quan thường trực (Sở) được sửa chỉ tiêu và mục tiêu."))
    return None


def _history(obj, form) -> list:
    """The audited changes of ``obj``, newest first, as prose (:func:`chiso.orgs.history.lines`): who,
    when, each field of the form "old → new" by its label, why."""
    entries = AuditEntry.objects.filter(target_type=obj._meta.label_lower, target_id=str(obj.pk)).order_by(
        "-time"
    )
    return history_lines(entries[:50], fields={name: f.label for name, f in form.fields.items() if f.label})


def _edit_view(request, program, obj, *, form_class, fields, update, template_ctx):
    """GET: the form with the current values; POST: validate, then ``update`` (which refuses a
    stale version). Errors are shown at the field (400), a stale form gets a 409 with the current
    values."""

    def initial(o):
        out = {"version": o.version}
        for f in fields:
            v = getattr(o, f)
            out[f] = (
                format_date(v)
                if isinstance(v, dt.date)
                else (format_number(v, lang="vi", empty="") if isinstance(v, float) else v)
            )
        return out

    status, conflict = 200, ""
    form = form_class(request.POST or None, program=program, initial=initial(obj))
    if request.method == "POST":
        if form.is_valid():
            d = form.cleaned_data
            try:
                obj, changed = update(
                    obj.pk,
                    audit.Actor.from_request(request),
                    changes={f: d[f] for f in fields},
                    expected_version=d["version"],
                    reason=d["reason"],
                )
            except services.Conflict as e:
                obj.refresh_from_db()
                form = form_class(program=program, initial=initial(obj))
                conflict = str(e)
                status = 409
            else:
                if changed:
                    messages.success(request, _("Đã lưu thay đổi (có ghi nhật ký)."))
                else:
                    messages.info(request, _("Không có gì thay đổi."))
                return redirect(template_ctx["back"])
        else:
            status = 400
    return render(
        request,
        "program/edit_target.html",
        {
            "program": program,
            "form": form,
            "history": _history(obj, form),
            "obj": obj,
            "conflict": conflict,
            **template_ctx,
        },
        status=status,
    )


@login_required
def kpi_edit(request, pk, kpi_pk):
    program = _get_program_for_user(request, pk)
    kpi = get_object_or_404(Kpi.objects.select_related("task"), pk=kpi_pk, task__program=program)
    denied = _department_only(request)
    if denied:
        return denied
    return _edit_view(
        request,
        program,
        kpi,
        form_class=KpiEditForm,
        fields=services.KPI_EDITABLE,
        update=services.update_kpi,
        template_ctx={
            "title": _("Sửa chỉ tiêu (KPI)"),
            "subject": kpi.name,
            "task": kpi.task,
            "back": reverse("program_task", args=[program.pk, kpi.task.number]),
        },
    )


@login_required
def objective_edit(request, pk, objective_pk):
    program = _get_program_for_user(request, pk)
    objective = get_object_or_404(Objective, pk=objective_pk, program=program, kind=Objective.Kind.SPECIFIC)
    denied = _department_only(request)
    if denied:
        return denied
    return _edit_view(
        request,
        program,
        objective,
        form_class=ObjectiveEditForm,
        fields=services.OBJECTIVE_EDITABLE,
        update=services.update_objective,
        template_ctx={
            "title": _("Sửa mục tiêu cụ thể"),
            "subject": objective.text,
            "task": None,
            "back": reverse("program", args=[program.pk]),
        },
    )
