from __future__ import annotations

import uuid


class RequestIdMiddleware:
    """Give each request an id (kept in audit rows; echoed in the X-Request-Id header)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.request_id = uuid.uuid4().hex[:16]
        response = self.get_response(request)
        response["X-Request-Id"] = request.request_id
        return response
