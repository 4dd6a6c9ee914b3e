"""Loading the reference case's organisation (:mod:`chiso.orgs.reference_case` holds its data): the
province, its units and agencies from :mod:`chiso.reference`, the agencies the case adds, the
responsibility matrix and the labelled demonstration users.  Idempotent.  The ``load_reference_case``
command (in :mod:`chiso.collection`, which adds the rules and the demonstration rounds) calls these."""

from __future__ import annotations

import datetime as dt

from chiso import reference
from chiso.lib import frameworks

from . import reference_case as rc
from .models import Agency, Responsibility, Unit, demo_user

KIND = {"province": Unit.Kind.PROVINCE, "district": Unit.Kind.DISTRICT, "commune": Unit.Kind.COMMUNE}


def _date(s: str | None):
    return dt.date.fromisoformat(s) if s else None


def load_units() -> int:
    records = {r["id"]: r for r in reference.unit_records()}
    # the province, its districts and their communes (not the rest of the country)
    districts = [i for i, r in records.items() if r.get("parent_id") == rc.PROVINCE_REF]
    in_districts = set(districts)
    wanted = [rc.PROVINCE_REF, *districts]
    wanted += [
        i for i, r in records.items() if r["level"] == "commune" and r.get("parent_id", "") in in_districts
    ]
    # successors of what we load (e.g. the merged Ninh Bình), so the links resolve
    extra = set()
    for i in list(wanted):
        for s in (records[i].get("successor_ids") or "").split(";"):
            s = s.strip()
            if s and s in records:
                extra.add(s)
    ids = list(dict.fromkeys(wanted + sorted(extra)))
    # parents before children
    ids.sort(key=lambda i: {"province": 0, "district": 1, "commune": 2}[records[i]["level"]])
    for i in ids:
        r = records[i]
        parent = Unit.objects.filter(ref_id=r.get("parent_id") or "").first()
        Unit.objects.update_or_create(
            ref_id=i,
            defaults={
                "code": r["code"], "name": r["name"], "kind": KIND[r["level"]], "parent": parent,
                "valid_from": _date(r.get("valid_from")), "valid_to": _date(r.get("valid_to")),
            },
        )
    for i in ids:
        first = (records[i].get("successor_ids") or "").split(";")[0].strip()
        if first:
            Unit.objects.filter(ref_id=i).update(successor=Unit.objects.filter(ref_id=first).first())
    return len(ids)


def load_agencies() -> int:
    province = Unit.objects.get(ref_id=rc.PROVINCE_REF)
    rows = [r for r in reference.agency_records() if r["province_id"] == rc.PROVINCE_REF]
    for r in rows:
        unit = Unit.objects.filter(ref_id=r.get("unit_id") or "").first() or province
        Agency.objects.update_or_create(
            code=r["id"],
            defaults={
                "name": r["name"], "short_name": r.get("short_name", "")[:60],
                "kind": rc.TYPE_KIND.get(r["type"], Agency.Kind.DEPARTMENT), "unit": unit,
                "is_standing_body": r["id"] == rc.STANDING_BODY,
                "valid_from": _date(r.get("valid_from")), "valid_to": _date(r.get("valid_to")),
            },
        )
    for code, name, short, kind in rc.EXTRA_AGENCIES:
        Agency.objects.update_or_create(
            code=code,
            defaults={"name": name, "short_name": short, "kind": kind, "unit": province,
                      "valid_to": _date(rc.PROVINCE_ENDS)},
        )
    for r in rows:
        first = (r.get("successor_ids") or "").split(";")[0].strip()
        if first:
            Agency.objects.filter(code=r["id"]).update(successor=Agency.objects.filter(code=first).first())
    return len(rows) + len(rc.EXTRA_AGENCIES)


def load_matrix(stderr=None) -> int:
    """The reference decision's matrix; ``stderr`` (a stream) is told when the framework is missing."""
    try:
        fw = frameworks.get_framework(rc.FRAMEWORK_ID)
    except Exception as e:  # the framework library may not ship this edition
        if stderr is not None:
            stderr.write(f"matrix skipped: {e}")
        return 0
    known = set(fw.codes)
    n = 0
    for agency_ids, codes, role, note in rc.MATRIX:
        for agency in Agency.objects.filter(code__in=agency_ids):
            for code in codes:
                if code not in known:
                    continue
                Responsibility.objects.update_or_create(
                    framework_id=fw.id, code=code, agency=agency,
                    defaults={"role": role, "note": f"{rc.DECISION} {note}"},
                )
                n += 1
    return n


def load_demo_users() -> int:
    for username, label, agency_code, role in rc.DEMO_USERS:
        demo_user(username, rc.DEMO_PASSWORD, label, Agency.objects.get(code=agency_code), role)
    return len(rc.DEMO_USERS)
