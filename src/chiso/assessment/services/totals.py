"""The engine's totals, bands and ranks."""

from __future__ import annotations

import math

import numpy as np
from django.db import transaction

from chiso.engine.points import PointsFramework
from chiso.lib.db import atomic_retry

from ..models import (
    Entry,
    Participant,
    Round,
    score_changed,
)
from .base import _bump
from .frameworks import round_pfw


@atomic_retry
def recompute(rnd: Round) -> None:
    """Totals, 0–1 results, bands and ranks of every unit of the round from the engine; stored on the
    participants (one UPDATE per changed unit) and the round's version bumped.

    Runs inside the caller's transaction and first locks the round's row: two saves in the same round
    recompute one after the other, the second reading what the first committed (ranks depend on
    every unit)."""
    pfw = round_pfw(rnd)
    with transaction.atomic():
        list(Round.objects.select_for_update().filter(pk=rnd.pk).values_list("pk", flat=True))
        _recompute_locked(rnd, pfw)


def _recompute_locked(rnd: Round, pfw: PointsFramework) -> None:
    parts = list(Participant.objects.filter(round=rnd).order_by("pk"))
    if not parts:
        _bump(rnd)
        return
    codes = list(pfw.codes)
    col = {c: j for j, c in enumerate(codes)}
    row = {p.pk: i for i, p in enumerate(parts)}
    n, k = len(parts), len(codes)
    nan = np.full((n, k), np.nan)
    self_m, appr_m, final_m = nan.copy(), nan.copy(), nan.copy()
    app = np.zeros((n, k), dtype=bool)
    filled = np.zeros(n, dtype=int)
    changed = np.zeros(n, dtype=int)
    answered = np.zeros(n, dtype=int)
    has_appr = np.zeros(n, dtype=bool)
    has_final = np.zeros(n, dtype=bool)
    for pid, code, value, sp, ap, fp, ans in Entry.objects.filter(participant__round=rnd).values_list(
        "participant_id", "code", "value", "self_points", "appraised_points", "final_points", "answered_at"
    ):
        i, j = row[pid], col.get(code)
        if j is None:
            continue
        app[i, j] = True
        if value is not None:
            filled[i] += 1
        if sp is not None:
            self_m[i, j] = sp
        if ap is not None:
            appr_m[i, j] = ap
            has_appr[i] = True
            if score_changed(sp, ap):
                changed[i] += 1
        if fp is not None:
            final_m[i, j] = fp
            has_final[i] = True
        if ans is not None:
            answered[i] += 1
    appr_full = np.where(np.isnan(appr_m), self_m, appr_m)
    final_full = np.where(np.isnan(final_m), appr_full, final_m)
    excluded = np.array([p.excluded for p in parts], dtype=bool)
    a_self = pfw.assess(codes, self_m, app, excluded)
    a_appr = pfw.assess(codes, appr_full, app, excluded)
    a_cur = pfw.assess(codes, final_full, app, excluded)
    dirty = []
    for i, p in enumerate(parts):
        ratio = float(a_cur.ratio[i]) if not math.isnan(a_cur.ratio[i]) else 0.0
        new = {
            "max_points": float(a_cur.max[i]),
            "self_total": round(float(a_self.total[i]), 2),
            "appraised_total": round(float(a_appr.total[i]), 2) if has_appr[i] else None,
            "final_total": round(float(a_cur.total[i]), 2) if has_final[i] else None,
            "ratio": ratio,
            "band": a_cur.band[i],
            "rank": None if math.isnan(a_cur.rank[i]) else float(a_cur.rank[i]),
            "n_applicable": int(app[i].sum()),
            "n_filled": int(filled[i]),
            "n_changed": int(changed[i]),
            "n_answered": int(answered[i]),
        }
        if any(getattr(p, f) != v for f, v in new.items()):
            for f, v in new.items():
                setattr(p, f, v)
            dirty.append(p)
    if dirty:
        Participant.objects.bulk_update(dirty, list(new))
    _bump(rnd)
