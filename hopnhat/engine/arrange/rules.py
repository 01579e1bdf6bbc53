"""The legal tests a region must pass, as small named functions shared by optimizer and report."""

from __future__ import annotations

import math

from hopnhat.engine.arrange.problem import Rules, UnitType, Violation


def region_kind(*, phuong_units: int) -> UnitType:
    # Any phường among the constituents makes the new unit a phường.
    return "phuong" if phuong_units > 0 else "xa"


def is_exempt(*, constituents: int, rules: Rules) -> bool:
    k = rules.exempt_constituents
    return k is not None and constituents >= k


def floor_deficit(
    *, area_km2: float, population: float, phuong_units: int, constituents: int, rules: Rules
) -> float:
    """Relative shortfall against the floors (0 when met): the optimizer's first objective."""
    if is_exempt(constituents=constituents, rules=rules):
        return 0.0
    floor = rules.floors.get(region_kind(phuong_units=phuong_units))
    if floor is None:
        return 0.0
    deficit = 0.0
    if floor.area_km2 > 0 and area_km2 < floor.area_km2:
        deficit += 1.0 - area_km2 / floor.area_km2
    if floor.population > 0 and population < floor.population:
        deficit += 1.0 - population / floor.population
    return deficit


def polsby_popper(*, area_km2: float, perimeter_km: float) -> float:
    return 4.0 * math.pi * area_km2 / perimeter_km**2 if perimeter_km > 0 else 0.0


KIND_NAMES = {"xa": "xã", "phuong": "phường"}


def floor_violations(
    *,
    region: int,
    unit_ids: tuple[str, ...],
    area_km2: float,
    population: float,
    phuong_units: int,
    rules: Rules,
) -> list[Violation]:
    if is_exempt(constituents=len(unit_ids), rules=rules):
        return []
    kind = region_kind(phuong_units=phuong_units)
    floor = rules.floors.get(kind)
    if floor is None:
        return []
    found = []
    label = f"Region {region} ({KIND_NAMES[kind]}, units {', '.join(unit_ids)})"
    if population < floor.population:
        found.append(
            Violation(
                rule="population_at_least_floor",
                message=f"{label} has {population:,.0f} people, below the {KIND_NAMES[kind]} "
                f"floor of {floor.population:,.0f}",
                region=region,
                units=unit_ids,
            )
        )
    if area_km2 < floor.area_km2:
        found.append(
            Violation(
                rule="area_at_least_floor",
                message=f"{label} has {area_km2:,.2f} km², below the {KIND_NAMES[kind]} "
                f"floor of {floor.area_km2:,.2f} km²",
                region=region,
                units=unit_ids,
            )
        )
    return found


def count_distance(*, count: int, target: tuple[int, int] | None) -> int:
    if target is None:
        return 0
    low, high = target
    return max(0, low - count, count - high)
