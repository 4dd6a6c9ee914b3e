"""The home page (``/``): the province's position for everyone; for a signed-in user, the collection
rounds and the forms of their agencies as well.  It reads collection and results, so it lives in the
site, the layer above every app (``orgs`` imports no feature app)."""

from __future__ import annotations

from django.shortcuts import render

from chiso.collection.models import Round, Submission
from chiso.orgs.access import get_scope
from chiso.orgs.models import Unit
from chiso.results.services import position_today


def home(request):
    position = position_today()
    if not request.user.is_authenticated:
        return render(request, "orgs/public_home.html", {
            "province": position["province"] if position else Unit.objects.filter(kind="province").first(),
            "position": position, "is_demo": bool(position and position["is_demo"])})
    scope = get_scope(request.user)
    rounds = Round.objects.visible_to(request.user).order_by("-year", "-quarter")[:10]
    submissions = (
        Submission.objects.visible_to(request.user)
        .filter(agency_id__in=scope.agency_ids)
        .select_related("round", "agency")
        .order_by("-round__year", "-round__quarter", "agency__name")[:30]
    )
    is_demo = any(r.is_demo for r in rounds) or bool(position and position["is_demo"])
    return render(
        request, "orgs/home.html",
        {"rounds": rounds, "submissions": submissions, "is_demo": is_demo, "position": position},
    )

