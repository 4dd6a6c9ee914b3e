"""The department manages its own organisation: agencies (create, rename, end with a successor, the
standing body), users with their memberships and roles, units' validity.

Every change goes through here: one transaction (``atomic_retry``), the row locked with
``select_for_update`` before it is read for the checks, an explicit audit row with before/after, and
a refusal in Vietnamese (``chiso.lib.refusal.Refused``) that writes nothing. A page sends back what it showed (a
``seen`` stamp of the row, or the row's ``version`` where the model has one); a change made since
by someone else is refused (409) instead of being overwritten.  The services of the apps above that
follow the same rules (the dates of a round: ``chiso.collection.round_dates``,
``chiso.assessment.services.round_dates``) use :func:`need_reason`, :func:`stamp` and :func:`check_seen`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import unicodedata

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from chiso.lib.db import atomic_retry
from chiso.lib.refusal import Forbidden, Refused, Stale

from . import audit, issuers
from .models import Agency, AuditEntry, Membership, Responsibility, Unit
from .people import name_rows

User = get_user_model()
R = Membership.Role


def need_reason(reason: str, message: str | None = None) -> str:
    """The reason given, stripped; refused (on the field ``reason``) when there is none."""
    reason = (reason or "").strip()
    if not reason:
        raise Refused(message or _("Phải ghi lý do."), {"reason": _("Phải ghi lý do.")})
    return reason


# --- what the page saw ------------------------------------------------------------------------------


def stamp(values: dict) -> str:
    """A short fingerprint of the values a page showed; the page sends it back with the change."""
    text = json.dumps(values, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()[:20]


def agency_state(a: Agency) -> dict:
    return {
        "name": a.name,
        "short_name": a.short_name,
        "email": a.email,
        "kind": a.kind,
        "valid_from": _iso(a.valid_from),
        "valid_to": _iso(a.valid_to),
        "successor": a.successor_id,
        "is_standing_body": a.is_standing_body,
    }


def user_state(u) -> dict:
    return {
        "username": u.username,
        "full_name": u.get_full_name(),
        "email": u.email,
        "is_active": u.is_active,
        "memberships": sorted(
            [m.agency_id, m.role] for m in Membership.objects.filter(user=u).order_by("agency_id", "role")
        ),
    }


def unit_state(u: Unit) -> dict:
    return {"valid_from": _iso(u.valid_from), "valid_to": _iso(u.valid_to), "successor": u.successor_id}


def _iso(day):
    return day.isoformat() if day else None


def check_seen(current: dict, seen: str, target_type: str, target_id) -> None:
    """Refuse (:class:`~chiso.lib.refusal.Stale`, 409) unless ``seen`` is the stamp of ``current``: the
    sentence names who changed the target last and when (its last audit row)."""
    if seen and stamp(current) == seen:
        return
    last = AuditEntry.objects.filter(target_type=target_type, target_id=str(target_id)).first()
    if last is not None:
        when = timezone.localtime(last.time).strftime("%H:%M %d/%m/%Y")
        raise Stale(
            _("{who} đã sửa mục này lúc {when}, sau khi trang được mở. Chưa lưu gì: hãy tải lại trang và làm lại.")
            .format(who=name_rows([last])[0].who, when=when)
        )
    raise Stale(_("Mục này đã được sửa sau khi trang được mở. Chưa lưu gì: hãy tải lại trang và làm lại."))


def _fmt(day) -> str:
    return day.strftime("%d/%m/%Y") if day else "…"


def _overlaps(a_from, a_to, b_from, b_to) -> bool:
    """Half-open periods ``[from, to)``, ``None`` meaning unbounded, share at least one day."""
    return (a_from is None or b_to is None or a_from < b_to) and (b_from is None or a_to is None or b_from < a_to)


# --- agencies -------------------------------------------------------------------------------------------


def new_agency_code(name: str) -> str:
    """A unique code from a name: "Sở Khoa học và Công nghệ" -> "SO-KHOA-HOC-VA-CONG-NGHE" (-2, -3…)."""
    text = unicodedata.normalize("NFKD", name.replace("đ", "d").replace("Đ", "D"))
    text = "".join(c for c in text if not unicodedata.combining(c))
    base = re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-").upper()[:34] or "CQ"
    code, n = base, 1
    while Agency.objects.filter(code=code).exists():
        n += 1
        code = f"{base}-{n}"
    return code


def _standing_conflicts(agency: Agency, *, valid_from, valid_to):
    """The other standing bodies of the agency's province whose validity overlaps ``[from, to)``.
    One deployment may hold several provinces' histories (a merged province's predecessors each had
    their own standing body), so the rule is one standing body per province at a time."""
    province = issuers.province_of(agency.unit)
    others = (
        Agency.objects.select_for_update(of=("self",))  # the units joined (parent may be null) stay unlocked
        .select_related("unit", "unit__parent")
        .filter(is_standing_body=True)
        .exclude(pk=agency.pk)
    )
    return [
        o for o in others.order_by("pk")
        if issuers.province_of(o.unit) == province and _overlaps(valid_from, valid_to, o.valid_from, o.valid_to)
    ]


def _standing_refusal(conflicts) -> Refused:
    names = "; ".join(
        _("{name} (hiệu lực {start} – {end})").format(name=o.name, start=_fmt(o.valid_from), end=_fmt(o.valid_to))
        for o in conflicts
    )
    return Refused(
        _("Mỗi tỉnh chỉ có một cơ quan thường trực tại một thời điểm; trong cùng thời gian đã có: {names}.").format(
            names=names
        ),
        {"replace": ""},
    )


@atomic_retry
def create_agency(
    actor: audit.Actor, *, name: str, kind: str, unit: Unit, short_name: str = "", email: str = "",
    valid_from: dt.date | None = None, code: str = "", reason: str = "",
) -> Agency:
    name = name.strip()
    if not name:
        raise Refused(_("Phải nhập tên cơ quan."), {"name": _("Phải nhập tên cơ quan.")})
    with transaction.atomic():
        code = code.strip().upper() or new_agency_code(short_name or name)
        if Agency.objects.filter(code=code).exists():
            raise Refused(_("Mã cơ quan {code} đã có.").format(code=code), {"code": _("Mã này đã có.")})
        agency = Agency.objects.create(
            code=code, name=name, short_name=short_name.strip(), kind=kind, unit=unit, email=email.strip(),
            valid_from=valid_from,
        )
        audit.record(actor, "agency.create", agency, after=agency_state(agency), reason=reason)
        return agency


@atomic_retry
def rename_agency(
    agency_id: int, actor: audit.Actor, *, seen: str, name: str, short_name: str = "", email: str = "",
    reason: str = "",
) -> Agency:
    """New name on the same row (its submissions, memberships and history stay); the old name is kept
    in the audit row."""
    name = name.strip()
    if not name:
        raise Refused(_("Phải nhập tên cơ quan."), {"name": _("Phải nhập tên cơ quan.")})
    with transaction.atomic():
        agency = Agency.objects.select_for_update().get(pk=agency_id)
        before = agency_state(agency)
        check_seen(before, seen, "orgs.agency", agency.pk)
        agency.name, agency.short_name, agency.email = name, short_name.strip(), email.strip()
        after = agency_state(agency)
        if after == before:
            return agency
        agency.save(update_fields=["name", "short_name", "email"])
        audit.record(
            actor, "agency.rename", agency,
            before={k: before[k] for k in ("name", "short_name", "email")},
            after={k: after[k] for k in ("name", "short_name", "email")},
            reason=reason,
        )
        return agency


@atomic_retry
def end_agency(
    agency_id: int, actor: audit.Actor, *, seen: str, ends_on: dt.date, successor_id: int | None = None,
    new_successor: dict | None = None, transfer_standing: bool = False, reason: str = "",
) -> Agency:
    """The agency stops on ``ends_on`` (its first day no longer in force, as ``valid_to`` everywhere);
    its memberships, submissions and history stay. The successor is an agency in force on that day, or
    a new one starting that day. The standing body ends only by handing its role to the successor
    (there is always exactly one standing body in force)."""
    reason = need_reason(reason, _("Phải ghi lý do (ví dụ: số quyết định sáp nhập)."))
    if successor_id and new_successor:
        raise Refused(_("Chọn cơ quan kế tục có sẵn hoặc nhập tên cơ quan mới, không chọn cả hai."))
    with transaction.atomic():
        agency = Agency.objects.select_for_update().get(pk=agency_id)
        before = agency_state(agency)
        check_seen(before, seen, "orgs.agency", agency.pk)
        if agency.valid_to is not None:
            raise Refused(_("Cơ quan đã hết hiệu lực từ {day}.").format(day=_fmt(agency.valid_to)))
        if agency.valid_from is not None and ends_on <= agency.valid_from:
            msg = _("Ngày kết thúc phải sau ngày bắt đầu hiệu lực ({day}).").format(day=_fmt(agency.valid_from))
            raise Refused(msg, {"ends_on": msg})
        successor = None
        if successor_id:
            successor = Agency.objects.select_for_update().filter(pk=successor_id).first()
            if successor is None or successor.pk == agency.pk:
                raise Refused(_("Cơ quan kế tục không hợp lệ."), {"successor": _("Cơ quan kế tục không hợp lệ.")})
            if not Agency.objects.filter(pk=successor.pk).valid_on(ends_on).exists():
                msg = _("Cơ quan kế tục {name} không còn hiệu lực vào ngày {day}.").format(
                    name=successor.name, day=_fmt(ends_on)
                )
                raise Refused(msg, {"successor": msg})
        elif new_successor:
            successor = create_agency(
                actor, name=new_successor["name"], short_name=new_successor.get("short_name", ""),
                kind=new_successor.get("kind") or agency.kind, unit=agency.unit, valid_from=ends_on, reason=reason,
            )
        if agency.is_standing_body:
            if successor is None or not transfer_standing:
                raise Refused(
                    _("{name} là cơ quan thường trực: chỉ kết thúc được khi chuyển vai trò thường trực cho "
                      "cơ quan kế tục.").format(name=agency.name),
                    {"transfer_standing": ""},
                )
        agency.valid_to = ends_on
        agency.successor = successor
        agency.save(update_fields=["valid_to", "successor"])
        if transfer_standing and successor is not None and not successor.is_standing_body:
            _mark_standing(successor, actor, reason=reason, replace=False)
        audit.record(actor, "agency.end", agency, before=before, after=agency_state(agency), reason=reason)
        return agency


def _mark_standing(agency: Agency, actor: audit.Actor, *, reason: str, replace: bool) -> None:
    if agency.valid_to is not None and agency.valid_to <= timezone.localdate():
        raise Refused(_("{name} đã hết hiệu lực, không thể là cơ quan thường trực.").format(name=agency.name))
    conflicts = _standing_conflicts(agency, valid_from=agency.valid_from, valid_to=agency.valid_to)
    if conflicts and not replace:
        raise _standing_refusal(conflicts)
    for other in conflicts:
        other_before = agency_state(other)
        other.is_standing_body = False
        other.save(update_fields=["is_standing_body"])
        audit.record(actor, "agency.standing_body", other, before=other_before, after=agency_state(other),
                     reason=reason)
    before = agency_state(agency)
    agency.is_standing_body = True
    agency.save(update_fields=["is_standing_body"])
    audit.record(actor, "agency.standing_body", agency, before=before, after=agency_state(agency), reason=reason)


@atomic_retry
def set_standing_body(agency_id: int, actor: audit.Actor, *, seen: str, replace: bool = False,
                      reason: str = "") -> Agency:
    """Make this agency the standing body. Another standing body whose validity overlaps this one's
    is a refusal, or — with ``replace`` — loses the role in the same transaction."""
    reason = need_reason(reason, _("Phải ghi lý do (ví dụ: số quyết định giao nhiệm vụ)."))
    with transaction.atomic():
        agency = Agency.objects.select_for_update().get(pk=agency_id)
        check_seen(agency_state(agency), seen, "orgs.agency", agency.pk)
        if agency.is_standing_body:
            raise Refused(_("{name} đã là cơ quan thường trực.").format(name=agency.name))
        _mark_standing(agency, actor, reason=reason, replace=replace)
        return agency


# --- users and memberships ---------------------------------------------------------------------------


def _protected(user) -> None:
    """Accounts of the Django admin (staff, superuser) are changed there, not by the department: a
    dept_admin must not be able to take one over by resetting its password."""
    if user.is_superuser or user.is_staff:
        raise Forbidden(_("Tài khoản quản trị kỹ thuật chỉ sửa được trong trang quản trị hệ thống."))


def _password_errors(password: str, user=None) -> list[str]:
    """What ``AUTH_PASSWORD_VALIDATORS`` find wrong, in the reader's language (Django's own Vietnamese
    misses some of them)."""
    try:
        validate_password(password, user)
    except ValidationError as e:
        out = []
        for err in e.error_list:
            params = err.params or {}
            if err.code == "password_too_short":
                out.append(_("Mật khẩu quá ngắn: cần ít nhất {n} ký tự.").format(n=params.get("min_length", "")))
            elif err.code == "password_too_common":
                out.append(_("Mật khẩu này quá phổ biến."))
            elif err.code == "password_entirely_numeric":
                out.append(_("Mật khẩu không được chỉ gồm chữ số."))
            elif err.code == "password_too_similar":
                out.append(_("Mật khẩu quá giống tên đăng nhập, họ tên hoặc thư điện tử."))
            else:
                out.extend(err.messages)
        return out
    return []


def _active_admins(exclude_user=None, exclude_membership=None) -> int:
    """Active users left with a dept_admin membership. Locks those memberships: two admins removing
    each other at the same moment are serialised, and the second sees the first's removal."""
    ids = list(Membership.objects.select_for_update().filter(role=R.DEPT_ADMIN).values_list("pk", "user_id"))
    users = {u for pk, u in ids if pk != exclude_membership and u != exclude_user}
    return User.objects.filter(pk__in=users, is_active=True).count()


