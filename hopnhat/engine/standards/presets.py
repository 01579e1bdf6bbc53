"""Plan options as a province actually applied them."""

from __future__ import annotations

from hopnhat.engine.standards.model import PlanOptions, WardCategory


def hai_phong_2025_options() -> PlanOptions:
    # Đề án 381/ĐA-CP measured Hải Phòng's xã against 21 km² (Red River Delta, 70% of 30) and
    # 16,000 people, and its phường against 21,000, not the 45,000 that Art 5(1)(c) names for a
    # centrally-run city (legal reference §1.4).
    return PlanOptions(
        ward_category=WardCategory.OTHER,
        red_river_delta=True,
        exempt_three_or_more=True,
        count_partial_constituents=True,
        special_zones_exempt=True,
    )
