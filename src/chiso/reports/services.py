"""Report generation: gather a JSON snapshot of the data, then write the documents from it.

``create_job`` records the request (the job row, QUEUED) and queues ``run_job`` on the task runner
(:mod:`chiso.lib.tasks`); ``run_job`` claims the job, does the work and reports progress on the job
row. Jobs run in the worker process (``qcluster``), never on a thread of the web process
(``make run`` starts it beside the server; docs/reports.md, docs/deployment.md).
Every number in a report is read from the snapshot, never again from the database, so a job can be
re-rendered later exactly as it was.
"""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.translation import gettext_noop

from chiso import docgen
from chiso.collection import matrix
from chiso.collection.models import Round, Submission, Value
from chiso.docgen.template import TemplateError
from chiso.docgen.template import apply as apply_template
from chiso.lib import frameworks, tasks
from chiso.lib.filenames import file_stem
from chiso.lib.periods import period_end, period_label
from chiso.orgs import audit, issuers
from chiso.orgs.models import Agency
from chiso.results.models import IndexRun, PublishedValue
from chiso.results.services import combine, combine_rule, partial_coverage, target_for

from . import documents, kinds, program_data
from .frameworks import QUARTERLY_ID
from .models import DocumentTemplate, ReportJob

log = logging.getLogger(__name__)
WORDING = Path(__file__).parent / "wording"  # the shipped wording of each report (docs/reports.md)

QUARTERLY_CODES = [
    "ho_so_tiep_nhan",
    "ho_so_truc_tuyen",
    "ho_so_dung_han",
    "ho_so_tre_han",
    "dvc_muc_3",
    "dvc_muc_4",
    "dvc_muc_3_phat_sinh",
    "dvc_muc_4_phat_sinh",
]


class ReportError(Exception):
    """A user-facing refusal (a Vietnamese sentence)."""


# --- who writes: the province and the standing body in force on the document's date --------------


def document_day(params: dict | None) -> dt.date:
    """The date a report is dated: the one asked for, else today (the header prints it)."""
    day = (params or {}).get("date")
    return dt.date.fromisoformat(day) if day else timezone.localdate()


def issuer(day: dt.date | None = None, province_ref: str = "") -> dict[str, Any]:
    """The issuer of a document dated ``day`` (:func:`chiso.orgs.issuers.issuer`), as snapshot JSON."""
    return issuers.issuer(day or timezone.localdate(), province_ref).as_dict()


# --- annual analysis report (the program's yearly review conference) -------------------------------


def _subtree(fw, code: str) -> set[str]:
    node = fw.node(code)
    out, stack = set(), [node]
    while stack:
        n = stack.pop()
        out.add(n.code)
        stack.extend(n.children)
    return out


def _status_vi(fw) -> dict[str, str]:
    """The framework's sentence and status note in Vietnamese (a document's language)."""
    with translation.override("vi"):
        return {"sentence": matrix.framework_sentence(fw), "status_note": matrix.status_note(fw)}


def default_annual_run() -> IndexRun | None:
    return IndexRun.objects.order_by("-year", "-created", "-id").first()


def annual_snapshot(
    *,
    framework_id: str | None = None,
    year: int | None = None,
    as_of: dt.date | None = None,
    day: dt.date | None = None,
) -> dict[str, Any]:
    """The published (or computed) result of ``framework_id`` for ``year`` (default: the latest run),
    its trend, each main index against the target-rank threshold and the best province, the agencies
    accountable for each weak one, and the program's tasks, KPIs and open recommendations."""
    run = _annual_run(framework_id, year)
    fw = frameworks.get_framework(run.framework_id)
    who = issuer(day, run.unit_ref)
    target_rank, target_basis = target_for(fw.id)
    root, components = _annual_nodes(fw, run)
    doc_day = day or timezone.localdate()
    _accountable(fw, components, doc_day)
    # Counts as of the report's date: the program is judged at the end of the review year, or on the
    # report's date when it is dated earlier; recommendations are read on the report's date.
    as_of = min(as_of or period_end(run.year + 1, None), doc_day)
    prog = program_data.program_state(framework_id=fw.id, as_of=as_of, day=doc_day)
    plan = _plan(fw.id, run, doc_day)
    return {
        "kind": "annual",
        "generated_at": timezone.now().isoformat(),
        "issuer": who,
        "unit": issuers.short_province_name(run.unit_name),
        "framework": {"id": fw.id, "name": fw.label("vi"), "root": fw.root.code, "status": fw.status,
                      **_status_vi(fw)},
        "year": run.year,
        "run": _run_facts(run),
        "target_rank": target_rank,
        "target_basis": target_basis,
        "root": root,
        "components": components,
        "trend": _trend(fw, run),
        "program": prog,
        "plan": plan,
        "is_demo": bool(run.is_demo or prog.get("is_demo") or plan.get("is_demo")),
    }