def _check_role(agency: Agency, role: str) -> None:
    """The department's roles belong to the standing body; an agency's roles to an agency in force."""
    if role not in R.values:
        raise Refused(_("Vai trò không hợp lệ."), {"role": _("Vai trò không hợp lệ.")})
    if agency.valid_to is not None and agency.valid_to <= timezone.localdate():
        msg = _("{name} đã hết hiệu lực từ {day}.").format(name=agency.name, day=_fmt(agency.valid_to))
        raise Refused(msg, {"agency": msg})
    if role in (R.DEPT_ADMIN, R.DEPT_OFFICER) and not agency.is_standing_body:
        msg = _("Vai trò “{role}” chỉ gán ở cơ quan thường trực.").format(role=R(role).label)
        raise Refused(msg, {"role": msg})


@atomic_retry
def _insert_user(actor, *, username, full_name, email, password, agency, role, reason):
    with transaction.atomic():
        user = User(username=username, first_name=full_name[:150], email=email)
        user.set_password(password)
        user.save()
        if agency is not None and role:
            Membership.objects.create(user=user, agency=agency, role=role)
        audit.record(actor, "user.create", ("auth.user", user.pk), after=user_state(user), reason=reason,
                     object_repr=username)
        return user


def create_user(
    actor: audit.Actor, *, username: str, full_name: str, email: str, password: str,
    agency: Agency | None = None, role: str = "", reason: str = "",
):
    """A user with a first password (which must pass ``AUTH_PASSWORD_VALIDATORS``) and, optionally,
    a first membership."""
    username = username.strip().lower()  # the sign-in page lower-cases the name typed
    taken = _("Tên đăng nhập “{name}” đã có.").format(name=username)
    if User.objects.filter(username__iexact=username).exists():
        raise Refused(taken, {"username": taken})
    problems = _password_errors(password, User(username=username, first_name=full_name, email=email))
    if problems:
        raise Refused(" ".join(problems), {"password": " ".join(problems)})
    if bool(agency) != bool(role):
        msg = _("Chọn cả cơ quan và vai trò, hoặc để trống cả hai.")
        raise Refused(msg, {"role": msg})
    if agency is not None:
        _check_role(agency, role)
    try:
        return _insert_user(actor, username=username, full_name=full_name.strip(), email=email.strip(),
                            password=password, agency=agency, role=role, reason=reason)
    except IntegrityError:  # created by someone else between the check and the insert
        raise Refused(taken, {"username": taken}) from None


