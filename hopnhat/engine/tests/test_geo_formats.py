from __future__ import annotations

import io
import sqlite3
import struct
import unicodedata
import zipfile

import pytest
import shapefile
from shapely.geometry import MultiPolygon, Point, Polygon

from hopnhat.engine.geo import (
    WGS84,
    GeoFormatError,
    detect_format,
    read_features,
    vn2000_tm3_crs,
    write_features,
)
from hopnhat.engine.geo.formats.geopackage import gpkg_blob, parse_gpkg_blob
from hopnhat.engine.tests.geo_builders import HAI_PHONG, collection, square

# Two communes near Hải Phòng: one with a hole (a lake), one in two parts (an islet).
LAKE = Polygon(
    square(*HAI_PHONG, 4).exterior.coords,
    [square(*HAI_PHONG, 1).exterior.coords[::-1]],
)
ISLANDS = MultiPolygon([square(106.7, 20.8, 2), square(106.75, 20.8, 1)])


def two_communes() -> object:
    return collection(
        ({"code": "11311", "name": "Phường Hồng Bàng", "population": 12345, "area": 3.25}, LAKE),
        ({"code": "11683", "name": "Xã Cát Hải", "population": 678, "area": 5.5}, ISLANDS),
    )


@pytest.mark.parametrize("file_format", ["geojson", "shapefile", "geopackage", "csv"])
def test_each_format_reads_back_what_it_wrote(file_format):
    written = write_features(two_communes(), file_format=file_format)

    back = read_features(written, file_format=file_format)

    assert detect_format(f"units.{file_format}", written) == file_format
    assert [f.properties["name"] for f in back.features] == ["Phường Hồng Bàng", "Xã Cát Hải"]
    assert [str(f.properties["code"]) for f in back.features] == ["11311", "11683"]
    # Shapefiles wind rings their own way: compare normalised rings, exactly.
    assert back.features[0].geometry.normalize().equals_exact(LAKE.normalize(), 1e-12)
    assert back.features[1].geometry.normalize().equals_exact(ISLANDS.normalize(), 1e-12)
    if file_format != "csv":  # CSV cells are text; the others keep numbers
        assert back.features[0].properties["population"] == 12345
        assert back.features[1].properties["area"] == pytest.approx(5.5)


def test_shapefile_zip_carries_prj_and_utf8_cpg():
    written = write_features(two_communes(), file_format="shapefile", layer_name="xa")

    names = zipfile.ZipFile(io.BytesIO(written)).namelist()
    archive = zipfile.ZipFile(io.BytesIO(written))

    assert sorted(names) == ["xa.cpg", "xa.dbf", "xa.prj", "xa.shp", "xa.shx"]
    assert archive.read("xa.cpg") == b"UTF-8"
    assert archive.read("xa.prj").startswith(b'GEOGCS["GCS_WGS_1984"')
    assert read_features(written, file_format="shapefile").crs == WGS84


def test_shapefile_in_tm3_gets_the_vn2000_prj_and_comes_back_in_it():
    tm3 = vn2000_tm3_crs(105.75)
    written = write_features(two_communes(), file_format="shapefile", crs=tm3)

    back = read_features(written, file_format="shapefile")

    assert back.crs == tm3
    assert back.crs.to_epsg() == 9210
    assert 580_000 < back.features[0].geometry.centroid.x < 600_000


def to_cp1258(text: str) -> str:
    """The spelling cp1258 can encode: precomposed â/ê/ô/ơ/ư/ă plus combining tone marks."""
    tones = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}
    result = []
    for char in text:
        decomposed = unicodedata.normalize("NFD", char)
        base = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in tones))
        result.append(base + "".join(c for c in decomposed if c in tones))
    return "".join(result)


