"""The only bridge between plan rows and the engine: snapshots, checks and their reports.

`PlanSnapshot` is the plain, ORM-free picture of a plan that the dossier builders
(plans/dossier/) and the pages read:

    snapshot = plan_snapshot(plan)             # units, constituents, figures, check results
    for unit in snapshot.units:                # in the plan's order
        unit.full_name, unit.unit_type         # "Xã Gia Lộc", "xa"
        unit.area_km2, unit.area_source        # entered figure, else the sum of the parts
        unit.population, unit.population_source
        unit.constituents                      # ConstituentSnapshot: whole/part, figures taken
        snapshot.result(unit.key)              # engine UnitResult: measures with %, status,
                                               # exemption, violations (vi/en + citation)
    snapshot.not_arranged                      # NQ 76 Art 3, with reasons
    snapshot.check.plan_violations             # names, seats, contiguity, coverage

Figures entered on a new unit (e.g. the official 31/12/2024 ones) take precedence over the sum
of its constituents (NQ 76 Art 6); the `*_source` fields say which one a figure is.
"""

from __future__ import annotations

import datetime
import functools
import json
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field, fields, replace
from enum import Enum
from typing import Any

import numpy as np
import shapely
from django.db.models import Prefetch
from django.utils.translation import gettext
from pyproj import Transformer
from shapely.geometry import Point, shape
from shapely.geometry.base import BaseGeometry

from hopnhat.apps.plans.models import Assignment, NewUnit, Plan, UnitNotArranged
from hopnhat.apps.territory.models import PopulationFigure, Unit
from hopnhat.engine.geo.area import HP_HD_ALBERS
from hopnhat.engine.standards import (
    BaselineWardSetting,
    Citation,
    Constituent,
    Exemption,
    Measure,
    PlanCheck,
    PlanOptions,
    ProposedUnit,
    SpecialFactors,
    UnitResult,
    UnitType,
    Violation,
    WardCategory,
    check_plan,
    derive_unit_type,
    hai_phong_2025_options,
    rule_set_by_id,
)

# Plans feed the contiguity rule geometries projected to metres (Albers, HP_HD_ALBERS); pieces
# closer than this count as joined, absorbing slivers between the simplified old polygons.
CONTIGUITY_TOLERANCE_M = 100.0


# Options --------------------------------------------------------------------------------


def default_options() -> PlanOptions:
    return replace(hai_phong_2025_options(), contiguity_tolerance=CONTIGUITY_TOLERANCE_M)


def options_to_json(options: PlanOptions) -> dict[str, Any]:
    return {k: (v.value if isinstance(v, Enum) else v) for k, v in asdict(options).items()}


def options_from_json(data: dict[str, Any] | None) -> PlanOptions:
    base = default_options()
    known = {f.name for f in fields(PlanOptions)}
    values = {k: v for k, v in (data or {}).items() if k in known}
    if "ward_category" in values:
        values["ward_category"] = WardCategory(values["ward_category"])
    if "baseline_ward_setting" in values:
        values["baseline_ward_setting"] = BaselineWardSetting(values["baseline_ward_setting"])
    return replace(base, **values)


# Snapshot -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ConstituentSnapshot:
    old_unit_id: int
    old_code: str
    old_name: str  # full name: "Xã Gia Xuyên"
    old_type: str  # territory type: "xa", "phuong", "thi_tran"; a district for Bạch Long Vĩ
    old_district_code: str
    old_district_name: str
    whole: bool
    area_share: float
    population_share: float
    old_area_km2: float | None
    old_population: int | None
    old_population_source: str
    area_km2: float | None  # the part taken: old figure × share
    population: int | None


@dataclass(frozen=True)
class UnitSnapshot:
    key: str
    name: str
    unit_type: str  # "xa", "phuong", "dac_khu"
    derived_type: str
    type_override_reason: str
    special_zone: bool
    seat_address: str
    seat_lon: float | None
    seat_lat: float | None
    name_reason: str
    detached_reason: str
    factors: SpecialFactors
    area_km2: float | None
    area_source: str
    population: int | None
    population_source: str
    entered_area_km2: float | None
    entered_population: int | None
    figures_source: str
    constituents: tuple[ConstituentSnapshot, ...]

    @property
    def full_name(self) -> str:
        return f"{UnitType(self.unit_type).label_vi} {self.name}" if self.unit_type else self.name

    @property
    def whole_count(self) -> int:
        return sum(c.whole for c in self.constituents)


