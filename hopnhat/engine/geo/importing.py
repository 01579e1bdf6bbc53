"""The all-or-nothing import: bytes in, a clean EPSG:4326 collection or every problem out."""

from __future__ import annotations

from pyproj import CRS

from hopnhat.engine.geo.crs import to_wgs84
from hopnhat.engine.geo.features import GeoFormatError
from hopnhat.engine.geo.files import FileFormat, detect_format, read_features
from hopnhat.engine.geo.validation import (
    UNIT_SCHEMA,
    VIETNAM_BBOX,
    RepairPolicy,
    Schema,
    Validated,
    validate_collection,
)


def import_features(
    data: bytes,
    *,
    filename: str = "",
    file_format: FileFormat | None = None,
    schema: Schema = UNIT_SCHEMA,
    policy: RepairPolicy = "refuse",
    crs: CRS | str | int | None = None,
    layer: str | None = None,
    encoding: str | None = None,
    id_field: str | None = "code",
    wkt_column: str | None = None,
    lon_column: str | None = None,
    lat_column: str | None = None,
    bbox: tuple[float, float, float, float] | None = VIETNAM_BBOX,
) -> Validated:
    """Read, resolve the CRS (`crs` overrides the file), reproject to EPSG:4326 and validate.

    Never raises for bad input: an unreadable file, an unknown CRS and every feature problem
    come back in `errors`, and then `collection` is None, so a caller cannot store half a file.
    """
    try:
        chosen = file_format or detect_format(filename, data)
        collection = read_features(
            data,
            file_format=chosen,
            layer=layer,
            encoding=encoding,
            id_field=id_field,
            wkt_column=wkt_column,
            lon_column=lon_column,
            lat_column=lat_column,
        )
        located = to_wgs84(collection, override=crs)
    except GeoFormatError as exc:
        return Validated(None, exc.problems)
    return validate_collection(located, schema=schema, policy=policy, bbox=bbox)
