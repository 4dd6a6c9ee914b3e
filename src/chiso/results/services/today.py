"""The province today and across its merger."""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass

from django.utils import timezone

from chiso.engine.compute import compute
from chiso.engine.errors import EngineError
from chiso.engine.framework import Framework
from chiso.lib import frameworks

from ..models import PublishedTable, PublishedValue
from .province import home_province


@dataclass(frozen=True)
class Point:
    """One published or derived DTI figure of the province or of a province it was formed from."""

    year: int
    unit: str
    basis: int  # how many provinces the figure is ranked among (63 before 01/07/2025, 34 after)
    value: float | None
    rank: int | None
    is_demo: bool
    derived: bool  # computed here: the merged province as the mean of its former provinces
    source: str


@functools.lru_cache(maxsize=64)
def _provinces_in_force(day: dt.date) -> int:
    """How many provinces the shipped reference data holds in force on ``day`` (63, or 34 from
    01/07/2025): the basis a figure of that day is ranked on."""
    from chiso.reference import unit_records

    def ok(r):
        start, end = r.get("valid_from") or "", r.get("valid_to") or ""
        return (not start or start <= day.isoformat()) and (not end or day.isoformat() < end)

    return sum(1 for r in unit_records() if r["level"] == "province" and ok(r))


def position_today(day: dt.date | None = None) -> dict | None:
    """Where the province stands on ``day`` (default today) and how it got there across a merger:
    the province and standing body in force, the provinces it was formed from, and every DTI figure
    the database holds for them — published (with its source) or, where a table gives every former
    province's main indices, the merged province computed as the ministry computes the 34-province
    basis (each main index the mean of the former provinces', then ranked among all merged
    provinces), labelled as derived and, when the table is demonstration data, as such."""
    from chiso.orgs.models import Agency, Unit
    from chiso.reference import load_registry

    day = day or timezone.localdate()
    ref, short = home_province(day)
    prov = Unit.objects.filter(ref_id=ref).first()
    if prov is None:
        return None
    former = list(Unit.objects.filter(successor=prov, kind=Unit.Kind.PROVINCE).exclude(pk=prov.pk).order_by("name"))
    body = (Agency.objects.filter(is_standing_body=True, unit=prov).valid_on(day).first()
            or Agency.objects.filter(is_standing_body=True).valid_on(day).first())
    communes = Unit.objects.filter(kind=Unit.Kind.COMMUNE).filter(parent__in=[prov]).valid_on(day).count()
    refs = {prov.ref_id: short, **{u.ref_id: u.name for u in former}}
    reg = load_registry()
    ends = dict(Unit.objects.filter(ref_id__in=refs).values_list("ref_id", "valid_to"))
    tables = list(PublishedTable.objects.filter(framework_id__startswith="vn-dti").order_by("year", "pk"))
    roots = {t.pk: frameworks.get_framework(t.framework_id).root.code for t in tables}
    values: dict[int, list[PublishedValue]] = {}
    for v in PublishedValue.objects.filter(table__in=tables, unit_ref__in=refs, code__in=set(roots.values())):
        if v.code == roots[v.table_id] and (v.value is not None or v.rank is not None):
            values.setdefault(v.table_id, []).append(v)
    points: list[Point] = []
    for table in tables:
        fw = frameworks.get_framework(table.framework_id)
        when = dt.date(table.year, 12, 31)
        for v in values.get(table.pk, []):
            end = ends.get(v.unit_ref)
            on = when if end is None or end > when else end - dt.timedelta(days=1)
            points.append(Point(table.year, v.unit_name, _provinces_in_force(on), v.value, v.rank, table.is_demo,
                                False, v.source or table.source))
        if former and prov.valid_from is not None and prov.valid_from > when:
            derived = _merged_point(table, fw, prov, former, reg)
            if derived is not None:
                points.append(derived)
    return {"day": day, "province": prov, "name": short, "former": former, "standing_body": body,
            "communes": communes, "points": points, "is_demo": any(p.is_demo for p in points)}


def _merged_point(table: PublishedTable, fw: Framework, prov, former, reg) -> Point | None:
    """The merged province's DTI for a table of former provinces, on the basis after the merger."""
    mains = [n.code for n in fw.nodes if fw.depth(n.code) == 1]
    data: dict[str, dict[str, float]] = {}
    for ref, code, value in table.values.filter(code__in=mains, value__isnull=False).values_list(
            "unit_ref", "code", "value"):
        assert value is not None  # filtered on value__isnull=False
        data.setdefault(ref, {})[code] = value
    complete = {r: d for r, d in data.items() if all(c in d for c in mains) and r in reg}
    if not all(u.ref_id in complete for u in former):
        return None
    try:
        units = [reg.get(r) for r in complete]
        merge_map = reg.merge_map(units, prov.valid_from, former_as_of=dt.date(table.year, 12, 31))
        by_code = {u.code: u.id for u in units}
        merges, home = {}, None
        for new_code, olds in merge_map.items():
            new = reg.resolve(new_code, as_of=prov.valid_from)
            merges[new.id] = [by_code[o] for o in olds]
            if new.id == prov.ref_id:
                home = new.id
        if home is None:
            return None
        result = compute(fw, complete, merges=merges)
    except EngineError:
        return None
    i, root = result.units.index(home), result.codes.index(fw.root.code)
    return Point(table.year, prov.name, len(result.units), float(result.scores[i, root]), int(result.ranks[i, root]),
                 table.is_demo, True, table.source)
