"""Tiny drawn maps for the geometry tests."""

from __future__ import annotations

import gzip
import json
import math
from pathlib import Path
from typing import Any

import pytest
from pyproj import CRS
from shapely.geometry import Polygon, box, shape
from shapely.geometry.base import BaseGeometry

from hopnhat.engine.geo import WGS84, Feature, FeatureCollection

HAI_PHONG = (106.6, 20.85)  # lon, lat near the city centre
REPO_DATA = Path(__file__).resolve().parents[2] / "data" / "vn"
SHARED_DATA = Path("/work/shared/data/vn")


def square(lon: float, lat: float, side_km: float) -> Polygon:
    """A lon/lat square of about side_km × side_km centred on (lon, lat)."""
    half_lat = side_km / 2 / 110.574
    half_lon = side_km / 2 / (111.320 * math.cos(math.radians(lat)))
    return box(lon - half_lon, lat - half_lat, lon + half_lon, lat + half_lat)


def collection(
    *items: tuple[dict[str, Any], BaseGeometry | None], crs: CRS | None = WGS84
) -> FeatureCollection:
    features = tuple(
        Feature(index=i, where=f"feature {i + 1}", properties=props, geometry=geom)
        for i, (props, geom) in enumerate(items)
    )
    fields = tuple(dict.fromkeys(k for props, _ in items for k in props))
    return FeatureCollection(features=features, crs=crs, crs_origin="test", fields=fields)


def geojson_bytes(*features: dict[str, Any], **extra: Any) -> bytes:
    return json.dumps({"type": "FeatureCollection", **extra, "features": list(features)}).encode()


def geojson_feature(properties: dict[str, Any], coordinates: list[Any]) -> dict[str, Any]:
    geometry = {"type": "Polygon", "coordinates": coordinates}
    return {"type": "Feature", "properties": properties, "geometry": geometry}


def real_communes(limit: int) -> list[tuple[str, BaseGeometry]]:
    """The first `limit` Hải Phòng/Hải Dương communes of the repository data, else skip."""
    gz = REPO_DATA / "hp_hd_communes_2025-06_legacy.geojson.gz"
    plain = SHARED_DATA / "hp_hd_communes_2025-06_legacy.geojson"
    if gz.exists():
        document = json.loads(gzip.decompress(gz.read_bytes()))
    elif plain.exists():
        document = json.loads(plain.read_bytes())
    else:
        pytest.skip("the Hải Phòng/Hải Dương commune polygons are not available")
    features = [f for f in document["features"] if f["properties"]["province_code"] == "31"]
    return [(f["properties"]["ward_code"], shape(f["geometry"])) for f in features[:limit]]