def _zip_shapefile(records: list[str], *, encoding: str, cpg: bytes | None) -> bytes:
    shp, shx, dbf = io.BytesIO(), io.BytesIO(), io.BytesIO()
    writer = shapefile.Writer(
        shp=shp, shx=shx, dbf=dbf, shapeType=shapefile.POLYGON, encoding=encoding
    )
    writer.field("TEN", "C", size=50)
    for name in records:
        writer.shape(square(*HAI_PHONG, 1).__geo_interface__)
        writer.record(to_cp1258(name) if encoding == "cp1258" else name)
    writer.close()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("data/xa.shp", shp.getvalue())
        archive.writestr("data/xa.shx", shx.getvalue())
        archive.writestr("data/xa.dbf", dbf.getvalue())
        if cpg is not None:
            archive.writestr("data/xa.cpg", cpg)
    return buffer.getvalue()


def test_a_dbf_in_windows_vietnamese_without_cpg_is_decoded_as_cp1258_and_normalised():
    data = _zip_shapefile(["Xã Tân Tiến"], encoding="cp1258", cpg=None)

    back = read_features(data, file_format="shapefile")

    assert back.features[0].properties["TEN"] == "Xã Tân Tiến"  # NFC, as typed
    assert back.notes == ("attribute text decoded as cp1258",)


def test_a_utf8_dbf_without_cpg_is_decoded_as_utf8():
    data = _zip_shapefile(["Xã Đồng Thái"], encoding="utf-8", cpg=None)

    back = read_features(data, file_format="shapefile")

    assert back.features[0].properties["TEN"] == "Xã Đồng Thái"
    assert back.notes == ("attribute text decoded as utf-8",)


def test_a_dbf_is_decoded_with_the_encoding_its_cpg_names():
    data = _zip_shapefile(["Phường Lê Chân"], encoding="cp1258", cpg=b"ANSI 1258")

    back = read_features(data, file_format="shapefile")

    assert back.features[0].properties["TEN"] == "Phường Lê Chân"
    assert back.notes == ()


def test_a_zip_with_two_shapefiles_needs_a_layer_name():
    first = zipfile.ZipFile(io.BytesIO(_zip_shapefile(["A"], encoding="utf-8", cpg=None)))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in first.namelist():
            archive.writestr(name, first.read(name))
            archive.writestr(name.replace("xa.", "huyen."), first.read(name))

    with pytest.raises(GeoFormatError, match="several Shapefiles"):
        read_features(buffer.getvalue(), file_format="shapefile")
    chosen = read_features(buffer.getvalue(), file_format="shapefile", layer="huyen")
    assert len(chosen) == 1


def test_long_and_vietnamese_property_names_become_unique_dbf_names():
    names = {"population_2019": 1, "population_2024": 2, "dân_số": 3, "mã": "x"}
    data = collection((names, square(*HAI_PHONG, 1)))

    back = read_features(write_features(data, file_format="shapefile"), file_format="shapefile")

    assert back.fields == ("population", "populatio1", "dan_so", "ma")
    assert back.features[0].properties["populatio1"] == 2


def test_geopackage_has_the_tables_and_header_qgis_and_gdal_expect(tmp_path):
    written = write_features(
        two_communes(), file_format="geopackage", layer_name="xa", crs=vn2000_tm3_crs(105.75)
    )
    path = tmp_path / "xa.gpkg"
    path.write_bytes(written)
    conn = sqlite3.connect(path)

    assert conn.execute("PRAGMA application_id").fetchone() == (0x47504B47,)
    assert conn.execute("PRAGMA user_version").fetchone() == (10400,)
    assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert conn.execute("SELECT table_name, data_type, srs_id FROM gpkg_contents").fetchall() == [
        ("xa", "features", 9210)
    ]
    assert conn.execute("SELECT * FROM gpkg_geometry_columns").fetchall() == [
        ("xa", "geom", "MULTIPOLYGON", 9210, 0, 0)
    ]
    srs = conn.execute(
        "SELECT srs_id, organization, organization_coordsys_id FROM gpkg_spatial_ref_sys ORDER BY srs_id"
    ).fetchall()
    assert srs == [(-1, "NONE", -1), (0, "NONE", 0), (4326, "EPSG", 4326), (9210, "EPSG", 9210)]
    blob = conn.execute("SELECT geom FROM xa WHERE fid = 1").fetchone()[0]
    magic, version, flags, srs_id = struct.unpack("<2sBBi", blob[:8])
    assert (magic, version, flags, srs_id) == (b"GP", 0, 0b11, 9210)
    assert read_features(written, file_format="geopackage").crs.to_epsg() == 9210