def _annual_run(framework_id: str | None, year: int | None) -> IndexRun:
    """The run the annual report is about: the latest of ``framework_id`` and ``year`` (each when given)."""
    runs = IndexRun.objects.all()
    if framework_id:
        runs = runs.filter(framework_id=framework_id)
    if year:
        runs = runs.filter(year=year)
    run = runs.order_by("-year", "-created", "-id").first()
    if run is None:
        raise ReportError("Chưa có kết quả chỉ số nào (nhập bảng công bố hoặc tính chỉ số trước).")
    return run


def _run_facts(run: IndexRun) -> dict[str, Any]:
    return {
        "id": run.pk,
        "title": run.title,
        "basis": run.get_basis_display(),
        "projection": run.is_projection,
        "is_demo": run.is_demo,
        "score": run.score,
        "rank": run.rank,
        "rank_low": run.rank_low,
        "rank_high": run.rank_high,
        "n_units": run.n_units,
        "note": run.note,
        # main indices and indicators with data, of all (runs from a round; None before it was kept)
        "coverage": (run.summary or {}).get("coverage"),
    }


def _node_row(n: dict, ranking: dict[str, dict]) -> dict:
    """A node of the run's summary with its rank, the threshold of the target rank and the best
    province (from the peer ranking when the run has one), and its gaps to both."""
    row = {k: n.get(k) for k in ("code", "name", "score", "rank", "best", "best_unit", "threshold")}
    peer = ranking.get(n["code"])
    if peer:
        row.update({k: peer.get(k) for k in ("rank", "best", "best_unit", "threshold")})
    s, t, b = row["score"], row["threshold"], row["best"]
    row["gap"] = s - t if s is not None and t is not None else None
    row["gap_best"] = s - b if s is not None and b is not None else None
    row["weak"] = row["gap"] is not None and row["gap"] < 0
    row["strong"] = row["gap"] is not None and row["gap"] >= 0
    return row


def _annual_nodes(fw, run: IndexRun) -> tuple[dict, list[dict]]:
    """The root's row and the scored main indices' rows (:func:`_node_row`)."""
    summary = run.summary or {}
    ranking = {n["code"]: n for n in (summary.get("ranking") or {}).get("nodes", [])}
    nodes = [n for n in summary.get("nodes", []) if n.get("depth") == 1 and n.get("scored", True)]
    components = [_node_row(n, ranking) for n in nodes]
    root_n = next((n for n in summary.get("nodes", []) if n.get("depth") == 0), None)
    if root_n is None:
        return {"code": fw.root.code, "name": fw.root.label("vi"), "score": run.score}, components
    return _node_row(root_n, ranking), components


def _accountable(fw, components: list[dict], doc_day: dt.date) -> None:
    """Who answers for each component, among the agencies in force on the document's date: the
    matrix at the component, else at its nearest ancestor (inherited), plus what is set under it."""
    found = matrix.holders(fw, doc_day)
    for c in components:
        if c["code"] not in found:
            c.update(lead=[], support=[], lead_short="", support_short="", proposal=False, status_note="")
            continue
        h = matrix.subtree_holders(fw, c["code"], found)
        lead = list(dict.fromkeys(h.names("lead")))
        c["lead"] = lead
        c["support"] = [n for n in dict.fromkeys(h.names("support")) if n not in lead]
        # for a table cell: the local bodies counted, not listed ("UBND 129 xã, phường")
        lead_ids = {a.pk for a, _n in h.lead}
        with translation.override("vi"):  # the documents are in Vietnamese
            c["lead_short"] = matrix.short_names(list({a.pk: a for a, _n in h.lead}.values()))
            c["support_short"] = matrix.short_names(
                list({a.pk: a for a, _n in h.support if a.pk not in lead_ids}.values())
            )
            c["proposal"] = h.proposal
            c["status_note"] = matrix.status_note(fw, c["code"])


