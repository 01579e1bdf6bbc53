"""Each legal rule on tiny hand-made units, with the expected answer written out."""

from __future__ import annotations

from datetime import date

import pytest

from hopnhat.engine.standards import (
    BASELINE_1211_27,
    NQ76_2025,
    NQ112_2025,
    BaselineWardSetting,
    Constituent,
    PlanOptions,
    ProposedUnit,
    Status,
    UnitType,
    WardCategory,
    check_plan,
    check_unit,
    decide_unit_type,
    derive_unit_type,
    rule_set_for,
)
from hopnhat.engine.standards.formatting import number_vi, percent_vi
from hopnhat.engine.standards.tests.builders import factors, old_units, phuong, xa

DELTA = PlanOptions(red_river_delta=True)


def test_rule_sets_are_picked_by_the_date_in_force() -> None:
    assert rule_set_for(date(2024, 12, 31)) is BASELINE_1211_27
    assert rule_set_for(date(2025, 4, 14)) is BASELINE_1211_27
    assert rule_set_for(date(2025, 4, 15)) is NQ76_2025
    assert rule_set_for(date(2025, 7, 1)) is NQ76_2025
    assert rule_set_for(date(2026, 1, 1)) is NQ112_2025


def test_no_rule_set_is_encoded_before_nq27() -> None:
    with pytest.raises(LookupError):
        rule_set_for(date(2020, 1, 1))


def test_vietnamese_numbers_use_dots_for_thousands_and_commas_for_decimals() -> None:
    assert number_vi(4_664_124, 0) == "4.664.124"
    assert number_vi(24.99) == "24,99"
    assert number_vi(21.0) == "21"
    assert percent_vi(1386.909) == "1.386,91%"


# NQ 76 Art 5(1)(b): plains xã


def test_a_delta_xa_of_20_km2_misses_the_21_km2_orientation() -> None:
    [violation] = check_unit(xa(area=20.0), NQ76_2025, DELTA).violations
    assert violation.rule_id == "nq76.xa.area"
    assert (violation.value, violation.threshold) == (20.0, 21.0)
    assert violation.percent == pytest.approx(95.238, abs=0.001)
    assert violation.citation.text_vi == "điểm b khoản 1 Điều 5 Nghị quyết số 76/2025/UBTVQH15"
    assert violation.citation.text_en == "Resolution 76/2025/UBTVQH15, Art 5(1)(b)"
    assert violation.message_vi == (
        "Diện tích tự nhiên 20 km², đạt 95,24% tiêu chuẩn (21 km²),"
        " chưa đạt định hướng (100% × 70% × 30 km²)."
    )
    assert violation.message_en == (
        "Natural area 20 km², 95.24% of the standard (21 km²);"
        " below the orientation (100% × 70% × 30 km²)."
    )


def test_a_xa_outside_the_delta_needs_30_km2() -> None:
    result = check_unit(xa(area=29.9), NQ76_2025, PlanOptions())
    assert [(v.rule_id, v.threshold) for v in result.violations] == [("nq76.xa.area", 30.0)]


def test_a_xa_of_15999_people_misses_the_16000_orientation() -> None:
    result = check_unit(xa(population=15_999), NQ76_2025, DELTA)
    assert result.status is Status.FAIL
    assert [(v.rule_id, v.threshold) for v in result.violations] == [("nq76.xa.population", 16_000)]


def test_a_xa_at_exactly_the_thresholds_passes() -> None:
    result = check_unit(xa(area=21.0, population=16_000), NQ76_2025, DELTA)
    assert result.status is Status.PASS
    assert (result.area.percent, result.population.percent) == (100.0, 100.0)


def test_the_unit_factor_alone_gives_the_delta_reduction() -> None:
    unit = xa(area=21.0, factors=factors(red_river_delta=True))
    assert check_unit(unit, NQ76_2025, PlanOptions()).status is Status.PASS


