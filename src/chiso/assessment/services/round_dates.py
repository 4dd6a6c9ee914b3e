"""The dates of an internal round, changed by the department (page: ``chiso.site.rounds``).

As every change of the organisation (:mod:`chiso.orgs.services`): one transaction, the round locked
before it is checked, an audit row ``assessment_round.dates`` with before/after, a reason required, a
Vietnamese refusal that writes nothing; the page sends back the round's ``version`` it showed (any
change to the round bumps it) and a change made since by someone else is refused (409).
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from chiso.lib.db import atomic_retry
from chiso.lib.refusal import Refused
from chiso.orgs import audit
from chiso.orgs.services import check_seen, need_reason

from ..models import Round

_DAYS = ("opens_on", "self_due_on", "appraisal_due_on", "answer_due_on")


def internal_round_state(rnd: Round) -> dict:
    """The round's dates (ISO), as the audit row keeps them."""
    return {day: getattr(rnd, day).isoformat() if getattr(rnd, day) else None for day in _DAYS}


@atomic_retry
def set_internal_round_dates(
    round_id: int, actor: audit.Actor, *, version: int, opens_on: dt.date, self_due_on: dt.date,
    appraisal_due_on: dt.date, answer_due_on: dt.date | None, reason: str,
):
    """New dates for an internal round before its decision is drafted; ``version`` is the round's as
    the page showed it (any change to the round bumps it)."""
    reason = need_reason(reason, _("Phải ghi lý do đổi ngày."))
    if not (opens_on <= self_due_on <= appraisal_due_on):
        msg = _("Phải có: ngày mở ≤ hạn tự đánh giá ≤ hạn thẩm định.")
        raise Refused(msg, {"self_due_on": msg})
    if answer_due_on is not None and answer_due_on < opens_on:
        msg = _("Hạn giải trình không thể trước ngày mở.")
        raise Refused(msg, {"answer_due_on": msg})
    with transaction.atomic():
        rnd = Round.objects.select_for_update().get(pk=round_id)
        if rnd.version != version:
            check_seen({}, "", "assessment.round", rnd.pk)
        if rnd.is_frozen:
            raise Refused(_("Đợt đã có dự thảo quyết định: không đổi ngày được."))
        if answer_due_on is None and rnd.answer_due_on is not None:
            msg = _("Đợt đã gửi kết quả thẩm định: phải có hạn giải trình.")
            raise Refused(msg, {"answer_due_on": msg})
        before = internal_round_state(rnd)
        rnd.opens_on, rnd.self_due_on, rnd.appraisal_due_on = opens_on, self_due_on, appraisal_due_on
        rnd.answer_due_on = answer_due_on
        after = internal_round_state(rnd)
        if after != before:
            rnd.version += 1  # the boards' cache key
            rnd.save(update_fields=["opens_on", "self_due_on", "appraisal_due_on", "answer_due_on", "version"])
            audit.record(actor, "assessment_round.dates", rnd, before=before, after=after, reason=reason)
        return rnd
