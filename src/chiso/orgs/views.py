"""Sign-in with lockout, the home page, agencies, the responsibility matrix, notices, and the
department's organisation pages (agencies, users and roles, units; the dates of the rounds are
``chiso.site.rounds``, which uses :func:`org_scope`, :func:`run_form` and :func:`history`)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import authenticate, get_user_model, login, logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseForbidden
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from chiso.engine import EngineError
from chiso.lib import frameworks
from chiso.lib.refusal import Refused
from chiso.lib.vn_format import parse_date

from . import audit, lockout, notify, services
from .access import get_scope
from .forms import (
    AgencyCreateForm,
    AgencyEndForm,
    AgencyRenameForm,
    LoginForm,
    MatrixNodeForm,
    MembershipAddForm,
    MembershipRemoveForm,
    NoticePreferenceForm,
    PasswordResetForm,
    StandingBodyForm,
    UnitValidityForm,
    UserActiveForm,
    UserCreateForm,
    UserUpdateForm,
)
from .history import lines as history_lines
from .models import Agency, AuditEntry, Membership, Notice, Responsibility, Unit


def login_view(request):
    """The one sign-in page (the admin's login redirects here); the lockout lives in the
    authentication backend (chiso.orgs.lockout), so every way of signing in shares one counter."""
    form = LoginForm(request.POST or None)
    error = None
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if request.method == "POST" and form.is_valid():
        username = form.cleaned_data["username"].strip().lower()
        address = lockout.client_address(request)
        user = None
        if not lockout.minutes_locked(username, address):
            user = authenticate(request, username=username, password=form.cleaned_data["password"])
        if user is None:
            minutes = lockout.minutes_locked(username, address)
            if minutes:
                error = _(
                    "Tài khoản tạm khóa do đăng nhập sai nhiều lần. Vui lòng thử lại sau {n} phút."
                ).format(n=minutes)
            else:
                error = _("Tên đăng nhập hoặc mật khẩu không đúng.")
        else:
            login(request, user)
            if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
                next_url = ""
            return redirect(next_url or "home")
    status = 200 if error is None else 400
    return render(request, "orgs/login.html", {"form": form, "error": error, "next": next_url}, status=status)


@require_POST
def logout_view(request):
    logout(request)
    return redirect("home")


@login_required
def agencies(request):
    qs = Agency.objects.visible_to(request.user).select_related("unit", "successor")
    return render(request, "orgs/agencies.html", {"agencies": qs, "units": Unit.objects.select_related("parent")})


def _get_framework_or_404(fw_id: str):
    try:
        return frameworks.get_framework(fw_id)
    except (EngineError, LookupError, OSError):
        raise Http404(_("Không có bộ chỉ số {id}").format(id=fw_id)) from None


@login_required
def matrix_index(request):
    used = list(
        Responsibility.objects.visible_to(request.user).values_list("framework_id", flat=True).distinct()
    )
    choices = frameworks.framework_choices()
    ids = [c[0] for c in choices]
    first = next((f for f in used if f in ids), ids[0] if ids else None)
    if first is None:
        return render(request, "orgs/matrix.html", {"fw": None, "choices": choices})
    return redirect("matrix", fw_id=first)


@login_required
def matrix(request, fw_id):
    """Every node with the agencies set on it and, where none is, the ones it inherits (and from
    which node); each row says whether it is published (its basis), a proposal, or set in the app."""
    from . import matrix as m

    fw = _get_framework_or_404(fw_id)
    found = m.holders(fw)
    own: dict[str, dict[str, list]] = {}
    for r in Responsibility.objects.visible_to(request.user).filter(framework_id=fw.id).select_related("agency"):
        own.setdefault(r.code, {"lead": [], "support": []})[r.role].append(
            {"agency": r.agency, "note": r.note, "kind": m.note_kind(r.note)})
    lines = []
    for node in fw.nodes:
        entry = own.get(node.code, {"lead": [], "support": []})
        h = found[node.code]
        lines.append({
            "node": node, "depth": fw.depth(node.code), **entry,
            "inherited_lead": [] if entry["lead"] else h.names("lead"),
            "inherited_support": [] if entry["support"] else h.names("support"),
            "lead_at": h.lead_at if not entry["lead"] else None,
            "support_at": h.support_at if not entry["support"] else None,
            "provisional": node.status == "provisional",
        })
    ctx = {
        "fw": fw,
        "fw_sentence": m.framework_sentence(fw),
        "lines": lines,
        "choices": frameworks.framework_choices(),
        "can_edit": get_scope(request.user).is_department,
        "proposals": sum(1 for ln in lines for x in ln["lead"] + ln["support"] if x["kind"] == "proposal"),
    }
    return render(request, "orgs/matrix.html", ctx)


@login_required
def matrix_edit(request, fw_id, code):
    fw = _get_framework_or_404(fw_id)
    try:
        node = fw.node(code)
    except EngineError:
        raise Http404 from None
    if not get_scope(request.user).is_department:
        return HttpResponseForbidden(_("Chỉ cơ quan thường trực được sửa ma trận trách nhiệm."))
    current = list(Responsibility.objects.filter(framework_id=fw.id, code=code))
    initial = {
        "lead": [r.agency_id for r in current if r.role == Responsibility.Role.LEAD],
        "support": [r.agency_id for r in current if r.role == Responsibility.Role.SUPPORT],
    }
    form = MatrixNodeForm(request.POST or None, initial=initial, current=[r.agency_id for r in current])
    if request.method == "POST" and form.is_valid():
        services.set_matrix_node(
            fw.id, code, current, lead=form.cleaned_data["lead"], support=form.cleaned_data["support"],
            reason=form.cleaned_data["reason"], actor=audit.Actor.from_request(request),
        )
        return redirect("matrix", fw_id=fw.id)
    inherited = None
    if not initial["lead"]:
        from . import matrix as m

        h = m.holders(fw, codes=[code])[code]
        if h.lead:
            inherited = {"names": h.names("lead"), "at": fw.node(h.lead_at)}
    return render(request, "orgs/matrix_edit.html", {"fw": fw, "node": node, "form": form, "inherited": inherited})


@login_required
def notices(request):
    qs = Notice.objects.visible_to(request.user)[:100]
    return render(request, "orgs/notices.html", {"notices": qs})


@login_required
@require_POST
def notices_read(request):
    Notice.objects.visible_to(request.user).filter(read_at__isnull=True).update(read_at=timezone.now())
    return redirect("notices")


@login_required
def notice_settings(request):
    """The signed-in user chooses which notices also come by e-mail (the notice in the app always
    comes), and the language of their notices; their own choice only."""
    pref = notify.preference(request.user)
    form = NoticePreferenceForm(request.POST or None, instance=pref)
    if request.method == "POST":
        if form.is_valid():
            form.save()
            messages.success(request, _("Đã lưu cài đặt thông báo."))
            return redirect("notice_settings")
        return render(request, "orgs/notice_settings.html", {"form": form}, status=400)
    return render(request, "orgs/notice_settings.html", {"form": form})


def admin_login(request):
    """``/quan-tri/login/`` → the sign-in page, coming back to the admin afterwards."""
    next_url = request.GET.get("next") or "/quan-tri/"
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
        next_url = "/quan-tri/"
    return redirect(f"{reverse('login')}?{urlencode({'next': next_url})}")


# --- the department manages its organisation (/to-chuc/…) -------------------------------------------------
# The department's staff and the province's leadership read these pages; only a dept_admin changes
# anything (403 for the other readers); an agency's own users are not shown them at all (404).
# Every change is a function of chiso.orgs.services (one transaction, audit row, Vietnamese refusal).


def org_scope(request, *, write: bool = False):
    """The organisation pages' access helper: not a reader of the whole province -> 404; a change by
    anyone but a dept_admin -> 403."""
    scope = get_scope(request.user)
    if not scope.reads_all:
        raise Http404
    if write and not scope.is_dept_admin:
        raise PermissionDenied(_("Chỉ quản trị hệ thống của cơ quan thường trực được thay đổi tổ chức."))
    return scope


def _refused(form, e: Refused) -> None:
    """Put a refusal on the form: on its field when the service named one, else on top."""
    placed = False
    for name, msg in e.errors.items():
        if msg and name in form.fields and not form.fields[name].widget.is_hidden:
            form.add_error(name, msg)
            placed = True
    if not placed or e.message not in e.errors.values():
        form.add_error(None, e.message)


def run_form(request, form, change, done: str, page):
    """Validate ``form``, call ``change(cleaned_data)``; success -> message and redirect to the page,
    refusal -> the page again with the sentence on the form (400, or 409 for a stale copy)."""
    if form.is_valid():
        try:
            change(form.cleaned_data)
        except Refused as e:
            if e.status == 403:
                raise PermissionDenied(e.message) from None
            _refused(form, e)
            return page(status=e.status)
        messages.success(request, done)
        return None
    return page(status=400)


def history(target_type: str, pk) -> list:
    """The object's last 50 audit rows as prose (:func:`chiso.orgs.history.lines`): who, what, each
    changed field "old → new", why; a successor is shown by its name, a user's roles as "agency · role"."""
    rows = list(AuditEntry.objects.filter(target_type=target_type, target_id=str(pk))[:50])
    states = [d for r in rows for d in (r.before, r.after) if isinstance(d, dict)]
    model = {"orgs.agency": Agency, "orgs.unit": Unit}.get(target_type)
    ids = {d.get("successor") for d in states} - {None}
    successors = dict(model.objects.filter(pk__in=ids).values_list("pk", "name")) if model and ids else {}
    agency_ids = {m[0] for d in states for m in (d.get("memberships") or [])}
    agencies = dict(Agency.objects.filter(pk__in=agency_ids).values_list("pk", "name")) if agency_ids else {}
    roles = dict(Membership.Role.choices)
    kinds = dict(Agency.Kind.choices) if target_type == "orgs.agency" else {}

    def shown(key, value):
        if key == "successor" and value is not None:
            return successors.get(value, "—")
        if key == "memberships" and isinstance(value, list):
            return "; ".join(f"{agencies.get(a, '—')} · {roles.get(r, '—')}" for a, r in value)
        if key == "kind" and value in kinds:
            return str(kinds[value])
        return None

    return history_lines(rows, shown=shown)


def _day_param(request):
    try:
        return parse_date(request.GET["ngay"]) if request.GET.get("ngay") else timezone.localdate()
    except ValueError:
        return timezone.localdate()


@login_required
def org_agencies(request):
    scope = org_scope(request)
    day = _day_param(request)
    qs = Agency.objects.select_related("unit", "successor").order_by("kind", "name")
    in_force = list(qs.valid_on(day))
    ended = [a for a in qs.filter(valid_to__lte=day)]
    later = [a for a in qs.filter(valid_from__gt=day)]
    ctx = {"in_force": in_force, "ended": ended, "later": later, "day": day, "can_edit": scope.is_dept_admin}
    return render(request, "orgs/org_agencies.html", ctx)


@login_required
def org_agency_new(request):
    org_scope(request, write=True)
    form = AgencyCreateForm(request.POST or None)
    page = lambda status=200: render(request, "orgs/org_agency_new.html", {"form": form}, status=status)  # noqa: E731
    if request.method == "POST":
        created = []

        def change(d):
            created.append(services.create_agency(audit.Actor.from_request(request), **d))

        response = run_form(request, form, change, _("Đã tạo cơ quan."), page)
        return response or redirect("org_agency", pk=created[0].pk)
    return page()


def _agency_forms(agency: Agency, data=None, which: str = ""):
    seen = services.stamp(services.agency_state(agency))
    bound = lambda name: data if which == name else None  # noqa: E731
    return {
        "rename_form": AgencyRenameForm(bound("rename"), initial={
            "seen": seen, "name": agency.name, "short_name": agency.short_name, "email": agency.email}),
        "end_form": AgencyEndForm(bound("end"), agency=agency, initial={
            "seen": seen, "transfer_standing": agency.is_standing_body}),
        "standing_form": StandingBodyForm(bound("standing"), initial={"seen": seen}),
    }


def _agency_page(request, agency, forms_, status=200):
    scope = get_scope(request.user)
    ctx = {
        "agency": agency, "can_edit": scope.is_dept_admin, "history": history("orgs.agency", agency.pk),
        "members": agency.memberships.select_related("user").order_by("user__username", "role"),
        "predecessors": agency.predecessors.order_by("name"),
        "ended": agency.valid_to is not None, **forms_,
    }
    return render(request, "orgs/org_agency.html", ctx, status=status)


@login_required
def org_agency(request, pk):
    org_scope(request)
    agency = get_object_or_404(Agency.objects.select_related("unit", "successor"), pk=pk)
    return _agency_page(request, agency, _agency_forms(agency))


def _agency_action(request, pk, which: str, change, done: str):
    org_scope(request, write=True)
    agency = get_object_or_404(Agency.objects.select_related("unit", "successor"), pk=pk)
    forms_ = _agency_forms(agency, request.POST, which)
    form = forms_[f"{which}_form"]
    response = run_form(request, form, change, done, lambda status: _agency_page(request, agency, forms_, status))
    return response or redirect("org_agency", pk=agency.pk)


@login_required
@require_POST
def org_agency_rename(request, pk):
    def change(d):
        services.rename_agency(pk, audit.Actor.from_request(request), seen=d["seen"], name=d["name"],
                               short_name=d["short_name"], email=d["email"], reason=d["reason"])

    return _agency_action(request, pk, "rename", change, _("Đã lưu tên cơ quan."))


@login_required
@require_POST
def org_agency_end(request, pk):
    def change(d):
        name = d["new_successor_name"].strip()
        services.end_agency(
            pk, audit.Actor.from_request(request), seen=d["seen"], ends_on=d["ends_on"],
            successor_id=d["successor"].pk if d["successor"] else None,
            new_successor={"name": name} if name else None,
            transfer_standing=d.get("transfer_standing", False), reason=d["reason"],
        )

    return _agency_action(request, pk, "end", change, _("Đã ghi ngày cơ quan hết hiệu lực."))


@login_required
@require_POST
def org_agency_standing(request, pk):
    def change(d):
        services.set_standing_body(pk, audit.Actor.from_request(request), seen=d["seen"], replace=d["replace"],
                                   reason=d["reason"])

    return _agency_action(request, pk, "standing", change, _("Đã giao vai trò cơ quan thường trực."))


# --- users --------------------------------------------------------------------------------------------


@login_required
def org_users(request):
    scope = org_scope(request)
    users = get_user_model().objects.order_by("username").prefetch_related("memberships__agency")
    return render(request, "orgs/org_users.html", {"users": users, "can_edit": scope.is_dept_admin})


@login_required
def org_user_new(request):
    org_scope(request, write=True)
    form = UserCreateForm(request.POST or None)
    page = lambda status=200: render(request, "orgs/org_user_new.html", {"form": form}, status=status)  # noqa: E731
    if request.method == "POST":
        created = []

        def change(d):
            created.append(services.create_user(
                audit.Actor.from_request(request), username=d["username"], full_name=d["full_name"],
                email=d["email"], password=d["password"], agency=d["agency"], role=d["role"], reason=d["reason"],
            ))

        response = run_form(request, form, change, _("Đã tạo người dùng."), page)
        return response or redirect("org_user", pk=created[0].pk)
    return page()


def _user_forms(user, data=None, which: str = ""):
    seen = services.stamp(services.user_state(user))
    bound = lambda name: data if which == name else None  # noqa: E731
    return {
        "update_form": UserUpdateForm(bound("update"), initial={
            "seen": seen, "full_name": user.get_full_name(), "email": user.email}),
        "active_form": UserActiveForm(bound("active"), initial={"seen": seen, "active": not user.is_active}),
        "add_form": MembershipAddForm(bound("add"), initial={"seen": seen}),
        "remove_form": MembershipRemoveForm(bound("remove"), initial={"seen": seen}),
        "password_form": PasswordResetForm(bound("password")),
    }


def _user_page(request, user, forms_, status=200):
    scope = get_scope(request.user)
    ctx = {
        "person": user, "can_edit": scope.is_dept_admin and not (user.is_staff or user.is_superuser),
        "memberships": user.memberships.select_related("agency").order_by("agency__name", "role"),
        "history": history("auth.user", user.pk), **forms_,
    }
    return render(request, "orgs/org_user.html", ctx, status=status)


@login_required
def org_user(request, pk):
    org_scope(request)
    user = get_object_or_404(get_user_model(), pk=pk)
    return _user_page(request, user, _user_forms(user))


def _user_action(request, pk, which: str, change, done: str):
    org_scope(request, write=True)
    user = get_object_or_404(get_user_model(), pk=pk)
    forms_ = _user_forms(user, request.POST, which)
    response = run_form(request, forms_[f"{which}_form"], change, done,
                    lambda status: _user_page(request, user, forms_, status))
    return response or redirect("org_user", pk=user.pk)


@login_required
@require_POST
def org_user_update(request, pk):
    def change(d):
        services.update_user(pk, audit.Actor.from_request(request), seen=d["seen"], full_name=d["full_name"],
                             email=d["email"], reason=d["reason"])

    return _user_action(request, pk, "update", change, _("Đã lưu thông tin người dùng."))


@login_required
@require_POST
def org_user_active(request, pk):
    def change(d):
        services.set_active(pk, audit.Actor.from_request(request), seen=d["seen"], active=d["active"],
                            reason=d["reason"])

    return _user_action(request, pk, "active", change, _("Đã đổi trạng thái tài khoản."))


@login_required
@require_POST
def org_user_membership_add(request, pk):
    def change(d):
        services.add_membership(pk, audit.Actor.from_request(request), seen=d["seen"], agency=d["agency"],
                                role=d["role"], reason=d["reason"])

    return _user_action(request, pk, "add", change, _("Đã thêm vai trò."))


@login_required
@require_POST
def org_user_membership_remove(request, pk, mid):
    org_scope(request, write=True)
    get_object_or_404(Membership, pk=mid, user_id=pk)

    def change(d):
        services.remove_membership(mid, audit.Actor.from_request(request), seen=d["seen"], reason=d["reason"])

    return _user_action(request, pk, "remove", change, _("Đã bỏ vai trò."))


@login_required
@require_POST
def org_user_password(request, pk):
    def change(d):
        services.reset_password(pk, audit.Actor.from_request(request), password=d["password"], reason=d["reason"])

    return _user_action(request, pk, "password", change, _("Đã đặt lại mật khẩu."))


# --- units -------------------------------------------------------------------------------------------

UNITS_SHOWN = 500  # a list longer than this asks for a narrower search


@login_required
def org_units(request):
    org_scope(request)
    day = _day_param(request)
    kind = request.GET.get("cap", "")
    q = request.GET.get("q", "").strip()[:100]
    qs = Unit.objects.select_related("parent", "successor").order_by("kind", "parent__name", "name")
    if kind in Unit.Kind.values:
        qs = qs.filter(kind=kind)
    if q:
        qs = qs.filter(name__icontains=q)
    if request.GET.get("tat-ca") != "1":
        qs = qs.valid_on(day)
    total = qs.count()
    ctx = {"units": qs[:UNITS_SHOWN], "total": total, "shown": UNITS_SHOWN, "day": day, "kind": kind, "q": q,
           "kinds": Unit.Kind.choices, "all": request.GET.get("tat-ca") == "1"}
    return render(request, "orgs/org_units.html", ctx)


def _unit_page(request, unit, form, status=200):
    ctx = {"unit": unit, "form": form, "can_edit": get_scope(request.user).is_dept_admin,
           "history": history("orgs.unit", unit.pk), "predecessors": unit.predecessors.order_by("name")}
    return render(request, "orgs/org_unit.html", ctx, status=status)


@login_required
def org_unit(request, pk):
    org_scope(request, write=request.method == "POST")
    unit = get_object_or_404(Unit.objects.select_related("parent", "successor"), pk=pk)
    initial = {"seen": services.stamp(services.unit_state(unit)), "valid_from": unit.valid_from,
               "valid_to": unit.valid_to, "successor": unit.successor_id}
    form = UnitValidityForm(request.POST or None, unit=unit, initial=initial)
    if request.method == "POST":
        def change(d):
            services.set_unit_validity(
                unit.pk, audit.Actor.from_request(request), seen=d["seen"], valid_from=d["valid_from"],
                valid_to=d["valid_to"], successor_id=d["successor"].pk if d["successor"] else None,
                reason=d["reason"],
            )

        response = run_form(request, form, change, _("Đã lưu hiệu lực của đơn vị."),
                        lambda status: _unit_page(request, unit, form, status))
        return response or redirect("org_unit", pk=unit.pk)
    return _unit_page(request, unit, form)
