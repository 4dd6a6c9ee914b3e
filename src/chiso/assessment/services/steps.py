"""The round's steps (a table of transitions) and the decision.

``TRANSITIONS`` is the round's state machine as data: for each action, the state it starts from,
the state it leads to, who may take it, what must hold (``check``: raises ``Refused``, nothing
written) and what it writes besides the new state (``apply``). :func:`transition` is the one driver:
lock the round, refuse who may not (403) and a round in another state (409), check, apply, save,
audit ``assessment_round.<action>``, recompute the totals and notify who acts next."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from chiso.lib.db import atomic_retry
from chiso.lib.refusal import Forbidden, Refused
from chiso.orgs import audit, notify
from chiso.orgs.models import Membership, NoticeKind

from ..models import (
    Entry,
    Participant,
    Round,
)
from .base import S, _bump
from .reading import pending_answers
from .totals import recompute


@dataclass(frozen=True)
class _Ask:
    """What the caller asked with a step: who, on which day, the reason and the decision's details."""

    actor: audit.Actor
    today: dt.date
    reason: str
    decision: dict


def _entries(rnd: Round):
    return Entry.objects.filter(participant__round=rnd)


def _check_self_closed(rnd: Round, ask: _Ask) -> None:
    late = rnd.participants.filter(status=Participant.Status.DRAFT)
    if ask.today <= rnd.self_due_on and late.exists():
        raise Refused(
            _("Còn {n} đơn vị chưa gửi tự đánh giá và chưa đến hạn ({day}).").format(
                n=late.count(), day=f"{rnd.self_due_on:%d/%m/%Y}"
            )
        )


def _send_appraisal(rnd: Round, ask: _Ask) -> None:
    # indicators left as they were are appraised at the self-score (agreed, no reason needed)
    _entries(rnd).filter(appraised_points__isnull=True).update(
        appraised_points=Coalesce0("self_points"), appraised_at=timezone.now()
    )
    rnd.appraisal_sent_at = timezone.now()
    rnd.answer_due_on = ask.today + dt.timedelta(days=rnd.answer_days)


def _check_answers_closed(rnd: Round, ask: _Ask) -> None:
    """Before the window ends, only once every indicator whose score the appraisal changed is
    answered; units that did not self-assess have nothing to answer and are not waited for."""
    if not rnd.answer_due_on or ask.today > rnd.answer_due_on:
        return
    pending = pending_answers(rnd)
    if pending.indicators:
        raise Refused(
            _("Chưa hết hạn giải trình ({day}) và còn {pending}.").format(
                day=f"{rnd.answer_due_on:%d/%m/%Y}", pending=pending.sentence()
            )
        )


def _close_answers(rnd: Round, ask: _Ask) -> None:
    _entries(rnd).filter(final_points__isnull=True).update(final_points=F("appraised_points"))


def _to_approval(rnd: Round, ask: _Ask) -> None:
    _entries(rnd).filter(final_points__isnull=True).update(final_points=Coalesce0("appraised_points"))


def _approve(rnd: Round, ask: _Ask) -> None:
    rnd.approved_at, rnd.approved_by, rnd.return_reason = timezone.now(), ask.actor.user, ""
    rnd.decided_at = timezone.now()


def _check_reason(rnd: Round, ask: _Ask) -> None:
    if not ask.reason.strip():
        raise Refused(_("Phải nêu lý do trả lại."), {"reason": _("Bắt buộc.")})


def _return(rnd: Round, ask: _Ask) -> None:
    rnd.return_reason = ask.reason.strip()


def _check_decision(rnd: Round, ask: _Ask) -> None:
    d = ask.decision
    errors = {}
    if not (d.get("number") or rnd.decision_number):
        errors["decision_number"] = _("Nhập số quyết định.")
    if not (d.get("date") or rnd.decision_date):
        errors["decision_date"] = _("Nhập ngày quyết định.")
    if errors:
        raise Refused(_("Chưa công bố được: cần số và ngày của quyết định đã ký."), errors)


