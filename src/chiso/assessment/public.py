"""The internal ranking's section of the public page (/cong-khai/): the published league tables,
with their decision and any revision made after it. Registered with the site's public page
(:func:`chiso.lib.public.register_section`), which caches the page on the generations of ``READS``."""

from __future__ import annotations

from django.templatetags.static import static
from django.utils.translation import get_language

# What the league tables are built from (chiso.lib.cache namespaces): the rounds and the agencies.
READS = ("assessment", "orgs")


def context() -> dict:
    from . import services
    from .models import Round

    lang = get_language() or "vi"
    blocks = []
    for rnd in (
        Round.objects.filter(status=Round.Status.PUBLISHED)
        .select_related("framework")
        .order_by("-year", "tier")
    ):
        rows = services.results(rnd, rnd.participants.select_related("agency"), lang)
        revisions = list(rnd.revisions.select_related("entry__participant__agency").order_by("-number"))
        blocks.append({"rnd": rnd, "rows": rows, "revisions": revisions})
    return {"public_rounds": blocks, "css": static("assessment/assessment.css")}
