"""Shape and balance metrics for comparing arrangement plans. Geometries are in metres."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

from shapely.geometry.base import BaseGeometry


def polsby_popper(geometry: BaseGeometry) -> float | None:
    """4πA/P²: 1 for a disc, near 0 for a ribbon (Polsby & Popper 1991)."""
    perimeter = geometry.length
    if geometry.is_empty or perimeter <= 0:
        return None
    return 4 * math.pi * geometry.area / perimeter**2


def mean(values: Iterable[float | None]) -> float | None:
    known = [v for v in values if v is not None]
    return sum(known) / len(known) if known else None


def coefficient_of_variation(values: Sequence[float]) -> float | None:
    """Population standard deviation over the mean: 0 when every unit is the same size."""
    if not values:
        return None
    average = sum(values) / len(values)
    if average == 0:
        return None
    variance = sum((v - average) ** 2 for v in values) / len(values)
    return math.sqrt(variance) / average


def boundaries_crossed(districts_per_unit: Iterable[set[str]]) -> int:
    """How many old-district lines the new units cross: a unit over k districts crosses k−1."""
    return sum(max(len(d) - 1, 0) for d in districts_per_unit)
