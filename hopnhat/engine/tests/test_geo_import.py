from __future__ import annotations

import io
import zipfile

import pytest
import shapefile
import shapely
from pyproj import Transformer
from shapely.geometry import Point, Polygon, mapping

from hopnhat.engine.geo import (
    FieldRule,
    Schema,
    geodesic_area_m2,
    import_features,
)
from hopnhat.engine.geo.crs import reproject_geometry
from hopnhat.engine.tests.geo_builders import (
    HAI_PHONG,
    geojson_bytes,
    geojson_feature,
    real_communes,
    square,
)
from hopnhat.engine.tests.test_geo_crs import ESRI_PRJ_HAI_PHONG

TO_TM3_HAI_PHONG = Transformer.from_crs(4326, 9210, always_xy=True)  # VN-2000 / TM-3 105°45'
BOW_TIE = [[[106.60, 20.80], [106.62, 20.82], [106.62, 20.80], [106.60, 20.82], [106.60, 20.80]]]
SQUARE = [[[106.70, 20.80], [106.71, 20.80], [106.71, 20.81], [106.70, 20.81], [106.70, 20.80]]]


def land_office_shapefile(units: list[tuple[str, Polygon]], *, prj: str | None) -> bytes:
    """A zipped Shapefile as a land office sends it: TM-3 metres, cp1258 names, ESRI .prj.

    Projected with pyproj directly (not the engine's writer) so the test does not check the
    engine against itself.
    """
    shp, shx, dbf = io.BytesIO(), io.BytesIO(), io.BytesIO()
    writer = shapefile.Writer(shp=shp, shx=shx, dbf=dbf, shapeType=shapefile.POLYGON)
    writer.field("code", "C", size=10)
    writer.field("name", "C", size=40)
    for code, polygon in units:
        writer.shape(mapping(reproject_geometry(polygon, TO_TM3_HAI_PHONG)))
        writer.record(code, f"Xã {code}")
    writer.close()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for ext, stream in (("shp", shp), ("shx", shx), ("dbf", dbf)):
            archive.writestr(f"thua_dat.{ext}", stream.getvalue())
        if prj is not None:
            archive.writestr("thua_dat.prj", prj)
    return buffer.getvalue()


def test_a_vn2000_tm3_shapefile_imports_with_areas_within_half_a_percent_of_geodesic():
    """Acceptance: three ~5 km squares around Hải Phòng, sent in VN-2000 / TM-3 105°45'."""
    originals = [
        (f"{i}", shapely.segmentize(square(HAI_PHONG[0] + dx, HAI_PHONG[1] + dy, 5), 0.002))
        for i, (dx, dy) in enumerate([(0, 0), (0.3, -0.1), (-0.4, 0.2)])
    ]

    result = import_features(
        land_office_shapefile(originals, prj=ESRI_PRJ_HAI_PHONG), filename="thua_dat.zip"
    )

    assert result.ok, result.errors
    assert result.notes[-1] == "source CRS: VN-2000 / TM-3 105-45 (.prj file)"
    for (_code, original), feature in zip(originals, result.collection.features, strict=True):
        assert geodesic_area_m2(feature.geometry) == pytest.approx(
            geodesic_area_m2(original), rel=0.005
        )
        # The datum shift went both ways through the same transformation: same place.
        assert feature.geometry.centroid.distance(original.centroid) < 1e-7


def test_real_hai_phong_communes_in_vn2000_tm3_keep_their_geodesic_areas():
    communes = real_communes(12)

    result = import_features(land_office_shapefile(communes, prj=ESRI_PRJ_HAI_PHONG))

    assert result.ok, result.errors
    for (code, original), feature in zip(communes, result.collection.features, strict=True):
        assert feature.properties["code"] == code
        assert geodesic_area_m2(feature.geometry) == pytest.approx(
            geodesic_area_m2(original), rel=0.005
        )


def test_a_tm3_shapefile_without_prj_is_refused_until_the_crs_is_given():
    data = land_office_shapefile([("1", square(*HAI_PHONG, 5))], prj=None)

    refused = import_features(data)
    accepted = import_features(data, crs="EPSG:9210")

    assert refused.collection is None
    assert [p.code for p in refused.errors] == ["unreadable"]
    assert "we will not guess" in refused.errors[0].message
    assert accepted.ok
    assert accepted.collection.features[0].geometry.centroid.distance(Point(HAI_PHONG)) < 1e-6


