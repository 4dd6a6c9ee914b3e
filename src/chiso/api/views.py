"""API v1 (django-ninja; OpenAPI document at /api/openapi.json, browsable at /api/docs).

Read frameworks, rounds, forms (submissions), values and results; write values and submit.
Token authentication: ``Authorization: Bearer chiso_…`` (see chiso.api.models.Token).
Every query goes through the same ``visible_to(user)`` querysets as the pages: not yours -> 404,
yours but read-only -> 403. Errors are ``{"error": "<Vietnamese sentence>"}``.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import HttpBearer

from chiso.collection import services as collection
from chiso.collection.models import Round, Submission, Value
from chiso.engine.errors import EngineError
from chiso.lib import frameworks
from chiso.orgs import audit
from chiso.orgs.access import get_scope
from chiso.results.models import IndexRun, PublishedTable

from .models import Token, digest

# --- authentication --------------------------------------------------------------------------------


class TokenAuth(HttpBearer):
    def authenticate(self, request, token: str):
        t = Token.objects.select_related("user").filter(digest=digest(token)).first()
        if t is None or not t.user.is_active:
            return None
        # Record use at most once a minute (a write per request would serialise the API on SQLite).
        now = timezone.now()
        if t.last_used is None or (now - t.last_used).total_seconds() > 60:
            Token.objects.filter(pk=t.pk).update(last_used=now)
        request.user = t.user
        return t.user


api = NinjaAPI(title="chiso API", version="1", urls_namespace="api", docs_url="/docs")
auth = TokenAuth()


def _error(request, message: str, status: int):
    return api.create_response(request, {"error": message}, status=status)


@api.exception_handler(AuthenticationError)
def _auth_error(request, exc):
    return _error(request, _("Cần khóa API hợp lệ (tiêu đề Authorization: Bearer <khóa>)."), 401)


@api.exception_handler(Http404)
def _not_found(request, exc):
    return _error(request, _("Không tìm thấy."), 404)


@api.exception_handler(ValidationError)
def _validation_error(request, exc):
    parts = []
    for e in exc.errors:
        loc = ".".join(str(x) for x in e.get("loc", ()) if x not in ("body", "payload"))
        parts.append(f"{loc}: {e.get('msg', '')}" if loc else e.get("msg", ""))
    return _error(request, _("Dữ liệu gửi lên không hợp lệ: {detail}").format(detail="; ".join(parts)), 422)


@api.exception_handler(HttpError)
def _http_error(request, exc):
    return _error(request, str(exc), exc.status_code)


# --- frameworks (public) ---------------------------------------------------------------------------


class FrameworkOut(Schema):
    id: str
    name: str


class NodeOut(Schema):
    code: str
    name: str
    parent: str | None
    depth: int
    is_indicator: bool
    unit: str
    scoring: str | None
    max_points: float | None


@api.get("/frameworks", response=list[FrameworkOut])
def list_frameworks(request):
    out = []
    for fw_id, _label in frameworks.framework_choices():
        fw = frameworks.get_framework(fw_id)
        out.append({"id": fw.id, "name": fw.label("vi")})
    return out


@api.get("/frameworks/{fw_id}", response=list[NodeOut])
def framework_nodes(request, fw_id: str):
    try:
        fw = frameworks.get_framework(fw_id)
    except (EngineError, LookupError, OSError):
        raise Http404 from None
    parents = frameworks.parent_map(fw)
    return [
        {"code": n.code, "name": n.label("vi"), "parent": parents.get(n.code), "depth": fw.depth(n.code),
         "is_indicator": n.is_indicator, "unit": n.unit or "",
         "scoring": n.scoring.rule if n.scoring else None, "max_points": n.max_points}
        for n in fw.nodes
    ]


# --- rounds and forms --------------------------------------------------------------------------------


class RoundOut(Schema):
    id: int
    framework_id: str
    year: int
    quarter: int | None
    title: str
    opens_on: str
    due_on: str
    locks_on: str
    is_demo: bool


def _round(r: Round) -> dict[str, Any]:
    return {"id": r.pk, "framework_id": r.framework_id, "year": r.year, "quarter": r.quarter, "title": r.title,
            "opens_on": r.opens_on.isoformat(), "due_on": r.due_on.isoformat(), "locks_on": r.locks_on.isoformat(),
            "is_demo": r.is_demo}


@api.get("/rounds", response=list[RoundOut], auth=auth)
def list_rounds(request):
    return [_round(r) for r in Round.objects.visible_to(request.user)]


@api.get("/rounds/{round_id}", response=RoundOut, auth=auth)
def get_round(request, round_id: int):
    return _round(get_object_or_404(Round.objects.visible_to(request.user), pk=round_id))


class ValueOut(Schema):
    code: str
    number: float | None
    choice: str
    comment: str
    version: int
    updated_at: str | None


class FormOut(Schema):
    id: int
    round_id: int
    agency: str
    agency_code: str
    status: str
    version: int
    can_edit: bool
    can_submit: bool
    indicators: list[str]
    values: list[ValueOut]


def _value(v: Value) -> dict[str, Any]:
    return {"code": v.code, "number": v.number, "choice": v.choice, "comment": v.comment, "version": v.version,
            "updated_at": v.updated_at.isoformat() if v.updated_at else None}


def _form(sub: Submission, user, *, with_values: bool = True) -> dict[str, Any]:
    scope = get_scope(user)
    fw = frameworks.get_framework(sub.round.framework_id)
    editable = collection.can_edit(sub, scope)
    return {
        "id": sub.pk, "round_id": sub.round_id, "agency": sub.agency.name, "agency_code": sub.agency.code,
        "status": sub.status, "version": sub.version, "can_edit": editable,
        "can_submit": editable and scope.can_sign(sub.agency_id),
        "indicators": collection.indicator_codes(fw, sub.agency_id),
        "values": [_value(v) for v in sub.values.all()] if with_values else [],
    }


def _get_submission(request, pk: int) -> Submission:
    """Not visible -> 404 (the same queryset as the pages)."""
    qs = Submission.objects.visible_to(request.user).select_related("round", "agency")
    return get_object_or_404(qs, pk=pk)


@api.get("/forms", response=list[FormOut], auth=auth)
def list_forms(request, round_id: int | None = None):
    qs = Submission.objects.visible_to(request.user).select_related("round", "agency")
    if round_id is not None:
        qs = qs.filter(round_id=round_id)
    return [_form(s, request.user, with_values=False) for s in qs]


@api.get("/forms/{form_id}", response=FormOut, auth=auth)
def get_form(request, form_id: int):
    return _form(_get_submission(request, form_id), request.user)


@api.get("/forms/{form_id}/values", response=list[ValueOut], auth=auth)
def list_values(request, form_id: int):
    sub = _get_submission(request, form_id)
    return [_value(v) for v in Value.objects.visible_to(request.user).filter(submission=sub)]


class ValueIn(Schema):
    code: str
    value: Any = None
    comment: str | None = None
    version: int | None = None


class ValuesIn(Schema):
    values: list[ValueIn]
    reason: str = ""


def _check_rw(request, sub: Submission) -> None:
    scope = get_scope(request.user)
    if not scope.can_enter(sub.agency_id):
        raise HttpError(403, _("Bạn chỉ được xem biểu mẫu này."))


@api.put("/forms/{form_id}/values", response=list[ValueOut], auth=auth)
def save_values(request, form_id: int, payload: ValuesIn):
    """Save several values at once: all or nothing (same rules as the form page)."""
    sub = _get_submission(request, form_id)
    _check_rw(request, sub)
    changes = [collection.Change(code=v.code, raw=v.value, comment=v.comment, expected_version=v.version)
               for v in payload.values]
    try:
        saved = collection.save_values(sub.pk, changes, audit.Actor.from_request(request),
                                       reason=payload.reason or _("Qua API"))
    except collection.Conflict as e:
        raise HttpError(409, str(e)) from None
    except collection.NotEditable as e:
        raise HttpError(403, str(e)) from None
    except collection.CollectionError as e:
        raise HttpError(400, str(e)) from None
    except ValueError as e:
        errors = getattr(e, "errors", {})
        detail = "; ".join(f"{k}: {v}" for k, v in errors.items()) or str(e)
        raise HttpError(400, _("Dữ liệu không hợp lệ: {detail}").format(detail=detail)) from None
    return [_value(v) for v in saved]


@api.post("/forms/{form_id}/submit", response=FormOut, auth=auth)
def submit_form(request, form_id: int):
    sub = _get_submission(request, form_id)
    if not get_scope(request.user).can_sign(sub.agency_id):
        raise HttpError(403, _("Chỉ lãnh đạo cơ quan được gửi biểu mẫu."))
    try:
        collection.submit(sub.pk, audit.Actor.from_request(request))
    except collection.CollectionError as e:
        raise HttpError(400, str(e)) from None
    sub.refresh_from_db()
    return _form(sub, request.user)


# --- results ---------------------------------------------------------------------------------------


class RunOut(Schema):
    id: int
    framework_id: str
    year: int
    unit: str
    title: str
    basis: str
    is_demo: bool
    is_projection: bool
    score: float | None
    rank: int | None
    rank_low: int | None
    rank_high: int | None
    n_units: int
    note: str
    nodes: list[dict]


def _run(r: IndexRun) -> dict[str, Any]:
    return {"id": r.pk, "framework_id": r.framework_id, "year": r.year, "unit": r.unit_name, "title": r.title,
            "basis": r.basis, "is_demo": r.is_demo, "is_projection": r.is_projection, "score": r.score,
            "rank": r.rank, "rank_low": r.rank_low, "rank_high": r.rank_high, "n_units": r.n_units,
            "note": r.note, "nodes": r.summary.get("nodes", [])}


@api.get("/results/runs", response=list[RunOut], auth=auth)
def list_runs(request, framework_id: str | None = None):
    qs = IndexRun.objects.visible_to(request.user).defer("inputs", "output", "recipe")
    if framework_id:
        qs = qs.filter(framework_id=framework_id)
    return [_run(r) for r in qs]


@api.get("/results/runs/{run_id}", response=RunOut, auth=auth)
def get_run(request, run_id: int):
    return _run(get_object_or_404(IndexRun.objects.visible_to(request.user), pk=run_id))


class TableOut(Schema):
    id: int
    framework_id: str
    year: int
    title: str
    kind: str
    is_demo: bool
    source: str
    values: list[dict]


@api.get("/results/tables", response=list[TableOut], auth=auth)
def list_tables(request):
    return [{"id": t.pk, "framework_id": t.framework_id, "year": t.year, "title": t.title, "kind": t.kind,
             "is_demo": t.is_demo, "source": t.source, "values": []}
            for t in PublishedTable.objects.visible_to(request.user)]


@api.get("/results/tables/{table_id}", response=TableOut, auth=auth)
def get_table(request, table_id: int):
    t = get_object_or_404(PublishedTable.objects.visible_to(request.user), pk=table_id)
    values = [{"unit_ref": v.unit_ref, "unit": v.unit_name, "code": v.code, "value": v.value, "rank": v.rank,
               "source": v.source} for v in t.values.all()]
    return {"id": t.pk, "framework_id": t.framework_id, "year": t.year, "title": t.title, "kind": t.kind,
            "is_demo": t.is_demo, "source": t.source, "values": values}
