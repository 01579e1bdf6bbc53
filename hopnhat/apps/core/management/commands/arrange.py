"""`hopnhat arrange`: propose an arrangement from a GeoJSON of units, without the database."""

from __future__ import annotations

import argparse
import csv
import gzip
import json
from pathlib import Path
from typing import Any

import numpy as np
from django.core.management.base import BaseCommand, CommandError, CommandParser
from shapely.geometry import shape

from hopnhat.engine.arrange import Floor, GroupField, Options, Rules, Units, arrange
from hopnhat.engine.arrange.graph import build_adjacency
from hopnhat.engine.text import fold

TYPE_VALUES = {"phuong": "phuong", "xa": "xa", "thi tran": "xa"}

EPILOG = """example (Hải Dương + Hải Phòng, the 375 units merged in 2025, shipped with hopnhat;
Cát Hải's communes and the communeless Bạch Long Vĩ district, which has no ward_code and
is found by its district_code 318, are kept as given):
  hopnhat arrange --units hopnhat/data/vn/hp_hd_communes_2025-06_legacy.geojson.gz \\
      --id-field ward_code,district_code \\
      --population-field pop2019_census --area-field area_km2_geodesic --type-field ward_type \\
      --group-field province --group-mode hard \\
      --floor xa=21:16000 --floor phuong=5.5:21000 --exempt-constituents 3 \\
      --target-count 100:125 \\
      --fixed-group 11914,11917,11920,11923,11926,11929,11932,11935,11938,11941,11944,11947 \\
      --fixed-group 318 \\
      --seed 1 --time-limit 10 --out plan.csv --report report.json

PLAN.csv has the header unit_id,region_id and one row per input unit. REPORT.json holds
regions, violations, objective, seconds, seed, feasible and diagnostics. Exit code 0 when a
plan was written (check "feasible" in the report), 2 on bad input."""


def bad_input(message: str) -> CommandError:
    return CommandError(message, returncode=2)


def parse_floor(text: str) -> tuple[str, Floor]:
    try:
        kind, values = text.split("=", 1)
        area, population = values.split(":", 1)
        floor = Floor(area_km2=float(area), population=float(population))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"bad floor {text!r}: expected TYPE=AREA_KM2:POPULATION, e.g. xa=21:16000"
        ) from None
    folded = fold(kind)
    if folded not in {"xa", "phuong"}:
        raise argparse.ArgumentTypeError(f"bad floor {text!r}: the type must be xa or phuong")
    return folded, floor


def parse_range(text: str) -> tuple[int, int]:
    try:
        low, high = (int(part) for part in text.split(":", 1))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"bad target {text!r}: expected MIN:MAX, e.g. 100:125"
        ) from None
    if not 1 <= low <= high:
        raise argparse.ArgumentTypeError(f"bad target {text!r}: need 1 <= MIN <= MAX")
    return low, high


def parse_fields(text: str) -> list[str]:
    fields = [part.strip() for part in text.split(",") if part.strip()]
    if not fields:
        raise argparse.ArgumentTypeError("name at least one property")
    return fields


def parse_ids(text: str) -> list[str]:
    ids = [part.strip() for part in text.split(",") if part.strip()]
    if not ids:
        raise argparse.ArgumentTypeError("a fixed group needs at least one unit id")
    return ids


