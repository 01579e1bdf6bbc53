"""Which CRS a user file is in, and getting its coordinates to EPSG:4326.

A wrong guess puts a commune in the sea without any error, so we only guess where the guess
cannot be wrong (coordinates in degrees) and otherwise ask the user for the CRS.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from functools import lru_cache

import numpy as np
import shapely
from pyproj import CRS, Transformer
from pyproj.exceptions import CRSError
from shapely.geometry.base import BaseGeometry

from hopnhat.engine.geo.features import FeatureCollection, GeoFormatError
from hopnhat.engine.geo.vn2000 import tm3_central_meridian, vn2000_tm3_crs

WGS84 = CRS.from_epsg(4326)

# Projected coordinates of Vietnam in VN-2000 UTM 48N/49N or TM-3: eastings within a few
# hundred km of 500 000 (or UTM 49N's negative side), northings for latitudes 6°–23.5°.
_VN_METRE_EASTINGS = (-200_000.0, 1_200_000.0)
_VN_METRE_NORTHINGS = (600_000.0, 2_700_000.0)
_HINT = (
    "VN-2000 / TM-3 with the province's central meridian (e.g. EPSG:9210 = 105°45' for Hải "
    "Phòng, EPSG:9209 = 105°30' for Hải Dương) or VN-2000 / UTM 48N (EPSG:3405)"
)


def parse_crs(value: CRS | str | int) -> CRS:
    """A CRS from an EPSG code, "EPSG:n", a URN, a proj string or WKT (a .prj's text)."""
    if isinstance(value, CRS):
        return value
    try:
        crs = CRS.from_epsg(value) if isinstance(value, int) else CRS.from_user_input(value)
    except CRSError as exc:
        raise GeoFormatError(f"unrecognised coordinate reference system {value!r}: {exc}") from exc
    return normalise_crs(crs)


def normalise_crs(crs: CRS) -> CRS:
    """The EPSG CRS when `crs` is one under another name; ours for a VN-2000 TM-3 zone.

    .prj files from land-office tools often describe the right projection over a datum PROJ
    cannot tie to WGS 84 (or mislabel it D_WGS_1984); reprojecting those as-is silently shifts
    everything by about 200 m.
    """
    cm = tm3_central_meridian(crs)
    if cm is not None:
        return vn2000_tm3_crs(cm)
    return _as_epsg(crs)


def _as_epsg(crs: CRS) -> CRS:
    # ESRI .prj text for "GCS_WGS_1984" is EPSG:4326 under another name; the EPSG object
    # compares equal to ours and picks the right datum transformations.
    code = crs.to_epsg()
    if code is None:
        return crs
    candidate = CRS.from_epsg(code)
    return candidate if candidate.equals(crs, ignore_axis_order=True) else crs


def crs_from_geojson_member(member: object) -> CRS | None:
    """The legacy GeoJSON 2008 "crs" member: {"type": "name", "properties": {"name": ...}}."""
    if member is None:
        return None
    if not isinstance(member, dict) or not isinstance(member.get("properties"), dict):
        raise GeoFormatError(f"the GeoJSON 'crs' member is not understood: {member!r}")
    props = member["properties"]
    if member.get("type") == "name" and isinstance(props.get("name"), str):
        return parse_crs(props["name"])
    if member.get("type") == "EPSG" and props.get("code") is not None:
        return parse_crs(int(props["code"]))
    raise GeoFormatError(
        f"the GeoJSON 'crs' member of type {member.get('type')!r} is not supported; "
        "use a named CRS such as 'EPSG:4326' or pass the CRS explicitly"
    )


def coordinate_bounds(geometries: Iterable[BaseGeometry | None]) -> tuple[float, ...] | None:
    geoms = [g for g in geometries if g is not None and not g.is_empty]
    if not geoms:
        return None
    return tuple(float(v) for v in shapely.total_bounds(np.array(geoms, dtype=object)))


def looks_like_degrees(bounds: tuple[float, ...]) -> bool:
    minx, miny, maxx, maxy = bounds
    return minx >= -180.0 and maxx <= 180.0 and miny >= -90.0 and maxy <= 90.0


def looks_like_vietnam_metres(bounds: tuple[float, ...]) -> bool:
    minx, miny, maxx, maxy = bounds
    return (
        _VN_METRE_EASTINGS[0] <= minx
        and maxx <= _VN_METRE_EASTINGS[1]
        and _VN_METRE_NORTHINGS[0] <= miny
        and maxy <= _VN_METRE_NORTHINGS[1]
    )


@dataclass(frozen=True)
class CrsChoice:
    crs: CRS
    origin: str


def choose_crs(
    collection: FeatureCollection, *, override: CRS | str | int | None = None
) -> CrsChoice:
    """The CRS to read the collection's coordinates in, or GeoFormatError explaining why not.

    Order: the caller's override, then what the file declares, then degrees → EPSG:4326.
    A declaration that contradicts the coordinates (degrees declared, metres found, or the
    reverse) is refused: it is the most common way a file lands in the wrong place.
    """
    bounds = coordinate_bounds(f.geometry for f in collection.features)
    if override is not None:
        crs = parse_crs(override)
        _check_declared(crs, bounds, "given by the user")
        return CrsChoice(crs, "given by the user")
    if collection.crs is not None:
        _check_declared(collection.crs, bounds, collection.crs_origin)
        return CrsChoice(collection.crs, collection.crs_origin)
    if bounds is None or looks_like_degrees(bounds):
        return CrsChoice(WGS84, "assumed: coordinates are longitude/latitude degrees")
    if looks_like_vietnam_metres(bounds):
        raise GeoFormatError(
            "the file has no coordinate reference system and its coordinates are metres of a "
            f"projected system (x {bounds[0]:.0f}–{bounds[2]:.0f}, y {bounds[1]:.0f}–"
            f"{bounds[3]:.0f}); we will not guess which one: give the CRS, typically {_HINT}"
        )
    raise GeoFormatError(
        "the file has no coordinate reference system and its coordinates "
        f"({bounds[0]:.6g}, {bounds[1]:.6g}) – ({bounds[2]:.6g}, {bounds[3]:.6g}) are neither "
        "longitude/latitude degrees nor metres of a Vietnamese projected system; give the CRS"
    )


def _check_declared(crs: CRS, bounds: tuple[float, ...] | None, origin: str) -> None:
    if bounds is None:
        return
    if crs.is_geographic and not looks_like_degrees(bounds):
        raise GeoFormatError(
            f"the file declares {crs.name} ({origin}), which is in degrees, but its coordinates "
            f"reach ({bounds[2]:.0f}, {bounds[3]:.0f}): they look like metres; give the CRS, "
            f"typically {_HINT}"
        )
    if crs.is_projected and looks_like_degrees(bounds) and max(map(abs, bounds)) > 0:
        raise GeoFormatError(
            f"the file declares {crs.name} ({origin}), which is in metres, but its coordinates "
            "all look like longitude/latitude degrees; remove the declaration or give EPSG:4326"
        )


@lru_cache(maxsize=64)
def _transformer(source_wkt: str, target_wkt: str) -> Transformer:
    return Transformer.from_crs(CRS.from_wkt(source_wkt), CRS.from_wkt(target_wkt), always_xy=True)


def transformer_between(source: CRS, target: CRS) -> Transformer:
    return _transformer(source.to_wkt(), target.to_wkt())


def reproject_geometry(geometry: BaseGeometry, transformer: Transformer) -> BaseGeometry:
    # always_xy: x is longitude/easting whatever axis order the CRS declares.
    return shapely.transform(
        shapely.force_2d(geometry), lambda xy: np.column_stack(transformer.transform(*xy.T))
    )


def _moved(geometry: BaseGeometry | None, transformer: Transformer | None) -> BaseGeometry | None:
    if geometry is None:
        return None
    if transformer is None:
        return shapely.force_2d(geometry)
    return reproject_geometry(geometry, transformer)


def reproject(collection: FeatureCollection, target: CRS | str | int = WGS84) -> FeatureCollection:
    """The collection with every geometry in `target` (a collection without CRS is refused)."""
    if collection.crs is None:
        raise GeoFormatError("the collection has no CRS; call choose_crs first")
    target_crs = parse_crs(target)
    transformer = (
        None if collection.crs == target_crs else transformer_between(collection.crs, target_crs)
    )
    features = (replace(f, geometry=_moved(f.geometry, transformer)) for f in collection.features)
    return replace(collection.with_features(features), crs=target_crs)


def to_wgs84(
    collection: FeatureCollection, *, override: CRS | str | int | None = None
) -> FeatureCollection:
    """Resolve the CRS (see choose_crs) and reproject to EPSG:4326, noting where the CRS came from."""
    choice = choose_crs(collection, override=override)
    located = replace(collection, crs=choice.crs, crs_origin=choice.origin)
    note = f"source CRS: {choice.crs.name} ({choice.origin})"
    return reproject(located, WGS84).with_note(note)