def test_the_baseline_column_is_measured_against_the_bare_1211_standard() -> None:
    result = check_unit(xa(area=24.99, population=35_937), NQ76_2025, DELTA)
    assert result.baseline_area.threshold.value == pytest.approx(21.0)
    assert result.baseline_population.threshold.value == 8_000


# NQ 76 Art 5(1)(a): mountainous xã, with NQ 27 Art 3a reductions


def test_a_mountainous_xa_needs_100_km2_and_5000_people() -> None:
    result = check_unit(
        xa(area=99.0, population=4_999, factors=factors(mountainous=True)), NQ76_2025, PlanOptions()
    )
    assert [(v.rule_id, v.threshold) for v in result.violations] == [
        ("nq76.xa.area", 100.0),
        ("nq76.xa.population", 5_000),
    ]
    assert result.violations[0].citation.provision_en == "Art 5(1)(a)"


def test_a_mountainous_xa_with_40_percent_minority_needs_45_percent_of_5000_people() -> None:
    unit = xa(
        area=120, population=2_249, factors=factors(mountainous=True, ethnic_minority_share=0.4)
    )
    [violation] = check_unit(unit, NQ76_2025, PlanOptions()).violations
    assert violation.threshold == pytest.approx(2_250)  # 100% × 45% × 5,000


def test_a_bai_ngang_xa_needs_200_percent_of_half_of_8000_people() -> None:
    unit = xa(population=7_999, factors=factors(bai_ngang=True))
    [violation] = check_unit(unit, NQ76_2025, DELTA).violations
    assert violation.threshold == pytest.approx(8_000)  # 200% × 50% × 8,000


# NQ 76 Art 5(1)(c): phường


@pytest.mark.parametrize(
    ("category", "threshold"),
    [
        (WardCategory.CENTRALLY_RUN_CITY, 45_000),
        (WardCategory.OTHER, 21_000),
        (WardCategory.HIGHLAND_BORDER_PROVINCE, 15_000),
    ],
)
def test_a_phuong_population_threshold_follows_the_province_category(
    category: WardCategory, threshold: int
) -> None:
    options = PlanOptions(ward_category=category)
    assert check_unit(phuong(population=threshold), NQ76_2025, options).status is Status.PASS
    [violation] = check_unit(phuong(population=threshold - 1), NQ76_2025, options).violations
    assert (violation.rule_id, violation.threshold) == ("nq76.phuong.population", threshold)


def test_a_phuong_needs_5_5_km2() -> None:
    [violation] = check_unit(phuong(area=5.49), NQ76_2025, PlanOptions()).violations
    assert (violation.rule_id, violation.threshold) == ("nq76.phuong.area", 5.5)


# Exemptions: Art 5(2), Art 5(1)(d), Art 3


def test_a_small_phuong_from_three_old_units_is_exempt_under_art_5_2() -> None:
    three = old_units(UnitType.PHUONG, UnitType.XA, UnitType.XA)
    result = check_unit(phuong(population=16_098, constituents=three), NQ76_2025, PlanOptions())
    assert result.status is Status.EXEMPT
    assert result.exemption.rule_id == "nq76.art5_2.three_or_more"
    assert result.exemption.citation.provision_vi == "khoản 2 Điều 5"
    assert "(3 đơn vị)" in result.exemption.reason_vi
    assert [v.rule_id for v in result.waived] == ["nq76.phuong.population"]
    assert result.violations == ()


def test_a_small_phuong_from_two_old_units_fails() -> None:
    result = check_unit(phuong(population=16_098), NQ76_2025, PlanOptions())
    assert result.status is Status.FAIL
    assert result.exemption is None


def test_a_unit_from_three_units_that_meets_the_orientation_simply_passes() -> None:
    three = old_units(UnitType.XA, UnitType.XA, UnitType.XA)
    result = check_unit(xa(constituents=three), NQ76_2025, DELTA)
    assert (result.status, result.exemption) == (Status.PASS, None)


