"""Late or not: the one rule for how many days a piece of work is past its deadline.

Work not handed in yet is overdue from the day after its deadline, and the count runs to today.
Work handed in (submitted, approved, done) is never "overdue" any more: how late it was is fixed at
the day it was handed in ("Gửi trễ 3 ngày"), never counted to today — an approved form of 2017 is
not "3 346 days late" in 2026. Used by the collection board; the program's overdue tasks, reports
and occurrences ask :func:`is_overdue`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class Lateness:
    """How late a piece of work is (or was): ``days`` past the deadline (0: on time), and whether
    it was handed in (``done``: the count stopped on that day)."""

    days: int
    done: bool

    @property
    def overdue(self) -> int:
        """Days overdue now: 0 once the work is handed in."""
        return 0 if self.done else self.days

    @property
    def handed_in_late(self) -> int:
        """Days late the work was handed in (0 while it is not handed in, or when it was on time)."""
        return self.days if self.done else 0


def lateness(due_on: dt.date | None, *, done_on: dt.date | None, today: dt.date) -> Lateness:
    """Days past ``due_on``: to ``done_on`` for work handed in (``done_on`` given), else to
    ``today``. No deadline: never late."""
    end = done_on if done_on is not None else today
    days = 0 if due_on is None else max(0, (end - due_on).days)
    return Lateness(days, done_on is not None)


def is_overdue(due_on: dt.date | None, *, done: bool, today: dt.date) -> bool:
    """Past its deadline and not handed in: what is chased (reminders, the overdue boards)."""
    return not done and due_on is not None and today > due_on
