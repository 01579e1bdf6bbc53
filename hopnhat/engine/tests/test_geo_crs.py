from __future__ import annotations

import pytest
from pyproj import CRS, Transformer
from pyproj.transformer import TransformerGroup
from shapely.geometry import Point

from hopnhat.engine.geo import (
    TM3_CENTRAL_MERIDIANS,
    GeoFormatError,
    choose_crs,
    parse_crs,
    province_tm3_crs,
    tm3_central_meridian,
    to_wgs84,
    vn2000_tm3_crs,
)
from hopnhat.engine.geo.vn2000 import VN2000_HELMERT_QD05_2007
from hopnhat.engine.tests.geo_builders import HAI_PHONG, collection, square

ESRI_PRJ_HAI_PHONG = (
    'PROJCS["VN_2000_TM3_Hai_Phong",GEOGCS["GCS_VN_2000",DATUM["D_Vietnam_2000",'
    'SPHEROID["WGS_1984",6378137.0,298.257223563]],PRIMEM["Greenwich",0.0],'
    'UNIT["Degree",0.0174532925199433]],PROJECTION["Transverse_Mercator"],'
    'PARAMETER["False_Easting",500000.0],PARAMETER["False_Northing",0.0],'
    'PARAMETER["Central_Meridian",105.75],PARAMETER["Scale_Factor",0.9999],'
    'PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]'
)
# What some land-office exports write: the TM-3 projection over a datum labelled WGS 84.
MISLABELLED_PRJ = (
    ESRI_PRJ_HAI_PHONG.replace("GCS_VN_2000", "GCS_WGS_1984")
    .replace("D_Vietnam_2000", "D_WGS_1984")
    .replace("VN_2000_TM3_Hai_Phong", "VN2000_TM3_105_15")
    .replace("105.75", "105.25")
)


def test_epsg_4756_has_no_towgs84_but_proj_knows_the_qd05_2007_helmert_shift():
    vn2000 = CRS.from_epsg(4756)
    best = TransformerGroup(vn2000, 4326, always_xy=True).transformers[0]
    used = Transformer.from_crs(vn2000, 4326, always_xy=True)

    assert "TOWGS84" not in vn2000.to_wkt("WKT1_GDAL")
    assert "VN-2000 to WGS 84 (2)" in best.description
    dx, dy, dz, *_ = VN2000_HELMERT_QD05_2007
    assert f"x={dx} y={dy} z={dz}" in best.definition
    assert "convention=coordinate_frame" in best.definition
    assert used.transform(*HAI_PHONG) == best.transform(*HAI_PHONG)


def test_the_popular_towgs84_string_lands_under_a_metre_from_epsg_because_of_its_rotation_signs():
    towgs84 = ",".join(str(v) for v in VN2000_HELMERT_QD05_2007)
    proj4 = CRS.from_proj4(f"+proj=longlat +ellps=WGS84 +towgs84={towgs84} +no_defs")
    epsg = Transformer.from_crs(4756, 4326, always_xy=True).transform(*HAI_PHONG)
    popular = Transformer.from_crs(proj4, 4326, always_xy=True).transform(*HAI_PHONG)
    to_metres = Transformer.from_crs(4326, 9210, always_xy=True)

    (x1, y1), (x2, y2) = to_metres.transform(*epsg), to_metres.transform(*popular)

    assert 0.5 < ((x1 - x2) ** 2 + (y1 - y2) ** 2) ** 0.5 < 1.0


def test_vn2000_tm3_uses_the_epsg_crs_when_one_exists_and_builds_one_otherwise():
    assert vn2000_tm3_crs(105 + 45 / 60).to_epsg() == 9210
    assert province_tm3_crs("31").to_epsg() == 9210  # Hải Phòng 105°45'
    assert province_tm3_crs("30").to_epsg() == 9209  # Hải Dương 105°30'
    assert province_tm3_crs("01").to_epsg() == 5897  # Hà Nội 105°00'
    assert province_tm3_crs("48").to_epsg() == 5899  # Đà Nẵng 107°45'
    custom = vn2000_tm3_crs(105.25)
    assert custom.name == "VN-2000 / TM-3 105-15"
    assert tm3_central_meridian(custom) == 105.25
    assert len(TM3_CENTRAL_MERIDIANS) == 63


def test_a_custom_meridian_still_gets_the_vn2000_datum_shift():
    to_custom = Transformer.from_crs(4326, vn2000_tm3_crs(105.75 + 1e-9), always_xy=True)
    to_epsg = Transformer.from_crs(4326, 9210, always_xy=True)

    assert to_custom.transform(*HAI_PHONG) == pytest.approx(to_epsg.transform(*HAI_PHONG), abs=1e-3)


def test_esri_and_mislabelled_prj_files_are_recognised_as_vn2000_tm3():
    assert parse_crs(ESRI_PRJ_HAI_PHONG).to_epsg() == 9210
    recognised = parse_crs(MISLABELLED_PRJ)
    assert recognised.name == "VN-2000 / TM-3 105-15"
    assert recognised.geodetic_crs.datum.name == "Vietnam 2000"


def test_a_plain_wgs84_transverse_mercator_is_left_alone():
    utm = CRS.from_epsg(32648)

    assert tm3_central_meridian(utm) is None
    assert parse_crs("EPSG:32648") == utm


def test_degrees_without_a_crs_are_taken_as_wgs84():
    choice = choose_crs(collection(({"code": "1"}, square(*HAI_PHONG, 1)), crs=None))

    assert choice.crs.to_epsg() == 4326
    assert choice.origin.startswith("assumed")


def test_vietnamese_metres_without_a_crs_are_refused_with_a_request_for_it():
    tm3 = Point(588_260, 2_306_581).buffer(100)

    with pytest.raises(GeoFormatError, match=r"we will not guess.*EPSG:9210"):
        choose_crs(collection(({"code": "1"}, tm3), crs=None))


def test_metres_declared_as_degrees_are_refused():
    with pytest.raises(GeoFormatError, match="look like metres"):
        choose_crs(collection(({"code": "1"}, Point(588_260, 2_306_581).buffer(10))))


def test_an_override_wins_over_the_file_and_is_reported():
    tm3 = Transformer.from_crs(4326, 9210, always_xy=True)
    x, y = tm3.transform(*HAI_PHONG)

    located = to_wgs84(collection(({"code": "1"}, Point(x, y)), crs=None), override="EPSG:9210")

    assert located.features[0].geometry.x == pytest.approx(HAI_PHONG[0], abs=1e-8)
    assert located.features[0].geometry.y == pytest.approx(HAI_PHONG[1], abs=1e-8)
    assert located.notes == ("source CRS: VN-2000 / TM-3 105-45 (given by the user)",)
