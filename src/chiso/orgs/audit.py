"""Explicit audit rows, written by the code that changes data, inside its transaction."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .models import AuditEntry


@dataclass(frozen=True)
class Actor:
    user: Any = None
    request_id: str = ""

    @classmethod
    def from_request(cls, request) -> Actor:
        user = request.user if request.user.is_authenticated else None
        return cls(user=user, request_id=getattr(request, "request_id", ""))

    @property
    def name(self) -> str:
        return self.user.get_username() if self.user is not None else "system"


def record(
    actor: Actor,
    action: str,
    target,
    *,
    before: Any = None,
    after: Any = None,
    reason: str = "",
    parent=None,
    object_repr: str = "",
) -> AuditEntry:
    """Write one audit row. ``target`` is a model instance or a ``(type, id)`` pair."""
    if isinstance(target, tuple):
        target_type, target_id = target
    else:
        target_type, target_id = target._meta.label_lower, target.pk
    return AuditEntry.objects.create(
        user=actor.user,
        user_name=actor.name,
        request_id=actor.request_id,
        action=action,
        target_type=target_type,
        target_id=str(target_id),
        parent_type=parent._meta.label_lower if parent is not None else "",
        parent_id=str(parent.pk) if parent is not None else "",
        object_repr=(object_repr or str(target))[:300],
        before=before,
        after=after,
        reason=reason,
    )
