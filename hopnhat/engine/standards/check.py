"""The validator: runs a rule set over the units of a plan and over the plan as a whole."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from hopnhat.engine.standards.measures import Kind, figure
from hopnhat.engine.standards.model import (
    Exemption,
    Measure,
    PlanCheck,
    PlanContext,
    PlanOptions,
    ProposedUnit,
    RuleSet,
    Status,
    ThresholdRule,
    UnitResult,
    Violation,
)
from hopnhat.engine.standards.nq76 import constituent_count


def check_plan(
    units: Sequence[ProposedUnit],
    rule_set: RuleSet,
    options: PlanOptions,
    *,
    old_unit_ids: Iterable[str] | None = None,
) -> PlanCheck:
    context = PlanContext(
        units=tuple(units),
        options=options,
        old_unit_ids=None if old_unit_ids is None else frozenset(old_unit_ids),
    )
    return PlanCheck(
        rule_set_id=rule_set.id,
        units=tuple(check_unit(unit, rule_set, options) for unit in context.units),
        plan_violations=tuple(v for rule in rule_set.plan_rules for v in rule(context)),
    )


def check_unit(unit: ProposedUnit, rule_set: RuleSet, options: PlanOptions) -> UnitResult:
    violations = [v for rule in rule_set.unit_rules for v in rule(unit, options)]
    waivable = tuple(v for v in violations if v.rule_id in rule_set.waivable_rule_ids)
    binding = tuple(v for v in violations if v.rule_id not in rule_set.waivable_rule_ids)
    exemption = first_exemption(unit, rule_set, options, waivable)
    if binding:
        status = Status.FAIL
    elif exemption is not None:
        status = Status.EXEMPT
    else:
        status = Status.FAIL if waivable else Status.PASS
    baseline = rule_set.baseline
    return UnitResult(
        unit_id=unit.id,
        name=unit.full_name,
        unit_type=unit.unit_type,
        area=measure(unit, "area", rule_set.area_threshold, options),
        population=measure(unit, "population", rule_set.population_threshold, options),
        baseline_area=measure(unit, "area", baseline.area_threshold, options) if baseline else None,
        baseline_population=(
            measure(unit, "population", baseline.population_threshold, options)
            if baseline
            else None
        ),
        constituent_count=constituent_count(unit, options),
        status=status,
        exemption=exemption,
        violations=binding if exemption else binding + waivable,
        waived=waivable if exemption else (),
    )


def first_exemption(
    unit: ProposedUnit, rule_set: RuleSet, options: PlanOptions, failures: tuple[Violation, ...]
) -> Exemption | None:
    for rule in rule_set.exemptions:
        exemption = rule(unit, options, failures)
        if exemption is not None:
            return exemption
    return None


def measure(
    unit: ProposedUnit, kind: Kind, threshold_of: ThresholdRule, options: PlanOptions
) -> Measure | None:
    value = figure(unit, kind)
    threshold = threshold_of(unit, options)
    return None if value is None or threshold is None else Measure(value, threshold)
