"""Quarters, due dates and the end of a program."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _

from chiso.lib.periods import period_end
from chiso.lib.vn_format import format_date

from ..models import (
    Program,
)


def quarter_of(day: dt.date) -> tuple[int, int]:
    return day.year, (day.month - 1) // 3 + 1


def quarter_start(year: int, quarter: int) -> dt.date:
    return dt.date(year, 3 * quarter - 2, 1)


def reporting_quarters(program: Program, until: dt.date | None = None) -> list[tuple[int, int]]:
    """Quarters the program reports on: from the first quarter that starts on or after the
    program's start to the quarter holding its end (or ``until``, if earlier)."""
    y, q = quarter_of(program.starts_on)
    if quarter_start(y, q) < program.starts_on:
        y, q = (y + 1, 1) if q == 4 else (y, q + 1)
    last = program.ends_on if until is None else min(program.ends_on, until)
    out = []
    while quarter_start(y, q) <= last:
        out.append((y, q))
        y, q = (y + 1, 1) if q == 4 else (y, q + 1)
    return out


def report_due(program: Program, year: int, quarter: int) -> dt.date:
    return period_end(year, quarter) + dt.timedelta(days=program.progress_due_days)


def current_quarter(program: Program, today: dt.date | None = None) -> tuple[int, int]:
    """The quarter an agency is most likely reporting on: the last one that has ended (or the
    program's last quarter when the program is over, its first when it has not begun)."""
    today = today or timezone.localdate()
    quarters = reporting_quarters(program)
    ended = [p for p in quarters if period_end(*p) < today]
    if ended:
        return ended[-1]
    return quarters[0] if quarters else quarter_of(program.starts_on)




def is_closed(program: Program, as_of: dt.date | None = None) -> bool:
    """After its end date a program is closed: it is judged as at that date and chases nothing."""
    return (as_of or timezone.localdate()) > program.ends_on


def judged_on(program: Program, as_of: dt.date | None = None) -> dt.date:
    """The date a program is judged at: the date asked, or its end date once it has ended."""
    return min(as_of or timezone.localdate(), program.ends_on)


def closing_sentence(program: Program) -> str:
    return _("Chương trình đã kết thúc ngày {d}; tình hình được đánh giá tại ngày kết thúc.").format(
        d=format_date(program.ends_on)
    )
