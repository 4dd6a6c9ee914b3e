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
