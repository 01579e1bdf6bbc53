"""Conversion on the hand-drawn gazetteer of builders.py (the two Xã Hòa Bình)."""

from __future__ import annotations

import pytest

from hopnhat.engine.address import (
    AMBIGUOUS,
    CONVERTED,
    INVALID,
    NOT_FOUND,
    UNCHANGED,
    SubUnit,
    convert,
)
from hopnhat.engine.address.tests.builders import hai_phong


@pytest.fixture(scope="module")
def index():
    return hai_phong()


def codes(result) -> set[str]:
    return {c.code for c in result.candidates}


def test_the_new_user_example_gives_phuong_hai_duong_with_its_legal_basis(index):
    result = convert("so 5 le loi, p. tran hung dao, tp hai duong", index)
    assert result.status == CONVERTED
    assert (result.new_ward_code, result.new_ward_name) == ("10525", "Phường Hải Dương")
    assert result.new_address == "so 5 le loi, phường Hải Dương, thành phố Hải Phòng"
    assert result.legal_basis == "1669/NQ-UBTVQH15, khoản 25 Điều 1"
    assert (result.old_ward_code, result.old_district_code, result.old_province_code) == (
        "10525",
        "288",
        "30",
    )


def test_hoa_binh_of_kim_thanh_is_divided_and_stays_ambiguous_without_evidence(index):
    result = convert("Xã Hòa Bình, Huyện Kim Thành, Tỉnh Hải Dương", index)
    assert result.status == AMBIGUOUS
    assert codes(result) == {"10804", "10843"}
    assert result.new_ward_code == ""
    assert "khoản 112 Điều 1" in result.legal_basis
    assert "khoản 79 Điều 1" in result.legal_basis
    assert {c.wording for c in result.candidates} == {
        "Nhập một phần diện tích, toàn bộ dân số",
        "Nhập một phần diện tích",
    }


def test_hoa_binh_of_vinh_bao_goes_whole_to_nguyen_binh_khiem(index):
    result = convert("XA HOA BINH, H. VINH BAO, TP HAI PHONG", index)
    assert result.status == CONVERTED
    assert result.new_ward_code == "11911"
    assert result.new_address == "xã Nguyễn Bỉnh Khiêm, thành phố Hải Phòng"


def test_hoa_binh_without_district_in_hai_phongs_scope_lists_both_communes_candidates(index):
    result = convert("Xã Hòa Bình, Hải Phòng", index)
    assert result.status == AMBIGUOUS
    assert codes(result) == {"10804", "10843", "11911"}
    assert "Huyện Kim Thành" in result.reason
    assert "Huyện Vĩnh Bảo" in result.reason


def test_a_point_inside_one_candidates_polygon_resolves_the_divided_commune(index):
    result = convert("Xã Hòa Bình, Huyện Kim Thành, Tỉnh Hải Dương", index, point=(1.5, 0.5))
    assert result.status == CONVERTED
    assert (result.new_ward_code, result.resolved_by) == ("10843", "point")


def test_a_point_outside_every_candidate_leaves_it_ambiguous(index):
    result = convert("Xã Hòa Bình, Huyện Kim Thành, Tỉnh Hải Dương", index, point=(5.0, 5.0))
    assert result.status == AMBIGUOUS
    assert codes(result) == {"10804", "10843"}


def test_a_sub_unit_row_resolves_the_divided_commune_from_the_hamlet():
    index = hai_phong(
        sub_units=[
            SubUnit("o10798", "Thôn Đông", "n10804"),
            SubUnit("o10798", "Thôn Tây", "n10843"),
        ]
    )
    result = convert("thôn Tây, xã Hòa Bình, huyện Kim Thành, tỉnh Hải Dương", index)
    assert (result.status, result.new_ward_code, result.resolved_by) == (
        CONVERTED,
        "10843",
        "sub_unit",
    )
    assert result.street == "thôn Tây"
    assert result.new_address == "thôn Tây, xã Hà Nam, thành phố Hải Phòng"


@pytest.mark.parametrize(
    "address",
    [
        "P.4, Q.3, TP HCM",
        "Phường 04, Quận 3, Thành phố Hồ Chí Minh",
        "F4 Q3 HCM",
        "p4, q.3, tp.hcm",
    ],
)
def test_numbered_wards_are_read_in_every_usual_spelling(index, address):
    result = convert(address, index)
    assert result.status == AMBIGUOUS
    assert codes(result) == {"27154", "27139"}


