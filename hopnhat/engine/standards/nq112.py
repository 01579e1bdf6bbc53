"""NQ 112/2025/UBTVQH15: standards of administrative units from 1/1/2026; replaces NQ 1211/27.

Only press summaries were read (legal reference §1.3): the article numbers are not checked, and
what NQ 112 says about the Red River Delta reduction and the đặc khu is unknown (§7 item 3).
Those unknowns are parameters tagged R so the UI flags every result that depends on them.
"""

from __future__ import annotations

from hopnhat.engine.standards.measures import (
    below_threshold,
    from_parameter,
    missing_figures,
    scaled,
)
from hopnhat.engine.standards.model import (
    Citation,
    Exemption,
    Parameter,
    PlanOptions,
    ProposedUnit,
    Threshold,
    UnitType,
    Violation,
)
from hopnhat.engine.standards.nq1211 import (
    PopulationReductions,
    in_red_river_delta,
    reduced_population,
)

DOCUMENT_VI = "Nghị quyết số 112/2025/UBTVQH15"
DOCUMENT_EN = "Resolution 112/2025/UBTVQH15"
PRESS = "From press summaries; the full text was not read (legal reference §1.3)."
UNKNOWN = "Not stated in the sources read (legal reference §1.3, §7 item 3); placeholder."

XA_STANDARD = Citation(DOCUMENT_VI, DOCUMENT_EN, "tiêu chuẩn của xã", "standards of a xã")
PHUONG_STANDARD = Citation(
    DOCUMENT_VI, DOCUMENT_EN, "tiêu chuẩn của phường", "standards of a phường"
)
SPECIAL_FACTORS = Citation(DOCUMENT_VI, DOCUMENT_EN, "yếu tố đặc thù", "special factors")

XA_HIGHLAND_POPULATION = Parameter(
    "nq112.xa_highland.population", 5_000, "people", XA_STANDARD, note=PRESS
)
XA_HIGHLAND_AREA = Parameter("nq112.xa_highland.area", 100, "km²", XA_STANDARD, note=PRESS)
XA_ISLAND_POPULATION = Parameter(
    "nq112.xa_island.population", 2_500, "people", XA_STANDARD, note=PRESS
)
XA_ISLAND_AREA = Parameter("nq112.xa_island.area", 15, "km²", XA_STANDARD, note=PRESS)
XA_POPULATION = Parameter("nq112.xa.population", 16_000, "people", XA_STANDARD, note=PRESS)
XA_AREA = Parameter("nq112.xa.area", 30, "km²", XA_STANDARD, note=PRESS)
PHUONG_POPULATION = Parameter(
    "nq112.phuong.population", 21_000, "people", PHUONG_STANDARD, note=PRESS
)
PHUONG_AREA = Parameter("nq112.phuong.area", 5.5, "km²", PHUONG_STANDARD, note=PRESS)
MINORITY_SHARE = Parameter("nq112.minority_share", 0.50, "share", SPECIAL_FACTORS, note=PRESS)
MINORITY_RATIO = Parameter("nq112.minority_ratio", 0.50, "share", SPECIAL_FACTORS, note=PRESS)
MINORITY_STEP = Parameter("nq112.minority_step", 0.05, "share", SPECIAL_FACTORS, note=PRESS)
MINORITY_FLOOR = Parameter(
    "nq112.minority_floor", 0.20, "share", SPECIAL_FACTORS, tag="R", note=f"{UNKNOWN} NQ 27's 20%."
)
BAI_NGANG_RATIO = Parameter("nq112.bai_ngang_ratio", 0.50, "share", SPECIAL_FACTORS, note=PRESS)
BAI_NGANG_BASE = Parameter(
    "nq112.bai_ngang_base",
    16_000,
    "people",
    SPECIAL_FACTORS,
    tag="R",
    note="50% of 'the point-c population standard': assumed to be the plains xã (16,000).",
)
RED_RIVER_DELTA_RATIO = Parameter(
    "nq112.red_river_delta_area_ratio",
    1.0,
    "share",
    SPECIAL_FACTORS,
    tag="R",
    note=f"{UNKNOWN} No reduction assumed; NQ 27 granted 70%.",
)

