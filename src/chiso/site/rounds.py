"""The dates of the rounds (/to-chuc/dot/): one page over collection rounds and internal rounds, kept
in the site because it spans both apps.  The department's staff and the province's leadership read it,
only a dept_admin changes a date (the organisation pages' access: :func:`chiso.orgs.views.org_scope`);
each change is a service of the round's app (:func:`chiso.collection.round_dates.set_collection_round_dates`,
:func:`chiso.assessment.services.round_dates.set_internal_round_dates`): audit row, refusal on the
form, 409 on a stale copy."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from chiso.assessment.models import Round as InternalRound
from chiso.assessment.services.round_dates import set_internal_round_dates
from chiso.collection.models import Round
from chiso.collection.round_dates import round_state, set_collection_round_dates
from chiso.orgs import audit
from chiso.orgs.access import get_scope
from chiso.orgs.forms import CollectionRoundDatesForm, InternalRoundDatesForm
from chiso.orgs.services import stamp
from chiso.orgs.views import history, org_scope, run_form


@login_required
def org_rounds(request):
    scope = org_scope(request)
    ctx = {"rounds": Round.objects.all(), "internal_rounds": InternalRound.objects.all(),
           "can_edit": scope.is_dept_admin}
    return render(request, "orgs/org_rounds.html", ctx)


def _round_page(request, rnd, form, kind: str, status=200):
    ctx = {"round": rnd, "form": form, "kind": kind, "can_edit": get_scope(request.user).is_dept_admin,
           "history": history(rnd._meta.label_lower, rnd.pk)}
    return render(request, "orgs/org_round.html", ctx, status=status)


@login_required
def org_collection_round(request, pk):
    org_scope(request, write=request.method == "POST")
    rnd = get_object_or_404(Round, pk=pk)
    initial = {"seen": stamp(round_state(rnd)), "opens_on": rnd.opens_on, "due_on": rnd.due_on,
               "locks_on": rnd.locks_on}
    form = CollectionRoundDatesForm(request.POST or None, initial=initial)
    if request.method == "POST":
        def change(d):
            set_collection_round_dates(
                rnd.pk, audit.Actor.from_request(request), seen=d["seen"], opens_on=d["opens_on"],
                due_on=d["due_on"], locks_on=d["locks_on"], reason=d["reason"],
            )

        response = run_form(request, form, change, _("Đã lưu ngày của đợt."),
                            lambda status: _round_page(request, rnd, form, "collection", status))
        return response or redirect("org_collection_round", pk=rnd.pk)
    return _round_page(request, rnd, form, "collection")


@login_required
def org_internal_round(request, pk):
    org_scope(request, write=request.method == "POST")
    rnd = get_object_or_404(InternalRound, pk=pk)
    initial = {"version": rnd.version, "opens_on": rnd.opens_on, "self_due_on": rnd.self_due_on,
               "appraisal_due_on": rnd.appraisal_due_on, "answer_due_on": rnd.answer_due_on}
    form = InternalRoundDatesForm(request.POST or None, initial=initial)
    if request.method == "POST":
        def change(d):
            set_internal_round_dates(
                rnd.pk, audit.Actor.from_request(request), version=d["version"], opens_on=d["opens_on"],
                self_due_on=d["self_due_on"], appraisal_due_on=d["appraisal_due_on"],
                answer_due_on=d["answer_due_on"], reason=d["reason"],
            )

        response = run_form(request, form, change, _("Đã lưu ngày của đợt."),
                            lambda status: _round_page(request, rnd, form, "internal", status))
        return response or redirect("org_internal_round", pk=rnd.pk)
    return _round_page(request, rnd, form, "internal")
