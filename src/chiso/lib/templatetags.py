"""Template filters loaded as builtins in every template: ``{{ x|vn_number:2 }}``, ``{{ d|vn_date }}``."""

from __future__ import annotations

from django import template
from django.utils.translation import get_language

from . import vn_format

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


# The header's navigation links depend only on the language, on whether the reader is signed in and
# on whether the reader reads everything (the reports link); rendering them (a dozen URL reversals and
# translations) was half of a cached page's work. Rendered once per process and key.
_NAV: dict[tuple, str] = {}


@register.simple_tag(takes_context=True)
def header_nav(context):
    from django.template.loader import render_to_string
    from django.urls import get_script_prefix
    from django.utils.safestring import mark_safe

    user = context.get("user")
    scope = context.get("scope")
    signed_in = bool(user is not None and user.is_authenticated)
    key = (get_language(), get_script_prefix(), signed_in, bool(signed_in and scope is not None and scope.reads_all))
    html = _NAV.get(key)
    if html is None:
        html = render_to_string("_header_nav.html", {"signed_in": signed_in, "reads_all": key[3]})
        _NAV[key] = html
    return mark_safe(html)  # noqa: S308 (our own template, rendered with autoescape)
