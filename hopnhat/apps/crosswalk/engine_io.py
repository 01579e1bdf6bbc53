"""Lineage rows -> the CrosswalkEdge list of the pure re-aggregation engine."""

from __future__ import annotations

import datetime

from hopnhat.apps.territory.models import Level, LineageEdge, Relation, Unit
from hopnhat.engine.crosswalk import CrosswalkEdge


def crosswalk_edges(
    *,
    from_date: datetime.date,
    to_date: datetime.date,
    level: str = Level.COMMUNE,
    province_code: str = "",
) -> list[CrosswalkEdge]:
    """The links from the units valid on `from_date` to those valid on `to_date`.

    Codes are reused across vintages (QĐ 19/2025/QĐ-TTg), so both ends are resolved on their
    own date: "10507" is Phường Cẩm Thượng on 30/6/2025 and Phường Thành Đông on 1/7/2025.
    A unit valid on both dates carries its figures to itself. `province_code` keeps the links
    into one province of `to_date`.
    """
    old_units = Unit.objects.on(from_date).at_level(level)
    new_units = Unit.objects.on(to_date).at_level(level)
    if province_code:
        new_units = new_units.in_province(province_code)
    rows = LineageEdge.objects.filter(old_unit__in=old_units, new_unit__in=new_units).values_list(
        "old_unit__code", "new_unit__code", "relation", "area_share", "population_share"
    )
    edges = [
        CrosswalkEdge(
            old_code=old,
            new_code=new,
            area_share=area,
            population_share=population,
            whole=relation == Relation.WHOLE,
        )
        for old, new, relation, area, population in rows
    ]
    linked = {edge.old_code for edge in edges}
    for code in new_units.filter(pk__in=old_units).values_list("code", flat=True):
        if code not in linked:
            edges.append(CrosswalkEdge(old_code=code, new_code=code))
    return sorted(edges, key=lambda e: (e.old_code, e.new_code))


def units_by_code(*, on: datetime.date, level: str, codes: set[str]) -> dict[str, Unit]:
    # One pass over the vintage (3,321 communes nationwide) rather than an IN list that can
    # pass SQLite's variable limit.
    units = Unit.objects.on(on).at_level(level).only("code", "full_name", "province_code")
    return {unit.code: unit for unit in units if unit.code in codes}


def province_names(*, on: datetime.date) -> dict[str, str]:
    provinces = Unit.objects.on(on).filter(level=Level.PROVINCE)
    return dict(provinces.values_list("code", "full_name"))
