"""What the internal-ranking pages share: refusals, access lookups."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponseForbidden
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from .. import services
from ..access import get_access
from ..models import (
    Entry,
    Participant,
    Round,
)

S = Round.Status


def _refused(request, e: services.Refused, fallback):
    if e.status == 403:
        return HttpResponseForbidden(e.message)
    messages.error(request, e.message)
    return fallback


def _on_form(form, e: services.Refused) -> None:
    """A refusal shown on the form: per field where it names one, else above the form."""
    for f, msg in e.errors.items():
        form.add_error(f if f in form.fields else None, msg)
    if not e.errors:
        form.add_error(None, e.message)


def _round_for(request, pk) -> Round:
    return get_object_or_404(Round.objects.visible_to(request.user).select_related("framework"), pk=pk)


def _participant_for(request, pk) -> Participant:
    qs = Participant.objects.visible_to(request.user).select_related("round", "agency")
    return get_object_or_404(qs, pk=pk)


def _department_only(request):
    acc = get_access(request.user)
    if not acc.is_department:
        return HttpResponseForbidden(_("Chỉ cơ quan thường trực thực hiện được thao tác này."))
    return None


def _demo(rnd: Round | None) -> bool:
    return bool(rnd and rnd.is_demo)


def _entry_for(request, pk, code) -> tuple[Participant, Entry]:
    p = _participant_for(request, pk)
    e = get_object_or_404(Entry, participant=p, code=code)
    acc = get_access(request.user)
    seat = acc.seat(p.round_id)
    if not acc.reads_all and not acc.is_own(p) and seat is not None and not seat.covers(p.agency_id, code):
        raise Http404
    return p, e
