"""The only bridge between layer rows and the geometry engine's dataclasses."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import shapely
from pyproj import CRS
from shapely.geometry import mapping, shape
from shapely.geometry.base import BaseGeometry

from hopnhat.apps.layers.models import Layer, LayerFeature
from hopnhat.engine.geo import (
    MEDIA_TYPES,
    WGS84,
    CoverageReport,
    Feature,
    FeatureCollection,
    FileFormat,
    check_coverage,
    geodesic_area_km2,
    write_features,
)

DEFAULT_MIN_AREA_M2 = 100.0


@dataclass(frozen=True)
class FeatureRow:
    """A LayerFeature before it is stored."""

    position: int
    code: str
    name: str
    properties: dict[str, Any]
    geometry: BaseGeometry

    @property
    def geometry_json(self) -> str:
        return geometry_to_json(self.geometry)

    @property
    def area_km2(self) -> float:
        return geodesic_area_km2(self.geometry)


def geometry_to_json(geometry: BaseGeometry) -> str:
    return json.dumps(mapping(geometry), separators=(",", ":"))


def geometry_from_json(text: str) -> BaseGeometry:
    return shape(json.loads(text))


def rows_from_collection(collection: FeatureCollection) -> list[FeatureRow]:
    return [
        FeatureRow(
            position=feature.index,
            code=str(feature.properties["code"]),
            name=str(feature.properties["name"]),
            properties=json_properties(feature.properties),
            geometry=feature.geometry,
        )
        for feature in collection.features
        if feature.geometry is not None
    ]


def json_properties(properties: Any) -> dict[str, Any]:
    # Dates and decimals from a DBF or GeoPackage become their text, as in a GeoJSON export.
    return {str(key): _json_value(value) for key, value in dict(properties).items()}


def _json_value(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def collection_of(layer: Layer, features: Iterable[LayerFeature]) -> FeatureCollection:
    items = tuple(
        Feature(
            index=i,
            where=f"feature {i + 1}",
            properties=feature.properties,
            geometry=geometry_from_json(feature.geometry),
            id=feature.code,
        )
        for i, feature in enumerate(features)
    )
    fields = tuple(layer.fields) or tuple(
        dict.fromkeys(key for item in items for key in item.properties)
    )
    return FeatureCollection(features=items, crs=WGS84, crs_origin="stored", fields=fields)


def write_layer(
    layer: Layer, *, file_format: FileFormat, crs: CRS | str | int | None = None
) -> tuple[bytes, str, str]:
    """The layer as a file: (bytes, media type, file extension)."""
    collection = collection_of(layer, layer.features.order_by("position"))
    data = write_features(
        collection,
        file_format=file_format,
        layer_name=f"layer_{layer.pk}",
        crs=crs,
        id_field="code",
    )
    media_type, extension = MEDIA_TYPES[file_format]
    return data, media_type, extension


def coverage_of(
    units: Sequence[tuple[str, BaseGeometry]], *, min_area_m2: float = DEFAULT_MIN_AREA_M2
) -> dict[str, Any]:
    """check_coverage as stored on a layer: GeoJSON geometries, areas in m², largest first."""
    report = check_coverage(units, min_area_m2=min_area_m2)
    return coverage_json(report, min_area_m2=min_area_m2)


def coverage_json(report: CoverageReport, *, min_area_m2: float) -> dict[str, Any]:
    overlaps = sorted(report.overlaps, key=lambda o: -o.area_m2)
    gaps = sorted(report.gaps, key=lambda g: -g.area_m2)
    return {
        "min_area_m2": min_area_m2,
        "overlaps": [
            {
                "codes": list(o.codes),
                "area_m2": round(o.area_m2, 1),
                "geometry": mapping(shapely.normalize(o.geometry)),
            }
            for o in overlaps
        ],
        "gaps": [
            {
                "neighbours": list(g.neighbours),
                "area_m2": round(g.area_m2, 1),
                "geometry": mapping(shapely.normalize(g.geometry)),
            }
            for g in gaps
        ],
    }


def layer_units(layer: Layer) -> list[tuple[str, BaseGeometry]]:
    return [
        (code, geometry_from_json(text))
        for code, text in layer.features.order_by("position").values_list("code", "geometry")
    ]
