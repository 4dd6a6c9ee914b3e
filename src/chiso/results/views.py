"""The dashboard, computed runs with their explanation, published tables and their import.

Each view starts with one access helper: not yours -> 404, yours but read-only -> 403.
Reading results: everyone for published data, signed-in users for runs on collected data.
Importing tables and computing runs: the standing body (department) only.
"""

from __future__ import annotations

import os
import secrets

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponseForbidden
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from chiso.collection import matrix
from chiso.engine.errors import EngineError
from chiso.lib import cache, frameworks
from chiso.lib.templatetags import framework_name, vn_number
from chiso.lib.vn_format import format_date
from chiso.orgs import audit
from chiso.orgs.access import get_scope

from . import services
from .forms import GoalpostsForm, ImportForm, RunForm, TargetForm
from .models import Goalpost, IndexRun, PublishedTable, PublishedValue, Target

# --- access helpers --------------------------------------------------------------------------------


def _get_run_for_user(request, pk) -> IndexRun:
    """Not visible -> 404."""
    return get_object_or_404(IndexRun.objects.visible_to(request.user), pk=pk)


def _department_or_403(request):
    if not get_scope(request.user).is_department:
        return HttpResponseForbidden(_("Chỉ cơ quan thường trực được nhập kết quả và tính chỉ số."))
    return None


# --- dashboard -------------------------------------------------------------------------------------

# The rendered dashboard body is cached (chiso.lib.cache) on the generations of what it reads — runs,
# published tables and targets (results), the responsibility matrix (orgs) — and the framework, run,
# language and audience: any change through chiso gives a new key.
DASHBOARD_READS = ("results", "orgs")
RUN_LIST_FIELDS = ("framework_id", "year", "title", "created", "is_demo", "is_projection", "score", "rank",
                   "rank_low", "rank_high")


def _audience(request) -> str:
    """Who the body is rendered for: anonymous readers see only runs on published data, the
    department also sees the management links."""
    if not request.user.is_authenticated:
        return "anon"
    return "dept" if get_scope(request.user).is_department else "user"


def dashboard(request):
    audience = _audience(request)
    parts = (request.GET.get("bo", ""), request.GET.get("lan", ""), audience)
    body = cache.fragment("results:dashboard", DASHBOARD_READS, parts, lambda: _dashboard_body(request, audience))
    # The compute form carries the reader's CSRF token: rendered per request, outside the cached body.
    return render(request, "results/dashboard.html", {**body, "can_manage": audience == "dept"})