@dataclass(frozen=True)
class NotArrangedSnapshot:
    old_code: str
    old_name: str
    reason: str


@dataclass(frozen=True)
class PlanSnapshot:
    plan_id: int
    name: str
    owner_name: str
    status: str
    version: int
    provinces: tuple[str, ...]
    new_province_code: str
    new_province_name: str
    base_date: datetime.date
    target_date: datetime.date
    rule_set_id: str
    options: PlanOptions
    legal_basis: str
    effective_date: datetime.date | None
    units: tuple[UnitSnapshot, ...]
    not_arranged: tuple[NotArrangedSnapshot, ...]
    old_unit_codes: frozenset[str]  # every old unit in scope on the base date
    check: PlanCheck | None = None
    geometries: dict[str, BaseGeometry] = field(default_factory=dict, compare=False)

    def unit(self, key: str) -> UnitSnapshot:
        return next(u for u in self.units if u.key == key)

    def result(self, key: str) -> UnitResult:
        if self.check is None:
            raise LookupError("the snapshot was taken without its check")
        return self.check.unit(key)


def plan_snapshot(
    plan: Plan, *, with_check: bool = True, with_geometry: bool = True
) -> PlanSnapshot:
    """Read the plan's rows once and check them; geometries are projected to metres."""
    figures = Prefetch(
        "old_unit__population_figures", queryset=PopulationFigure.objects.order_by("kind")
    )
    assignments = list(
        Assignment.objects.filter(plan=plan)
        .select_related("old_unit__parent")
        .prefetch_related(figures)
        .order_by("old_unit__code")
    )
    by_unit: dict[int, list[Assignment]] = {}
    for a in assignments:
        by_unit.setdefault(a.new_unit_id, []).append(a)
    units = tuple(
        _unit_snapshot(u, by_unit.get(u.pk, []))
        for u in NewUnit.objects.filter(plan=plan).order_by("position", "key")
    )
    in_scope = Unit.objects.on(plan.base_date).filter(
        is_commune_tier=True, province_code__in=plan.provinces
    )
    province = (
        Unit.objects.on(plan.target_date)
        .filter(level="province", code=plan.new_province_code)
        .first()
    )
    snapshot = PlanSnapshot(
        plan_id=plan.pk,
        name=plan.name,
        owner_name=plan.owner_org.name,
        status=plan.status,
        version=plan.version,
        provinces=tuple(plan.provinces),
        new_province_code=plan.new_province_code,
        new_province_name=province.full_name if province else plan.new_province_code,
        base_date=plan.base_date,
        target_date=plan.target_date,
        rule_set_id=plan.rule_set_id,
        options=options_from_json(plan.options),
        legal_basis=plan.legal_basis,
        effective_date=plan.effective_date,
        units=units,
        not_arranged=tuple(
            NotArrangedSnapshot(r.old_unit.code, r.old_unit.full_name, r.reason)
            for r in UnitNotArranged.objects.filter(plan=plan)
            .select_related("old_unit")
            .order_by("old_unit__code")
        ),
        old_unit_codes=frozenset(in_scope.values_list("code", flat=True)),
        geometries=unit_geometries(assignments) if with_geometry else {},
    )
    return replace(snapshot, check=check(snapshot)) if with_check else snapshot


def _unit_snapshot(unit: NewUnit, assignments: list[Assignment]) -> UnitSnapshot:
    constituents = tuple(_constituent(a) for a in assignments)
    area_parts = [c.area_km2 for c in constituents]
    population_parts = [c.population for c in constituents]
    area_sum = (
        round(sum(a for a in area_parts if a is not None), 2)
        if area_parts and None not in area_parts
        else None
    )
    population_sum = (
        sum(p for p in population_parts if p is not None)
        if population_parts and None not in population_parts
        else None
    )
    entered = unit.figures_source or gettext("entered figure")
    summed = gettext("sum of the constituents")
    derived = unit.unit_type if not unit.type_override else _derived(constituents, unit)
    return UnitSnapshot(
        key=unit.key,
        name=unit.name,
        unit_type=unit.unit_type,
        derived_type=derived,
        type_override_reason=unit.type_override_reason,
        special_zone=unit.special_zone,
        seat_address=unit.seat_address,
        seat_lon=unit.seat_lon,
        seat_lat=unit.seat_lat,
        name_reason=unit.name_reason,
        detached_reason=unit.detached_reason,
        factors=_factors(unit),
        area_km2=unit.area_km2 if unit.area_km2 is not None else area_sum,
        area_source=entered if unit.area_km2 is not None else summed,
        population=unit.population if unit.population is not None else population_sum,
        population_source=entered if unit.population is not None else summed,
        entered_area_km2=unit.area_km2,
        entered_population=unit.population,
        figures_source=unit.figures_source,
        constituents=constituents,
    )


