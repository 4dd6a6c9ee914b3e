"""Who issues a document on a given day: the one place every document's header, place name and
recipients come from.

A document dated ``day`` is issued by the standing body in force that day (``Agency.is_standing_body``
valid on ``day``, or — when the flagged body has ended or not yet begun — its successor or predecessor
in force that day), under its province's People's Committee, at the province's name. The local
bodies it is sent to are the districts when the province has districts in force that day, else the
communes and wards (two-level local government from 01/07/2025). Nothing is written here about a
particular province: everything is read from the ``Unit`` and ``Agency`` rows and their dates.

When nothing is in force on ``day`` (an empty deployment, or a date outside every body's validity)
:func:`issuer` says so (``found`` is false and the header names no province) instead of printing a
province that did not issue it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass

from django.db.models import Count

from .models import Agency, Unit

PROVINCE_PREFIXES = ("Tỉnh ", "Thành phố ", "TP. ")
DISTRICT_RECIPIENTS = "UBND các huyện, thành phố"
COMMUNE_RECIPIENTS = "UBND các xã, phường"


@dataclass(frozen=True)
class Issuer:
    day: str  # ISO date the issuer was determined for
    found: bool
    province_ref: str  # Unit.ref_id of the province ("" when none)
    province: str  # short name, the place name of the header: "Ninh Bình"
    province_name: str  # official name: "Tỉnh Ninh Bình"
    parent_body: str  # cơ quan chủ quản: "UBND TỈNH NINH BÌNH"
    people_committee: str  # "Ủy ban nhân dân tỉnh Ninh Bình" (issuer of a decision of the province)
    issuing_body: str  # cơ quan ban hành, without the province: "Sở Khoa học và Công nghệ"
    issuing_body_full: str  # "Sở Khoa học và Công nghệ tỉnh Ninh Bình"
    symbol: str  # "SKHCN" (the ký hiệu after "/BC-"), "" when there is no issuing body
    local_bodies: str  # "UBND các huyện, thành phố" or "UBND các xã, phường" ("" when none)
    local_level: str  # "district", "commune" or ""

    def as_dict(self) -> dict:
        return asdict(self)


def abbreviation(name: str) -> str:
    """ "Sở Thông tin và Truyền thông" -> "STTTT"; "Sở Khoa học và Công nghệ" -> "SKHCN"."""
    words = [w for w in name.replace(",", " ").replace("-", " ").split() if w.lower() != "và"]
    return "".join(w[0] for w in words if w[0].isalpha()).upper() or "CQ"


def short_province_name(name: str) -> str:
    for prefix in PROVINCE_PREFIXES:
        if name.startswith(prefix):
            return name[len(prefix) :].strip()
    return name


def _in_force(agency: Agency, day: dt.date) -> bool:
    return (agency.valid_from is None or agency.valid_from <= day) and (
        agency.valid_to is None or agency.valid_to > day
    )


def province_of(unit: Unit | None) -> Unit | None:
    """The province a unit lies in (itself for a province); None when the data has none."""
    seen = set()
    while unit is not None and unit.kind != Unit.Kind.PROVINCE and unit.parent_id and unit.pk not in seen:
        seen.add(unit.pk)
        unit = unit.parent
    return unit if unit is not None and unit.kind == Unit.Kind.PROVINCE else None


def standing_body(day: dt.date, province_ref: str = "") -> Agency | None:
    """The standing body in force on ``day``: a flagged one valid that day, else the successor or
    predecessor of a flagged one that is valid that day (the Sở TT&TT → Sở KH&CN merger of 01/03/2025
    and the provinces merged on 01/07/2025 keep their history). With several, the one in
    ``province_ref`` first, then the one with the most members (the body this deployment works in)."""
    agencies = Agency.objects.select_related("unit", "unit__parent").annotate(n_members=Count("memberships"))
    found = list(agencies.valid_on(day).filter(is_standing_body=True))
    if not found:
        frontier = list(agencies.filter(is_standing_body=True))
        seen = {a.pk for a in frontier}
        while frontier and not found:
            ids = {a.successor_id for a in frontier if a.successor_id} | set(
                Agency.objects.filter(successor__in=frontier).values_list("pk", flat=True)
            )
            frontier = [a for a in agencies.filter(pk__in=ids - seen)]
            seen |= {a.pk for a in frontier}
            found = [a for a in frontier if _in_force(a, day)]
    if not found:
        return None

    def key(a: Agency):
        prov = province_of(a.unit)
        return (not (province_ref and prov is not None and prov.ref_id == province_ref), -a.n_members, a.code)

    return sorted(found, key=key)[0]


def _local_level(province: Unit, day: dt.date) -> str:
    children = Unit.objects.valid_on(day).filter(parent=province)
    if children.filter(kind=Unit.Kind.DISTRICT).exists():
        return "district"
    if children.filter(kind=Unit.Kind.COMMUNE).exists():
        return "commune"
    local = Agency.objects.valid_on(day).filter(unit__in=Unit.objects.filter(pk=province.pk) | children)
    if local.filter(kind=Agency.Kind.DISTRICT).exists():
        return "district"
    if local.filter(kind=Agency.Kind.COMMUNE).exists():
        return "commune"
    return ""


def issuer(day: dt.date, province_ref: str = "") -> Issuer:
    """Who issues a document dated ``day`` (see the module's docstring). ``province_ref`` breaks a
    tie when several standing bodies are in force that day (e.g. the three provinces merged in 2025,
    each with its own history in one deployment)."""
    body = standing_body(day, province_ref)
    province = province_of(body.unit) if body is not None else None
    if body is None or province is None:
        return Issuer(
            day=day.isoformat(),
            found=False,
            province_ref="",
            province="",
            province_name="",
            parent_body="",
            people_committee="",
            issuing_body=f"Chưa có cơ quan thường trực có hiệu lực ngày {day:%d/%m/%Y}",
            issuing_body_full="",
            symbol="",
            local_bodies="",
            local_level="",
        )
    short = short_province_name(province.name)
    prefix = province.name[: len(province.name) - len(short)].strip() or "Tỉnh"  # "Tỉnh" / "Thành phố"
    full_name = f"{prefix} {short}"
    plain = body.name.split(" tỉnh ")[0].split(" thành phố ")[0]
    level = _local_level(province, day)
    return Issuer(
        day=day.isoformat(),
        found=True,
        province_ref=province.ref_id,
        province=short,
        province_name=full_name,
        parent_body=f"UBND {full_name}".upper(),
        people_committee=f"Ủy ban nhân dân {prefix.lower()} {short}",
        issuing_body=plain,
        issuing_body_full=body.name,
        symbol=abbreviation(plain),
        local_bodies={"district": DISTRICT_RECIPIENTS, "commune": COMMUNE_RECIPIENTS}.get(level, ""),
        local_level=level,
    )
