from __future__ import annotations

import datetime
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from hopnhat.apps.address.actions import convert_file
from hopnhat.apps.address.importers import split_names
from hopnhat.common.errors import DomainError


class Command(BaseCommand):
    help = (
        "Address conversion: `address convert INPUT.csv --column COL --out OUTPUT.csv "
        "[--on YYYY-MM-DD]`. OUTPUT.csv has the input columns plus status, old_ward_code, "
        "new_ward_code, new_ward_name, new_province_code, new_province_name, new_address, "
        "candidates (new codes joined with |), legal_basis, reason."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="subcommand", required=True)
        convert = commands.add_parser("convert", help="convert the addresses of a CSV/XLSX table")
        convert.add_argument("input", type=Path)
        convert.add_argument(
            "--column",
            required=True,
            help="the address column; several joined in order: street,ward,district,province",
        )
        convert.add_argument("--out", required=True, type=Path, help="OUTPUT.csv")
        convert.add_argument(
            "--on", type=datetime.date.fromisoformat, default=None,
            help="date of the units to convert to (default: today)",
        )  # fmt: skip
        convert.add_argument("--lon-column", default="", help="longitude column (evidence)")
        convert.add_argument("--lat-column", default="", help="latitude column (evidence)")

    def handle(self, *args: Any, **options: Any) -> None:
        source: Path = options["input"]
        if not source.is_file():
            raise CommandError(f"{source}: no such file")
        started = time.perf_counter()
        try:
            summary = convert_file(
                source=source,
                out=options["out"],
                columns=split_names(options["column"]),
                on=options["on"],
                lon_column=options["lon_column"],
                lat_column=options["lat_column"],
            )
        except DomainError as exc:
            problems = [m for messages in exc.fields.values() for m in messages]
            details = "".join(f"\n  {m}" for m in problems) if len(problems) > 1 else ""
            raise CommandError(exc.message + details) from None
        seconds = time.perf_counter() - started
        statuses = ", ".join(f"{k}: {v}" for k, v in sorted(summary.by_status.items()))
        self.stdout.write(
            f"{summary.rows} rows converted to the units of {summary.on} in {seconds:.1f} s "
            f"({statuses}): {options['out']}"
        )
