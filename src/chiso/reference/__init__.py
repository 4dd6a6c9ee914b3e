"""Shipped reference data: administrative units with history, agencies, published results.

Files (all UTF-8 CSV, provenance in ``PROVENANCE.md`` beside this module):

- ``provinces.csv`` — the 63 provinces before 01/07/2025 and the 34 after, with
  Thừa Thiên Huế -> Thành phố Huế (01/01/2025); successor links.
- ``hanam_units.csv`` — Hà Nam's districts and communes before 01/07/2025 and
  the communes of the merged Ninh Bình formed from them.
- ``units.csv.gz`` — every other district and commune before 01/07/2025 and
  every other commune, ward and special zone after, with successions.
- ``agency_types.csv`` — the provincial bodies (sở, UBND) with validity,
  successor types, the standing body and the legal basis of each 2025 change;
  ``agency_roles.csv`` — which type holds a framework's ``agency_role`` when;
  ``agencies.csv`` — Hà Nam's agencies as named in QĐ 936/QĐ-UBND.
- ``published/*.csv`` — published results, copied unchanged from the project's
  domain folder; each row names its source.

Only the standard library is used, so the engine may import this module.
"""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import io
from functools import cache
from importlib import resources
from typing import Any

from chiso.engine.errors import InputError, UnitError
from chiso.engine.units import Unit, UnitRegistry

__all__ = [
    "load_registry",
    "load_country_registry",
    "unit_records",
    "country_unit_records",
    "find_province",
    "units_in_force",
    "predecessors",
    "lineage",
    "same_line",
    "children",
    "province_agencies",
    "agency_roles",
    "agency_records",
    "agency_types",
    "published_names",
    "published_rows",
    "published_dti_2022_ranks",
]

#: Date on which the DTI 2022 ranking's provinces are resolved (the 63-province basis).
DTI_2022_AS_OF = "2022-12-31"


def _read_csv(*parts: str) -> list[dict[str, str]]:
    ref = resources.files(__name__).joinpath(*parts)
    with ref.open("rb") as f:
        data = f.read()
    if parts[-1].endswith(".gz"):
        data = gzip.decompress(data)
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


def unit_records() -> list[dict[str, str]]:
    """Rows of ``provinces.csv`` and ``hanam_units.csv`` (plain dicts, one per unit)."""
    return _read_csv("provinces.csv") + _read_csv("hanam_units.csv")


def agency_types() -> list[dict[str, str]]:
    """Rows of ``agency_types.csv``: code, Vietnamese/English name, level, validity, successor type."""
    return _read_csv("agency_types.csv")


def agency_records() -> list[dict[str, Any]]:
    """Rows of ``agencies.csv`` as unit records of level ``"agency"``.

    The agency code is the province code plus the type, e.g. ``"35.STTTT"``;
    ``kind`` holds the agency type and ``parent_id`` the province.
    """
    out: list[dict[str, Any]] = []
    for row in _read_csv("agencies.csv"):
        rec: dict[str, Any] = dict(row)
        rec["level"] = "agency"
        rec["code"] = row["id"][1:].split("@", 1)[0]
        rec["kind"] = row["type"]
        rec["parent_id"] = row["province_id"]
        out.append(rec)
    return out


@cache
def load_registry() -> UnitRegistry:
    """The :class:`~chiso.engine.units.UnitRegistry` of provinces, Hà Nam's units and agencies (cached).

    Examples
    --------
    >>> reg = load_registry()
    >>> reg.resolve("Sở Thông tin và Truyền thông tỉnh Hà Nam", level="agency").valid_to.isoformat()
    '2025-03-01'
    """
    return UnitRegistry([*unit_records(), *agency_records()])


def published_names() -> list[str]:
    """Names of the published tables (file stems in ``published/``)."""
    folder = resources.files(__name__).joinpath("published")
    return sorted(p.name[: -len(".csv")] for p in folder.iterdir() if p.name.endswith(".csv"))


def published_rows(name: str) -> list[dict[str, str]]:
    """Rows of the published table ``name`` (with or without ``.csv``), values as strings, unchanged.

    Raises
    ------
    InputError
        ``unknown_table`` when no such table ships.
    """
    stem = name[:-4] if name.endswith(".csv") else name
    if stem not in published_names():
        raise InputError(
            f"Unknown published table {name!r}; available: {', '.join(published_names())}",
            code="unknown_table",
            name=name,
        )
    return _read_csv("published", f"{stem}.csv")


