"""Gaps and overlaps of a tiny drawn grid, through the API and on the layer page."""

from __future__ import annotations

import pytest
from shapely.geometry import box

from hopnhat.apps.layers.models import Layer
from hopnhat.apps.layers.tests.builders import (
    E,
    LayerApi,
    S,
    X,
    Y,
    geojson_bytes,
    grid_with_one_gap_and_one_overlap,
)
from hopnhat.common.testing import client_for
from hopnhat.engine.geo import geodesic_area_m2

# C's strip inside D, less the notch; the notch at the centre that nobody covers.
OVERLAP_M2 = geodesic_area_m2(box(X + S, Y + S + E, X + S + E, Y + 2 * S))  # ≈ 103 700 m²
GAP_M2 = geodesic_area_m2(box(X + S - E, Y + S - E, X + S + E, Y + S + E))  # ≈ 46 000 m²

pytestmark = pytest.mark.django_db


@pytest.fixture
def grid_layer(demo: None) -> Layer:
    response = LayerApi("demo-editor").upload(
        geojson_bytes(*grid_with_one_gap_and_one_overlap()), "grid.geojson"
    )
    assert response.status_code == 201, response.json()
    return Layer.objects.get(pk=response.json()["id"])


def test_the_grid_has_exactly_one_overlap_c_d_and_one_gap_between_all_four(grid_layer):
    body = LayerApi("demo-editor").get(f"/{grid_layer.pk}/coverage").json()

    [overlap] = body["overlaps"]
    [gap] = body["gaps"]
    assert overlap["codes"] == ["C", "D"]
    assert overlap["area_m2"] == pytest.approx(OVERLAP_M2, rel=1e-3)
    assert gap["neighbours"] == ["A", "B", "C", "D"]
    assert gap["area_m2"] == pytest.approx(GAP_M2, rel=1e-3)
    assert overlap["geometry"]["type"] == "Polygon"


def test_a_higher_threshold_hides_the_smaller_gap(grid_layer):
    body = LayerApi("demo-editor").get(f"/{grid_layer.pk}/coverage", min_area_m2=50_000).json()

    assert body["min_area_m2"] == 50_000
    assert len(body["overlaps"]) == 1
    assert body["gaps"] == []


def test_the_layer_page_lists_the_gap_and_overlap_beside_a_map_that_draws_them(grid_layer):
    client = client_for("demo-editor")
    client.cookies["django_language"] = "en"

    page = client.get(f"/layers/{grid_layer.pk}/").content.decode()
    data = client.get(f"/layers/{grid_layer.pk}/map.json").json()

    assert 'id="layer-map"' in page
    assert "vendor/leaflet/leaflet.js" in page
    assert "C and D overlap by" in page
    assert "Gap of" in page
    assert "between A, B, C, D" in page
    assert 'data-kind="overlap" data-index="0"' in page
    assert 'data-kind="gap" data-index="0"' in page
    assert [f["id"] for f in data["features"]["features"]] == ["A", "B", "C", "D"]
    assert data["overlaps"]["features"][0]["properties"]["codes"] == ["C", "D"]
    assert data["gaps"]["features"][0]["properties"]["neighbours"] == ["A", "B", "C", "D"]
    assert "<script>" not in page  # the strict CSP allows no inline script
