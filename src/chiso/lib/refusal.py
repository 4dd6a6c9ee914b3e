"""The one user-facing refusal of the services: a translated sentence, the fields it concerns and
the HTTP status a page answers with (400; 403 for a right the user lacks; 409 for a stale copy).
Nothing was written when it is raised: the service raises it before its change or inside its
transaction."""

from __future__ import annotations


class Refused(Exception):
    """A user-facing refusal: ``message`` (Vietnamese) and, where known, ``errors`` per field."""

    def __init__(self, message: str, errors: dict[str, str] | None = None, status: int = 400):
        super().__init__(message)
        self.message = message
        self.errors = errors or {}
        self.status = status


class Forbidden(Refused):
    def __init__(self, message: str):
        super().__init__(message, status=403)


class Stale(Refused):
    """Someone else changed the row since the page was loaded: nothing written."""

    def __init__(self, message: str):
        super().__init__(message, status=409)
