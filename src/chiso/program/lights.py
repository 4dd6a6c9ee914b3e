"""Traffic lights: KPI -> task -> objective -> program. Pure functions (no database); the rule is
written out in docs/program.md and tested in tests/web/program/test_lights.py.

KPI
    grey   no actual value, or no target;
    green  the target is met (actual ≥ target, or ≤ for a "lower is better" KPI);
    red    the due date has passed and the target is not met;
    otherwise compare the share of the way from baseline to target already covered, ``p``, with
    the share of the time from the program start to the KPI's due date already elapsed, ``e``:
    green if p ≥ e, amber if p ≥ e − 0.25, red below.
Task
    the latest APPROVED progress report gives a light (done/ongoing/on track green, at risk or not
    started amber, delayed red; none: grey); a task past its deadline and not reported done is red;
    the task's light is the WORST of that light and its KPIs' lights, ignoring grey (one red KPI
    makes the task red: its owner must act).
Objective, program
    the MEAN of the children's non-grey lights with green = 2, amber = 1, red = 0: ≥ 1,5 green,
    ≥ 0,75 amber, otherwise red; grey when no child has a light. An objective's children are its
    tasks plus, for a measurable objective, the rank light (published rank ≤ target rank: green;
    above the target before the target year: amber; in or after the target year: red). The
    program's children are its measurable objectives.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from chiso.lib.deadlines import is_overdue

GREEN, AMBER, RED, GREY = "green", "amber", "red", "grey"
_SCORE = {GREEN: 2, AMBER: 1, RED: 0}
_ORDER = {RED: 0, AMBER: 1, GREEN: 2}
AMBER_MARGIN = 0.25


def elapsed_share(start: dt.date, due: dt.date | None, as_of: dt.date) -> float:
    if due is None or due <= start:
        return 1.0
    return min(1.0, max(0.0, (as_of - start).days / (due - start).days))


def progress_share(actual: float, target: float, baseline: float | None, direction: int) -> float:
    """Share of the way from the baseline (0 when unknown) to the target, in [0, 1]."""
    base = baseline if baseline is not None else 0.0
    if direction >= 0:
        span = target - base
        p = (actual - base) / span if span else (1.0 if actual >= target else 0.0)
    else:
        if baseline is None:
            p = target / actual if actual else 1.0
        else:
            span = base - target
            p = (base - actual) / span if span else (1.0 if actual <= target else 0.0)
    return min(1.0, max(0.0, p))


def kpi_light(
    *,
    actual: float | None,
    target: float | None,
    baseline: float | None,
    direction: int,
    start: dt.date,
    due: dt.date | None,
    as_of: dt.date,
) -> str:
    if actual is None or target is None:
        return GREY
    met = actual >= target if direction >= 0 else actual <= target
    if met:
        return GREEN
    if due is not None and as_of > due:
        return RED
    p = progress_share(actual, target, baseline, direction)
    e = elapsed_share(start, due, as_of)
    if p >= e:
        return GREEN
    if p >= e - AMBER_MARGIN:
        return AMBER
    return RED


REPORT_LIGHT = {
    "done": GREEN,
    "ongoing": GREEN,
    "on_track": GREEN,
    "at_risk": AMBER,
    "not_started": AMBER,
    "delayed": RED,
}


def worst(lights: Iterable[str]) -> str:
    real = [x for x in lights if x != GREY]
    return min(real, key=_ORDER.__getitem__) if real else GREY


def mean(lights: Iterable[str]) -> str:
    real = [_SCORE[x] for x in lights if x != GREY]
    if not real:
        return GREY
    m = sum(real) / len(real)
    return GREEN if m >= 1.5 else AMBER if m >= 0.75 else RED


def task_light(
    *, report_status: str | None, deadline: dt.date | None, as_of: dt.date, kpi_lights: Iterable[str]
) -> str:
    own = REPORT_LIGHT.get(report_status or "", GREY)
    if is_overdue(deadline, done=report_status == "done", today=as_of):
        own = RED
    return worst([own, *kpi_lights])


def rank_light(
    *, rank: int | None, target_rank: int | None, year: int | None, target_year: int | None
) -> str:
    if rank is None or target_rank is None:
        return GREY
    if rank <= target_rank:
        return GREEN
    if target_year is not None and year is not None and year < target_year:
        return AMBER
    return RED