def test_parts_of_old_units_count_for_art_5_2_unless_the_option_says_otherwise() -> None:
    parts = (
        Constituent("a", unit_type=UnitType.PHUONG),
        Constituent("b", unit_type=UnitType.PHUONG, whole=False, area_share=0.3),
        Constituent("c", unit_type=UnitType.PHUONG, whole=False, area_share=0.1),
    )
    unit = phuong(area=5.0, constituents=parts)
    assert check_unit(unit, NQ76_2025, PlanOptions()).status is Status.EXEMPT
    wholes_only = PlanOptions(count_partial_constituents=False)
    assert check_unit(unit, NQ76_2025, wholes_only).status is Status.FAIL


def test_the_art_5_2_exemption_can_be_switched_off() -> None:
    three = old_units(UnitType.XA, UnitType.XA, UnitType.XA)
    options = PlanOptions(red_river_delta=True, exempt_three_or_more=False)
    assert check_unit(xa(area=15, constituents=three), NQ76_2025, options).status is Status.FAIL


def test_a_special_zone_short_of_the_xa_orientation_is_exempt_under_art_5_1_d() -> None:
    unit = ProposedUnit(
        id="bl", name="Bạch Long Vĩ", unit_type=UnitType.DAC_KHU, area_km2=3.07, population=686
    )
    result = check_unit(unit, NQ76_2025, DELTA)
    assert result.status is Status.EXEMPT
    assert result.exemption.citation.provision_en == "Art 5(1)(d)"
    # Measured against the xã orientation (21 km², 16,000 people) so the dossier shows how far.
    assert result.area.percent == pytest.approx(100 * 3.07 / 21, abs=0.01)
    assert result.population.percent == pytest.approx(100 * 686 / 16_000, abs=0.01)
    assert {v.rule_id for v in result.waived} == {"nq76.xa.area", "nq76.xa.population"}


def test_a_special_zone_that_meets_the_xa_orientation_passes_without_an_exemption() -> None:
    unit = ProposedUnit(
        id="ch", name="Cát Hải", unit_type=UnitType.DAC_KHU, area_km2=286.98, population=71_211
    )
    result = check_unit(unit, NQ76_2025, DELTA)
    assert (result.status, result.exemption) == (Status.PASS, None)


def test_without_the_island_option_a_special_zone_short_of_the_orientation_fails() -> None:
    unit = ProposedUnit(
        id="bl", name="Bạch Long Vĩ", unit_type=UnitType.DAC_KHU, area_km2=3.07, population=686
    )
    options = PlanOptions(red_river_delta=True, special_zones_exempt=False)
    assert check_unit(unit, NQ76_2025, options).status is Status.FAIL


def test_a_unit_not_arranged_is_exempt_with_its_reason() -> None:
    unit = xa(area=10, population=3_000, not_arranged_reason="vị trí biệt lập")
    result = check_unit(unit, NQ76_2025, DELTA)
    assert result.status is Status.EXEMPT
    assert result.exemption.citation.provision_vi == "Điều 3"
    assert result.exemption.reason_vi == "Không thực hiện sắp xếp: vị trí biệt lập."


# Art 1(3) and Art 6


def test_no_new_thi_tran_can_be_formed() -> None:
    unit = ProposedUnit(
        id="t", name="Tiên Lãng", unit_type=UnitType.THI_TRAN, area_km2=40, population=30_000
    )
    result = check_unit(unit, NQ76_2025, DELTA)
    assert [v.rule_id for v in result.violations] == ["nq76.no_thi_tran"]


def test_a_xa_with_a_phuong_among_its_constituents_fails_the_type_rule() -> None:
    unit = xa(constituents=old_units(UnitType.PHUONG, UnitType.XA))
    assert [v.rule_id for v in check_unit(unit, NQ76_2025, DELTA).violations] == ["nq76.unit_type"]