@atomic_retry
def update_user(user_id: int, actor: audit.Actor, *, seen: str, full_name: str, email: str,
                reason: str = ""):
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user_id)
        _protected(user)
        before = user_state(user)
        check_seen(before, seen, "auth.user", user.pk)
        user.first_name, user.last_name, user.email = full_name.strip()[:150], "", email.strip()
        after = user_state(user)
        if after != before:
            user.save(update_fields=["first_name", "last_name", "email"])
            audit.record(actor, "user.update", ("auth.user", user.pk), before=before, after=after, reason=reason,
                         object_repr=user.username)
        return user


@atomic_retry
def set_active(user_id: int, actor: audit.Actor, *, seen: str, active: bool, reason: str = ""):
    """Deactivate (the user can no longer sign in; a session already open ends at the next request) or
    reactivate. Memberships and history stay."""
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user_id)
        _protected(user)
        before = user_state(user)
        check_seen(before, seen, "auth.user", user.pk)
        if user.is_active == active:
            return user
        if not active:
            if actor.user is not None and user.pk == actor.user.pk:
                raise Refused(_("Không thể tự khóa tài khoản của chính mình."))
            if _active_admins(exclude_user=user.pk) == 0:
                raise Refused(_("Phải còn ít nhất một quản trị hệ thống đang hoạt động."))
        user.is_active = active
        user.save(update_fields=["is_active"])
        audit.record(actor, "user.activate" if active else "user.deactivate", ("auth.user", user.pk),
                     before=before, after=user_state(user), reason=reason, object_repr=user.username)
        return user


