"""Map layers over the API: list, read, upload (multipart), export, coverage, delete."""

from __future__ import annotations

import datetime
from typing import Any, Literal

from django.http import HttpRequest, HttpResponse
from django.utils.text import slugify
from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from hopnhat.apps.layers.access import (
    get_layer_for_user,
    get_owner_org_for_new_layer,
    layers_for_user,
)
from hopnhat.apps.layers.actions import delete_layer
from hopnhat.apps.layers.engine_io import coverage_of, layer_units, write_layer
from hopnhat.apps.layers.importers import (
    MAX_PROBLEMS_SHOWN,
    ImportRefusedError,
    crs_from_text,
    import_layer_file,
    note_message,
    problem_key,
    problem_message,
    repair_message,
)
from hopnhat.apps.layers.models import Layer
from hopnhat.common.api import ErrorOut, PageNumber
from hopnhat.common.errors import ValidationFailedError
from hopnhat.engine.geo import FileFormat, GeoFormatError

router = Router(tags=["layers"])

ExportFormat = Literal["geojson", "shapefile", "gpkg", "geopackage", "csv"]


class LayerOut(Schema):
    id: int
    name: str
    description: str
    owner_org: str
    valid_on: datetime.date | None
    source_filename: str
    source_format: str
    source_crs: str
    policy: str
    feature_count: int
    overlap_count: int
    gap_count: int
    created_at: datetime.datetime
    version: int

    @staticmethod
    def resolve_owner_org(layer: Layer) -> str:
        return layer.owner_org.code

    @staticmethod
    def resolve_overlap_count(layer: Layer) -> int:
        return len(layer.overlaps)

    @staticmethod
    def resolve_gap_count(layer: Layer) -> int:
        return len(layer.gaps)


class RepairOut(Schema):
    position: int
    where: str
    feature_id: str | None
    reason: str
    action: str
    message: str


class LayerDetailOut(LayerOut):
    fields: list[str]
    repairs: list[RepairOut]
    notes: list[str]

    @staticmethod
    def resolve_notes(layer: Layer) -> list[str]:
        return [note_message(n) for n in layer.notes]

    @staticmethod
    def resolve_repairs(layer: Layer) -> list[dict[str, Any]]:
        return [{**r, "message": repair_message(r)} for r in layer.repairs]


class ProblemOut(Schema):
    code: str
    message: str
    key: str
    feature_index: int | None
    where: str | None
    feature_id: str | None
    field: str | None
    params: dict[str, Any]


class ImportRefusedOut(ErrorOut):
    problems: list[ProblemOut]


class OverlapOut(Schema):
    codes: list[str]
    area_m2: float
    geometry: dict[str, Any]


class GapOut(Schema):
    neighbours: list[str]
    area_m2: float
    geometry: dict[str, Any]


class CoverageOut(Schema):
    min_area_m2: float
    overlaps: list[OverlapOut]
    gaps: list[GapOut]


class UploadForm(Schema):
    org: str = Field(..., max_length=40, description="Code of the owner organisation")
    name: str = Field(..., min_length=1, max_length=200)
    description: str = Field("", max_length=5000)
    valid_on: datetime.date | None = Field(None, description="The date the units are valid on")
    policy: Literal["refuse", "repair"] = "refuse"
    crs: str = Field(
        "",
        max_length=2000,
        description="Override the file's CRS: 'EPSG:9210', 'VN-2000 TM-3 105°45′', WKT, …",
    )
    format: Literal["geojson", "shapefile", "geopackage", "csv"] | None = None


def refused_body(exc: ImportRefusedError) -> dict[str, Any]:
    return {
        "code": exc.code,
        "message": exc.message,
        "fields": exc.fields,
        "problems": [
            {
                "code": p.code,
                "message": problem_message(p),
                "key": problem_key(p),
                "feature_index": p.feature_index,
                "where": p.where,
                "feature_id": p.feature_id,
                "field": p.field,
                "params": {k: _plain(v) for k, v in p.params.items()},
            }
            for p in exc.problems[:MAX_PROBLEMS_SHOWN]
        ],
    }


def _plain(value: Any) -> Any:
    return value if value is None or isinstance(value, bool | int | float | str) else str(value)


@router.get("", response={200: list[LayerOut], 401: ErrorOut})
@paginate(PageNumber)
def list_layers(request: HttpRequest) -> Any:
    return layers_for_user(request.user)


@router.post(
    "",
    response={
        201: LayerDetailOut,
        401: ErrorOut,
        403: ErrorOut,
        404: ErrorOut,
        422: ImportRefusedOut,
    },
)
def upload_layer(
    request: HttpRequest, form: Form[UploadForm], file: File[UploadedFile]
) -> Status[Any]:
    owner_org = get_owner_org_for_new_layer(request.user, form.org)
    try:
        layer = import_layer_file(
            actor=request.user,
            owner_org=owner_org,
            name=form.name,
            description=form.description,
            valid_on=form.valid_on,
            data=file.read(),
            filename=file.name or "",
            file_format=form.format,
            policy=form.policy,
            crs_text=form.crs,
        )
    except ImportRefusedError as exc:
        return Status(422, refused_body(exc))
    return Status(201, layer)


@router.get("/{layer_id}", response={200: LayerDetailOut, 401: ErrorOut, 404: ErrorOut})
def get_layer(request: HttpRequest, layer_id: int) -> Layer:
    return get_layer_for_user(request.user, layer_id)


@router.delete("/{layer_id}", response={204: None, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut})
def remove_layer(request: HttpRequest, layer_id: int) -> Status[None]:
    layer = get_layer_for_user(request.user, layer_id, for_edit=True)
    delete_layer(actor=request.user, layer=layer)
    return Status(204, None)


class ExportQuery(Schema):
    format: ExportFormat = "geojson"
    crs: str = Field(
        "", max_length=2000, description="Shapefile/GeoPackage only: write in this CRS"
    )


@router.get(
    "/{layer_id}/export",
    response={200: None, 401: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="Export the layer as GeoJSON, zipped Shapefile, GeoPackage or CSV (WKT)",
)
def export_layer(request: HttpRequest, layer_id: int, query: Query[ExportQuery]) -> HttpResponse:
    layer = get_layer_for_user(request.user, layer_id)
    return export_response(layer, query.format, query.crs)


def export_response(layer: Layer, format_name: str, crs_text: str = "") -> HttpResponse:
    file_format: FileFormat = "geopackage" if format_name == "gpkg" else format_name  # type: ignore[assignment]
    try:
        data, media_type, extension = write_layer(
            layer, file_format=file_format, crs=crs_from_text(crs_text)
        )
    except GeoFormatError as exc:
        raise ValidationFailedError(str(exc), fields={"crs": [str(exc)]}) from exc
    response = HttpResponse(data, content_type=media_type)
    stem = slugify(layer.name) or f"layer-{layer.pk}"
    response["Content-Disposition"] = f'attachment; filename="{stem}{extension}"'
    return response


@router.get("/{layer_id}/coverage", response={200: CoverageOut, 401: ErrorOut, 404: ErrorOut})
def layer_coverage(
    request: HttpRequest, layer_id: int, min_area_m2: float | None = Query(None, ge=0)
) -> dict[str, Any]:
    """Gaps and overlaps between the layer's units; recomputed when `min_area_m2` differs."""
    layer = get_layer_for_user(request.user, layer_id)
    if min_area_m2 is None or min_area_m2 == layer.coverage.get("min_area_m2"):
        return layer.coverage
    return coverage_of(layer_units(layer), min_area_m2=min_area_m2)
