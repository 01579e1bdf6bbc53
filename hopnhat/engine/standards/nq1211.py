"""NQ 1211/2016/UBTVQH13 as amended by NQ 27/2022/UBTVQH15: the standards of commune-level units.

This is the baseline the 2025 arrangement was measured against (legal reference §1.1).
Art 2(7) of NQ 76 switches off the non-numeric criteria, so only area and population are encoded.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from hopnhat.engine.standards.measures import (
    below_threshold,
    from_parameter,
    missing_figures,
    scaled,
)
from hopnhat.engine.standards.model import (
    BaselineWardSetting,
    Citation,
    Parameter,
    PlanOptions,
    ProposedUnit,
    SpecialFactors,
    Threshold,
    UnitType,
    Violation,
)

DOCUMENT_VI = (
    "Nghị quyết số 1211/2016/UBTVQH13 (sửa đổi, bổ sung bởi Nghị quyết số 27/2022/UBTVQH15)"
)
DOCUMENT_EN = "Resolution 1211/2016/UBTVQH13 as amended by Resolution 27/2022/UBTVQH15"


def cite(provision_vi: str, provision_en: str) -> Citation:
    return Citation(DOCUMENT_VI, DOCUMENT_EN, provision_vi, provision_en)


ART_3_1_A = cite("điểm a khoản 1 Điều 3", "Art 3(1)(a)")
ART_3_1_B = cite("điểm b khoản 1 Điều 3", "Art 3(1)(b)")
ART_3A = cite("Điều 3a", "Art 3a")
ART_8 = cite("Điều 8", "Art 8")
ART_9 = cite("Điều 9", "Art 9")

XA_HIGHLAND_POPULATION = Parameter("nq1211.xa_highland.population", 5_000, "people", ART_3_1_A)
XA_HIGHLAND_AREA = Parameter("nq1211.xa_highland.area", 50, "km²", ART_3_1_A)
XA_POPULATION = Parameter("nq1211.xa.population", 8_000, "people", ART_3_1_B)
XA_AREA = Parameter("nq1211.xa.area", 30, "km²", ART_3_1_B)
PHUONG_AREA = Parameter("nq1211.phuong.area", 5.5, "km²", ART_8)
PHUONG_POPULATION = {
    BaselineWardSetting.QUAN: Parameter("nq1211.phuong_quan.population", 15_000, "people", ART_8),
    BaselineWardSetting.THANH_PHO: Parameter(
        "nq1211.phuong_thanh_pho.population", 7_000, "people", ART_8
    ),
    BaselineWardSetting.THI_XA: Parameter(
        "nq1211.phuong_thi_xa.population", 5_000, "people", ART_8
    ),
}
_NOT_IN_REFERENCE = "Not in the legal reference §1.1; recalled. Confirm against 19/VBHN-VPQH."
THI_TRAN_POPULATION = Parameter(
    "nq1211.thi_tran.population", 8_000, "people", ART_9, tag="R", note=_NOT_IN_REFERENCE
)
THI_TRAN_AREA = Parameter("nq1211.thi_tran.area", 14, "km²", ART_9, tag="R", note=_NOT_IN_REFERENCE)

# Art 3a (added by NQ 27/2022), special factors of rural units: legal reference §1.1.
MINORITY_SHARE = Parameter("nq1211.3a.minority_share", 0.30, "share", ART_3A)
MINORITY_RATIO = Parameter("nq1211.3a.minority_ratio", 0.50, "share", ART_3A)
MINORITY_STEP = Parameter(
    "nq1211.3a.minority_step",
    0.05,
    "share",
    ART_3A,
    note="5 points less per further full 10% of ethnic-minority population",
)
MINORITY_FLOOR = Parameter("nq1211.3a.minority_floor", 0.20, "share", ART_3A)
BAI_NGANG_RATIO = Parameter(
    "nq1211.3a.bai_ngang_ratio", 0.50, "share", ART_3A, note="of the Art 3(1)(b) standard"
)
RED_RIVER_DELTA_RATIO = Parameter("nq1211.3a.red_river_delta_area_ratio", 0.70, "share", ART_3A)

PARAMETERS = (
    XA_HIGHLAND_POPULATION,
    XA_HIGHLAND_AREA,
    XA_POPULATION,
    XA_AREA,
    PHUONG_AREA,
    *PHUONG_POPULATION.values(),
    THI_TRAN_POPULATION,
    THI_TRAN_AREA,
    MINORITY_SHARE,
    MINORITY_RATIO,
    MINORITY_STEP,
    MINORITY_FLOOR,
    BAI_NGANG_RATIO,
    RED_RIVER_DELTA_RATIO,
)


@dataclass(frozen=True)
class PopulationReductions:
    """The population reductions a standards resolution grants to rural units."""

    minority_share: Parameter
    minority_ratio: Parameter
    minority_step: Parameter
    minority_floor: Parameter
    bai_ngang_ratio: Parameter
    bai_ngang_base: Parameter


def in_red_river_delta(unit: ProposedUnit, options: PlanOptions) -> bool:
    return unit.factors.red_river_delta or options.red_river_delta


def minority_or_border_ratio(factors: SpecialFactors, rules: PopulationReductions) -> float | None:
    share = factors.ethnic_minority_share
    minority = factors.mountainous and share >= rules.minority_share.value
    if not (minority or factors.land_border):
        return None
    steps = 0
    if share >= rules.minority_share.value:
        # "Cứ thêm 10% dân số là người dân tộc thiểu số thì được giảm thêm 5%": whole steps only.
        steps = math.floor((share - rules.minority_share.value) / 0.10 + 1e-9)
    ratio = rules.minority_ratio.value - rules.minority_step.value * steps
    return max(rules.minority_floor.value, ratio)


def reduced_population(
    standard: Threshold, factors: SpecialFactors, rules: PopulationReductions
) -> Threshold:
    # A unit with several special factors gets one reduction per standard: the most favourable.
    candidates = [standard]
    ratio = minority_or_border_ratio(factors, rules)
    if ratio is not None:
        used = (
            rules.minority_share,
            rules.minority_ratio,
            rules.minority_step,
            rules.minority_floor,
        )
        candidates.append(scaled(ratio, standard, parameters=used))
    if factors.bai_ngang:
        base = from_parameter(rules.bai_ngang_base)
        candidates.append(
            scaled(rules.bai_ngang_ratio.value, base, parameters=(rules.bai_ngang_ratio,))
        )
    return min(candidates, key=lambda t: t.value)


REDUCTIONS = PopulationReductions(
    MINORITY_SHARE, MINORITY_RATIO, MINORITY_STEP, MINORITY_FLOOR, BAI_NGANG_RATIO, XA_POPULATION
)


def xa_area_standard(unit: ProposedUnit, options: PlanOptions) -> Threshold:
    base = from_parameter(XA_HIGHLAND_AREA if unit.factors.mountainous else XA_AREA)
    if in_red_river_delta(unit, options):
        return scaled(RED_RIVER_DELTA_RATIO.value, base, parameters=(RED_RIVER_DELTA_RATIO,))
    return base


def xa_population_standard(unit: ProposedUnit, options: PlanOptions) -> Threshold:
    base = from_parameter(XA_HIGHLAND_POPULATION if unit.factors.mountainous else XA_POPULATION)
    return reduced_population(base, unit.factors, REDUCTIONS)


def area_threshold(unit: ProposedUnit, options: PlanOptions) -> Threshold | None:
    if unit.unit_type is UnitType.XA:
        return xa_area_standard(unit, options)
    if unit.unit_type is UnitType.PHUONG:
        return from_parameter(PHUONG_AREA)
    if unit.unit_type is UnitType.THI_TRAN:
        return from_parameter(THI_TRAN_AREA)
    return None  # đặc khu: no standard in NQ 1211


def population_threshold(unit: ProposedUnit, options: PlanOptions) -> Threshold | None:
    if unit.unit_type is UnitType.XA:
        return xa_population_standard(unit, options)
    if unit.unit_type is UnitType.PHUONG:
        return from_parameter(PHUONG_POPULATION[options.baseline_ward_setting])
    if unit.unit_type is UnitType.THI_TRAN:
        return from_parameter(THI_TRAN_POPULATION)
    return None


def _xa_citation(unit: ProposedUnit) -> Citation:
    return ART_3_1_A if unit.factors.mountainous else ART_3_1_B


def commune_area_at_least(unit: ProposedUnit, options: PlanOptions) -> list[Violation]:
    if unit.unit_type is not UnitType.XA:
        return []
    return below_threshold(
        unit,
        "area",
        xa_area_standard(unit, options),
        rule_id="nq1211.xa.area",
        citation=_xa_citation(unit),
        yardstick="standard",
    )


def commune_population_at_least(unit: ProposedUnit, options: PlanOptions) -> list[Violation]:
    if unit.unit_type is not UnitType.XA:
        return []
    return below_threshold(
        unit,
        "population",
        xa_population_standard(unit, options),
        rule_id="nq1211.xa.population",
        citation=_xa_citation(unit),
        yardstick="standard",
    )


def ward_area_at_least(unit: ProposedUnit, options: PlanOptions) -> list[Violation]:
    if unit.unit_type is not UnitType.PHUONG:
        return []
    return below_threshold(
        unit,
        "area",
        from_parameter(PHUONG_AREA),
        rule_id="nq1211.phuong.area",
        citation=ART_8,
        yardstick="standard",
    )


def ward_population_at_least(unit: ProposedUnit, options: PlanOptions) -> list[Violation]:
    if unit.unit_type is not UnitType.PHUONG:
        return []
    return below_threshold(
        unit,
        "population",
        population_threshold(unit, options),
        rule_id="nq1211.phuong.population",
        citation=ART_8,
        yardstick="standard",
    )


def town_area_at_least(unit: ProposedUnit, options: PlanOptions) -> list[Violation]:
    if unit.unit_type is not UnitType.THI_TRAN:
        return []
    return below_threshold(
        unit,
        "area",
        from_parameter(THI_TRAN_AREA),
        rule_id="nq1211.thi_tran.area",
        citation=ART_9,
        yardstick="standard",
    )


def town_population_at_least(unit: ProposedUnit, options: PlanOptions) -> list[Violation]:
    if unit.unit_type is not UnitType.THI_TRAN:
        return []
    return below_threshold(
        unit,
        "population",
        from_parameter(THI_TRAN_POPULATION),
        rule_id="nq1211.thi_tran.population",
        citation=ART_9,
        yardstick="standard",
    )


def figures_are_known(unit: ProposedUnit, options: PlanOptions) -> list[Violation]:
    return missing_figures(unit, citation=Citation(DOCUMENT_VI, DOCUMENT_EN))


UNIT_RULES = (
    figures_are_known,
    commune_area_at_least,
    commune_population_at_least,
    ward_area_at_least,
    ward_population_at_least,
    town_area_at_least,
    town_population_at_least,
)
