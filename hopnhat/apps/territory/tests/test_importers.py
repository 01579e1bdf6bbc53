from hopnhat.apps.territory import importers
from hopnhat.apps.territory.importers import parse_resolution, split_coded, split_type

RESOLUTION = """**Điều 1. Sắp xếp các đơn vị hành chính cấp xã của thành phố Hải Phòng**

1\\. Sắp xếp toàn bộ diện tích tự nhiên của xã A, xã B thành xã mới có tên gọi là
**xã Cẩm
Giang**.

2.Sắp xếp toàn bộ diện tích tự nhiên của xã C thành xã mới có tên gọi là**xã Cẩm Giàng**.

3\\. Sau khi sắp xếp, thành phố có 2 xã và 1 xã không thực hiện sắp xếp là xã Hoà Lạc.

**Điều 2. Hiệu lực thi hành**
"""


def test_the_clause_is_found_by_the_new_name_with_its_diacritics():
    resolution = parse_resolution(1669, RESOLUTION)
    assert resolution.clause_naming("Xã Cẩm Giang") == 1
    assert resolution.clause_naming("Xã Cẩm Giàng") == 2
    assert resolution.clause_naming("Xã Hòa Lạc") == 3  # left as it was, old-style tone mark
    assert resolution.clause_naming("Xã Nowhere") is None


def test_names_and_codes_are_split_from_the_nso_cells():
    assert split_coded("Thị Xã Kinh Môn (292) ") == ("Thị Xã Kinh Môn", "292")
    assert split_type("Thị Xã Kinh Môn") == ("thi_xa", "Kinh Môn")
    assert importers.normalised_full_name("Thị Xã Kinh Môn") == "Thị xã Kinh Môn"


def test_the_nso_table_is_read_with_its_defects_corrected():
    table = importers.read_nso_table()
    assert len({row.new_code for row in table.rows}) == 3321
    assert len({row.new_province_code for row in table.rows}) == 34
    assert len({row.old_province_code for row in table.rows}) == 63
    assert any("Đặng Xá 00553 -> 00556" in fix for fix in table.corrections)
    names = {}
    for row in table.rows:
        if row.old_code:
            assert names.setdefault(row.old_code, row.old_district_code) == row.old_district_code


def test_every_resolution_names_almost_every_new_unit():
    resolutions = importers.read_resolutions()
    rows = importers.read_csv(importers.NEW_ATTRIBUTES)
    missing = [
        r["new_name"]
        for r in rows
        if resolutions[r["province_code"]].clause_naming(r["new_name"]) is None
    ]
    assert len(missing) <= 3, missing
