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
from django.http import HttpResponseForbidden
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from chiso.engine.errors import EngineError
from chiso.lib import frameworks
from chiso.orgs import audit
from chiso.orgs.access import get_scope

from . import services
from .forms import ImportForm, RunForm
from .models import IndexRun, PublishedTable, PublishedValue

# --- access helpers --------------------------------------------------------------------------------


def _get_run_for_user(request, pk) -> IndexRun:
    """Not visible -> 404."""
    return get_object_or_404(IndexRun.objects.visible_to(request.user), pk=pk)


def _department_or_403(request):
    if not get_scope(request.user).is_department:
        return HttpResponseForbidden(_("Chỉ cơ quan thường trực được nhập kết quả và tính chỉ số."))
    return None


# --- dashboard -------------------------------------------------------------------------------------


def _framework_ids(runs, tables) -> list[str]:
    ids = list(dict.fromkeys([*runs.values_list("framework_id", flat=True),
                              *tables.values_list("framework_id", flat=True)]))
    return ids


def dashboard(request):
    runs = IndexRun.objects.visible_to(request.user)
    tables = PublishedTable.objects.visible_to(request.user)
    fw_ids = _framework_ids(runs, tables)
    fw_id = request.GET.get("bo") or (runs.values_list("framework_id", flat=True).first() if runs.exists() else None) \
        or (fw_ids[0] if fw_ids else None)
    ctx = {"fw_ids": fw_ids, "fw_id": fw_id, "choices": [], "is_demo": False}
    for i in fw_ids:
        try:
            ctx["choices"].append((i, frameworks.get_framework(i).label("vi")))
        except EngineError:
            continue
    if fw_id is None or fw_id not in fw_ids:
        return render(request, "results/dashboard.html", ctx)
    fw = frameworks.get_framework(fw_id)
    unit_ref, unit_name = services.home_province()
    fw_runs = list(runs.filter(framework_id=fw_id).defer("inputs", "output", "recipe", "goalposts"))
    latest_by_year: dict[int, IndexRun] = {}
    for r in fw_runs:  # ordered by -year, -created: the first seen per year is the latest
        latest_by_year.setdefault(r.year, r)
    run = fw_runs[0] if fw_runs else None
    if request.GET.get("lan"):
        run = next((r for r in fw_runs if str(r.pk) == request.GET["lan"]), run)
    published = (PublishedValue.objects.filter(table__framework_id=fw_id, unit_ref=unit_ref, code=fw.root.code,
                                               table__is_demo=False)
                 .select_related("table").order_by("table__year"))
    years = sorted({*latest_by_year, *(p.table.year for p in published)})
    trend = []
    for y in years:
        r = latest_by_year.get(y)
        p = next((p for p in published if p.table.year == y), None)
        trend.append({"year": y, "run": r, "published": p})
    target_rank, target_basis = services.target_for(fw_id)
    nodes = [n for n in (run.summary.get("nodes", []) if run else []) if n["depth"] == 1]
    ranking = (run.summary.get("ranking") or {}).get("nodes", []) if run else []
    ranking_by_code = {n["code"]: n for n in ranking}
    for n in nodes:
        peer = ranking_by_code.get(n["code"])
        if peer:
            n.update(rank=peer["rank"], best=peer["best"], best_unit=peer["best_unit"], threshold=peer["threshold"])
        n["gap"] = (n["score"] - n["threshold"]) if n["score"] is not None and n["threshold"] is not None else None
    root = next((n for n in (run.summary.get("nodes", []) if run else []) if n["depth"] == 0), None)
    if root and ranking_by_code.get(fw.root.code):
        root = {**root, **{k: ranking_by_code[fw.root.code][k] for k in ("rank", "best", "best_unit", "threshold")}}
    if root:
        root["gap"] = (run.score - root["threshold"]) if run.score is not None and root.get("threshold") is not None \
            else None
    chart = {
        "labels": [n["name"] for n in nodes if n["scored"]],
        "score": [n["score"] for n in nodes if n["scored"]],
        "best": [n["best"] for n in nodes if n["scored"]],
        "threshold": [n["threshold"] for n in nodes if n["scored"]],
        "years": [t["year"] for t in trend],
        # a projection's rank is a bracket: its best end is drawn
        "rank": [(t["run"].rank or t["run"].rank_low if t["run"] else None) or (t["published"].rank if t["published"]
                                                                                else None) for t in trend],
        "trend_score": [(t["run"].score if t["run"] else (t["published"].value if t["published"] else None))
                        for t in trend],
        "target_rank": target_rank, "unit": unit_name,
    }
    ctx.update({
        "fw": fw, "run": run, "runs": fw_runs, "nodes": nodes, "root": root, "trend": trend, "chart": chart,
        "unit_name": unit_name, "target_rank": target_rank, "target_basis": target_basis,
        "is_demo": bool(run and run.is_demo), "can_manage": get_scope(request.user).is_department,
        "tables": tables.filter(framework_id=fw_id),
    })
    return render(request, "results/dashboard.html", ctx)


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
            "rank": None if run.is_projection else out["ranks"][u][j],
            "contribution": contrib.get(code) if score is not None or not node.is_indicator else None,
            "source": out.get("sources", {}).get(f"{run.unit_name}|{code}", "") if not node.is_indicator or
            not hidden else "",
            "raw": run.inputs.get("province", {}).get(code) if node.is_indicator and not hidden else None,
            "agencies": agencies, "hidden": hidden, "goalpost": gp,
        })
    others = []
    if not run.is_projection:
        order = sorted(range(len(out["units"])), key=lambda i: (out["ranks"][i][0] or 999, out["units"][i]))
        others = [{"unit": out["units"][i], "score": out["scores"][i][0], "rank": out["ranks"][i][0]} for i in order]
    ctx = {"run": run, "fw": fw, "rows": rows, "others": others, "is_demo": run.is_demo,
           "can_manage": get_scope(request.user).is_department}
    return render(request, "results/run.html", ctx)


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
    by_unit: dict[str, dict] = {}
    for v in values:
        row = by_unit.setdefault(v.unit_ref, {"name": v.unit_name, "row": v.row, "cells": {}, "source": v.source})
        row["cells"][v.code] = v
    rows = sorted(by_unit.values(), key=lambda r: (r["row"] or 0))
    return render(request, "results/table.html", {"table": table, "codes": codes, "rows": rows,
                                                  "is_demo": table.is_demo})


