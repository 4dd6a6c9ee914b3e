from __future__ import annotations

from django.conf import settings
from django.db import connection

from .access import get_scope
from .models import Notice


def chiso(request):
    user = getattr(request, "user", None)
    ctx = {"chiso_version": settings.VERSION}
    if user is not None and user.is_authenticated:
        ctx["scope"] = get_scope(user)
        ctx["unread_notices"] = lambda: _unread(user.pk)
    return ctx


def _unread(user_id: int) -> int:
    """``Notice.objects.filter(user=..., read_at__isnull=True).count()`` as plain SQL: the header
    of every signed-in page shows it, and building the ORM query costs several times running it."""
    q = connection.ops.quote_name
    meta = Notice._meta
    user_col, read_col = (q(meta.get_field(n).column) for n in ("user", "read_at"))
    with connection.cursor() as c:
        c.execute(f"SELECT COUNT(*) FROM {q(meta.db_table)} WHERE {user_col} = %s AND {read_col} IS NULL", [user_id])
        return c.fetchone()[0]
