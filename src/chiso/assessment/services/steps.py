"""The round's steps (a table of transitions) and the decision."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from chiso.lib.db import atomic_retry
from chiso.lib.refusal import Forbidden, Refused
from chiso.orgs import audit

from ..models import (
    Entry,
    Participant,
    Round,
)
from .base import S, _bump
from .totals import recompute

TRANSITIONS = {
    # action: (from, to, who: "department" | "leadership" | "council")
    "close_self": (S.SELF, S.APPRAISAL, "department"),
    "send_appraisal": (S.APPRAISAL, S.ANSWER, "department"),
    "close_answers": (S.ANSWER, S.COUNCIL, "department"),
    "to_approval": (S.COUNCIL, S.APPROVAL, "council"),
    "approve": (S.APPROVAL, S.DECISION, "leadership"),
    "return": (S.APPROVAL, S.COUNCIL, "leadership"),
    "publish": (S.DECISION, S.PUBLISHED, "department"),
}


def may_transition(action: str, acc, rnd: Round) -> bool:
    who = TRANSITIONS[action][2]
    if who == "department":
        return acc.is_department
    if who == "leadership":
        return acc.is_leadership
    seat = acc.seat(rnd.pk)
    return acc.is_department or (seat is not None and seat.is_chair)


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
    today = today or timezone.localdate()
    if action not in TRANSITIONS:
        raise Refused(_("Thao tác không hợp lệ."))
    src, dst, _who = TRANSITIONS[action]
    with transaction.atomic():
        rnd = Round.objects.select_for_update().get(pk=round_id)
        if not may_transition(action, acc, rnd):
            raise Forbidden(_("Bạn không có quyền thực hiện bước này."))
        if rnd.status != src:
            raise Refused(
                _("Đợt đánh giá đang ở bước “{step}”: không thực hiện được bước này.").format(
                    step=rnd.get_status_display()
                ),
                status=409,
            )
        entries = Entry.objects.filter(participant__round=rnd)
        before = {"status": rnd.status}
        if action == "close_self":
            late = rnd.participants.filter(status=Participant.Status.DRAFT)
            if today <= rnd.self_due_on and late.exists():
                raise Refused(
                    _("Còn {n} đơn vị chưa gửi tự đánh giá và chưa đến hạn ({day}).").format(
                        n=late.count(), day=f"{rnd.self_due_on:%d/%m/%Y}"
                    )
                )
        elif action == "send_appraisal":
            # indicators left as they were are appraised at the self-score (agreed, no reason needed)
            entries.filter(appraised_points__isnull=True).update(
                appraised_points=Coalesce0("self_points"), appraised_at=timezone.now()
            )
            rnd.appraisal_sent_at = timezone.now()
            rnd.answer_due_on = today + dt.timedelta(days=rnd.answer_days)
        elif action == "close_answers":
            open_ = entries.filter(answered_at__isnull=True).exclude(appraised_points=F("self_points"))
            if rnd.answer_due_on and today <= rnd.answer_due_on and open_.exists():
                raise Refused(
                    _("Chưa hết hạn giải trình ({day}) và còn {n} chỉ số chưa được giải trình.").format(
                        day=f"{rnd.answer_due_on:%d/%m/%Y}", n=open_.count()
                    )
                )
            entries.filter(final_points__isnull=True).update(final_points=F("appraised_points"))
        elif action == "to_approval":
            entries.filter(final_points__isnull=True).update(final_points=Coalesce0("appraised_points"))
        elif action == "approve":
            rnd.approved_at, rnd.approved_by, rnd.return_reason = timezone.now(), actor.user, ""
            rnd.decided_at = timezone.now()
        elif action == "return":
            if not reason.strip():
                raise Refused(_("Phải nêu lý do trả lại."), {"reason": _("Bắt buộc.")})
            rnd.return_reason = reason.strip()
        elif action == "publish":
            d = decision or {}
            errors = {}
            if not (d.get("number") or rnd.decision_number):
                errors["decision_number"] = _("Nhập số quyết định.")
            if not (d.get("date") or rnd.decision_date):
                errors["decision_date"] = _("Nhập ngày quyết định.")
            if errors:
                raise Refused(_("Chưa công bố được: cần số và ngày của quyết định đã ký."), errors)
            rnd.decision_number = d.get("number") or rnd.decision_number
            rnd.decision_date = d.get("date") or rnd.decision_date
            rnd.published_at = timezone.now()
        rnd.status = dst
        rnd.save()
        audit.record(
            actor, f"assessment_round.{action}", rnd, before=before, after={"status": dst}, reason=reason
        )
        recompute(rnd)
        _notify(rnd, action)
    return rnd


def _notify(rnd: Round, action: str) -> None:
    """In-app notices for who acts next: units when the appraisal is sent and when results are
    published; the leadership when results await approval; the department when they are approved
    or returned."""
    from django.urls import reverse

    from chiso.orgs.models import Membership, Notice

    R = Membership.Role
    notices = []
    if action in ("send_appraisal", "publish"):
        sheets = dict(rnd.participants.values_list("agency_id", "pk"))
        members = Membership.objects.filter(agency_id__in=sheets, role__in=(R.AGENCY_OFFICER, R.AGENCY_HEAD))
        for m in members.select_related("user"):
            url = reverse("assessment_sheet", args=[sheets[m.agency_id]])
            if action == "send_appraisal":
                text = _(
                    "{round}: kết quả thẩm định đã gửi; đơn vị giải trình (một lần) đến hết ngày {day}."
                ).format(round=rnd.title, day=f"{rnd.answer_due_on:%d/%m/%Y}")
            else:
                text = _("{round}: kết quả đã được công bố (Quyết định {number}).").format(
                    round=rnd.title, number=rnd.decision_number
                )
            notices.append(Notice(user=m.user, text=text[:500], url=url))
    else:
        roles = {
            "to_approval": (R.LEADERSHIP,),
            "approve": (R.DEPT_ADMIN, R.DEPT_OFFICER),
            "return": (R.DEPT_ADMIN, R.DEPT_OFFICER),
        }.get(action)
        if roles:
            text = {
                "to_approval": _("{round}: kết quả chờ lãnh đạo phê duyệt."),
                "approve": _("{round}: lãnh đạo đã phê duyệt; lập quyết định công bố."),
                "return": _("{round}: lãnh đạo trả lại hội đồng: {reason}"),
            }[action].format(round=rnd.title, reason=rnd.return_reason)
            url = reverse("assessment_round", args=[rnd.pk])
            users = {m.user_id for m in Membership.objects.filter(role__in=roles)}
            notices = [Notice(user_id=u, text=text[:500], url=url) for u in sorted(users)]
    Notice.objects.bulk_create(notices)


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
