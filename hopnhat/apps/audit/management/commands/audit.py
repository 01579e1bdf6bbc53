from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from hopnhat.apps.audit.verification import verify_audit_chain


class Command(BaseCommand):
    help = "Audit trail tools. `audit verify` recomputes the hash chain and lists tampered rows."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("operation", choices=["verify"])

    def handle(self, *args: Any, operation: str, **options: Any) -> None:
        report = verify_audit_chain()
        if report.ok:
            self.stdout.write(f"OK: {report.checked} audit records, chain intact.")
            return
        for problem in report.problems:
            self.stdout.write(f"TAMPERED #{problem.seq} {problem.kind}: {problem.detail}")
        self.stdout.write(f"{len(report.problems)} problem(s) in {report.checked} records.")
        raise SystemExit(1)
