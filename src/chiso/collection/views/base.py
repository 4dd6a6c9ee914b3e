"""Access helpers of the collection pages."""

from __future__ import annotations

from django.http import Http404, HttpResponseForbidden
from django.shortcuts import get_object_or_404

from ..models import Round, Submission, submission_with_round_and_agency


def _get_submission_for_user(request, pk) -> Submission:
    """Not visible -> 404 (the rule of ``Submission.objects.visible_to``)."""
    sub = submission_with_round_and_agency(pk)
    if sub is None or not sub.is_visible_to(request.user):
        raise Http404
    return sub


def _forbidden(message: str):
    return HttpResponseForbidden(message)


def _get_round_for_user(request, pk) -> Round:
    return get_object_or_404(Round.objects.visible_to(request.user), pk=pk)
