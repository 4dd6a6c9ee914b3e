"""Revisions after the decision."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from chiso.lib.db import atomic_retry
from chiso.lib.refusal import Forbidden, Refused
from chiso.orgs import audit

from ..models import (
    Entry,
    Revision,
)
from .appraisal import _points_in
from .base import _lock
from .frameworks import round_pfw
from .totals import recompute


@atomic_retry
def revise(entry_id: int, actor: audit.Actor, *, points: str, reason: str, document: str = "") -> Revision:
    """Change a final score after the decision: a new, audited revision that keeps the old score."""
    reason = (reason or "").strip()
    with transaction.atomic():
        entry = Entry.objects.select_related("participant__round").get(pk=entry_id)
        p = _lock(entry.participant_id)
        rnd = p.round
        if not rnd.is_frozen:
            raise Forbidden(_("Chỉ sửa đổi sau khi có quyết định; trước đó hội đồng sửa điểm trực tiếp."))
        pfw = round_pfw(rnd)
        errors = {}
        try:
            x = _points_in(points, pfw.indicator(entry.code).max_points)
        except ValueError as err:
            errors["points"] = str(err)
            x = None
        if not reason:
            errors["reason"] = _("Phải nêu lý do sửa đổi.")
        old = entry.final_points if entry.final_points is not None else 0.0
        if x is not None and round(x, 2) == round(old, 2):
            errors["points"] = _("Điểm mới trùng điểm hiện tại.")
        if errors:
            raise Refused(_("Chưa sửa đổi được."), errors)
        assert x is not None  # a score that did not read is an error above
        number = (
            Revision.objects.filter(round=rnd).order_by("-number").values_list("number", flat=True).first()
            or 0
        ) + 1
        old_total, old_rank = p.final_total or 0.0, p.rank
        entry.final_points = x
        entry.revision += 1
        entry.save(update_fields=["final_points", "revision"])
        recompute(rnd)
        p.refresh_from_db()
        rev = Revision.objects.create(
            round=rnd,
            entry=entry,
            number=number,
            old_points=old,
            new_points=x,
            old_total=old_total,
            new_total=p.final_total or 0.0,
            old_rank=old_rank,
            reason=reason,
            document=document.strip()[:200],
            user=actor.user,
            user_name=actor.name,
        )
        audit.record(
            actor,
            "assessment_final.revise",
            entry,
            parent=rnd,
            before={"points": old},
            after={"points": x, "revision": number},
            reason=reason,
        )
    return rev
