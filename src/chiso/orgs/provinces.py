"""Set up a deployment for any province on a date, from ``chiso.reference`` (no province in code).

``setup_province(name, as_of)`` loads, in one transaction:

- the province in force on ``as_of`` and every province it descends from (a merged province keeps
  its predecessors' history), with their districts and communes that had started by ``as_of``;
- their agencies (``chiso.reference.province_agencies``): the sở of each period, the UBND tỉnh, one
  UBND per district (before 01/07/2025) or per commune (after), the standing body;
- successor links between all of them;
- the responsibility matrix of every framework whose nodes carry a ``responsibility`` (lead and
  supporting roles, or the ``agency_role`` shorthand), at the node that sets it, lead and support
  (``agency_roles.csv`` says which agency type holds a role on the date; the note says the basis or
  that the assignment is a proposal);
- with ``demo=True``, a few labelled demonstration users and, when the caller passes collection's
  loader (``demo_round=``, as the ``setup_province`` command does), a labelled DTI collection round
  in progress (:func:`chiso.collection.management.loaders.load_demo_round`).

Rows are keyed by stable ids (``Unit.ref_id``, ``Agency.code``) and never deleted.  A row that
already exists keeps what it has (another loader's history, what the department edited in the app);
only what is still empty is filled in: an end date, a start date, a successor.  Running again with a
later date therefore applies the successions without losing history; running twice changes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from chiso import reference
from chiso.engine.errors import FrameworkError, UnitError
from chiso.engine.units import Unit as RefUnit
from chiso.engine.units import fold_diacritics
from chiso.lib import frameworks
from chiso.lib.db import atomic_retry

from . import audit, matrix
from .models import Agency, Membership, Responsibility, Unit, demo_user

# (agencies in force with their type, as_of) -> the demonstration round's title, or "" (collection's loader)
DemoRoundLoader = Callable[[list[tuple[Agency, str]], dt.date], str]

EARLIEST = dt.date(2004, 1, 1)
HORIZON_YEARS = 5
DEMO_PASSWORD = "chiso-demo-2017"  # the same as the reference case's demonstration users
KIND = {"province": Unit.Kind.PROVINCE, "district": Unit.Kind.DISTRICT, "commune": Unit.Kind.COMMUNE}
LEVEL_ORDER = {"province": 0, "district": 1, "commune": 2}


class ProvinceSetupError(Exception):
    """A refusal (unknown or ambiguous name, date out of range); ``str()`` is a Vietnamese sentence."""

    def __init__(self, message: str, suggestions: list[str] | None = None):
        super().__init__(message)
        self.suggestions = suggestions or []


@dataclass
class SetupResult:
    province: str
    province_ref: str
    as_of: dt.date
    units: dict[str, int]
    agencies: list[dict[str, Any]]
    frameworks_with_matrix: list[str]
    written: dict[str, int] = field(default_factory=dict)
    demo_users: list[str] = field(default_factory=list)
    unmapped_roles: list[str] = field(default_factory=list)
    demo_round: str = ""

    def as_json(self) -> dict[str, Any]:
        """The command's ``--format json`` object (counts are of units in force on ``as_of``)."""
        return {
            "province": self.province,
            "as_of": self.as_of.isoformat(),
            "units": self.units,
            "agencies": self.agencies,
            "frameworks_with_matrix": self.frameworks_with_matrix,
            "unmapped_roles": self.unmapped_roles,
            "demo_round": self.demo_round,
        }


def _vn(d: dt.date) -> str:
    return d.strftime("%d/%m/%Y")


def check_date(as_of: dt.date, today: dt.date | None = None) -> None:
    """Refuse a date before 01/01/2004 or more than five years after today."""
    today = today or dt.date.today()
    try:
        latest = today.replace(year=today.year + HORIZON_YEARS)
    except ValueError:  # 29 February
        latest = today.replace(year=today.year + HORIZON_YEARS, day=28)
    if as_of < EARLIEST or as_of > latest:
        raise ProvinceSetupError(
            f"Ngày {_vn(as_of)} nằm ngoài khoảng dữ liệu hỗ trợ: từ {_vn(EARLIEST)} đến {_vn(latest)}."
        )