def published_dti_2022_ranks() -> list[dict[str, Any]]:
    """The DTI 2022 ranking of the 63 provinces, each row with its resolved unit.

    Returns
    -------
    list of dict
        The published columns (``rank_dti_2022``, ``province_as_published``,
        ``source``) plus ``rank`` (int), ``unit_id`` and ``unit_code``.

    Raises
    ------
    UnitError
        If a published name does not resolve (the message gives the row).
    """
    reg = load_registry()
    rows = []
    for i, row in enumerate(published_rows("dti_2022_province_ranks"), start=2):
        unit: Unit = reg.resolve(
            row["province_as_published"], as_of=DTI_2022_AS_OF, where=f"dti_2022_province_ranks.csv row {i}"
        )
        rows.append({**row, "rank": int(row["rank_dti_2022"]), "unit_id": unit.id, "unit_code": unit.code})
    return rows


# --- the whole country: units with succession, provincial agencies -----------------------------


@cache
def _country_rows() -> tuple[dict[str, str], ...]:
    return tuple(unit_records() + _read_csv("units.csv.gz"))


def country_unit_records() -> list[dict[str, str]]:
    """Every unit: ``provinces.csv``, ``hanam_units.csv`` and ``units.csv.gz`` (fresh dicts).

    The 63 provinces with their 696 districts and 10 035 communes before 01/07/2025, and the
    34 provinces with their 3 321 communes, wards and special zones after (GSO lists).

    Examples
    --------
    >>> rows = country_unit_records()
    >>> sum(1 for r in rows if r["level"] == "commune" and r["valid_from"] == "2025-07-01")
    3321
    """
    return [dict(r) for r in _country_rows()]


@cache
def load_country_registry() -> UnitRegistry:
    """The registry of every unit of the country and the agencies of ``agencies.csv`` (cached).

    :func:`load_registry` stays the light one (provinces and Hà Nam) that the engine and the
    command line resolve names with.

    Examples
    --------
    >>> reg = load_country_registry()
    >>> len(reg.units_at("2025-06-30", "district")), len(reg.units_at("2025-07-01", "commune"))
    (696, 3321)
    """
    return UnitRegistry([*_country_rows(), *agency_records()])


@cache
def _children() -> dict[str, tuple[Unit, ...]]:
    out: dict[str, list[Unit]] = {}
    for u in load_country_registry():
        if u.parent_id and u.level != "agency":
            out.setdefault(u.parent_id, []).append(u)
    return {k: tuple(v) for k, v in out.items()}


def children(unit: str | Unit) -> tuple[Unit, ...]:
    """The units whose parent is ``unit`` (districts of a province, communes of a district or, from
    01/07/2025, of a province), in file order, whatever their dates."""
    return _children().get(unit.id if isinstance(unit, Unit) else unit, ())


def _day(day: dt.date | str) -> dt.date:
    return day if isinstance(day, dt.date) else dt.date.fromisoformat(str(day))


def find_province(name: str, day: dt.date | str) -> Unit:
    """The province called ``name`` on ``day`` (accents, case, "Tỉnh"/"TP." prefixes optional).

    Matching is :meth:`UnitRegistry.resolve`'s; a name that is the beginning of several
    provinces' names ("Quảng") is ambiguous rather than unknown.

    Raises
    ------
    UnitError
        ``unknown_unit`` (``params["suggestions"]``: the closest names), ``ambiguous_unit``
        (``params["candidates"]``: unit ids; ``params["suggestions"]``: their names), or
        ``unit_not_valid`` when the province existed but not on ``day`` (the message names
        its successor).

    Examples
    --------
    >>> find_province("quang ninh", "2026-01-01").name
    'Tỉnh Quảng Ninh'
    >>> find_province("Ninh Bình", "2026-01-01").id
    'P37@2025-07-01'
    >>> find_province("Quảng", "2026-01-01")
    Traceback (most recent call last):
    ...
    chiso.engine.errors.UnitError: Ambiguous unit 'Quảng' on 01/01/2026: it matches Quảng Ngãi, Quảng Ninh, Quảng Trị
    """
    from chiso.engine.units import fold_diacritics, normalize_name

    reg = load_registry()
    d = _day(day)
    try:
        return reg.resolve(name, as_of=d, level="province")
    except UnitError as exc:
        if exc.code != "unknown_unit":
            raise
        key = fold_diacritics(normalize_name(name))
        starts = [
            u for u in reg.units_at(d)
            if key and any(fold_diacritics(normalize_name(n)).startswith(key) for n in u.names)
        ]  # fmt: skip
        if len(starts) < 2:
            raise
        names = sorted(u.short_name for u in starts)
        raise UnitError(
            f"Ambiguous unit '{str(name).strip()}' on {d:%d/%m/%Y}: it matches {', '.join(names)}",
            code="ambiguous_unit", name=str(name).strip(), where="", candidates=[u.id for u in starts],
            suggestions=names,
        ) from None  # fmt: skip


