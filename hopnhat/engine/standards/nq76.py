"""NQ 76/2025/UBTVQH15: the orientation for the commune-level units formed in the 2025 arrangement.

Art 5(1) states its thresholds as shares of the NQ 1211/27 standard "of the corresponding xã",
special-factor reductions included: the Hải Phòng dossier measured plains xã against
100% × 70% × 30 km² = 21 km² and 200% × 8,000 = 16,000 people (legal reference §1.4).
"""

from __future__ import annotations

from hopnhat.engine.standards import nq1211
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
    WardCategory,
)
from hopnhat.engine.standards.unit_type import derive_unit_type

DOCUMENT_VI = "Nghị quyết số 76/2025/UBTVQH15"
DOCUMENT_EN = "Resolution 76/2025/UBTVQH15"


def cite(provision_vi: str, provision_en: str) -> Citation:
    return Citation(DOCUMENT_VI, DOCUMENT_EN, provision_vi, provision_en)


ART_1_3 = cite("khoản 3 Điều 1", "Art 1(3)")
ART_3 = cite("Điều 3", "Art 3")
ART_5_1_A = cite("điểm a khoản 1 Điều 5", "Art 5(1)(a)")
ART_5_1_B = cite("điểm b khoản 1 Điều 5", "Art 5(1)(b)")
ART_5_1_C = cite("điểm c khoản 1 Điều 5", "Art 5(1)(c)")
ART_5_1_D = cite("điểm d khoản 1 Điều 5", "Art 5(1)(d)")
ART_5_2 = cite("khoản 2 Điều 5", "Art 5(2)")
ART_6 = cite("Điều 6", "Art 6")
ART_7_2_C = cite("điểm c khoản 2 Điều 7", "Art 7(2)(c)")

XA_AREA_RATIO = Parameter("nq76.xa.area_ratio", 1.0, "share", ART_5_1_B)
XA_POPULATION_RATIO = Parameter("nq76.xa.population_ratio", 2.0, "share", ART_5_1_B)
XA_HIGHLAND_AREA_RATIO = Parameter("nq76.xa_highland.area_ratio", 2.0, "share", ART_5_1_A)
XA_HIGHLAND_POPULATION_RATIO = Parameter(
    "nq76.xa_highland.population_ratio", 1.0, "share", ART_5_1_A
)
PHUONG_AREA = Parameter("nq76.phuong.area", 5.5, "km²", ART_5_1_C)
WARD_POPULATION = {
    WardCategory.CENTRALLY_RUN_CITY: Parameter(
        "nq76.phuong_centrally_run_city.population", 45_000, "people", ART_5_1_C
    ),
    WardCategory.HIGHLAND_BORDER_PROVINCE: Parameter(
        "nq76.phuong_highland_border_province.population", 15_000, "people", ART_5_1_C
    ),
    WardCategory.OTHER: Parameter("nq76.phuong_other.population", 21_000, "people", ART_5_1_C),
}
MINIMUM_CONSTITUENTS = Parameter("nq76.exemption.minimum_constituents", 3, "units", ART_5_2)

PARAMETERS = (
    XA_AREA_RATIO,
    XA_POPULATION_RATIO,
    XA_HIGHLAND_AREA_RATIO,
    XA_HIGHLAND_POPULATION_RATIO,
    PHUONG_AREA,
    *WARD_POPULATION.values(),
    MINIMUM_CONSTITUENTS,
)

ORIENTATION_RULE_IDS = frozenset(
    {"nq76.xa.area", "nq76.xa.population", "nq76.phuong.area", "nq76.phuong.population"}
)


def in_island_district(unit: ProposedUnit) -> bool:
    # Art 5(1)(d): units of island districts (the đặc khu) have no numeric orientation of their own.
    return unit.unit_type is UnitType.DAC_KHU or unit.factors.island


