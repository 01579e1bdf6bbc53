"""Checks that decide whether an imported collection may be stored: fields, then geometry.

Each check is a small function returning Problems that name the feature and the field; the
validator runs them all so the user sees every problem in one go, and returns either a clean
collection or the problems, never a part of the file.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from typing import Any, Literal

import shapely
from shapely.geometry import MultiPolygon, Polygon
from shapely.geometry.base import BaseGeometry

from hopnhat.engine.geo.features import Feature, FeatureCollection, Problem, problem_for
from hopnhat.engine.geo.formats.textcodec import nfc

FieldKind = Literal["str", "int", "float"]
RepairPolicy = Literal["refuse", "repair"]
POLYGONAL = ("Polygon", "MultiPolygon")
# lon/lat box of Vietnam's territory including the Hoàng Sa and Trường Sa special districts.
VIETNAM_BBOX = (102.0, 6.0, 118.0, 23.5)


@dataclass(frozen=True)
class FieldRule:
    name: str
    kind: FieldKind = "str"
    required: bool = True
    unique: bool = False


@dataclass(frozen=True)
class Schema:
    fields: tuple[FieldRule, ...] = ()
    geometry_types: tuple[str, ...] = POLYGONAL


UNIT_SCHEMA = Schema(
    fields=(FieldRule("code", "str", required=True, unique=True), FieldRule("name", "str"))
)


@dataclass(frozen=True)
class Repair:
    feature_index: int
    where: str
    feature_id: str | None
    reason: str
    action: str

    @property
    def message(self) -> str:
        label = f"{self.where} (id {self.feature_id})" if self.feature_id else self.where
        return f"{label}: {self.reason}; {self.action}"


@dataclass(frozen=True)
class Validated:
    """Either `collection` (clean, EPSG:4326) or `errors`; `repairs` lists what was changed."""

    collection: FeatureCollection | None
    errors: tuple[Problem, ...] = ()
    repairs: tuple[Repair, ...] = ()
    notes: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.errors


def validate_collection(
    collection: FeatureCollection,
    *,
    schema: Schema = UNIT_SCHEMA,
    policy: RepairPolicy = "refuse",
    bbox: tuple[float, float, float, float] | None = VIETNAM_BBOX,
) -> Validated:
    """All field and geometry checks over a collection already in EPSG:4326."""
    if not collection.features:
        return Validated(None, (Problem(code="no_features", message="the file has no features"),))
    problems: list[Problem] = []
    repairs: list[Repair] = []
    cleaned: list[Feature] = []
    for feature in collection.features:
        properties, field_problems = check_fields(feature, schema.fields)
        geometry, geometry_problems, repair = check_geometry(
            feature, allowed=schema.geometry_types, policy=policy, bbox=bbox
        )
        problems += field_problems + geometry_problems
        repairs += [repair] if repair else []
        cleaned.append(replace(feature, properties=properties, geometry=geometry))
    problems += check_unique(cleaned, [r.name for r in schema.fields if r.unique])
    notes = collection.notes
    if problems:
        return Validated(None, tuple(problems), tuple(repairs), notes)
    return Validated(collection.with_features(cleaned), (), tuple(repairs), notes)


# --- fields -------------------------------------------------------------------------------


def check_fields(
    feature: Feature, rules: Sequence[FieldRule]
) -> tuple[dict[str, Any], list[Problem]]:
    """The properties with declared fields coerced to their kind, and what is wrong with them."""
    properties = dict(feature.properties)
    problems = []
    for rule in rules:
        value, problem = _check_field(feature, rule)
        if problem is not None:
            problems.append(problem)
        elif rule.name in properties:
            properties[rule.name] = value
    return properties, problems


def _is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _check_field(feature: Feature, rule: FieldRule) -> tuple[Any, Problem | None]:
    if rule.name not in feature.properties or _is_blank(feature.properties[rule.name]):
        if not rule.required:
            return None, None
        state = "missing" if rule.name not in feature.properties else "empty"
        return None, problem_for(
            feature,
            code=f"field_{state}",
            field_name=rule.name,
            message=f"required field '{rule.name}' is {state}",
        )
    return _coerce(feature, rule, feature.properties[rule.name])


def _coerce(feature: Feature, rule: FieldRule, value: Any) -> tuple[Any, Problem | None]:
    coerced = _COERCERS[rule.kind](value)
    if coerced is None:
        return None, problem_for(
            feature,
            code="field_type",
            field_name=rule.name,
            message=f"field '{rule.name}' should be {_KIND_WORDS[rule.kind]}, not {value!r}"
            + (_CODE_HINT if rule.kind == "str" and isinstance(value, int | float) else ""),
            expected=rule.kind,
            value=value,
        )
    return coerced, None


_KIND_WORDS = {"str": "text", "int": "a whole number", "float": "a number"}
# A code stored as a number has lost its leading zeros (Hà Nội's 00001 became 1).
_CODE_HINT = "; store codes as text to keep leading zeros"


def _as_str(value: Any) -> str | None:
    return nfc(value.strip()) if isinstance(value, str) else None


def _as_int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and re.fullmatch(r"[+-]?\d+", value.strip().replace(" ", "")):
        return int(value.strip().replace(" ", ""))
    return None


def _as_float(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value) if math.isfinite(value) else None
    if isinstance(value, str):
        try:
            number = float(value.strip().replace(",", "."))  # decimal comma from Vietnamese Excel
        except ValueError:
            return None
        return number if math.isfinite(number) else None
    return None


_COERCERS = {"str": _as_str, "int": _as_int, "float": _as_float}


def check_unique(features: Sequence[Feature], names: Sequence[str]) -> list[Problem]:
    problems = []
    for name in names:
        first_seen: dict[Any, Feature] = {}
        for feature in features:
            value = feature.properties.get(name)
            if _is_blank(value):
                continue
            if value in first_seen:
                problems.append(
                    problem_for(
                        feature,
                        code="field_duplicate",
                        field_name=name,
                        message=f"field '{name}' = {value!r} repeats {first_seen[value].label}",
                    )
                )
            else:
                first_seen[value] = feature
    return problems


# --- geometry -----------------------------------------------------------------------------


def check_geometry(
    feature: Feature,
    *,
    allowed: Sequence[str] = POLYGONAL,
    policy: RepairPolicy = "refuse",
    bbox: tuple[float, float, float, float] | None = VIETNAM_BBOX,
) -> tuple[BaseGeometry | None, list[Problem], Repair | None]:
    """The geometry to store (repaired if allowed), the problems, and the repair made if any."""
    geometry = feature.geometry
    problem = _presence_problem(feature, geometry)
    if problem is not None:
        return None, [problem], None
    assert geometry is not None
    geometry, repair, problem = _fix_type(feature, geometry, allowed, policy)
    if problem is None:
        geometry, repair, problem = _fix_validity(feature, geometry, policy, repair)
    if problem is not None:
        return None, [problem], repair
    outside = _outside_problem(feature, geometry, bbox)
    return geometry, [outside] if outside else [], repair


def _presence_problem(feature: Feature, geometry: BaseGeometry | None) -> Problem | None:
    if geometry is None:
        return problem_for(
            feature, code="geometry_missing", field_name="geometry", message="has no geometry"
        )
    if geometry.is_empty:
        return problem_for(
            feature, code="geometry_empty", field_name="geometry", message="geometry is empty"
        )
    return None


def polygonal_part(geometry: BaseGeometry) -> Polygon | MultiPolygon | None:
    """The polygons within a geometry (collections flattened), or None if there are none."""
    polygons = list(_polygons(geometry))
    if not polygons:
        return None
    return polygons[0] if len(polygons) == 1 else MultiPolygon(polygons)


def _polygons(geometry: BaseGeometry) -> Iterator[Polygon]:
    for part in shapely.get_parts(geometry):
        if isinstance(part, Polygon) and not part.is_empty:
            yield part
        elif isinstance(part, MultiPolygon | shapely.GeometryCollection):
            yield from _polygons(part)


def _fix_type(
    feature: Feature, geometry: BaseGeometry, allowed: Sequence[str], policy: RepairPolicy
) -> tuple[BaseGeometry, Repair | None, Problem | None]:
    if geometry.geom_type in allowed:
        return geometry, None, None
    polygons = polygonal_part(geometry) if set(allowed) <= set(POLYGONAL) else None
    if policy == "repair" and polygons is not None and geometry.geom_type == "GeometryCollection":
        reason = "geometry is a GeometryCollection"
        return polygons, _repair(feature, reason, "kept only its polygons"), None
    return (
        geometry,
        None,
        problem_for(
            feature,
            code="geometry_type",
            field_name="geometry",
            message=f"geometry is a {geometry.geom_type}; expected {' or '.join(allowed)}",
            found=geometry.geom_type,
        ),
    )


def _fix_validity(
    feature: Feature, geometry: BaseGeometry, policy: RepairPolicy, repair: Repair | None
) -> tuple[BaseGeometry, Repair | None, Problem | None]:
    if geometry.is_valid:
        return geometry, repair, None
    reason = describe_invalidity(geometry)
    if policy == "refuse":
        return (
            geometry,
            repair,
            problem_for(
                feature,
                code="geometry_invalid",
                field_name="geometry",
                message=f"geometry is invalid: {reason}",
                reason=reason,
            ),
        )
    # "structure" rebuilds polygons from their rings as areas (a bow-tie becomes two
    # triangles) instead of tracing linework, and drops collapsed slivers.
    fixed = polygonal_part(shapely.make_valid(geometry, method="structure", keep_collapsed=False))
    if fixed is None:
        return (
            geometry,
            repair,
            problem_for(
                feature,
                code="geometry_unrepairable",
                field_name="geometry",
                message=f"geometry is invalid ({reason}) and nothing polygonal is left after repair",
                reason=reason,
            ),
        )
    parts = len(shapely.get_parts(fixed))
    action = f"made valid: now a {fixed.geom_type} of {parts} part{'s' if parts > 1 else ''}"
    return fixed, _repair(feature, f"geometry was invalid: {reason}", action), None


def describe_invalidity(geometry: BaseGeometry) -> str:
    """GEOS's reason with its location: 'Self-intersection at lon 106.6, lat 20.85'."""
    reason = str(shapely.is_valid_reason(geometry))
    match = re.fullmatch(r"(.*)\[(\S+) (\S+)\]", reason)
    if match is None:
        return reason
    what, x, y = match.groups()
    return f"{what} at lon {float(x):.6f}, lat {float(y):.6f}"


def _outside_problem(
    feature: Feature, geometry: BaseGeometry, bbox: tuple[float, float, float, float] | None
) -> Problem | None:
    if bbox is None:
        return None
    minx, miny, maxx, maxy = geometry.bounds
    if minx >= bbox[0] and miny >= bbox[1] and maxx <= bbox[2] and maxy <= bbox[3]:
        return None
    return problem_for(
        feature,
        code="geometry_outside",
        field_name="geometry",
        message=(
            f"geometry lies outside Vietnam (bounds lon {minx:.4f}–{maxx:.4f}, lat "
            f"{miny:.4f}–{maxy:.4f}); check the coordinate reference system"
        ),
    )


def _repair(feature: Feature, reason: str, action: str) -> Repair:
    return Repair(feature.index, feature.where, feature.id, reason, action)