def test_a_type_kept_against_the_constituents_with_a_reason_passes() -> None:
    unit = xa(
        constituents=old_units(UnitType.PHUONG, UnitType.XA),
        type_override_reason="vùng nông nghiệp",
    )
    assert check_unit(unit, NQ76_2025, DELTA).status is Status.PASS


def test_the_type_rule_is_not_waived_by_the_art_5_2_exemption() -> None:
    three = old_units(UnitType.PHUONG, UnitType.XA, UnitType.XA)
    result = check_unit(xa(area=10, constituents=three), NQ76_2025, DELTA)
    assert result.status is Status.FAIL
    assert [v.rule_id for v in result.violations] == ["nq76.unit_type"]


def test_a_unit_without_figures_fails_the_data_rule() -> None:
    unit = ProposedUnit(id="x", name="An Bình", unit_type=UnitType.XA)
    [violation] = check_unit(unit, NQ76_2025, DELTA).violations
    assert violation.rule_id == "figures.missing"
    assert violation.citation.provision_en == "Art 6"


def test_figures_add_up_from_the_constituents_when_none_are_entered() -> None:
    parts = (
        Constituent("a", unit_type=UnitType.XA, area_km2=12.0, population=9_000),
        Constituent("b", unit_type=UnitType.XA, area_km2=10.0, population=8_000),
    )
    unit = ProposedUnit(id="x", name="An Bình", unit_type=UnitType.XA, constituents=parts)
    result = check_unit(unit, NQ76_2025, DELTA)
    assert (result.area.value, result.population.value) == (22.0, 17_000)


# NQ 1211 as amended by NQ 27 (baseline)


def test_the_baseline_plains_xa_needs_30_km2_and_8000_people_or_21_km2_in_the_delta() -> None:
    assert (
        check_unit(xa(area=29, population=8_000), BASELINE_1211_27, PlanOptions()).status
        is Status.FAIL
    )
    assert check_unit(xa(area=21, population=8_000), BASELINE_1211_27, DELTA).status is Status.PASS


def test_the_minority_reduction_stops_at_20_percent() -> None:
    unit = xa(area=60, population=999, factors=factors(mountainous=True, ethnic_minority_share=1.0))
    [violation] = check_unit(unit, BASELINE_1211_27, PlanOptions()).violations
    assert violation.threshold == pytest.approx(1_000)  # 20% × 5,000


def test_a_border_xa_needs_half_the_population() -> None:
    unit = xa(population=3_999, factors=factors(land_border=True))
    [violation] = check_unit(unit, BASELINE_1211_27, DELTA).violations
    assert violation.threshold == pytest.approx(4_000)
    assert violation.citation.provision_en == "Art 3(1)(b)"


def test_only_the_most_favourable_reduction_applies_per_standard() -> None:
    # 60% minority: 50% − 3 × 5% = 35% of 5,000 = 1,750; bãi ngang would give 4,000.
    unit = xa(
        area=60,
        population=1_749,
        factors=factors(mountainous=True, ethnic_minority_share=0.6, bai_ngang=True),
    )
    [violation] = check_unit(unit, BASELINE_1211_27, PlanOptions()).violations
    assert violation.threshold == pytest.approx(1_750)


@pytest.mark.parametrize(
    ("setting", "threshold"),
    [
        (BaselineWardSetting.QUAN, 15_000),
        (BaselineWardSetting.THANH_PHO, 7_000),
        (BaselineWardSetting.THI_XA, 5_000),
    ],
)
def test_the_baseline_phuong_population_depends_on_where_it_sits(
    setting: BaselineWardSetting, threshold: int
) -> None:
    options = PlanOptions(baseline_ward_setting=setting)
    [violation] = check_unit(phuong(population=threshold - 1), BASELINE_1211_27, options).violations
    assert violation.threshold == threshold


