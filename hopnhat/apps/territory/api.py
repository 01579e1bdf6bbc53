"""Public read API of the unit registry: unit data is public information, no login needed."""

import datetime
import json
from typing import Any, Literal

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from hopnhat.apps.territory.importers import DATA_DIR
from hopnhat.apps.territory.models import (
    ChangeEvent,
    LegalDocument,
    Level,
    LineageEdge,
    PopulationFigure,
    PopulationKind,
    Unit,
    timeline,
)
from hopnhat.common.api import ErrorOut, PageNumber
from hopnhat.common.errors import NotFoundError

router = Router(tags=["territory"])
# Siblings of /units that cannot live under its prefix (/units.geojson) and the legal texts.
public_router = Router(tags=["territory"])


class PopulationOut(Schema):
    value: int
    kind: str
    reference_date: datetime.date
    source: str


class UnitOut(Schema):
    code: str
    name: str
    full_name: str
    type: str = Field(..., alias="unit_type")
    level: str
    parent_code: str | None
    province_code: str
    area_km2: float | None
    area_source: str
    population: PopulationOut | None
    valid_from: datetime.date | None
    valid_to: datetime.date | None

    @staticmethod
    def resolve_parent_code(unit: Unit) -> str | None:
        return unit.parent.code if unit.parent else None

    @staticmethod
    def resolve_population(unit: Unit) -> Any:
        return unit.headline_population()


class FactorsOut(Schema):
    is_island: bool | None
    has_land_border: bool | None
    is_highland: bool | None
    is_red_river_delta: bool | None
    ethnic_minority_share: float | None
    is_coastal_disadvantaged: bool | None
    factors_source: str


class UnitDetailOut(UnitOut):
    area_km2_geodesic: float | None
    populations: list[PopulationOut]
    factors: FactorsOut
    geometry_source: str
    source: str

    @staticmethod
    def resolve_populations(unit: Unit) -> Any:
        return list(unit.population_figures.all())

    @staticmethod
    def resolve_factors(unit: Unit) -> Unit:
        return unit


class UnitFilter(Schema):
    on: datetime.date | None = Field(None, description="Units valid on this day (default: today)")
    province: str | None = Field(
        None, max_length=200, description="Province code(s), comma-separated"
    )
    level: Level | None = None
    q: str | None = Field(None, max_length=200, description="Name or code, diacritics optional")


class UnitRef(Schema):
    code: str
    full_name: str
    valid_from: datetime.date | None
    valid_to: datetime.date | None


class LegalBasisOut(Schema):
    number: str
    title: str
    issuer: str
    date: datetime.date
    clause: str
    text_url: str | None


class EdgeOut(Schema):
    old: UnitRef
    new: UnitRef | None
    relation: str
    area_share: float | None
    population_share: float | None
    note: str


class TimelineEntryOut(Schema):
    role: str
    kind: str
    effective_on: datetime.date
    legal_basis: LegalBasisOut | None
    edges: list[EdgeOut]


class LineageOut(Schema):
    unit: UnitOut
    timeline: list[TimelineEntryOut]


def _today() -> datetime.date:
    return timezone.localdate()


def _filtered(filters: UnitFilter) -> QuerySet[Unit]:
    units = Unit.objects.on(filters.on or _today())
    if filters.province:
        units = units.filter(province_code__in=filters.province.split(","))
    if filters.level:
        units = units.at_level(filters.level)
    if filters.q:
        units = units.matching(filters.q)
    return units


def _unit_for_code(code: str, on: datetime.date | None) -> Unit:
    units = Unit.objects.select_related("parent").prefetch_related("population_figures")
    unit = units.holding_code(code, on=on or _today())
    if unit is None and on is None:
        # A retired code without a date: its last holder.
        unit = units.filter(code=code).order_by("-valid_to").first()
    if unit is None:
        raise NotFoundError(
            _("No administrative unit has the code %(code)s on that date.") % {"code": code}
        )
    return unit


@router.get("", response={200: list[UnitOut], 422: ErrorOut}, auth=None)
@paginate(PageNumber)
def list_units(request: HttpRequest, filters: Query[UnitFilter]) -> Any:
    return (
        _filtered(filters)
        .select_related("parent")
        .prefetch_related("population_figures")
        .defer("geometry", "geometry_simplified", "parent__geometry", "parent__geometry_simplified")
    )


@router.get("/{code}", response={200: UnitDetailOut, 404: ErrorOut, 422: ErrorOut}, auth=None)
def get_unit(request: HttpRequest, code: str, on: datetime.date | None = None) -> Unit:
    return _unit_for_code(code, on)


