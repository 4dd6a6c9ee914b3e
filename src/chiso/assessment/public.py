"""The internal ranking's section of the public page (/cong-khai/): the published league tables,
with their decision and any revision made after it. Registered with the program app's public page
(:func:`chiso.program.public_views.register_section`), which caches the page on the stamps."""

from __future__ import annotations

from django.templatetags.static import static
from django.utils.translation import get_language


def stamp() -> str:
    """Changes whenever a published round changes (one query: published rounds and their versions)."""
    from .models import Round

    rows = Round.objects.filter(status=Round.Status.PUBLISHED).order_by("pk").values_list("pk", "version")
    return ";".join(f"{p}.{v}" for p, v in rows)


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