def _trend(fw, run: IndexRun) -> list[dict]:
    """The latest run of each year and the province's published total, as the dashboard shows them."""
    trend: dict[int, dict] = {}
    fw_runs = IndexRun.objects.filter(framework_id=fw.id)
    partial = partial_coverage(fw_runs, list(fw_runs.values_list("pk", flat=True)))
    for r in fw_runs.order_by("year", "created", "id").only(
        "year", "score", "rank", "rank_low", "rank_high", "is_demo", "is_projection", "title"
    ):
        trend[r.year] = {
            "coverage": partial.get(r.pk),  # computed on part of the main indices: no rank
            "year": r.year,
            "score": r.score,
            "rank": r.rank,
            "rank_low": r.rank_low,
            "rank_high": r.rank_high,
            "source": r.title,
            "is_demo": r.is_demo,
            "projection": r.is_projection,
        }
    published = PublishedValue.objects.filter(
        table__framework_id=fw.id, unit_ref=run.unit_ref, code=fw.root.code, table__is_demo=False
    )
    for p in published.select_related("table").order_by("table__year"):
        _add_published(trend, p)
    return [trend[y] for y in sorted(trend)]


def _add_published(trend: dict[int, dict], p: PublishedValue) -> None:
    """A published figure is a fact: it replaces a projection or fills what a run lacks."""
    row = trend.setdefault(
        p.table.year,
        {
            "year": p.table.year,
            "score": None,
            "rank": None,
            "rank_low": None,
            "rank_high": None,
            "source": "",
            "is_demo": False,
            "projection": False,
        },
    )
    if (row["projection"] or row["score"] is None) and p.value is not None:
        row.update(
            coverage=None,
            score=p.value,
            rank=p.rank,
            rank_low=None,
            rank_high=None,
            is_demo=False,
            projection=False,
            source=p.table.title,
        )
    elif row["rank"] is None and p.rank is not None:
        row.update(rank=p.rank, rank_low=None, rank_high=None)
        row["source"] = (f"{row['source']}; " if row["source"] else "") + f"hạng: {p.table.title}"


def _plan(framework_id: str, run: IndexRun, day: dt.date) -> dict[str, Any]:
    """The least-cost plan the report carries (``program.services.plan_tasks.plan_state``): the latest made up to the
    report's date on the report's run, else on another run of the same framework and year (named in
    ``run_title``); ``{"available": False, "note": …}`` when there is none."""
    from chiso.program.services.plan_tasks import plan_state
    from chiso.results.models import Plan

    made = Plan.objects.filter(framework_id=framework_id, run__year=run.year, created__lt=program_data.end_of(day))
    on = made.filter(run=run).first() or made.select_related("run").first()
    with translation.override("vi"):  # the documents are in Vietnamese
        state = plan_state(framework_id, as_of=day, run_id=on.run_id if on else run.pk)
    if state.get("available"):
        state["run_title"] = on.run.title if on is not None else run.title
    return state


# --- quarterly one-stop-shop report (the standing body's quarterly duty) ---------------------------


def _previous_quarter(year: int, quarter: int) -> tuple[int, int]:
    return (year - 1, 4) if quarter == 1 else (year, quarter - 1)


def _round_figures(rnd: Round | None) -> tuple[dict[int, dict[str, float]], dict[int, str]]:
    """Approved values per agency id; and the status of every agency's submission."""
    if rnd is None:
        return {}, {}
    values: dict[int, dict[str, float]] = {}
    for agency_id, code, number in Value.objects.filter(
        submission__round=rnd,
        submission__status=Submission.Status.APPROVED,
        number__isnull=False,
        code__in=QUARTERLY_CODES,
    ).values_list("submission__agency_id", "code", "number"):
        assert number is not None  # filtered on number__isnull=False
        values.setdefault(agency_id, {})[code] = number
    status = dict(rnd.submissions.values_list("agency_id", "status"))
    return values, status


