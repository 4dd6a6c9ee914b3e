"""What waits for a user in the internal ranking (:mod:`chiso.lib.waiting`).

A round waits for whoever may take its next step (``services.steps.TRANSITIONS``, ``may_transition``):
the department closes the self-assessment, sends the appraisal, closes the answers and publishes; the
council's chair (or the department) sends the final scores for approval; the leadership approves. A
unit waits on its own sheet: its self-assessment while it is a draft, its answer to changed scores
within the window. A council member appraises the indicators of the seat. A published round waits
for nobody. Three queries at most (rounds, the user's units, the entries to answer)."""

from __future__ import annotations

import datetime as dt

from django.db.models import F
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from chiso.lib.waiting import Waiting

from .access import get_access
from .models import Entry, Participant, Round
from .services.steps import may_transition

S = Round.Status
# the round's state -> (the next step, what to do, the deadline's field or None)
NEXT = {
    S.SELF: ("close_self", gettext_lazy("Theo dõi tự đánh giá, chuyển sang bước thẩm định"), "self_due_on"),
    S.APPRAISAL: ("send_appraisal", gettext_lazy("Thẩm định và gửi kết quả thẩm định cho các đơn vị"),
                  "appraisal_due_on"),
    S.ANSWER: ("close_answers", gettext_lazy("Kết thúc bước giải trình, chuyển hội đồng quyết định điểm"),
               "answer_due_on"),
    S.COUNCIL: ("to_approval", gettext_lazy("Quyết định điểm cuối cùng và trình lãnh đạo phê duyệt"), None),
    S.APPROVAL: ("approve", gettext_lazy("Phê duyệt kết quả xếp hạng (hoặc trả lại hội đồng)"), None),
    S.DECISION: ("publish", gettext_lazy("Lập quyết định và công bố kết quả"), None),
}  # fmt: skip


def waiting(user, today: dt.date) -> list[Waiting]:
    acc = get_access(user)
    if not (acc.reads_all or acc.agency_ids or acc.seats):
        return []
    rounds = list(Round.objects.visible_to(user).exclude(status=S.PUBLISHED))
    if not rounds:
        return []
    items = []
    for rnd in rounds:
        action, text, due_field = NEXT[rnd.status]
        url = reverse("assessment_round", args=[rnd.pk])
        if may_transition(action, acc, rnd):
            items.append(Waiting(action=str(text), title=rnd.title, url=url,
                                 due=getattr(rnd, due_field) if due_field else None, is_demo=rnd.is_demo))  # fmt: skip
        elif rnd.status == S.APPRAISAL and acc.seat(rnd.pk) is not None:
            items.append(Waiting(action=_("Thẩm định các chỉ số được phân công trong hội đồng"), title=rnd.title,
                                 url=url, due=rnd.appraisal_due_on, is_demo=rnd.is_demo))  # fmt: skip
    if acc.agency_ids:
        items += _units(acc, [r for r in rounds if r.status in (S.SELF, S.ANSWER)], today)
    return items


def _units(acc, rounds: list[Round], today: dt.date) -> list[Waiting]:
    """The user's units' own work: the self-assessment still a draft; the changed scores to answer
    before the window closes."""
    if not rounds:
        return []
    by_pk = {r.pk: r for r in rounds}
    parts = list(Participant.objects.filter(round_id__in=by_pk, agency_id__in=acc.agency_ids).select_related("agency"))
    answering = [p.pk for p in parts if _answers_open(by_pk[p.round_id], today)]
    to_answer: dict[int, int] = {}
    if answering:
        for e in (Entry.objects.filter(participant_id__in=answering, answered_at__isnull=True,
                                       appraised_points__isnull=False, self_points__isnull=False)
                  .exclude(appraised_points=F("self_points")).only("participant_id", "self_points", "appraised_points")):  # fmt: skip
            if e.changed:
                to_answer[e.participant_id] = to_answer.get(e.participant_id, 0) + 1
    items = []
    for p in parts:
        rnd = by_pk[p.round_id]
        url = reverse("assessment_sheet", args=[p.pk])
        if rnd.status == S.SELF and p.status == Participant.Status.DRAFT:
            text = (_("Tự đánh giá và ký gửi — {agency}") if acc.can_submit(p)
                    else _("Nhập tự đánh giá — {agency}"))  # fmt: skip
            items.append(Waiting(action=text.format(agency=p.agency.name), title=rnd.title, url=url,
                                 due=rnd.self_due_on, is_demo=rnd.is_demo))  # fmt: skip
        elif n := to_answer.get(p.pk, 0):
            items.append(Waiting(
                action=ngettext("Giải trình {n} chỉ số bị thay đổi điểm — {agency}",
                                "Giải trình {n} chỉ số bị thay đổi điểm — {agency}", n).format(n=n, agency=p.agency.name),
                title=rnd.title, url=url, due=rnd.answer_due_on, count=n, is_demo=rnd.is_demo,
            ))  # fmt: skip
    return items


def _answers_open(rnd: Round, today: dt.date) -> bool:
    """The round takes answers today (``services.answer`` refuses after the window)."""
    due = rnd.answer_due_on
    return rnd.status == S.ANSWER and (due is None or today <= due)
