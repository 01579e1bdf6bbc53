"""One entry point per direction over the four formats: bytes → FeatureCollection → bytes."""

from __future__ import annotations

from typing import Literal

from pyproj import CRS

from hopnhat.engine.geo.features import FeatureCollection, GeoFormatError
from hopnhat.engine.geo.formats.csv_table import read_csv, write_csv
from hopnhat.engine.geo.formats.geojson import read_geojson, write_geojson
from hopnhat.engine.geo.formats.geopackage import read_geopackage, write_geopackage
from hopnhat.engine.geo.formats.shapefile_zip import read_shapefile_zip, write_shapefile_zip

FileFormat = Literal["geojson", "shapefile", "geopackage", "csv"]
FORMATS: tuple[FileFormat, ...] = ("geojson", "shapefile", "geopackage", "csv")
MEDIA_TYPES: dict[FileFormat, tuple[str, str]] = {
    "geojson": ("application/geo+json", ".geojson"),
    "shapefile": ("application/zip", ".zip"),
    "geopackage": ("application/geopackage+sqlite3", ".gpkg"),
    "csv": ("text/csv", ".csv"),
}


def detect_format(filename: str, data: bytes) -> FileFormat:
    """The format from the file's first bytes, then its extension."""
    if data.startswith(b"PK\x03\x04"):
        return "shapefile"
    if data.startswith(b"SQLite format 3\x00"):
        return "geopackage"
    name = filename.lower()
    if name.endswith((".geojson", ".json")) or data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{"):
        return "geojson"
    if name.endswith((".csv", ".txt", ".tsv")):
        return "csv"
    raise GeoFormatError(
        f"cannot tell the format of {filename!r}: upload GeoJSON, a zipped Shapefile, "
        "a GeoPackage or a CSV with WKT or lon/lat columns"
    )


def read_features(
    data: bytes,
    *,
    file_format: FileFormat,
    layer: str | None = None,
    encoding: str | None = None,
    id_field: str | None = None,
    wkt_column: str | None = None,
    lon_column: str | None = None,
    lat_column: str | None = None,
) -> FeatureCollection:
    """Read any supported format; options that do not apply to the format are ignored."""
    if file_format == "geojson":
        return read_geojson(data, id_field=id_field)
    if file_format == "shapefile":
        return read_shapefile_zip(data, layer=layer, encoding=encoding, id_field=id_field)
    if file_format == "geopackage":
        return read_geopackage(data, layer=layer, id_field=id_field)
    return read_csv(
        data,
        wkt_column=wkt_column,
        lon_column=lon_column,
        lat_column=lat_column,
        id_field=id_field,
        encoding=encoding,
    )


def write_features(
    collection: FeatureCollection,
    *,
    file_format: FileFormat,
    layer_name: str = "units",
    crs: CRS | str | int | None = None,
    id_field: str | None = None,
) -> bytes:
    """Write any supported format. GeoJSON and CSV are always EPSG:4326 (RFC 7946, and WKT
    in a spreadsheet has no place for a CRS); Shapefile and GeoPackage take `crs`."""
    if file_format == "geojson":
        return write_geojson(collection, id_field=id_field)
    if file_format == "shapefile":
        return write_shapefile_zip(collection, layer_name=layer_name, crs=crs)
    if file_format == "geopackage":
        return write_geopackage(collection, layer_name=layer_name, crs=crs)
    return write_csv(collection)
