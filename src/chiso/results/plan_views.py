"""The least-cost plan to a target rank, in the browser: set up, computed, kept, turned into tasks."""

from __future__ import annotations

from django.http import Http404


def plan_new(request, pk):  # filled in by the plan page
    raise Http404


def plan_detail(request, pk):
    raise Http404


def plan_assign(request, pk):
    raise Http404
