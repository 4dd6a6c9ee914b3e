"""Publication of the index and the recurring obligations it sets off."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from chiso.lib import frameworks
from chiso.lib.db import atomic_retry
from chiso.lib.periods import period_end, period_label
from chiso.orgs import audit

from ..models import (
    IndexPublication,
    Occurrence,
    Program,
    Recurrence,
)
from .periods import reporting_quarters

_EDITION_YEAR = re.compile(r"-(?:19|20)\d{2}(?=-|$)")


def framework_family(framework_id: str, _depth: int = 0) -> str:
    """The index a framework is an edition of: its ``family`` when the framework states one; for a
    province's copy of an edition (``derived_from``, ``base`` or ``base_id`` in its data), its base's family; else its
    id without the edition's year (``vn-dti-2022-province`` and ``vn-dti-2024-province`` are both
    ``vn-dti-province``; ``vn-ict-index-2015/2016-province`` are ``vn-ict-index-province``).
    A publication of any edition of a program's index drives the program's cycle."""
    fw = frameworks.find_framework(framework_id)
    extra = fw.extra if fw is not None else {}  # a framework chiso does not know: its id alone
    if extra.get("family"):
        return str(extra["family"])
    derived = extra.get("derived_from")  # a province's copy: {id: the edition it was copied from, …}
    base = extra.get("base") or extra.get("base_id") or (derived.get("id") if isinstance(derived, dict) else None)
    if base and base != framework_id and _depth < 5:
        return framework_family(str(base), _depth + 1)
    return _EDITION_YEAR.sub("", framework_id)


def programs_of_family(framework_id: str):
    """The programs targeting an edition of the index ``framework_id`` belongs to."""
    family = framework_family(framework_id)
    ids = Program.objects.values_list("framework_id", flat=True).distinct()
    return Program.objects.filter(framework_id__in=[f for f in ids if framework_family(f) == family])


@dataclass
class PublicationDate:
    year: int
    date: dt.date
    source: str  # "entered" (the department's entry) or "table" (the day a table was imported)
    framework_id: str
    running: bool  # the program was running that day: its obligations follow this publication


def publications(program: Program) -> list[PublicationDate]:
    """One publication per assessed year of the program's index, from the year before the program
    to its end, oldest first. Editions: a record of the program's own framework first, else of
    another edition of the same index (``framework_family``); within one, the department's entry
    (``IndexPublication``) wins over the day a non-demonstration published table was recorded in
    chiso. ``running``: the date lies within the program's period."""
    from chiso.results.models import PublishedTable

    family = framework_family(program.framework_id)
    lo, hi = program.starts_on.year - 1, program.ends_on.year
    best: dict[int, tuple] = {}
    fam: dict[str, bool] = {}

    def consider(fw_id, year, day, source, order):
        if fw_id not in fam:
            fam[fw_id] = fw_id == program.framework_id or framework_family(fw_id) == family
        if not fam[fw_id]:
            return
        key = (fw_id != program.framework_id, source != "entered", order)
        if year not in best or key < best[year][0]:
            best[year] = (key, day, source, fw_id)

    tables = PublishedTable.objects.filter(is_demo=False, year__gte=lo, year__lte=hi).order_by(
        "created", "id"
    )
    for i, (fw_id, year, created) in enumerate(tables.values_list("framework_id", "year", "created")):
        consider(fw_id, year, timezone.localtime(created).date(), "table", i)
    for fw_id, year, day in IndexPublication.objects.filter(year__gte=lo, year__lte=hi).values_list(
        "framework_id", "year", "published_on"
    ):
        consider(fw_id, year, day, "entered", 0)
    return [
        PublicationDate(y, day, src, fw, program.starts_on <= day <= program.ends_on)
        for y, (_key, day, src, fw) in sorted(best.items())
    ]


def publication_dates(program: Program) -> dict[int, tuple[dt.date, str]]:
    """Year -> (date of publication, "entered" or "table"): ``publications`` as a mapping."""
    return {p.year: (p.date, p.source) for p in publications(program)}


def record_publication(
    program: Program, actor: audit.Actor, *, year: int, published_on: dt.date, reference: str = ""
) -> tuple[IndexPublication, int]:
    """Record (or correct) "the index of ``year`` was published on ``published_on``" for the
    program's framework, then schedule the obligations that follow each publication (the §5b
    conference) of every program on an edition of that index running on that day: returns the
    record and the number of occurrences created, moved or withdrawn."""
    with transaction.atomic():
        pub = (
            IndexPublication.objects.select_for_update()
            .filter(framework_id=program.framework_id, year=year)
            .first()
        )
        before = None
        if pub is None:
            pub = IndexPublication(framework_id=program.framework_id, year=year)
        else:
            before = {"published_on": pub.published_on.isoformat(), "reference": pub.reference}
        pub.published_on, pub.reference = published_on, reference.strip()
        pub.recorded_by, pub.recorded_at = actor.user, timezone.now()
        pub.save()
        audit.record(
            actor,
            "index.published",
            pub,
            parent=program,
            before=before,
            after={"year": year, "published_on": published_on.isoformat(), "reference": pub.reference},
        )
        changed = sum(sync_occurrences(p) for p in programs_of_family(program.framework_id))
    return pub, changed