@atomic_retry
def add_membership(user_id: int, actor: audit.Actor, *, seen: str, agency: Agency, role: str, reason: str = ""):
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user_id)
        _protected(user)
        before = user_state(user)
        check_seen(before, seen, "auth.user", user.pk)
        _check_role(agency, role)
        if Membership.objects.filter(user=user, agency=agency, role=role).exists():
            raise Refused(_("Người dùng đã có vai trò này ở cơ quan này."))
        m = Membership.objects.create(user=user, agency=agency, role=role)
        audit.record(actor, "membership.add", ("auth.user", user.pk), before=before, after=user_state(user),
                     reason=reason, object_repr=f"{user.username} · {m.get_role_display()} · {agency}")
        return m


@atomic_retry
def remove_membership(membership_id: int, actor: audit.Actor, *, seen: str, reason: str = "") -> None:
    with transaction.atomic():
        m = Membership.objects.select_related("agency").get(pk=membership_id)
        user = User.objects.select_for_update().get(pk=m.user_id)
        _protected(user)
        before = user_state(user)
        check_seen(before, seen, "auth.user", user.pk)
        if m.role == R.DEPT_ADMIN:
            own = actor.user is not None and user.pk == actor.user.pk
            left_own = Membership.objects.filter(user=user, role=R.DEPT_ADMIN).exclude(pk=m.pk).exists()
            if own and not left_own:
                raise Refused(_("Không thể bỏ vai trò quản trị hệ thống cuối cùng của chính mình "
                                 "(sẽ không ai vào lại được trang này)."))
            if _active_admins(exclude_membership=m.pk) == 0:
                raise Refused(_("Phải còn ít nhất một quản trị hệ thống đang hoạt động."))
        label = f"{user.username} · {m.get_role_display()} · {m.agency}"
        m.delete()
        audit.record(actor, "membership.remove", ("auth.user", user.pk), before=before, after=user_state(user),
                     reason=reason, object_repr=label)