def test_geopackage_blobs_round_trip_including_empty_and_big_endian_envelopes():
    polygon = square(*HAI_PHONG, 1)

    assert parse_gpkg_blob(gpkg_blob(polygon, 4326)).equals(polygon)
    assert parse_gpkg_blob(gpkg_blob(Polygon(), 4326)).is_empty
    # A big-endian header with an XYZ envelope, as other writers may produce.
    big = struct.pack(">2sBBi6d", b"GP", 0, 0b0100, 4326, 0, 1, 0, 1, 0, 0) + polygon.wkb
    assert parse_gpkg_blob(big).equals(polygon)


def test_a_geopackage_with_a_custom_tm3_meridian_stores_its_definition():
    tm3 = vn2000_tm3_crs(105.25)  # a meridian EPSG does not define
    written = write_features(two_communes(), file_format="geopackage", crs=tm3)

    back = read_features(written, file_format="geopackage")

    assert back.crs.name == "VN-2000 / TM-3 105-15"
    assert back.features[0].geometry.centroid.x > 600_000


def test_geojson_legacy_crs_member_is_read():
    data = b"""{"type": "FeatureCollection",
      "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::3405"}},
      "features": [{"type": "Feature", "id": 7, "properties": {"code": "1"},
                    "geometry": {"type": "Point", "coordinates": [600000, 2300000]}}]}"""

    back = read_features(data, file_format="geojson")

    assert back.crs.to_epsg() == 3405
    assert back.crs_origin == "GeoJSON crs member"
    assert back.features[0].id == "7"


def test_csv_with_lon_lat_semicolons_and_decimal_commas():
    data = "Mã;Tên;Kinh độ;Vĩ độ\r\n001;UBND Hồng Bàng;106,68;20,86\r\n".encode()

    back = read_features(
        data, file_format="csv", lon_column="kinh độ", lat_column="VĨ ĐỘ", id_field="Mã"
    )

    assert back.features[0].geometry.equals(Point(106.68, 20.86))
    assert back.features[0].properties == {"Mã": "001", "Tên": "UBND Hồng Bàng"}
    assert back.features[0].id == "001"
    assert back.features[0].where == "CSV line 2"


def test_csv_geometry_columns_are_found_by_their_common_names():
    wkt = b'code,name,WKT\r\n1,A,"POINT (106 21)"\r\n'
    lonlat = b"code,lng,latitude\r\n1,106,21\r\n"

    assert read_features(wkt, file_format="csv").features[0].geometry.equals(Point(106, 21))
    assert read_features(lonlat, file_format="csv").features[0].geometry.equals(Point(106, 21))


def test_csv_rows_with_bad_wkt_are_all_reported_with_their_line():
    data = b'code,wkt\r\n1,"POINT (106 21)"\r\n2,"POLYGON ((1 2"\r\n3,banana\r\n'

    with pytest.raises(GeoFormatError) as caught:
        read_features(data, file_format="csv")

    assert [(p.where, p.field) for p in caught.value.problems] == [
        ("CSV line 3", "wkt"),
        ("CSV line 4", "wkt"),
    ]


def test_csv_without_geometry_columns_says_which_names_it_looked_for():
    with pytest.raises(GeoFormatError, match=r"no geometry.*'code', 'name'"):
        read_features(b"code,name\r\n1,A\r\n", file_format="csv")


def test_unknown_formats_are_refused_with_the_list_of_formats():
    with pytest.raises(GeoFormatError, match="zipped Shapefile"):
        detect_format("units.xlsx", b"\x00\x01")
