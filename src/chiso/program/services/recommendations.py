"""Recommendations and their steps."""

from __future__ import annotations

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from chiso.lib.db import atomic_retry
from chiso.orgs import audit
from chiso.orgs.models import Agency, Membership, Notice

from ..models import (
    Program,
    Recommendation,
    RecommendationStep,
    Task,
)
from .base import DEPT_ROLES, ProgramError
from .overdue import _notify_agency


def _step(rec: Recommendation, actor: audit.Actor, action: str, text: str = "", agency: Agency | None = None):
    RecommendationStep.objects.create(
        recommendation=rec,
        user=actor.user,
        user_name=actor.name,
        agency=agency,
        action=action,
        text=text,
        status_after=rec.status,
    )


@atomic_retry
def submit_recommendation(
    actor: audit.Actor,
    *,
    program: Program,
    agency: Agency,
    title: str,
    body: str,
    kind: str = Recommendation.Kind.DIFFICULTY,
    task: Task | None = None,
    component: str = "",
    is_demo: bool = False,
) -> Recommendation:
    if task is not None and task.program_id != program.pk:
        raise ProgramError(_("Nhiệm vụ không thuộc chương trình."))
    with transaction.atomic():
        rec = Recommendation.objects.create(
            program=program,
            agency=agency,
            title=title.strip(),
            body=body.strip(),
            kind=kind,
            task=task,
            component=component,
            created_by=actor.user,
            is_demo=is_demo,
        )
        _step(rec, actor, RecommendationStep.Action.SUBMIT, rec.body, agency)
        audit.record(
            actor,
            "recommendation.submit",
            rec,
            parent=program,
            after={"title": rec.title, "agency": agency.code},
        )
        url = reverse("recommendation", args=[rec.pk])
        for m in Membership.objects.filter(agency=program.standing_body, role__in=DEPT_ROLES):
            Notice.objects.create(
                user=m.user,
                url=url,
                text=_("Kiến nghị mới của {agency}: {title}").format(agency=agency, title=rec.title)[:500],
            )
    return rec


def act_on_recommendation(
    rec_id: int,
    actor: audit.Actor,
    action: str,
    *,
    text: str = "",
    assigned_to: Agency | None = None,
    is_public: bool | None = None,
) -> Recommendation:
    """The department's step: answer, assign, escalate (to the UBND tỉnh), comment, close, or
    (un)publish an answered one. The sender is notified of every step."""
    A = RecommendationStep.Action
    S = Recommendation.Status
    text = (text or "").strip()
    with transaction.atomic():
        rec = Recommendation.objects.select_for_update().select_related("agency", "program").get(pk=rec_id)
        before = {"status": rec.status, "assigned_to": rec.assigned_to_id, "is_public": rec.is_public}
        if rec.status == S.CLOSED and action not in (A.PUBLISH, A.UNPUBLISH):
            raise ProgramError(_("Kiến nghị đã đóng."))
        if action in (A.ANSWER, A.ESCALATE, A.COMMENT, A.ASSIGN) and not text:
            raise ProgramError(_("Phải ghi nội dung."))
        if action == A.ANSWER:
            rec.status, rec.answer, rec.answered_at = S.ANSWERED, text, timezone.now()
        elif action == A.ASSIGN:
            if assigned_to is None:
                raise ProgramError(_("Phải chọn cơ quan được giao."))
            rec.status, rec.assigned_to = S.ASSIGNED, assigned_to
        elif action == A.ESCALATE:
            rec.status = S.ESCALATED
        elif action == A.CLOSE:
            rec.status = S.CLOSED
        elif action in (A.PUBLISH, A.UNPUBLISH):
            if action == A.PUBLISH and (rec.status not in Recommendation.ANSWERED_STATES or not rec.answer):
                raise ProgramError(_("Chỉ công khai được kiến nghị đã có trả lời."))
            rec.is_public = action == A.PUBLISH
        elif action != A.COMMENT:
            raise ProgramError(_("Thao tác không hợp lệ."))
        rec.updated = timezone.now()
        rec.save()
        _step(rec, actor, action, text, assigned_to)
        audit.record(
            actor,
            f"recommendation.{action}",
            rec,
            parent=rec.program,
            before=before,
            after={"status": rec.status, "assigned_to": rec.assigned_to_id, "is_public": rec.is_public},
            reason=text[:500],
        )
        url = reverse("recommendation", args=[rec.pk])
        label = dict(A.choices)[action]
        msg = _("Kiến nghị “{title}”: {action}.").format(title=rec.title, action=label)
        _notify_agency(
            rec.agency, f"{msg} {text}".strip(), url, _("[chiso] Kiến nghị của cơ quan có cập nhật")
        )
        if action == A.ASSIGN and assigned_to is not None and assigned_to.pk != rec.agency_id:
            _notify_agency(
                assigned_to,
                _("Được giao xử lý kiến nghị “{title}” của {agency}: {text}").format(
                    title=rec.title, agency=rec.agency, text=text
                ),
                url,
                _("[chiso] Được giao xử lý kiến nghị"),
            )
    return rec