def _totals(rows: list[dict], key: str) -> dict[str, float | None]:
    """The figures of ``rows`` together, each by the one rule that makes a province's value from its
    agencies' (:func:`chiso.results.services.combine_rule`: the form's counts are summed)."""
    fw = frameworks.get_framework(QUARTERLY_ID)
    out: dict[str, float | None] = {}
    for c in QUARTERLY_CODES:
        got = [v[c] for r in rows if (v := r[key] or {}).get(c) is not None]
        # nobody approved: 0 for a count (the table prints "Toàn tỉnh 0"), no figure for a rate
        out[c] = combine(fw, c, got) if got else (0.0 if combine_rule(fw, c) == "sum" else None)
    return out


def quarterly_snapshot(*, year: int, quarter: int, day: dt.date | None = None) -> dict[str, Any]:
    """Per agency and district: dossiers received, online, on time, late; level 3/4 services
    offered and used; from the APPROVED submissions of the quarter's round, with the previous
    quarter's round beside it."""
    rnd = Round.objects.filter(framework_id=QUARTERLY_ID, year=year, quarter=quarter).first()
    if rnd is None:
        name = frameworks.get_framework(QUARTERLY_ID).label("vi")
        raise ReportError(
            f"Chưa có đợt thu thập số liệu {period_label(year, quarter)} của bộ chỉ số “{name}” "
            "(tạo đợt thu thập cho quý này trước)."
        )
    py, pq = _previous_quarter(year, quarter)
    prev = Round.objects.filter(framework_id=QUARTERLY_ID, year=py, quarter=pq).first()
    cur_values, cur_status = _round_figures(rnd)
    prev_values, _prev_status = _round_figures(prev)
    status_label = dict(Submission.Status.choices)
    agencies = Agency.objects.filter(pk__in=set(cur_status) | set(prev_values)).order_by("kind", "name")
    rows = []
    for a in agencies:
        rows.append(
            {
                "agency": str(a),
                "agency_name": a.name,
                "kind": a.kind,
                "status": str(status_label.get(cur_status.get(a.pk, ""), "—")),
                "approved": a.pk in cur_values,
                "values": cur_values.get(a.pk),
                "prev": prev_values.get(a.pk),
            }
        )
    groups = []
    for kind, label in (
        (Agency.Kind.DEPARTMENT, "Sở, ban, ngành"),
        (Agency.Kind.DISTRICT, "UBND huyện, thành phố"),
    ):
        members = [r for r in rows if r["kind"] == kind]
        if members:
            groups.append(
                {
                    "kind": kind,
                    "label": label,
                    "rows": members,
                    "total": _totals([r for r in members if r["values"]], "values"),
                    "prev_total": _totals([r for r in members if r["prev"]], "prev"),
                }
            )
    others = [r for r in rows if r["kind"] not in (Agency.Kind.DEPARTMENT, Agency.Kind.DISTRICT)]
    if others:
        groups.append(
            {
                "kind": "other",
                "label": "Cơ quan khác",
                "rows": others,
                "total": _totals([r for r in others if r["values"]], "values"),
                "prev_total": _totals([r for r in others if r["prev"]], "prev"),
            }
        )
    total = _totals([r for r in rows if r["values"]], "values")
    prev_total = _totals([r for r in rows if r["prev"]], "prev") if prev is not None else None
    doc_day = day or timezone.localdate()
    prog = program_data.program_state(
        framework_id=None,
        as_of=min(period_end(year, quarter), doc_day),
        date_from=period_end(py, pq) + dt.timedelta(days=1),
        day=doc_day,
    )
    return {
        "kind": "quarterly",
        "generated_at": timezone.now().isoformat(),
        "issuer": issuer(day, prog.get("province_ref", "")),
        "year": year,
        "quarter": quarter,
        "period": period_label(year, quarter),
        "prev_period": period_label(py, pq),
        "round": {"id": rnd.pk, "title": rnd.title, "is_demo": rnd.is_demo},
        "prev_round": {"id": prev.pk, "title": prev.title, "is_demo": prev.is_demo} if prev else None,
        "groups": groups,
        "total": total,
        "prev_total": prev_total,
        "missing": [r["agency"] for r in rows if not r["approved"]],
        "program": prog,
        "is_demo": bool(rnd.is_demo or (prev and prev.is_demo) or prog.get("is_demo")),
    }


# --- program progress report (any date range) -----------------------------------------------------


