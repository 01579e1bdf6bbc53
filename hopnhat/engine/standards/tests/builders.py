"""Plain builders for hand-made units."""

from __future__ import annotations

from typing import Any

from hopnhat.engine.standards import Constituent, ProposedUnit, SpecialFactors, UnitType


def old_units(*types: UnitType, prefix: str = "old") -> tuple[Constituent, ...]:
    return tuple(Constituent(f"{prefix}{i}", unit_type=t) for i, t in enumerate(types, 1))


def xa(area: float = 40.0, population: int = 20_000, **kwargs: Any) -> ProposedUnit:
    kwargs.setdefault("constituents", old_units(UnitType.XA, UnitType.XA))
    return ProposedUnit(
        id=kwargs.pop("id", "x"),
        name=kwargs.pop("name", "An Bình"),
        unit_type=UnitType.XA,
        area_km2=area,
        population=population,
        **kwargs,
    )


def phuong(area: float = 8.0, population: int = 30_000, **kwargs: Any) -> ProposedUnit:
    kwargs.setdefault("constituents", old_units(UnitType.PHUONG, UnitType.XA))
    return ProposedUnit(
        id=kwargs.pop("id", "p"),
        name=kwargs.pop("name", "Hòa Bình"),
        unit_type=UnitType.PHUONG,
        area_km2=area,
        population=population,
        **kwargs,
    )


def factors(**kwargs: Any) -> SpecialFactors:
    return SpecialFactors(**kwargs)