def find(name: str, as_of: dt.date) -> RefUnit:
    """The province called ``name`` on ``as_of``, or :class:`ProvinceSetupError` in Vietnamese."""
    shown = str(name).strip()
    try:
        return reference.find_province(shown, as_of)
    except UnitError as exc:
        params = exc.params
        if exc.code == "ambiguous_unit":
            names = params.get("suggestions") or [
                reference.load_registry().get(i).short_name for i in params.get("candidates", [])
            ]
            raise ProvinceSetupError(
                f"Tên '{shown}' khớp với nhiều tỉnh, thành phố vào ngày {_vn(as_of)}: {', '.join(names)}. "
                "Hãy ghi đủ tên.",
                names,
            ) from None
        if exc.code == "unit_not_valid":
            reg = reference.load_registry()
            old = reg.get(params["unit"])
            try:
                now = [reg.successor_at(old, as_of).short_name]
            except UnitError:
                now = []
            msg = f"'{shown}' ({old.name}) không phải là tỉnh, thành phố vào ngày {_vn(as_of)}: tồn tại {old.period()}"
            msg += f"; nay thuộc {now[0]}." if now else "."
            raise ProvinceSetupError(msg, now) from None
        sugg = list(params.get("suggestions") or [])
        msg = f"Không tìm thấy tỉnh, thành phố '{shown}' vào ngày {_vn(as_of)}"
        msg += f". Có phải: {', '.join(sugg)}?" if sugg else "; không có tên nào gần giống."
        raise ProvinceSetupError(msg, sugg) from None


def _date(s: str | None) -> dt.date | None:
    return dt.date.fromisoformat(s) if s else None


def _started(start: dt.date | str | None, as_of: dt.date) -> bool:
    start = _date(start) if isinstance(start, str) else start
    return start is None or start <= as_of


def _unit_records(province: RefUnit, as_of: dt.date) -> tuple[list[RefUnit], list[dict[str, Any]]]:
    """Units and agency records to load: the province's line and its predecessors', started by ``as_of``."""
    provinces: dict[str, RefUnit] = {}
    for p in reference.lineage(province):
        for q in reference.same_line(p):
            if _started(q.valid_from, as_of):
                provinces[q.id] = q
    units = list(provinces.values())
    for p in provinces.values():
        for child in reference.children(p):
            units.append(child)
            units.extend(reference.children(child))
    units = [u for u in dict.fromkeys(units) if _started(u.valid_from, as_of)]
    units.sort(key=lambda u: (LEVEL_ORDER[u.level], u.code, u.valid_from or dt.date.min))
    agencies = [
        a
        for p in provinces.values()
        for a in reference.province_agencies(p)
        if _started(a["valid_from"], as_of)
    ]
    return units, agencies


def _fill(obj, values: dict[str, Any]) -> bool:
    """Fill the fields of an existing row that are still empty.  What is there — the data of an earlier
    run, another loader's history, what the department edited in the app (a name, an end date, the
    standing body) — is never overwritten.  Returns whether anything changed."""
    changed = False
    for k, v in values.items():
        cur = getattr(obj, k)
        if v is None or cur == v or cur not in (None, ""):
            continue
        setattr(obj, k, v)
        changed = True
    return changed


def _upsert(model, key: str, items: list[tuple[str, dict[str, Any]]], existing: dict) -> int:
    """Create the missing rows (in bulk) and fill the existing ones; returns the number written."""
    new, changed = [], []
    for ident, values in items:
        row = existing.get(ident)
        if row is None:
            row = model(**{key: ident}, **values)
            existing[ident] = row
            new.append(row)
        elif _fill(row, values):
            changed.append(row)
    model.objects.bulk_create(new, batch_size=500)
    if changed:
        model.objects.bulk_update(changed, list(items[0][1]), batch_size=500)
    if new and new[0].pk is None:  # a backend that does not return keys: read them back
        pks = dict(
            model.objects.filter(**{f"{key}__in": [getattr(r, key) for r in new]}).values_list(key, "pk")
        )
        for r in new:
            r.pk = pks[getattr(r, key)]
    return len(new) + len(changed)


