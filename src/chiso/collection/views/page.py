"""The form page: its body rendered once and cached (chiso.lib.cache); the one per-reader part, the
CSRF token, put in per request."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.translation import get_language

from chiso.lib import cache, frameworks
from chiso.orgs.access import get_scope

from .. import matrix, services
from ..models import Submission
from .base import _get_submission_for_user
from .form import _row_context, _RowUrls

# The form page's body (everything below the header: status, checks, actions and every row) is
# cached under a key that holds the generations of what it is rendered from — the form, its values
# and evidence, the previous periods' values, the rounds and the rules ("collection"), the agency
# and the responsibility matrix ("orgs"); a province's own framework edition ("assessment") — and
# the submission, the language and the reader's rights (edit controls, sign, approve/return). Two
# readers share an entry only when they would see the same body. The body is rendered without the
# request (no user, no session in it); the forms' CSRF token is put in per request.
READS = ("collection", "orgs")
# A body larger than this is not cached (a form of about a thousand rows): the cache would hold a
# few copies of it and gain little over rendering it.
FORM_CACHE_MAX_CHARS = 2_000_000


def _form_body(sub: Submission, fw, rights: dict, lang: str) -> tuple[tuple[str, ...], dict]:
    """Render the cacheable body of the form page: ``(body, context)``, the body as
    :func:`chiso.lib.cache.render_body` returns it."""
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
    ctx = {
        "sub": sub, "fw": fw, "sections": sections, **rights,
        "fw_sentence": matrix.framework_sentence(fw), "fw_status": matrix.status_note(fw),
        "check": services.check_submission(sub, fw, codes=codes, values=values), "total": len(codes),
        "filled": sum(1 for c in codes if c in values and not values[c].is_empty),
    }
    return cache.render_body("collection/_submission_body.html", ctx), ctx


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
    ctx = {"sub": sub, "is_demo": sub.round.is_demo}

    def build() -> tuple[str, ...]:
        body, body_ctx = _form_body(sub, fw, rights, lang)
        ctx["sections"] = body_ctx["sections"]  # for tests reading the rows (only when freshly rendered)
        return body

    reads = READS if frameworks.is_shipped(fw.id) else (*READS, "assessment")
    body = cache.fragment(
        "collection-form", reads, (sub.pk, fw.id, sorted(rights.items())), build,
        size=lambda b: sum(map(len, b)), max_size=FORM_CACHE_MAX_CHARS,
    )
    ctx["body"] = cache.with_csrf(body, request)  # escaped by the template engine
    return render(request, "collection/submission.html", ctx)