def _derived(constituents: tuple[ConstituentSnapshot, ...], unit: NewUnit) -> str:
    types = [_engine_type(c.old_type) for c in constituents]
    return derive_unit_type(
        [t for t in types if t is not None], special_zone=unit.special_zone
    ).value


def _factors(unit: NewUnit) -> SpecialFactors:
    known = {f.name for f in fields(SpecialFactors)}
    values = {k: v for k, v in (unit.factors or {}).items() if k in known}
    if unit.special_zone:
        values.setdefault("island", True)
    return SpecialFactors(**values)


def _constituent(a: Assignment) -> ConstituentSnapshot:
    old = a.old_unit
    figure = _headline(old)
    population = figure.value if figure else None
    whole = a.relation == "whole"
    district = old.parent if old.level == "commune" else old
    return ConstituentSnapshot(
        old_unit_id=old.pk,
        old_code=old.code,
        old_name=old.full_name,
        old_type=old.unit_type,
        old_district_code=district.code if district else "",
        old_district_name=district.full_name if district else "",
        whole=whole,
        area_share=1.0 if whole else a.area_share,
        population_share=1.0 if whole else a.population_share,
        old_area_km2=old.area_km2,
        old_population=population,
        old_population_source=figure.get_kind_display() if figure else "",
        area_km2=None if old.area_km2 is None else old.area_km2 * (1.0 if whole else a.area_share),
        population=(
            None
            if population is None
            else round(population * (1.0 if whole else a.population_share))
        ),
    )


def _headline(unit: Unit) -> PopulationFigure | None:
    return unit.headline_population()


def _engine_type(territory_type: str) -> UnitType | None:
    try:
        return UnitType(territory_type)
    except ValueError:
        return None


# Geometry -------------------------------------------------------------------------------


@functools.cache
def _albers() -> Transformer:
    return Transformer.from_crs("EPSG:4326", HP_HD_ALBERS, always_xy=True)


def project_to_metres(geometries: Sequence[BaseGeometry]) -> list[BaseGeometry]:
    transformer = _albers()
    array = np.asarray(list(geometries), dtype=object)
    moved = shapely.transform(
        array, lambda xy: np.column_stack(transformer.transform(xy[:, 0], xy[:, 1]))
    )
    return list(moved)


def piece_geometry(a: Assignment) -> BaseGeometry | None:
    """The old unit's polygon, or the part's own polygon when the plan knows it (lon/lat)."""
    text = a.part_geometry or a.old_unit.geometry_simplified
    return shape(json.loads(text)) if text else None


def unit_geometries(assignments: Iterable[Assignment]) -> dict[str, BaseGeometry]:
    """Per new unit key, the union of its pieces, in metres (HP_HD_ALBERS)."""
    pieces: dict[str, list[BaseGeometry]] = {}
    for a in assignments:
        geometry = piece_geometry(a)
        if geometry is not None:
            pieces.setdefault(a.new_unit.key, []).append(geometry)
    keys = list(pieces)
    unions = [shapely.union_all(pieces[k]) for k in keys]
    return dict(zip(keys, project_to_metres(unions), strict=True)) if keys else {}


def seat_in_metres(unit: UnitSnapshot) -> Point | None:
    if unit.seat_lon is None or unit.seat_lat is None:
        return None
    moved = project_to_metres([Point(unit.seat_lon, unit.seat_lat)])[0]
    return moved if isinstance(moved, Point) else None


# Check ----------------------------------------------------------------------------------


def proposed_units(snapshot: PlanSnapshot) -> list[ProposedUnit]:
    return [
        ProposedUnit(
            id=unit.key,
            name=unit.name,
            unit_type=UnitType(unit.unit_type),
            area_km2=unit.entered_area_km2,
            population=unit.entered_population,
            constituents=tuple(
                Constituent(
                    old_id=c.old_code,
                    name=c.old_name,
                    unit_type=_engine_type(c.old_type),
                    whole=c.whole,
                    area_share=c.area_share,
                    population_share=c.population_share,
                    area_km2=c.area_km2,
                    population=c.population,
                )
                for c in unit.constituents
            ),
            factors=unit.factors,
            seat=seat_in_metres(unit),
            geometry=snapshot.geometries.get(unit.key),
            detached_islands=bool(unit.detached_reason),
            type_override_reason=unit.type_override_reason or None,
        )
        for unit in snapshot.units
        if unit.unit_type
    ]