@atomic_retry
def reset_password(user_id: int, actor: audit.Actor, *, password: str, reason: str = ""):
    """A new password typed by the department, checked by the validators; the user's open sessions end
    (Django ties a session to the password). The audit row says that it changed, never what to."""
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user_id)
        _protected(user)
        problems = _password_errors(password, user)
        if problems:
            raise Refused(" ".join(problems), {"password": " ".join(problems)})
        user.set_password(password)
        user.save(update_fields=["password"])
        audit.record(actor, "user.password_reset", ("auth.user", user.pk), before={"password": "…"},
                     after={"password": _("đã đặt lại")}, reason=reason, object_repr=user.username)
        return user


# --- units ----------------------------------------------------------------------------------------------


@atomic_retry
def set_unit_validity(
    unit_id: int, actor: audit.Actor, *, seen: str, valid_from: dt.date | None, valid_to: dt.date | None,
    successor_id: int | None, reason: str,
) -> Unit:
    reason = need_reason(reason, _("Phải ghi lý do (ví dụ: số nghị quyết sắp xếp đơn vị hành chính)."))
    if valid_from and valid_to and valid_to <= valid_from:
        msg = _("Ngày hết hiệu lực phải sau ngày bắt đầu hiệu lực.")
        raise Refused(msg, {"valid_to": msg})
    with transaction.atomic():
        unit = Unit.objects.select_for_update().get(pk=unit_id)
        before = unit_state(unit)
        check_seen(before, seen, "orgs.unit", unit.pk)
        if successor_id == unit.pk:
            raise Refused(_("Một đơn vị không thể kế tục chính nó."), {"successor": ""})
        if successor_id and valid_to is None:
            msg = _("Chỉ đơn vị đã hết hiệu lực mới có đơn vị kế tục: hãy nhập ngày hết hiệu lực.")
            raise Refused(msg, {"valid_to": msg})
        unit.valid_from, unit.valid_to, unit.successor_id = valid_from, valid_to, successor_id
        after = unit_state(unit)
        if after != before:
            unit.save(update_fields=["valid_from", "valid_to", "successor"])
            audit.record(actor, "unit.validity", unit, before=before, after=after, reason=reason)
        return unit


