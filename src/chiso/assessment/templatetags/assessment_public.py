"""``{% internal_rankings %}``: the published league tables of the internal ranking, for any page
that wants them (the public page gets them as a registered section, see chiso.assessment.public).
One query reads the published rounds' version stamps; the HTML is cached on them."""

from __future__ import annotations

from django import template
from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

register = template.Library()


@register.simple_tag
def internal_rankings() -> str:
    from chiso.assessment import public

    stamp = public.stamp()
    if not stamp:
        return ""
    key = f"assessment:public:{get_language() or 'vi'}:{stamp}"
    html = cache.get(key)
    if html is None:
        html = render_to_string("assessment/_public.html", public.context())
        cache.set(key, html, 3600)
    return mark_safe(html)  # noqa: S308 (our own template)