def _ref(unit: Unit | None) -> dict[str, Any] | None:
    if unit is None:
        return None
    return {
        "code": unit.code,
        "full_name": unit.full_name,
        "valid_from": unit.valid_from,
        "valid_to": unit.valid_to,
    }


def _legal_basis(event: ChangeEvent) -> dict[str, Any] | None:
    document = event.legal_document
    if document is None:
        return None
    return {
        "number": document.number,
        "title": document.title,
        "issuer": document.issuer,
        "date": document.signed_on,
        "clause": event.clause,
        "text_url": f"/api/v1/legal-documents/{document.pk}/text" if document.text_file else None,
    }


def _edge(edge: LineageEdge) -> dict[str, Any]:
    return {
        "old": _ref(edge.old_unit),
        "new": _ref(edge.new_unit),
        "relation": edge.relation,
        "area_share": edge.area_share,
        "population_share": edge.population_share,
        "note": edge.note,
    }


@router.get("/{code}/lineage", response={200: LineageOut, 404: ErrorOut, 422: ErrorOut}, auth=None)
def get_lineage(request: HttpRequest, code: str, on: datetime.date | None = None) -> dict[str, Any]:
    unit = _unit_for_code(code, on)
    entries = [
        {
            "role": entry.role,
            "kind": entry.event.kind,
            "effective_on": entry.event.effective_on,
            "legal_basis": _legal_basis(entry.event),
            "edges": [_edge(edge) for edge in entry.edges],
        }
        for entry in timeline(unit)
    ]
    return {"unit": unit, "timeline": entries}


class GeoJsonFilter(UnitFilter):
    detail: Literal["simplified", "full"] = "simplified"


HEADLINE_KINDS = (
    PopulationKind.OFFICIAL_2024_12_31,
    PopulationKind.CENSUS_2019,
    PopulationKind.CENSUS_2019_REAGGREGATED,
)
FEATURE_FIELDS = (
    "code",
    "name",
    "full_name",
    "unit_type",
    "level",
    "parent__code",
    "area_km2",
    "valid_from",
    "valid_to",
)


def feature_collection(units: QuerySet[Unit], *, full: bool) -> str:
    """A FeatureCollection assembled from the stored geometry text, never re-parsed.

    Plain rows rather than model instances: this is the map's hot path.
    """
    geometry_field = "geometry" if full else "geometry_simplified"
    rows = list(units.values_list("pk", geometry_field, *FEATURE_FIELDS))
    headline: dict[int, tuple[int, str]] = {}
    figures = PopulationFigure.objects.filter(unit_id__in=[row[0] for row in rows])
    for unit_id, kind, value in figures.values_list("unit_id", "kind", "value"):
        current = headline.get(unit_id)
        if current is None or HEADLINE_KINDS.index(kind) < HEADLINE_KINDS.index(current[1]):
            headline[unit_id] = (value, kind)
    parts = []
    for pk, geometry, *values in rows:
        props = dict(zip(FEATURE_FIELDS, values, strict=True))
        figure = headline.get(pk)
        properties = json.dumps(
            {
                "code": props["code"],
                "name": props["name"],
                "full_name": props["full_name"],
                "type": props["unit_type"],
                "level": props["level"],
                "parent_code": props["parent__code"],
                "area_km2": props["area_km2"],
                "population": figure[0] if figure else None,
                "population_kind": figure[1] if figure else None,
                "valid_from": props["valid_from"].isoformat() if props["valid_from"] else None,
                "valid_to": props["valid_to"].isoformat() if props["valid_to"] else None,
            },
            ensure_ascii=False,
        )
        parts.append(
            f'{{"type":"Feature","geometry":{geometry or "null"},"properties":{properties}}}'
        )
    return '{"type":"FeatureCollection","features":[' + ",".join(parts) + "]}"


@public_router.get("units.geojson", response={200: Any, 422: ErrorOut}, auth=None)
def units_geojson(request: HttpRequest, filters: Query[GeoJsonFilter]) -> HttpResponse:
    body = feature_collection(_filtered(filters), full=filters.detail == "full")
    return HttpResponse(body, content_type="application/geo+json")


@public_router.get(
    "legal-documents/{document_id}/text", response={200: Any, 404: ErrorOut}, auth=None
)
def legal_document_text(request: HttpRequest, document_id: int) -> HttpResponse:
    document = LegalDocument.objects.filter(pk=document_id).exclude(text_file="").first()
    if document is None:
        raise NotFoundError(_("This legal document has no stored text."))
    text = (DATA_DIR / document.text_file).read_text(encoding="utf-8")
    return HttpResponse(text, content_type="text/markdown; charset=utf-8")
