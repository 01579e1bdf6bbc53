"""Loading the shipped unit registry: idempotent, in bulk, one audit record per run."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import shapely
from django.db import connection, models, transaction
from shapely.geometry import shape

from hopnhat.apps.audit.actions import record_event
from hopnhat.apps.territory import importers
from hopnhat.apps.territory.importers import NsoRow, split_type
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
    UnitType,
)
from hopnhat.engine.text import fold

# About 30 m at this latitude: light enough for a 375-unit map, topology kept.
SIMPLIFY_TOLERANCE_DEG = 0.0003

HAI_DUONG, HAI_PHONG = "30", "31"
CENTRAL_CITY_PROVINCES = frozenset({"01", "31", "46", "48", "79", "92"})

SOURCE_NSO = "NSO (Cục Thống kê) old→new table 2025, nso_old_to_new_2025_official.csv"
SOURCE_NEW_ATTRIBUTES = (
    "vn_communes_2025-07_new_attributes.csv (sapnhap.bando area, gis.vn population)"
)
SOURCE_LEGACY = "gis.vn 2024-11 commune polygons (ghn-map), dissolved to the 2025-06 units"
SOURCE_HP_NEW = "sapnhap.bando 2025 polygons (thanglequoc/vietnamese-provinces-database)"
SOURCE_CENSUS = "GSO 2019 census (via hgscarlette/vn-demographic), linked to 2025-06 units"
SOURCE_OFFICIAL_POP = (
    "quy mô dân số (permanent + temporary residents, NQ 76/2025/UBTVQH15 Điều 6), "
    "from the gis.vn 34-province layer"
)
AREA_GEODESIC = "geodesic area (WGS84) of the gis.vn 2024 polygons dissolved to the 2025-06 unit"
AREA_OFFICIAL = "official natural area, sapnhap.bando.com.vn"
CENSUS_DAY = datetime.date(2019, 4, 1)
OFFICIAL_POP_DAY = datetime.date(2024, 12, 31)
# Cát Hải (district 317) and Bạch Long Vĩ (318) are the island districts of Hải Phòng;
# their successors are the special zones Cát Hải and Bạch Long Vĩ.
ISLAND_DISTRICTS = frozenset({"317", "318"})

LAW_72 = (
    "72/2025/QH15",
    "Luật Tổ chức chính quyền địa phương",
    "Quốc hội",
    datetime.date(2025, 6, 16),
)
NQ_202 = (
    "202/2025/QH15",
    "Về việc sắp xếp đơn vị hành chính cấp tỉnh năm 2025",
    "Quốc hội",
    datetime.date(2025, 6, 12),
)


UnitKey = tuple[str, str, datetime.date | None]


@dataclass
class UnitSpec:
    key: UnitKey
    fields: dict[str, Any]
    parent_key: UnitKey | None = None
    populations: list[dict[str, Any]] = field(default_factory=list)


def _old(level: str, code: str) -> UnitKey:
    return (level, code, None)


def _new(level: str, code: str) -> UnitKey:
    return (level, code, NEW_VINTAGE_START)


def _province_type(name: str, code: str) -> str:
    return UnitType.THANH_PHO_TW if name.lower().startswith("thành phố") else UnitType.TINH


def _district_type(name: str, province_code: str) -> str:
    unit_type, _name = split_type(name)
    if unit_type == UnitType.THANH_PHO_THUOC_TINH and province_code in CENTRAL_CITY_PROVINCES:
        return UnitType.THANH_PHO_THUOC_TP  # Thủ Đức
    return unit_type


def _unit_fields(
    *, code: str, level: str, unit_type: str, full_name: str, province_code: str, **extra: Any
) -> dict[str, Any]:
    _type, name = split_type(full_name)
    return {
        "code": code,
        "level": level,
        "unit_type": unit_type,
        "name": name,
        "full_name": full_name,
        "name_folded": fold(f"{full_name} {name}"),
        "province_code": province_code,
        **extra,
    }


# Nationwide ------------------------------------------------------------------------------


def nationwide_specs(table: importers.NsoTable) -> dict[UnitKey, UnitSpec]:
    specs: dict[UnitKey, UnitSpec] = {}
    old_end = {"valid_from": None, "valid_to": OLD_VINTAGE_END, "source": SOURCE_NSO}
    new_start = {"valid_from": NEW_VINTAGE_START, "valid_to": None, "source": SOURCE_NSO}
    attributes = {row["new_code"]: row for row in importers.read_csv(importers.NEW_ATTRIBUTES)}
    districts_with_communes = {r.old_district_code for r in table.rows if r.old_code}
    for row in table.rows:
        province = _old(Level.PROVINCE, row.old_province_code)
        specs.setdefault(
            province,
            UnitSpec(
                province,
                _unit_fields(
                    code=row.old_province_code,
                    level=Level.PROVINCE,
                    unit_type=_province_type(row.old_province_name, row.old_province_code),
                    full_name=row.old_province_name,
                    province_code=row.old_province_code,
                    **old_end,
                ),
            ),
        )
        district = _old(Level.DISTRICT, row.old_district_code)
        district_name = importers.normalised_full_name(row.old_district_name)
        specs.setdefault(
            district,
            UnitSpec(
                district,
                _unit_fields(
                    code=row.old_district_code,
                    level=Level.DISTRICT,
                    unit_type=_district_type(district_name, row.old_province_code),
                    full_name=district_name,
                    province_code=row.old_province_code,
                    is_commune_tier=row.old_district_code not in districts_with_communes,
                    **old_end,
                ),
                parent_key=province,
            ),
        )
        if row.old_code:
            commune = _old(Level.COMMUNE, row.old_code)
            name = importers.normalised_full_name(row.old_name)
            specs.setdefault(
                commune,
                UnitSpec(
                    commune,
                    _unit_fields(
                        code=row.old_code,
                        level=Level.COMMUNE,
                        unit_type=split_type(name)[0],
                        full_name=name,
                        province_code=row.old_province_code,
                        is_commune_tier=True,
                        **old_end,
                    ),
                    parent_key=district,
                ),
            )
        new_province = _new(Level.PROVINCE, row.new_province_code)
        specs.setdefault(
            new_province,
            UnitSpec(
                new_province,
                _unit_fields(
                    code=row.new_province_code,
                    level=Level.PROVINCE,
                    unit_type=_province_type(row.new_province_name, row.new_province_code),
                    full_name=row.new_province_name,
                    province_code=row.new_province_code,
                    **new_start,
                ),
            ),
        )
        new_key = _new(Level.COMMUNE, row.new_code)
        if new_key not in specs:
            attrs = attributes[row.new_code]
            area = float(attrs["area_km2_sapnhap_bando"] or attrs["area_km2_gisvn"] or 0) or None
            unit_type = split_type(attrs["new_name"])[0]
            specs[new_key] = UnitSpec(
                new_key,
                _unit_fields(
                    code=row.new_code,
                    level=Level.COMMUNE,
                    unit_type=unit_type,
                    full_name=importers.clean(attrs["new_name"]),
                    province_code=row.new_province_code,
                    is_commune_tier=True,
                    area_km2=area,
                    area_source=AREA_OFFICIAL if area else "",
                    # Every special zone of 2025 is an island or archipelago.
                    is_island=True if unit_type == UnitType.DAC_KHU else None,
                    factors_source="type: đặc khu" if unit_type == UnitType.DAC_KHU else "",
                    **{**new_start, "source": f"{SOURCE_NSO}; {SOURCE_NEW_ATTRIBUTES}"},
                ),
                parent_key=new_province,
            )
            if attrs["population_gisvn"]:
                specs[new_key].populations.append(
                    _official_population(int(float(attrs["population_gisvn"])))
                )
    _sum_new_provinces(specs)
    return specs


def _official_population(value: int) -> dict[str, Any]:
    return {
        "kind": PopulationKind.OFFICIAL_2024_12_31,
        "reference_date": OFFICIAL_POP_DAY,
        "value": value,
        "source": SOURCE_OFFICIAL_POP,
    }


def _sum_new_provinces(specs: dict[UnitKey, UnitSpec]) -> None:
    area: dict[UnitKey, float] = defaultdict(float)
    population: dict[UnitKey, int] = defaultdict(int)
    for spec in specs.values():
        if spec.key[0] == Level.COMMUNE and spec.key[2] == NEW_VINTAGE_START and spec.parent_key:
            area[spec.parent_key] += spec.fields.get("area_km2") or 0
            for figure in spec.populations:
                population[spec.parent_key] += figure["value"]
    for key, total in area.items():
        specs[key].fields.update(
            area_km2=round(total, 2), area_source="sum of its units' official areas"
        )
        specs[key].populations = [
            {
                **_official_population(population[key]),
                "source": "sum of its units: " + SOURCE_OFFICIAL_POP,
            }
        ]


# Hải Dương + Hải Phòng geometry and figures ----------------------------------------------


def _geometry_fields(geometry: dict[str, Any] | Any, source: str) -> dict[str, Any]:
    geom = geometry if isinstance(geometry, shapely.Geometry) else shape(geometry)
    simplified = geom.simplify(SIMPLIFY_TOLERANCE_DEG, preserve_topology=True)
    point = geom.representative_point()
    return {
        "geometry": shapely.to_geojson(geom),
        "geometry_simplified": shapely.to_geojson(simplified),
        "geometry_source": source,
        "label_lon": round(point.x, 6),
        "label_lat": round(point.y, 6),
    }


def _census(value: int, source: str = SOURCE_CENSUS) -> dict[str, Any]:
    return {
        "kind": PopulationKind.CENSUS_2019,
        "reference_date": CENSUS_DAY,
        "value": value,
        "source": source,
    }


def add_hai_phong_detail(specs: dict[UnitKey, UnitSpec]) -> None:
    """Polygons, areas, populations and special factors of the HD + HP units (files 2, 3)."""
    delta = {"is_red_river_delta": True}
    delta_source = "both Hải Dương and Hải Phòng lie in the Red River Delta region"
    province_geoms: dict[str, list[Any]] = defaultdict(list)
    census_by_province: dict[str, int] = defaultdict(int)
    for props, geometry in importers.iter_features(importers.HP_HD_LEGACY):
        key = (
            _old(Level.COMMUNE, props["ward_code"])
            if props["ward_code"]
            else _old(Level.DISTRICT, props["district_code"])
        )
        spec = specs[key]
        island = props["district_code"] in ISLAND_DISTRICTS
        spec.fields.update(
            area_km2=props["area_km2_geodesic"],
            area_km2_geodesic=props["area_km2_geodesic"],
            area_source=AREA_GEODESIC,
            is_island=True if island else None,
            factors_source=delta_source + ("; island district" if island else ""),
            source=f"{SOURCE_NSO}; {SOURCE_LEGACY}",
            **delta,
            **_geometry_fields(geometry, props["geometry_source"]),
        )
        spec.populations = [_census(props["pop2019_census"])]
        census_by_province[props["province_code"]] += props["pop2019_census"]
    for props, geometry in importers.iter_features(importers.HP_HD_DISTRICTS):
        spec = specs[_old(Level.DISTRICT, props["district_code"])]
        geom = shape(geometry)
        province_geoms[props["province_code"]].append(geom)
        island = props["district_code"] in ISLAND_DISTRICTS
        spec.fields.update(
            area_km2=props["area_km2_geodesic"],
            area_km2_geodesic=props["area_km2_geodesic"],
            area_source=AREA_GEODESIC,
            is_island=True if island else None,
            factors_source=delta_source + ("; island district" if island else ""),
            **delta,
            **_geometry_fields(geom, "dissolved from the 2025-06 commune polygons"),
        )
        spec.populations = [
            _census(props["pop2019_census"], "sum of its communes: " + SOURCE_CENSUS)
        ]
    for code, geoms in province_geoms.items():
        union = shapely.union_all(geoms)
        area = round(
            sum(
                specs[_old(Level.DISTRICT, c)].fields["area_km2"]
                for c in _districts_of(specs, code)
            ),
            2,
        )
        specs[_old(Level.PROVINCE, code)].fields.update(
            area_km2=area,
            area_km2_geodesic=area,
            area_source="sum of its districts' " + AREA_GEODESIC,
            factors_source=delta_source,
            **delta,
            **_geometry_fields(union, "dissolved from the 2025-06 district polygons"),
        )
        specs[_old(Level.PROVINCE, code)].populations = [
            _census(census_by_province[code], "sum of its units: " + SOURCE_CENSUS)
        ]
    new_geoms = []
    for props, geometry in importers.iter_features(importers.HP_NEW):
        spec = specs[_new(Level.COMMUNE, props["code"])]
        geom = shape(geometry)
        new_geoms.append(geom)
        island = props["type"] == "Đặc khu"
        spec.fields.update(
            area_km2=props["area_km2_official"],
            area_km2_geodesic=props["area_km2_geodesic"],
            area_source=AREA_OFFICIAL + " (via thanglequoc/vietnamese-provinces-database)",
            is_island=True if island else None,
            factors_source=delta_source + ("; special zone (island)" if island else ""),
            source=f"{SOURCE_NSO}; {SOURCE_HP_NEW}",
            **delta,
            **_geometry_fields(geom, SOURCE_HP_NEW),
        )
        spec.populations = [
            _official_population(props["population_official"]),
            {
                "kind": PopulationKind.CENSUS_2019_REAGGREGATED,
                "reference_date": CENSUS_DAY,
                "value": props["pop2019_census_estimate"],
                "source": "2019 census of the 2025-06 constituents; divided units split by area share",
            },
        ]
    hai_phong = specs[_new(Level.PROVINCE, HAI_PHONG)]
    # The union of the simplified shapes: the full one adds nothing at province scale.
    union = shapely.union_all(
        [g.simplify(SIMPLIFY_TOLERANCE_DEG, preserve_topology=True) for g in new_geoms]
    )
    hai_phong.fields.update(
        factors_source=delta_source,
        **delta,
        **_geometry_fields(union, "union of its units' polygons"),
    )


def _districts_of(specs: dict[UnitKey, UnitSpec], province_code: str) -> list[str]:
    return [
        key[1]
        for key, spec in specs.items()
        if key[0] == Level.DISTRICT
        and spec.parent_key == _old(Level.PROVINCE, province_code)
        and spec.fields.get("area_km2") is not None
    ]


# Writing ---------------------------------------------------------------------------------


def _upsert_units(specs: dict[UnitKey, UnitSpec]) -> tuple[dict[UnitKey, Unit], int, int]:
    existing = {(u.level, u.code, u.valid_from): u for u in Unit.objects.all()}
    created = updated = 0
    # Parents first: provinces, then districts, then communes.
    for level in (Level.PROVINCE, Level.DISTRICT, Level.COMMUNE):
        to_create, to_update, changed_fields = [], [], set()
        for key, spec in specs.items():
            if key[0] != level:
                continue
            values = dict(spec.fields)
            values["parent_id"] = existing[spec.parent_key].pk if spec.parent_key else None
            unit = existing.get(key)
            if unit is None:
                unit = Unit(**values)
                to_create.append(unit)
                existing[key] = unit
                continue
            diff = [name for name, value in values.items() if getattr(unit, name) != value]
            if diff:
                for name in diff:
                    setattr(unit, name, values[name])
                changed_fields.update(diff)
                to_update.append(unit)
        Unit.objects.bulk_create(to_create, batch_size=500)
        if to_update:
            Unit.objects.bulk_update(to_update, sorted(changed_fields), batch_size=500)
        created += len(to_create)
        updated += len(to_update)
    return existing, created, updated


def _upsert_populations(specs: dict[UnitKey, UnitSpec], units: dict[UnitKey, Unit]) -> int:
    existing = {(f.unit_id, f.kind): f for f in PopulationFigure.objects.all()}
    to_create, to_update = [], []
    for key, spec in specs.items():
        for figure in spec.populations:
            unit = units[key]
            current = existing.get((unit.pk, figure["kind"]))
            if current is None:
                to_create.append(PopulationFigure(unit=unit, **figure))
            elif any(getattr(current, k) != v for k, v in figure.items()):
                for k, v in figure.items():
                    setattr(current, k, v)
                to_update.append(current)
    PopulationFigure.objects.bulk_create(to_create, batch_size=1000)
    if to_update:
        PopulationFigure.objects.bulk_update(
            to_update, ["reference_date", "value", "source"], batch_size=1000
        )
    return len(to_create) + len(to_update)


def _upsert(
    model: type[models.Model], key_field: str, rows: dict[str, dict[str, Any]]
) -> dict[str, Any]:
    existing = {getattr(obj, key_field): obj for obj in model._default_manager.all()}
    to_create, to_update, changed = [], [], set()
    for key, values in rows.items():
        obj = existing.get(key)
        if obj is None:
            obj = model(**{key_field: key, **values})
            to_create.append(obj)
            existing[key] = obj
            continue
        diff = [name for name, value in values.items() if getattr(obj, name) != value]
        if diff:
            for name in diff:
                setattr(obj, name, values[name])
            changed.update(diff)
            to_update.append(obj)
    model._default_manager.bulk_create(to_create, batch_size=1000)
    if to_update:
        model._default_manager.bulk_update(to_update, sorted(changed), batch_size=1000)
    return existing


@dataclass(frozen=True)
class EdgeSpec:
    event_key: str
    old: UnitKey
    new: UnitKey | None
    relation: str
    area_share: float | None = None
    population_share: float | None = None
    note: str = ""


def _legal_documents(specs: dict[UnitKey, UnitSpec]) -> dict[str, LegalDocument]:
    rows: dict[str, dict[str, Any]] = {}
    for code, resolution in importers.read_resolutions().items():
        province = specs[_new(Level.PROVINCE, code)].fields["full_name"]
        rows[resolution.document_number] = {
            "title": f"Về việc sắp xếp các đơn vị hành chính cấp xã của {province} năm 2025",
            "issuer": "Ủy ban Thường vụ Quốc hội",
            "signed_on": resolution.signed_on,
            "text_file": f"legal/{resolution.file_name}",
        }
    for number, title, issuer, signed_on in (NQ_202, LAW_72):
        rows[number] = {"title": title, "issuer": issuer, "signed_on": signed_on, "text_file": ""}
    return _upsert(LegalDocument, "number", rows)


def _event_kind(preds: list[tuple[NsoRow, UnitSpec | None]], new: UnitSpec) -> str:
    if len(preds) > 1:
        return EventKind.MERGE
    row, old = preds[0]
    if row.is_part:
        return EventKind.SPLIT
    if old is None:
        return EventKind.KEEP
    if old.fields["unit_type"] != new.fields["unit_type"]:
        return EventKind.CHANGE_TYPE
    if old.fields["name"] != new.fields["name"]:
        return EventKind.RENAME
    return EventKind.KEEP


def lineage_specs(
    table: importers.NsoTable, specs: dict[UnitKey, UnitSpec]
) -> tuple[dict[str, dict[str, Any]], list[EdgeSpec], int]:
    resolutions = importers.read_resolutions()
    events: dict[str, dict[str, Any]] = {}
    edges: list[EdgeSpec] = []
    by_new: dict[str, list[NsoRow]] = defaultdict(list)
    for row in table.rows:
        by_new[row.new_code].append(row)
    unmatched_clauses = 0
    for new_code, rows in by_new.items():
        new_key = _new(Level.COMMUNE, new_code)
        new = specs[new_key]
        resolution = resolutions[rows[0].new_province_code]
        clause = resolution.clause_naming(new.fields["full_name"])
        unmatched_clauses += clause is None
        preds = [(r, specs.get(_old_key(r))) for r in rows]
        event_key = f"{NEW_VINTAGE_START}/commune/{new_code}"
        events[event_key] = {
            "kind": _event_kind(preds, new),
            "level": Level.COMMUNE,
            "effective_on": NEW_VINTAGE_START,
            "legal_document": resolution.document_number,
            "clause": f"khoản {clause} Điều 1" if clause else "",
            "note": "adopted 16/6/2025, in force on adoption; the new units operate from "
            "1/7/2025 (Điều 2 khoản 2)",
        }
        for row in rows:
            whole = not row.is_part
            edges.append(
                EdgeSpec(
                    event_key,
                    _old_key(row),
                    new_key,
                    Relation.WHOLE if whole else Relation.PART,
                    area_share=1.0 if whole else None,
                    population_share=1.0 if whole else None,
                    note=row.note[:300],
                )
            )
    _province_lineage(table, events, edges)
    _district_dissolution(specs, events, edges)
    return events, edges, unmatched_clauses


def _old_key(row: NsoRow) -> UnitKey:
    # Communeless districts (Bạch Long Vĩ…) and the Kim Sơn coastal area have no commune code:
    # the district itself is the old unit.
    if row.old_code:
        return _old(Level.COMMUNE, row.old_code)
    return _old(Level.DISTRICT, row.old_district_code)


def _province_lineage(
    table: importers.NsoTable, events: dict[str, dict[str, Any]], edges: list[EdgeSpec]
) -> None:
    targets: dict[str, set[str]] = defaultdict(set)
    for row in table.rows:
        targets[row.old_province_code].add(row.new_province_code)
    sources: dict[str, set[str]] = defaultdict(set)
    for old, news in targets.items():
        for new in news:
            sources[new].add(old)
    for new, olds in sources.items():
        key = f"{NEW_VINTAGE_START}/province/{new}"
        events[key] = {
            "kind": EventKind.MERGE if len(olds) > 1 else EventKind.KEEP,
            "level": Level.PROVINCE,
            "effective_on": NEW_VINTAGE_START,
            "legal_document": NQ_202[0],
            "clause": "Điều 1",
            "note": "adopted 12/6/2025; the new provinces operate from 1/7/2025",
        }
        for old in sorted(olds):
            whole = len(targets[old]) == 1
            edges.append(
                EdgeSpec(
                    key,
                    _old(Level.PROVINCE, old),
                    _new(Level.PROVINCE, new),
                    Relation.WHOLE if whole else Relation.PART,
                    area_share=1.0 if whole else None,
                    population_share=1.0 if whole else None,
                )
            )


def _district_dissolution(
    specs: dict[UnitKey, UnitSpec], events: dict[str, dict[str, Any]], edges: list[EdgeSpec]
) -> None:
    # Local government at district level ended on 1/7/2025 (Law 72/2025/QH15); their communes
    # carry the territory, so a district's edge points to no unit.
    key = f"{NEW_VINTAGE_START}/district/dissolve"
    events[key] = {
        "kind": EventKind.DISSOLVE,
        "level": Level.DISTRICT,
        "effective_on": NEW_VINTAGE_START,
        "legal_document": LAW_72[0],
        "clause": "",
        "note": "district-level administrative units ended with the two-tier local government",
    }
    for unit_key, spec in specs.items():
        if unit_key[0] == Level.DISTRICT and not spec.fields.get("is_commune_tier"):
            edges.append(EdgeSpec(key, unit_key, None, Relation.WHOLE))


def add_hai_phong_shares(edges: list[EdgeSpec]) -> list[EdgeSpec]:
    """Area and population shares of the HD + HP links (file 4; polygon overlap, not law)."""
    shares: dict[tuple[UnitKey, UnitKey | None], dict[str, str]] = {}
    for row in importers.read_csv(importers.HP_HD_CROSSWALK):
        old = (
            _old(Level.COMMUNE, row["old_code"])
            if row["old_code"]
            else _old(Level.DISTRICT, row["old_district_code"])
        )
        shares[(old, _new(Level.COMMUNE, row["new_code"]))] = row
    result = []
    for edge in edges:
        found = shares.get((edge.old, edge.new))
        if found is None:
            result.append(edge)
            continue
        row = found
        whole = edge.relation == Relation.WHOLE
        note = "; ".join(part for part in (edge.note, row["note"]) if part)
        result.append(
            EdgeSpec(
                edge.event_key,
                edge.old,
                edge.new,
                edge.relation,
                # A whole transfer is the whole area in law, whatever two layers measure.
                area_share=1.0 if whole else float(row["geom_share_of_old_area"]),
                population_share=float(row["pop_alloc_weight"]),
                note=note[:300],
            )
        )
    return result


def _write_lineage(
    events: dict[str, dict[str, Any]],
    edges: list[EdgeSpec],
    units: dict[UnitKey, Unit],
    specs: dict[UnitKey, UnitSpec],
) -> int:
    documents = _legal_documents(specs)
    rows = {
        key: {**values, "legal_document": documents[values["legal_document"]]}
        for key, values in events.items()
    }
    saved = _upsert(ChangeEvent, "key", rows)
    existing = {(e.event_id, e.old_unit_id, e.new_unit_id): e for e in LineageEdge.objects.all()}
    to_create, to_update = [], []
    wanted = set()
    for spec in edges:
        event = saved[spec.event_key]
        old = units[spec.old]
        new = units[spec.new] if spec.new else None
        ident = (event.pk, old.pk, new.pk if new else None)
        wanted.add(ident)
        values = {
            "relation": spec.relation,
            "area_share": spec.area_share,
            "population_share": spec.population_share,
            "note": spec.note,
        }
        edge = existing.get(ident)
        if edge is None:
            to_create.append(LineageEdge(event=event, old_unit=old, new_unit=new, **values))
        elif any(getattr(edge, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(edge, k, v)
            to_update.append(edge)
    LineageEdge.objects.bulk_create(to_create, batch_size=1000)
    if to_update:
        LineageEdge.objects.bulk_update(to_update, list(values), batch_size=1000)
    loaded_events = {e.pk for e in saved.values() if e.key in events}
    stale = [
        e.pk for ident, e in existing.items() if ident[0] in loaded_events and ident not in wanted
    ]
    LineageEdge.objects.filter(pk__in=stale).delete()
    return len(to_create) + len(to_update) + len(stale)


def load_territory(*, actor: Any = None) -> dict[str, int]:
    """Load (or bring up to date) the nationwide registry with the HD + HP detail."""
    table = importers.read_nso_table()
    specs = nationwide_specs(table)
    add_hai_phong_detail(specs)
    events, edges, unmatched_clauses = lineage_specs(table, specs)
    edges = add_hai_phong_shares(edges)
    with transaction.atomic():
        units, created, updated = _upsert_units(specs)
        populations_written = _upsert_populations(specs, units)
        edges_written = _write_lineage(events, edges, units, specs)
        counts = {
            "units": len(specs),
            "units_created": created,
            "units_updated": updated,
            "population_figures_written": populations_written,
            "events": len(events),
            "edges": len(edges),
            "edges_written": edges_written,
            "nso_code_corrections": len(table.corrections),
            "units_without_clause": unmatched_clauses,
        }
        record_event(
            actor=actor,
            action="territory.load",
            object_type="territory.unit",
            object_repr="nationwide 2025 arrangement + Hải Dương/Hải Phòng detail",
            changes={**counts, "corrections": table.corrections},
        )
        _refresh_planner_statistics()
    return counts


def _refresh_planner_statistics() -> None:
    # After a bulk load PostgreSQL still plans with the statistics of the empty tables and
    # picks nested loops over 10,000+ rows (minutes instead of milliseconds). ANALYZE is allowed
    # inside a transaction and its statistics are used by this session at once.
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "ANALYZE territory_unit, territory_lineageedge, territory_changeevent, "
            "territory_populationfigure"
        )
