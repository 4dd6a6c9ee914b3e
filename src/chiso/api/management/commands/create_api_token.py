"""Issue an API token for a user and print it once."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from chiso.api.models import Token
from chiso.orgs import audit


class Command(BaseCommand):
    help = "Issue an API token for a user (printed once; only its hash is stored)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="command line")

    def handle(self, *args, **options):
        try:
            user = get_user_model().objects.get(username=options["username"])
        except get_user_model().DoesNotExist:
            raise CommandError(f"no user {options['username']!r}") from None
        return self.handle_one(user, options["name"])

    def handle_one(self, user, name: str) -> str:
        token, clear = Token.issue(user, name)
        audit.record(audit.Actor(user=None, request_id="create_api_token"), "api.token.create", token,
                     after={"user": user.username, "name": name, "prefix": token.prefix})
        return clear