def test_the_baseline_thi_tran_threshold_is_flagged_unverified() -> None:
    unit = ProposedUnit(
        id="t", name="Núi Đèo", unit_type=UnitType.THI_TRAN, area_km2=10, population=9_000
    )
    [violation] = check_unit(unit, BASELINE_1211_27, PlanOptions()).violations
    assert (violation.rule_id, violation.verified) == ("nq1211.thi_tran.area", False)


# NQ 112/2025 from 1/1/2026


def test_from_2026_a_plains_xa_needs_16000_people_and_30_km2() -> None:
    result = check_unit(xa(area=29, population=15_999), NQ112_2025, PlanOptions())
    assert [(v.rule_id, v.threshold) for v in result.violations] == [
        ("nq112.xa.area", 30),
        ("nq112.xa.population", 16_000),
    ]


def test_from_2026_an_island_xa_needs_15_km2_and_2500_people() -> None:
    unit = xa(area=15, population=2_500, factors=factors(island=True))
    result = check_unit(unit, NQ112_2025, PlanOptions())
    assert (result.status, result.area.threshold.value) == (Status.PASS, 15)


def test_from_2026_the_delta_reduction_is_unknown_and_flagged() -> None:
    result = check_unit(xa(area=25), NQ112_2025, DELTA)
    [violation] = result.violations
    assert (violation.threshold, violation.verified) == (30, False)


def test_from_2026_a_special_zone_is_not_assessed_and_flagged() -> None:
    unit = ProposedUnit(
        id="ch", name="Cát Hải", unit_type=UnitType.DAC_KHU, area_km2=287, population=71_211
    )
    result = check_unit(unit, NQ112_2025, PlanOptions())
    assert (result.status, result.exemption.verified) == (Status.EXEMPT, False)


def test_unverified_parameters_are_listed_per_rule_set() -> None:
    assert {p.key for p in NQ112_2025.unverified_parameters} == {
        "nq112.minority_floor",
        "nq112.bai_ngang_base",
        "nq112.red_river_delta_area_ratio",
    }
    assert {p.key for p in BASELINE_1211_27.unverified_parameters} == {
        "nq1211.thi_tran.population",
        "nq1211.thi_tran.area",
    }
    assert {p.key for p in NQ76_2025.unverified_parameters} == {
        "nq1211.thi_tran.population",
        "nq1211.thi_tran.area",
    }


# The type rule helper (NQ 76 Art 1(3))


def test_any_phuong_among_the_constituents_gives_a_phuong() -> None:
    assert derive_unit_type([UnitType.XA, UnitType.PHUONG, UnitType.THI_TRAN]) is UnitType.PHUONG


def test_xa_and_thi_tran_give_a_xa() -> None:
    assert derive_unit_type([UnitType.XA, UnitType.THI_TRAN]) is UnitType.XA


def test_a_flagged_special_zone_is_a_dac_khu() -> None:
    assert derive_unit_type([UnitType.XA], special_zone=True) is UnitType.DAC_KHU


def test_overriding_the_type_needs_a_reason() -> None:
    with pytest.raises(ValueError, match="needs a reason"):
        decide_unit_type([UnitType.PHUONG], override=UnitType.XA)
    decision = decide_unit_type(
        [UnitType.PHUONG], override=UnitType.XA, override_reason=" nông thôn "
    )
    assert (decision.unit_type, decision.derived, decision.overridden) == (
        UnitType.XA,
        UnitType.PHUONG,
        True,
    )
    assert decision.override_reason == "nông thôn"


def test_check_plan_counts_failing_and_exempt_units() -> None:
    three = old_units(UnitType.XA, UnitType.XA, UnitType.XA)
    units = [
        xa(id="a", name="A"),
        xa(id="b", name="B", area=10),
        xa(id="c", name="C", area=10, constituents=three),
    ]
    check = check_plan(units, NQ76_2025, DELTA)
    assert [u.unit_id for u in check.failing] == ["b"]
    assert [u.unit_id for u in check.exempt] == ["c"]
    assert not check.ok