def _import_dir():
    d = settings.PRIVATE_MEDIA_ROOT / "results-imports"
    os.makedirs(d, exist_ok=True)
    return d


@login_required
def table_import(request):
    """Upload -> preview (the dry-run: nothing is written) -> confirm (all or nothing)."""
    denied = _department_or_403(request)
    if denied:
        return denied
    form = ImportForm(request.POST or None, request.FILES or None)
    ctx = {"form": form}
    if request.method == "POST" and form.is_valid():
        f = form.cleaned_data["file"]
        ext = ".xlsx" if f.name.lower().endswith(".xlsx") else ".csv"
        token = secrets.token_hex(16) + ext
        path = _import_dir() / token
        with open(path, "wb") as out:
            for chunk in f.chunks():
                out.write(chunk)
        preview = services.parse_table(path, framework_id=form.cleaned_data["framework_id"],
                                       year=form.cleaned_data["year"])
        if not preview.ok:
            os.remove(path)
            token = ""
        ctx.update({"preview": preview, "token": token, "file_name": f.name, "data": form.cleaned_data})
    return render(request, "results/import.html", ctx)


@login_required
@require_POST
def table_import_confirm(request):
    denied = _department_or_403(request)
    if denied:
        return denied
    token = request.POST.get("token", "")
    form = ImportForm(request.POST, confirm=True)
    if not (len(token) in (36, 37) and token[:32].isalnum() and token[32:] in (".csv", ".xlsx")) or not form.is_valid():
        messages.error(request, _("Phiên nhập đã hết hạn; hãy tải tệp lên lại."))
        return redirect("results_import")
    path = _import_dir() / token
    if not path.exists():
        messages.error(request, _("Phiên nhập đã hết hạn; hãy tải tệp lên lại."))
        return redirect("results_import")
    d = form.cleaned_data
    preview = services.parse_table(path, framework_id=d["framework_id"], year=d["year"])
    try:
        table = services.save_table(preview, audit.Actor.from_request(request), title=d["title"], source=d["source"],
                                    file_name=request.POST.get("file_name", "")[:200])
    except ValueError as e:
        messages.error(request, str(e))
        return redirect("results_import")
    finally:
        os.remove(path)
    messages.success(request, _("Đã nhập bảng “{t}”: {n} đơn vị.").format(t=table.title, n=len(preview.rows)))
    return redirect("results_table", pk=table.pk)
