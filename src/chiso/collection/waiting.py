"""What waits for a user in collection (:mod:`chiso.lib.waiting`): an agency's forms to fill and
send in open rounds; for the standing body, the forms sent and waiting for approval and the forms
late in an open round. Approved forms and closed rounds wait for nobody. Two queries at most."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from chiso.lib.waiting import Waiting
from chiso.orgs.access import get_scope

from .models import Round, Submission

S = Submission.Status
OPEN_STATES = (S.DRAFT, S.RETURNED)


def waiting(user, today: dt.date) -> list[Waiting]:
    scope = get_scope(user)
    items: list[Waiting] = []
    if scope.agency_ids:
        items += _agency_forms(scope, today)
    if scope.is_department:
        items += _department_rounds(today)
    return items


def _agency_forms(scope, today: dt.date) -> list[Waiting]:
    """The agency's forms still to send in a round open today (draft or returned)."""
    subs = (
        Submission.objects.filter(
            agency_id__in=scope.agency_ids, status__in=OPEN_STATES,
            round__opens_on__lte=today, round__locks_on__gte=today,
        )
        .select_related("round", "agency")
        .order_by("round__due_on", "agency__name")
    )  # fmt: skip
    items = []
    for sub in subs:
        signs = scope.can_sign(sub.agency_id)
        if sub.status == S.RETURNED:
            action = (_("Sửa biểu mẫu bị trả lại và gửi lại — {agency}") if signs
                      else _("Sửa biểu mẫu bị trả lại — {agency}"))  # fmt: skip
        else:
            action = (_("Hoàn thành và ký gửi biểu mẫu — {agency}") if signs
                      else _("Nhập số liệu biểu mẫu — {agency}"))  # fmt: skip
        items.append(Waiting(
            action=action.format(agency=sub.agency.name), title=sub.round.title,
            url=reverse("submission", args=[sub.pk]), due=sub.round.due_on, is_demo=sub.round.is_demo,
        ))  # fmt: skip
    return items


def _department_rounds(today: dt.date) -> list[Waiting]:
    """Per round: the forms sent and waiting for approval (deadline: the round's lock), and, in a round
    open today and past its due date, the forms not sent yet (to remind)."""
    rounds = Round.objects.annotate(
        n_sent=Count("submissions", filter=Q(submissions__status=S.SUBMITTED)),
        n_open=Count("submissions", filter=Q(submissions__status__in=OPEN_STATES)),
    ).filter(
        Q(n_sent__gt=0) | Q(n_open__gt=0, due_on__lt=today, locks_on__gte=today)
    ).order_by("due_on")  # fmt: skip
    items = []
    for rnd in rounds:
        url = reverse("round", args=[rnd.pk])
        if rnd.n_sent:
            items.append(Waiting(
                action=ngettext("{n} biểu mẫu chờ phê duyệt", "{n} biểu mẫu chờ phê duyệt", rnd.n_sent).format(
                    n=rnd.n_sent),
                title=rnd.title, url=url, due=rnd.locks_on, count=rnd.n_sent, is_demo=rnd.is_demo,
            ))  # fmt: skip
        if rnd.n_open and rnd.due_on < today <= rnd.locks_on:
            items.append(Waiting(
                action=ngettext("{n} cơ quan quá hạn chưa gửi biểu mẫu: nhắc nhở",
                                "{n} cơ quan quá hạn chưa gửi biểu mẫu: nhắc nhở", rnd.n_open).format(n=rnd.n_open),
                title=rnd.title, url=url, due=rnd.due_on, count=rnd.n_open, is_demo=rnd.is_demo,
            ))  # fmt: skip
    return items
