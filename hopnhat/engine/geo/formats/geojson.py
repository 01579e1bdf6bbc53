"""GeoJSON (RFC 7946) in and out, accepting the legacy 2008 "crs" member on the way in."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from shapely.geometry import mapping, shape
from shapely.geometry.base import BaseGeometry

from hopnhat.engine.geo.crs import WGS84, crs_from_geojson_member, reproject
from hopnhat.engine.geo.features import (
    Feature,
    FeatureCollection,
    GeoFormatError,
    Problem,
    feature_id_from,
    problem_for,
)
from hopnhat.engine.geo.formats.values import plain_value


def read_geojson(data: bytes, *, id_field: str | None = None) -> FeatureCollection:
    """Features of a GeoJSON FeatureCollection (or single Feature); CRS None unless declared."""
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise GeoFormatError(f"the file is not valid GeoJSON: {exc}") from exc
    raw_features = _raw_features(document)
    crs = crs_from_geojson_member(document.get("crs"))
    features, problems = [], []
    fields: dict[str, None] = {}
    for index, raw in enumerate(raw_features):
        feature, problem = _feature(index, raw, id_field)
        features.append(feature)
        fields.update(dict.fromkeys(feature.properties))
        if problem is not None:
            problems.append(problem)
    if problems:
        raise GeoFormatError(problems)
    return FeatureCollection(
        features=tuple(features),
        crs=crs,
        crs_origin="GeoJSON crs member" if crs is not None else "",
        fields=tuple(fields),
    )


def _raw_features(document: Any) -> list[Any]:
    is_collection = isinstance(document, dict) and document.get("type") == "FeatureCollection"
    if is_collection and isinstance(document.get("features"), list):
        return document["features"]
    if isinstance(document, dict) and document.get("type") == "Feature":
        return [document]
    raise GeoFormatError("the file is JSON but not a GeoJSON FeatureCollection or Feature")


def _feature(index: int, raw: Any, id_field: str | None) -> tuple[Feature, Problem | None]:
    # GeoJSON has no line numbers worth quoting; people count features from 1.
    where = f"feature {index + 1}"
    raw = raw if isinstance(raw, dict) else {}
    properties = raw.get("properties") or {}
    if not isinstance(properties, dict):
        properties = {}
    feature = Feature(
        index=index,
        where=where,
        properties=properties,
        geometry=None,
        id=feature_id_from(properties, id_field, raw.get("id")),
    )
    if raw.get("type") != "Feature":
        return feature, problem_for(
            feature, code="not_a_feature", field_name=None, message="is not a GeoJSON Feature"
        )
    try:
        geometry = _geometry(raw.get("geometry"))
    except (ValueError, TypeError, AttributeError, KeyError, IndexError) as exc:
        return feature, problem_for(
            feature,
            code="geometry_unreadable",
            field_name="geometry",
            message=f"geometry cannot be read: {exc}",
        )
    return Feature(index, where, properties, geometry, feature.id), None


def _geometry(raw: Any) -> BaseGeometry | None:
    if raw is None:
        return None
    if not isinstance(raw, dict):
        raise ValueError("not a GeoJSON geometry object")
    return shape(raw)


def write_geojson(collection: FeatureCollection, *, id_field: str | None = None) -> bytes:
    """RFC 7946 bytes: always EPSG:4326 (reprojected if needed), UTF-8, no legacy crs member."""
    if collection.crs is not None:
        collection = reproject(collection, WGS84)
    document = {
        "type": "FeatureCollection",
        "features": [_feature_dict(f, id_field) for f in collection.features],
    }
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _feature_dict(feature: Feature, id_field: str | None) -> dict[str, Any]:
    result: dict[str, Any] = {"type": "Feature"}
    identifier = feature.properties.get(id_field) if id_field else feature.id
    if identifier is not None:
        result["id"] = identifier
    result["properties"] = _plain_properties(feature.properties)
    result["geometry"] = None if feature.geometry is None else mapping(feature.geometry)
    return result


def _plain_properties(properties: Mapping[str, Any]) -> dict[str, Any]:
    return {key: plain_value(value) for key, value in properties.items()}