def _link_successors(model, key: str, firsts: dict[str, str], existing: dict) -> int:
    """Set each row's successor (the first successor id of the data) where it is empty and known."""
    missing = [f for f in set(firsts.values()) if f not in existing]
    extra = {getattr(r, key): r for r in model.objects.filter(**{f"{key}__in": missing})} if missing else {}
    changed = []
    for ident, first in firsts.items():
        row, succ = existing[ident], existing.get(first) or extra.get(first)
        if succ is not None and row.successor_id is None:
            row.successor = succ
            changed.append(row)
    model.objects.bulk_update(changed, ["successor"], batch_size=500)
    return len(changed)


def _load_units(units: list[RefUnit], fallback_parent: str) -> tuple[dict[str, Unit], int]:
    existing = {u.ref_id: u for u in Unit.objects.filter(ref_id__in=[u.id for u in units])}
    written = 0
    for level in ("province", "district", "commune"):  # parents first: their keys are needed
        items = []
        for r in (u for u in units if u.level == level):
            parent = existing.get(r.parent_id) if r.parent_id else None
            if r.parent_id and parent is None:
                parent = existing.get(fallback_parent)
            items.append((r.id, {
                "code": r.code, "name": r.name[:200], "kind": KIND[r.level], "parent": parent,
                "valid_from": r.valid_from, "valid_to": r.valid_to,
            }))  # fmt: skip
        written += _upsert(Unit, "ref_id", items, existing)
    firsts = {r.id: r.successor_ids[0] for r in units if r.successor_ids}
    return existing, written + _link_successors(Unit, "ref_id", firsts, existing)


def _load_agencies(records: list[dict[str, Any]], units: dict[str, Unit]) -> tuple[dict[str, Agency], int]:
    existing = {a.code: a for a in Agency.objects.filter(code__in=[r["id"] for r in records])}
    items = [
        (r["id"], {
            "name": r["name"][:200], "short_name": r["short_name"][:60], "kind": r["kind"],
            "unit": units.get(r["unit_id"]) or units[r["province_id"]], "is_standing_body": bool(r["standing_body"]),
            "valid_from": _date(r["valid_from"]), "valid_to": _date(r["valid_to"]),
        })
        for r in records
    ]  # fmt: skip
    written = _upsert(Agency, "code", items, existing)
    firsts = {r["id"]: r["successor_ids"].split(";")[0].strip() for r in records if r["successor_ids"]}
    return existing, written + _link_successors(Agency, "code", firsts, existing)


def _role_types(as_of: dt.date) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for row in reference.agency_roles():
        if _started(row["valid_from"], as_of) and (not row["valid_to"] or as_of < _date(row["valid_to"])):
            out.setdefault(row["role"], []).append(row["agency_type"])
    return out


def _framework_ids() -> list[str]:
    """The shipped frameworks and those registered by the installation (a province's own copy)."""
    ids = list(frameworks.shipped_ids())
    for kind in ("index", "internal"):
        ids += [i for i, _label in frameworks.framework_choices(kind)]
    return list(dict.fromkeys(ids))


def matrix_note(fw, assignment, role: str, type_code: str) -> str:
    """The note of a matrix row filled from a framework: the basis of a published assignment, or
    "Đề xuất (chưa có văn bản phân công)" for chiso's proposal (``chiso.orgs.matrix`` reads it)."""
    head = matrix.PROPOSAL if assignment.proposal else matrix.BASIS + (assignment.basis or fw.id)
    return f"{head} · {fw.id}: {role} → {type_code}"[:300]


def _agencies_of(roles, role_types: dict[str, list[str]], in_force: list[tuple[Agency, str]],
                 unmapped: set[str]) -> list[tuple[Agency, str, str]]:
    out = []
    for role in roles:
        types = role_types.get(role, ())
        if not types:
            unmapped.add(role)
        out += [(a, role, t) for a, t in in_force if t in types]
    return out