def _dashboard_body(request, audience: str) -> dict:
    """Render the cacheable part of the dashboard: ``{"html", "is_demo", "has_run", "fw_id", "run_id",
    "tables"}`` (``tables``: ``(pk, title)`` of the framework's tables, for the department's compute form)."""
    runs = IndexRun.objects.visible_to(request.user)
    tables = PublishedTable.objects.visible_to(request.user)
    fw_ids = list(dict.fromkeys([*runs.values_list("framework_id", flat=True),
                                 *tables.values_list("framework_id", flat=True)]))
    fw_id = request.GET.get("bo") or (fw_ids[0] if fw_ids else None)
    en = (get_language() or "vi")[:2] == "en"
    ctx: dict = {"fw_ids": fw_ids, "fw_id": fw_id, "choices": [], "can_manage": audience == "dept",
                 "signed_in": audience != "anon"}
    for i in fw_ids:
        try:
            ctx["choices"].append((i, frameworks.get_framework(i).label("en" if en else "vi")))
        except EngineError:
            continue
    if fw_id is None or fw_id not in fw_ids:
        ctx["fw_id"] = None
        return {"html": render_to_string("results/_dashboard_body.html", ctx), "is_demo": False,
                "has_run": False, "fw_id": None, "run_id": None, "tables": []}
    fw = frameworks.get_framework(fw_id)
    unit_ref, unit_name = services.home_province()
    fw_runs = list(runs.filter(framework_id=fw_id).only(*RUN_LIST_FIELDS))
    latest_by_year: dict[int, IndexRun] = {}
    for r in fw_runs:  # ordered by -year, -created: the first seen per year is the latest
        latest_by_year.setdefault(r.year, r)
    run_pk = fw_runs[0].pk if fw_runs else None
    if request.GET.get("lan"):
        run_pk = next((r.pk for r in fw_runs if str(r.pk) == request.GET["lan"]), run_pk)
    run = (runs.only(*RUN_LIST_FIELDS, "summary", "note", "n_units", "basis").get(pk=run_pk)
           if run_pk is not None else None)
    published = (PublishedValue.objects.filter(table__framework_id=fw_id, unit_ref=unit_ref, code=fw.root.code,
                                               table__is_demo=False)
                 .select_related("table").order_by("table__year"))
    years = sorted({*latest_by_year, *(p.table.year for p in published)})
    # A run computed on part of the main indices shows no rank as fact (HC-COVERAGE: its coverage).
    partial = services.partial_coverage(runs, [r.pk for r in latest_by_year.values()] + ([run.pk] if run else []))
    trend = []
    for y in years:
        r = latest_by_year.get(y)
        p = next((p for p in published if p.table.year == y), None)
        trend.append({"year": y, "run": r, "published": p, "partial": partial.get(r.pk) if r else None})
    target_rank, target_basis = services.target_for(fw_id)
    main = {"nodes": [], "root": None, "chart": {"labels": [], "labels_en": [], "score": [], "best": [],
                                                "threshold": []}}
    if run is not None:
        stored = run.summary.get("dashboard")
        main = stored if stored and stored.get("target_rank") == target_rank else \
            services.main_table(run.summary, target_rank=target_rank)
    for n in main["nodes"]:
        n["label"] = n["name_en"] if en else n["name"]
    if audience != "anon" and main["nodes"]:
        # The gap table names who answers for each main index (signed-in readers): the agencies in
        # force today leading it, inherited from above or set on its components (chiso.collection.matrix).
        found = matrix.holders(fw, timezone.localdate())
        for n in main["nodes"]:
            h = matrix.subtree_holders(fw, n["code"], found) if n["code"] in found else matrix.Holder()
            n["lead"] = list(dict.fromkeys(h.names("lead")))
            n["support"] = [x for x in dict.fromkeys(h.names("support")) if x not in n["lead"]]
            n["lead_proposal"] = h.proposal
    chart = {
        "labels": main["chart"]["labels_en" if en else "labels"],
        "score": main["chart"]["score"], "best": main["chart"]["best"], "threshold": main["chart"]["threshold"],
        "years": [t["year"] for t in trend],
        # a projection's rank is a bracket: its best end is drawn
        "rank": [(t["run"].rank or t["run"].rank_low if t["run"] else None) or (t["published"].rank if t["published"]
                                                                                else None) for t in trend],
        "trend_score": [(t["run"].score if t["run"] else (t["published"].value if t["published"] else None))
                        for t in trend],
        "target_rank": target_rank, "unit": unit_name,
    }
    ctx.update({
        "fw_status": matrix.status_note(fw), "fw_sentence": matrix.framework_sentence(fw),
        "show_leads": audience != "anon",
        "fw": fw, "run": run, "runs": fw_runs, "nodes": main["nodes"], "root": main["root"], "trend": trend,
        "chart": chart, "unit_name": unit_name, "target_rank": target_rank, "target_basis": target_basis,
        "partial": partial.get(run.pk) if run is not None else None,  # HC-COVERAGE
    })
    return {"html": render_to_string("results/_dashboard_body.html", ctx), "is_demo": bool(run and run.is_demo),
            "has_run": run is not None, "fw_id": fw_id, "run_id": run.pk if run is not None else None,
            "tables": list(tables.filter(framework_id=fw_id).values_list("pk", "title")) if audience == "dept" else []}


# --- one run, explained ---------------------------------------------------------------------------------


