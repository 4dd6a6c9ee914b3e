"""Appraisal, answers and final scores."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from chiso.lib.db import atomic_retry
from chiso.lib.problems import active_language
from chiso.lib.refusal import Forbidden, Refused
from chiso.lib.vn_format import DecimalMarkError, format_number, parse_number
from chiso.orgs import audit

from ..models import (
    Entry,
    Participant,
)
from .base import S, _lock
from .frameworks import round_pfw
from .self_assessment import _check_stage
from .totals import recompute


def _points_in(text: str, maximum: float) -> float:
    """Points typed on a page, read the way of the page's language (its decimal mark)."""
    try:
        x = parse_number(text, active_language())
    except DecimalMarkError as e:
        raise ValueError(e.message(active_language())) from None
    except ValueError:
        raise ValueError(_("Điểm phải là một số.")) from None
    if x < 0 or x > maximum + 1e-9:
        raise ValueError(_("Điểm phải từ 0 đến {max}.").format(max=format_number(maximum, lang=active_language())))
    if round(x, 2) != x:
        raise ValueError(_("Điểm lấy tối đa 2 chữ số thập phân."))
    return x


@dataclass(frozen=True)
class _ScoreStep:
    """A step that sets a score per indicator with a reason (the appraisal, the council's final
    score): which stage, who may, what the score is compared with, which fields hold it."""

    stage: str
    may: str  # the Access method: "can_appraise" | "can_decide"
    not_yours: str
    needs_reason: str  # formatted with {pts}: the score compared with
    refused: str  # formatted with {n}
    fields: tuple[str, str, str, str]  # points, reason, by, at
    action: str

    def base(self, e: Entry) -> float:
        if self.stage == S.APPRAISAL:
            return e.self_points or 0.0
        return e.appraised_points if e.appraised_points is not None else (e.self_points or 0.0)


_APPRAISAL = _ScoreStep(
    stage=S.APPRAISAL,
    may="can_appraise",
    not_yours=gettext_noop("Chỉ số này không thuộc phạm vi thẩm định của bạn."),
    needs_reason=gettext_noop("Điểm thẩm định khác điểm tự đánh giá ({pts}): phải nêu lý do."),
    refused=gettext_noop("Chưa lưu: có {n} điểm thẩm định chưa hợp lệ (xem từng dòng)."),
    fields=("appraised_points", "appraisal_reason", "appraised_by", "appraised_at"),
    action="assessment_appraisal.save",
)
_FINAL = _ScoreStep(
    stage=S.COUNCIL,
    may="can_decide",
    not_yours=gettext_noop("Chỉ chủ tịch hội đồng hoặc Sở quyết định điểm cuối cùng."),
    needs_reason=gettext_noop("Điểm cuối cùng khác điểm thẩm định ({pts}): phải nêu lý do."),
    refused=gettext_noop("Chưa lưu: có {n} điểm cuối cùng chưa hợp lệ (xem từng dòng)."),
    fields=("final_points", "final_reason", "final_by", "final_at"),
    action="assessment_final.save",
)


@atomic_retry
def _set_scores(
    step: _ScoreStep, participant_id: int, scores: dict[str, tuple[str, str]], actor: audit.Actor, acc
) -> Participant:
    """Scores ``{code: (points text, reason)}`` for one step; a score different from the one it
    is compared with needs a reason. All or nothing, audited (old → new), totals recomputed."""
    f_pts, f_reason, f_by, f_at = step.fields
    with transaction.atomic():
        p = _lock(participant_id)
        _check_stage(p.round, step.stage)
        pfw = round_pfw(p.round)
        may = getattr(acc, step.may)
        entries = {e.code: e for e in p.entries.all()}
        errors, changed = {}, []
        now = timezone.now()
        for code, (text, reason) in scores.items():
            e = entries.get(code)
            if e is None or not (text or "").strip():
                continue
            if not may(p, code):
                errors[code] = _(step.not_yours)
                continue
            try:
                x = _points_in(text, pfw.indicator(code).max_points)
            except ValueError as err:
                errors[code] = str(err)
                continue
            reason = (reason or "").strip()
            base = step.base(e)
            if round(x, 2) != round(base, 2) and not reason:
                errors[code] = _(step.needs_reason).format(pts=format_number(base, 2, lang=active_language()))
                continue
            if getattr(e, f_pts) == x and getattr(e, f_reason) == reason:
                continue
            changed.append((e, {"points": getattr(e, f_pts), "reason": getattr(e, f_reason)}))
            for name, value in zip(step.fields, (x, reason, actor.user, now)):
                setattr(e, name, value)
        if errors:
            raise Refused(_(step.refused).format(n=len(errors)), errors)
        if changed:
            Entry.objects.bulk_update([e for e, _b in changed], list(step.fields))
            audit.record(
                actor,
                step.action,
                p,
                parent=p.round,
                before={e.code: b for e, b in changed},
                after={e.code: {"points": getattr(e, f_pts), "reason": getattr(e, f_reason)} for e, _b in changed},
            )
            recompute(p.round)
    return p


def appraise(participant_id: int, scores: dict[str, tuple[str, str]], actor: audit.Actor, acc) -> Participant:
    """Appraised scores ``{code: (points text, reason)}``; a score different from the self-score
    needs a reason. All or nothing."""
    return _set_scores(_APPRAISAL, participant_id, scores, actor, acc)


@atomic_retry
def answer(
    participant_id: int, answers: dict[str, str], actor: audit.Actor, today: dt.date | None = None
) -> Participant:
    """The unit's answer to changed scores: once per indicator, within the window."""
    today = today or timezone.localdate()
    with transaction.atomic():
        p = _lock(participant_id)
        _check_stage(p.round, S.ANSWER)
        if p.round.answer_due_on and today > p.round.answer_due_on:
            raise Forbidden(
                _("Đã hết hạn giải trình ({day}).").format(day=f"{p.round.answer_due_on:%d/%m/%Y}")
            )
        entries = {e.code: e for e in p.entries.all()}
        errors, changed = {}, []
        now = timezone.now()
        for code, text in answers.items():
            text = (text or "").strip()
            e = entries.get(code)
            if e is None or not text:
                continue
            if not e.changed:
                errors[code] = _("Chỉ giải trình các chỉ số bị thay đổi điểm khi thẩm định.")
            elif e.answered_at is not None:
                errors[code] = _("Đơn vị đã giải trình chỉ số này (chỉ được giải trình một lần).")
            else:
                e.answer, e.answered_at, e.answered_by = text[:5000], now, actor.user
                changed.append(e)
        if errors:
            raise Refused(_("Chưa gửi giải trình: {n} chỉ số không hợp lệ.").format(n=len(errors)), errors)
        if not changed:
            raise Refused(_("Chưa nhập nội dung giải trình nào."))
        Entry.objects.bulk_update(changed, ["answer", "answered_at", "answered_by"])
        audit.record(
            actor, "assessment_answer.send", p, parent=p.round, after={e.code: e.answer for e in changed}
        )
        recompute(p.round)
    return p


def decide_final(
    participant_id: int, scores: dict[str, tuple[str, str]], actor: audit.Actor, acc
) -> Participant:
    """The council's final scores; a score different from the appraised one needs a reason."""
    return _set_scores(_FINAL, participant_id, scores, actor, acc)
