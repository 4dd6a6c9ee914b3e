"""The page where a signed-in user issues and revokes their own API tokens."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from chiso.orgs import audit

from . import tokens as tokens_service
from .models import Token


@login_required
def tokens(request):
    clear = None
    if request.method == "POST":
        name = (request.POST.get("name") or "").strip() or _("Khóa API")
        _token, clear = tokens_service.issue(audit.Actor.from_request(request), name)
    return render(request, "api/tokens.html", {"tokens": Token.objects.visible_to(request.user), "clear": clear})


@login_required
@require_POST
def token_revoke(request, pk):
    token = get_object_or_404(Token.objects.visible_to(request.user), pk=pk)  # not yours -> 404
    tokens_service.revoke(audit.Actor.from_request(request), token)
    messages.success(request, _("Đã thu hồi khóa API."))
    return redirect("api_tokens")