def check(snapshot: PlanSnapshot) -> PlanCheck:
    not_arranged = {n.old_code for n in snapshot.not_arranged}
    return check_plan(
        proposed_units(snapshot),
        rule_set_by_id(snapshot.rule_set_id),
        snapshot.options,
        old_unit_ids=snapshot.old_unit_codes - not_arranged,
    )


# Reports (JSON-ready, for the API and the pages) ------------------------------------------


def citation_report(citation: Citation) -> dict[str, str]:
    return {"vi": citation.text_vi, "en": citation.text_en}


def measure_report(m: Measure | None) -> dict[str, Any] | None:
    if m is None:
        return None
    return {
        "value": m.value,
        "threshold": m.threshold.value,
        "percent": round(m.percent, 2),
        "meets": m.meets,
        "basis_vi": m.threshold.basis_vi,
        "basis_en": m.threshold.basis_en,
        "verified": m.threshold.verified,
    }


def violation_report(v: Violation) -> dict[str, Any]:
    return {
        "rule_id": v.rule_id,
        "message_vi": v.message_vi,
        "message_en": v.message_en,
        "citation": citation_report(v.citation),
        "value": v.value,
        "threshold": v.threshold,
        "percent": None if v.percent is None else round(v.percent, 2),
        "unit_keys": list(v.unit_ids),
        "verified": v.verified,
        "advisory": v.advisory,
    }


def exemption_report(e: Exemption | None) -> dict[str, Any] | None:
    if e is None:
        return None
    return {
        "rule_id": e.rule_id,
        "reason_vi": e.reason_vi,
        "reason_en": e.reason_en,
        "citation": citation_report(e.citation),
        "verified": e.verified,
    }


def constituent_report(c: ConstituentSnapshot) -> dict[str, Any]:
    return {
        "old_code": c.old_code,
        "old_name": c.old_name,
        "old_district": c.old_district_name,
        "relation": "whole" if c.whole else "part",
        "area_share": c.area_share,
        "population_share": c.population_share,
        "area_km2": None if c.area_km2 is None else round(c.area_km2, 2),
        "population": c.population,
    }


def unit_report(snapshot: PlanSnapshot, unit: UnitSnapshot) -> dict[str, Any]:
    result = snapshot.result(unit.key) if unit.unit_type else None
    return {
        "key": unit.key,
        "name": unit.name,
        "full_name": unit.full_name,
        "unit_type": unit.unit_type,
        "area_km2": unit.area_km2,
        "area_source": unit.area_source,
        "population": unit.population,
        "population_source": unit.population_source,
        "area": measure_report(result.area) if result else None,
        "population_measure": measure_report(result.population) if result else None,
        "baseline_area": measure_report(result.baseline_area) if result else None,
        "baseline_population": measure_report(result.baseline_population) if result else None,
        "constituent_count": result.constituent_count if result else len(unit.constituents),
        "constituents": [constituent_report(c) for c in unit.constituents],
        "status": result.status.value if result else "fail",
        "exemption": exemption_report(result.exemption) if result else None,
        "violations": [violation_report(v) for v in result.violations] if result else [],
        "waived": [violation_report(v) for v in result.waived] if result else [],
    }


def check_report(snapshot: PlanSnapshot) -> dict[str, Any]:
    assert snapshot.check is not None
    units = [unit_report(snapshot, u) for u in snapshot.units]
    statuses = [u["status"] for u in units]
    rule_set = rule_set_by_id(snapshot.rule_set_id)
    return {
        "plan_id": snapshot.plan_id,
        "version": snapshot.version,
        "rule_set": {
            "id": rule_set.id,
            "title_vi": rule_set.title_vi,
            "title_en": rule_set.title_en,
        },
        "options": options_to_json(snapshot.options),
        "counts": {
            "units": len(units),
            "pass": statuses.count("pass"),
            "exempt": statuses.count("exempt"),
            "fail": statuses.count("fail"),
        },
        "ok": snapshot.check.ok,
        "units": units,
        "plan_violations": [violation_report(v) for v in snapshot.check.plan_violations],
        "not_arranged": [asdict(n) for n in snapshot.not_arranged],
    }