def measured_as_xa(unit: ProposedUnit) -> bool:
    # A đặc khu is measured against the xã orientation, the unit it would otherwise be, so the
    # dossier shows its percentages; a shortfall is then set aside by Art 5(1)(d), and a đặc khu
    # that meets the xã figures anyway (Cát Hải: 286.98 km², 71,211 people) needs no exemption.
    return unit.unit_type in (UnitType.XA, UnitType.DAC_KHU)


def xa_area_orientation(unit: ProposedUnit, options: PlanOptions) -> Threshold:
    ratio = XA_HIGHLAND_AREA_RATIO if unit.factors.mountainous else XA_AREA_RATIO
    return scaled(ratio.value, nq1211.xa_area_standard(unit, options), parameters=(ratio,))


def xa_population_orientation(unit: ProposedUnit, options: PlanOptions) -> Threshold:
    ratio = XA_HIGHLAND_POPULATION_RATIO if unit.factors.mountainous else XA_POPULATION_RATIO
    return scaled(ratio.value, nq1211.xa_population_standard(unit, options), parameters=(ratio,))


# The "% of standard" of the dossier is the figure divided by these orientation thresholds,
# not by the bare NQ 1211 standard: 24.99 km² / 21 = 119.00% for Xã Trần Phú, 51,522 / 21,000
# = 245.34% for Phường Hải Dương (legal reference §1.4, Đề án 381/ĐA-CP).
def area_threshold(unit: ProposedUnit, options: PlanOptions) -> Threshold | None:
    if measured_as_xa(unit):
        return xa_area_orientation(unit, options)
    if unit.unit_type is UnitType.PHUONG:
        return from_parameter(PHUONG_AREA)
    return None


def population_threshold(unit: ProposedUnit, options: PlanOptions) -> Threshold | None:
    if measured_as_xa(unit):
        return xa_population_orientation(unit, options)
    if unit.unit_type is UnitType.PHUONG:
        return from_parameter(WARD_POPULATION[options.ward_category])
    return None


def _xa_citation(unit: ProposedUnit) -> Citation:
    return ART_5_1_A if unit.factors.mountainous else ART_5_1_B


def commune_area_at_least(unit: ProposedUnit, options: PlanOptions) -> list[Violation]:
    if not measured_as_xa(unit):
        return []
    return below_threshold(
        unit,
        "area",
        area_threshold(unit, options),
        rule_id="nq76.xa.area",
        citation=_xa_citation(unit),
        yardstick="orientation",
    )


def commune_population_at_least(unit: ProposedUnit, options: PlanOptions) -> list[Violation]:
    if not measured_as_xa(unit):
        return []
    return below_threshold(
        unit,
        "population",
        population_threshold(unit, options),
        rule_id="nq76.xa.population",
        citation=_xa_citation(unit),
        yardstick="orientation",
    )


def ward_area_at_least(unit: ProposedUnit, options: PlanOptions) -> list[Violation]:
    if unit.unit_type is not UnitType.PHUONG:
        return []
    return below_threshold(
        unit,
        "area",
        area_threshold(unit, options),
        rule_id="nq76.phuong.area",
        citation=ART_5_1_C,
        yardstick="orientation",
    )


def ward_population_at_least(unit: ProposedUnit, options: PlanOptions) -> list[Violation]:
    if unit.unit_type is not UnitType.PHUONG:
        return []
    return below_threshold(
        unit,
        "population",
        population_threshold(unit, options),
        rule_id="nq76.phuong.population",
        citation=ART_5_1_C,
        yardstick="orientation",
    )


def figures_are_known(unit: ProposedUnit, options: PlanOptions) -> list[Violation]:
    # Art 6(3): the figures are those at 31/12/2024.
    return missing_figures(unit, citation=ART_6, as_at="31/12/2024")


