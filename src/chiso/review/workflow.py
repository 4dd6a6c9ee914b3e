"""The one review workflow: a step moves a row from one state to another, or is refused.

The allowed steps are data (``Step``: the states it starts from, the state it leads to, what it
stamps), one table per kind of row: ``REVIEW_STEPS`` (submit / approve / return) for every
``chiso.review.models.Reviewed``; a model with other states gives its own table as ``REVIEW_STEPS``
(the internal ranking's self-assessment: submit / reopen, no approval).

A step, inside one transaction:

1. refuses what the table does not allow from the row's state (the model's ``review_refused``);
2. runs the caller's ``check`` (what must hold before the step: values entered, the round open…),
   which raises a ``chiso.lib.refusal.Refused`` to refuse;
3. writes the new state with a compare-and-set on ``version`` (``UPDATE … WHERE id = … AND
   version = … AND status = …``): a row changed since it was read is refused with ``Stale`` and
   nothing is written — which holds on SQLite too, where ``select_for_update`` does nothing;
4. writes the audit row ``<REVIEW_AUDIT>.<action>`` (``submission.submit``, ``progress.approve``,
   ``assessment_self.reopen``…) with the state before and after, and the reason.

The caller does the rest of its step in the same transaction (notices, notes) after it returns.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from chiso.lib.refusal import Refused, Stale
from chiso.orgs import audit

from .models import ReviewStatus


@dataclass(frozen=True)
class Step:
    """One allowed step: from any of ``sources`` to ``target``; ``stamp`` "submitted" sets
    submitted_at/by, "decided" sets decided_at/by and the return reason ("" unless returned)."""

    sources: tuple[str, ...]
    target: str
    stamp: str = ""


class Steppable(Protocol):
    """What a step reads and writes of a row: ``chiso.review.models.Reviewed`` and any model with
    its own ``REVIEW_STEPS`` (the self-assessment's participant). Class attributes are declared as
    plain members: Django's managers and the models' constants are not ``ClassVar`` to mypy."""

    pk: Any
    status: str
    version: int
    REVIEW_AUDIT: str
    objects: Any  # the model's manager (each model's own queryset type)

    def review_parent(self) -> Any: ...

    def review_refused(self, action: str) -> Refused: ...


T = TypeVar("T", bound=Steppable)

S = ReviewStatus
REVIEW_STEPS: dict[str, Step] = {
    "submit": Step((S.DRAFT, S.RETURNED), S.SUBMITTED, "submitted"),
    "approve": Step((S.SUBMITTED,), S.APPROVED, "decided"),
    "return": Step((S.SUBMITTED,), S.RETURNED, "decided"),
}


def steps_of(obj) -> dict[str, Step]:
    return type(obj).REVIEW_STEPS or REVIEW_STEPS


def allows(obj, action: str) -> bool:
    """Whether the row's state allows ``action`` (no check run, nothing written)."""
    step = steps_of(obj).get(action)
    return step is not None and obj.status in step.sources


def _stamps(step: Step, actor: audit.Actor, reason: str) -> dict:
    now = timezone.now()
    if step.stamp == "submitted":
        return {"submitted_at": now, "submitted_by": actor.user}
    if step.stamp == "decided":
        return {"decided_at": now, "decided_by": actor.user, "return_reason": reason}
    return {}


def step(
    obj: T,
    actor: audit.Actor,
    action: str,
    *,
    check: Callable[[T], None] | None = None,
    reason: str = "",
    audit_after: dict | None = None,
) -> T:
    """Move ``obj`` by ``action`` (a key of its steps table); returns ``obj`` with its new state
    and version. Raises ``Refused`` (nothing written): a step its state does not allow, a failed
    ``check``, or ``Stale`` when the row changed since ``obj`` was read."""
    rule = steps_of(obj).get(action)
    if rule is None:
        raise Refused(_("Thao tác không hợp lệ."))
    with transaction.atomic():
        if obj.status not in rule.sources:
            raise obj.review_refused(action)
        if check is not None:
            check(obj)
        before = obj.status
        changes = {"status": rule.target, **_stamps(rule, actor, reason)}
        model = type(obj)
        written = model.objects.filter(pk=obj.pk, version=obj.version, status=before).update(
            version=F("version") + 1, **changes
        )
        if written != 1:
            raise Stale(_("Hồ sơ vừa được người khác thay đổi; hãy tải lại trang rồi làm lại."))
        for name, value in changes.items():
            setattr(obj, name, value)
        obj.version += 1
        audit.record(
            actor,
            f"{model.REVIEW_AUDIT}.{action}",
            obj,
            parent=obj.review_parent(),
            before={"status": before},
            after={"status": rule.target, **(audit_after or {})},
            reason=reason,
        )
    return obj


def submit(obj: T, actor: audit.Actor, *, check: Callable[[T], None] | None = None) -> T:
    return step(obj, actor, "submit", check=check)


def approve(obj: T, actor: audit.Actor, *, check: Callable[[T], None] | None = None) -> T:
    return step(obj, actor, "approve", check=check)


def return_(obj: T, actor: audit.Actor, reason: str, *, audit_after: dict | None = None) -> T:
    """Return with a reason (required: refused when blank)."""
    reason = (reason or "").strip()
    if not reason:
        raise Refused(_("Phải ghi lý do trả lại."), {"reason": _("Bắt buộc.")})
    return step(obj, actor, "return", reason=reason, audit_after=audit_after)


def reopen(obj: T, actor: audit.Actor, reason: str) -> T:
    """Give a submitted row back to its writers (the self-assessment's step; reason required)."""
    reason = (reason or "").strip()
    if not reason:
        raise Refused(_("Phải nêu lý do trả lại."), {"reason": _("Bắt buộc.")})
    return step(obj, actor, "reopen", reason=reason)
