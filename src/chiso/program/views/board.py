"""Programs and the board."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from chiso.lib import cache, frameworks
from chiso.lib.vn_format import format_date
from chiso.orgs.access import get_scope
from chiso.orgs.models import Responsibility

from .. import services
from ..models import (
    Program,
    ProgressReport,
    Recommendation,
    Task,
)
from .base import _as_of, _get_program_for_user

# What the program's computed pages (the board, the overdue board, the public page) are built from:
# the program and its reports, the collected values feeding KPI actuals, the published ranks and the
# agencies. Their cached fragments are keyed on these namespaces' generations (chiso.lib.cache).
READS = ("program", "collection", "results", "orgs")


@login_required
def programs(request):
    qs = Program.objects.visible_to(request.user)
    can_write = services.may_write(request.user)
    if qs.count() == 1 and not can_write:
        return redirect("program", pk=qs.get().pk)
    return render(request, "program/programs.html", {"programs": qs, "can_write": can_write})


def _audience(scope) -> str:
    """Who a cached fragment is rendered for. The board and the public page show the same data to
    every reader of the audience; the department also gets the edit links."""
    return "dept" if scope.is_department else "reader"


@login_required
def program_board(request, pk):
    as_of = _as_of(request)
    audience = _audience(get_scope(request.user))

    def build():
        # A miss reads the program with the reader's access check (404 is raised, never cached).
        # A hit needs no program query: every signed-in user reads every program
        # (ProgramQuerySet.visible_to), and a deleted or changed program bumps the "program" namespace.
        program = _get_program_for_user(request, pk)
        b = services.board(program, as_of)
        html = render_to_string(
            "program/_board_body.html",
            {
                "program": program,
                "board": b,
                "as_of_text": format_date(b.as_of),
                "can_edit": audience == "dept",
            },
        )
        return {"html": html, "is_demo": b.is_demo, "title": program.decision_number}

    # Rendered once per (generations, program, date, language, audience): see chiso.lib.cache.
    body = cache.fragment("program-board", READS, (pk, as_of.isoformat(), audience), build)
    return render(
        request,
        "program/board.html",
        {
            "title": body["title"],
            "body": mark_safe(body["html"]),  # noqa: S308 (our own render)
            "is_demo": body["is_demo"],
            "pk": pk,
            "can_write": services.may_write(request.user),
        },
    )


@login_required
def task_detail(request, pk, number):
    program = _get_program_for_user(request, pk)
    task = get_object_or_404(
        Task.objects.issued().select_related("lead_agency", "objective"), program=program, number=number
    )
    b = services.board(program, _as_of(request))
    row = next(r for r in b.tasks if r.task.pk == task.pk)
    reports = (
        ProgressReport.objects.visible_to(request.user)
        .filter(task=task)
        .select_related("agency")
        .order_by("-year", "-quarter", "agency__name")
    )
    recs = Recommendation.objects.visible_to(request.user).filter(task=task).select_related("agency")
    is_demo = row.light != "grey" and b.is_demo or any(r.is_demo for r in reports)
    return render(
        request,
        "program/task.html",
        {
            "program": program,
            "task": task,
            "row": row,
            "reports": reports,
            "recs": recs,
            "is_demo": is_demo,
            "supporting": task.supporting_agencies.all(),
            "can_edit": get_scope(request.user).is_department,
            "can_write": services.may_write(request.user),
            "can_report": not b.closed
            and any(get_scope(request.user).can_enter(a) for a in services.task_agency_ids(task)),
            "closed": b.closed,
            "closing_sentence": b.closing_sentence,
        },
    )


@login_required
def duties(request, pk):
    program = _get_program_for_user(request, pk)
    duties = program.duties.prefetch_related("agencies")
    resp = (
        Responsibility.objects.visible_to(request.user)
        .filter(framework_id=program.framework_id)
        .select_related("agency")
        .order_by("agency__kind", "agency__name", "role", "code")
    )
    try:
        fw = frameworks.get_framework(program.framework_id)
        names = {c: fw.node(c).label((get_language() or "vi")[:2]) for c in fw.codes}
    except Exception:  # a program may name a framework chiso does not ship
        names = {}
    by_agency: dict[int, dict] = {}
    for r in resp:
        d = by_agency.setdefault(r.agency_id, {"agency": r.agency, "lead": [], "support": []})
        d[r.role].append((r.code, names.get(r.code, r.code)))
    tasks = program.tasks.issued().select_related("lead_agency").prefetch_related("supporting_agencies")
    return render(
        request,
        "program/duties.html",
        {
            "program": program,
            "duties": duties,
            "matrix": list(by_agency.values()),
            "tasks": tasks,
        },
    )
