"""Shipped reference data: administrative units with history, agencies, published results.

Files (all UTF-8 CSV, provenance in ``PROVENANCE.md`` beside this module):

- ``provinces.csv`` — the 63 provinces before 01/07/2025 and the 34 after, with
  Thừa Thiên Huế -> Thành phố Huế (01/01/2025); successor links.
- ``hanam_units.csv`` — Hà Nam's districts and communes before 01/07/2025 and
  the communes of the merged Ninh Bình formed from them.
- ``agency_types.csv``, ``agencies.csv`` — reference agency types and Hà Nam's
  agencies, with the Sở TT&TT -> Sở KH&CN merger of 01/03/2025.
- ``published/*.csv`` — published results, copied unchanged from the project's
  domain folder; each row names its source.

Only the standard library is used, so the engine may import this module.
"""

from __future__ import annotations

import csv
import io
from functools import cache
from importlib import resources
from typing import Any

from chiso.engine.errors import InputError
from chiso.engine.units import Unit, UnitRegistry

__all__ = [
    "load_registry",
    "unit_records",
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
        text = f.read().decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


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
