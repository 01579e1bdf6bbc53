from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from hopnhat.apps.accounts.actions import create_api_token
from hopnhat.apps.accounts.models import User


class Command(BaseCommand):
    help = "API tokens. `token create USERNAME [--name NAME]` prints a new token once."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("operation", choices=["create"])
        parser.add_argument("username")
        parser.add_argument("--name", default="command line")

    def handle(self, *args: Any, operation: str, username: str, name: str, **options: Any) -> None:
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"No active user named {username!r}.")
        _token, raw = create_api_token(actor=None, user=user, name=name)
        self.stdout.write(raw)