def _month_end(year: int, month: int) -> dt.date:
    nxt = dt.date(year + (month == 12), month % 12 + 1, 1)
    return nxt - dt.timedelta(days=1)


def _schedule(program: Program, ob, until: dt.date, pubs) -> list[tuple[str, str, dt.date]]:
    wanted: list[tuple[str, str, dt.date]] = []
    off = dt.timedelta(days=ob.due_offset_days)
    if ob.recurrence == Recurrence.MONTHLY:
        y, m = program.starts_on.year, program.starts_on.month
        if program.starts_on.day > 1:
            y, m = (y + 1, 1) if m == 12 else (y, m + 1)
        while dt.date(y, m, 1) <= until:
            wanted.append((f"{y}-{m:02d}", _("Tháng {m}/{y}").format(m=m, y=y), _month_end(y, m) + off))
            y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    elif ob.recurrence == Recurrence.QUARTERLY:
        for y, q in reporting_quarters(program, until):
            wanted.append((f"{y}-Q{q}", period_label(y, q), period_end(y, q) + off))
    elif ob.recurrence == Recurrence.YEARLY:
        for y in range(program.starts_on.year, until.year + 1):
            wanted.append((str(y), period_label(y, None), dt.date(y, 12, 31) + off))
    elif ob.recurrence == Recurrence.AFTER_PUBLICATION:
        for p in pubs:
            if p.running and p.date <= until:
                wanted.append(
                    (f"pub-{p.year}", _("Sau công bố kết quả năm {y}").format(y=p.year), p.date + off)
                )
    return wanted


def sync_occurrences(program: Program, *, until: dt.date | None = None) -> int:
    """Create the missing occurrences of every obligation from the program's schedule (idempotent);
    returns how many were created, moved or withdrawn.

    Monthly and quarterly: every month/quarter from the program's start to its end; yearly: every
    year. After publication: one per published index year (``publications``: an edition of the
    program's index, the date the department entered, else the day a non-demonstration published
    table was recorded in chiso) **published while the program was running**, due
    ``due_offset_days`` after it. Nothing is scheduled for a period after the program's end.
    An occurrence not yet done follows a corrected date or offset; one the schedule no longer
    wants (a publication re-dated after the end, a shortened program, another recurrence) is
    withdrawn. What is done stays."""
    full = until is None
    until = min(program.ends_on, until) if until else program.ends_on
    pubs = None
    created = 0
    for ob in program.obligations.all():
        if ob.recurrence == Recurrence.AFTER_PUBLICATION and pubs is None:
            pubs = publications(program)
        wanted = _schedule(program, ob, until, pubs or [])
        have = {o.period: o for o in ob.occurrences.all()}
        new = [
            Occurrence(obligation=ob, period=p, label=lab, due_on=d) for p, lab, d in wanted if p not in have
        ]
        Occurrence.objects.bulk_create(new)
        created += len(new)
        for p, _lab, d in wanted:
            o = have.get(p)
            if o is not None and o.done_on is None and o.due_on != d:
                o.due_on = d
                o.save(update_fields=["due_on"])
                created += 1
        if full:
            keep = {p for p, _lab, _d in wanted}
            gone = [o.pk for p, o in have.items() if p not in keep and o.done_on is None]
            if gone:
                created += Occurrence.objects.filter(pk__in=gone).delete()[0]
    return created


@atomic_retry
def record_occurrence(occ_id: int, actor: audit.Actor, *, done_on: dt.date, note: str) -> Occurrence:
    with transaction.atomic():
        occ = Occurrence.objects.select_for_update().get(pk=occ_id)
        before = {"done_on": occ.done_on.isoformat() if occ.done_on else None, "note": occ.note}
        occ.done_on, occ.note = done_on, note.strip()
        occ.recorded_by, occ.recorded_at = actor.user, timezone.now()
        occ.save(update_fields=["done_on", "note", "recorded_by", "recorded_at"])
        audit.record(
            actor,
            "obligation.done",
            occ,
            parent=occ.obligation.program,
            before=before,
            after={"done_on": done_on.isoformat(), "note": occ.note},
        )
    return occ
