from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from hopnhat.apps.directory.models import Organisation
from hopnhat.apps.workplan.importers import intake
from hopnhat.common.errors import DomainError


class Command(BaseCommand):
    help = "File a directive (TXT, DOCX or PDF) as a draft with its proposed tasks; prints them."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument(
            "--owner", required=True, help="Code of the owner organisation, e.g. 31.TU.TT"
        )

    def handle(self, *args: Any, path: Path, owner: str, **options: Any) -> None:
        org = Organisation.objects.filter(code=owner).first()
        if org is None:
            raise CommandError(f"No organisation with code {owner}")
        try:
            directive = intake(
                actor=None, owner_org=org, data=path.read_bytes(), filename=path.name
            )
        except DomainError as exc:
            raise CommandError(f"{exc.message} {exc.fields}") from exc
        self.stdout.write(f"Directive {directive.pk}: {directive.number} ({directive.kind}), draft")
        for task in directive.tasks.select_related("clause", "lead_org"):
            due = task.deadline.strftime("%d/%m/%Y") if task.deadline else (task.recurrence or "-")
            lead = task.lead_org.name if task.lead_org else "?"
            self.stdout.write(
                f"  {task.clause.ref if task.clause else '':6} {due:12} {lead[:40]:40} {task.title[:60]}"
            )
