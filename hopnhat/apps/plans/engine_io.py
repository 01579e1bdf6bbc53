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
from typing import Any, Literal

import numpy as np
import shapely
from django.db.models import Prefetch
from django.utils.translation import gettext
from pyproj import Transformer
from shapely.geometry import Point, shape
from shapely.geometry.base import BaseGeometry

from hopnhat.apps.plans.models import Assignment, NewUnit, Plan, UnitNotArranged
from hopnhat.apps.territory.models import PopulationFigure, Unit
from hopnhat.engine.arrange import Adjacency, Floor, GroupField, Rules
from hopnhat.engine.arrange import Units as ArrangeUnits
from hopnhat.engine.arrange.graph import build_adjacency
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
        .select_related("old_unit__parent", "new_unit")
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


# The map editor's bootstrap: thresholds and neighbours the client computes its tallies with ----


def _factors_key(factors: dict[str, Any]) -> str:
    # The client builds the same key (JSON with sorted keys) to look a unit's thresholds up.
    return json.dumps(factors or {}, sort_keys=True, separators=(",", ":"))


def _threshold_report(threshold: Any) -> dict[str, Any] | None:
    if threshold is None:
        return None
    return {
        "value": threshold.value,
        "basis_vi": threshold.basis_vi,
        "basis_en": threshold.basis_en,
        "verified": threshold.verified,
    }


def _probe_unit(unit_type: UnitType, factors: SpecialFactors, count: int) -> ProposedUnit:
    return ProposedUnit(
        id="probe",
        name="probe",
        unit_type=unit_type,
        area_km2=1.0,
        population=1,
        constituents=tuple(
            Constituent(old_id=f"p{i}", unit_type=UnitType.XA) for i in range(count)
        ),
        factors=factors,
    )


