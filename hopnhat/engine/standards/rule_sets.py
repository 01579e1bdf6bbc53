"""Rule sets keyed by the date they are in force; `rule_set_for` picks one for a plan's date."""

from __future__ import annotations

from datetime import date

from hopnhat.engine.standards import nq76, nq112, nq1211
from hopnhat.engine.standards.model import RuleSet
from hopnhat.engine.standards.plan_rules import PLAN_RULES

BASELINE_1211_27 = RuleSet(
    id="nq1211-2016+nq27-2022",
    title_vi=(
        "Tiêu chuẩn ĐVHC theo Nghị quyết 1211/2016/UBTVQH13,"
        " sửa đổi bởi Nghị quyết 27/2022/UBTVQH15"
    ),
    title_en="Unit standards of NQ 1211/2016 as amended by NQ 27/2022",
    # NQ 27 was adopted on 21/9/2022 [V]; its entry into force is not in the reference [R].
    in_force_from=date(2022, 9, 21),
    in_force_until=date(2025, 4, 14),
    area_threshold=nq1211.area_threshold,
    population_threshold=nq1211.population_threshold,
    unit_rules=nq1211.UNIT_RULES,
    plan_rules=PLAN_RULES,
    parameters=nq1211.PARAMETERS,
    dates_verified=False,
)

NQ76_2025 = RuleSet(
    id="nq76-2025",
    title_vi="Định hướng tiêu chuẩn ĐVHC cấp xã theo Nghị quyết 76/2025/UBTVQH15",
    title_en="Commune-level orientation of NQ 76/2025 (the 2025 arrangement)",
    in_force_from=date(2025, 4, 15),  # adopted 14/4/2025, in force from 15/4 [V]
    in_force_until=date(2025, 12, 31),  # NQ 112 replaces the standards from 1/1/2026 [V]
    area_threshold=nq76.area_threshold,
    population_threshold=nq76.population_threshold,
    unit_rules=nq76.UNIT_RULES,
    exemptions=nq76.EXEMPTIONS,
    waivable_rule_ids=nq76.ORIENTATION_RULE_IDS,
    plan_rules=PLAN_RULES,
    baseline=BASELINE_1211_27,
    parameters=(*nq76.PARAMETERS, *nq1211.PARAMETERS),
)

NQ112_2025 = RuleSet(
    id="nq112-2025",
    title_vi="Tiêu chuẩn ĐVHC theo Nghị quyết 112/2025/UBTVQH15",
    title_en="Unit standards of NQ 112/2025 (from 1/1/2026)",
    in_force_from=date(2026, 1, 1),
    in_force_until=None,
    area_threshold=nq112.area_threshold,
    population_threshold=nq112.population_threshold,
    unit_rules=nq112.UNIT_RULES,
    exemptions=nq112.EXEMPTIONS,
    plan_rules=PLAN_RULES,
    parameters=nq112.PARAMETERS,
    notes=("Built from press summaries; the full text of NQ 112 was not read.",),
)

RULE_SETS = (BASELINE_1211_27, NQ76_2025, NQ112_2025)


def rule_set_for(day: date) -> RuleSet:
    for rule_set in RULE_SETS:
        if rule_set.in_force_on(day):
            return rule_set
    raise LookupError(f"no rule set is encoded for {day.isoformat()}")


def rule_set_by_id(rule_set_id: str) -> RuleSet:
    for rule_set in RULE_SETS:
        if rule_set.id == rule_set_id:
            return rule_set
    raise LookupError(f"unknown rule set {rule_set_id!r}")
