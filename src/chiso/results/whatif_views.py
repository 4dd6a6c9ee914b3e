"""What-if on a computed run, in the browser (htmx): change the province's values, see score and rank."""

from __future__ import annotations

from django.http import Http404


def whatif(request, pk):  # filled in by the what-if page
    raise Http404
