"""API v1 (django-ninja; OpenAPI document at /api/openapi.json, browsable at /api/docs).

Read frameworks, rounds, forms (submissions), values and results; write values and submit.
Token authentication: ``Authorization: Bearer chiso_…`` (see chiso.api.models.Token).
Every query goes through the same ``visible_to(user)`` querysets as the pages: not yours -> 404,
yours but read-only -> 403. Errors are ``{"error": "<Vietnamese sentence>"}``.
"""

from __future__ import annotations

import json
import logging
import math
from typing import Annotated, Any

from django.core.exceptions import SuspiciousOperation
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.openapi.docs import DocsBase
from ninja.parser import Parser
from ninja.security import HttpBearer
from pydantic import AfterValidator, BeforeValidator, Field

from chiso.collection import services as collection
from chiso.collection.models import Round, Submission, Value
from chiso.engine.errors import EngineError
from chiso.lib import frameworks
from chiso.lib.db import busy_response, is_busy
from chiso.lib.forms import one_line_ending
from chiso.lib.urls import MAX_ID
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


class LocalSwagger(DocsBase):
    """``/api/docs``: Swagger UI from the swagger-ui-dist npm package, served by this site (no CDN,
    no inline script, so the page keeps the site's Content-Security-Policy)."""

    def render_page(self, request, api, **kwargs):
        return render(request, "api/docs.html", {"title": api.title, "openapi_url": self.get_openapi_url(api, kwargs)})


class JsonParser(Parser):
    """JSON bodies; a body that is not JSON is answered in the reader's language with where it breaks
    (django-ninja turns any parse failure into one English 400)."""

    def parse_body(self, request):
        try:
            return json.loads(request.body)
        except UnicodeDecodeError:
            request.body_problem = _("nội dung không phải văn bản UTF-8")
            raise
        except json.JSONDecodeError as e:
            request.body_problem = _("dòng {line}, cột {col}: {msg}").format(line=e.lineno, col=e.colno, msg=e.msg)
            raise


api = NinjaAPI(title="chiso API", version="1", urls_namespace="api", docs_url="/docs", docs=LocalSwagger(),
               parser=JsonParser())
auth = TokenAuth()
logger = logging.getLogger("django.request")


# --- values at the boundary ------------------------------------------------------------------------
# Everything a client sends is checked here, before any service sees it: ids a database can hold,
# finite numbers of sane size, text without NUL bytes (PostgreSQL refuses them, SQLite would keep them).

MAX_NUMBER = 1e15  # larger than any indicator value; beyond it a float no longer holds every integer


def _text(value: str) -> str:
    if "\x00" in value:
        raise ValueError(_("không được chứa ký tự NUL"))
    return value


def _number_or_text(value: Any) -> Any:
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        try:
            finite = math.isfinite(value) and abs(value) <= MAX_NUMBER
        except OverflowError:
            finite = False
        if not finite:
            raise ValueError(_("phải là một số hữu hạn, trị tuyệt đối không quá 10^15"))
        return value
    if isinstance(value, str):
        return _text(value)
    raise ValueError(_("phải là một số, một chuỗi hoặc null"))


Id = Annotated[int, Field(ge=1, le=MAX_ID)]
# Line breaks counted as one character (as a browser counts them), before the length is checked.
Text = Annotated[str, BeforeValidator(lambda v: one_line_ending(v) if isinstance(v, str) else v), Field(max_length=2000),
                 AfterValidator(_text)]
Code = Annotated[str, Field(max_length=100), AfterValidator(_text)]
Raw = Annotated[Any, AfterValidator(_number_or_text)]


class ErrorOut(Schema):
    error: str


def responses(ok, *statuses: int) -> dict:
    """The operation's responses for the OpenAPI document: ``ok`` on 200 and ``{"error": "…"}`` on
    each of ``statuses`` (every error this API returns has that shape)."""
    return {200: ok, **{code: ErrorOut for code in statuses}}


# Every operation with a token may answer 401 (no or bad token), 422 (a parameter or body that does
# not validate) and 503 (the database stayed busy: chiso.lib.db, with Retry-After; the token's
# last use is a write); reading one object adds 404.
AUTHED = (401, 422, 503)
ONE = (*AUTHED, 404)


def _error(request, message: str, status: int):
    return api.create_response(request, {"error": message}, status=status)


@api.exception_handler(AuthenticationError)
def _auth_error(request, exc):
    return _error(request, _("Cần khóa API hợp lệ (tiêu đề Authorization: Bearer <khóa>)."), 401)


@api.exception_handler(Http404)
def _not_found(request, exc):
    return _error(request, _("Không tìm thấy."), 404)


def _problem(e: dict) -> str:
    """One validation problem in the reader's language (pydantic's types, not its English text)."""
    kind, ctx = e.get("type", ""), e.get("ctx") or {}
    if kind == "value_error" and "error" in ctx:
        return str(ctx["error"])
    sentences = {
        "missing": _("bắt buộc phải có"),
        "int_parsing": _("phải là số nguyên"),
        "int_type": _("phải là số nguyên"),
        "int_from_float": _("phải là số nguyên"),
        "float_parsing": _("phải là số"),
        "float_type": _("phải là số"),
        "finite_number": _("phải là một số hữu hạn"),
        "string_type": _("phải là chuỗi ký tự"),
        "bool_parsing": _("phải là true hoặc false"),
        "list_type": _("phải là một danh sách"),
        "model_attributes_type": _("phải là một đối tượng JSON"),
        "dict_type": _("phải là một đối tượng JSON"),
        "json_invalid": _("không phải JSON hợp lệ"),
        "greater_than_equal": _("phải lớn hơn hoặc bằng {n}").format(n=ctx.get("ge")),
        "less_than_equal": _("phải nhỏ hơn hoặc bằng {n}").format(n=ctx.get("le")),
        "string_too_long": _("dài quá {n} ký tự").format(n=ctx.get("max_length")),
    }
    return sentences.get(kind, _("không hợp lệ"))