def progress_snapshot(*, date_from: dt.date, date_to: dt.date, day: dt.date | None = None) -> dict[str, Any]:
    if date_from > date_to:
        raise ReportError("Ngày bắt đầu phải trước ngày kết thúc.")
    doc_day = day or timezone.localdate()
    prog = program_data.program_state(
        framework_id=None, as_of=min(date_to, doc_day), date_from=date_from, day=doc_day
    )
    return {
        "kind": "progress",
        "generated_at": timezone.now().isoformat(),
        "issuer": issuer(day, prog.get("province_ref", "")),
        "date_from": date_from.isoformat(),
        "date_to": date_to.isoformat(),
        "program": prog,
        "is_demo": bool(prog.get("is_demo")),
    }


# --- jobs ------------------------------------------------------------------------------------------


def title_for(kind: str, params: dict) -> str:
    return kinds.get(kind).title(params)


def _annual_title(params: dict) -> str:
    return f"Báo cáo phân tích kết quả chỉ số năm {params.get('year') or '(mới nhất)'}"


def _quarterly_title(params: dict) -> str:
    return f"Báo cáo {period_label(params['year'], params['quarter'])} về Một cửa điện tử và DVCTT"


def _progress_title(params: dict) -> str:
    return (
        f"Báo cáo tiến độ chương trình từ {dt.date.fromisoformat(params['date_from']):%d/%m/%Y} "
        f"đến {dt.date.fromisoformat(params['date_to']):%d/%m/%Y}"
    )


def _dmy(iso: str) -> str:
    return f"{dt.date.fromisoformat(iso):%d-%m-%Y}"


def register_kinds() -> None:
    """The three reports of this app as document kinds of the one job (:mod:`.kinds`)."""
    kinds.register(
        kinds.DocumentKind(
            kind=ReportJob.Kind.ANNUAL,
            label="Báo cáo phân tích kết quả chỉ số năm",
            snapshot=lambda p, day: annual_snapshot(
                framework_id=p.get("framework_id") or None, year=p.get("year") or None, day=day
            ),
            build=documents.build_annual,
            default_template=str(WORDING / "annual.txt"),
            title=_annual_title,
            file_name=lambda snap, p: ["bao cao phan tich chi so", snap.get("year")],
        )
    )
    kinds.register(
        kinds.DocumentKind(
            kind=ReportJob.Kind.QUARTERLY,
            label="Báo cáo quý về Một cửa điện tử và dịch vụ công trực tuyến",
            snapshot=lambda p, day: quarterly_snapshot(year=int(p["year"]), quarter=int(p["quarter"]), day=day),
            build=documents.build_quarterly,
            default_template=str(WORDING / "quarterly.txt"),
            title=_quarterly_title,
            file_name=lambda snap, p: ["bao cao quy", snap.get("quarter"), snap.get("year"), "mot cua dvctt"],
        )
    )
    kinds.register(
        kinds.DocumentKind(
            kind=ReportJob.Kind.PROGRESS,
            label="Báo cáo tiến độ chương trình hành động",
            snapshot=lambda p, day: progress_snapshot(
                date_from=dt.date.fromisoformat(p["date_from"]), date_to=dt.date.fromisoformat(p["date_to"]), day=day
            ),
            build=documents.build_progress,
            default_template=str(WORDING / "progress.txt"),
            title=_progress_title,
            file_name=lambda snap, p: ["bao cao tien do", "tu", _dmy(p["date_from"]), "den", _dmy(p["date_to"])],
        )
    )


RUN_JOB = "chiso.reports.services.run_job"  # the task the worker runs for a job


def create_job(kind: str, params: dict, actor: audit.Actor, *, template=None, is_preview: bool = False) -> ReportJob:
    """Queue one document (the worker process writes it). ``template``: the wording to use (a draft
    being previewed, with ``is_preview``); by default the kind's template in use when the job runs."""
    k = kinds.get(kind)
    with transaction.atomic():
        job = ReportJob.objects.create(
            kind=kind,
            params=params,
            title=("Xem trước mẫu văn bản — " if is_preview else "") + k.title(params),
            created_by=actor.user,
            step="Đang chờ",
            agency_id=k.agency(params),
            template=template,
            is_preview=is_preview,
        )
        audit.record(actor, "report.create", job, after={"kind": kind, "params": params})
        # queued when the transaction commits: a request that rolls back queues nothing
        tasks.enqueue(RUN_JOB, job.pk, by_runner=True, name=f"report-job-{job.pk}")
    return job


def snapshot_for(job: ReportJob) -> dict[str, Any]:
    return kinds.get(job.kind).snapshot(job.params, document_day(job.params))


