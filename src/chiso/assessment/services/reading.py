"""Reading: results, scorecards, history."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Literal

from django.db.models import Count, Q
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from chiso.lib.problems import active_language
from chiso.lib.vn_format import format_number

from ..models import (
    Entry,
    Participant,
    Round,
    score_changed,
)
from .frameworks import round_pfw


def previous_round(rnd: Round) -> Round | None:
    """The latest published round of the same tier before this one (what year-over-year compares to)."""
    return (
        Round.objects.filter(tier=rnd.tier, year__lt=rnd.year, status=Round.Status.PUBLISHED)
        .order_by("-year")
        .first()
    )


@dataclass
class ResultRow:
    p: Participant
    band_label: str
    light: str
    prev_ratio: float | None = None
    prev_rank: float | None = None
    prev_total: float | None = None

    @property
    def delta_ratio(self) -> float | None:
        if self.prev_ratio is None or not self.p.has_data:
            return None
        return self.p.ratio - self.prev_ratio

    @property
    def delta_rank(self) -> int | None:
        if self.prev_rank is None or self.p.rank is None:
            return None
        return int(self.prev_rank - self.p.rank)


def results(
    rnd: Round, participants=None, lang: str = "vi", *, prev: Round | None | Literal[False] = False
) -> list[ResultRow]:
    """League table rows: ranked units by rank, then the excluded ones (with their reason). ``prev``:
    the round to compare with (default: the previous round of the same tier)."""
    pfw = round_pfw(rnd)
    bands = {b.code: b for b in pfw.bands}
    parts = list(participants if participants is not None else rnd.participants.select_related("agency"))
    if prev is False:
        prev = previous_round(rnd)
    prev_by_agency = {}
    if prev is not None:
        prev_by_agency = {
            a: (r, rk, t)
            for a, r, rk, t in prev.participants.values_list("agency_id", "ratio", "rank", "final_total")
        }
    rows = []
    for p in parts:
        b = bands.get(p.band)
        pr = prev_by_agency.get(p.agency_id)
        rows.append(
            ResultRow(
                p=p,
                band_label=b.label(lang) if b else (_("chưa có số liệu") if not p.has_data else "—"),
                light=b.light if b else "grey",
                prev_ratio=pr[0] if pr else None,
                prev_rank=pr[1] if pr else None,
                prev_total=pr[2] if pr else None,
            )
        )
    rows.sort(key=lambda r: (r.p.rank is None, r.p.rank or 0, r.p.agency.name))
    return rows


@dataclass
class CardLine:
    ind: Any
    entry: Entry
    self_points: float | None
    appraised: float | None
    final: float | None
    lost: float
    explanation: list[str] = field(default_factory=list)
    files: list = field(default_factory=list)
    docs: list = field(default_factory=list)


@dataclass
class CardGroup:
    group: Any
    lines: list[CardLine]
    points: float
    max: float


def display_raw(ind, raw) -> str:
    if raw is None:
        return "—"
    if ind.value_kind == "ratio" and isinstance(raw, dict):
        return f"{format_number(raw.get('a'), lang=active_language())}/{format_number(raw.get('b'), lang=active_language())}"
    if ind.value_kind == "yes_no":
        return _("Có") if raw else _("Không")
    if ind.value_kind == "level":
        for k, v in ind.levels.items():
            if str(k) == str(raw):
                return v.get("vi", str(k))
        return str(raw)
    s = format_number(raw, lang=active_language())
    return f"{s}%" if ind.value_kind == "percent" else (f"{s} {ind.unit}" if ind.unit else s)


def scorecard(p: Participant, lang: str = "vi", *, hide_appraisal: bool = False) -> list[CardGroup]:
    """Per group and indicator: the three scores and why points were lost."""
    pfw = round_pfw(p.round)
    entries = {e.code: e for e in p.entries.prefetch_related("files", "docs")}
    out = []
    for g in pfw.groups:
        lines = []
        for code in g.indicator_codes:
            e = entries.get(code)
            if e is None:
                continue
            ind = pfw.indicator(code)
            if hide_appraisal:
                e.appraised_points = e.final_points = None
                e.appraisal_reason = e.final_reason = ""
            cur = (
                e.final_points
                if e.final_points is not None
                else (e.appraised_points if e.appraised_points is not None else e.self_points)
            )
            lost = ind.max_points - (cur or 0.0)
            why = []
            if e.value is None:
                why.append(_("Đơn vị không nhập số liệu."))
            elif lost > 1e-9:
                if ind.evidence_required and not (e.files.all() or e.docs.all()):
                    why.append(_("Không có minh chứng: chỉ số yêu cầu minh chứng nên được 0 điểm."))
                elif e.self_points is not None and e.self_points < ind.max_points - 1e-9:
                    why.append(
                        _("Theo quy tắc chấm điểm, kết quả “{v}” được {p}/{m} điểm.").format(
                            v=display_raw(ind, e.raw),
                            p=format_number(e.self_points, 2, lang=active_language()),
                            m=format_number(ind.max_points, lang=active_language()),
                        )
                    )
            if e.changed:
                why.append(
                    _("Thẩm định: {a} → {b} điểm. Lý do: {r}").format(
                        a=format_number(e.self_points or 0, 2, lang=active_language()),
                        b=format_number(e.appraised_points, 2, lang=active_language()),
                        r=e.appraisal_reason,
                    )
                )
            if e.answer:
                why.append(_("Giải trình của đơn vị: {t}").format(t=e.answer))
            if (
                e.final_points is not None
                and e.appraised_points is not None
                and round(e.final_points, 2) != round(e.appraised_points, 2)
                and e.final_reason
            ):
                why.append(
                    _("Hội đồng: {b} điểm. Lý do: {r}").format(
                        b=format_number(e.final_points, 2, lang=active_language()), r=e.final_reason
                    )
                )
            lines.append(
                CardLine(
                    ind=ind,
                    entry=e,
                    self_points=e.self_points,
                    appraised=e.appraised_points,
                    final=e.final_points,
                    lost=max(0.0, lost),
                    explanation=why,
                    files=list(e.files.all()),
                    docs=list(e.docs.all()),
                )
            )
        if lines:
            out.append(
                CardGroup(
                    group=g,
                    lines=lines,
                    points=sum(
                        (
                            ln.final
                            if ln.final is not None
                            else (ln.appraised if ln.appraised is not None else ln.self_points)
                        )
                        or 0.0
                        for ln in lines
                    ),
                    max=sum(ln.ind.max_points for ln in lines),
                )
            )
    return out


def gap_history(agency_id: int, participants=None) -> list[dict]:
    """Self-assessed vs appraised totals of one unit, round by round (oldest first)."""
    qs = participants if participants is not None else Participant.objects.filter(agency_id=agency_id)
    out = []
    for p in qs.select_related("round").order_by("round__year", "round__tier"):
        gap = p.gap
        out.append(
            {
                "p": p,
                "round": p.round,
                "self": p.self_total,
                "appraised": p.appraised_total,
                "gap": gap,
                "gap_pct": (gap / p.max_points * 100) if gap is not None and p.max_points else None,
            }
        )
    return out


def board_counts(rnd: Round) -> dict[str, int]:
    return rnd.participants.aggregate(
        n=Count("id"),
        submitted=Count("id", filter=Q(status=Participant.Status.SUBMITTED)),
        excluded=Count("id", filter=Q(excluded=True)),
    )


@dataclass(frozen=True)
class Ranked:
    """How many units the league table ranks: those not kept out of the ranking and with data."""

    ranked: int  # units with a rank
    rankable: int  # units not kept out of the ranking
    without_data: int  # rankable units with no score entered yet (no rank until they have one)

    def sentence(self) -> str:
        """"Xếp hạng 5/9 đơn vị đã có số liệu; 4 đơn vị chưa có số liệu nên chưa xếp hạng." —
        empty when every unit that may be ranked is."""
        if not self.without_data:
            return ""
        return ngettext(
            "Xếp hạng {k}/{n} đơn vị đã có số liệu; {m} đơn vị chưa có số liệu nên chưa xếp hạng.",
            "Xếp hạng {k}/{n} đơn vị đã có số liệu; {m} đơn vị chưa có số liệu nên chưa xếp hạng.",
            self.without_data,
        ).format(k=self.ranked, n=self.rankable, m=self.without_data)


def ranked_count(rows: list[ResultRow]) -> Ranked:
    """What the rows of :func:`results` rank (from the units' cached totals, no query)."""
    rankable = [r.p for r in rows if not r.p.excluded]
    return Ranked(
        ranked=sum(1 for p in rankable if p.rank is not None),
        rankable=len(rankable),
        without_data=sum(1 for p in rankable if not p.has_data),
    )


@dataclass(frozen=True)
class PendingAnswers:
    """The answer window: indicators whose appraised score differs from the unit's self-score
    (:func:`~chiso.assessment.models.score_changed`) and that the unit has not answered yet."""

    indicators: int
    units: int  # units with at least one such indicator
    not_self_assessed: int  # units that scored nothing themselves: nothing to answer, not counted

    def sentence(self) -> str:
        """"3 chỉ số có điểm thay đổi chưa được giải trình (2 đơn vị)"."""
        units = ngettext("{m} đơn vị", "{m} đơn vị", self.units).format(m=self.units)
        return ngettext(
            "{n} chỉ số có điểm thay đổi chưa được giải trình ({units})",
            "{n} chỉ số có điểm thay đổi chưa được giải trình ({units})",
            self.indicators,
        ).format(n=self.indicators, units=units)


def pending_answers(rnd: Round) -> PendingAnswers:
    """What the answer window still waits for (read from the entries, not the cached counts)."""
    per_unit: Counter[int] = Counter()
    for pid, sp, ap in Entry.objects.filter(
        participant__round=rnd,
        answered_at__isnull=True,
        self_points__isnull=False,
        appraised_points__isnull=False,
    ).values_list("participant_id", "self_points", "appraised_points"):
        if score_changed(sp, ap):
            per_unit[pid] += 1
    not_self = rnd.participants.exclude(entries__self_points__isnull=False).count()
    return PendingAnswers(sum(per_unit.values()), len(per_unit), not_self)
