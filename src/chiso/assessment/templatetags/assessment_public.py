"""``{% internal_rankings %}``: the published league tables of the internal ranking, for any page
that wants them (the public page gets them as a registered section, see chiso.assessment.public).
The HTML is cached on the generations of what it reads (chiso.lib.cache)."""

from __future__ import annotations

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from chiso.lib import cache

register = template.Library()


@register.simple_tag
def internal_rankings() -> str:
    from chiso.assessment import public

    def build() -> str:
        ctx = public.context()
        return render_to_string("assessment/_public.html", ctx) if ctx["public_rounds"] else ""

    return mark_safe(cache.fragment("assessment-public", public.READS, (), build))  # noqa: S308 (our own template)
