"""The API tokens' services: issue and revoke, each audited in one transaction."""

from __future__ import annotations

from django.db import transaction

from chiso.orgs import audit

from .models import Token


def issue(actor: audit.Actor, name: str) -> tuple[Token, str]:
    """A new token of the signed-in user and its clear text (shown once, never stored)."""
    with transaction.atomic():
        token, clear = Token.issue(actor.user, name)
        audit.record(actor, "api.token.create", token, after={"name": token.name, "prefix": token.prefix})
    return token, clear


def revoke(actor: audit.Actor, token: Token) -> None:
    with transaction.atomic():
        audit.record(actor, "api.token.revoke", token, before={"name": token.name, "prefix": token.prefix})
        token.delete()
