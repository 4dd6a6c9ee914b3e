"""Index and frameworks."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponseForbidden
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from chiso.lib.refusal import Stale
from chiso.orgs import audit

from .. import editions, services
from ..access import get_access
from ..forms import CopyForm, EditionCopyForm, YamlForm
from ..models import (
    InternalFramework,
    Participant,
    Round,
)
from .base import _department_only, _on_form, _refused


@login_required
def index(request):
    acc = get_access(request.user)
    rounds = Round.objects.visible_to(request.user).select_related("framework")
    own = (
        Participant.objects.filter(agency_id__in=acc.agency_ids)
        .select_related("round", "agency")
        .order_by("-round__year")
    )
    return render(
        request,
        "assessment/index.html",
        {
            "acc": acc,
            "rounds": rounds,
            "own": own,
            "frameworks": InternalFramework.objects.filter(kind=InternalFramework.Kind.INTERNAL)
            if acc.reads_all
            else [],
            "is_demo": any(r.is_demo for r in rounds),
        },
    )


@login_required
def frameworks(request):
    acc = get_access(request.user)
    if not acc.reads_all:
        raise Http404
    rows = list(InternalFramework.objects.select_related("derived_from"))
    imported = {f.code for f in rows}
    return render(
        request,
        "assessment/frameworks.html",
        {
            "acc": acc,
            "frameworks": [f for f in rows if not f.is_index_copy],
            "copies": [f for f in rows if f.is_index_copy],
            "shipped": [(i, n) for i, n in services.shipped_internal() if i not in imported],
            "editions": editions.shipped_editions(),
            "can_copy_editions": acc.scope.is_dept_admin,
        },
    )


@login_required
@require_POST
def framework_import(request):
    if not get_access(request.user).reads_all:
        raise Http404
    denied = _department_only(request)
    if denied:
        return denied
    try:
        fw = services.import_shipped(request.POST.get("id", ""), audit.Actor.from_request(request))
    except services.Refused as e:
        return _refused(request, e, redirect("assessment_frameworks"))
    messages.success(request, _("Đã đưa bộ chỉ số “{name}” vào sử dụng.").format(name=fw.name))
    return redirect("assessment_framework", pk=fw.pk)


def _framework_for(request, pk) -> InternalFramework:
    """A province's copy of an edition is read by every signed-in user (agencies see the components they
    lead); an internal framework by the department and the leadership."""
    fw = get_object_or_404(InternalFramework.objects.select_related("derived_from"), pk=pk)
    if not fw.is_index_copy and not get_access(request.user).reads_all:
        raise Http404
    return fw


def _may_edit(request, fw: InternalFramework):
    """Copies of an edition: the department's administrator only; internal frameworks: the department."""
    acc = get_access(request.user)
    if fw.is_index_copy and not acc.scope.is_dept_admin:
        return HttpResponseForbidden(_("Chỉ quản trị của cơ quan thường trực sao và sửa bản của tỉnh."))
    return _department_only(request)


@login_required
def framework_detail(request, pk):
    fw = _framework_for(request, pk)
    if fw.is_index_copy:
        return _edition_detail(request, fw)
    try:
        pfw = services.pfw_for_text(fw.yaml_text, fw.sha256)
    except services.Refused as e:
        pfw, error = None, e.message
    else:
        error = ""
    tiers = []
    if pfw is not None:
        for t in pfw.tiers:
            tiers.append({"tier": t, "max": pfw.max_points(t.code), "n": len(pfw.indicators(t.code))})
    return render(
        request,
        "assessment/framework.html",
        {
            "fw": fw,
            "pfw": pfw,
            "error": error,
            "tiers": tiers,
            "acc": get_access(request.user),
            "indicators": pfw.indicators() if pfw else [],
            "rounds": fw.rounds.all(),
        },
    )


def _edition_detail(request, fw: InternalFramework):
    from chiso.collection.models import Round as CollectionRound
    from chiso.lib import frameworks as lib

    lang = (get_language() or "vi")[:2]
    try:
        parsed = lib.parse_text(fw.yaml_text, fw.sha256)
    except services.FrameworkError as e:
        parsed, error = None, " ".join(services.problems_vi(e))
    else:
        error = ""
    base = editions.base_of(fw)
    diff = editions.edition_diff(fw) if parsed is not None else None
    changes = [(editions.change_label(c.kind), c) for c in diff.changes] if diff else []
    return render(
        request,
        "assessment/framework_edition.html",
        {
            "fw": fw,
            "parsed": parsed,
            "error": error,
            "base": base,
            "status": editions.status_label(parsed.status) if parsed else "",
            "base_status": editions.status_label(base.status) if base else "",
            "summary": editions.summary(diff) if parsed is not None else "",
            "changes": changes,
            "lines": editions.tree_lines(parsed, lang) if parsed else [],
            "unknown_roles": editions.unknown_roles(parsed) if parsed else [],
            # allowed but probably a mistake (weights that do not sum to 1): sentences with their lines
            "warnings": services.problems_with_lines(list(parsed.warnings), fw.yaml_text) if parsed else [],
            "collection_rounds": CollectionRound.objects.filter(framework_id=fw.code).order_by("-year"),
            "open_round": editions.open_collection_rounds(fw.code).order_by("-opens_on").first(),
            "can_edit": get_access(request.user).scope.is_dept_admin,
            "lang": lang,
        },
    )


