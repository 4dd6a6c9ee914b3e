"""Sign-in lockout: one counter for every way of signing in (the sign-in page, the admin, anything
that calls ``django.contrib.auth.authenticate``), kept by :class:`LockoutBackend`.

Failures are counted per user name *and* client address: ``LOGIN_MAX_FAILURES`` wrong passwords for
one name from one address within ``LOGIN_LOCKOUT_MINUTES`` lock that name from that address for
``LOGIN_LOCKOUT_MINUTES``.  Someone guessing from another machine cannot lock the owner out; the
owner's own machine keeps working.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import LoginAttempt


def client_address(request) -> str:
    """The client's address: ``REMOTE_ADDR``, or, when ``TRUST_X_FORWARDED_FOR`` says our own reverse
    proxy appends it, the last address of ``X-Forwarded-For`` (the one that proxy saw)."""
    if request is None:
        return ""
    if settings.TRUST_X_FORWARDED_FOR:
        forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if a.strip()]
        if forwarded:
            return forwarded[-1][:45]
    return request.META.get("REMOTE_ADDR", "")[:45]


def _key(username: str | None) -> str:
    return (username or "").strip().lower()[:150]


def minutes_locked(username: str | None, address: str) -> int:
    """Whole minutes (rounded up) that ``username`` stays locked from ``address``; 0 when not locked."""
    now = timezone.now()
    until = (
        LoginAttempt.objects.filter(username=_key(username), address=address, locked_until__gt=now)
        .values_list("locked_until", flat=True)
        .first()
    )
    if until is None:
        return 0
    return max(1, -(-int((until - now).total_seconds()) // 60))


def register_failure(username: str | None, address: str) -> None:
    now = timezone.now()
    window = dt.timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)
    key = _key(username)
    for _attempt in range(2):  # a concurrent first failure may create the row between get and create
        try:
            with transaction.atomic():
                row, _created = LoginAttempt.objects.select_for_update().get_or_create(username=key, address=address)
                if row.last_failure is None or now - row.last_failure > window:
                    row.failures = 0  # failures long ago are forgotten
                row.failures += 1
                row.last_failure = now
                if row.failures >= settings.LOGIN_MAX_FAILURES:
                    row.locked_until = now + window
                    row.failures = 0
                row.save(update_fields=["failures", "last_failure", "locked_until"])
            return
        except IntegrityError:
            continue


def clear(username: str | None, address: str) -> None:
    LoginAttempt.objects.filter(username=_key(username), address=address).delete()


class LockoutBackend(ModelBackend):
    """Django's user/password check behind the lockout: while a name is locked from an address, no
    password is checked at all (not even the right one); each wrong password counts."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        address = client_address(request)
        if username is None:
            username = kwargs.get("username")
        if minutes_locked(username, address):
            return None
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None:
            if username is not None and password is not None:
                register_failure(username, address)
        else:
            clear(username, address)
        return user
