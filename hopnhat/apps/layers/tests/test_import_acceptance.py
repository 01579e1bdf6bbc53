"""The two import acceptance points of issue 3, through the API and through the page."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from shapely.geometry import shape

from hopnhat.apps.audit.models import AuditRecord
from hopnhat.apps.layers.models import Layer, LayerFeature
from hopnhat.apps.layers.tests.builders import (
    LayerApi,
    hai_phong_squares,
    self_intersecting_and_missing_field,
    upload_page,
    vn2000_shapefile_zip,
)
from hopnhat.common.testing import client_for
from hopnhat.engine.geo import geodesic_area_km2

pytestmark = pytest.mark.django_db


def assert_areas_agree_within_half_a_percent(layer: Layer) -> None:
    originals = {code: geodesic_area_km2(geometry) for code, _name, geometry in hai_phong_squares()}
    stored = dict(layer.features.values_list("code", "area_km2"))
    assert stored.keys() == originals.keys()
    for code, area in stored.items():
        assert area == pytest.approx(originals[code], rel=0.005), code
    # The stored geometry is back in lon/lat where it started, not 200 m off (datum shift).
    for code, _name, original in hai_phong_squares():
        geometry = shape(json.loads(layer.features.get(code=code).geometry))
        assert geometry.centroid.distance(original.centroid) < 1e-6


def test_a_vn2000_shapefile_uploaded_through_the_api_is_stored_reprojected_with_geodesic_areas(
    demo,
):
    response = LayerApi("demo-editor").upload(
        vn2000_shapefile_zip(hai_phong_squares()), "ranh_gioi_xa.zip", valid_on="2025-07-01"
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["source_crs"] == "VN-2000 / TM-3 105-45"
    assert body["source_format"] == "shapefile"
    assert body["feature_count"] == 3
    assert any("VN-2000 / TM-3 105-45" in note for note in body["notes"])
    layer = Layer.objects.get(pk=body["id"])
    assert layer.valid_on.isoformat() == "2025-07-01"
    assert_areas_agree_within_half_a_percent(layer)
    assert AuditRecord.objects.filter(
        action="layers.layer.import", object_id=str(layer.pk)
    ).exists()


def test_a_vn2000_shapefile_uploaded_on_the_page_shows_its_crs_and_areas(demo):
    client = client_for("demo-editor")

    response = upload_page(client, vn2000_shapefile_zip(hai_phong_squares()), "ranh_gioi_xa.zip")

    assert response.status_code == 302
    layer = Layer.objects.get()
    assert_areas_agree_within_half_a_percent(layer)
    page = client.get(response.url).content.decode()
    assert "VN-2000 / TM-3 105-45" in page
    assert "Phường Máy Chai" in page


def test_a_shapefile_without_prj_imports_with_the_crs_typed_by_the_user(demo):
    with zipfile.ZipFile(io.BytesIO(vn2000_shapefile_zip(hai_phong_squares()))) as source:
        members = {n: source.read(n) for n in source.namelist() if not n.endswith(".prj")}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as target:
        for name, content in members.items():
            target.writestr(name, content)
    api = LayerApi("demo-editor")

    refused = api.upload(buffer.getvalue(), "no_prj.zip")
    accepted = api.upload(buffer.getvalue(), "no_prj.zip", crs="VN-2000 TM-3 105°45′")

    assert refused.status_code == 422
    assert "EPSG:9210" in refused.json()["problems"][0]["message"]
    assert accepted.status_code == 201, accepted.json()
    assert_areas_agree_within_half_a_percent(Layer.objects.get(pk=accepted.json()["id"]))


def test_a_geojson_with_a_self_intersection_and_a_missing_field_is_refused_through_the_api(demo):
    api = LayerApi("demo-editor")
    audit_before = AuditRecord.objects.count()

    response = api.upload(self_intersecting_and_missing_field(), "xa.geojson")

    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "validation_error"
    by_code = {p["code"]: p for p in body["problems"]}
    assert set(by_code) == {"geometry_invalid", "field_missing"}
    invalid, missing = by_code["geometry_invalid"], by_code["field_missing"]
    assert (invalid["where"], invalid["feature_id"], invalid["field"]) == (
        "feature 2",
        "B2",
        "geometry",
    )
    assert (missing["where"], missing["feature_id"], missing["field"]) == (
        "feature 3",
        "C3",
        "name",
    )
    # The default language is Vietnamese; the messages name the feature and the field.
    assert invalid["message"].startswith("đối tượng 2 (mã B2): ")
    assert "tự cắt" in invalid["message"]
    assert "106.610000" in invalid["message"]
    assert missing["message"] == "đối tượng 3 (mã C3): thiếu trường bắt buộc “name”"
    assert body["fields"] == {
        "feature 2.geometry": [invalid["message"]],
        "feature 3.name": [missing["message"]],
    }
    assert Layer.objects.count() == 0
    assert LayerFeature.objects.count() == 0
    assert AuditRecord.objects.count() == audit_before


def test_the_same_geojson_is_refused_on_the_page_with_a_table_of_features_and_fields(demo):
    client = client_for("demo-editor")
    client.cookies["django_language"] = "en"

    response = upload_page(client, self_intersecting_and_missing_field(), "xa.geojson")

    assert response.status_code == 422
    page = response.content.decode()
    assert 'data-testid="import-refused"' in page
    assert "nothing was stored" in page
    assert "feature 2 (code B2): the geometry is invalid: self-intersection at longitude" in page
    assert "feature 3 (code C3): the required field “name” is missing" in page
    assert "<code>geometry</code>" in page
    assert "<code>name</code>" in page
    assert Layer.objects.count() == 0
    assert LayerFeature.objects.count() == 0


def test_repair_mode_fixes_the_bow_tie_and_reports_it_but_a_missing_field_still_refuses(demo):
    api = LayerApi("demo-editor")
    named = b'{"code": "C3", "name": "X\\u00e3 Ba"}'
    only_geometry = self_intersecting_and_missing_field().replace(b'{"code": "C3"}', named)

    still_refused = api.upload(self_intersecting_and_missing_field(), "xa.geojson", policy="repair")
    repaired = api.upload(only_geometry, "xa.geojson", policy="repair")

    assert still_refused.status_code == 422
    assert [p["code"] for p in still_refused.json()["problems"]] == ["field_missing"]
    assert repaired.status_code == 201, repaired.json()
    [repair] = repaired.json()["repairs"]
    assert (repair["where"], repair["feature_id"]) == ("feature 2", "B2")
    assert repair["message"].startswith("đối tượng 2 (mã B2): hình học không hợp lệ: tự cắt")
    layer = Layer.objects.get(pk=repaired.json()["id"])
    assert layer.features.get(code="B2").area_km2 > 0
    page = client_for("demo-editor").get(f"/layers/{layer.pk}/").content.decode()
    assert "đối tượng 2 (mã B2)" in page