def run_detail(request, pk):
    run = _get_run_for_user(request, pk)
    fw = frameworks.get_framework(run.framework_id)
    out = run.output
    u = out["units"].index(run.unit_name)
    codes = out["codes"]
    # Values behind the numbers: only those the reader may see (an agency sees its own).
    visible_subs: set[int] = set()
    origins = run.summary.get("origins", {})
    if origins and request.user.is_authenticated:
        from chiso.collection.models import Submission

        ids = {o["submission_id"] for os_ in origins.values() for o in os_}
        visible_subs = set(Submission.objects.visible_to(request.user).filter(pk__in=ids).values_list("pk", flat=True))
    contrib = _contributions(run)
    rows = []
    for j, code in enumerate(codes):
        node = fw.node(code)
        score = out["scores"][u][j]
        if node.is_indicator and score is None and code not in origins:
            continue
        agencies = [o for o in origins.get(code, []) if o["submission_id"] in visible_subs]
        hidden = len(origins.get(code, [])) - len(agencies)
        gp = run.goalposts.get(code)
        if hidden and not agencies:
            # Another agency's indicator: its score would give its raw value away (score = value ÷ goalpost).
            score = None
        rows.append({
            "code": code, "node": node, "depth": fw.depth(code), "score": score,
            "rank": None if run.is_projection else _whole(out["ranks"][u][j]),
            "contribution": contrib.get(code) if score is not None or not node.is_indicator else None,
            "source": out.get("sources", {}).get(f"{run.unit_name}|{code}", "") if not node.is_indicator or
            not hidden else "",
            "raw": run.inputs.get("province", {}).get(code) if node.is_indicator and not hidden else None,
            "agencies": agencies, "hidden": hidden, "goalpost": gp,
        })
    others = []
    if not run.is_projection:
        order = sorted(range(len(out["units"])), key=lambda i: (out["ranks"][i][0] or 999, out["units"][i]))
        others = [{"unit": out["units"][i], "score": out["scores"][i][0], "rank": _whole(out["ranks"][i][0])}
                  for i in order]
    ctx = {"run": run, "fw": fw, "rows": rows, "others": others, "is_demo": run.is_demo,
           "fw_status": matrix.status_note(fw), "fw_sentence": matrix.framework_sentence(fw),
           "can_manage": get_scope(request.user).is_department, "recipe": recipe_lines(run.recipe or {})}
    return render(request, "results/run.html", ctx)


def recipe_lines(recipe: dict) -> list[tuple[str, str]]:
    """How a run was computed, as (term, text) lines in the reader's language — never the stored dict,
    its codes or its input hash (``chiso.engine.compute._recipe``)."""
    missing = recipe.get("missing") or {}
    policy = {
        "error": _("không tính khi thiếu số liệu"),
        "reweight": _("chia lại trọng số cho các chỉ số còn lại"),
        "impute": _("điền giá trị thay thế"),
    }.get(missing.get("policy"), "")
    if missing.get("policy") == "impute":
        method = {
            "mean": _("trung bình"), "median": _("trung vị"), "min": _("nhỏ nhất"), "max": _("lớn nhất"),
            "zero": _("số 0"),
        }.get(missing.get("method"), "")
        policy = f"{policy} ({method})" if method else policy
    steps = {
        "impute": _("điền số liệu thiếu"), "treat": _("xử lý giá trị ngoại lai"), "score": _("chấm điểm"),
        "aggregate": _("tổng hợp"), "rank": _("xếp hạng"),
    }
    lines = [
        (_("Bộ chỉ số"), framework_name(recipe.get("framework")) if recipe.get("framework") else ""),
        (_("Năm áp dụng"), str(recipe.get("edition") or "")),
        (_("Số đơn vị"), vn_number(len(recipe.get("units") or []))),
        (_("Số chỉ số và nhóm chỉ số"), vn_number(len(recipe.get("codes") or []))),
        (_("Khi thiếu số liệu"), policy),
        (_("Các bước"), ", ".join(steps[s] for s in recipe.get("steps") or [] if s in steps)),
        (_("Chỉ số có xử lý ngoại lai"), vn_number(len(recipe.get("treatment") or {})) if "treatment" in recipe else ""),
        (_("Phiên bản bộ máy tính"), str(recipe.get("engine_version") or "")),
    ]
    merges = recipe.get("merges") or {}
    if merges:
        lines.append((_("Tính theo địa giới sau sáp nhập"),
                      "; ".join(f"{new} ← {', '.join(olds)}" for new, olds in merges.items())))
    return [(k, v) for k, v in lines if v]


def _whole(rank: float | None) -> int | None:
    """A rank as stored (a float in the run's JSON) printed as the whole number it is: 10, not 10,0."""
    return None if rank is None else int(rank)