def wording(kind: str) -> tuple[str, DocumentTemplate | None]:
    """The wording a new document of ``kind`` takes: the department's template in use (the latest
    put in use), else the shipped one (``None`` as the template). "" when the kind has neither."""
    active = (
        DocumentTemplate.objects.filter(kind=kind, status=DocumentTemplate.Status.ACTIVE)
        .order_by("-activated", "-id")
        .first()
    )
    if active is not None:
        return active.text, active
    path = kinds.get(kind).default_template
    return (Path(path).read_text(encoding="utf-8") if path and Path(path).exists() else ""), None


PREVIEW_NOTE = "BẢN XEM TRƯỚC MẪU VĂN BẢN — CHƯA DÙNG ĐỂ BAN HÀNH"


def _worded(job: ReportJob, kind: kinds.DocumentKind, spec: docgen.DocumentSpec) -> docgen.DocumentSpec:
    """``spec`` in the job's wording (its template, for a preview; else the one in use when it runs).
    The template used and what it leaves out are set on the job (saved with its files, shown on its
    page)."""
    used: DocumentTemplate | None
    if job.template_id:
        used = job.template
        assert used is not None  # template_id is set
        text = used.text
    else:
        text, used = wording(job.kind)
    warnings: list[str] = []
    if text:
        spec, warnings = apply_template(spec, text, keep_signature=job.params)
    if job.is_preview:
        spec.blocks.insert(0, docgen.Paragraph(PREVIEW_NOTE, bold=True, indent=False, align="center"))
    job.template = used
    job.snapshot = {**job.snapshot, "wording": {"template": used.pk if used else None, "warnings": warnings}}
    return spec


class _Superseded(Exception):
    """The job was taken by another runner (this one was taken for dead): stop without writing."""


def _progress(job: ReportJob, percent: int, step: str) -> None:
    """Progress and heartbeat, written only while this run still holds the job."""
    now = timezone.now()
    held = ReportJob.objects.filter(pk=job.pk, status=ReportJob.Status.RUNNING, attempts=job.attempts)
    if not held.update(progress=percent, step=step, heartbeat=now):
        raise _Superseded
    job.progress, job.step, job.heartbeat = percent, step, now


def _claimable(now: dt.datetime) -> Q:
    """QUEUED, or RUNNING with a heartbeat older than the runner's limit (its worker died)."""
    stale = now - dt.timedelta(seconds=tasks.stale_after())
    return Q(status=ReportJob.Status.QUEUED) | Q(status=ReportJob.Status.RUNNING, heartbeat__lt=stale)


def runnable():
    """The jobs a runner may take now, oldest first (``run_report_jobs`` runs them in-process)."""
    return ReportJob.objects.filter(_claimable(timezone.now())).order_by("created", "id")


def claim(job_id: int) -> ReportJob | None:
    """Take the job for this run, or None when another runner holds it or it is finished.

    One conditional UPDATE decides (QUEUED, or RUNNING with a stale heartbeat → RUNNING, one more
    attempt, heartbeat now): the database applies it to the row once, so of two claimants exactly
    one sees a row changed — on SQLite (one writer at a time) and PostgreSQL (the second UPDATE
    waits for the first and re-reads the row) alike, without a row lock."""
    now = timezone.now()
    won = ReportJob.objects.filter(_claimable(now), pk=job_id).update(
        status=ReportJob.Status.RUNNING,
        attempts=F("attempts") + 1,
        heartbeat=now,
        started=now,
        finished=None,
        progress=5,
        step=gettext_noop("Bắt đầu"),
        error="",
    )
    return ReportJob.objects.get(pk=job_id) if won else None