def _province(province: str | Unit, day: dt.date | None = None) -> Unit:
    if isinstance(province, Unit):
        return province
    reg = load_country_registry()
    if province in reg and reg.get(province).level == "province":
        return reg.get(province)
    return find_province(province, day or dt.date.today())


def same_line(province: str | Unit) -> list[Unit]:
    """The province and the units it was renamed or upgraded from or to (one predecessor, one
    successor each), e.g. Tỉnh Thừa Thiên Huế and Thành phố Huế; not the provinces merged into it."""
    reg = load_country_registry()
    start = _province(province)
    line = [start]
    u = start
    while len(reg.predecessors(u)) == 1 and len(reg.predecessors(u)[0].successor_ids) == 1:
        u = reg.predecessors(u)[0]
        line.insert(0, u)
    u = start
    while len(u.successor_ids) == 1 and len(reg.predecessors(u.successor_ids[0])) == 1:
        u = reg.get(u.successor_ids[0])
        line.append(u)
    return line


def units_in_force(province: str | Unit, day: dt.date | str) -> list[Unit]:
    """The province (id, name or unit) and its districts and communes in force on ``day``.

    Returns the province first, then districts and communes by code.  After 01/07/2025 there
    are no districts.

    Examples
    --------
    >>> from collections import Counter
    >>> Counter(u.level for u in units_in_force("Quảng Ninh", "2026-01-01"))
    Counter({'commune': 54, 'province': 1})
    >>> Counter(u.level for u in units_in_force("Ninh Bình", "2026-01-01"))["commune"]
    129
    """
    d = _day(day)
    prov = _province(province, d)
    if not prov.valid_at(d):
        prov = load_country_registry().successor_at(prov, d)
    kids = _children()
    out = []
    for p in same_line(prov):
        for child in kids.get(p.id, ()):
            out.append(child)
            out.extend(kids.get(child.id, ()))
    level = {"district": 0, "commune": 1}
    return [prov, *sorted((u for u in out if u.valid_at(d)), key=lambda u: (level[u.level], u.code))]


def predecessors(unit_id: str | Unit) -> list[Unit]:
    """The units that became (part of) ``unit_id`` when they ended, sorted by code.

    Examples
    --------
    >>> [u.short_name for u in predecessors("P37@2025-07-01")]
    ['Hà Nam', 'Nam Định', 'Ninh Bình']
    >>> len(predecessors("C06994@2025-07-01")) > 0  # a special zone formed from a district's communes
    True
    """
    return load_country_registry().predecessors(unit_id)


def lineage(province: str | Unit) -> list[Unit]:
    """The province and every province it descends from (renames and mergers), oldest first."""
    reg = load_country_registry()
    start = _province(province)
    seen: dict[str, Unit] = {}
    todo = [start]
    while todo:
        u = todo.pop()
        if u.id not in seen:
            seen[u.id] = u
            todo.extend(p for p in reg.predecessors(u) if p.level == "province")
    return sorted(seen.values(), key=lambda u: (u.valid_from or dt.date.min, u.code))


def agency_roles() -> list[dict[str, str]]:
    """Rows of ``agency_roles.csv``: which agency type holds a framework's ``agency_role`` when."""
    return _read_csv("agency_roles.csv")


def _lower_first(name: str) -> str:
    return name[:1].lower() + name[1:]


def _iso(d: dt.date | None) -> str:
    return d.isoformat() if d else ""


def _overlap(
    a0: dt.date | None, a1: dt.date | None, b0: str, b1: str
) -> tuple[dt.date | None, dt.date | None]:
    lo = max([x for x in (a0, _date_or_none(b0)) if x], default=None)
    hi = min([x for x in (a1, _date_or_none(b1)) if x], default=None)
    return lo, hi


def _date_or_none(s: str) -> dt.date | None:
    return dt.date.fromisoformat(s) if s else None


def _type_versions(prov: Unit, t: dict[str, str]) -> list[tuple[str, dt.date | None, dt.date | None]]:
    """(agency id, from, to) of the bodies of type ``t`` in province ``prov``."""
    lo, hi = _overlap(prov.valid_from, prov.valid_to, t["valid_from"], t["valid_to"])
    if lo and hi and lo >= hi:
        return []
    code = prov.code
    cuts = [lo]
    split = _date_or_none(t.get("new_body_from", ""))
    if split and (lo is None or lo < split) and (hi is None or split < hi):
        cuts.append(split)
    bounds = [*cuts, hi]
    return [
        (f"A{code}.{t['code']}" + (f"@{a.isoformat()}" if a else ""), a, b)
        for a, b in zip(bounds, bounds[1:])
    ]


