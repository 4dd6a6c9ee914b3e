"""The page where a signed-in user issues and revokes their own API tokens."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from chiso.orgs import audit

from .models import Token


@login_required
def tokens(request):
    clear = None
    if request.method == "POST":
        name = (request.POST.get("name") or "").strip() or _("Khóa API")
        with transaction.atomic():
            token, clear = Token.issue(request.user, name)
            audit.record(audit.Actor.from_request(request), "api.token.create", token,
                         after={"name": token.name, "prefix": token.prefix})
    return render(request, "api/tokens.html", {"tokens": Token.objects.visible_to(request.user), "clear": clear})


@login_required
@require_POST
def token_revoke(request, pk):
    token = get_object_or_404(Token.objects.visible_to(request.user), pk=pk)  # not yours -> 404
    with transaction.atomic():
        audit.record(audit.Actor.from_request(request), "api.token.revoke", token,
                     before={"name": token.name, "prefix": token.prefix})
        token.delete()
    messages.success(request, _("Đã thu hồi khóa API."))
    return redirect("api_tokens")
