"""Plain input of the dossier builders; the plans app converts its models to these."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from shapely.geometry.base import BaseGeometry


@dataclass(frozen=True)
class DossierConstituent:
    name: str  # "Quốc Tuấn", without its type
    unit_type: str  # "xã", "phường", "thị trấn", "huyện" (a communeless island district)
    district: str  # "huyện Nam Sách": printed in brackets when the name is not unique
    whole: bool
    area_km2: float | None = None  # the area this unit gives to the new unit
    population: int | None = None
    code: str | None = None  # the registry code, carried through for the callers

    @property
    def full_name(self) -> str:
        return f"{self.unit_type[:1].upper()}{self.unit_type[1:]} {self.name}"


@dataclass(frozen=True)
class DossierUnit:
    stt: int
    name: str  # "Trần Phú"
    unit_type: str  # "xã", "phường", "đặc khu"
    constituents: tuple[DossierConstituent, ...]
    area_km2: float | None = None
    area_pct: float | None = None  # % of the area threshold used
    population: int | None = None
    population_pct: float | None = None
    meets: str = ""  # "Đạt định hướng" or the exemption that applies, with its reason
    seat: str = ""
    name_reason: str = ""
    special_factors: str = ""

    @property
    def full_name(self) -> str:
        return f"{self.unit_type[:1].upper()}{self.unit_type[1:]} {self.name}"

    @property
    def n_old_units(self) -> int:
        return len(self.constituents)


@dataclass(frozen=True)
class DossierNotArranged:
    """A unit kept as it is (NQ 76/2025 Art 3), with the reason."""

    name: str
    unit_type: str
    district: str
    reason: str = ""
    area_km2: float | None = None
    population: int | None = None

    @property
    def full_name(self) -> str:
        return f"{self.unit_type[:1].upper()}{self.unit_type[1:]} {self.name}"


@dataclass(frozen=True)
class DossierPlan:
    province: str  # "thành phố Hải Phòng"
    scheme_title: str  # "Đề án sắp xếp đơn vị hành chính cấp xã của thành phố Hải Phòng năm 2025"
    units: tuple[DossierUnit, ...]
    not_arranged: tuple[DossierNotArranged, ...] = ()
    effective_date: datetime.date | None = None
    issuer: str = ""  # "Ủy ban nhân dân thành phố Hải Phòng"
    place: str = ""  # "Hải Phòng": the place of the date line of the scheme
    year: int = 2025
    # Thresholds the percentages were measured against, printed under the tables.
    thresholds_note: str = ""


@dataclass(frozen=True)
class MapFeature:
    label: str
    geometry: BaseGeometry  # lon/lat (EPSG:4326)
    fill_class: str  # features of one class share a colour and a legend entry


@dataclass(frozen=True)
class MapPage:
    title: str
    features: tuple[MapFeature, ...]
    subtitle: str = ""
    boundaries: tuple[BaseGeometry, ...] = field(default=())  # drawn over, unfilled
