"""Plans and the unit registry: the enacted NQ 1669 plan read from the lineage, and enactment.

Enacting writes what downstream reads (crosswalk, address conversion): new `Unit` rows valid
from the effective date, the old ones closed the day before, and one `ChangeEvent` with its
`LineageEdge`s per new unit, under the legal basis entered at enactment.
"""

from __future__ import annotations

import datetime
import json
from collections import defaultdict
from typing import Any

import shapely
from django.db import transaction
from django.utils.translation import gettext
from shapely.geometry import shape

from hopnhat.apps.audit.actions import record_event
from hopnhat.apps.directory.access import principal_for
from hopnhat.apps.directory.models import Organisation, Role
from hopnhat.apps.plans.actions import PartGeometries, _denied, create_plan
from hopnhat.apps.plans.engine_io import plan_snapshot
from hopnhat.apps.plans.models import Assignment, Plan, PlanStatus
from hopnhat.apps.territory.models import (
    NEW_VINTAGE_START,
    OLD_VINTAGE_END,
    ChangeEvent,
    EventKind,
    LegalDocument,
    Level,
    LineageEdge,
    PopulationFigure,
    PopulationKind,
    Relation,
    Unit,
)
from hopnhat.common.errors import ValidationFailedError
from hopnhat.engine.text import fold

ENACTED_PLAN_NAME = "Phương án đã ban hành: Nghị quyết 1669/NQ-UBTVQH15 (Hải Phòng, 2025)"
ENACTED_DOCUMENT = "1669/NQ-UBTVQH15"
HAI_DUONG, HAI_PHONG = "30", "31"
OWNER_CODE = "31.SNV"  # Sở Nội vụ Hải Phòng draws the units (legal reference §2.2 step 1)
SIMPLIFY_TOLERANCE_DEG = 0.0003


# The enacted plan -------------------------------------------------------------------------


def load_enacted_plan(*, actor: Any = None, owner_code: str = OWNER_CODE) -> Plan:
    """The NQ 1669 arrangement as an enacted plan; a second run returns the same plan."""
    existing = Plan.objects.filter(name=ENACTED_PLAN_NAME, status=PlanStatus.ENACTED).first()
    if existing is not None:
        return existing
    owner = Organisation.objects.get(code=owner_code)
    payload, part_geometries = enacted_payload()
    with transaction.atomic():
        plan = create_plan(
            actor=actor,
            name=ENACTED_PLAN_NAME,
            owner_org=owner,
            provinces=[HAI_DUONG, HAI_PHONG],
            new_province_code=HAI_PHONG,
            base_date=OLD_VINTAGE_END,
            target_date=NEW_VINTAGE_START,
            payload=payload,
            system=True,
            part_geometries=part_geometries,
        )
        plan.status = PlanStatus.ENACTED
        plan.effective_date = NEW_VINTAGE_START
        plan.legal_basis = ENACTED_DOCUMENT
        plan.save(update_fields=["status", "effective_date", "legal_basis"])
        record_event(
            actor=actor,
            action="plans.plan.load_enacted",
            obj=plan,
            changes={"legal_basis": ENACTED_DOCUMENT, "units": len(payload["units"])},
        )
    return plan


def enacted_payload() -> tuple[dict[str, Any], PartGeometries]:
    new_units = list(
        Unit.objects.on(NEW_VINTAGE_START)
        .filter(level=Level.COMMUNE, province_code=HAI_PHONG, valid_from=NEW_VINTAGE_START)
        .prefetch_related("population_figures")
        .order_by("code")
    )
    edges = (
        LineageEdge.objects.filter(new_unit__in=new_units)
        .select_related("old_unit", "new_unit")
        .order_by("old_unit__code")
    )
    by_new: dict[int, list[LineageEdge]] = defaultdict(list)
    parts_of: dict[int, list[LineageEdge]] = defaultdict(list)
    for edge in edges:
        by_new[edge.new_unit_id or 0].append(edge)
        if edge.relation == Relation.PART:
            parts_of[edge.old_unit_id].append(edge)
    units, part_geometries = [], {}
    for unit in new_units:
        official = next(
            (
                f
                for f in unit.population_figures.all()
                if f.kind == PopulationKind.OFFICIAL_2024_12_31
            ),
            None,
        )
        constituents = []
        for edge in by_new[unit.pk]:
            whole = edge.relation == Relation.WHOLE
            area_share = 1.0 if whole else _normalised_area_share(edge, parts_of[edge.old_unit_id])
            constituents.append(
                {
                    "old_code": edge.old_unit.code,
                    "relation": edge.relation,
                    "area_share": area_share,
                    "population_share": 1.0 if whole else edge.population_share,
                }
            )
            if not whole:
                geometry = _part_geometry(edge.old_unit, unit)
                if geometry:
                    part_geometries[(edge.old_unit.code, unit.code)] = geometry
        units.append(
            {
                "key": unit.code,
                "name": unit.name,
                "special_zone": unit.unit_type == "dac_khu",
                "area_km2": unit.area_km2,
                "population": official.value if official else None,
                "figures_source": "; ".join(
                    s for s in (unit.area_source, official.source if official else "") if s
                ),
                "factors": {"red_river_delta": True} if unit.is_red_river_delta else {},
                "detached_reason": _enacted_pieces(unit),
                "constituents": constituents,
            }
        )
    return {"units": units, "not_arranged": []}, part_geometries