class Command(BaseCommand):
    help = (
        "Partition units into contiguous regions that meet the area and population floors "
        "of their resulting type (any phường makes a phường, otherwise a xã)."
    )
    requires_system_checks: list[str] = []
    requires_migrations_checks = False

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.formatter_class = argparse.RawDescriptionHelpFormatter
        parser.epilog = EPILOG
        return parser

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--units",
            required=True,
            type=Path,
            help="GeoJSON FeatureCollection of (Multi)Polygons in EPSG:4326.",
        )
        parser.add_argument(
            "--id-field",
            required=True,
            type=parse_fields,
            metavar="FIELD[,FALLBACK...]",
            help="Property with the unique unit id; with fallbacks, the first non-empty one "
            "(e.g. ward_code,district_code for a district that has no commune).",
        )
        parser.add_argument(
            "--population-field", required=True, help="Property with the population."
        )
        parser.add_argument("--area-field", required=True, help="Property with the area in km².")
        parser.add_argument(
            "--type-field",
            required=True,
            help="Property with the unit type, read without case or diacritics: Phường → phuong; Xã, Thị trấn → xa. "
            "A unit of another type (e.g. a district with no commune) must be in a --fixed-group.",
        )
        parser.add_argument("--group-field", help="Property that groups units (e.g. old province).")
        parser.add_argument(
            "--group-mode",
            choices=["hard", "soft"],
            default="hard",
            help="hard: a region never crosses a group (default); soft: crossing is penalised.",
        )
        parser.add_argument(
            "--floor",
            action="append",
            type=parse_floor,
            default=[],
            metavar="TYPE=AREA_KM2:POPULATION",
            help="Floor for regions of TYPE (xa or phuong), both numbers must be met, e.g. --floor xa=21:16000. Repeat per type.",
        )
        parser.add_argument(
            "--exempt-constituents",
            type=int,
            metavar="K",
            help="Regions formed from K or more units are exempt from the floors.",
        )
        count = parser.add_mutually_exclusive_group()
        count.add_argument(
            "--target-count",
            type=parse_range,
            metavar="MIN:MAX",
            help="Wanted number of regions, e.g. 100:125.",
        )
        count.add_argument(
            "--maximize-count",
            action="store_true",
            help="As many regions as the floors allow (max-p).",
        )
        parser.add_argument(
            "--fixed-group",
            action="append",
            type=parse_ids,
            default=[],
            metavar="ID,ID,...",
            help="Units that form one region as given, exempt from floors (e.g. a special zone). Repeatable.",
        )
        parser.add_argument(
            "--connect-islands",
            action="store_true",
            help="Link a unit touching no other unit to the nearest unit of its group instead of reporting it.",
        )
        parser.add_argument(
            "--seed",
            type=int,
            default=0,
            help="Random seed; the same seed gives the same plan (default 0).",
        )
        parser.add_argument(
            "--time-limit",
            type=float,
            default=60.0,
            metavar="SECONDS",
            help="Stop the search after this long (default 60).",
        )
        parser.add_argument(
            "--out",
            required=True,
            type=Path,
            metavar="PLAN.csv",
            help="Where to write unit_id,region_id.",
        )
        parser.add_argument(
            "--report", type=Path, metavar="REPORT.json", help="Where to write the JSON report."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        features = read_features(options["units"])
        units, geometries, untyped = read_units(features, options)
        index = {unit_id: i for i, unit_id in enumerate(units.ids)}
        fixed = []
        for group in options["fixed_group"]:
            missing = [unit_id for unit_id in group if unit_id not in index]
            if missing:
                raise bad_input(f"--fixed-group: unknown unit id(s) {', '.join(missing)}")
            fixed.append(tuple(index[unit_id] for unit_id in group))
        in_fixed = {units.ids[u] for group in fixed for u in group}
        for unit_id, value in untyped.items():
            # A fixed group is exempt from the floors, so its type is never needed.
            if unit_id not in in_fixed:
                raise bad_input(
                    f"--type-field: unit {unit_id} has type {value!r}; expected Phường, Xã or "
                    "Thị trấn (a unit of another type can only be kept as a --fixed-group)"
                )
        labels = list(units.groups[0].labels) if units.groups else ["all"] * units.size
        adjacency = build_adjacency(
            geometries, connect_islands_within=labels if options["connect_islands"] else None
        )
        rules = Rules(
            floors=dict(options["floor"]), exempt_constituents=options["exempt_constituents"]
        )
        settings = Options(
            target_count=options["target_count"],
            maximize_count=options["maximize_count"],
            fixed_groups=fixed,
            time_limit_s=options["time_limit"],
        )
        try:
            result = arrange(
                units=units,
                adjacency=adjacency,
                rules=rules,
                options=settings,
                rng=np.random.default_rng(options["seed"]),
            )
        except ValueError as error:
            raise bad_input(str(error)) from None
        write_plan(options["out"], units, result.assignment)
        if options["report"]:
            options["report"].write_text(
                json.dumps(report(units, result, options["seed"]), ensure_ascii=False, indent=2),
                encoding="utf-8",
            )
        state = "feasible" if result.feasible else "NOT feasible"
        self.stdout.write(
            f"{result.count} regions, {state}, {result.seconds:.1f} s -> {options['out']}"
        )
        for message in result.diagnostics:
            self.stdout.write(f"  {message}")


def read_features(path: Path) -> list[dict[str, Any]]:
    try:
        if path.suffix == ".gz":
            with gzip.open(path, "rt", encoding="utf-8") as handle:
                data = json.load(handle)
        else:
            data = json.loads(path.read_text(encoding="utf-8"))
    except (gzip.BadGzipFile, EOFError) as error:
        raise bad_input(f"--units: {path} is not a readable gzip file: {error}") from None
    except OSError as error:
        raise bad_input(f"--units: cannot read {path}: {error.strerror}") from None
    except json.JSONDecodeError as error:
        raise bad_input(f"--units: {path} is not JSON: {error}") from None
    features = data.get("features") if isinstance(data, dict) else None
    if not features:
        raise bad_input(f"--units: {path} is not a GeoJSON FeatureCollection with features")
    return list(features)


def _number(props: dict[str, Any], field: str, unit_id: str, option: str) -> float:
    try:
        value = float(props[field])
    except (TypeError, ValueError):
        raise bad_input(
            f"{option}: unit {unit_id} has {props[field]!r} in {field!r}, not a number"
        ) from None
    if value < 0:
        raise bad_input(f"{option}: unit {unit_id} has a negative {field!r}")
    return value


def _describe(props: dict[str, Any], skip: list[str]) -> str:
    """A feature's first non-empty text property, to name a feature that has no id."""
    for key, value in props.items():
        if key not in skip and isinstance(value, str) and value.strip():
            return f" ({key} {value.strip()!r})"
    return ""


def read_units(
    features: list[dict[str, Any]], options: dict[str, Any]
) -> tuple[Units, list[Any], dict[str, str]]:
    """Units and geometries, plus the units whose type is neither xã nor phường (id -> type)."""
    id_fields: list[str] = options["id_field"]
    fields = {
        "--population-field": options["population_field"],
        "--area-field": options["area_field"],
        "--type-field": options["type_field"],
    }
    if options["group_field"]:
        fields["--group-field"] = options["group_field"]
    ids, population, area, phuong, groups, geometries = [], [], [], [], [], []
    untyped: dict[str, str] = {}
    seen: set[str] = set()
    for number, feature in enumerate(features, start=1):
        props = feature.get("properties") or {}
        for option, field in [*(("--id-field", f) for f in id_fields), *fields.items()]:
            if field not in props:
                raise bad_input(f"{option}: feature {number} has no property {field!r}")
        unit_id = next(
            (str(props[f]).strip() for f in id_fields if str(props[f] or "").strip()), ""
        )
        if not unit_id:
            tried = " or ".join(repr(f) for f in id_fields)
            hint = (
                f"; name a fallback property too, e.g. --id-field {id_fields[0]},OTHER_FIELD"
                if len(id_fields) == 1
                else ""
            )
            raise bad_input(
                f"--id-field: feature {number}{_describe(props, id_fields)} has an empty "
                f"{tried}{hint}"
            )
        if unit_id in seen:
            raise bad_input(f"--id-field: unit id {unit_id} appears twice")
        seen.add(unit_id)
        raw_type = props[fields["--type-field"]]
        kind = TYPE_VALUES.get(fold(str(raw_type or "")))
        if kind is None:
            untyped[unit_id] = str(raw_type)
        try:
            geometries.append(shape(feature["geometry"]))
        except (KeyError, TypeError, ValueError, AttributeError):
            raise bad_input(f"--units: unit {unit_id} has no valid geometry") from None
        ids.append(unit_id)
        population.append(
            _number(props, fields["--population-field"], unit_id, "--population-field")
        )
        area.append(_number(props, fields["--area-field"], unit_id, "--area-field"))
        phuong.append(kind == "phuong")
        if options["group_field"]:
            groups.append(str(props[options["group_field"]]))
    group_fields = (
        (GroupField(name=options["group_field"], labels=groups, mode=options["group_mode"]),)
        if groups
        else ()
    )
    units = Units(
        ids=ids,
        area_km2=np.array(area),
        population=np.array(population),
        is_phuong=np.array(phuong, dtype=bool),
        groups=group_fields,
    )
    return units, geometries, untyped


def write_plan(path: Path, units: Units, assignment: np.ndarray) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["unit_id", "region_id"])
        for unit_id, region in zip(units.ids, assignment.tolist(), strict=True):
            writer.writerow([unit_id, region + 1])


def report(units: Units, result: Any, seed: int) -> dict[str, Any]:
    return {
        "feasible": result.feasible,
        "seed": seed,
        "seconds": round(result.seconds, 3),
        "stopped_by": result.stopped_by,
        "objective": {
            "deficit": result.objective.deficit,
            "count_distance": result.objective.count_distance,
            "soft": result.objective.soft,
            "mean_polsby_popper": result.mean_polsby_popper,
        },
        "count": result.count,
        "count_bound": result.count_bound,
        "regions": [
            {
                "region_id": region.index + 1,
                "units": [units.ids[u] for u in region.units],
                "type": region.kind,
                "area_km2": round(region.area_km2, 3),
                "population": region.population,
                "polsby_popper": round(region.polsby_popper, 4),
                "exempt": region.exempt,
                "fixed": region.fixed,
            }
            for region in result.regions
        ],
        "violations": [
            {
                "rule": v.rule,
                "message": v.message,
                "region_id": None if v.region is None else v.region + 1,
                "units": list(v.units),
            }
            for v in result.violations
        ],
        "diagnostics": list(result.diagnostics),
    }
