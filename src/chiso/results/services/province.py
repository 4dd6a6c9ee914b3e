"""The province."""

from __future__ import annotations

from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import Target
from .base import DEFAULT_TARGET_BASIS, DEFAULT_TARGET_RANK


def home_province(day=None) -> tuple[str, str]:
    """``(reference id, short name)`` of the province this platform serves on ``day`` (default today):
    the unit of the standing body in force that day (Sở KH&CN of the merged province in 2026, Sở TT&TT
    of its predecessor in 2017), else of any standing body, else the first province."""
    from chiso.orgs.issuers import standing_body
    from chiso.orgs.models import Agency, Unit

    day = day or timezone.localdate()
    latest = (F("valid_from").desc(nulls_last=True), "pk")
    agency = standing_body(day) or (
        Agency.objects.filter(is_standing_body=True).select_related("unit").order_by(*latest).first()
    )
    unit = agency.unit if agency is not None else Unit.objects.filter(kind=Unit.Kind.PROVINCE).first()
    while unit is not None and unit.kind != Unit.Kind.PROVINCE and unit.parent_id:
        unit = unit.parent
    if unit is None:
        return "", ""
    from chiso.reference import load_registry

    reg = load_registry()
    if unit.ref_id in reg:
        u = reg.get(unit.ref_id)
        return u.id, u.short_name or u.name
    return unit.ref_id, unit.name


def target_for(framework_id: str) -> tuple[int, str]:
    t = Target.objects.filter(framework_id=framework_id).first()
    return (t.rank, t.basis) if t is not None else (DEFAULT_TARGET_RANK, _(DEFAULT_TARGET_BASIS))
