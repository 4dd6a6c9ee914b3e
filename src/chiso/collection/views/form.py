"""The form: its page, saves, submit, approve, return, history."""

from __future__ import annotations

from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import RFC3986_SUBDELIMS
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from chiso.lib import frameworks, terms
from chiso.lib.problems import active_language
from chiso.lib.templatetags import text_in, vn_number
from chiso.orgs import audit, history
from chiso.orgs.access import get_scope
from chiso.orgs.models import AuditEntry
from chiso.review import views as review_views

from .. import services
from ..forms import ReturnForm
from ..models import Value
from .base import _forbidden, _get_submission_for_user


class _RowUrls:
    """The per-indicator URLs of one form, reversed once and filled in per code (a form has up
    to a few hundred rows, each with three links)."""

    MARK = "__code__"

    def __init__(self, pk: int):
        self.patterns = {name: reverse(name, args=[pk, self.MARK]) for name in
                         ("value_save", "evidence_upload", "value_history")}

    def __call__(self, code: str) -> dict[str, str]:
        # the quoting reverse() applies to an argument
        quoted = quote(code, safe=RFC3986_SUBDELIMS + "/~:@")
        return {name: url.replace(self.MARK, quoted) for name, url in self.patterns.items()}


def _prev_text(value: Value) -> str:
    return value.choice or vn_number(value.number)


def _row_context(sub, node, value, *, can_edit, prev=(), error=None, saved=False, conflict=None, raw=None,
                 urls=None, lang=None):
    """Everything one row of the form shows, computed here rather than in the template (the row
    template is rendered once per indicator)."""
    lang = (lang or get_language() or "vi")[:2]
    lo, hi = node.value_range
    urls = (urls or _RowUrls(sub.pk))(node.code)
    return {
        "code": node.code, "label": node.label(lang), "unit": node.unit,
        "range": terms.range_text(lo, hi, lang=lang),
        "definition": text_in(node.definition, lang), "source": node.source,
        "return_note": value.return_note if value is not None else "",
        "comment": value.comment if value is not None else "",
        "version": value.version if value is not None else 0,
        "can_edit": can_edit, "prev": [(period, _prev_text(v)) for period, v in prev],
        "kind": frameworks.indicator_kind(node),
        "levels": list((node.scoring.params.get("levels") or {}).keys()) if node.scoring else [],
        "text": raw if raw is not None else services.input_text(value, node),
        "shown": services.display_value(value, node),
        "evidence": list(value.evidence.all()) if value is not None and value.pk else [],
        "error": error, "saved": saved, "conflict": conflict,
        "save_url": urls["value_save"], "upload_url": urls["evidence_upload"], "history_url": urls["value_history"],
    }


def _rw_or_error(request, sub):
    scope = get_scope(request.user)
    if not services.can_edit(sub, scope):
        if not scope.can_enter(sub.agency_id):
            return _forbidden(_("Bạn chỉ được xem biểu mẫu này."))
        return _forbidden(_("Biểu mẫu không sửa được lúc này (đã gửi, đã duyệt hoặc đợt đã khóa)."))
    return None


def _editable_indicator(request, pk, code):
    """The form and framework of an indicator the user may change now: ``(sub, fw, None)``, or
    ``(sub, fw, a 403 response)``; an indicator not on the agency's form is a 404."""
    sub = _get_submission_for_user(request, pk)
    fw = frameworks.get_framework(sub.round.framework_id)
    if code not in services.indicator_codes(fw, sub.agency_id):
        raise Http404
    return sub, fw, _rw_or_error(request, sub)


@login_required
@require_POST
def value_save(request, pk, code):
    sub, fw, denied = _editable_indicator(request, pk, code)
    if denied:
        return denied
    node = fw.node(code)
    raw = request.POST.get("value", "")
    comment = request.POST.get("comment")
    version = request.POST.get("version")
    change = services.Change(
        code=code, raw=raw, comment=comment,
        expected_version=int(version) if version not in (None, "") and version.isdigit() else None,
    )
    status, error, conflict = 200, None, None
    try:
        services.save_values(sub.pk, [change], audit.Actor.from_request(request), lang=active_language())
    except services.Conflict as e:
        status, error, conflict = 409, str(e), e.current
    except services.NotEditable as e:
        return _forbidden(str(e))
    except ValueError as e:
        status, error = 400, getattr(e, "errors", {}).get(code, str(e))
    value = Value.objects.filter(submission=sub, code=code).first()
    if request.headers.get("HX-Request"):
        ctx = _row_context(
            sub, node, value, can_edit=True, error=error, saved=error is None, conflict=conflict,
            raw=raw if status == 400 else None,
            prev=services.previous_values(sub, [code]).get(code, []),
        )
        # htmx swaps only 2xx by default; the row carries its own error, so answer 200 with a marker
        resp = render(request, "collection/_value_row.html", {"r": ctx})
        resp["X-Chiso-Status"] = str(status)
        return resp
    if error:
        messages.error(request, f"{node.label(active_language())}: {error}")
        return redirect("submission", pk=sub.pk)
    messages.success(request, _("Đã lưu “{name}”.").format(name=node.label(active_language())))
    return redirect("submission", pk=sub.pk)