def _load_matrix(in_force: list[tuple[Agency, str]], as_of: dt.date) -> tuple[list[str], int, list[str]]:
    """Fill each framework's matrix from its data: at every node that sets a ``responsibility`` (or
    the ``agency_role`` shorthand), its lead and supporting roles go to the agencies in force on
    ``as_of`` of the types that hold them (``agency_roles.csv``); descendants inherit (forms, pages and
    reports read the nearest node with a row, ``chiso.orgs.matrix``).

    Kept lean and never overwritten: a node that an agency in force already leads — itself or through
    an ancestor (a decision's matrix, edits in the app, an earlier run) — is left as it is; a node
    whose assignment gives the same agencies as the one it inherits gets no rows of its own.
    Returns the frameworks with a matrix, the rows written and the roles no agency type holds on
    ``as_of``."""
    role_types = _role_types(as_of)
    agencies = [a for a, _t in in_force]
    with_matrix, written, unmapped = [], 0, set()
    for fw_id in _framework_ids():
        try:
            fw = frameworks.get_framework(fw_id)
        except (FrameworkError, LookupError, OSError):
            continue
        setters = [n for n in fw.nodes if n.responsibility is not None]
        if not setters:
            continue
        existing = set(
            Responsibility.objects.filter(
                framework_id=fw.id, agency__in=agencies, role=Responsibility.Role.LEAD
            ).values_list("code", flat=True)
        )
        planned: dict[str, tuple[set[int], set[int]]] = {}  # code -> (lead ids, support ids) set here
        rows = []
        for node in setters:  # pre-order: an ancestor is planned before its descendants
            chain = [node.code, *fw.ancestors(node.code)]
            if any(c in existing for c in chain):
                continue  # someone in force leads it already: kept
            a = node.responsibility
            leads = _agencies_of(a.lead, role_types, in_force, unmapped)
            supports = _agencies_of(a.support, role_types, in_force, unmapped)
            if not leads:
                continue
            lead_ids = {ag.pk for ag, _r, _t in leads}
            support_ids = {ag.pk for ag, _r, _t in supports} - lead_ids
            up = next((planned[c] for c in chain[1:] if c in planned), None)
            same_lead = up is not None and up[0] == lead_ids
            same_support = up is not None and up[1] == support_ids
            if same_lead and same_support:
                continue  # inherited as it is
            planned[node.code] = (lead_ids, support_ids)
            for role, items, skip in ((Responsibility.Role.LEAD, leads, same_lead),
                                      (Responsibility.Role.SUPPORT, supports, same_support)):  # fmt: skip
                for agency, r, t in items:
                    if skip or (role == Responsibility.Role.SUPPORT and agency.pk in lead_ids):
                        continue
                    rows.append(Responsibility(framework_id=fw.id, code=node.code, agency=agency, role=role,
                                               note=matrix_note(fw, a, r, t)))  # fmt: skip
        Responsibility.objects.bulk_create(rows, ignore_conflicts=True)
        written += len(rows)
        if rows or existing:
            with_matrix.append(fw.id)
    return sorted(with_matrix), written, sorted(unmapped)


def slug(short_name: str) -> str:
    """The province's part of its demonstration users' names: ``slug("Ninh Bình") == "ninhbinh"``."""
    return "".join(c for c in fold_diacritics(short_name).lower() if c.isalnum())


def _load_demo_users(province: RefUnit, in_force: list[tuple[Agency, str]]) -> list[str]:
    """A dept_admin and dept_officer at the standing body, an officer and a head at the standing body,
    two other sở and the first commune (or district), leadership at the UBND tỉnh — all labelled."""
    prefix = slug(province.short_name)
    standing = [a for a, _t in in_force if a.is_standing_body]
    by_type = {t: a for a, t in in_force}
    local = sorted((a for a, _t in in_force if a.kind in (Agency.Kind.COMMUNE, Agency.Kind.DISTRICT)),
                   key=lambda a: a.unit.code)  # fmt: skip
    plan: list[tuple[str, str, Agency, str]] = []
    if standing:
        sb = standing[0]
        plan += [(f"{prefix}.quantri", "Quản trị", sb, Membership.Role.DEPT_ADMIN),
                 (f"{prefix}.thamdinh", "Cán bộ thẩm định", sb, Membership.Role.DEPT_OFFICER)]  # fmt: skip
    others = [a for a in standing[:1]] + [by_type[t] for t in ("SNV", "STC") if t in by_type]
    for agency in others:
        tag = next(t for a, t in in_force if a == agency).lower()
        plan += [(f"{prefix}.{tag}.nhaplieu", "Cán bộ nhập liệu", agency, Membership.Role.AGENCY_OFFICER),
                 (f"{prefix}.{tag}.lanhdao", "Lãnh đạo", agency, Membership.Role.AGENCY_HEAD)]  # fmt: skip
    if local:
        tag = "xa" if local[0].kind == Agency.Kind.COMMUNE else "huyen"
        plan += [(f"{prefix}.{tag}.nhaplieu", "Cán bộ nhập liệu", local[0], Membership.Role.AGENCY_OFFICER),
                 (f"{prefix}.{tag}.lanhdao", "Lãnh đạo", local[0], Membership.Role.AGENCY_HEAD)]  # fmt: skip
    if "UBND_TINH" in by_type:
        plan.append(
            (f"{prefix}.ubndtinh.lanhdao", "Lãnh đạo", by_type["UBND_TINH"], Membership.Role.LEADERSHIP)
        )
    for username, label, agency, role in plan:
        demo_user(username, DEMO_PASSWORD, label, agency, role)
    return [p[0] for p in plan]