def test_a_geojson_with_a_bow_tie_and_a_missing_code_is_refused_naming_feature_and_field():
    """Acceptance: nothing comes back to store, and each message says where and what."""
    data = geojson_bytes(
        geojson_feature({"code": "10507", "name": "Phường Cẩm Thượng"}, BOW_TIE),
        geojson_feature({"name": "Phường Bình Hàn"}, SQUARE),
    )

    result = import_features(data, filename="units.geojson")

    assert result.collection is None
    assert [(p.where, p.feature_id, p.field, p.code) for p in result.errors] == [
        ("feature 1", "10507", "geometry", "geometry_invalid"),
        ("feature 2", None, "code", "field_missing"),
    ]
    assert [p.message for p in result.errors] == [
        "feature 1 (id 10507): geometry is invalid: Self-intersection at lon 106.610000, "
        "lat 20.810000",
        "feature 2: required field 'code' is missing",
    ]


def test_in_repair_mode_the_bow_tie_is_repaired_and_reported_but_a_missing_code_still_refuses():
    bow_tie_only = geojson_bytes(geojson_feature({"code": "10507", "name": "A"}, BOW_TIE))
    both = geojson_bytes(
        geojson_feature({"code": "10507", "name": "A"}, BOW_TIE),
        geojson_feature({"name": "B"}, SQUARE),
    )

    repaired = import_features(bow_tie_only, policy="repair")
    still_refused = import_features(both, policy="repair")

    assert repaired.ok
    geometry = repaired.collection.features[0].geometry
    assert geometry.geom_type == "MultiPolygon"
    assert geometry.is_valid
    assert len(geometry.geoms) == 2
    assert [r.message for r in repaired.repairs] == [
        "feature 1 (id 10507): geometry was invalid: Self-intersection at lon 106.610000, "
        "lat 20.810000; made valid: now a MultiPolygon of 2 parts"
    ]
    assert [p.code for p in still_refused.errors] == ["field_missing"]
    assert still_refused.collection is None


@pytest.mark.parametrize(
    ("properties", "geometry", "expected"),
    [
        (
            {"code": "1", "name": "A"},
            {"type": "Point", "coordinates": [106.6, 20.8]},
            "geometry_type",
        ),
        ({"code": "1", "name": "A"}, {"type": "Polygon", "coordinates": []}, "geometry_empty"),
        ({"code": "1", "name": "A"}, None, "geometry_missing"),
        (
            {"code": "1", "name": "A"},
            {"type": "Polygon", "coordinates": [[[2, 48], [3, 48], [3, 49], [2, 48]]]},
            "geometry_outside",
        ),
        ({"code": " ", "name": "A"}, {"type": "Polygon", "coordinates": SQUARE}, "field_empty"),
        ({"code": 1, "name": "A"}, {"type": "Polygon", "coordinates": SQUARE}, "field_type"),
    ],
)
def test_each_feature_problem_has_its_code(properties, geometry, expected):
    data = geojson_bytes({"type": "Feature", "properties": properties, "geometry": geometry})

    result = import_features(data)

    assert [p.code for p in result.errors] == [expected]
    assert result.errors[0].where == "feature 1"


def test_a_code_stored_as_a_number_is_refused_with_the_reason():
    data = geojson_bytes(geojson_feature({"code": 1, "name": "Phúc Xá"}, SQUARE))

    [error] = import_features(data).errors

    assert error.message == (
        "feature 1 (id 1): field 'code' should be text, not 1; "
        "store codes as text to keep leading zeros"
    )


def test_duplicate_codes_name_both_features():
    data = geojson_bytes(
        geojson_feature({"code": "11311", "name": "A"}, SQUARE),
        geojson_feature({"code": "11311", "name": "B"}, SQUARE),
    )

    [error] = import_features(data).errors

    assert (
        error.message == "feature 2 (id 11311): field 'code' = '11311' repeats feature 1 (id 11311)"
    )


def test_a_schema_coerces_csv_text_to_numbers_and_names_the_csv_line():
    schema = Schema(fields=(FieldRule("code"), FieldRule("population", "int")))
    data = b'code,population,wkt\r\n11311,"12345","POINT (106.6 20.8)"\r\n11683,many,"POINT (106.7 20.8)"\r\n'

    result = import_features(data, filename="x.csv", schema=Schema(schema.fields, ("Point",)))

    assert [p.message for p in result.errors] == [
        "CSV line 3 (id 11683): field 'population' should be a whole number, not 'many'"
    ]
    fixed = data.replace(b"many", b"678")
    accepted = import_features(fixed, filename="x.csv", schema=Schema(schema.fields, ("Point",)))
    assert [f.properties["population"] for f in accepted.collection.features] == [12345, 678]


def test_an_unreadable_file_is_an_error_not_an_exception():
    result = import_features(b"{not json", filename="units.geojson")

    assert result.collection is None
    assert result.errors[0].code == "unreadable"
