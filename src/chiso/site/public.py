"""The public page (no login, ``cong-khai/``): the province's published results and trend, the
program's objectives and progress, the answered recommendations marked public — and the sections
other apps register (:func:`chiso.lib.public.register_section`, from their ``AppConfig.ready``; the
internal ranking's league tables).

Only approved or published data reaches this page: the board is computed from approved progress
reports and approved collected values; published results come from non-demonstration tables;
recommendations are shown only when answered and marked public, without their internal steps.
Narratives, evidence files and return reasons never appear here.
"""

from __future__ import annotations

from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from chiso.lib import cache, frameworks
from chiso.lib.public import Section, ordered
from chiso.program import services
from chiso.program.models import Program, Recommendation
from chiso.results.models import PublishedValue
from chiso.results.services import home_province

# What the page's own sections are built from (the boards, the recommendations, the published ranks).
READS = ("program", "collection", "results", "orgs")


def _published_results(unit_ref: str) -> list[dict]:
    """Per framework: the home province's published total (value, rank) by year, oldest first."""
    if not unit_ref:
        return []
    rows = (
        PublishedValue.objects.filter(unit_ref=unit_ref, table__is_demo=False)
        .select_related("table")
        .order_by("table__framework_id", "table__year")
    )
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
        d["years"].append(
            {
                "year": pv.table.year,
                "value": pv.value,
                "rank": pv.rank,
                "source": pv.source or pv.table.source,
            }
        )
    return list(out.values())


# The page's own sections; apps add theirs through chiso.lib.public.register_section.
OWN_SECTIONS: list[Section] = [
    Section("results", "public/_results.html"),
    Section("programs", "public/_programs.html"),
    Section("recommendations", "public/_recommendations.html"),
]


def sections() -> list[Section]:
    return ordered(OWN_SECTIONS)


def public_body() -> dict:
    """The public page's content: built from public data only and from nothing about the reader
    (it takes no request), so one cached copy serves every visitor."""
    unit_ref, unit_name = home_province()
    boards = [services.board(p) for p in Program.objects.public().select_related("standing_body")]
    recs = list(
        Recommendation.objects.public()
        .filter(program__is_public=True)
        .select_related("agency", "task")
        .order_by("-answered_at")
    )
    results = _published_results(unit_ref)
    lang = (get_language() or "vi")[:2]
    chart = [
        {
            "label": r["framework"].label(lang),
            "years": [y["year"] for y in r["years"]],
            "ranks": [y["rank"] for y in r["years"]],
            "axis": str(_("Thứ hạng")),
        }
        for r in results
    ]
    is_demo = any(b.is_demo for b in boards) or any(r.is_demo for r in recs)
    ctx = {"unit_name": unit_name, "boards": boards, "recs": recs, "results": results, "chart": chart}
    parts = [render_to_string(s.template, {**ctx, **(s.context() if s.context else {})}) for s in sections()]
    return {"unit_name": unit_name, "sections": parts, "chart": chart, "is_demo": is_demo}


def public_page(request):
    shown = sections()
    reads = dict.fromkeys([*READS, *(ns for s in shown for ns in s.reads)])
    parts = (timezone.localdate().isoformat(), ",".join(s.name for s in shown))
    body = cache.fragment("public", reads, parts, public_body)
    return render(
        request,
        "public/page.html",
        {
            "unit_name": body["unit_name"],
            "chart": body["chart"],
            "is_demo": body["is_demo"],
            "sections": [mark_safe(s) for s in body["sections"]],  # noqa: S308 (our own render)
        },
    )
