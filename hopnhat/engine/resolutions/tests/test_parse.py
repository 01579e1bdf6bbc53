"""The parser on hand-written clauses, each showing one variation of the 34 texts."""

import datetime

from hopnhat.engine.resolutions import Constituent, parse_resolution

HEADER = """Số: 9999/NQ-UBTVQH15         *Hà Nội, ngày 16 tháng 6 năm 2025*

**Điều 1. Sắp xếp các đơn vị hành chính cấp xã của thành phố Hải Phòng**

Trên cơ sở Đề án …, Ủy ban Thường vụ Quốc hội quyết định như sau:

"""
FOOTER = """

**Điều 2. Hiệu lực thi hành**

1\\. Nghị quyết này có hiệu lực thi hành từ ngày được thông qua.
"""


def parse(*clauses: str):
    body = "\n\n".join(f"{n}\\. {text}" for n, text in enumerate(clauses, start=1))
    return parse_resolution(HEADER + body + FOOTER)


def test_the_header_gives_number_date_and_province():
    resolution = parse(
        "Sắp xếp toàn bộ diện tích tự nhiên, quy mô dân số của xã A thành xã mới có tên gọi là **xã A**."
    )
    assert resolution.number == "9999/NQ-UBTVQH15"
    assert resolution.signed_on == datetime.date(2025, 6, 16)
    assert resolution.province == "thành phố Hải Phòng"


def test_whole_and_part_constituents_with_their_types_carried_along_a_list():
    resolution = parse(
        "Sắp xếp toàn bộ diện tích tự nhiên, quy mô dân số của phường Dương\nQuan, phường "
        "Thủy Đường và một phần diện tích tự nhiên, quy mô dân số\nของ".replace("ของ", "của")
        + " các phường Hoa Động, An Lư,Thủy Hà thành phường mới có tên gọi là\n**phường Thủy Nguyên**."
    )
    (unit,) = resolution.units
    assert (unit.clause, unit.unit_type, unit.name) == (1, "phường", "Thủy Nguyên")
    assert [(c.unit_type, c.name, c.whole) for c in unit.constituents] == [
        ("phường", "Dương Quan", True),
        ("phường", "Thủy Đường", True),
        ("phường", "Hoa Động", False),
        ("phường", "An Lư", False),
        ("phường", "Thủy Hà", False),
    ]


def test_words_glued_by_the_conversion_are_separated():
    resolution = parse(
        "Sắp xếptoàn bộ diện tích tự nhiên, quy mô dân số củaxã Vĩnh Hưng vàxã Hùng Thắng"
        "(huyện Bình Giang), thị trấn Kẻ Sặtvà một phần diện tích tự nhiên của cácxã Trần "
        "Thành Ngọvà Văn Đẩu thành xã mới có tên gọi là**xã Kẻ Sặt**."
    )
    (unit,) = resolution.units
    assert [c.full_name for c in unit.constituents] == [
        "Xã Vĩnh Hưng", "Xã Hùng Thắng", "Thị trấn Kẻ Sặt", "Xã Trần Thành Ngọ", "Xã Văn Đẩu",
    ]  # fmt: skip
    assert unit.constituents[1].district == "huyện Bình Giang"
    assert unit.constituents[3].area_only


def test_a_bracket_closing_a_list_is_a_hint_for_the_names_before_it():
    resolution = parse(
        "Sắp xếp toàn bộ diện tích tự nhiên, quy mô dân số của xã Bình Xuyên và xã Hồng Phong "
        "(huyện Ninh Giang), xã Kiến Phúc thành xã mới có tên gọi là **xã Khúc Thừa Dụ**."
    )
    binh_xuyen, hong_phong, kien_phuc = resolution.units[0].constituents
    assert (binh_xuyen.district, binh_xuyen.district_hint) == (None, "huyện Ninh Giang")
    assert hong_phong.district == "huyện Ninh Giang"
    assert kien_phuc.district_hint is None


def test_remainders_name_the_clauses_that_took_the_other_parts():
    resolution = parse(
        "Sắp xếp toàn bộ diện tích tự nhiên, quy mô dân số của phường A và một phần diện tích "
        "tự nhiên, quy mô dân số của phường Gia Viên (quận Ngô Quyền) thành phường mới có tên gọi là **phường A**.",
        "Sắp xếp toàn bộ diện tích tự nhiên, quy mô dân số của phường B, một phần diện tích tự "
        "nhiên, quy mô dân số của phường Gia Viên thành phường mới có tên gọi là **phường B**.",
        "Sắp xếp toàn bộ diện tích tự nhiên, quy mô dân số của phường C, phần còn lại củaphường "
        "Gia Viên sau khi sắp xếp theo quy định tại khoản 1, khoản 2 Điều nàyvà phường D thành "
        "phường mới có tên gọi là **phường C**.",
    )
    gia_vien = resolution.units[2].constituents[1]
    assert gia_vien == Constituent(
        name="Gia Viên",
        unit_type="phường",
        whole=False,
        inferred_district="quận Ngô Quyền",
        remainder=True,
        remainder_of=(1, 2),
    )
    # The whole list the remainder interrupted goes on after "Điều này".
    assert resolution.units[2].constituents[2].full_name == "Phường D"
    assert resolution.units[2].constituents[2].whole
    assert resolution.warnings == ()


def test_a_remainder_of_a_clause_that_took_no_part_is_reported():
    resolution = parse(
        "Sắp xếp toàn bộ diện tích tự nhiên, quy mô dân số của xã A thành xã mới có tên gọi là **xã A**.",
        "Sắp xếp phần còn lại của xã A sau khi sắp xếp theo quy định tại khoản 1 Điều này thành "
        "xã mới có tên gọi là **xã B**.",
    )
    assert resolution.warnings == (
        "khoản 2: phần còn lại của Xã A refers to khoản [1], which take no part of it",
    )


def test_renames_island_districts_and_the_closing_clause():
    resolution = parse(
        "Đổi tên xã Krông Na thành **xã Buôn Đôn**.",
        "Sắp xếptoàn bộ diện tích tự nhiên, quy mô dân số của huyện Bạch Long\nVĩ thành đặc khu có tên gọi là**đặc khu Bạch Long Vĩ**.",
        "Sau khi sắp xếp, tỉnh X có 04 đơn vị hành chính cấp xã, gồm 03 xã và 01 đặc khu; "
        "trong đó có 01 xã, 01 đặc khu hình thành sau sắp xếp quy định tại Điều này và 02 xã "
        "không thực hiện sắp xếp là xã Tam Hải và xã Tân Hiệp (huyện Y). **",
    )
    rename, island = resolution.units
    assert rename.renamed
    assert rename.constituents[0].full_name == "Xã Krông Na"
    assert (island.full_name, island.constituents[0].full_name) == (
        "Đặc khu Bạch Long Vĩ",
        "Huyện Bạch Long Vĩ",
    )
    assert [unit.full_name for unit in resolution.unchanged] == ["Xã Tam Hải", "Xã Tân Hiệp"]
    assert resolution.unchanged[1].constituents[0].district == "huyện Y"
    assert resolution.declared_total == 4
    assert resolution.declared_by_type == {"xã": 3, "đặc khu": 1}
    assert len(resolution.all_units) == 4