def _enacted_pieces(unit: Unit) -> str:
    # Đồ Sơn keeps the island of Hòn Dáu, Vĩnh Am an enclave of old Tam Cường: the enacted
    # polygon itself is in pieces, so the law drew them that way.
    if not unit.geometry:
        return ""
    parts = [p for p in shapely.get_parts(shape(json.loads(unit.geometry))) if not p.is_empty]
    if len(parts) < 2:
        return ""
    return f"{ENACTED_DOCUMENT}: the enacted polygon has {len(parts)} separate pieces"


def _normalised_area_share(edge: LineageEdge, parts: list[LineageEdge]) -> float:
    # The registry's part shares are polygon overlaps of two layers (gis.vn 2024, sapnhap 2025)
    # and sum to 95–100%; in law a divided unit's parts make up all of it, so scale to 100%.
    total = sum(p.area_share or 0.0 for p in parts)
    if total <= 0:
        return round(1.0 / len(parts), 6)
    shares = [round((p.area_share or 0.0) / total, 6) for p in parts]
    shares[-1] = round(1.0 - sum(shares[:-1]), 6)
    return shares[parts.index(edge)]


def _part_geometry(old: Unit, new: Unit) -> str:
    if not old.geometry_simplified or not new.geometry_simplified:
        return ""
    a = shapely.make_valid(shape(json.loads(old.geometry_simplified)))
    b = shapely.make_valid(shape(json.loads(new.geometry_simplified)))
    part = shapely.intersection(a, b)
    polygons = [p for p in shapely.get_parts(part) if p.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.to_geojson(shapely.union_all(polygons)) if polygons else ""


# Enactment --------------------------------------------------------------------------------


def enact(
    *,
    actor: Any,
    plan: Plan,
    effective_date: datetime.date,
    legal_basis: str,
    legal_title: str = "",
    signed_on: datetime.date | None = None,
    issuer: str = "",
    clause: str = "",
) -> dict[str, int]:
    """An approved plan becomes lineage in the registry from the effective date.

    A new unit that is one whole old unit with the same name and type changes nothing and gets
    no event; every other one is a new `Unit` and a `ChangeEvent` with its edges.
    """
    principal = principal_for(actor)
    if not (principal.is_superuser or principal.has_role(Role.COORDINATOR)):
        raise _denied(actor, "plans.enact", plan, "only coordinators enact")
    if plan.status != PlanStatus.APPROVED:
        raise ValidationFailedError(gettext("Only an approved plan can be enacted."))
    legal_basis = legal_basis.strip()
    if not legal_basis or effective_date <= plan.base_date:
        raise ValidationFailedError(
            gettext("Enactment needs a legal basis and an effective date after the base date."),
            fields={"legal_basis": [legal_basis], "effective_date": [effective_date.isoformat()]},
        )
    snapshot = plan_snapshot(plan, with_check=False, with_geometry=False)
    province = (
        Unit.objects.on(effective_date)
        .filter(level=Level.PROVINCE, code=plan.new_province_code)
        .first()
    )
    if province is None:
        raise ValidationFailedError(gettext("The new province is not in the registry."))
    day_before = effective_date - datetime.timedelta(days=1)
    pieces = _pieces(plan)
    counts = {"units_created": 0, "events": 0, "edges": 0, "old_units_closed": 0}
    with transaction.atomic():
        document, _created = LegalDocument.objects.get_or_create(
            number=legal_basis,
            defaults={
                "title": legal_title or plan.name,
                "issuer": issuer.strip() or "Ủy ban Thường vụ Quốc hội",
                "signed_on": signed_on or effective_date,
            },
        )
        olds = {
            a.old_unit.code: a.old_unit
            for a in Assignment.objects.filter(plan=plan).select_related("old_unit")
        }
        closing: set[int] = set()
        for unit in snapshot.units:
            if _unchanged(unit, olds):
                continue
            for c in unit.constituents:
                if not olds[c.old_code].is_valid_on(day_before):
                    raise ValidationFailedError(
                        gettext("%(unit)s is not valid the day before the effective date.")
                        % {"unit": c.old_name}
                    )
            geometry = pieces.get(unit.key)
            new = Unit.objects.create(
                code=unit.key,
                level=Level.COMMUNE,
                unit_type=unit.unit_type,
                name=unit.name,
                full_name=unit.full_name,
                name_folded=fold(f"{unit.full_name} {unit.name}"),
                parent=province,
                province_code=plan.new_province_code,
                valid_from=effective_date,
                is_commune_tier=True,
                area_km2=unit.area_km2,
                area_source=unit.area_source,
                is_island=True if unit.factors.island else None,
                is_red_river_delta=True if unit.factors.red_river_delta else None,
                source=f"{legal_basis}; plan {plan.pk} v{plan.version}",
                **_geometry_fields(geometry),
            )
            if unit.population is not None:
                PopulationFigure.objects.create(
                    unit=new,
                    kind=(
                        PopulationKind.OFFICIAL_2024_12_31
                        if unit.entered_population is not None
                        else PopulationKind.CENSUS_2019_REAGGREGATED
                    ),
                    reference_date=datetime.date(2024, 12, 31)
                    if unit.entered_population is not None
                    else datetime.date(2019, 4, 1),
                    value=unit.population,
                    source=unit.population_source,
                )
            event = ChangeEvent.objects.create(
                key=f"{effective_date.isoformat()}/commune/{unit.key}/plan-{plan.pk}",
                kind=_event_kind(unit, olds),
                level=Level.COMMUNE,
                effective_on=effective_date,
                legal_document=document,
                clause=clause.strip()[:60],
                note=f"plan {plan.pk} v{plan.version}: {plan.name}"[:300],
            )
            LineageEdge.objects.bulk_create(
                [
                    LineageEdge(
                        event=event,
                        old_unit=olds[c.old_code],
                        new_unit=new,
                        relation=Relation.WHOLE if c.whole else Relation.PART,
                        area_share=c.area_share,
                        population_share=c.population_share,
                    )
                    for c in unit.constituents
                ]
            )
            closing.update(olds[c.old_code].pk for c in unit.constituents)
            counts["units_created"] += 1
            counts["events"] += 1
            counts["edges"] += len(unit.constituents)
        counts["old_units_closed"] = Unit.objects.filter(pk__in=closing).update(valid_to=day_before)
        Plan.objects.filter(pk=plan.pk).update(
            status=PlanStatus.ENACTED, effective_date=effective_date, legal_basis=legal_basis
        )
        record_event(
            actor=actor,
            action="plans.plan.enact",
            obj=plan,
            changes={
                "status": [PlanStatus.APPROVED, PlanStatus.ENACTED],
                "effective_date": effective_date,
                "legal_basis": legal_basis,
                "clause": clause.strip(),
                **counts,
            },
        )
    plan.status, plan.effective_date, plan.legal_basis = (
        PlanStatus.ENACTED,
        effective_date,
        legal_basis,
    )
    return counts


def _unchanged(unit: Any, olds: dict[str, Unit]) -> bool:
    if len(unit.constituents) != 1 or not unit.constituents[0].whole:
        return False
    old = olds[unit.constituents[0].old_code]
    return old.name == unit.name and old.unit_type == unit.unit_type


def _event_kind(unit: Any, olds: dict[str, Unit]) -> str:
    if len(unit.constituents) > 1:
        return EventKind.MERGE
    only = unit.constituents[0]
    if not only.whole:
        return EventKind.SPLIT
    old = olds[only.old_code]
    return EventKind.CHANGE_TYPE if old.unit_type != unit.unit_type else EventKind.RENAME


def _pieces(plan: Plan) -> dict[str, Any]:
    geometries: dict[str, list[Any]] = defaultdict(list)
    for a in Assignment.objects.filter(plan=plan).select_related("old_unit", "new_unit"):
        text = a.part_geometry or a.old_unit.geometry
        if text:
            geometries[a.new_unit.key].append(shapely.make_valid(shape(json.loads(text))))
    return {key: shapely.union_all(parts) for key, parts in geometries.items()}


def _geometry_fields(geometry: Any) -> dict[str, Any]:
    if geometry is None or geometry.is_empty:
        return {}
    point = geometry.representative_point()
    return {
        "geometry": shapely.to_geojson(geometry),
        "geometry_simplified": shapely.to_geojson(
            geometry.simplify(SIMPLIFY_TOLERANCE_DEG, preserve_topology=True)
        ),
        "geometry_source": gettext("union of the plan's pieces"),
        "label_lon": round(point.x, 6),
        "label_lat": round(point.y, 6),
    }
