"""``{% internal_rankings %}``: the published league tables of the internal ranking, for the public
page (/cong-khai/). One query to read the published rounds' version stamps; the section itself is
cached on them."""

from __future__ import annotations

from django import template
from django.core.cache import cache
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

register = template.Library()


@register.simple_tag
def internal_rankings() -> str:
    from chiso.assessment import services
    from chiso.assessment.models import Round

    stamps = list(
        Round.objects.filter(status=Round.Status.PUBLISHED)
        .order_by("-year", "tier")
        .values_list("pk", "version")
    )
    if not stamps:
        return ""
    lang = get_language() or "vi"
    key = "assessment:public:" + lang + ":" + ";".join(f"{p}.{v}" for p, v in stamps)
    html = cache.get(key)
    if html is None:
        blocks = []
        for rnd in Round.objects.filter(pk__in=[p for p, _v in stamps]).order_by("-year", "tier"):
            rows = services.results(rnd, rnd.participants.select_related("agency"), lang)
            revisions = list(rnd.revisions.select_related("entry__participant__agency").order_by("-number"))
            blocks.append({"rnd": rnd, "rows": rows, "revisions": revisions})
        html = render_to_string(
            "assessment/_public.html", {"public_rounds": blocks, "css": static("assessment/assessment.css")}
        )
        cache.set(key, html, 3600)
    return mark_safe(html)