@api.exception_handler(ValidationError)
def _validation_error(request, exc):
    parts = []
    for e in exc.errors[:20]:
        loc = ".".join(str(x) for x in e.get("loc", ()) if x not in ("body", "payload", "query", "path"))
        parts.append(f"{loc}: {_problem(e)}" if loc else _problem(e))
    if len(exc.errors) > 20:
        parts.append(_("… và còn {n} lỗi khác").format(n=len(exc.errors) - 20))
    return _error(request, _("Dữ liệu gửi lên không hợp lệ: {detail}").format(detail="; ".join(parts)), 422)


@api.exception_handler(HttpError)
def _http_error(request, exc):
    problem = getattr(request, "body_problem", None)
    if problem is not None and exc.status_code == 400:
        return _error(request, _("Nội dung gửi lên không phải JSON hợp lệ ({where}).").format(where=problem), 400)
    return _error(request, str(exc), exc.status_code)


@api.exception_handler(SuspiciousOperation)
def _suspicious(request, exc):
    # e.g. a body over DATA_UPLOAD_MAX_MEMORY_SIZE
    return _error(request, _("Yêu cầu không hợp lệ hoặc quá lớn."), 400)


@api.exception_handler(Exception)
def _server_error(request, exc):
    """A bug: logged with its traceback for the operators; the client gets JSON, never a page."""
    if is_busy(exc):  # not a bug: the database stayed busy (503 + Retry-After, as every page)
        return busy_response(request)
    logger.error("API error: %s %s", request.method, request.path, exc_info=exc,
                 extra={"status_code": 500, "request": request})
    return _error(request, _("Lỗi hệ thống; lỗi đã được ghi lại (mã yêu cầu {id}).").format(
        id=getattr(request, "request_id", "-")), 500)


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


@api.get("/frameworks/{fw_id}", response=responses(list[NodeOut], 404, 422))
def framework_nodes(request, fw_id: Code):
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


@api.get("/rounds", response=responses(list[RoundOut], *AUTHED), auth=auth)
def list_rounds(request):
    return [_round(r) for r in Round.objects.visible_to(request.user)]


@api.get("/rounds/{round_id}", response=responses(RoundOut, *ONE), auth=auth)
def get_round(request, round_id: Id):
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


@api.get("/forms", response=responses(list[FormOut], *AUTHED), auth=auth)
def list_forms(request, round_id: Id | None = None):
    qs = Submission.objects.visible_to(request.user).select_related("round", "agency")
    if round_id is not None:
        qs = qs.filter(round_id=round_id)
    return [_form(s, request.user, with_values=False) for s in qs]


@api.get("/forms/{form_id}", response=responses(FormOut, *ONE), auth=auth)
def get_form(request, form_id: Id):
    return _form(_get_submission(request, form_id), request.user)


@api.get("/forms/{form_id}/values", response=responses(list[ValueOut], *ONE), auth=auth)
def list_values(request, form_id: Id):
    sub = _get_submission(request, form_id)
    return [_value(v) for v in Value.objects.visible_to(request.user).filter(submission=sub)]


class ValueIn(Schema):
    code: Code
    value: Raw = None
    comment: Text | None = None
    version: Annotated[int, Field(ge=0, le=MAX_ID)] | None = None


class ValuesIn(Schema):
    values: Annotated[list[ValueIn], Field(max_length=2000)]
    reason: Text = ""


def _check_rw(request, sub: Submission) -> None:
    scope = get_scope(request.user)
    if not scope.can_enter(sub.agency_id):
        raise HttpError(403, _("Bạn chỉ được xem biểu mẫu này."))


@api.put("/forms/{form_id}/values", response=responses(list[ValueOut], 400, 403, 409, *ONE), auth=auth)
def save_values(request, form_id: Id, payload: ValuesIn):
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


@api.post("/forms/{form_id}/submit", response=responses(FormOut, 400, 403, *ONE), auth=auth)
def submit_form(request, form_id: Id):
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


@api.get("/results/runs", response=responses(list[RunOut], *AUTHED), auth=auth)
def list_runs(request, framework_id: Code | None = None):
    qs = IndexRun.objects.visible_to(request.user).defer("inputs", "output", "recipe")
    if framework_id:
        qs = qs.filter(framework_id=framework_id)
    return [_run(r) for r in qs]


@api.get("/results/runs/{run_id}", response=responses(RunOut, *ONE), auth=auth)
def get_run(request, run_id: Id):
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


@api.get("/results/tables", response=responses(list[TableOut], *AUTHED), auth=auth)
def list_tables(request):
    return [{"id": t.pk, "framework_id": t.framework_id, "year": t.year, "title": t.title, "kind": t.kind,
             "is_demo": t.is_demo, "source": t.source, "values": []}
            for t in PublishedTable.objects.visible_to(request.user)]


@api.get("/results/tables/{table_id}", response=responses(TableOut, *ONE), auth=auth)
def get_table(request, table_id: Id):
    t = get_object_or_404(PublishedTable.objects.visible_to(request.user), pk=table_id)
    values = [{"unit_ref": v.unit_ref, "unit": v.unit_name, "code": v.code, "value": v.value, "rank": v.rank,
               "source": v.source} for v in t.values.all()]
    return {"id": t.pk, "framework_id": t.framework_id, "year": t.year, "title": t.title, "kind": t.kind,
            "is_demo": t.is_demo, "source": t.source, "values": values}
