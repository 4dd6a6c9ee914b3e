"""Site-wide response headers."""

from __future__ import annotations

import time

from django.conf import settings


class ContentSecurityPolicyMiddleware:
    """Send ``Content-Security-Policy`` (settings.CONTENT_SECURITY_POLICY) with every HTML page.

    The default policy allows scripts, styles, fonts and images from this site only: no inline
    script or ``style=""``, no ``eval``, nothing from outside (the intranet has no internet, and a
    page that injected markup could not run it).  Files and JSON are not pages and get no policy.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.policy = settings.CONTENT_SECURITY_POLICY

    def __call__(self, request):
        response = self.get_response(request)
        if self.policy and response.get("Content-Type", "").startswith("text/html"):
            response.headers.setdefault("Content-Security-Policy", self.policy)
        return response


class ServerTimingMiddleware:
    """Send ``Server-Timing: app;dur=<ms>`` with every response: the time the server spent on the
    request, readable in the browser's developer tools and by ``benchmarks/web/journey.py`` (which sums
    it over a user's journey).  Streamed files count until their first byte."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        start = time.perf_counter()
        response = self.get_response(request)
        response.headers["Server-Timing"] = f"app;dur={(time.perf_counter() - start) * 1000:.1f}"
        return response
