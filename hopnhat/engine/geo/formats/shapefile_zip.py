"""Zipped ESRI Shapefiles (.shp/.shx/.dbf/.prj/.cpg) in and out, through pyshp.

Everything stays in memory: uploads never touch the disk, and member paths inside the zip
are never used as file names.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import shapefile
from pyproj import CRS
from shapely.geometry import mapping, shape
from shapely.geometry.base import BaseGeometry

from hopnhat.engine.geo.crs import parse_crs, reproject
from hopnhat.engine.geo.features import (
    Feature,
    FeatureCollection,
    GeoFormatError,
    feature_id_from,
)
from hopnhat.engine.geo.formats.textcodec import (
    FALLBACK_ENCODINGS,
    decode_first_working,
    encoding_from_cpg,
    nfc,
)
from hopnhat.engine.geo.formats.values import column_kind, plain_value
from hopnhat.engine.text import fold

MAX_UNCOMPRESSED_BYTES = 1_000_000_000  # a zip bomb stops here, a national layer fits
_SHAPE_TYPES = {
    "Polygon": shapefile.POLYGON,
    "MultiPolygon": shapefile.POLYGON,
    "LineString": shapefile.POLYLINE,
    "MultiLineString": shapefile.POLYLINE,
    "Point": shapefile.POINT,
    "MultiPoint": shapefile.MULTIPOINT,
}


@dataclass(frozen=True)
class _Layer:
    stem: str
    members: dict[str, str]  # extension (".shp") → member name in the zip


def read_shapefile_zip(
    data: bytes,
    *,
    layer: str | None = None,
    encoding: str | None = None,
    id_field: str | None = None,
) -> FeatureCollection:
    """Features of the one Shapefile in the zip (or `layer`, by file name without extension).

    The .dbf text encoding is, in order: `encoding`, the .cpg file, else the first of UTF-8,
    cp1258, latin-1 that decodes every record (noted in the collection's notes).
    """
    archive = _open_zip(data)
    chosen = _choose_layer(_layers(archive), layer)
    if ".dbf" not in chosen.members:
        raise GeoFormatError(f"the Shapefile {chosen.stem} has no .dbf file in the zip")
    files = {ext: archive.read(name) for ext, name in chosen.members.items()}
    crs = parse_crs(_text(files[".prj"])) if files.get(".prj", b"").strip() else None
    encodings = _candidate_encodings(encoding, files.get(".cpg"))
    features, used = decode_first_working(
        lambda enc: _read_features(files, enc, id_field), encodings
    )
    notes = () if encoding or ".cpg" in files else (f"attribute text decoded as {used}",)
    return FeatureCollection(
        features=tuple(features),
        crs=crs,
        crs_origin=".prj file" if crs is not None else "",
        fields=tuple(features[0].properties) if features else _field_names(files, used),
        notes=notes,
    )


def _open_zip(data: bytes) -> zipfile.ZipFile:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise GeoFormatError(
            "the file is not a zip archive; zip the .shp, .shx, .dbf and .prj"
        ) from exc
    if sum(info.file_size for info in archive.infolist()) > MAX_UNCOMPRESSED_BYTES:
        raise GeoFormatError("the zip unpacks to more than 1 GB; split the layer")
    return archive


def _layers(archive: zipfile.ZipFile) -> dict[str, _Layer]:
    layers: dict[str, dict[str, str]] = {}
    for name in archive.namelist():
        base = name.rsplit("/", 1)[-1]
        if name.startswith("__MACOSX/") or base.startswith(".") or "." not in base:
            continue
        stem, ext = base.rsplit(".", 1)
        layers.setdefault(stem, {})[f".{ext.lower()}"] = name
    return {stem: _Layer(stem, m) for stem, m in layers.items() if ".shp" in m}


def _choose_layer(layers: dict[str, _Layer], wanted: str | None) -> _Layer:
    if wanted is not None:
        if wanted not in layers:
            raise GeoFormatError(
                f"no Shapefile named {wanted!r} in the zip; found {sorted(layers)}"
            )
        return layers[wanted]
    if len(layers) == 1:
        return next(iter(layers.values()))
    if not layers:
        raise GeoFormatError("the zip contains no .shp file")
    raise GeoFormatError(f"the zip contains several Shapefiles {sorted(layers)}; choose one")


def _text(raw: bytes) -> str:
    return raw.decode("utf-8-sig", errors="replace").strip()


def _candidate_encodings(explicit: str | None, cpg: bytes | None) -> tuple[str, ...]:
    if explicit:
        return (explicit,)
    if cpg and cpg.strip():
        return (encoding_from_cpg(_text(cpg)),)
    return FALLBACK_ENCODINGS


def _reader(files: dict[str, bytes], encoding: str) -> shapefile.Reader:
    streams: dict[str, Any] = {
        ext.lstrip("."): io.BytesIO(files[ext]) for ext in (".shp", ".shx", ".dbf") if ext in files
    }
    try:
        return shapefile.Reader(encoding=encoding, encodingErrors="strict", **streams)
    except shapefile.ShapefileException as exc:
        raise GeoFormatError(f"the Shapefile cannot be read: {exc}") from exc


def _field_names(files: dict[str, bytes], encoding: str) -> tuple[str, ...]:
    return tuple(f[0] for f in _reader(files, encoding).fields[1:])


def _read_features(files: dict[str, bytes], encoding: str, id_field: str | None) -> list[Feature]:
    reader = _reader(files, encoding)
    features = []
    try:
        for index, item in enumerate(reader.iterShapeRecords()):
            properties = {k: _value(v) for k, v in item.record.as_dict().items()}
            features.append(
                Feature(
                    index=index,
                    where=f"record {index + 1}",  # DBF record numbers count from 1
                    properties=properties,
                    geometry=_geometry(item.shape, index),
                    id=feature_id_from(properties, id_field, None),
                )
            )
    except shapefile.ShapefileException as exc:
        if "could not decode" in str(exc).lower():
            raise UnicodeError(str(exc)) from exc  # try the next encoding
        raise GeoFormatError(f"the Shapefile cannot be read: {exc}") from exc
    return features


def _value(value: Any) -> Any:
    return nfc(value.strip()) if isinstance(value, str) else value


def _geometry(item: shapefile.Shape, index: int) -> BaseGeometry | None:
    if item.shapeType == shapefile.NULL:
        return None
    try:
        return shape(item.__geo_interface__)
    except (ValueError, TypeError, shapefile.ShapefileException) as exc:
        raise GeoFormatError(f"record {index + 1}: geometry cannot be read: {exc}") from exc


def write_shapefile_zip(
    collection: FeatureCollection,
    *,
    layer_name: str = "layer",
    crs: CRS | str | int | None = None,
) -> bytes:
    """A zip with <layer>.shp/.shx/.dbf, the .prj (ESRI WKT) and a .cpg saying UTF-8.

    Coordinates are written in `crs` when given (e.g. a VN-2000 TM-3 zone for a land office),
    else in the collection's CRS. DBF field names are limited to 10 ASCII characters: longer
    or Vietnamese names are folded and shortened, with a number added on collision.
    """
    if crs is not None:
        collection = reproject(collection, crs)
    shp, shx, dbf = io.BytesIO(), io.BytesIO(), io.BytesIO()
    writer = shapefile.Writer(
        shp=shp, shx=shx, dbf=dbf, shapeType=_shape_type(collection), encoding="utf-8"
    )
    names = dbf_field_names(collection.fields or _all_keys(collection))
    for source, short in names.items():
        _add_field(writer, short, [f.properties.get(source) for f in collection.features])
    for feature in collection.features:
        _write_shape(writer, feature.geometry)
        writer.record(*[_dbf_value(feature.properties.get(source)) for source in names])
    writer.close()
    members = {
        ".shp": shp.getvalue(),
        ".shx": shx.getvalue(),
        ".dbf": dbf.getvalue(),
        ".cpg": b"UTF-8",
    }
    if collection.crs is not None:
        members[".prj"] = _prj(collection.crs).encode("ascii")
    return _zip({f"{layer_name}{ext}": content for ext, content in members.items()})


def _all_keys(collection: FeatureCollection) -> tuple[str, ...]:
    keys: dict[str, None] = {}
    for feature in collection.features:
        keys.update(dict.fromkeys(feature.properties))
    return tuple(keys)


def dbf_field_names(names: Sequence[str]) -> dict[str, str]:
    """Source property name → unique DBF field name of at most 10 ASCII characters."""
    result: dict[str, str] = {}
    taken: set[str] = set()
    for name in names:
        base = re.sub(r"[^A-Za-z0-9_]", "_", fold(name))[:10] or "field"
        short, counter = base, 1
        while short.lower() in taken:
            suffix = str(counter)
            short, counter = f"{base[: 10 - len(suffix)]}{suffix}", counter + 1
        taken.add(short.lower())
        result[name] = short
    return result


def _shape_type(collection: FeatureCollection) -> int:
    kinds = {_SHAPE_TYPES.get(f.geometry.geom_type) for f in collection.features if f.geometry}
    if None in kinds:
        raise GeoFormatError("a Shapefile cannot hold geometry collections")
    if len(kinds) > 1:
        raise GeoFormatError("a Shapefile holds one geometry type; this layer mixes several")
    return kinds.pop() if kinds else shapefile.POLYGON  # type: ignore[return-value]


def _add_field(writer: shapefile.Writer, name: str, values: list[Any]) -> None:
    kind = column_kind(values)
    if kind == "int":
        writer.field(name, "N", size=18, decimal=0)
    elif kind == "float":
        writer.field(name, "N", size=24, decimal=10)
    elif kind == "bool":
        writer.field(name, "L", size=1)
    else:
        longest = max(
            (len(str(plain_value(v)).encode()) for v in values if v is not None), default=1
        )
        writer.field(name, "C", size=max(1, min(254, longest)))


def _dbf_value(value: Any) -> Any:
    value = plain_value(value)
    if isinstance(value, str):
        # DBF text fields stop at 254 bytes; cut on a character boundary, not mid-UTF-8.
        return value.encode()[:254].decode(errors="ignore")
    return value


def _write_shape(writer: shapefile.Writer, geometry: BaseGeometry | None) -> None:
    if geometry is None or geometry.is_empty:
        writer.null()
    else:
        writer.shape(mapping(geometry))


def _prj(crs: CRS) -> str:
    return crs.to_wkt("WKT1_ESRI") or crs.to_wkt("WKT1_GDAL")


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()