def _agency_in_force(prov: Unit, type_code: str, day: dt.date, types: dict[str, dict[str, str]]) -> str:
    """Id of the body of ``type_code`` (or of its successor type) in ``prov`` on ``day``, or ``""``."""
    seen = set()
    while type_code and type_code not in seen:
        seen.add(type_code)
        for aid, a, b in _type_versions(prov, types[type_code]):
            if (a is None or a <= day) and (b is None or day < b):
                return aid
        type_code = types[type_code]["successor"]
    return ""


def province_agencies(province: str | Unit) -> list[dict[str, Any]]:
    """Every agency the province ever had (as far as the data go), built from ``agency_types.csv``.

    One record per body and period: each sở of a type organised in every province (``scope``
    ``all``) over the part of its validity inside the province's; a new body where the type says
    so (Sở KH&CN from 01/03/2025); the UBND tỉnh; one UBND per district, and one UBND per commune
    of a province without districts (from 01/07/2025).  Rows of ``agencies.csv`` with the same id
    replace the built ones (names as in QĐ 936/QĐ-UBND).

    Each record has ``id`` (``"A37.SKHCN@2025-07-01"``), ``type``, ``kind`` (``province``,
    ``department``, ``district``, ``commune``), ``province_id``, ``unit_id`` (the district or
    commune of a UBND, else the province), ``name``, ``short_name``, ``valid_from``, ``valid_to``
    (ISO strings or ``""``), ``successor_ids`` (the first is the successor), ``standing_body``
    (bool), ``source`` and ``note``.

    Examples
    --------
    >>> rows = {r["id"]: r for r in province_agencies("P22")}
    >>> rows["A22.STTTT"]["successor_ids"], rows["A22.SKHCN@2025-03-01"]["standing_body"]
    ('A22.SKHCN@2025-03-01', True)
    >>> rows["A22.SNNPTNT"]["successor_ids"]
    'A22.SNNMT@2025-03-01'
    """
    reg = load_country_registry()
    prov = _province(province)
    types = {t["code"]: t for t in agency_types()}
    out: dict[str, dict[str, Any]] = {}

    def add(aid, t, unit, a, b, succ, standing, name_unit=""):
        fill = {"p": _lower_first(prov.name), "s": prov.short_name, "u": _lower_first(name_unit)}
        out[aid] = {
            "id": aid, "type": t["code"], "kind": t["kind"], "province_id": prov.id, "unit_id": unit.id,
            "name": t["title"].format(**fill), "short_name": t["short"].format(**fill),
            "valid_from": _iso(a), "valid_to": _iso(b), "successor_ids": succ, "standing_body": standing,
            "source": t["source"], "note": t["note"],
        }  # fmt: skip

    for t in types.values():
        if t["scope"] != "all" or t["level"] != "province":
            continue
        versions = _type_versions(prov, t)
        for i, (aid, a, b) in enumerate(versions):
            succ = ""
            if i + 1 < len(versions):
                succ = versions[i + 1][0]
            elif b is not None and t["valid_to"] and b == _date_or_none(t["valid_to"]):
                succ = _agency_in_force(prov, t["successor"], b, types)
            elif b is not None and prov.valid_to == b and prov.successor_ids:
                succ = _agency_in_force(reg.get(prov.successor_ids[0]), t["code"], b, types)
            s0, s1 = _date_or_none(t["standing_from"]), _date_or_none(t["standing_to"])
            standing = bool(t["standing_from"] or t["standing_to"]) and (
                s0 is None or (a is not None and a >= s0)
            )
            standing = standing and (s1 is None or (b is not None and b <= s1))
            add(aid, t, prov, a, b, succ, standing)
    for child in _children().get(prov.id, ()):
        # a district, or a commune directly under the province (no district level, from 01/07/2025);
        # the UBND of communes under a district are not modelled (the district's is)
        t = types["UBND_HUYEN" if child.level == "district" else "UBND_XA"]
        aid = f"A{child.code}.{t['code']}" + (f"@{child.valid_from.isoformat()}" if child.valid_from else "")
        add(aid, t, child, child.valid_from, child.valid_to, "", False, child.name)
    for row in agency_records():
        if row["province_id"] != prov.id:
            continue
        base = out.get(row["id"], {"standing_body": False, "kind": types[row["type"]]["kind"]})
        out[row["id"]] = {
            **base, "id": row["id"], "type": row["type"], "province_id": prov.id,
            "unit_id": row["unit_id"] or prov.id, "name": row["name"], "short_name": row["short_name"],
            "valid_from": row["valid_from"], "valid_to": row["valid_to"],
            "successor_ids": row["successor_ids"], "source": row["source"], "note": row["note"],
        }  # fmt: skip
    return list(out.values())
