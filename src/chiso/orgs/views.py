"""Sign-in with lockout, the home page, agencies, the responsibility matrix, notices."""

from __future__ import annotations

from django.contrib.auth import authenticate, login, logout
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpResponseForbidden
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from chiso.engine import EngineError
from chiso.lib import frameworks

from . import audit, lockout
from .access import get_scope
from .forms import LoginForm, MatrixNodeForm
from .models import Agency, Notice, Responsibility, Unit


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


def home(request):
    from chiso.collection.models import Round, Submission

    if not request.user.is_authenticated:
        return render(request, "orgs/public_home.html", {"province": Unit.objects.filter(kind="province").first()})
    scope = get_scope(request.user)
    rounds = Round.objects.visible_to(request.user).order_by("-year", "-quarter")[:10]
    submissions = (
        Submission.objects.visible_to(request.user)
        .filter(agency_id__in=scope.agency_ids)
        .select_related("round", "agency")
        .order_by("-round__year", "-round__quarter", "agency__name")[:30]
    )
    is_demo = any(r.is_demo for r in rounds)
    return render(
        request, "orgs/home.html", {"rounds": rounds, "submissions": submissions, "is_demo": is_demo}
    )


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
    fw = _get_framework_or_404(fw_id)
    rows = {}
    for r in Responsibility.objects.visible_to(request.user).filter(framework_id=fw.id).select_related("agency"):
        rows.setdefault(r.code, {"lead": [], "support": []})[r.role].append(r.agency)
    lines = []
    for node in fw.nodes:
        entry = rows.get(node.code, {"lead": [], "support": []})
        lines.append({"node": node, "depth": fw.depth(node.code), **entry})
    ctx = {
        "fw": fw,
        "lines": lines,
        "choices": frameworks.framework_choices(),
        "can_edit": get_scope(request.user).is_department,
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
    current = Responsibility.objects.filter(framework_id=fw.id, code=code)
    initial = {
        "lead": [r.agency_id for r in current if r.role == Responsibility.Role.LEAD],
        "support": [r.agency_id for r in current if r.role == Responsibility.Role.SUPPORT],
    }
    form = MatrixNodeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        before = {k: sorted(v) for k, v in initial.items()}
        after = {
            "lead": sorted(a.pk for a in form.cleaned_data["lead"]),
            "support": sorted(a.pk for a in form.cleaned_data["support"]),
        }
        with transaction.atomic():
            Responsibility.objects.filter(framework_id=fw.id, code=code).delete()
            for role in ("lead", "support"):
                for agency in form.cleaned_data[role]:
                    Responsibility.objects.create(framework_id=fw.id, code=code, agency=agency, role=role)
            if before != after:
                audit.record(
                    audit.Actor.from_request(request),
                    "matrix.change",
                    ("orgs.responsibility", f"{fw.id}:{code}"),
                    before=before,
                    after=after,
                    reason=form.cleaned_data["reason"],
                    object_repr=f"{fw.id}:{code}",
                )
        return redirect("matrix", fw_id=fw.id)
    return render(request, "orgs/matrix_edit.html", {"fw": fw, "node": node, "form": form})


@login_required
def notices(request):
    qs = Notice.objects.visible_to(request.user)[:100]
    return render(request, "orgs/notices.html", {"notices": qs})


@login_required
@require_POST
def notices_read(request):
    Notice.objects.visible_to(request.user).filter(read_at__isnull=True).update(read_at=timezone.now())
    return redirect("notices")


def admin_login(request):
    """``/quan-tri/login/`` → the sign-in page, coming back to the admin afterwards."""
    next_url = request.GET.get("next") or "/quan-tri/"
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
        next_url = "/quan-tri/"
    return redirect(f"{reverse('login')}?{urlencode({'next': next_url})}")
