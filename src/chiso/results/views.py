from __future__ import annotations

from django.shortcuts import render


def dashboard(request):
    """Public page of the province's results (filled in by the second wave)."""
    return render(request, "results/dashboard.html", {})
