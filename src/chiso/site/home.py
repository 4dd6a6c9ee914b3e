"""The home page (``/``): the province's position for everyone; for a signed-in user, first the work
waiting for them — what each app's provider says (:mod:`chiso.lib.waiting`), most urgent first — then
the province's position. It reads results, so it lives in the site, the layer above every app
(``orgs`` imports no feature app)."""

from __future__ import annotations

from django.shortcuts import render
from django.utils import timezone

from chiso.lib.waiting import waiting_for
from chiso.orgs.models import Unit
from chiso.results.services import position_today


def home(request):
    position = position_today()
    if not request.user.is_authenticated:
        return render(request, "orgs/public_home.html", {
            "province": position["province"] if position else Unit.objects.filter(kind="province").first(),
            "position": position, "is_demo": bool(position and position["is_demo"])})
    today = timezone.localdate()
    items = waiting_for(request.user, today)
    rows = [{"item": i, "deadline": i.deadline_text(today), "late": i.is_late(today),
             # demonstration data are labelled, once: most demo titles already say so
             "label": i.is_demo and "minh họa" not in i.title.casefold()} for i in items]
    is_demo = any(i.is_demo for i in items) or bool(position and position["is_demo"])
    return render(request, "orgs/home.html", {"rows": rows, "is_demo": is_demo, "position": position})
