from __future__ import annotations

from django.conf import settings

from .access import get_scope
from .models import Notice


def chiso(request):
    user = getattr(request, "user", None)
    ctx = {"chiso_version": settings.VERSION}
    if user is not None and user.is_authenticated:
        ctx["scope"] = get_scope(user)
        ctx["unread_notices"] = lambda: Notice.objects.filter(user=user, read_at__isnull=True).count()
    return ctx
