"""OGC GeoPackage (SQLite) in and out, without GDAL.

Reading parses the GeoPackage binary header of each geometry blob and hands the WKB after it
to shapely. Writing produces the minimum a conforming reader (QGIS, GDAL/OGR) needs: the
application id, gpkg_spatial_ref_sys with its three mandatory rows, gpkg_contents,
gpkg_geometry_columns and the feature table. No spatial index: readers build one if needed.
The database lives in memory (sqlite3 serialize/deserialize), never in a file.
"""

from __future__ import annotations

import sqlite3
import struct
from collections.abc import Sequence
from typing import Any

import shapely
from pyproj import CRS
from shapely.geometry.base import BaseGeometry

from hopnhat.engine.geo.crs import parse_crs, reproject
from hopnhat.engine.geo.features import (
    Feature,
    FeatureCollection,
    GeoFormatError,
    feature_id_from,
)
from hopnhat.engine.geo.formats.textcodec import nfc
from hopnhat.engine.geo.formats.values import ColumnKind, column_kind, plain_value

GPKG_APPLICATION_ID = 0x47504B47  # "GPKG"
GPKG_USER_VERSION = 10400  # GeoPackage 1.4.0
_ENVELOPE_DOUBLES = {0: 0, 1: 4, 2: 6, 3: 6, 4: 8}
_SQL_TYPES: dict[ColumnKind, str] = {
    "int": "INTEGER",
    "float": "REAL",
    "bool": "BOOLEAN",
    "str": "TEXT",
}


def read_geopackage(
    data: bytes, *, layer: str | None = None, id_field: str | None = None
) -> FeatureCollection:
    """Features of the one feature table (or `layer`), with the CRS of its srs_id."""
    conn = _open(data)
    try:
        table, column, srs_id = _choose_layer(conn, layer)
        crs = _crs_for_srs(conn, srs_id)
        pk, fields = _columns(conn, table, column)
        features = _read_rows(conn, table, column, pk, fields, id_field)
    except sqlite3.DatabaseError as exc:
        raise GeoFormatError(f"the GeoPackage cannot be read: {exc}") from exc
    finally:
        conn.close()
    return FeatureCollection(
        features=tuple(features),
        crs=crs,
        crs_origin=f"GeoPackage srs_id {srs_id}" if crs is not None else "",
        fields=tuple(fields),
    )


def _open(data: bytes) -> sqlite3.Connection:
    if not data.startswith(b"SQLite format 3\x00"):
        raise GeoFormatError("the file is not a GeoPackage (not an SQLite database)")
    conn = sqlite3.connect(":memory:")
    try:
        conn.deserialize(data)
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise GeoFormatError(f"the GeoPackage cannot be opened: {exc}") from exc
    return conn


def _choose_layer(conn: sqlite3.Connection, wanted: str | None) -> tuple[str, str, int]:
    try:
        rows = conn.execute(
            "SELECT g.table_name, g.column_name, g.srs_id FROM gpkg_geometry_columns g "
            "JOIN gpkg_contents c ON c.table_name = g.table_name "
            "WHERE c.data_type = 'features' ORDER BY g.table_name"
        ).fetchall()
    except sqlite3.DatabaseError as exc:
        raise GeoFormatError("the SQLite file has no GeoPackage feature tables") from exc
    layers = {row[0]: row for row in rows}
    if wanted is not None:
        if wanted not in layers:
            raise GeoFormatError(
                f"no layer named {wanted!r} in the GeoPackage; found {sorted(layers)}"
            )
        return layers[wanted]
    if len(layers) != 1:
        found = f"several layers {sorted(layers)}; choose one" if layers else "no feature layer"
        raise GeoFormatError(f"the GeoPackage has {found}")
    return rows[0]


def _crs_for_srs(conn: sqlite3.Connection, srs_id: int) -> CRS | None:
    row = conn.execute(
        "SELECT organization, organization_coordsys_id, definition FROM gpkg_spatial_ref_sys "
        "WHERE srs_id = ?",
        (srs_id,),
    ).fetchone()
    if row is None:
        raise GeoFormatError(f"the GeoPackage refers to srs_id {srs_id}, which it does not define")
    organization, org_id, definition = row
    if srs_id in (0, -1) or (definition or "").strip().lower() == "undefined":
        return None  # the spec's "undefined geographic / cartesian" rows
    if str(organization).upper() == "EPSG":
        return parse_crs(int(org_id))
    return parse_crs(definition)


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def _columns(
    conn: sqlite3.Connection, table: str, geometry_column: str
) -> tuple[str | None, list[str]]:
    info = conn.execute(f"PRAGMA table_info({_quote(table)})").fetchall()
    pk = next((row[1] for row in info if row[5]), None)
    fields = [row[1] for row in info if row[1] not in (pk, geometry_column)]
    return pk, fields


