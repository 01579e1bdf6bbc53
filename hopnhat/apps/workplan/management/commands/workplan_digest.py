from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from hopnhat.apps.workplan.models import workplan_today
from hopnhat.apps.workplan.tasks import run_daily_digest


class Command(BaseCommand):
    help = "Send the deadline notifications (7 days, 1 day, overdue) and the daily digest. Safe to re-run."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--as-of", type=dt.date.fromisoformat, default=None)

    def handle(self, *args: Any, as_of: dt.date | None, **options: Any) -> None:
        result = run_daily_digest(as_of=as_of or workplan_today())
        self.stdout.write(", ".join(f"{key}: {value}" for key, value in result.items()))
