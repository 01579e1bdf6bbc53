"""`hopnhat import_layer FILE --org CODE --name NAME [--policy repair] [--crs ...]`."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from hopnhat.apps.directory.models import Organisation
from hopnhat.apps.layers.importers import (
    ImportRefusedError,
    import_layer_file,
    note_message,
    problem_message,
    repair_message,
)
from hopnhat.engine.geo import FORMATS


class Command(BaseCommand):
    help = "Import a GeoJSON, zipped Shapefile, GeoPackage or CSV file as a map layer (all or nothing)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--org", required=True, help="code of the owner organisation")
        parser.add_argument("--name", required=True, help="name of the layer")
        parser.add_argument("--description", default="")
        parser.add_argument("--valid-on", type=datetime.date.fromisoformat, default=None)
        parser.add_argument("--policy", choices=["refuse", "repair"], default="refuse")
        parser.add_argument("--crs", default="", help="e.g. EPSG:9210 or 'VN-2000 TM-3 105°45′'")
        parser.add_argument("--format", choices=FORMATS, default=None)

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        owner_org = Organisation.objects.filter(code=options["org"]).first()
        if owner_org is None:
            raise CommandError(f"no organisation with code {options['org']!r}")
        try:
            layer = import_layer_file(
                actor=None,
                owner_org=owner_org,
                name=options["name"],
                description=options["description"],
                valid_on=options["valid_on"],
                data=path.read_bytes(),
                filename=path.name,
                file_format=options["format"],
                policy=options["policy"],
                crs_text=options["crs"],
                system=True,
            )
        except ImportRefusedError as exc:
            for problem in exc.problems:
                self.stderr.write(problem_message(problem))
            raise CommandError(exc.message) from exc
        for note in layer.notes:
            self.stdout.write(note_message(note))
        for repair in layer.repairs:
            self.stdout.write(repair_message(repair))
        self.stdout.write(
            self.style.SUCCESS(
                f"layer {layer.pk}: {layer.feature_count} features, "
                f"{len(layer.overlaps)} overlaps, {len(layer.gaps)} gaps"
            )
        )
