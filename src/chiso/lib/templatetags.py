"""Template filters loaded as builtins in every template: ``{{ x|vn_number:2 }}``, ``{{ d|vn_date }}``."""

from __future__ import annotations

from django import template
from django.utils.translation import get_language

from . import frameworks, terms, vn_format

register = template.Library()


@register.filter
def vn_number(value, places=None):
    if value in (None, ""):
        return "—"
    try:
        places = None if places in (None, "") else int(places)
        return vn_format.format_number(float(value), places, lang=(get_language() or "vi"))
    except (TypeError, ValueError):
        return value


@register.filter
def vn_date(value):
    return vn_format.format_date(value)


@register.filter
def label(node, lang=None):
    """A framework node's name in the active language."""
    return node.label((lang or get_language() or "vi")[:2])


@register.filter
def text_in(mapping, lang=None):
    """Pick the active language's text from a ``{"vi": ..., "en": ...}`` mapping."""
    if not isinstance(mapping, dict):
        return mapping or ""
    lang = (lang or get_language() or "vi")[:2]
    return mapping.get(lang) or mapping.get("vi") or mapping.get("en") or ""


@register.filter
def get_item(mapping, key):
    try:
        return mapping.get(key)
    except AttributeError:
        return None


# The page header (brand, navigation, language switch, sign-out) is the same for every reader of one
# language and kind (signed in or not; reads everything or not; manages the organisation or not) but
# for four things: the reader's CSRF token, the path to come back to, the reader's name and the
# unread-notice count. Rendering it (a dozen URL reversals and translations) was half of a cached
# page's work: it is rendered once per process and key with markers, and the four values are put in
# per request, escaped.
_HEADER: dict[tuple, str] = {}
_MARKS = {name: f"\x00chiso-{name}\x00" for name in ("csrf", "next", "who", "badge")}


@register.simple_tag(takes_context=True)
def page_header(context):
    from django.template.loader import render_to_string
    from django.urls import get_script_prefix
    from django.utils.html import escape
    from django.utils.safestring import mark_safe

    request = context.get("request")
    user = context.get("user")
    scope = context.get("scope")
    signed_in = bool(user is not None and user.is_authenticated)
    reads_all = bool(signed_in and scope is not None and scope.reads_all)
    org_admin = bool(signed_in and scope is not None and scope.is_dept_admin)
    key = (get_language(), get_script_prefix(), signed_in, reads_all, org_admin)
    skeleton = _HEADER.get(key)
    if skeleton is None:
        skeleton = render_to_string(
            "_header.html", {"signed_in": signed_in, "reads_all": reads_all, "org_admin": org_admin, **_MARKS}
        )
        _HEADER[key] = skeleton
    badge = ""
    if signed_in:
        unread = context.get("unread_notices")
        n = unread() if callable(unread) else unread
        if n:
            badge = f' <span class="badge">{int(n)}</span>'
    values = {
        "csrf": escape(str(context.get("csrf_token", ""))),
        "next": escape(request.get_full_path()) if request is not None else "",
        "who": escape(user.get_full_name() or user.get_username()) if signed_in else "",
        "badge": badge,
    }
    html = skeleton
    for name, mark in _MARKS.items():
        html = html.replace(mark, values[name])
    return mark_safe(html)  # noqa: S308 (our own template; every value put in is escaped)


@register.filter
def framework_name(fw_id):
    """A framework's name in the active language, printed instead of its id (the id if it is unknown)."""
    fw = frameworks.find_framework(fw_id) if fw_id else None
    return fw.label((get_language() or "vi")[:2]) if fw is not None else (fw_id or "")


@register.filter
def node_name(code, fw_id):
    """``{{ code|node_name:fw_id }}``: an indicator's name in the active language instead of its code."""
    fw = frameworks.find_framework(fw_id) if fw_id and code else None
    if fw is None or code not in fw.codes:
        return code or ""
    return fw.node(code).label((get_language() or "vi")[:2])


def _lang() -> str:
    return (get_language() or "vi")[:2]


@register.filter
def rule_name(rule):
    """``{{ i.rule|rule_name }}``: a scoring rule's name in the active language, never its code."""
    return terms.rule_name(rule, _lang())


@register.filter
def method_name(method):
    """``{{ node.method|method_name }}``: an aggregation method's name in the active language."""
    return terms.method_name(method, _lang())


@register.filter
def value_kind_name(kind):
    """``{{ i.value_kind|value_kind_name }}``: the kind of value an indicator asks for, in words."""
    return terms.value_kind_name(kind, _lang())


@register.simple_tag
def rank(value=None, low=None, high=None):
    """``{% rank run.rank run.rank_low run.rank_high %}``: a rank, a tie or an estimated span, written
    the one way (:func:`chiso.lib.terms.rank_text`); "—" when none is known."""
    return terms.rank_text(value, low, high, lang=_lang()) or "—"


@register.simple_tag
def demo_name(name, is_demo):
    """``{% demo_name r.title r.is_demo %}``: a name with the demonstration label after it, once: a name
    that already says it (a demonstration loader's "… (minh họa)") gets no second label."""
    from django.utils.html import format_html
    from django.utils.translation import gettext

    label = gettext("minh họa")
    text = str(name or "")
    if not is_demo or "minh họa" in text.lower() or label.lower() in text.lower():
        return text
    return format_html('{} <span class="demo-tag">{}</span>', text, label)