def _read_rows(
    conn: sqlite3.Connection,
    table: str,
    geometry_column: str,
    pk: str | None,
    fields: list[str],
    id_field: str | None,
) -> list[Feature]:
    key = _quote(pk) if pk else "rowid"
    columns = ", ".join([key, _quote(geometry_column), *map(_quote, fields)])
    features = []
    query = f"SELECT {columns} FROM {_quote(table)} ORDER BY {key}"  # noqa: S608 (quoted identifiers)
    for index, (fid, blob, *values) in enumerate(conn.execute(query)):
        properties = {name: _value(v) for name, v in zip(fields, values, strict=True)}
        features.append(
            Feature(
                index=index,
                where=f"fid {fid}",
                properties=properties,
                geometry=_geometry(blob, fid),
                id=feature_id_from(properties, id_field, None),
            )
        )
    return features


def _value(value: Any) -> Any:
    return nfc(value) if isinstance(value, str) else value


def _geometry(blob: bytes | None, fid: object) -> BaseGeometry | None:
    if blob is None:
        return None
    try:
        return parse_gpkg_blob(bytes(blob))
    except (ValueError, struct.error, shapely.errors.GEOSException) as exc:
        raise GeoFormatError(f"fid {fid}: geometry cannot be read: {exc}") from exc


def parse_gpkg_blob(blob: bytes) -> BaseGeometry:
    """Shapely geometry of a GeoPackage geometry blob (header "GP", version, flags, srs, envelope)."""
    if blob[:2] != b"GP":
        raise ValueError("not a GeoPackage geometry blob (no 'GP' magic)")
    flags = blob[3]
    if flags & 0b0010_0000:
        raise ValueError("GeoPackage extended geometry types are not supported")
    envelope_code = (flags >> 1) & 0b111
    if envelope_code not in _ENVELOPE_DOUBLES:
        raise ValueError(f"invalid envelope indicator {envelope_code}")
    offset = 8 + 8 * _ENVELOPE_DOUBLES[envelope_code]
    geometry = shapely.from_wkb(blob[offset:])
    return geometry


def gpkg_blob(geometry: BaseGeometry, srs_id: int) -> bytes:
    """The GeoPackage blob: little-endian header with an XY envelope, then ISO WKB (2D)."""
    geometry = shapely.force_2d(geometry)
    if geometry.is_empty:
        flags = 0b0001_0001  # empty, no envelope, little endian
        return struct.pack("<2sBBi", b"GP", 0, flags, srs_id) + shapely.to_wkb(
            geometry, byte_order=1
        )
    minx, miny, maxx, maxy = geometry.bounds
    flags = 0b0000_0011  # envelope [minx, maxx, miny, maxy], little endian
    header = struct.pack("<2sBBi4d", b"GP", 0, flags, srs_id, minx, maxx, miny, maxy)
    return header + shapely.to_wkb(geometry, byte_order=1, flavor="iso")


def write_geopackage(
    collection: FeatureCollection,
    *,
    layer_name: str = "layer",
    crs: CRS | str | int | None = None,
) -> bytes:
    """GeoPackage bytes with one feature table `layer_name` (fid, geom, then the properties)."""
    if crs is not None:
        collection = reproject(collection, crs)
    srs_id, organization, org_id, definition = _srs_row(collection.crs)
    fields = list(collection.fields or _all_keys(collection))
    kinds = {
        name: column_kind([f.properties.get(name) for f in collection.features]) for name in fields
    }
    conn = sqlite3.connect(":memory:")
    try:
        _create_metadata(conn)
        if srs_id not in (4326, 0, -1):
            conn.execute(
                "INSERT INTO gpkg_spatial_ref_sys VALUES (?, ?, ?, ?, ?, ?)",
                (collection.crs.name, srs_id, organization, org_id, definition, None),  # type: ignore[union-attr]
            )
        _create_layer(conn, layer_name, fields, kinds, srs_id, _geometry_type(collection))
        _insert_features(conn, layer_name, fields, collection.features, srs_id)
        _fill_contents(conn, layer_name, collection, srs_id)
        conn.commit()
        return conn.serialize()
    finally:
        conn.close()


def _all_keys(collection: FeatureCollection) -> tuple[str, ...]:
    keys: dict[str, None] = {}
    for feature in collection.features:
        keys.update(dict.fromkeys(feature.properties))
    return tuple(keys)


def _srs_row(crs: CRS | None) -> tuple[int, str, int, str]:
    if crs is None:
        return -1, "NONE", -1, "undefined"
    epsg = crs.to_epsg()
    if epsg is not None:
        return epsg, "EPSG", epsg, crs.to_wkt("WKT1_GDAL") or crs.to_wkt()
    # A user-defined CRS (a TM-3 meridian EPSG lacks): an id outside the EPSG range.
    return 100_000, "NONE", 100_000, crs.to_wkt("WKT1_GDAL") or crs.to_wkt()


