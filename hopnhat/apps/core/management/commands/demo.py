from __future__ import annotations

import os
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.test.utils import override_settings

from hopnhat.apps.directory.demo import DEMO_USERS
from hopnhat.apps.directory.importers import load_demo_directory
from hopnhat.apps.plans.registry import load_enacted_plan
from hopnhat.apps.territory.actions import load_territory
from hopnhat.apps.workplan.demo import load_demo_workplan

DEFAULT_DEMO_PASSWORD = "hopnhat-demo"


class Command(BaseCommand):
    help = "Load the Hải Phòng + Hải Dương demo workspace (use --fresh to wipe the database first)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--fresh", action="store_true", help="Empty the database first.")

    def handle(self, *args: Any, fresh: bool, **options: Any) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        if fresh:
            call_command("flush", interactive=False, verbosity=0)
        password = os.environ.get("DEMO_PASSWORD", DEFAULT_DEMO_PASSWORD)
        counts = load_demo_directory(password=password)
        self.stdout.write(
            f"Directory: {counts['organisations_created']} organisations and "
            f"{counts['users_created']} users created."
        )
        territory = load_territory(actor=None)
        self.stdout.write(
            f"Territory: {territory['units']} units ({territory['units_created']} new), "
            f"{territory['events']} change events, {territory['edges']} lineage edges."
        )
        enacted = load_enacted_plan(actor=None)
        self.stdout.write(f"Plans: the enacted plan {enacted.name!r} (id {enacted.pk}).")
        # The demo users' addresses are .invalid: keep their "assigned" emails off the console.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
            workplan = load_demo_workplan()
        self.stdout.write(
            f"Work plan: {workplan['directives']} directive and {workplan['tasks']} tasks loaded "
            "(progress as of 20/06/2025: open /workplan/?as_of=2025-06-20)."
        )
        self.stdout.write(self.logins_table(password))

    @staticmethod
    def logins_table(password: str) -> str:
        lines = ["", f"Demo logins (password for all: {password}):"]
        for user in DEMO_USERS:
            lines.append(
                f"  {user.username:<22} {user.role:<12} {user.organisation:<10} {user.full_name}"
            )
        return "\n".join(lines)