def run_job(job_id: int, *, pdf: bool = True, by_runner: bool = False) -> ReportJob:
    """Generate one job's files, saving progress and a heartbeat on the job row as it goes; a job
    another runner holds, or finished, is returned as it is.

    A report problem (``ReportError``, a template or PDF conversion error) ends the job FAILED with
    its reason at once. An unexpected error ends it FAILED too (with a Vietnamese sentence; the
    traceback goes to the log) — except when the task runner runs it (``by_runner``) and runs are
    left (``Q_CLUSTER["max_attempts"]``): the job goes back to QUEUED and the error is raised, so the
    runner delivers it again after ``retry`` seconds. A job whose worker died is taken again the same
    way, and given up once it has been started ``max_attempts`` times."""
    job = claim(job_id)
    if job is None:
        return ReportJob.objects.get(pk=job_id)
    if job.attempts > tasks.max_attempts():
        _fail(job, f"Việc tạo văn bản đã bị dừng giữa chừng {job.attempts - 1} lần (máy chủ khởi động lại "
                   "hoặc chạy quá thời gian cho phép); hãy tạo lại văn bản hoặc báo quản trị hệ thống.")
        return job
    try:
        _progress(job, 10, gettext_noop("Thu thập số liệu"))
        snap = snapshot_for(job)
        job.snapshot, job.is_demo = snap, bool(snap.get("is_demo"))
        job.save(update_fields=["snapshot", "is_demo"])
        _progress(job, 30, gettext_noop("Soạn văn bản và vẽ biểu đồ"))
        kind = kinds.get(job.kind)
        spec = _worded(job, kind, kind.build(snap, job.params))
        name = f"{job.kind}-{job.pk}"
        docx = docgen.render_docx(spec)
        job.docx.save(f"{name}.docx", ContentFile(docx), save=False)
        if kind.xlsx and spec.tables:
            _progress(job, 55, gettext_noop("Xuất bảng số liệu Excel"))
            job.xlsx.save(f"{name}.xlsx", ContentFile(docgen.render_xlsx(spec)), save=False)
        job.save(update_fields=["docx", "xlsx", "template", "snapshot"])
        if pdf:
            _progress(job, 65, gettext_noop("Chuyển sang PDF"))
            job.pdf.save(f"{name}.pdf", ContentFile(docgen.docx_to_pdf(docx)), save=False)
            job.save(update_fields=["pdf"])
        job.status, job.progress, job.step, job.finished = (
            ReportJob.Status.DONE,
            100,
            gettext_noop("Hoàn thành"),
            timezone.now(),
        )
        job.save(update_fields=["status", "progress", "step", "finished"])
    except _Superseded:
        return ReportJob.objects.get(pk=job_id)
    except ReportError as e:
        _fail(job, str(e))
    except docgen.ConversionError as e:  # the reason (LibreOffice's, in English) goes to the log only
        log.warning("report job %s: PDF conversion failed: %s", job.pk, e)
        _fail(job, "Không chuyển được văn bản sang PDF trên máy chủ; chi tiết đã được ghi vào nhật ký của máy "
                   "chủ. Hãy tạo lại văn bản hoặc báo quản trị hệ thống.")
    except TemplateError as e:
        _fail(job, f"Mẫu văn bản không dùng được — {e}")
    except Exception:  # a bug must not leave the job "running" forever
        log.exception("report job %s failed (run %s of %s)", job.pk, job.attempts, tasks.max_attempts())
        if by_runner and job.attempts < tasks.max_attempts():
            _requeue(job)
            raise  # the runner records the failure and delivers the task again
        _fail(job, "Lỗi không mong đợi khi tạo văn bản; chi tiết đã được ghi vào nhật ký của máy chủ. "
                   "Hãy tạo lại văn bản hoặc báo quản trị hệ thống.")
    return job


def _requeue(job: ReportJob) -> None:
    job.status, job.progress, job.step = ReportJob.Status.QUEUED, 0, gettext_noop("Chờ chạy lại")
    job.save(update_fields=["status", "progress", "step"])


def _fail(job: ReportJob, message: str) -> None:
    job.status, job.error, job.finished = ReportJob.Status.FAILED, message[:2000], timezone.now()
    job.step = gettext_noop("Lỗi")
    job.save(update_fields=["status", "error", "finished", "step"])


def download_name(job: ReportJob) -> str:
    """The downloaded file's name, without extension: what the document is and its date, in ASCII
    words, each once ("bao-cao-quy-2-2024-mot-cua-dvctt-ngay-07-12-2026")."""
    try:
        words = kinds.get(job.kind).file_name(job.snapshot or {}, job.params or {})
    except (LookupError, KeyError, TypeError, ValueError):
        words = [job.get_kind_display()]
    day = document_day(job.params) if (job.params or {}).get("date") else timezone.localtime(job.created).date()
    return file_stem(*words, f"ngay {day:%d-%m-%Y}", default=f"van-ban-{job.pk}")