def _create_metadata(conn: sqlite3.Connection) -> None:
    conn.execute(f"PRAGMA application_id = {GPKG_APPLICATION_ID}")
    conn.execute(f"PRAGMA user_version = {GPKG_USER_VERSION}")
    conn.executescript(
        """
        CREATE TABLE gpkg_spatial_ref_sys (
          srs_name TEXT NOT NULL, srs_id INTEGER NOT NULL PRIMARY KEY,
          organization TEXT NOT NULL, organization_coordsys_id INTEGER NOT NULL,
          definition TEXT NOT NULL, description TEXT);
        CREATE TABLE gpkg_contents (
          table_name TEXT NOT NULL PRIMARY KEY, data_type TEXT NOT NULL,
          identifier TEXT UNIQUE, description TEXT DEFAULT '',
          last_change DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
          min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE, srs_id INTEGER,
          CONSTRAINT fk_gc_r_srs_id FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys(srs_id));
        CREATE TABLE gpkg_geometry_columns (
          table_name TEXT NOT NULL, column_name TEXT NOT NULL,
          geometry_type_name TEXT NOT NULL, srs_id INTEGER NOT NULL,
          z TINYINT NOT NULL, m TINYINT NOT NULL,
          CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name),
          CONSTRAINT uk_gc_table_name UNIQUE (table_name),
          CONSTRAINT fk_gc_tn FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name),
          CONSTRAINT fk_gc_srs FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys (srs_id));
        INSERT INTO gpkg_spatial_ref_sys VALUES
          ('Undefined cartesian SRS', -1, 'NONE', -1, 'undefined', 'undefined cartesian coordinate reference system'),
          ('Undefined geographic SRS', 0, 'NONE', 0, 'undefined', 'undefined geographic coordinate reference system');
        """
    )
    wgs84 = CRS.from_epsg(4326)
    conn.execute(
        "INSERT INTO gpkg_spatial_ref_sys VALUES ('WGS 84 geodetic', 4326, 'EPSG', 4326, ?, ?)",
        (wgs84.to_wkt("WKT1_GDAL"), "longitude/latitude coordinates in decimal degrees on WGS 84"),
    )


def _geometry_type(collection: FeatureCollection) -> str:
    types = {f.geometry.geom_type for f in collection.features if f.geometry is not None}
    if types <= {"Polygon", "MultiPolygon"} and types:
        return "MULTIPOLYGON" if "MultiPolygon" in types else "POLYGON"
    return types.pop().upper() if len(types) == 1 else "GEOMETRY"


def _create_layer(
    conn: sqlite3.Connection,
    table: str,
    fields: Sequence[str],
    kinds: dict[str, ColumnKind],
    srs_id: int,
    geometry_type: str,
) -> None:
    columns = ", ".join(f"{_quote(name)} {_SQL_TYPES[kinds[name]]}" for name in fields)
    columns = f", {columns}" if columns else ""
    conn.execute(
        f"CREATE TABLE {_quote(table)} (fid INTEGER PRIMARY KEY AUTOINCREMENT, "
        f"geom {geometry_type}{columns})"
    )
    conn.execute(
        "INSERT INTO gpkg_contents (table_name, data_type, identifier, srs_id) "
        "VALUES (?, 'features', ?, ?)",
        (table, table, srs_id),
    )
    conn.execute(
        "INSERT INTO gpkg_geometry_columns VALUES (?, 'geom', ?, ?, 0, 0)",
        (table, geometry_type, srs_id),
    )


def _insert_features(
    conn: sqlite3.Connection,
    table: str,
    fields: Sequence[str],
    features: Sequence[Feature],
    srs_id: int,
) -> None:
    placeholders = ", ".join("?" * (len(fields) + 1))
    names = ", ".join(["geom", *map(_quote, fields)])
    sql = f"INSERT INTO {_quote(table)} ({names}) VALUES ({placeholders})"  # noqa: S608
    conn.executemany(
        sql,
        (
            [
                None if f.geometry is None else gpkg_blob(f.geometry, srs_id),
                *(plain_value(f.properties.get(name)) for name in fields),
            ]
            for f in features
        ),
    )


def _fill_contents(
    conn: sqlite3.Connection, table: str, collection: FeatureCollection, srs_id: int
) -> None:
    geometries = [
        f.geometry
        for f in collection.features
        if f.geometry is not None and not f.geometry.is_empty
    ]
    if not geometries:
        return
    minx, miny, maxx, maxy = shapely.total_bounds(geometries)
    conn.execute(
        "UPDATE gpkg_contents SET min_x = ?, min_y = ?, max_x = ?, max_y = ? WHERE table_name = ?",
        (float(minx), float(miny), float(maxx), float(maxy), table),
    )
