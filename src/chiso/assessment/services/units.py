"""The units of a tier (communes as agencies)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q

from chiso.orgs.models import Agency, Unit

from ..models import (
    TIER_AGENCY_KIND,
    Tier,
)


def ensure_commune_agencies(province_ref: str | None = None, day: dt.date | None = None) -> int:
    """One agency ("UBND <xã>") per commune of the province (default: the home province) in force on
    ``day`` (default: every commune the database holds), so that communes can be assessed.  A commune
    is the province's whether it sits under a district (before 01/07/2025) or directly under the
    province (after).  A commune that already has a commune agency (from ``setup_province`` or an
    earlier call) gets none.  Returns how many were created."""
    if province_ref is None:
        from chiso.results.services import home_province

        province_ref = home_province(day)[0]
    communes = Unit.objects.filter(kind=Unit.Kind.COMMUNE).filter(
        Q(parent__ref_id=province_ref) | Q(parent__parent__ref_id=province_ref)
    )
    if day is not None:
        communes = communes.valid_on(day)
    served = set(Agency.objects.filter(kind="commune", unit__isnull=False).values_list("unit_id", flat=True))
    existing = set(Agency.objects.filter(kind="commune").values_list("code", flat=True))
    new = [
        Agency(
            code=f"UBND_XA.{u.ref_id}",
            name=f"Ủy ban nhân dân {u.name}",
            short_name=f"UBND {u.name}"[:60],
            kind="commune",
            unit=u,
            valid_from=u.valid_from,
            valid_to=u.valid_to,
        )
        for u in communes
        if u.pk not in served and f"UBND_XA.{u.ref_id}" not in existing
    ]
    Agency.objects.bulk_create(new)
    return len(new)


def tier_agencies(tier: str, day: dt.date):
    """The agencies of a tier in force on ``day``, the round's date (the day it opens): a round of
    2025 opened in 2026 lists the communes of 2026, not those abolished on 01/07/2025, and no
    district after the district level ended."""
    return Agency.objects.filter(kind=TIER_AGENCY_KIND[Tier(tier)]).valid_on(day).order_by("name")