def editor_rules(plan: Plan, factor_sets: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """What the editor needs to tally a unit within 100 ms without asking the server.

    Per profile (type × special factors): the area and population thresholds, whether the
    unit is always exempt (island special zones) and from how many constituents an exemption
    sets a missed threshold aside (NQ 76 Art 5(2)). Probing the rule set's own functions keeps
    the client in step with whatever rule set the plan was checked by; the server check after
    each autosave remains the authority.
    """
    from hopnhat.engine.standards.check import first_exemption

    rule_set = rule_set_by_id(plan.rule_set_id)
    options = options_from_json(plan.options)
    probe_failure = Violation("probe", "", "", Citation("", ""))
    keys: dict[str, dict[str, Any]] = {_factors_key({}): {}}
    keys.update({_factors_key(f): f for f in factor_sets})
    profiles: dict[str, Any] = {}
    for key, raw in keys.items():
        known = {f.name for f in fields(SpecialFactors)}
        base = SpecialFactors(**{k: v for k, v in raw.items() if k in known})
        for unit_type in (UnitType.XA, UnitType.PHUONG, UnitType.DAC_KHU):
            factors = replace(base, island=True) if unit_type is UnitType.DAC_KHU else base
            single = _probe_unit(unit_type, factors, 1)
            always = first_exemption(single, rule_set, options, ())
            exempt_from = None
            exemption = None
            for count in range(1, 7):
                found = first_exemption(
                    _probe_unit(unit_type, factors, count), rule_set, options, (probe_failure,)
                )
                if found is not None:
                    exempt_from, exemption = count, found
                    break
            profiles[f"{unit_type.value}|{key}"] = {
                "area": _threshold_report(rule_set.area_threshold(single, options)),
                "population": _threshold_report(rule_set.population_threshold(single, options)),
                "always_exempt": exemption_report(always),
                "exempt_from": exempt_from,
                "exemption": exemption_report(exemption),
            }
    return {
        "rule_set": {
            "id": rule_set.id,
            "title_vi": rule_set.title_vi,
            "title_en": rule_set.title_en,
        },
        "options": options_to_json(options),
        "count_partial_constituents": options.count_partial_constituents,
        "waivable": bool(rule_set.waivable_rule_ids),
        "profiles": profiles,
    }


def neighbour_lists(
    geometries: dict[str, BaseGeometry], tolerance_m: float = CONTIGUITY_TOLERANCE_M
) -> dict[str, list[str]]:
    """Per old unit code, the codes of the units within the contiguity tolerance of it."""
    codes = list(geometries)
    if not codes:
        return {}
    shapes = np.asarray(project_to_metres([geometries[c] for c in codes]), dtype=object)
    tree = shapely.STRtree(shapes)
    left, right = tree.query(shapes, predicate="dwithin", distance=tolerance_m)
    found: dict[str, set[str]] = {c: set() for c in codes}
    for a, b in zip(left.tolist(), right.tolist(), strict=True):
        if a != b:
            found[codes[a]].add(codes[b])
            found[codes[b]].add(codes[a])
    return {c: sorted(found[c]) for c in codes}


def editor_data(plan: Plan) -> dict[str, Any]:
    """Everything the map editor starts from: old units with figures, shapes and neighbours."""
    from hopnhat.apps.plans.snapshots import old_units_in_scope, payload_of

    figures = Prefetch("population_figures", queryset=PopulationFigure.objects.order_by("kind"))
    old_units = list(old_units_in_scope(plan).prefetch_related(figures).order_by("code"))
    shapes = {
        u.code: shape(json.loads(u.geometry_simplified)) for u in old_units if u.geometry_simplified
    }
    neighbours = neighbour_lists(shapes)
    rows = []
    districts: dict[str, str] = {}
    for u in old_units:
        district = u.parent if u.level == "commune" else u
        if district is not None:
            districts[district.code] = district.full_name
        figure = _headline(u)
        point = (
            (u.label_lon, u.label_lat)
            if u.label_lon is not None and u.label_lat is not None
            else _label_point(shapes.get(u.code))
        )
        rows.append(
            {
                "code": u.code,
                "name": u.name,
                "full_name": u.full_name,
                "type": u.unit_type,
                "district": district.code if district else "",
                "area_km2": u.area_km2,
                "population": figure.value if figure else None,
                "label": point,
                "neighbours": neighbours.get(u.code, []),
                "geometry": json.loads(u.geometry_simplified) if u.geometry_simplified else None,
            }
        )
    payload = payload_of(plan)
    return {
        "plan": {
            "id": plan.pk,
            "name": plan.name,
            "status": plan.status,
            "version": plan.version,
            "editable": plan.is_editable,
        },
        "rules": editor_rules(plan, [u["factors"] for u in payload["units"] if u["factors"]]),
        "old_units": rows,
        "districts": [{"code": c, "name": n} for c, n in sorted(districts.items())],
        "assignment": {"version": plan.version, **payload},
    }


def _label_point(geometry: BaseGeometry | None) -> tuple[float, float] | None:
    if geometry is None or geometry.is_empty:
        return None
    point = geometry.representative_point()
    return (point.x, point.y)


# The optimizer (engine/arrange): plan rows in, a new assignment payload out ----------------
#
# The optimizer partitions whole units. A divided old unit enters as one engine unit per
# part, locked to the new unit holding that part, so "Complete" and "Repair" keep existing
# splits exactly as drawn; "Propose" starts from whole units only. A unit the user locked
# (NewUnit.locked) is a fixed group in every mode: one region exactly as drawn, which no
# other old unit joins and none leaves.

OptimizerMode = Literal["propose", "complete", "repair"]
TERRITORY_TYPE_VI = {
    "xa": "xã",
    "phuong": "phường",
    "thi_tran": "thị trấn",
    "huyen": "huyện",
    "dac_khu": "đặc khu",
}


@dataclass(frozen=True)
class Piece:
    """What one engine unit stands for: an old unit, or the part of it one new unit holds."""

    old_code: str
    name: str  # bare name of the old unit: "Gia Xuyên"
    relation: str  # "whole" or "part"
    area_share: float
    population_share: float
    key: str  # the new unit holding it before the run, "" when unassigned


@dataclass(frozen=True)
class OptimizerProblem:
    units: ArrangeUnits
    adjacency: Adjacency
    rules: Rules
    fixed_groups: tuple[tuple[int, ...], ...]
    fixed_keys: tuple[str, ...]  # the special zone each fixed group was, "" when none
    pieces: tuple[Piece, ...]
    before: dict[str, Any]  # the payload the run started from
    bridges: int  # edges added for islands and for locked units drawn in separate pieces


def optimizer_rules(plan: Plan) -> Rules:
    """Floors per resulting type from the plan's rule set and options (plain, no factors)."""
    rule_set = rule_set_by_id(plan.rule_set_id)
    options = options_from_json(plan.options)
    floors: dict[Literal["xa", "phuong"], Floor] = {}
    for kind, unit_type in (("xa", UnitType.XA), ("phuong", UnitType.PHUONG)):
        probe = ProposedUnit(id="probe", name="probe", unit_type=unit_type)
        area = rule_set.area_threshold(probe, options)
        population = rule_set.population_threshold(probe, options)
        floors[kind] = Floor(  # type: ignore[index]
            area_km2=area.value if area else 0.0,
            population=population.value if population else 0.0,
        )
    names = {getattr(e, "__name__", "") for e in rule_set.exemptions}
    exempt = 3 if options.exempt_three_or_more and "three_or_more_constituents" in names else None
    return Rules(floors=floors, exempt_constituents=exempt)


def optimizer_problem(
    plan: Plan, *, mode: OptimizerMode, free_keys: frozenset[str] = frozenset()
) -> OptimizerProblem:
    """The plan's scope as engine arrays; in "repair" the units of `free_keys` may move."""
    from hopnhat.apps.plans.snapshots import old_units_in_scope, payload_of

    before = payload_of(plan)
    kept = {r["old_code"] for r in before["not_arranged"]}
    figures = Prefetch("population_figures", queryset=PopulationFigure.objects.order_by("kind"))
    old_units = [
        u
        for u in old_units_in_scope(plan).prefetch_related(figures).order_by("code")
        if u.code not in kept
    ]
    holders: dict[str, list[tuple[dict[str, Any], dict[str, Any]]]] = {}
    for unit in before["units"]:
        for c in unit["constituents"]:
            holders.setdefault(c["old_code"], []).append((unit, c))
    part_shapes = {
        (a.old_unit.code, a.new_unit.key): a.part_geometry
        for a in Assignment.objects.filter(plan=plan)
        .exclude(part_geometry="")
        .select_related("old_unit", "new_unit")
    }
    special = {u["key"] for u in before["units"] if u["special_zone"]}
    held_fast = {u["key"] for u in before["units"] if u.get("locked")} - special
    pieces: list[Piece] = []
    rows: list[tuple[Unit, float, float, BaseGeometry | None]] = []
    for old in old_units:
        held = holders.get(old.code, [])
        # A locked unit's part of a divided old unit stays its part, in "propose" too.
        part_held_fast = any(unit["key"] in held_fast for unit, _c in held)
        if (mode == "propose" and not part_held_fast) or len(held) <= 1:
            # Propose works on whole units: a divided unit goes where most of its area went.
            main = max(held, key=lambda h: h[1]["area_share"])[0]["key"] if held else ""
            pieces.append(Piece(old.code, _bare_name(old), "whole", 1.0, 1.0, main))
            rows.append((old, 1.0, 1.0, _shape(old.geometry_simplified)))
            continue
        for unit, c in held:
            pieces.append(
                Piece(
                    old.code,
                    _bare_name(old),
                    c["relation"],
                    c["area_share"],
                    c["population_share"],
                    unit["key"],
                )
            )
            text = part_shapes.get((old.code, unit["key"])) or old.geometry_simplified
            rows.append((old, c["area_share"], c["population_share"], _shape(text)))
    area = np.array([(u.area_km2 or 0.0) * a for u, a, _p, _g in rows], dtype=float)
    population = np.array(
        [((f.value if (f := _headline(u)) else 0) * p) for u, _a, p, _g in rows], dtype=float
    )
    # Figures entered on a unit (the official ones) take precedence over the sums, so a locked
    # unit weighs what the check will weigh: its pieces are scaled to the entered totals.
    locked = np.full(len(pieces), -1, dtype=np.int64)
    labels: dict[str, int] = {}
    fixed_by_key: dict[str, list[int]] = {}
    for index, piece in enumerate(pieces):
        if piece.key in special or piece.key in held_fast:
            fixed_by_key.setdefault(piece.key, []).append(index)
        elif piece.key and (
            # In "propose" only the parts beside a locked unit's part exist: each stays a part
            # of its own unit, so that two parts of one old unit never meet in one region.
            piece.relation == "part"
            if mode == "propose"
            else mode == "complete" or piece.key not in free_keys or piece.relation == "part"
        ):
            locked[index] = labels.setdefault(piece.key, len(labels))
    for unit in before["units"]:
        if unit["key"] not in labels or mode == "propose":
            continue
        members = np.flatnonzero(locked == labels[unit["key"]])
        for value, column in ((unit["area_km2"], area), (unit["population"], population)):
            total = float(column[members].sum())
            if value is not None and total > 0:
                column[members] *= float(value) / total
    fixed_keys = [key for key in fixed_by_key if key in special]
    fixed_groups: list[tuple[int, ...]] = [tuple(fixed_by_key[key]) for key in fixed_keys]
    if not fixed_groups:
        # No special zone drawn yet: each island district stays one unit (NQ 76 Art 5(1)(d)),
        # less what a locked unit holds.
        in_locked = {i for key in held_fast for i in fixed_by_key.get(key, [])}
        islands: dict[str, list[int]] = {}
        for index, (old, _a, _p, _g) in enumerate(rows):
            if old.is_island and index not in in_locked:
                islands.setdefault(_district_of(old).code, []).append(index)
        fixed_groups = [tuple(v) for _, v in sorted(islands.items())]
        fixed_keys = [""] * len(fixed_groups)
    for key in sorted(held_fast & fixed_by_key.keys()):
        fixed_groups.append(tuple(fixed_by_key[key]))
        fixed_keys.append(key)
    provinces = [u.province_code for u, _a, _p, _g in rows]
    crossing = any(
        len({provinces[i] for i in np.flatnonzero(locked == label)}) > 1
        for label in labels.values()
    )
    units = ArrangeUnits(
        ids=[f"{p.old_code}>{p.key}" if p.relation == "part" else p.old_code for p in pieces],
        area_km2=area,
        population=population,
        is_phuong=np.array([u.unit_type == "phuong" for u, *_ in rows], dtype=bool),
        names=[u.full_name for u, *_ in rows],
        groups=(
            # A locked unit already across the old provinces makes the province boundary soft.
            GroupField("province", provinces, "soft" if crossing else "hard"),
            GroupField("district", [_district_of(u).code for u, *_ in rows], "soft"),
        ),
        locked=locked if mode != "propose" or bool((locked >= 0).any()) else None,
    )
    shapes = [g if g is not None else Point(0, 0) for *_, g in rows]
    adjacency = build_adjacency(
        shapes, tolerance_m=CONTIGUITY_TOLERANCE_M, connect_islands_within=provinces
    )
    adjacency, extra = _bridge_locked(adjacency, locked)
    return OptimizerProblem(
        units=units,
        adjacency=adjacency,
        rules=optimizer_rules(plan),
        fixed_groups=tuple(fixed_groups),
        fixed_keys=tuple(fixed_keys),
        pieces=tuple(pieces),
        before=before,
        bridges=len(adjacency.bridges) + extra,
    )


def _shape(text: str) -> BaseGeometry | None:
    return shape(json.loads(text)) if text else None


def _district_of(old: Unit) -> Unit:
    return old.parent if old.level == "commune" and old.parent is not None else old


def _bare_name(old: Unit) -> str:
    return old.name or old.full_name


def _bridge_locked(adjacency: Adjacency, locked: np.ndarray) -> tuple[Adjacency, int]:
    """Join the pieces of a locked unit drawn apart (an enclave, an island kept by law)."""
    extra: list[tuple[int, int]] = []
    for label in sorted(set(locked.tolist()) - {-1}):
        members = [int(m) for m in np.flatnonzero(locked == label)]
        inside, seen = set(members), set()
        starts = []
        for start in members:
            if start in seen:
                continue
            starts.append(start)
            seen.add(start)
            stack = [start]
            while stack:
                v = stack.pop()
                for u in adjacency.neighbours(v).tolist():
                    if u in inside and u not in seen:
                        seen.add(u)
                        stack.append(u)
        extra.extend((starts[0], other) for other in starts[1:])
    if not extra:
        return adjacency, 0
    edges = [
        (v, int(u), float(length))
        for v in range(adjacency.size)
        for u, length in zip(
            adjacency.neighbours(v).tolist(),
            adjacency.shared_km[adjacency.indptr[v] : adjacency.indptr[v + 1]].tolist(),
            strict=True,
        )
        if v < u
    ]
    edges.extend((a, b, 0.0) for a, b in extra)
    bridged = Adjacency.from_edges(
        size=adjacency.size,
        edges=edges,
        perimeter_km=adjacency.perimeter_km,
        bridges=[*adjacency.bridges, *extra],
    )
    return bridged, len(extra)


def arrangement_payload(problem: OptimizerProblem, assignment: np.ndarray) -> dict[str, Any]:
    """The engine's regions as a payload: a region keeps the key (and, if its constituents
    are unchanged, every field) of the unit it overlaps most; the others are new units."""
    from hopnhat.engine.standards.plan_rules import name_key

    before = {u["key"]: u for u in problem.before["units"]}
    members: dict[int, list[int]] = {}
    for index, region in enumerate(assignment.tolist()):
        members.setdefault(int(region), []).append(index)
    keys: dict[int, str] = {}
    fixed_region = {
        int(assignment[group[0]]): key
        for group, key in zip(problem.fixed_groups, problem.fixed_keys, strict=True)
    }
    for region, key in fixed_region.items():
        if key:
            keys[region] = key
    locked = problem.units.locked
    if locked is not None:
        for region, indices in members.items():
            held = {problem.pieces[i].key for i in indices if locked[i] >= 0}
            if held:
                keys[region] = held.pop()
    overlaps = sorted(
        (
            (
                -sum(problem.units.population[i] for i in indices if problem.pieces[i].key == key),
                region,
                key,
            )
            for region, indices in members.items()
            if region not in keys
            for key in {problem.pieces[i].key for i in indices} - {""}
        ),
    )
    for _weight, region, key in overlaps:
        if region not in keys and key not in keys.values():
            keys[region] = key
    used_keys = set(before) | set(keys.values())
    used_names = {name_key(before[k]["name"]) for k in keys.values() if k in before}
    units = []
    serial = 0
    for region in sorted(members, key=lambda r: (keys.get(r) is None, keys.get(r, ""), r)):
        indices = members[region]
        constituents = [
            {
                "old_code": problem.pieces[i].old_code,
                "relation": problem.pieces[i].relation,
                "area_share": problem.pieces[i].area_share,
                "population_share": problem.pieces[i].population_share,
            }
            for i in sorted(indices, key=lambda i: problem.pieces[i].old_code)
        ]
        found = keys.get(region)
        if found is None:
            while True:
                serial += 1
                key = f"N{serial:03d}"
                if key not in used_keys:
                    break
            used_keys.add(key)
            by_population = sorted(indices, key=lambda i: -problem.units.population[i])
            names = [problem.pieces[i].name for i in by_population]
            name = next((n for n in names if name_key(n) not in used_names), f"{names[0]} {serial}")
            used_names.add(name_key(name))
            units.append(
                {
                    "key": key,
                    "name": name,
                    "special_zone": region in fixed_region,
                    "constituents": constituents,
                }
            )
            continue
        old = before[found]
        if _same_constituents(old["constituents"], constituents):
            units.append(old)
            continue
        # New constituents void what was entered for the old ones: figures, seat, pieces.
        units.append(
            {
                **old,
                "type_override": "",
                "type_override_reason": "",
                "seat_lon": None,
                "seat_lat": None,
                "detached_reason": "",
                "area_km2": None,
                "population": None,
                "figures_source": "",
                "constituents": constituents,
            }
        )
    return {"units": units, "not_arranged": problem.before["not_arranged"]}


def _same_constituents(a: list[dict[str, Any]], b: list[dict[str, Any]]) -> bool:
    def norm(items: list[dict[str, Any]]) -> set[tuple[str, str, float, float]]:
        return {
            (
                c["old_code"],
                c["relation"],
                round(c["area_share"], 6),
                round(c["population_share"], 6),
            )
            for c in items
        }

    return norm(a) == norm(b)


def assignment_changes(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    """What a new assignment changed: units created and removed, old units moved or placed."""

    def holders(payload: dict[str, Any]) -> dict[str, set[str]]:
        found: dict[str, set[str]] = {}
        for unit in payload["units"]:
            for c in unit["constituents"]:
                found.setdefault(c["old_code"], set()).add(unit["key"])
        return found

    old, new = holders(before), holders(after)
    names = {u["key"]: u["name"] for u in [*before["units"], *after["units"]]}
    keys_before = {u["key"] for u in before["units"]}
    keys_after = {u["key"] for u in after["units"]}
    divided = sorted(code for code, keys in new.items() if len(keys) > 1)
    return {
        "units_created": [{"key": k, "name": names[k]} for k in sorted(keys_after - keys_before)],
        "units_removed": [{"key": k, "name": names[k]} for k in sorted(keys_before - keys_after)],
        "old_units_moved": sorted(
            code for code in old.keys() & new.keys() if old[code] != new[code]
        ),
        "old_units_placed": sorted(new.keys() - old.keys()),
        "divided_kept": [code for code in divided if old.get(code) == new[code]],
        "unit_count": [len(keys_before), len(keys_after)],
    }
