"""The form page: its body rendered once and cached (the one per-reader part, the CSRF token, put in per request)."""

from __future__ import annotations

import hashlib
import secrets

from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from chiso.lib import frameworks
from chiso.orgs.access import get_scope

from .. import matrix, services
from ..models import Submission
from .base import _get_submission_for_user
from .form import _row_context, _RowUrls

# The form page's body (everything below the header: status, checks, actions and every row) is
# cached under a key that holds every input it is rendered from: the submission and round rows as
# read for the access check, ``services.form_stamp`` (values, evidence, the previous periods'
# values, rounds, matrix, rules), the framework object, the language and the reader's rights
# (edit controls, sign, approve/return). So an entry is never invalidated by hand: any change
# makes a new key, and two readers share an entry only when they would see the same body. The
# body is rendered without the request (no user, no session in it); the forms' CSRF token, the
# one per-reader part, is put in per request. The TTL bounds what a write outside the
# application (a SQL shell) could leave stale.
FORM_CACHE_SECONDS = 300
# A body larger than this is not cached (a form of about a thousand rows): the per-process cache
# would hold a few copies of it and gain little over rendering it.
FORM_CACHE_MAX_CHARS = 2_000_000


def _form_cache_key(sub: Submission, fw, rights: dict, lang: str) -> str:
    rnd = sub.round
    material = (
        sub.pk, sub.version, sub.status, sub.return_reason, sub.agency_id, sub.agency.name,
        rnd.pk, rnd.framework_id, rnd.year, rnd.quarter, rnd.title, rnd.opens_on, rnd.due_on, rnd.locks_on,
        rnd.is_demo, fw.id, id(fw), lang, sorted(rights.items()), services.form_stamp(sub),
    )
    return "collection:form:" + hashlib.sha256(repr(material).encode()).hexdigest()


def _form_body(sub: Submission, fw, rights: dict, lang: str) -> tuple[list[str], dict]:
    """Render the cacheable body of the form page: ``(parts, context)`` where the HTML is
    ``csrf_token.join(parts)``."""
    groups = services.form_indicators(fw, sub.agency_id)
    codes = [n.code for _g, nodes in groups for n in nodes]
    values = {v.code: v for v in sub.values.prefetch_related("evidence")}
    prev = services.previous_values(sub, codes)
    urls = _RowUrls(sub.pk)
    sections = []
    for group, nodes in groups:
        rows = [
            _row_context(sub, n, values.get(n.code), can_edit=rights["can_edit"], prev=prev.get(n.code, []),
                         urls=urls, lang=lang)
            for n in nodes
        ]
        sections.append({"group": group, "rows": rows, "status_note": matrix.status_note(fw, group.code)})
    marker = "csrf" + secrets.token_hex(16)  # stands for the reader's CSRF token; no data can contain it
    ctx = {
        "sub": sub, "fw": fw, "sections": sections, **rights,
        "fw_sentence": matrix.framework_sentence(fw), "fw_status": matrix.status_note(fw),
        "check": services.check_submission(sub, fw, codes=codes, values=values), "total": len(codes),
        "filled": sum(1 for c in codes if c in values and not values[c].is_empty), "csrf_token": marker,
    }
    html = render_to_string("collection/_submission_body.html", ctx)
    return html.split(marker), ctx


@login_required
def submission(request, pk):
    sub = _get_submission_for_user(request, pk)
    scope = get_scope(request.user)
    fw = frameworks.get_framework(sub.round.framework_id)
    editable = services.can_edit(sub, scope)
    rights = {
        "can_edit": editable,
        "can_submit": editable and scope.can_sign(sub.agency_id),
        "can_decide": scope.is_department and sub.status == Submission.Status.SUBMITTED,
    }
    lang = get_language() or "vi"
    key = _form_cache_key(sub, fw, rights, lang)
    parts = cache.get(key)
    ctx = {"sub": sub, "is_demo": sub.round.is_demo}
    if parts is None:
        parts, body_ctx = _form_body(sub, fw, rights, lang)
        if sum(map(len, parts)) <= FORM_CACHE_MAX_CHARS:
            cache.set(key, parts, FORM_CACHE_SECONDS)
        ctx["sections"] = body_ctx["sections"]  # for tests reading the rows (only when freshly rendered)
    ctx["body"] = mark_safe(get_token(request).join(parts))  # escaped by the template engine
    return render(request, "collection/submission.html", ctx)
