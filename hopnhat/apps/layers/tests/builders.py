"""Tiny drawn layers and files for the layer tests."""

from __future__ import annotations

import io
import json
import math
import zipfile
from typing import Any

import shapefile
import shapely
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from pyproj import Transformer
from shapely.geometry import Polygon, box, mapping
from shapely.geometry.base import BaseGeometry

from hopnhat.apps.accounts.actions import create_api_token
from hopnhat.common.testing import user
from hopnhat.engine.geo import vn2000_tm3_crs

HAI_PHONG = (106.6, 20.85)
HAI_PHONG_TM3 = vn2000_tm3_crs(105.75)  # VN-2000 / TM-3 105°45' (EPSG:9210)


def square(lon: float, lat: float, side_km: float) -> Polygon:
    """A lon/lat square of about side_km × side_km centred on (lon, lat)."""
    half_lat = side_km / 2 / 110.574
    half_lon = side_km / 2 / (111.320 * math.cos(math.radians(lat)))
    return box(lon - half_lon, lat - half_lat, lon + half_lon, lat + half_lat)


def hai_phong_squares() -> list[tuple[str, str, BaseGeometry]]:
    """Three communes of 2, 5 and 8 km around Hải Phòng, edges densified like real boundaries."""
    return [
        (code, name, shapely.segmentize(square(HAI_PHONG[0] + dx, HAI_PHONG[1] + dy, side), 0.002))
        for code, name, dx, dy, side in [
            ("11311", "Phường Máy Chai", 0.0, 0.0, 2),
            ("11312", "Xã Đông Hải", 0.3, -0.1, 5),
            ("11313", "Xã Tân Tiến", -0.4, 0.2, 8),
        ]
    ]


def vn2000_shapefile_zip(units: list[tuple[str, str, BaseGeometry]]) -> bytes:
    """A zipped Shapefile as a land office sends it: VN-2000 / TM-3 105°45' metres with its .prj.

    Projected with pyproj and written with pyshp directly, not with the engine's writer, so
    the import is not checked against its own inverse.
    """
    to_tm3 = Transformer.from_crs(4326, HAI_PHONG_TM3, always_xy=True)
    shp, shx, dbf = io.BytesIO(), io.BytesIO(), io.BytesIO()
    writer = shapefile.Writer(shp=shp, shx=shx, dbf=dbf, shapeType=shapefile.POLYGON)
    writer.field("code", "C", size=10)
    writer.field("name", "C", size=60)
    for code, name, geometry in units:
        projected = shapely.transform(geometry, lambda xy: _stack(to_tm3.transform(*xy.T)))
        writer.shape(mapping(projected))
        writer.record(code, name)
    writer.close()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for ext, stream in (("shp", shp), ("shx", shx), ("dbf", dbf)):
            archive.writestr(f"ranh_gioi_xa.{ext}", stream.getvalue())
        archive.writestr("ranh_gioi_xa.prj", HAI_PHONG_TM3.to_wkt("WKT1_ESRI"))
        archive.writestr("ranh_gioi_xa.cpg", "UTF-8")
    return buffer.getvalue()


def _stack(xy: tuple[Any, Any]) -> Any:
    import numpy as np

    return np.column_stack(xy)


# A bow-tie: its ring crosses itself at (106.61, 20.81).
BOW_TIE = [[[106.60, 20.80], [106.62, 20.82], [106.62, 20.80], [106.60, 20.82], [106.60, 20.80]]]
CELL = [[[106.70, 20.80], [106.71, 20.80], [106.71, 20.81], [106.70, 20.81], [106.70, 20.80]]]


def geojson_bytes(*features: tuple[dict[str, Any], BaseGeometry | list[Any]]) -> bytes:
    items = []
    for properties, geometry in features:
        geom = (
            {"type": "Polygon", "coordinates": geometry}
            if isinstance(geometry, list)
            else mapping(geometry)
        )
        items.append({"type": "Feature", "properties": properties, "geometry": geom})
    return json.dumps({"type": "FeatureCollection", "features": items}).encode()


def self_intersecting_and_missing_field() -> bytes:
    """Feature 1 is fine; feature 2 is a bow-tie; feature 3 has no 'name'."""
    return geojson_bytes(
        ({"code": "A1", "name": "Xã Một"}, CELL),
        ({"code": "B2", "name": "Xã Hai"}, BOW_TIE),
        ({"code": "C3"}, square(106.8, 20.9, 1)),
    )


# A 2×2 grid of 0.01° cells near Hải Phòng (about 1.04 × 1.11 km each):
#
#     C | D        C reaches 0.001° into D: one overlap C/D of 0.001 × 0.009° (≈ 103 700 m²);
#    ---+---       every cell loses a 0.001° corner at the centre: one gap of 0.002 × 0.002°
#     A | B        (≈ 46 000 m²) bordered by A, B, C and D.
X, Y, S, E = 106.60, 20.80, 0.01, 0.001


def grid_with_one_gap_and_one_overlap() -> list[tuple[dict[str, Any], BaseGeometry]]:
    cx, cy = X + S, Y + S
    notch = box(cx - E, cy - E, cx + E, cy + E)
    cells = {
        "A": box(X, Y, cx, cy),
        "B": box(cx, Y, cx + S, cy),
        "C": box(X, cy, cx + E, cy + S),
        "D": box(cx, cy, cx + S, cy + S),
    }
    return [({"code": c, "name": f"Xã {c}"}, g.difference(notch)) for c, g in cells.items()]


class LayerApi:
    """/api/v1/layers with a Bearer token, as a script would call it."""

    def __init__(self, username: str) -> None:
        _token, token = create_api_token(actor=None, user=user(username), name="test")
        self.headers = {"Authorization": f"Bearer {token}"}
        self.client = Client()

    def upload(self, data: bytes, filename: str, **form: Any) -> Any:
        payload = {"org": "31.STC", "name": "Lớp thử", **form}
        payload["file"] = SimpleUploadedFile(filename, data)
        return self.client.post("/api/v1/layers", payload, headers=self.headers)

    def get(self, path: str, **params: Any) -> Any:
        return self.client.get(f"/api/v1/layers{path}", params, headers=self.headers)

    def delete(self, path: str) -> Any:
        return self.client.delete(f"/api/v1/layers{path}", headers=self.headers)


def upload_page(client: Client, data: bytes, filename: str, **form: Any) -> Any:
    payload = {"org": "31.STC", "name": "Lớp thử", "policy": "refuse", **form}
    payload["file"] = SimpleUploadedFile(filename, data)
    return client.post("/layers/upload/", payload)