def _publish(rnd: Round, ask: _Ask) -> None:
    d = ask.decision
    rnd.decision_number = d.get("number") or rnd.decision_number
    rnd.decision_date = d.get("date") or rnd.decision_date
    rnd.published_at = timezone.now()


# --- who is told: in-app notices for who acts next ------------------------------------------------


def _to_units(rnd: Round, text: Callable[[], str], kind: str) -> None:
    """Tell the officers and heads of every unit of the round, linking to the unit's sheet."""
    R = Membership.Role
    sheets = dict(rnd.participants.values_list("agency_id", "pk"))
    members = Membership.objects.filter(agency_id__in=sheets, role__in=(R.AGENCY_OFFICER, R.AGENCY_HEAD))
    per_sheet: dict[int, set[int]] = {}
    for agency_id, user_id in members.values_list("agency_id", "user_id"):
        per_sheet.setdefault(sheets[agency_id], set()).add(user_id)
    for sheet, users in sorted(per_sheet.items()):
        notify.tell(users, text, reverse("assessment_sheet", args=[sheet]), kind)


def _to_roles(rnd: Round, roles: tuple[str, ...], text: Callable[[], str], kind: str) -> None:
    """Tell every user holding one of ``roles``, linking to the round."""
    users = Membership.objects.filter(role__in=roles).values_list("user_id", flat=True)
    notify.tell(set(users), text, reverse("assessment_round", args=[rnd.pk]), kind)


def _tell_appraisal_sent(rnd: Round) -> None:
    _to_units(
        rnd,
        lambda: _("{round}: kết quả thẩm định đã gửi; đơn vị giải trình (một lần) đến hết ngày {day}.").format(
            round=rnd.title, day=f"{rnd.answer_due_on:%d/%m/%Y}"
        ),
        NoticeKind.REQUEST,
    )


def _tell_published(rnd: Round) -> None:
    _to_units(
        rnd,
        lambda: _("{round}: kết quả đã được công bố (Quyết định {number}).").format(
            round=rnd.title, number=rnd.decision_number
        ),
        NoticeKind.RESULT,
    )


def _tell_leadership(rnd: Round) -> None:
    _to_roles(
        rnd,
        (Membership.Role.LEADERSHIP,),
        lambda: _("{round}: kết quả chờ lãnh đạo phê duyệt.").format(round=rnd.title),
        NoticeKind.REQUEST,
    )


_DEPARTMENT = (Membership.Role.DEPT_ADMIN, Membership.Role.DEPT_OFFICER)


def _tell_approved(rnd: Round) -> None:
    _to_roles(
        rnd,
        _DEPARTMENT,
        lambda: _("{round}: lãnh đạo đã phê duyệt; lập quyết định công bố.").format(round=rnd.title),
        NoticeKind.REQUEST,
    )


def _tell_returned(rnd: Round) -> None:
    _to_roles(
        rnd,
        _DEPARTMENT,
        lambda: _("{round}: lãnh đạo trả lại hội đồng: {reason}").format(round=rnd.title, reason=rnd.return_reason),
        NoticeKind.RETURNED,
    )


_Part = Callable[[Round, _Ask], None]


@dataclass(frozen=True)
class RoundStep:
    """One step of the round: from ``source`` to ``target``; ``who`` may take it ("department",
    "leadership" or "council": the department or the council's chair); ``check`` refuses (nothing
    written), ``apply`` writes what the step sets besides the state."""

    source: str
    target: str
    who: str
    check: _Part | None = None
    apply: _Part | None = None
    notify: Callable[[Round], None] | None = None


