from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from hopnhat.apps.crosswalk import exporters
from hopnhat.apps.crosswalk.actions import CrosswalkResult, run_crosswalk
from hopnhat.apps.crosswalk.api import split_columns
from hopnhat.apps.crosswalk.importers import CODE_WIDTH, read_table
from hopnhat.apps.territory.models import NEW_VINTAGE_START
from hopnhat.common.errors import DomainError

MAX_CODES_LISTED = 50


class Command(BaseCommand):
    help = (
        "Re-aggregate a CSV/XLSX table keyed by old unit codes onto the new units: "
        "`crosswalk INPUT --key COL --out OUTPUT [--weight area|population] [--on YYYY-MM-DD] "
        "[--columns a,b]`. Prints the codes left out."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("input", type=Path)
        parser.add_argument("--key", required=True, help="column of old codes")
        parser.add_argument("--out", required=True, type=Path, help="OUTPUT.csv or OUTPUT.xlsx")
        parser.add_argument("--weight", choices=["area", "population"], default="population")
        parser.add_argument(
            "--on", type=datetime.date.fromisoformat, default=NEW_VINTAGE_START,
            help="date of the new units (the old ones are those of the day before)",
        )  # fmt: skip
        parser.add_argument("--columns", default="", help="comma-separated columns to sum")
        parser.add_argument("--sheet", default="", help="XLSX sheet (default: the first)")
        parser.add_argument("--level", choices=sorted(CODE_WIDTH), default="commune")
        parser.add_argument("--province", default="", help="keep the new units of one province")

    def handle(self, *args: Any, **options: Any) -> None:
        out: Path = options["out"]
        file_format = out.suffix.lower().lstrip(".")
        if file_format not in exporters.CONTENT_TYPES:
            raise CommandError("--out must end in .csv or .xlsx")
        source: Path = options["input"]
        if not source.is_file():
            raise CommandError(f"{source}: no such file")
        try:
            table = read_table(
                source.read_bytes(),
                filename=source.name,
                key=options["key"],
                columns=split_columns(options["columns"]),
                sheet=options["sheet"],
                code_width=CODE_WIDTH[options["level"]],
            )
            result = run_crosswalk(
                actor=None,
                table=table,
                weighting=options["weight"],
                on=options["on"],
                level=options["level"],
                province_code=options["province"],
                source_name=source.name,
            )
        except DomainError as exc:
            problems = [m for messages in exc.fields.values() for m in messages]
            details = "".join(f"\n  {m}" for m in problems) if len(problems) > 1 else ""
            raise CommandError(exc.message + details) from None
        out.write_bytes(exporters.write(result, file_format))
        self.stdout.write(summary(result, out))


def summary(result: CrosswalkResult, out: Path) -> str:
    lines = [
        f"{result.input_rows} rows, {result.input_codes} old codes of {result.from_date} "
        f"-> {len(result.rows)} units of {result.on} ({result.weighting} weights): {out}",
        f"unmatched codes: {len(result.unmatched_codes)}" + _listed(result.unmatched_codes),
    ]
    if result.unweighted_codes:
        lines.append(
            f"divided codes without {result.weighting} shares (left out): "
            f"{len(result.unweighted_codes)}" + _listed(result.unweighted_codes)
        )
    if result.padded:
        lines.append(f"codes read as numbers and zero-padded: {len(result.padded)}")
    if result.repeated_codes:
        lines.append(f"codes on several rows (added): {len(result.repeated_codes)}")
    for name in result.columns:
        lines.append(
            f"{name}: {result.totals_in[name]:.12g} in, {result.totals_out[name]:.12g} out"
        )
    return "\n".join(lines)


def _listed(codes: tuple[str, ...]) -> str:
    if not codes:
        return ""
    more = f" … (+{len(codes) - MAX_CODES_LISTED})" if len(codes) > MAX_CODES_LISTED else ""
    return " (" + ", ".join(codes[:MAX_CODES_LISTED]) + more + ")"