def unit_type_follows_constituents(unit: ProposedUnit, options: PlanOptions) -> list[Violation]:
    types = [c.unit_type for c in unit.constituents if c.unit_type is not None]
    if not types or unit.type_override_reason:
        return []
    derived = derive_unit_type(types, special_zone=unit.unit_type is UnitType.DAC_KHU)
    if derived is unit.unit_type:
        return []
    return [
        Violation(
            rule_id="nq76.unit_type",
            message_vi=(
                f"Loại đơn vị là {unit.unit_type.label_vi.lower()} nhưng theo các đơn vị sắp xếp"
                f" phải là {derived.label_vi.lower()}; cần nêu lý do nếu giữ nguyên."
            ),
            message_en=(
                f"Typed as a {unit.unit_type.label_en} but its constituents make it a"
                f" {derived.label_en}; give a reason to keep it."
            ),
            citation=ART_1_3,
            unit_ids=(unit.id,),
        )
    ]


def no_new_town(unit: ProposedUnit, options: PlanOptions) -> list[Violation]:
    if unit.unit_type is not UnitType.THI_TRAN:
        return []
    return [
        Violation(
            rule_id="nq76.no_thi_tran",
            message_vi="Sau sắp xếp không còn thị trấn: đơn vị hình thành là xã hoặc phường.",
            message_en=(
                "No thị trấn is formed by the arrangement: the new unit is a xã or a phường."
            ),
            citation=ART_1_3,
            unit_ids=(unit.id,),
        )
    ]


UNIT_RULES = (
    figures_are_known,
    no_new_town,
    unit_type_follows_constituents,
    commune_area_at_least,
    commune_population_at_least,
    ward_area_at_least,
    ward_population_at_least,
)


def constituent_count(unit: ProposedUnit, options: PlanOptions) -> int:
    counted = {c.old_id for c in unit.constituents if c.whole or options.count_partial_constituents}
    return len(counted)


def not_arranged(
    unit: ProposedUnit, options: PlanOptions, failures: tuple[Violation, ...]
) -> Exemption | None:
    if not unit.not_arranged_reason:
        return None
    return Exemption(
        rule_id="nq76.art3.not_arranged",
        reason_vi=f"Không thực hiện sắp xếp: {unit.not_arranged_reason}.",
        reason_en=f"Not arranged: {unit.not_arranged_reason}.",
        citation=ART_3,
    )


def island_special_zone(
    unit: ProposedUnit, options: PlanOptions, failures: tuple[Violation, ...]
) -> Exemption | None:
    if not (failures and options.special_zones_exempt and in_island_district(unit)):
        return None
    return Exemption(
        rule_id="nq76.art5_1_d.island",
        reason_vi=(
            "Đơn vị hành chính cấp xã thuộc huyện đảo: không xét định hướng về diện tích và dân số;"
            " bảo đảm yêu cầu về quốc phòng, an ninh và theo định hướng đã được phê duyệt."
        ),
        reason_en=(
            "A unit of an island district: no area or population orientation; it must meet"
            " defence and security needs and follow the approved orientation."
        ),
        citation=ART_5_1_D,
    )


def three_or_more_constituents(
    unit: ProposedUnit, options: PlanOptions, failures: tuple[Violation, ...]
) -> Exemption | None:
    count = constituent_count(unit, options)
    if not (failures and options.exempt_three_or_more and count >= MINIMUM_CONSTITUENTS.value):
        return None
    return Exemption(
        rule_id="nq76.art5_2.three_or_more",
        reason_vi=(
            f"Sắp xếp từ 03 đơn vị hành chính cấp xã trở lên ({count} đơn vị) thành 01 đơn vị mới"
            " nên không phải xem xét định hướng về tiêu chuẩn."
        ),
        reason_en=(
            f"Formed from 3 or more old commune-level units ({count}), so the Art 5(1)"
            " orientation need not be met."
        ),
        citation=ART_5_2,
    )


EXEMPTIONS = (not_arranged, island_special_zone, three_or_more_constituents)
