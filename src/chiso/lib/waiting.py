"""The signed-in home page's plug-in point: the work waiting for the reader.

The home page is the site's (:mod:`chiso.site.home`); each feature app says what waits for a user in
its own area — forms to fill or approve, progress reports, recommendations, the internal ranking's
steps — with a *provider* registered from its ``AppConfig.ready`` (:func:`register`), here, below
the apps, so an app never imports the site. A provider is called with the user and the day and
returns :class:`Waiting` items the user may act on (the app's own access checks); it keeps its
queries bounded (a few per call, never one per row). :func:`waiting_for` collects them, most urgent
first: overdue (most days late first), then the nearest deadline, then work without a deadline.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .deadlines import is_overdue
from .vn_format import format_date


@dataclass(frozen=True)
class Waiting:
    """One piece of waiting work.

    ``action`` says what to do, with its count ("3 biểu mẫu chờ phê duyệt"); ``title`` names what
    it is about (a round, a program — data, shown as entered); ``url`` is the page where it is done;
    ``due`` the deadline (``None``: none); ``is_demo``: the data are demonstration data, labelled
    "(minh họa)" where shown."""

    action: str
    title: str
    url: str
    due: dt.date | None = None
    count: int = 1
    is_demo: bool = False

    def days_left(self, today: dt.date) -> int | None:
        """Days until the deadline (negative: days late; ``None``: no deadline)."""
        return None if self.due is None else (self.due - today).days

    def is_late(self, today: dt.date) -> bool:
        """Past its deadline: waiting work is by definition not handed in (the one rule,
        :func:`chiso.lib.deadlines.is_overdue`)."""
        return is_overdue(self.due, done=False, today=today)

    def deadline_text(self, today: dt.date) -> str:
        """The deadline and the days left or late, in words: "Hạn 21/12/2026 — còn 14 ngày"."""
        left = self.days_left(today)
        if left is None:
            return _("Không có hạn")
        day = format_date(self.due)
        if left == 0:
            return _("Hạn {day} — hôm nay").format(day=day)
        if left > 0:
            return ngettext("Hạn {day} — còn {n} ngày", "Hạn {day} — còn {n} ngày", left).format(day=day, n=left)
        return ngettext("Hạn {day} — trễ {n} ngày", "Hạn {day} — trễ {n} ngày", -left).format(day=day, n=-left)


Provider = Callable[..., Iterable[Waiting]]  # provider(user, today) -> the items waiting for user

_PROVIDERS: dict[str, Provider] = {}


def register(name: str, provider: Provider) -> None:
    """Add the provider of an app (call it from ``AppConfig.ready``); registering a name again replaces it."""
    _PROVIDERS[name] = provider


def urgency(item: Waiting, today: dt.date) -> tuple[int, int, str]:
    """The sort key: overdue first (most days late first), then the nearest deadline, then no deadline."""
    left = item.days_left(today)
    if left is None:
        return (2, 0, item.title)
    return (0 if item.is_late(today) else 1, left, item.title)


def waiting_for(user, today: dt.date) -> list[Waiting]:
    """Everything waiting for ``user`` on ``today``, most urgent first."""
    if not user.is_authenticated:
        return []
    items = [item for provider in _PROVIDERS.values() for item in provider(user, today) if item.count > 0]
    return sorted(items, key=lambda item: urgency(item, today))
