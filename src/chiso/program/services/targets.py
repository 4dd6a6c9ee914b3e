"""The department's edits of targets."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from chiso.orgs import audit

from ..models import (
    Kpi,
    Objective,
)
from .base import Conflict, ProgramError

KPI_EDITABLE = ("baseline", "target", "unit", "due_on")
OBJECTIVE_EDITABLE = ("target_rank", "target_year")


def _plain(value):
    return value.isoformat() if isinstance(value, dt.date) else value


def _edit(
    model,
    pk: int,
    actor: audit.Actor,
    *,
    fields: tuple[str, ...],
    changes: dict,
    expected_version: int,
    reason: str,
    action: str,
    program_of,
    stale: str,
):
    """Change ``fields`` of one row: lock it, refuse a stale form (its version), write only what
    changed, and audit who, when, old -> new and why. Nothing changed: no write, no audit row."""
    reason = (reason or "").strip()
    if not reason:
        raise ProgramError(_("Phải ghi lý do thay đổi."))
    with transaction.atomic():
        obj = model.objects.select_for_update().get(pk=pk)
        if obj.version != expected_version:
            raise Conflict(stale)
        before = {
            f: _plain(getattr(obj, f)) for f in fields if f in changes and getattr(obj, f) != changes[f]
        }
        if not before:
            return obj, False
        for f in before:
            setattr(obj, f, changes[f])
        obj.save(update_fields=list(before))
        audit.record(
            actor,
            action,
            obj,
            parent=program_of(obj),
            before=before,
            after={f: _plain(getattr(obj, f)) for f in before},
            reason=reason,
        )
        return obj, True


def update_kpi(kpi_id: int, actor: audit.Actor, *, changes: dict, expected_version: int, reason: str):
    """The department sets a KPI's baseline, target, unit and due date (``kpi.change``)."""
    return _edit(
        Kpi,
        kpi_id,
        actor,
        fields=KPI_EDITABLE,
        changes=changes,
        expected_version=expected_version,
        reason=reason,
        action="kpi.change",
        program_of=lambda k: k.task.program,
        stale=_("Chỉ tiêu vừa được người khác sửa; giá trị hiện tại ở dưới, hãy xem lại rồi nhập lại."),
    )


def update_objective(
    objective_id: int, actor: audit.Actor, *, changes: dict, expected_version: int, reason: str
):
    """The department sets a specific objective's target rank and year (``objective.change``)."""
    return _edit(
        Objective,
        objective_id,
        actor,
        fields=OBJECTIVE_EDITABLE,
        changes=changes,
        expected_version=expected_version,
        reason=reason,
        action="objective.change",
        program_of=lambda o: o.program,
        stale=_("Mục tiêu vừa được người khác sửa; giá trị hiện tại ở dưới, hãy xem lại rồi nhập lại."),
    )
