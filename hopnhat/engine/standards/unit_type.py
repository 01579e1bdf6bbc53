"""The type of a new unit follows from its constituents (NQ 76 Art 1(3))."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from hopnhat.engine.standards.model import UnitType


@dataclass(frozen=True)
class TypeDecision:
    unit_type: UnitType
    derived: UnitType
    override_reason: str | None = None

    @property
    def overridden(self) -> bool:
        return self.unit_type is not self.derived


def derive_unit_type(
    constituent_types: Iterable[UnitType], *, special_zone: bool = False
) -> UnitType:
    # Art 1(3): any phường among the merged units gives a phường; xã and thị trấn give a xã.
    if special_zone:
        return UnitType.DAC_KHU
    return UnitType.PHUONG if UnitType.PHUONG in set(constituent_types) else UnitType.XA


def decide_unit_type(
    constituent_types: Iterable[UnitType],
    *,
    special_zone: bool = False,
    override: UnitType | None = None,
    override_reason: str | None = None,
) -> TypeDecision:
    derived = derive_unit_type(constituent_types, special_zone=special_zone)
    if override is None or override is derived:
        return TypeDecision(derived, derived)
    if not (override_reason and override_reason.strip()):
        raise ValueError(f"overriding the type {derived} with {override} needs a reason")
    return TypeDecision(override, derived, override_reason.strip())
