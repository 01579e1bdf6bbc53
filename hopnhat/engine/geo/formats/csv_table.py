"""CSV with a WKT column, or with longitude/latitude columns for points, in and out."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import Any

import shapely
from shapely.geometry import Point
from shapely.geometry.base import BaseGeometry

from hopnhat.engine.geo.crs import WGS84, parse_crs, reproject
from hopnhat.engine.geo.features import (
    Feature,
    FeatureCollection,
    GeoFormatError,
    Problem,
    feature_id_from,
    problem_for,
)
from hopnhat.engine.geo.formats.textcodec import decode_first_working, nfc
from hopnhat.engine.geo.formats.values import plain_value

WKT_COLUMNS = ("wkt", "geometry", "geom", "the_geom", "shape")
LON_COLUMNS = ("lon", "lng", "long", "longitude", "x", "kinh_do", "kinh độ")
LAT_COLUMNS = ("lat", "latitude", "y", "vi_do", "vĩ độ")
# UTF-8 (with or without Excel's BOM) first, then Windows Vietnamese.
CSV_ENCODINGS = ("utf-8-sig", "cp1258")


def read_csv(
    data: bytes,
    *,
    wkt_column: str | None = None,
    lon_column: str | None = None,
    lat_column: str | None = None,
    id_field: str | None = None,
    crs: str | int | None = None,
    encoding: str | None = None,
) -> FeatureCollection:
    """Features of a CSV table; the geometry comes from a WKT column, else lon/lat columns.

    Column names are matched case-insensitively; when none is given the common names are
    tried (wkt/geometry/geom, lon/lng/longitude/x + lat/latitude/y). Coordinates carry no CRS
    unless `crs` is given (the import then checks they are degrees). Cells stay text.
    """
    text, _used = decode_first_working(
        lambda enc: data.decode(enc), (encoding,) if encoding else CSV_ENCODINGS
    )
    reader = csv.DictReader(io.StringIO(text, newline=""), dialect=_dialect(text))
    headers = [h for h in (reader.fieldnames or []) if h is not None]
    geometry_columns = _geometry_columns(headers, wkt_column, lon_column, lat_column)
    features: list[Feature] = []
    problems: list[Problem] = []
    for index, row in enumerate(reader):
        properties = {
            key: nfc(value.strip()) if isinstance(value, str) else value
            for key, value in row.items()
            if key is not None and key not in geometry_columns
        }
        feature = Feature(
            index=index,
            where=f"CSV line {reader.line_num}",
            properties=properties,
            geometry=None,
            id=feature_id_from(properties, id_field, None),
        )
        geometry, problem = _row_geometry(feature, row, geometry_columns)
        features.append(Feature(index, feature.where, properties, geometry, feature.id))
        if problem is not None:
            problems.append(problem)
    if problems:
        raise GeoFormatError(problems)
    declared = parse_crs(crs) if crs is not None else None
    return FeatureCollection(
        features=tuple(features),
        crs=declared,
        crs_origin="given for the CSV" if declared is not None else "",
        fields=tuple(h for h in headers if h not in geometry_columns),
    )


class _Dialect(csv.excel):
    pass


def _dialect(text: str) -> type[csv.Dialect]:
    # Vietnamese Excel exports often use ";" (the decimal separator is ","). Judge by the header
    # line only: WKT cells are full of commas.
    header = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=header.count)
    return type("_Sniffed", (_Dialect,), {"delimiter": delimiter})


def _find(headers: Sequence[str], wanted: str | None, candidates: Sequence[str]) -> str | None:
    lowered = {h.strip().lower(): h for h in headers}
    if wanted is not None:
        if wanted.strip().lower() not in lowered:
            raise GeoFormatError(
                f"the CSV has no column {wanted!r}; its columns are {list(headers)}"
            )
        return lowered[wanted.strip().lower()]
    return next((lowered[c] for c in candidates if c in lowered), None)


def _geometry_columns(
    headers: Sequence[str], wkt: str | None, lon: str | None, lat: str | None
) -> tuple[str, ...]:
    if wkt is not None or (lon is None and lat is None):
        found = _find(headers, wkt, WKT_COLUMNS)
        if found is not None:
            return (found,)
    lon_found, lat_found = _find(headers, lon, LON_COLUMNS), _find(headers, lat, LAT_COLUMNS)
    if lon_found and lat_found:
        return (lon_found, lat_found)
    raise GeoFormatError(
        "the CSV has no geometry: name a WKT column (wkt, geometry, geom) or longitude and "
        f"latitude columns (lon/lng/longitude/x, lat/latitude/y); its columns are {list(headers)}"
    )


def _row_geometry(
    feature: Feature, row: dict[str | Any, Any], columns: tuple[str, ...]
) -> tuple[BaseGeometry | None, Problem | None]:
    if len(columns) == 1:
        return _wkt(feature, (row.get(columns[0]) or "").strip(), columns[0])
    return _lon_lat(feature, row, columns)


def _wkt(feature: Feature, text: str, column: str) -> tuple[BaseGeometry | None, Problem | None]:
    if not text:
        return None, None
    try:
        return shapely.from_wkt(text), None
    except shapely.errors.GEOSException as exc:
        return None, problem_for(
            feature,
            code="geometry_unreadable",
            field_name=column,
            message=f"column {column!r} is not valid WKT: {exc}",
        )


def _lon_lat(
    feature: Feature, row: dict[str | Any, Any], columns: tuple[str, ...]
) -> tuple[BaseGeometry | None, Problem | None]:
    raw = [(row.get(c) or "").strip() for c in columns]
    if not any(raw):
        return None, None
    try:
        # A decimal comma ("106,6") is how Vietnamese spreadsheets write numbers.
        x, y = (float(value.replace(",", ".")) for value in raw)
    except ValueError:
        return None, problem_for(
            feature,
            code="coordinate_unreadable",
            field_name=f"{columns[0]}/{columns[1]}",
            message=f"columns {columns[0]!r}/{columns[1]!r} are not numbers: {raw[0]!r}, {raw[1]!r}",
        )
    return Point(x, y), None


def write_csv(
    collection: FeatureCollection, *, wkt_column: str = "wkt", to_wgs84: bool = True
) -> bytes:
    """UTF-8 CSV (with BOM, so Excel shows Vietnamese right): the properties, then the WKT."""
    if to_wgs84 and collection.crs is not None:
        collection = reproject(collection, WGS84)
    fields = list(collection.fields) or list(
        dict.fromkeys(k for f in collection.features for k in f.properties)
    )
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([*fields, wkt_column])
    for feature in collection.features:
        wkt = "" if feature.geometry is None else feature.geometry.wkt
        writer.writerow([_cell(feature.properties.get(name)) for name in fields] + [wkt])
    return buffer.getvalue().encode("utf-8-sig")


def _cell(value: Any) -> Any:
    value = plain_value(value)
    return "" if value is None else value
