"""Access helpers of the program pages."""

from __future__ import annotations

import datetime as dt

from django.http import HttpResponseForbidden
from django.shortcuts import get_object_or_404
from django.utils import timezone

from chiso.lib.vn_format import parse_date

from ..models import (
    Program,
    ProgressReport,
    Recommendation,
)


def _get_program_for_user(request, pk) -> Program:
    """Not visible -> 404."""
    return get_object_or_404(Program.objects.visible_to(request.user).select_related("standing_body"), pk=pk)


def _get_report_for_user(request, pk) -> ProgressReport:
    qs = ProgressReport.objects.visible_to(request.user).select_related(
        "task__program", "agency", "task__lead_agency"
    )
    return get_object_or_404(qs, pk=pk)


def _get_recommendation_for_user(request, pk) -> Recommendation:
    qs = Recommendation.objects.visible_to(request.user).select_related(
        "agency", "task", "assigned_to", "program"
    )
    return get_object_or_404(qs, pk=pk)


def _forbidden(message: str):
    return HttpResponseForbidden(message)


def _as_of(request) -> dt.date:
    raw = request.GET.get("ngay", "")
    if raw:
        try:
            return parse_date(raw)
        except ValueError:
            pass
    return timezone.localdate()
