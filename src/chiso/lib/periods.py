"""Reporting periods: a year, or a year and a quarter (never a datetime)."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _


def period_label(year: int, quarter: int | None) -> str:
    if quarter:
        return _("Quý {quarter}/{year}").format(quarter=quarter, year=year)
    return _("Năm {year}").format(year=year)


def previous_periods(year: int, quarter: int | None, n: int = 3) -> list[tuple[int, int | None]]:
    out: list[tuple[int, int | None]] = []
    for _i in range(n):
        if quarter:
            year, quarter = (year - 1, 4) if quarter == 1 else (year, quarter - 1)
        else:
            year -= 1
        out.append((year, quarter))
    return out


def period_end(year: int, quarter: int | None) -> dt.date:
    if quarter:
        return dt.date(year, quarter * 3, 1) + dt.timedelta(days=31) - dt.timedelta(
            days=(dt.date(year, quarter * 3, 1) + dt.timedelta(days=31)).day
        )
    return dt.date(year, 12, 31)
