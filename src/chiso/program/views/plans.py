"""Agencies' plans (§5a)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from chiso.lib.refusal import Refused
from chiso.orgs import audit
from chiso.orgs.access import get_scope
from chiso.orgs.models import Agency
from chiso.review import views as evidence_views

from .. import services
from ..forms import (
    PlanForm,
)
from ..models import (
    AgencyPlan,
)
from .base import _forbidden, _get_program_for_user


@login_required
def plans(request, pk):
    program = _get_program_for_user(request, pk)
    scope = get_scope(request.user)
    qs = AgencyPlan.objects.visible_to(request.user).filter(program=program).select_related("agency")
    my_agencies = Agency.objects.filter(pk__in=scope.agency_ids)
    form = PlanForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        agency = my_agencies.filter(pk=request.POST.get("agency") or 0).first() or my_agencies.first()
        if agency is None:
            return _forbidden(_("Chỉ cơ quan được phân công mới tải kế hoạch lên."))
        if form.is_valid():
            try:
                plan = services.add_agency_plan(
                    program, agency, form.cleaned_data["file"], actor=audit.Actor.from_request(request),
                    title=form.cleaned_data["title"], document_number=form.cleaned_data["document_number"],
                )
            except Refused as e:
                messages.error(request, e.message)
                return redirect("program_plans", pk=program.pk)
            messages.success(request, _("Đã tải lên kế hoạch “{title}”.").format(title=plan.title))
            return redirect("program_plans", pk=program.pk)
    return render(
        request,
        "program/plans.html",
        {
            "program": program,
            "plans": qs,
            "form": form,
            "my_agencies": my_agencies,
            "is_demo": any(p.is_demo for p in qs),
        },
    )


@login_required
def plan_download(request, pk):
    plan = get_object_or_404(AgencyPlan.objects.visible_to(request.user), pk=pk)
    return evidence_views.serve(plan)
