"""Areas: geodesic for figures people read, equal-area projected for geometry operations."""

from __future__ import annotations

import shapely
from pyproj import CRS, Geod
from shapely.geometry import Polygon
from shapely.geometry.base import BaseGeometry
from shapely.geometry.polygon import orient

_GEOD = Geod(ellps="WGS84")

# Albers equal-area: areas are exact on the ellipsoid anywhere, only shapes distort, so one
# national projection serves every vintage. The regional one is the data README's, kept for
# reproducing its published shares.
VIETNAM_ALBERS = CRS.from_proj4(
    "+proj=aea +lat_1=9 +lat_2=21 +lat_0=15 +lon_0=106 +ellps=WGS84 +units=m +no_defs"
)
HP_HD_ALBERS = CRS.from_proj4(
    "+proj=aea +lat_1=20 +lat_2=22 +lat_0=21 +lon_0=106.5 +ellps=WGS84 +units=m +no_defs"
)


def geodesic_area_m2(geometry: BaseGeometry) -> float:
    """Area on the WGS 84 ellipsoid of a lon/lat geometry, whatever its ring orientation.

    pyproj signs areas by ring orientation, so a multipolygon with parts wound both ways would
    cancel out: orient each part counter-clockwise (holes clockwise) first.
    """
    parts = shapely.get_parts(geometry)
    return sum(
        float(_GEOD.geometry_area_perimeter(orient(part, sign=1.0))[0])
        for part in parts
        if isinstance(part, Polygon) and not part.is_empty
    )


def geodesic_area_km2(geometry: BaseGeometry) -> float:
    return geodesic_area_m2(geometry) / 1e6
