"""Every export format reads back as the same layer."""

from __future__ import annotations

import json

import pytest
from shapely.geometry import shape

from hopnhat.apps.layers.models import Layer
from hopnhat.apps.layers.tests.builders import (
    LayerApi,
    hai_phong_squares,
    vn2000_shapefile_zip,
)
from hopnhat.common.testing import client_for

pytestmark = pytest.mark.django_db

EXPORTS = [
    ("geojson", "geojson", ".geojson"),
    ("shapefile", "shapefile", ".zip"),
    ("gpkg", "geopackage", ".gpkg"),
    ("csv", "csv", ".csv"),
]


@pytest.fixture
def layer(demo: None) -> Layer:
    response = LayerApi("demo-editor").upload(
        vn2000_shapefile_zip(hai_phong_squares()), "ranh_gioi_xa.zip"
    )
    assert response.status_code == 201, response.json()
    return Layer.objects.get(pk=response.json()["id"])


def snapshot(layer: Layer) -> dict[str, tuple[str, float, object]]:
    return {
        f.code: (f.name, round(f.area_km2, 6), shape(json.loads(f.geometry)))
        for f in layer.features.all()
    }


@pytest.mark.parametrize(("query_format", "source_format", "extension"), EXPORTS)
def test_each_export_format_imports_back_to_the_same_features(
    layer, query_format, source_format, extension
):
    api = LayerApi("demo-editor")

    exported = api.get(f"/{layer.pk}/export", format=query_format)
    assert exported.status_code == 200
    assert exported["Content-Disposition"].endswith(f'{extension}"')
    reimported = api.upload(exported.content, f"export{extension}", name="Bản xuất")

    assert reimported.status_code == 201, reimported.json()
    again = Layer.objects.get(pk=reimported.json()["id"])
    assert again.source_format == source_format
    before, after = snapshot(layer), snapshot(again)
    assert before.keys() == after.keys()
    for code, (name, area, geometry) in before.items():
        assert after[code][0] == name
        assert after[code][1] == pytest.approx(area, rel=1e-6)
        assert after[code][2].equals_exact(geometry, tolerance=1e-7)


def test_a_shapefile_can_be_exported_back_into_vn2000_for_the_land_office(layer):
    exported = LayerApi("demo-editor").get(
        f"/{layer.pk}/export", format="shapefile", crs="EPSG:9210"
    )
    reimported = LayerApi("demo-editor").upload(exported.content, "tm3.zip", name="TM-3")

    assert reimported.status_code == 201
    assert reimported.json()["source_crs"] == "VN-2000 / TM-3 105-45"


def test_the_layer_page_has_one_export_button_per_format_and_they_download(layer):
    client = client_for("demo-editor")
    page = client.get(f"/layers/{layer.pk}/").content.decode()

    for query_format, _source, extension in EXPORTS:
        url = f"/layers/{layer.pk}/export/{query_format}/"
        assert f'href="{url}"' in page
        response = client.get(url)
        assert response.status_code == 200
        assert response["Content-Disposition"].endswith(f'{extension}"')