DEMO_ROUND_FRAMEWORK = "vn-dti-2024-province"  # QĐ 405/QĐ-BKHCN, the edition used from DTI 2024 on
DEMO_ROUND_YEAR = 2025  # see docs/deploy-a-province.md: the latest full year the department reports on
DEMO_COMMENT = "Số liệu minh họa (không phải số liệu thật của cơ quan)"
# agency type -> state of its form in the demonstration round (other agencies: not started)
DEMO_STATES = {"SKHCN": "approved", "STTTT": "approved", "SNV": "submitted", "STC": "partial"}


@atomic_retry
def setup_province(
    name: str, as_of: dt.date, *, demo: bool = False, today: dt.date | None = None,
    demo_round: DemoRoundLoader | None = None,
) -> SetupResult:
    """Set up (or bring forward) the province called ``name`` as of ``as_of``; see the module docstring.

    With ``demo``, ``demo_round(in_force, as_of)`` (when given) adds the labelled demonstration round in
    the same transaction and returns its title: the ``setup_province`` command passes collection's
    :func:`chiso.collection.management.loaders.load_demo_round` (orgs imports no feature app).

    Raises
    ------
    ProvinceSetupError
        Unknown or ambiguous name (with suggestions), or a date out of range; nothing is written.
    """
    check_date(as_of, today)
    province = find(name, as_of)
    units, agency_records = _unit_records(province, as_of)
    with transaction.atomic():
        unit_rows, n_units = _load_units(units, province.id)
        agency_rows, n_agencies = _load_agencies(agency_records, unit_rows)
        type_of = {r["id"]: r["type"] for r in agency_records}
        in_force = [
            (a, type_of[code])
            for code, a in sorted(agency_rows.items())
            if (a.valid_from is None or a.valid_from <= as_of) and (a.valid_to is None or as_of < a.valid_to)
        ]
        with_matrix, n_matrix, unmapped = _load_matrix(in_force, as_of)
        users = _load_demo_users(province, in_force) if demo else []
        round_title = demo_round(in_force, as_of) if demo and demo_round is not None else ""
        counts = {"province": 0, "district": 0, "commune": 0}
        for u in reference.units_in_force(province, as_of):
            counts[u.level] += 1
        written = {"units": n_units, "agencies": n_agencies, "responsibilities": n_matrix}
        audit.record(
            audit.Actor(request_id="setup_province"), "province.setup", unit_rows[province.id],
            after={"as_of": as_of.isoformat(), "units_in_force": counts, "written": written, "demo": demo},
            object_repr=province.name,
        )  # fmt: skip
    kind_order = {
        Agency.Kind.PROVINCE: 0,
        Agency.Kind.DEPARTMENT: 1,
        Agency.Kind.DISTRICT: 2,
        Agency.Kind.COMMUNE: 3,
    }
    listed = sorted(in_force, key=lambda at: (kind_order.get(at[0].kind, 9), at[0].unit.code, at[0].name))
    return SetupResult(
        province=province.short_name,
        province_ref=province.id,
        as_of=as_of,
        units=counts,
        agencies=[{"name": a.name, "kind": a.kind, "standing_body": a.is_standing_body} for a, _t in listed],
        frameworks_with_matrix=with_matrix,
        written=written,
        unmapped_roles=unmapped,
        demo_round=round_title,
        demo_users=users,
    )
