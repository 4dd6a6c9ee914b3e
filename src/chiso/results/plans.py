"""Least-cost plans kept with their run (``results.Plan``): computed from a run, read by the plan
page, the annual report and the program (draft tasks from a plan)."""

from __future__ import annotations

import datetime as dt
from typing import Any


def plan_state(framework_id: str, *, as_of: dt.date, run_id: int | None = None) -> dict[str, Any]:
    """The latest plan made up to ``as_of`` (on ``run_id`` when given), as plain data for a report.

    ``{"available": False, "note": sentence}`` when there is none; otherwise ``available``,
    ``target_rank``, ``rank_before``, ``rank_after``, ``score_before``, ``score_after``, ``exact``,
    ``peers_text``, ``created`` (ISO date), ``is_demo``, ``rows`` (one per lever: ``name``, ``from``,
    ``to``, ``lead``, ``lead_proposal``, ``deadline``) and ``assignments`` (the tasks made from it:
    ``number``, ``title``, ``lead``, ``target``, ``deadline``, ``draft``)."""
    return {"available": False, "note": "Chưa lập kế hoạch đạt hạng mục tiêu."}
