"""The shapes the standards rules read and write: proposed units, plan options, results."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Literal

from shapely.geometry import Point
from shapely.geometry.base import BaseGeometry

Tag = Literal["V", "I", "R"]


class UnitType(StrEnum):
    XA = "xa"
    PHUONG = "phuong"
    DAC_KHU = "dac_khu"
    THI_TRAN = "thi_tran"  # only before 1/7/2025: old units and the 1211 baseline

    @property
    def label_vi(self) -> str:
        return {"xa": "Xã", "phuong": "Phường", "dac_khu": "Đặc khu", "thi_tran": "Thị trấn"}[
            self.value
        ]

    @property
    def label_en(self) -> str:
        return {"xa": "commune", "phuong": "ward", "dac_khu": "special zone", "thi_tran": "town"}[
            self.value
        ]


class WardCategory(StrEnum):
    """Which NQ 76 Art 5(1)(c) population threshold a new phường faces."""

    CENTRALLY_RUN_CITY = "centrally_run_city"  # 45,000
    HIGHLAND_BORDER_PROVINCE = "highland_border_province"  # 15,000
    OTHER = "other"  # 21,000


class BaselineWardSetting(StrEnum):
    """Where a phường sits, for the NQ 1211 Art 8 population standard."""

    QUAN = "quan"  # 15,000
    THANH_PHO = "thanh_pho"  # 7,000
    THI_XA = "thi_xa"  # 5,000


class Status(StrEnum):
    PASS = "pass"
    FAIL = "fail"
    EXEMPT = "exempt"


@dataclass(frozen=True)
class Citation:
    document_vi: str  # "Nghị quyết số 76/2025/UBTVQH15"
    document_en: str  # "Resolution 76/2025/UBTVQH15"
    provision_vi: str = ""  # "điểm b khoản 1 Điều 5"
    provision_en: str = ""  # "Art 5(1)(b)"

    @property
    def text_vi(self) -> str:
        return f"{self.provision_vi} {self.document_vi}".strip()

    @property
    def text_en(self) -> str:
        return f"{self.document_en}, {self.provision_en}" if self.provision_en else self.document_en


@dataclass(frozen=True)
class Parameter:
    """A number taken from a legal text, with how sure we are of it.

    The tags are those of vn-legal-reference.md: V read in a source, I derived from V facts,
    R recalled and unconfirmed. The UI flags every threshold built from an unverified parameter.
    """

    key: str
    value: float
    unit: str
    citation: Citation
    tag: Tag = "V"
    note: str = ""

    @property
    def verified(self) -> bool:
        return self.tag != "R"


@dataclass(frozen=True)
class SpecialFactors:
    island: bool = False  # hải đảo: a unit of an island district / đặc khu (NQ 76 Art 5(1)(d))
    land_border: bool = False  # có đường biên giới quốc gia trên đất liền
    mountainous: bool = False  # miền núi, vùng cao
    red_river_delta: bool = False  # Đồng bằng sông Hồng (PlanOptions can set it province-wide)
    ethnic_minority_share: float = 0.0  # 0..1, tỷ lệ dân số là người dân tộc thiểu số
    bai_ngang: bool = False  # xã đặc biệt khó khăn vùng bãi ngang, ven biển (certified)


@dataclass(frozen=True)
class Constituent:
    """One old unit, or the part of it, that goes into a new unit."""

    old_id: str
    name: str = ""
    unit_type: UnitType | None = (
        None  # None for a non-commune source such as a whole island district
    )
    whole: bool = True
    area_share: float = 1.0  # share of the old unit's area given to this new unit
    population_share: float | None = None  # defaults to area_share
    area_km2: float | None = None  # figures of the part taken, when known
    population: int | None = None

    def __post_init__(self) -> None:
        if self.whole and self.area_share != 1.0:
            raise ValueError(f"{self.old_id}: a whole constituent has area_share 1.0")
        if not 0.0 <= self.area_share <= 1.0:
            raise ValueError(f"{self.old_id}: area_share must be within 0..1")

    @property
    def effective_population_share(self) -> float:
        return self.area_share if self.population_share is None else self.population_share


@dataclass(frozen=True)
class ProposedUnit:
    """A new commune-level unit of a plan, with the figures the dossier states.

    Entered figures (e.g. the official 31/12/2024 ones, NQ 76 Art 6) take precedence over the
    sum of the constituents.
    """

    id: str
    name: str  # bare name, without "Xã"/"Phường"/"Đặc khu"
    unit_type: UnitType
    area_km2: float | None = None
    population: int | None = None
    constituents: tuple[Constituent, ...] = ()
    factors: SpecialFactors = SpecialFactors()
    seat: Point | None = None
    geometry: BaseGeometry | None = None
    detached_islands: bool = False  # its detached pieces are islands, flagged on purpose
    not_arranged_reason: str | None = None  # NQ 76 Art 3
    type_override_reason: str | None = None

    @property
    def full_name(self) -> str:
        return f"{self.unit_type.label_vi} {self.name}"

    @property
    def effective_area_km2(self) -> float | None:
        if self.area_km2 is not None:
            return self.area_km2
        parts = [c.area_km2 for c in self.constituents]
        return sum(p for p in parts if p is not None) if parts and None not in parts else None

    @property
    def effective_population(self) -> int | None:
        if self.population is not None:
            return self.population
        parts = [c.population for c in self.constituents]
        return sum(p for p in parts if p is not None) if parts and None not in parts else None


@dataclass(frozen=True)
class PlanOptions:
    ward_category: WardCategory = WardCategory.OTHER
    red_river_delta: bool = False  # every xã of the province gets the Red River Delta factor
    exempt_three_or_more: bool = True  # NQ 76 Art 5(2)
    count_partial_constituents: bool = True  # a part of an old unit counts as one unit for 5(2)
    special_zones_exempt: bool = True  # NQ 76 Art 5(1)(d)
    baseline_ward_setting: BaselineWardSetting = BaselineWardSetting.QUAN
    share_tolerance: float = 0.001
    contiguity_tolerance: float = 0.0  # in the units of the geometries' CRS


@dataclass(frozen=True)
class Threshold:
    value: float
    basis_vi: str  # how it was obtained: "100% × 70% × 30 km²"
    basis_en: str
    parameters: tuple[Parameter, ...]

    @property
    def verified(self) -> bool:
        return all(p.verified for p in self.parameters)


@dataclass(frozen=True)
class Measure:
    value: float
    threshold: Threshold

    @property
    def percent(self) -> float:
        return 100.0 * self.value / self.threshold.value

    @property
    def meets(self) -> bool:
        return self.value >= self.threshold.value


@dataclass(frozen=True)
class Violation:
    rule_id: str
    message_vi: str
    message_en: str
    citation: Citation
    value: float | None = None
    threshold: float | None = None
    percent: float | None = None
    unit_ids: tuple[str, ...] = ()
    verified: bool = True  # False when the threshold rests on an unverified parameter
    advisory: bool = False  # worth showing, but lawful: never blocks a plan


@dataclass(frozen=True)
class Exemption:
    rule_id: str
    reason_vi: str
    reason_en: str
    citation: Citation
    verified: bool = True


@dataclass(frozen=True)
class UnitResult:
    unit_id: str
    name: str
    unit_type: UnitType
    area: Measure | None
    population: Measure | None
    baseline_area: Measure | None
    baseline_population: Measure | None
    constituent_count: int
    status: Status
    exemption: Exemption | None = None
    violations: tuple[Violation, ...] = ()
    waived: tuple[Violation, ...] = ()  # what the unit misses, set aside by its exemption


@dataclass(frozen=True)
class PlanCheck:
    rule_set_id: str
    units: tuple[UnitResult, ...]
    plan_violations: tuple[Violation, ...] = ()

    def with_status(self, status: Status) -> tuple[UnitResult, ...]:
        return tuple(u for u in self.units if u.status is status)

    @property
    def failing(self) -> tuple[UnitResult, ...]:
        return self.with_status(Status.FAIL)

    @property
    def exempt(self) -> tuple[UnitResult, ...]:
        return self.with_status(Status.EXEMPT)

    @property
    def blocking_plan_violations(self) -> tuple[Violation, ...]:
        return tuple(v for v in self.plan_violations if not v.advisory)

    @property
    def ok(self) -> bool:
        return not self.failing and not self.blocking_plan_violations

    def unit(self, unit_id: str) -> UnitResult:
        return next(u for u in self.units if u.unit_id == unit_id)


@dataclass(frozen=True)
class PlanContext:
    units: tuple[ProposedUnit, ...]
    options: PlanOptions
    old_unit_ids: frozenset[str] | None = None


UnitRule = Callable[[ProposedUnit, PlanOptions], list[Violation]]
ThresholdRule = Callable[[ProposedUnit, PlanOptions], Threshold | None]
ExemptionRule = Callable[[ProposedUnit, PlanOptions, tuple[Violation, ...]], Exemption | None]
PlanRule = Callable[[PlanContext], list[Violation]]


@dataclass(frozen=True)
class RuleSet:
    id: str
    title_vi: str
    title_en: str
    in_force_from: date
    in_force_until: date | None
    area_threshold: ThresholdRule
    population_threshold: ThresholdRule
    unit_rules: tuple[UnitRule, ...]
    exemptions: tuple[ExemptionRule, ...] = ()
    waivable_rule_ids: frozenset[str] = frozenset()  # what an exemption may set aside
    plan_rules: tuple[PlanRule, ...] = ()
    baseline: RuleSet | None = None  # shown as a separate column (legal reference §1.4)
    parameters: tuple[Parameter, ...] = ()
    dates_verified: bool = True
    notes: tuple[str, ...] = field(default=())

    @property
    def unverified_parameters(self) -> tuple[Parameter, ...]:
        return tuple(p for p in self.parameters if not p.verified)

    def in_force_on(self, day: date) -> bool:
        return self.in_force_from <= day and (
            self.in_force_until is None or day <= self.in_force_until
        )
