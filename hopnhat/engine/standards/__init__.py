"""Legal standards of commune-level units as small named rules, keyed by the date in force.

Pure: takes dataclasses (and shapely geometries), never reads files, the ORM or the clock.
"""

from hopnhat.engine.standards.check import check_plan, check_unit
from hopnhat.engine.standards.model import (
    BaselineWardSetting,
    Citation,
    Constituent,
    Exemption,
    Measure,
    Parameter,
    PlanCheck,
    PlanOptions,
    ProposedUnit,
    RuleSet,
    SpecialFactors,
    Status,
    Threshold,
    UnitResult,
    UnitType,
    Violation,
    WardCategory,
)
from hopnhat.engine.standards.presets import hai_phong_2025_options
from hopnhat.engine.standards.rule_sets import (
    BASELINE_1211_27,
    NQ76_2025,
    NQ112_2025,
    RULE_SETS,
    rule_set_by_id,
    rule_set_for,
)
from hopnhat.engine.standards.unit_type import TypeDecision, decide_unit_type, derive_unit_type

__all__ = [
    "BASELINE_1211_27",
    "NQ76_2025",
    "NQ112_2025",
    "RULE_SETS",
    "BaselineWardSetting",
    "Citation",
    "Constituent",
    "Exemption",
    "Measure",
    "Parameter",
    "PlanCheck",
    "PlanOptions",
    "ProposedUnit",
    "RuleSet",
    "SpecialFactors",
    "Status",
    "Threshold",
    "TypeDecision",
    "UnitResult",
    "UnitType",
    "Violation",
    "WardCategory",
    "check_plan",
    "check_unit",
    "decide_unit_type",
    "derive_unit_type",
    "hai_phong_2025_options",
    "rule_set_by_id",
    "rule_set_for",
]