def _contributions(run: IndexRun) -> dict[str, float | None]:
    """Contribution of every node to the root for the run's unit (recomputed from stored inputs)."""
    try:
        result = services.replay(run)
    except EngineError:
        return {}
    i = result.units.index(run.unit_name)
    c = result.contributions_to_root()[i]
    return {code: (None if c[j] != c[j] else float(c[j])) for j, code in enumerate(result.codes)}


@login_required
@require_POST
def run_new(request):
    denied = _department_or_403(request)
    if denied:
        return denied
    form = RunForm(request.POST, user=request.user)
    if not form.is_valid():
        messages.error(request, "; ".join(e for errs in form.errors.values() for e in errs))
        return redirect("results_dashboard")
    actor = audit.Actor.from_request(request)
    try:
        if form.cleaned_data.get("table"):
            run = services.run_from_table(form.cleaned_data["table"], actor)
        else:
            run = services.run_from_round(form.cleaned_data["round"], actor)
    except EngineError as e:
        messages.error(request, services.engine_message(e))
        return redirect("results_dashboard")
    except ValueError as e:
        messages.error(request, str(e))
        return redirect("results_dashboard")
    messages.success(request, _("Đã tính: {t}.").format(t=run.title))
    return redirect("results_run", pk=run.pk)


# --- published tables ------------------------------------------------------------------------------


def tables(request):
    qs = PublishedTable.objects.visible_to(request.user)
    return render(request, "results/tables.html", {
        "tables": qs, "can_manage": get_scope(request.user).is_department,
        "is_demo": any(t.is_demo for t in qs)})


def table_detail(request, pk):
    table = get_object_or_404(PublishedTable.objects.visible_to(request.user), pk=pk)
    values = list(table.values.all())
    codes = list(dict.fromkeys(v.code for v in values))
    fw = frameworks.find_framework(table.framework_id)
    # columns by the node's name (never its code), in the framework's order
    if fw is not None:
        codes.sort(key=lambda c: fw.codes.index(c) if c in fw.codes else len(fw.codes))
    heads = [(c, fw.node(c).label((get_language() or "vi")[:2]) if fw is not None and c in fw.codes else c)
             for c in codes]
    by_unit: dict[str, dict] = {}
    for v in values:
        row = by_unit.setdefault(v.unit_ref, {"name": v.unit_name, "row": v.row, "cells": {}, "source": v.source})
        row["cells"][v.code] = v
    rows = sorted(by_unit.values(), key=lambda r: (r["row"] or 0))
    return render(request, "results/table.html", {
        "table": table, "codes": codes, "heads": heads, "rows": rows, "is_demo": table.is_demo,
        "runs": table.runs.visible_to(request.user).order_by("-created")[:5],
        "can_manage": get_scope(request.user).is_department if request.user.is_authenticated else False})


def _import_dir():
    d = settings.PRIVATE_MEDIA_ROOT / "results-imports"
    os.makedirs(d, exist_ok=True)
    return d


def _import_token_ok(token: str) -> bool:
    return len(token) in (36, 37) and token[:32].isalnum() and token[32:] in (".csv", ".xlsx")


def _parse_upload(path, form: ImportForm):
    d = form.cleaned_data
    return services.parse_table(path, framework_id=d["framework_id"], year=d["year"],
                                published_on=d.get("published_on"), mapping=form.mapping())


