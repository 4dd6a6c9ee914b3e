"""The dates of a collection round, changed by the department (page: ``chiso.site.rounds``).

As every change of the organisation (:mod:`chiso.orgs.services`): one transaction, the round locked
before it is checked, an audit row ``round.dates`` with before/after, a reason required, a Vietnamese
refusal that writes nothing, and a page that sends back the stamp of the dates it showed (a change
made since by someone else is refused, 409).
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from chiso.lib.db import atomic_retry
from chiso.lib.refusal import Refused
from chiso.orgs import audit
from chiso.orgs.services import check_seen, need_reason

from .models import Round, Submission


def round_state(rnd: Round) -> dict:
    """The round's dates as the page shows them (ISO), stamped with :func:`chiso.orgs.services.stamp`."""
    return {day: getattr(rnd, day).isoformat() if getattr(rnd, day) else None
            for day in ("opens_on", "due_on", "locks_on")}


@atomic_retry
def set_collection_round_dates(
    round_id: int, actor: audit.Actor, *, seen: str, opens_on: dt.date, due_on: dt.date, locks_on: dt.date,
    reason: str,
):
    """New open, due and lock dates for a collection round that still has forms to approve."""
    reason = need_reason(reason, _("Phải ghi lý do đổi ngày."))
    if not (opens_on <= due_on <= locks_on):
        msg = _("Phải có: ngày mở ≤ hạn gửi ≤ ngày khóa.")
        raise Refused(msg, {"due_on": msg})
    with transaction.atomic():
        rnd = Round.objects.select_for_update().get(pk=round_id)
        before = round_state(rnd)
        check_seen(before, seen, "collection.round", rnd.pk)
        if not rnd.submissions.exclude(status=Submission.Status.APPROVED).exists():
            raise Refused(_("Mọi biểu mẫu của đợt đã được phê duyệt: đợt đã kết thúc, không đổi ngày được."))
        rnd.opens_on, rnd.due_on, rnd.locks_on = opens_on, due_on, locks_on
        after = round_state(rnd)
        if after != before:
            rnd.save(update_fields=["opens_on", "due_on", "locks_on"])
            audit.record(actor, "round.dates", rnd, before=before, after=after, reason=reason)
        return rnd
