"""Recommendations."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from chiso.lib import frameworks, xlsx
from chiso.lib.filenames import file_stem
from chiso.orgs import audit
from chiso.orgs.access import get_scope
from chiso.orgs.models import Agency
from chiso.orgs.people import name_rows

from .. import services
from ..forms import (
    ActForm,
    RecommendationForm,
)
from ..models import (
    Program,
    Recommendation,
)
from .base import _forbidden, _get_recommendation_for_user
from .writing import _framework_names


def _filtered_recommendations(request):
    qs = Recommendation.objects.visible_to(request.user).select_related(
        "agency", "task", "assigned_to", "program"
    )
    g = request.GET
    if g.get("trang_thai") in Recommendation.Status.values:
        qs = qs.filter(status=g["trang_thai"])
    if g.get("loai") in Recommendation.Kind.values:
        qs = qs.filter(kind=g["loai"])
    if (g.get("co_quan") or "").isdigit():
        qs = qs.filter(agency_id=int(g["co_quan"]))
    if (g.get("nhiem_vu") or "").isdigit():
        qs = qs.filter(task__number=int(g["nhiem_vu"]))
    if g.get("q"):
        qs = qs.filter(title__icontains=g["q"][:100])
    return qs


@login_required
def recommendations(request):
    qs = _filtered_recommendations(request)
    scope = get_scope(request.user)
    agencies = Agency.objects.filter(
        pk__in=Recommendation.objects.visible_to(request.user).values("agency_id")
    )
    return render(
        request,
        "program/recommendations.html",
        {
            "recs": qs,
            "statuses": Recommendation.Status.choices,
            "kinds": Recommendation.Kind.choices,
            "agencies": agencies,
            "can_send": bool(scope.agency_ids),
            "g": request.GET,
            "is_demo": any(r.is_demo for r in qs),
            "query": request.GET.urlencode(),
        },
    )


@login_required
def recommendations_xlsx(request):
    """The filtered recommendations as a workbook, in Vietnamese whatever the reader's language: the
    component by name, the date sent as a date, the header frozen; labelled on every sheet when it
    shows demonstration data (a column says which rows when only some are)."""
    recs = list(_filtered_recommendations(request))
    demo = [r.is_demo for r in recs]
    mixed = any(demo) and not all(demo)
    with translation.override("vi"):
        names: dict[str, dict[str, str]] = {}
        header = ["STT", "Tiêu đề", "Cơ quan gửi", "Loại", "Nhiệm vụ", "Chỉ số thành phần", "Trạng thái",
                  "Cơ quan được giao", "Ngày gửi", "Trả lời", "Công khai"] + (["Dữ liệu minh họa"] if mixed else [])
        rows = []
        for n, r in enumerate(recs, start=1):
            if r.component and r.program.framework_id not in names:
                names[r.program.framework_id] = _framework_names(r.program.framework_id)[1]
            component = names.get(r.program.framework_id, {}).get(r.component, r.component) if r.component else ""
            rows.append([
                n, r.title, r.agency.name, r.get_kind_display(), str(r.task) if r.task else "", component,
                r.get_status_display(), r.assigned_to.name if r.assigned_to else "",
                timezone.localtime(r.created).date(), r.answer, "Có" if r.is_public else "Không",
            ] + (["Có" if r.is_demo else ""] if mixed else []))  # fmt: skip
        data = xlsx.workbook_bytes(
            "Kiến nghị", header, rows, formats=[xlsx.WHOLE], widths=[6, 50, 30, 18, 40, 30, 22, 30, 12, 50, 10, 12],
            demo_note=xlsx.DEMO_NOTE if any(demo) else "",
        )  # fmt: skip
    resp = HttpResponse(
        data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    name = file_stem("kiến nghị", f"ngày {timezone.localdate():%d-%m-%Y}")
    resp["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    return resp


@login_required
def recommendation_new(request):
    scope = get_scope(request.user)
    agencies = list(Agency.objects.filter(pk__in=scope.agency_ids))
    if not agencies:
        return _forbidden(_("Chỉ cán bộ của một cơ quan được gửi kiến nghị."))
    visible = Program.objects.visible_to(request.user)
    raw = request.POST.get("chuong_trinh") or request.GET.get("chuong_trinh") or ""
    today = timezone.localdate()
    program = (
        (visible.filter(pk=int(raw)).first() if raw.isdigit() and len(raw) < 19 else None)
        or visible.filter(starts_on__lte=today, ends_on__gte=today).first()
        or visible.first()
    )
    if program is None:
        raise Http404
    try:
        fw = frameworks.get_framework(program.framework_id)
        components = [
            (c, fw.node(c).label((get_language() or "vi")[:2])) for c in fw.codes if fw.depth(c) <= 2
        ]
    except Exception:  # an unknown framework: no component list
        components = []
    tasks = list(program.tasks.issued())
    form = RecommendationForm(
        request.POST or None,
        tasks=tasks,
        components=components,
        agencies=agencies,
        initial={"task": request.GET.get("nhiem_vu")},
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        agency = next(a for a in agencies if a.pk == d["agency"])
        task = next((t for t in tasks if t.number == d["task"]), None)
        rec = services.submit_recommendation(
            audit.Actor.from_request(request),
            program=program,
            agency=agency,
            title=d["title"],
            body=d["body"],
            kind=d["kind"],
            task=task,
            component=d["component"] or "",
        )
        messages.success(request, _("Đã gửi kiến nghị tới cơ quan thường trực."))
        return redirect("recommendation", pk=rec.pk)
    return render(
        request,
        "program/recommendation_new.html",
        {"form": form, "program": program},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def recommendation_detail(request, pk):
    rec = _get_recommendation_for_user(request, pk)
    scope = get_scope(request.user)
    return render(
        request,
        "program/recommendation.html",
        {
            "rec": rec,
            "steps": name_rows(rec.steps.select_related("agency")),
            "can_act": scope.is_department,
            "form": ActForm(),
            "is_demo": rec.is_demo,
        },
    )


@login_required
@require_POST
def recommendation_act(request, pk):
    rec = _get_recommendation_for_user(request, pk)
    if not get_scope(request.user).is_department:
        return _forbidden(_("Chỉ cơ quan thường trực xử lý kiến nghị."))
    form = ActForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Thao tác không hợp lệ."))
        return redirect("recommendation", pk=rec.pk)
    d = form.cleaned_data
    try:
        services.act_on_recommendation(
            rec.pk,
            audit.Actor.from_request(request),
            d["action"],
            text=d["text"],
            assigned_to=d["assigned_to"],
        )
    except services.ProgramError as e:
        messages.error(request, str(e))
    else:
        messages.success(request, _("Đã cập nhật kiến nghị."))
    return redirect("recommendation", pk=rec.pk)