@login_required
def table_import(request):
    """Upload -> preview (the dry-run: nothing is written) -> confirm (all or nothing).

    The preview says how every column was read; an unknown header comes with the closest names and a
    select, and the page re-reads the same upload (its token) with the headers mapped."""
    denied = _department_or_403(request)
    if denied:
        return denied
    token = request.POST.get("token", "") if request.method == "POST" else ""
    remap = bool(token) and "file" not in request.FILES
    form = ImportForm(request.POST or None, request.FILES or None, confirm=remap)
    ctx = {"form": form}
    if request.method == "POST" and form.is_valid():
        if remap:
            path = _import_dir() / token if _import_token_ok(token) else None
            if path is None or not path.exists():
                messages.error(request, _("Phiên nhập đã hết hạn; hãy tải tệp lên lại."))
                return redirect("results_import")
            file_name = request.POST.get("file_name", "")[:200]
        else:
            f = form.cleaned_data["file"]
            ext = ".xlsx" if f.name.lower().endswith(".xlsx") else ".csv"
            token = secrets.token_hex(16) + ext
            path = _import_dir() / token
            with open(path, "wb") as out:
                for chunk in f.chunks():
                    out.write(chunk)
            file_name = f.name
        preview = _parse_upload(path, form)
        if not preview.ok and not preview.unknown:
            os.remove(path)  # nothing to map: the file is fixed and uploaded again
            token = ""
        fw = frameworks.find_framework(preview.framework_id)
        choices = []
        if fw is not None:
            lang = (get_language() or "vi")[:2]
            choices = [(n.code, n.label(lang)) for n in fw.nodes] + [
                (f"rank:{n.code}", _("Thứ hạng: {name}").format(name=n.label(lang)))
                for n in fw.nodes if fw.depth(n.code) <= 1]
        ctx.update({"preview": preview, "token": token, "file_name": file_name, "data": form.cleaned_data,
                    "choices": choices, "mapping": form.mapping(),
                    "columns": _columns_read(preview.columns, dict(choices))})
    return render(request, "results/import.html", ctx)


def _columns_read(columns: list[dict], names: dict[str, str]) -> list[dict]:
    """How each column of the file was read, in words: ``{letter, header, read_as, kind}``."""
    kinds = {"unit": _("Tên tỉnh, thành phố"), "ignored": _("Bỏ qua"), "unknown": _("Chưa nhận ra")}
    out = []
    for c in columns:
        if c["kind"] in kinds:
            read_as = kinds[c["kind"]]
            if c["kind"] == "ignored" and c.get("matched_by") == "row_number":
                read_as = _("Số thứ tự (bỏ qua)")
        elif c["kind"] == "rank":
            read_as = names.get(f"rank:{c['code']}", _("Thứ hạng"))
        else:
            read_as = names.get(c["code"], c["code"])
            if c.get("check"):
                read_as = _("{name} — công bố, dùng để đối chiếu với kết quả tính lại").format(name=read_as)
        out.append({"letter": c["letter"], "header": c["header"], "kind": c["kind"], "read_as": read_as})
    return out


@login_required
@require_POST
def table_import_confirm(request):
    """Write the checked table, then compute the index at once and land on the run with the
    published totals and ranks compared; when the province has no complete row the table is kept
    and its page says why no run was made."""
    denied = _department_or_403(request)
    if denied:
        return denied
    token = request.POST.get("token", "")
    form = ImportForm(request.POST, confirm=True)
    if not _import_token_ok(token) or not form.is_valid():
        messages.error(request, _("Phiên nhập đã hết hạn; hãy tải tệp lên lại."))
        return redirect("results_import")
    path = _import_dir() / token
    if not path.exists():
        messages.error(request, _("Phiên nhập đã hết hạn; hãy tải tệp lên lại."))
        return redirect("results_import")
    d = form.cleaned_data
    preview = _parse_upload(path, form)
    actor = audit.Actor.from_request(request)
    try:
        table = services.save_table(preview, actor, title=d["title"], source=d["source"],
                                    file_name=request.POST.get("file_name", "")[:200])
    except ValueError as e:
        messages.error(request, str(e))
        return redirect("results_import")
    finally:
        os.remove(path)
    messages.success(request, _("Đã nhập bảng “{t}”: {n} đơn vị.").format(t=table.title, n=len(preview.rows)))
    try:
        run = services.run_from_table(table, actor)
    except (ValueError, EngineError) as e:
        why = services.engine_message(e) if isinstance(e, EngineError) else str(e)
        messages.warning(request, _("Chưa tính chỉ số: {why}").format(why=why))
        return redirect("results_table", pk=table.pk)
    return redirect("results_run", pk=run.pk)


# --- target rank and goalposts ---------------------------------------------------------------------


def _get_framework_or_404(fw_id: str):
    try:
        return frameworks.get_framework(fw_id)
    except (EngineError, LookupError, OSError):
        raise Http404(_("Không có bộ chỉ số {id}").format(id=fw_id)) from None