TRANSITIONS: dict[str, RoundStep] = {
    # action: RoundStep(from, to, who may, check, apply, notify)
    "close_self": RoundStep(S.SELF, S.APPRAISAL, "department", _check_self_closed),
    "send_appraisal": RoundStep(
        S.APPRAISAL, S.ANSWER, "department", None, _send_appraisal, _tell_appraisal_sent
    ),
    "close_answers": RoundStep(S.ANSWER, S.COUNCIL, "department", _check_answers_closed, _close_answers),
    "to_approval": RoundStep(S.COUNCIL, S.APPROVAL, "council", None, _to_approval, _tell_leadership),
    "approve": RoundStep(S.APPROVAL, S.DECISION, "leadership", None, _approve, _tell_approved),
    "return": RoundStep(S.APPROVAL, S.COUNCIL, "leadership", _check_reason, _return, _tell_returned),
    "publish": RoundStep(S.DECISION, S.PUBLISHED, "department", _check_decision, _publish, _tell_published),
}

_MAY: dict[str, Callable] = {
    "department": lambda acc, rnd: acc.is_department,
    "leadership": lambda acc, rnd: acc.is_leadership,
    "council": lambda acc, rnd: acc.is_department or bool((seat := acc.seat(rnd.pk)) and seat.is_chair),
}


def may_transition(action: str, acc, rnd: Round) -> bool:
    return bool(_MAY[TRANSITIONS[action].who](acc, rnd))


@atomic_retry
def transition(
    round_id: int,
    action: str,
    actor: audit.Actor,
    acc,
    *,
    reason: str = "",
    today: dt.date | None = None,
    decision: dict | None = None,
) -> Round:
    step = TRANSITIONS.get(action)
    if step is None:
        raise Refused(_("Thao tác không hợp lệ."))
    ask = _Ask(actor, today or timezone.localdate(), reason, decision or {})
    with transaction.atomic():
        rnd = Round.objects.select_for_update().get(pk=round_id)
        if not may_transition(action, acc, rnd):
            raise Forbidden(_("Bạn không có quyền thực hiện bước này."))
        if rnd.status != step.source:
            raise Refused(
                _("Đợt đánh giá đang ở bước “{step}”: không thực hiện được bước này.").format(
                    step=rnd.get_status_display()
                ),
                status=409,
            )
        before = {"status": rnd.status}
        for part in (step.check, step.apply):
            if part is not None:
                part(rnd, ask)
        rnd.status = step.target
        rnd.save()
        audit.record(
            actor,
            f"assessment_round.{action}",
            rnd,
            before=before,
            after={"status": step.target},
            reason=reason,
        )
        recompute(rnd)
        _notify(rnd, action)
    return rnd


def _notify(rnd: Round, action: str) -> None:
    """Notices (``chiso.orgs.notify``) for who acts next (the step's ``notify``): units when the
    appraisal is sent and when results are published; the leadership when results await approval;
    the department when they are approved or returned."""
    tell = TRANSITIONS[action].notify
    if tell is not None:
        tell(rnd)


def Coalesce0(field_name: str):
    from django.db.models import Value
    from django.db.models.functions import Coalesce

    return Coalesce(F(field_name), Value(0.0))


@atomic_retry
def set_decision(
    round_id: int,
    actor: audit.Actor,
    *,
    number: str,
    date: dt.date | None,
    signer_name: str,
    signer_title: str,
) -> Round:
    with transaction.atomic():
        rnd = Round.objects.select_for_update().get(pk=round_id)
        if rnd.status not in (S.DECISION,):
            raise Forbidden(
                _("Chỉ điền số, ngày quyết định sau khi lãnh đạo phê duyệt và trước khi công bố.")
            )
        before = {"number": rnd.decision_number, "date": rnd.decision_date and rnd.decision_date.isoformat()}
        rnd.decision_number, rnd.decision_date = number.strip()[:40], date
        rnd.signer_name, rnd.signer_title = signer_name.strip()[:120], signer_title.strip()[:120]
        rnd.save(update_fields=["decision_number", "decision_date", "signer_name", "signer_title"])
        audit.record(
            actor,
            "assessment_round.decision",
            rnd,
            before=before,
            after={"number": rnd.decision_number, "date": date and date.isoformat()},
        )
        _bump(rnd)
    return rnd
