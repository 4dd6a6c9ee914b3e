"""Recommendations and their steps.

``STEPS`` is a recommendation's state machine as data: for each action the states it may start from,
the state it leads to (``None``: the state stays), whether it needs a text, what must hold (``check``:
raises ``ProgramError``, nothing written), what it writes (``apply``) and whom it tells besides the
sender (``notify``). :func:`act_on_recommendation` is the one driver. Who may act is the same for every
step — the standing body (the department) — and the page checks it (``views.recommendation_act``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from chiso.lib.db import atomic_retry
from chiso.orgs import audit, notify
from chiso.orgs.models import Agency, Membership, NoticeKind

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
        notify.tell(
            Membership.objects.filter(agency=program.standing_body, role__in=DEPT_ROLES).values_list("user_id", flat=True),
            lambda: _("Kiến nghị mới của {agency}: {title}").format(agency=agency, title=rec.title),
            reverse("recommendation", args=[rec.pk]),
            NoticeKind.REQUEST,
        )
    return rec


A = RecommendationStep.Action
S = Recommendation.Status
OPEN = (S.SUBMITTED, S.ASSIGNED, S.ESCALATED, S.ANSWERED)  # every state but closed


@dataclass(frozen=True)
class _Ask:
    """What the department asked with a step: who, the text, the agency assigned."""

    actor: audit.Actor
    text: str
    assigned_to: Agency | None


def _check_assignee(rec: Recommendation, ask: _Ask) -> None:
    if ask.assigned_to is None:
        raise ProgramError(_("Phải chọn cơ quan được giao."))


def _check_answered(rec: Recommendation, ask: _Ask) -> None:
    if rec.status not in Recommendation.ANSWERED_STATES or not rec.answer:
        raise ProgramError(_("Chỉ công khai được kiến nghị đã có trả lời."))


def _answer(rec: Recommendation, ask: _Ask) -> None:
    rec.answer, rec.answered_at = ask.text, timezone.now()


def _assign(rec: Recommendation, ask: _Ask) -> None:
    rec.assigned_to = ask.assigned_to


def _publish(rec: Recommendation, ask: _Ask) -> None:
    rec.is_public = True


def _unpublish(rec: Recommendation, ask: _Ask) -> None:
    rec.is_public = False


def _update_text(rec: Recommendation, action: str, text: str) -> str:
    """To the sender: what was done with their recommendation, and the text given with it."""
    msg = _("Kiến nghị “{title}”: {action}.").format(title=rec.title, action=dict(A.choices)[action])
    return f"{msg} {text}".strip()


def _tell_assignee(rec: Recommendation, ask: _Ask, url: str) -> None:
    """The agency given the recommendation to handle, when it is not the sender."""
    if ask.assigned_to is not None and ask.assigned_to.pk != rec.agency_id:
        _notify_agency(
            ask.assigned_to,
            lambda: _("Được giao xử lý kiến nghị “{title}” của {agency}: {text}").format(
                title=rec.title, agency=rec.agency, text=ask.text
            ),
            url,
            NoticeKind.REQUEST,
        )


_Part = Callable[[Recommendation, _Ask], None]


@dataclass(frozen=True)
class RecStep:
    """One step of a recommendation: allowed from ``sources``; leads to ``target`` (``None``: the
    state stays); ``needs_text`` refuses a blank text; ``check`` refuses, ``apply`` writes, ``notify``
    tells whom the step concerns besides the sender."""

    sources: tuple[str, ...]
    target: str | None = None
    needs_text: bool = False
    check: _Part | None = None
    apply: _Part | None = None
    notify: Callable[[Recommendation, _Ask, str], None] | None = None


STEPS: dict[str, RecStep] = {
    # action: RecStep(from, to, needs a text, check, apply, notify)
    A.ANSWER: RecStep(OPEN, S.ANSWERED, True, apply=_answer),
    A.ASSIGN: RecStep(OPEN, S.ASSIGNED, True, _check_assignee, _assign, _tell_assignee),
    A.ESCALATE: RecStep(OPEN, S.ESCALATED, True),
    A.COMMENT: RecStep(OPEN, None, True),
    A.CLOSE: RecStep(OPEN, S.CLOSED),
    A.PUBLISH: RecStep((*OPEN, S.CLOSED), None, False, _check_answered, _publish),
    A.UNPUBLISH: RecStep((*OPEN, S.CLOSED), None, False, apply=_unpublish),
}


def _refuse(rule: RecStep, rec: Recommendation, ask: _Ask) -> None:
    """Raise ``ProgramError`` when the step may not be taken now (nothing written)."""
    if rec.status not in rule.sources:
        raise ProgramError(_("Kiến nghị đã đóng."))
    if rule.needs_text and not ask.text:
        raise ProgramError(_("Phải ghi nội dung."))
    if rule.check is not None:
        rule.check(rec, ask)


def _facts(rec: Recommendation) -> dict:
    return {"status": rec.status, "assigned_to": rec.assigned_to_id, "is_public": rec.is_public}


def act_on_recommendation(
    rec_id: int,
    actor: audit.Actor,
    action: str,
    *,
    text: str = "",
    assigned_to: Agency | None = None,
    is_public: bool | None = None,
) -> Recommendation:
    """The department's step (``STEPS``): answer, assign, escalate (to the UBND tỉnh), comment, close,
    or (un)publish an answered one. The sender is notified of every step."""
    rule = STEPS.get(action)
    if rule is None:
        raise ProgramError(_("Thao tác không hợp lệ."))
    ask = _Ask(actor, (text or "").strip(), assigned_to)
    with transaction.atomic():
        rec = Recommendation.objects.select_for_update().select_related("agency", "program").get(pk=rec_id)
        before = _facts(rec)
        _refuse(rule, rec, ask)
        if rule.apply is not None:
            rule.apply(rec, ask)
        rec.status = rule.target or rec.status
        rec.updated = timezone.now()
        rec.save()
        _step(rec, actor, action, ask.text, assigned_to)
        after = _facts(rec)
        audit.record(
            actor,
            f"recommendation.{action}",
            rec,
            parent=rec.program,
            before=before,
            after=after,
            reason=ask.text[:500],
        )
        url = reverse("recommendation", args=[rec.pk])
        _notify_agency(rec.agency, partial(_update_text, rec, action, ask.text), url, NoticeKind.RESULT)
        if rule.notify is not None:
            rule.notify(rec, ask, url)
    return rec