@login_required
@require_POST
def submission_save(request, pk):
    """Save the whole form at once (no-JavaScript path)."""
    sub = _get_submission_for_user(request, pk)
    denied = _rw_or_error(request, sub)
    if denied:
        return denied
    fw = frameworks.get_framework(sub.round.framework_id)
    changes = []
    for code in services.indicator_codes(fw, sub.agency_id):
        if f"value_{code}" in request.POST:
            version = request.POST.get(f"version_{code}", "")
            changes.append(services.Change(
                code=code, raw=request.POST[f"value_{code}"], comment=request.POST.get(f"comment_{code}"),
                expected_version=int(version) if version.isdigit() else None,
            ))
    try:
        services.save_values(sub.pk, changes, audit.Actor.from_request(request), lang=active_language())
    except services.CollectionError as e:
        messages.error(request, str(e))
    except ValueError as e:
        for code, msg in getattr(e, "errors", {}).items():
            messages.error(request, f"{code}: {msg}")
        messages.error(request, _("Chưa lưu gì: hãy sửa các lỗi trên."))
    else:
        messages.success(request, _("Đã lưu biểu mẫu."))
    return redirect("submission", pk=sub.pk)


@login_required
@require_POST
def submission_submit(request, pk):
    sub = _get_submission_for_user(request, pk)
    scope = get_scope(request.user)
    if not scope.can_sign(sub.agency_id):
        return _forbidden(_("Chỉ lãnh đạo cơ quan được ký gửi biểu mẫu."))
    return review_views.step(request, lambda actor: services.submit(sub.pk, actor),
                             _("Đã gửi biểu mẫu tới cơ quan thường trực."), redirect("submission", pk=sub.pk))


@login_required
@require_POST
def submission_approve(request, pk):
    sub = _get_submission_for_user(request, pk)
    if not get_scope(request.user).is_department:
        return _forbidden(_("Chỉ cơ quan thường trực được phê duyệt."))
    return review_views.step(request, lambda actor: services.approve(sub.pk, actor),
                             _("Đã phê duyệt; số liệu đã được khóa."), redirect("submission", pk=sub.pk))


@login_required
def submission_return(request, pk):
    sub = _get_submission_for_user(request, pk)
    if not get_scope(request.user).is_department:
        return _forbidden(_("Chỉ cơ quan thường trực được trả lại biểu mẫu."))
    fw = frameworks.get_framework(sub.round.framework_id)
    nodes = [n for _g, ns in services.form_indicators(fw, sub.agency_id) for n in ns]
    form = ReturnForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        notes = {n.code: request.POST.get(f"note_{n.code}", "")[:1000] for n in nodes}
        return review_views.step(
            request, lambda actor: services.return_submission(sub.pk, actor, form.cleaned_data["reason"], notes),
            _("Đã trả lại biểu mẫu kèm lý do."), redirect("submission", pk=sub.pk))
    return render(
        request, "collection/return.html",
        {"sub": sub, "form": form, "nodes": nodes, "is_demo": sub.round.is_demo},
        status=400 if request.method == "POST" else 200,
    )


def _history_page(request, sub, fw, entries, node=None):
    """The change history of a form (or of one of its values) as prose: the indicator of each row
    (a value's code read in one query), who (full name and agency), what, old → new, why."""
    entries = list(entries)
    value_ids = {int(e.target_id) for e in entries if e.target_type == "collection.value" and e.target_id.isdigit()}
    codes = dict(Value.objects.filter(submission=sub, pk__in=value_ids).values_list("pk", "code")) if value_ids else {}

    def code_of(e):
        return codes.get(int(e.target_id)) if e.target_type == "collection.value" and e.target_id.isdigit() else None

    nodes = {n.code: n for n in fw.nodes}
    lines = history.lines(entries, node_of=nodes.get, code_of=code_of)
    return render(
        request, "collection/history.html",
        {"sub": sub, "node": node, "lines": lines, "is_demo": sub.round.is_demo},
    )


@login_required
def value_history(request, pk, code):
    sub = _get_submission_for_user(request, pk)
    fw = frameworks.get_framework(sub.round.framework_id)
    if code not in services.indicator_codes(fw, sub.agency_id):
        raise Http404
    value = Value.objects.filter(submission=sub, code=code).first()
    entries = (
        AuditEntry.objects.filter(target_type="collection.value", target_id=str(value.pk)) if value else []
    )
    return _history_page(request, sub, fw, entries, node=fw.node(code))


@login_required
def submission_history(request, pk):
    sub = _get_submission_for_user(request, pk)
    entries = AuditEntry.objects.filter(
        target_type="collection.submission", target_id=str(sub.pk)
    ) | AuditEntry.objects.filter(parent_type="collection.submission", parent_id=str(sub.pk))
    fw = frameworks.get_framework(sub.round.framework_id)
    return _history_page(request, sub, fw, entries.order_by("-time", "-id")[:500])
