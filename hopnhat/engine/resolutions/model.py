"""What an arrangement resolution of the NA Standing Committee decides, as plain data."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

# Unit types as the resolutions write them (lower case); "huyện" is a communeless island
# district arranged as a whole into a special zone (Bạch Long Vĩ, Côn Đảo, Lý Sơn, …).
UNIT_TYPES = ("xã", "phường", "thị trấn", "đặc khu", "huyện")


def full_name(unit_type: str, name: str) -> str:
    """('phường', 'Thủy Nguyên') -> 'Phường Thủy Nguyên', the way the registry spells it."""
    return f"{unit_type[:1].upper()}{unit_type[1:]} {name}"


@dataclass(frozen=True)
class Constituent:
    """One old unit (or a part of it) named in a clause of Điều 1."""

    name: str
    unit_type: str
    whole: bool
    # The bracket written after the name to tell same-name units apart ("huyện Nam Sách").
    district: str | None = None
    # A bracket written after a later name of the same enumeration ("xã Bình Xuyên và xã
    # Hồng Phong (huyện Ninh Giang)"), or carried from the clause a remainder refers to:
    # a hint only, the resolver decides whether it applies.
    inferred_district: str | None = None
    # "một phần diện tích tự nhiên của …" without "quy mô dân số": the area but no people.
    area_only: bool = False
    # "phần còn lại của … sau khi sắp xếp theo quy định tại khoản N Điều này": clauses N.
    remainder: bool = False
    remainder_of: tuple[int, ...] = ()

    @property
    def full_name(self) -> str:
        return full_name(self.unit_type, self.name)

    @property
    def district_hint(self) -> str | None:
        return self.district or self.inferred_district

    @property
    def is_remainder(self) -> bool:
        return self.remainder


@dataclass(frozen=True)
class NewUnit:
    clause: int
    name: str
    unit_type: str
    constituents: tuple[Constituent, ...]
    # "Đổi tên xã A thành xã B": a rename without merger.
    renamed: bool = False
    # Listed in the closing clause as "không thực hiện sắp xếp" (NQ 76 Art 3).
    unchanged: bool = False

    @property
    def full_name(self) -> str:
        return full_name(self.unit_type, self.name)


@dataclass(frozen=True)
class Resolution:
    number: str  # "1669/NQ-UBTVQH15"
    signed_on: datetime.date | None
    province: str  # "thành phố Hải Phòng"
    units: tuple[NewUnit, ...]  # the clauses of Điều 1 that form a unit, in order
    unchanged: tuple[NewUnit, ...] = ()
    # From the closing clause: "… có 114 đơn vị hành chính cấp xã, gồm 67 xã, 45 phường …"
    declared_total: int | None = None
    declared_by_type: dict[str, int] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()

    @property
    def all_units(self) -> tuple[NewUnit, ...]:
        return self.units + self.unchanged

    def unit_of_clause(self, clause: int) -> NewUnit | None:
        return next((unit for unit in self.units if unit.clause == clause), None)
