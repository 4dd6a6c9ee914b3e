"""The public page (no login): the province's published results and trend, the program's
objectives and progress, and the answered recommendations marked public.

Only approved or published data reaches this page: the board is computed from approved progress
reports and approved collected values; published results come from non-demonstration tables;
recommendations are shown only when answered and marked public, without their internal steps.
Narratives, evidence files and return reasons never appear here.
"""

from __future__ import annotations

from django.shortcuts import render

from chiso.lib import frameworks
from chiso.results.models import PublishedValue
from chiso.results.services import home_province

from . import services
from .models import Program, Recommendation


def _published_results(unit_ref: str) -> list[dict]:
    """Per framework: the home province's published total (value, rank) by year, oldest first."""
    if not unit_ref:
        return []
    rows = (PublishedValue.objects.filter(unit_ref=unit_ref, table__is_demo=False)
            .select_related("table").order_by("table__framework_id", "table__year"))
    out: dict[str, dict] = {}
    for pv in rows:
        fw_id = pv.table.framework_id
        try:
            fw = frameworks.get_framework(fw_id)
        except Exception:  # a table of a framework chiso no longer ships
            continue
        if pv.code != fw.root.code:
            continue
        d = out.setdefault(fw_id, {"framework": fw, "years": []})
        d["years"].append({"year": pv.table.year, "value": pv.value, "rank": pv.rank,
                           "source": pv.source or pv.table.source})
    return list(out.values())


def public_page(request):
    unit_ref, unit_name = home_province()
    boards = [services.board(p) for p in Program.objects.public().select_related("standing_body")]
    recs = (Recommendation.objects.public().filter(program__is_public=True)
            .select_related("agency", "task").order_by("-answered_at"))
    results = _published_results(unit_ref)
    chart = [{"label": r["framework"].label("vi"), "years": [y["year"] for y in r["years"]],
              "ranks": [y["rank"] for y in r["years"]]} for r in results]
    is_demo = any(b.is_demo for b in boards) or any(r.is_demo for r in recs)
    return render(request, "public/page.html", {
        "unit_name": unit_name, "boards": boards, "recs": recs, "results": results, "chart": chart,
        "is_demo": is_demo,
    })