# --- the responsibility matrix ---------------------------------------------------------------------------------


@atomic_retry
def set_matrix_node(fw_id: str, code: str, current: list[Responsibility], *, lead, support, reason: str,
                    actor: audit.Actor) -> None:
    """Set the lead and supporting agencies of one node of the matrix (``current``: its rows as the page
    read them). A row kept as it was keeps its note (its basis, or that it is a proposal); a new or moved
    row says it was set in the app, with the reason given. Audited when anything changed."""
    before = {
        "lead": sorted(r.agency_id for r in current if r.role == Responsibility.Role.LEAD),
        "support": sorted(r.agency_id for r in current if r.role == Responsibility.Role.SUPPORT),
    }
    after = {"lead": sorted(a.pk for a in lead), "support": sorted(a.pk for a in support)}
    kept = {(r.agency_id, r.role): r.note for r in current}
    why = reason.strip()
    edited = (f"Sửa trong ứng dụng: {why}" if why else "Sửa trong ứng dụng")[:300]
    with transaction.atomic():
        Responsibility.objects.filter(framework_id=fw_id, code=code).delete()
        for role, agencies in (("lead", lead), ("support", support)):
            for agency in agencies:
                Responsibility.objects.create(framework_id=fw_id, code=code, agency=agency, role=role,
                                              note=kept.get((agency.pk, role), edited))
        if before != after:
            audit.record(actor, "matrix.change", ("orgs.responsibility", f"{fw_id}:{code}"), before=before,
                         after=after, reason=reason, object_repr=f"{fw_id}:{code}")