@login_required
def framework_edition_copy(request):
    """The province's own copy of a shipped index edition."""
    acc = get_access(request.user)
    if not acc.reads_all:
        raise Http404
    if not acc.scope.is_dept_admin:
        return HttpResponseForbidden(_("Chỉ quản trị của cơ quan thường trực sao và sửa bản của tỉnh."))
    shipped = editions.shipped_editions()
    lang = (get_language() or "vi")[:2]
    choices = [(f.id, f"{f.label(lang)} ({f.id}, {editions.status_label(f.status)})") for f in shipped]
    initial = {}
    if request.GET.get("base") in {f.id for f in shipped}:
        initial["base"] = request.GET["base"]
    form = EditionCopyForm(request.POST or None, editions=choices, initial=initial)
    status = 200
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            new = editions.copy_edition(
                d["base"], code=d["code"], edition=d["edition"], actor=audit.Actor.from_request(request)
            )
        except services.Refused as e:
            status = e.status
            _on_form(form, e)
        else:
            messages.success(
                request,
                _("Đã sao “{base}” thành bản của tỉnh “{code}”: thêm, đổi tên chỉ số thành phần và giao cơ quan "
                  "chủ trì rồi lưu.").format(base=new.base_id, code=new.code),  # fmt: skip
            )
            return redirect("assessment_framework_edit", pk=new.pk)
    elif request.method == "POST":
        status = 400
    return render(request, "assessment/framework_edition_copy.html", {"form": form}, status=status)


@login_required
def framework_copy(request, pk):
    fw = _framework_for(request, pk)
    denied = _may_edit(request, fw)
    if denied:
        return denied
    form = CopyForm(
        request.POST or None,
        initial={"edition": fw.edition + 1, "code": f"{fw.code.rsplit('-', 1)[0]}-{fw.edition + 1}"},
    )
    if request.method == "POST" and form.is_valid():
        try:
            new = services.copy(
                fw,
                code=form.cleaned_data["code"],
                edition=form.cleaned_data["edition"],
                actor=audit.Actor.from_request(request),
            )
        except services.Refused as e:
            _on_form(form, e)
        else:
            messages.success(
                request,
                _("Đã sao chép thành “{code}”. Bộ chỉ số cũ và kết quả các năm trước không đổi.").format(
                    code=new.code
                ),
            )
            return redirect("assessment_framework_edit", pk=new.pk)
    return render(request, "assessment/framework_copy.html", {"fw": fw, "form": form})


@login_required
def framework_edit(request, pk):
    fw = _framework_for(request, pk)
    denied = _may_edit(request, fw)
    if denied:
        return denied
    form = YamlForm(request.POST or None, initial={"yaml_text": fw.yaml_text, "version": fw.version})
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.update_yaml(
                fw,
                form.cleaned_data["yaml_text"],
                audit.Actor.from_request(request),
                version=form.cleaned_data["version"],
            )
        except services.Refused as e:
            if e.status == 409:  # a newer save, or a collection round open on it: what was typed stays
                status = 409
                if isinstance(e, Stale):  # told once: the form now carries the newer version
                    data = request.POST.copy()
                    data["version"] = str(InternalFramework.objects.get(pk=fw.pk).version)
                    form = YamlForm(data)
                    form.is_valid()
                form.add_error(None, e.message)
            else:
                form.add_error("yaml_text", e.errors.get("yaml_text") or e.message)
        else:
            messages.success(
                request,
                _("Đã lưu bản của tỉnh. Các trang thu thập, chương trình và ma trận trách nhiệm dùng ngay bản mới.")
                if fw.is_index_copy
                else _("Đã lưu bộ chỉ số. Các đợt đánh giá đã mở vẫn dùng bản chụp của chúng."),
            )
            return redirect("assessment_framework", pk=fw.pk)
    ctx = {"fw": fw, "form": form, "used_by": fw.rounds.count()}
    if fw.is_index_copy:
        ctx["open_round"] = editions.open_collection_rounds(fw.code).order_by("-opens_on").first()
    return render(request, "assessment/framework_edit.html", ctx, status=status)