@pytest.mark.parametrize(
    "address",
    [
        "Phường Trần Hưng Đạo, Thành phố Hải Dương, Tỉnh Hải Dương",
        "PHƯỜNG TRẦN HƯNG ĐẠO, TP. HẢI DƯƠNG, HẢI DƯƠNG",
        "phuong tran hung dao,, tp hai duong,, hai duong, Việt Nam",
        "12 Nguyễn Trãi Phường Trần Hưng Đạo Thành phố Hải Dương Hải Dương",
        "P Tran Hung Dao, Hai Duong",  # no district: unique in its province
        "phường Trần Hưng Đạo, tp Hải Dươgn, tỉnh Hải Dương",  # a typo
        "Phuong Tran Hung Dau, TP Hai Duong",  # another typo
    ],
)
def test_variants_of_one_address_all_convert_to_the_same_ward(index, address):
    result = convert(address, index)
    assert (result.status, result.new_ward_code) == (CONVERTED, "10525"), result.reason


def test_the_street_part_is_kept_as_typed(index):
    result = convert("Số 12 ngõ 4 Lê Lợi, P. Cẩm Thượng, TP Hải Dương", index)
    assert result.street == "Số 12 ngõ 4 Lê Lợi"
    assert result.new_address == "Số 12 ngõ 4 Lê Lợi, phường Hải Dương, thành phố Hải Phòng"


def test_an_address_already_in_the_new_units_is_unchanged(index):
    result = convert("Phường Hải Dương, Thành phố Hải Phòng", index)
    assert (result.status, result.new_ward_code) == (UNCHANGED, "10525")


def test_a_communeless_district_converts_to_its_special_zone(index):
    result = convert("Huyện Bạch Long Vĩ, Hải Phòng", index)
    assert (result.status, result.new_ward_code) == (CONVERTED, "11948")
    assert result.new_address == "đặc khu Bạch Long Vĩ, thành phố Hải Phòng"


def test_an_impossible_combination_is_invalid_with_its_reason(index):
    result = convert("Xã Hòa Bình, Thành phố Hải Dương, Tỉnh Hải Dương", index)
    assert result.status == INVALID
    assert result.reason == "Xã Hòa Bình không thuộc Thành phố Hải Dương."


def test_a_district_of_another_province_is_invalid(index):
    result = convert("Xã Hòa Bình, Huyện Kim Thành, Thành phố Hồ Chí Minh", index)
    assert result.status == INVALID
    assert "Huyện Kim Thành không thuộc Thành phố Hồ Chí Minh" in result.reason


@pytest.mark.parametrize(
    "address",
    [
        "Xã Quỳnh Bảo Tây, Huyện Kim Thành, Tỉnh Hải Dương",
        "Xa Foo, Huyen Bar, Tinh Baz",
        "Quận Kim Thành",
    ],
)
def test_made_up_or_incomplete_addresses_are_not_found(index, address):
    assert convert(address, index).status == NOT_FOUND


def test_an_empty_address_is_invalid(index):
    assert convert("  ", index).status == INVALID


def test_a_district_type_word_never_names_a_commune(index):
    # "Quận Bàn Cờ" is not Phường Bàn Cờ: the type word names another level.
    assert convert("Quận Bàn Cờ, Thành phố Hồ Chí Minh", index).status == NOT_FOUND


@pytest.mark.parametrize(
    "address",
    [
        "so 5 le loi, p. tran hung dao, tp hai duong",
        "Số 12 ngõ 4 Lê Lợi, P. Cẩm Thượng, TP Hải Dương",
        "Phường Hải Dương, Thành phố Hải Phòng",
        "Huyện Bạch Long Vĩ, Hải Phòng",
    ],
)
def test_the_one_unit_answer_is_the_general_one(index, address):
    # convert builds the answer of one reading of one unit from the index's prepared fields
    # (positionally); it must be the Conversion the general path builds.
    from hopnhat.engine.address.convert import _answer, _candidate, _street
    from hopnhat.engine.address.matching import read
    from hopnhat.engine.address.text import tokenise

    result = convert(address, index)
    assert result.status in (CONVERTED, UNCHANGED)
    tokens = tokenise(address)
    readings, _, base = read(tokens, index)
    assert len(readings) == 1
    commune = readings[0].commune.place
    street = _street(tokens, base + readings[0].commune.start)
    if commune.current:
        candidate = _candidate(index, commune, None, street)
    else:
        (successor,) = index.successors[commune.key]
        candidate = _candidate(index, index.by_key[successor.key], successor, street)
    general = _answer(address, index, result.status, commune, candidate, street, readings[0], "")
    assert result == general
