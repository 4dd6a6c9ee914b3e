"""Explicit audit rows, written by the code that changes data, inside its transaction.

Writing one is also what tells the page cache (:mod:`chiso.lib.cache`) that data changed: the
namespaces of the target's and the parent's apps get new generations when the transaction commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from chiso.lib import cache

from .models import AuditEntry

# Rows saved outside the services (the admin, loaders) bump the cache through the model signals.
cache.watch_models()


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
    parent_type = parent._meta.label_lower if parent is not None else ""
    cache.bump(*_namespaces([target_type, parent_type]))
    return AuditEntry.objects.create(
        user=actor.user,
        user_name=actor.name,
        request_id=actor.request_id,
        action=action,
        target_type=target_type,
        target_id=str(target_id),
        parent_type=parent_type,
        parent_id=str(parent.pk) if parent is not None else "",
        object_repr=(object_repr or str(target))[:300],
        before=before,
        after=after,
        reason=reason,
    )


def record_many(entries: list[AuditEntry], *, batch_size: int = 1000) -> list[AuditEntry]:
    """Write many audit rows at once (a form's values saved together); bumps the cache as :func:`record`."""
    cache.bump(*_namespaces(t for e in entries for t in (e.target_type, e.parent_type)))
    return AuditEntry.objects.bulk_create(entries, batch_size=batch_size)


def _namespaces(types) -> list[str]:
    return list(dict.fromkeys(cache.namespace_of(t) for t in types if t))
