"""Turning a figure and its threshold into an explained violation."""

from __future__ import annotations

from typing import Literal

from hopnhat.engine.standards.formatting import number_en, number_vi, percent_en, percent_vi
from hopnhat.engine.standards.model import (
    Citation,
    Measure,
    Parameter,
    ProposedUnit,
    Threshold,
    Violation,
)

Kind = Literal["area", "population"]

# "định hướng" for the NQ 76 orientation, "tiêu chuẩn" for a standard resolution.
Yardstick = Literal["orientation", "standard"]


def figure(unit: ProposedUnit, kind: Kind) -> float | None:
    if kind == "area":
        return unit.effective_area_km2
    population = unit.effective_population
    return None if population is None else float(population)


def describe_vi(kind: Kind, measure: Measure) -> str:
    if kind == "area":
        return (
            f"Diện tích tự nhiên {number_vi(measure.value)} km², đạt {percent_vi(measure.percent)}"
            f" tiêu chuẩn ({number_vi(measure.threshold.value)} km²)"
        )
    return (
        f"Quy mô dân số {number_vi(measure.value, 0)} người, đạt {percent_vi(measure.percent)}"
        f" tiêu chuẩn ({number_vi(measure.threshold.value, 0)} người)"
    )


def describe_en(kind: Kind, measure: Measure) -> str:
    if kind == "area":
        return (
            f"Natural area {number_en(measure.value)} km², {percent_en(measure.percent)}"
            f" of the standard ({number_en(measure.threshold.value)} km²)"
        )
    return (
        f"Population {number_en(measure.value, 0)}, {percent_en(measure.percent)}"
        f" of the standard ({number_en(measure.threshold.value, 0)} people)"
    )


def below_threshold(
    unit: ProposedUnit,
    kind: Kind,
    threshold: Threshold | None,
    *,
    rule_id: str,
    citation: Citation,
    yardstick: Yardstick,
) -> list[Violation]:
    value = figure(unit, kind)
    if threshold is None or value is None:
        return []
    measure = Measure(value, threshold)
    if measure.meets:
        return []
    tail_vi = "chưa đạt định hướng" if yardstick == "orientation" else "chưa đạt tiêu chuẩn"
    tail_en = "below the orientation" if yardstick == "orientation" else "below the standard"
    return [
        Violation(
            rule_id=rule_id,
            message_vi=f"{describe_vi(kind, measure)}, {tail_vi} ({threshold.basis_vi}).",
            message_en=f"{describe_en(kind, measure)}; {tail_en} ({threshold.basis_en}).",
            citation=citation,
            value=value,
            threshold=threshold.value,
            percent=measure.percent,
            unit_ids=(unit.id,),
            verified=threshold.verified,
        )
    ]


def scaled(
    ratio: float, threshold: Threshold, *, parameters: tuple[Parameter, ...] = ()
) -> Threshold:
    """`ratio` × a standard, keeping the explanation and the parameters it came from."""
    pct = number_vi(ratio * 100, 0)
    return Threshold(
        value=ratio * threshold.value,
        basis_vi=f"{pct}% × {threshold.basis_vi}",
        basis_en=f"{number_en(ratio * 100, 0)}% × {threshold.basis_en}",
        parameters=(*parameters, *threshold.parameters),
    )


def from_parameter(parameter: Parameter) -> Threshold:
    decimals = 2 if parameter.unit == "km²" else 0
    return Threshold(
        value=parameter.value,
        basis_vi=f"{number_vi(parameter.value, decimals)} {_unit_vi(parameter.unit)}",
        basis_en=f"{number_en(parameter.value, decimals)} {_unit_en(parameter.unit)}",
        parameters=(parameter,),
    )


def _unit_vi(unit: str) -> str:
    return "người" if unit == "people" else unit


def _unit_en(unit: str) -> str:
    return unit


def missing_figures(unit: ProposedUnit, *, citation: Citation, as_at: str = "") -> list[Violation]:
    missing_vi, missing_en = [], []
    if unit.effective_area_km2 is None:
        missing_vi.append("diện tích tự nhiên")
        missing_en.append("natural area")
    if unit.effective_population is None:
        missing_vi.append("quy mô dân số")
        missing_en.append("population")
    if not missing_vi:
        return []
    when_vi = f" tính đến ngày {as_at}" if as_at else ""
    when_en = f" as at {as_at}" if as_at else ""
    return [
        Violation(
            rule_id="figures.missing",
            message_vi=f"Chưa có số liệu {' và '.join(missing_vi)}{when_vi}.",
            message_en=f"No {' or '.join(missing_en)} figure{when_en}.",
            citation=citation,
            unit_ids=(unit.id,),
        )
    ]