def _department_edits_or_403(request, fw_id: str):
    """``(framework, None)`` for the department; unknown framework -> 404, other roles -> 403."""
    fw = _get_framework_or_404(fw_id)
    if not get_scope(request.user).is_department:
        return fw, HttpResponseForbidden(_("Chỉ cơ quan thường trực được sửa mục tiêu và mốc tính điểm."))
    return fw, None


def _goalpost_rows(fw) -> list[dict]:
    """Each indicator that needs goalposts with the goalposts in force: entered or fitted on the
    last published edition (``None`` when neither exists)."""
    entered = {g.code: g for g in Goalpost.objects.filter(framework_id=fw.id)}
    nodes = services.goalpost_indicators(fw)
    fitted, origin = services.fitted_goalposts(fw, 9999, [n.code for n in nodes])
    rows = []
    for n in nodes:
        g = entered.get(n.code)
        rows.append({"node": n, "entered": g, "fitted": fitted.get(n.code), "fitted_source": origin.get(n.code, "")})
    return rows


@login_required
def goals(request, fw_id):
    """Target rank and goalposts of one framework edition: every signed-in role reads them."""
    fw = _get_framework_or_404(fw_id)
    target = Target.objects.filter(framework_id=fw.id).select_related("updated_by").first()
    target_rank, target_basis = services.target_for(fw.id)
    rows = _goalpost_rows(fw)
    return render(request, "results/goals.html", {
        "fw": fw, "target": target, "target_rank": target_rank, "target_basis": target_basis, "rows": rows,
        "choices": frameworks.framework_choices(), "can_manage": get_scope(request.user).is_department,
        "is_demo": any(r["entered"] is not None and r["entered"].is_demo for r in rows),
    })


@login_required
def target_edit(request, fw_id):
    fw, denied = _department_edits_or_403(request, fw_id)
    if denied:
        return denied
    rank, basis = services.target_for(fw.id)
    n_units = services.max_rank(fw)
    form = TargetForm(request.POST or None, n_units=n_units, initial={"rank": rank, "basis": basis})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        services.set_target(fw, audit.Actor.from_request(request), rank=d["rank"], basis=d["basis"],
                            reason=d["reason"])
        messages.success(request, _("Đã lưu thứ hạng mục tiêu: {rank}.").format(rank=d["rank"]))
        return redirect("results_goals", fw_id=fw.id)
    return render(request, "results/target_edit.html", {"fw": fw, "form": form, "n_units": n_units})


def _exact(x: float | None) -> str:
    """A stored number for a form field, with the decimal comma and without rounding (so that
    saving the form unchanged changes nothing)."""
    return "" if x is None else repr(float(x)).replace(".", ",")


@login_required
def goalposts_edit(request, fw_id):
    fw, denied = _department_edits_or_403(request, fw_id)
    if denied:
        return denied
    rows = _goalpost_rows(fw)
    initial = {}
    for r in rows:
        g, code = r["entered"], r["node"].code
        initial[f"mode_{code}"] = GoalpostsForm.ENTERED if g is not None else GoalpostsForm.PUBLISHED
        if g is not None:
            initial[f"lo_{code}"] = _exact(g.lo)
            initial[f"hi_{code}"] = _exact(g.hi)
    form = GoalpostsForm(request.POST or None, indicators=[r["node"] for r in rows], initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        source = d["source"] or _("Sở nhập ngày {date}").format(date=format_date(timezone.localdate()))
        n = services.save_goalposts(fw, d["entries"], audit.Actor.from_request(request), source=source,
                                    reason=d["reason"])
        messages.success(request, _("Đã lưu mốc tính điểm: {n} chỉ tiêu thay đổi.").format(n=n))
        return redirect("results_goals", fw_id=fw.id)
    by_code = {r["node"].code: r for r in rows}
    lines = [{**by_code[node.code], "mode": mode, "lo": lo, "hi": hi} for node, mode, lo, hi in form.rows()]
    return render(request, "results/goalposts_edit.html", {"fw": fw, "form": form, "lines": lines,
                                                           "is_demo": any(r["entered"] is not None and
                                                                          r["entered"].is_demo for r in rows)})