PARAMETERS = (
    XA_HIGHLAND_POPULATION,
    XA_HIGHLAND_AREA,
    XA_ISLAND_POPULATION,
    XA_ISLAND_AREA,
    XA_POPULATION,
    XA_AREA,
    PHUONG_POPULATION,
    PHUONG_AREA,
    MINORITY_SHARE,
    MINORITY_RATIO,
    MINORITY_STEP,
    MINORITY_FLOOR,
    BAI_NGANG_RATIO,
    BAI_NGANG_BASE,
    RED_RIVER_DELTA_RATIO,
)

REDUCTIONS = PopulationReductions(
    MINORITY_SHARE, MINORITY_RATIO, MINORITY_STEP, MINORITY_FLOOR, BAI_NGANG_RATIO, BAI_NGANG_BASE
)


def xa_area_standard(unit: ProposedUnit, options: PlanOptions) -> Threshold:
    if unit.factors.island:
        return from_parameter(XA_ISLAND_AREA)
    base = from_parameter(XA_HIGHLAND_AREA if unit.factors.mountainous else XA_AREA)
    if in_red_river_delta(unit, options):
        return scaled(RED_RIVER_DELTA_RATIO.value, base, parameters=(RED_RIVER_DELTA_RATIO,))
    return base


def xa_population_standard(unit: ProposedUnit, options: PlanOptions) -> Threshold:
    if unit.factors.island:
        return from_parameter(XA_ISLAND_POPULATION)
    base = from_parameter(XA_HIGHLAND_POPULATION if unit.factors.mountainous else XA_POPULATION)
    return reduced_population(base, unit.factors, REDUCTIONS)


def area_threshold(unit: ProposedUnit, options: PlanOptions) -> Threshold | None:
    if unit.unit_type is UnitType.XA:
        return xa_area_standard(unit, options)
    if unit.unit_type is UnitType.PHUONG:
        return from_parameter(PHUONG_AREA)
    return None


def population_threshold(unit: ProposedUnit, options: PlanOptions) -> Threshold | None:
    if unit.unit_type is UnitType.XA:
        return xa_population_standard(unit, options)
    if unit.unit_type is UnitType.PHUONG:
        return from_parameter(PHUONG_POPULATION)
    return None


def figures_are_known(unit: ProposedUnit, options: PlanOptions) -> list[Violation]:
    return missing_figures(unit, citation=XA_STANDARD)


def commune_area_at_least(unit: ProposedUnit, options: PlanOptions) -> list[Violation]:
    if unit.unit_type is not UnitType.XA:
        return []
    return below_threshold(
        unit,
        "area",
        xa_area_standard(unit, options),
        rule_id="nq112.xa.area",
        citation=XA_STANDARD,
        yardstick="standard",
    )


def commune_population_at_least(unit: ProposedUnit, options: PlanOptions) -> list[Violation]:
    if unit.unit_type is not UnitType.XA:
        return []
    return below_threshold(
        unit,
        "population",
        xa_population_standard(unit, options),
        rule_id="nq112.xa.population",
        citation=XA_STANDARD,
        yardstick="standard",
    )


def ward_area_at_least(unit: ProposedUnit, options: PlanOptions) -> list[Violation]:
    if unit.unit_type is not UnitType.PHUONG:
        return []
    return below_threshold(
        unit,
        "area",
        from_parameter(PHUONG_AREA),
        rule_id="nq112.phuong.area",
        citation=PHUONG_STANDARD,
        yardstick="standard",
    )


def ward_population_at_least(unit: ProposedUnit, options: PlanOptions) -> list[Violation]:
    if unit.unit_type is not UnitType.PHUONG:
        return []
    return below_threshold(
        unit,
        "population",
        from_parameter(PHUONG_POPULATION),
        rule_id="nq112.phuong.population",
        citation=PHUONG_STANDARD,
        yardstick="standard",
    )


UNIT_RULES = (
    figures_are_known,
    commune_area_at_least,
    commune_population_at_least,
    ward_area_at_least,
    ward_population_at_least,
)


def special_zone_standard_unknown(
    unit: ProposedUnit, options: PlanOptions, failures: tuple[Violation, ...]
) -> Exemption | None:
    if unit.unit_type is not UnitType.DAC_KHU:
        return None
    return Exemption(
        rule_id="nq112.dac_khu.unknown",
        reason_vi="Chưa xác định được tiêu chuẩn của đặc khu theo Nghị quyết số 112/2025/UBTVQH15.",
        reason_en="The NQ 112/2025 standard for a special zone is not known; not assessed.",
        citation=Citation(DOCUMENT_VI, DOCUMENT_EN),
        verified=False,
    )


EXEMPTIONS = (special_zone_standard_unknown,)
