"""How a person is named on a page: full name and agency, "Nguyễn Văn A (Sở Nội vụ)".

:func:`person_label` is the one way (history pages, choice lists); the user name is shown only for an
account with no name. :func:`people` names many users at once (two queries), :func:`name_rows` the rows of a history;
:func:`with_agencies` is the queryset a choice list of users starts from (its agencies read in one
more query), and :class:`PersonChoiceField` the form field that shows each user by :func:`person_label`.
"""

from __future__ import annotations

from collections.abc import Iterable

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Prefetch
from django.utils.translation import gettext as _

from .models import Membership


def person_label(user) -> str:
    """``"Full Name (Agency 1, Agency 2)"``; the user name stands for the name only when there is none,
    and the parentheses go when the user belongs to no agency. Reads the user's memberships (prefetched
    by :func:`with_agencies` or :func:`people`, else one query)."""
    name = (user.get_full_name() or "").strip() or user.get_username()
    # an agency the name already says (a demonstration user is "Cán bộ nhập liệu Sở … (minh họa)") is not repeated
    agencies = sorted(a for a in {m.agency.name for m in user.memberships.all()} if a not in name)
    return f"{name} ({', '.join(agencies)})" if agencies else name


def with_agencies(queryset=None):
    """Users with their memberships and agencies prefetched (one query more, whatever the number)."""
    qs = queryset if queryset is not None else get_user_model().objects.all()
    return qs.prefetch_related(Prefetch("memberships", queryset=Membership.objects.select_related("agency")))


def people(user_ids: Iterable[int | None]) -> dict[int, str]:
    """``{user id: person_label(user)}`` for the given ids, in two queries (users, their agencies)."""
    ids = {i for i in user_ids if i is not None}
    if not ids:
        return {}
    return {u.pk: person_label(u) for u in with_agencies(get_user_model().objects.filter(pk__in=ids))}


def name_rows(rows: Iterable) -> list:
    """``rows`` (anything with ``user_id`` and ``user_name``: audit rows, revisions, steps) as a list,
    each with ``who``: :func:`person_label` of its user, else the name kept on the row (the user was
    removed), else "Hệ thống". Two queries whatever the number."""
    rows = list(rows)
    names = people(r.user_id for r in rows)
    for r in rows:
        name = r.user_name if r.user_name and r.user_name != "system" else ""
        r.who = names.get(r.user_id) or name or _("Hệ thống")
    return rows


class PersonChoiceField(forms.ModelChoiceField):
    """A choice of one user, each shown by :func:`person_label` (never by the bare user name)."""

    def label_from_instance(self, obj) -> str:
        return person_label(obj)
