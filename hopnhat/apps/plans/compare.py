"""Comparing two plans: units matched across them, the old units that moved, metrics, a map.

New units are matched by key first (a copy keeps its keys), then by the old units they share.
An old unit "moved" when the unit that holds it in one plan is not the match of the unit that
holds it in the other.
"""

from __future__ import annotations

import datetime
import json
from collections import Counter
from typing import Any

from hopnhat.apps.plans.engine_io import PlanSnapshot, UnitSnapshot
from hopnhat.apps.territory.models import Unit
from hopnhat.engine.plan_metrics import (
    boundaries_crossed,
    coefficient_of_variation,
    mean,
    polsby_popper,
)

COMPARED_FIELDS = ("name", "unit_type", "area_km2", "population")


def match_units(a: PlanSnapshot, b: PlanSnapshot) -> dict[str, str]:
    """Key in A -> key in B."""
    b_keys = {u.key for u in b.units}
    matched = {u.key: u.key for u in a.units if u.key in b_keys}
    left = [u for u in a.units if u.key not in matched]
    free = {u.key: _codes(u) for u in b.units if u.key not in matched.values()}
    for unit in sorted(left, key=lambda u: -len(u.constituents)):
        codes = _codes(unit)
        best = max(free, key=lambda k: len(free[k] & codes), default=None)
        if best is not None and free[best] & codes:
            matched[unit.key] = best
            del free[best]
    return matched


def _codes(unit: UnitSnapshot) -> set[str]:
    return {c.old_code for c in unit.constituents}


def _holders(snapshot: PlanSnapshot) -> dict[str, set[str]]:
    holders: dict[str, set[str]] = {}
    for unit in snapshot.units:
        for c in unit.constituents:
            holders.setdefault(c.old_code, set()).add(unit.key)
    return holders


def moved_old_units(
    a: PlanSnapshot, b: PlanSnapshot, matches: dict[str, str]
) -> list[dict[str, Any]]:
    in_a, in_b = _holders(a), _holders(b)
    names = {c.old_code: c.old_name for s in (a, b) for u in s.units for c in u.constituents}
    a_names = {u.key: u.full_name for u in a.units}
    b_names = {u.key: u.full_name for u in b.units}
    moved = []
    for code in sorted(in_a.keys() | in_b.keys()):
        mapped = {matches.get(k) for k in in_a.get(code, set())}
        if mapped != in_b.get(code, set()):
            moved.append(
                {
                    "old_code": code,
                    "old_name": names[code],
                    "from": sorted(in_a.get(code, set())),
                    "from_names": sorted(a_names[k] for k in in_a.get(code, set())),
                    "to": sorted(in_b.get(code, set())),
                    "to_names": sorted(b_names[k] for k in in_b.get(code, set())),
                }
            )
    return moved


def unit_differences(
    a: PlanSnapshot, b: PlanSnapshot, matches: dict[str, str]
) -> list[dict[str, Any]]:
    units_b = {u.key: u for u in b.units}
    rows: list[dict[str, Any]] = []
    for unit in a.units:
        other = units_b.get(matches.get(unit.key, ""))
        if other is None:
            rows.append({"key": unit.key, "full_name": unit.full_name, "change": "removed"})
            continue
        fields = {
            f: [getattr(unit, f), getattr(other, f)]
            for f in COMPARED_FIELDS
            if getattr(unit, f) != getattr(other, f)
        }
        status = [_status(a, unit), _status(b, other)]
        gained, lost = _codes(other) - _codes(unit), _codes(unit) - _codes(other)
        if fields or gained or lost or status[0] != status[1]:
            rows.append(
                {
                    "key": unit.key,
                    "other_key": other.key,
                    "full_name": unit.full_name,
                    "other_full_name": other.full_name,
                    "change": "changed",
                    "fields": fields,
                    "status": status,
                    "old_units_gained": sorted(gained),
                    "old_units_lost": sorted(lost),
                }
            )
    matched_b = set(matches.values())
    rows += [
        {"key": u.key, "full_name": u.full_name, "change": "added"}
        for u in b.units
        if u.key not in matched_b
    ]
    return rows


def _status(snapshot: PlanSnapshot, unit: UnitSnapshot) -> str:
    return snapshot.result(unit.key).status.value if snapshot.check and unit.unit_type else ""


def metrics(snapshot: PlanSnapshot) -> dict[str, Any]:
    statuses = Counter(_status(snapshot, u) for u in snapshot.units)
    count = len(snapshot.units)
    populations = [float(u.population) for u in snapshot.units if u.population is not None]
    compactness = mean(polsby_popper(g) for g in snapshot.geometries.values())
    return {
        "units": count,
        "by_type": dict(sorted(Counter(u.unit_type for u in snapshot.units).items())),
        "pass": statuses["pass"],
        "exempt": statuses["exempt"],
        "fail": statuses["fail"],
        "share_passing": (statuses["pass"] + statuses["exempt"]) / count if count else None,
        "mean_polsby_popper": None if compactness is None else round(compactness, 4),
        "district_boundaries_crossed": boundaries_crossed(
            {c.old_district_code for c in u.constituents} for u in snapshot.units
        ),
        "units_across_districts": sum(
            len({c.old_district_code for c in u.constituents}) > 1 for u in snapshot.units
        ),
        "mean_population": round(sum(populations) / len(populations)) if populations else None,
        "population_cv": (
            None if (cv := coefficient_of_variation(populations)) is None else round(cv, 4)
        ),
    }


def overlay(moved: list[dict[str, Any]], day: datetime.date) -> dict[str, Any]:
    """GeoJSON of the old units that moved, for a map layer (lon/lat, simplified)."""
    codes = [m["old_code"] for m in moved]
    shapes = dict(
        Unit.objects.on(day)
        .filter(code__in=codes, is_commune_tier=True)
        .exclude(geometry_simplified="")
        .values_list("code", "geometry_simplified")
    )
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": json.loads(shapes[m["old_code"]]),
                "properties": dict(m.items()),
            }
            for m in moved
            if m["old_code"] in shapes
        ],
    }


def compare_plans(a: PlanSnapshot, b: PlanSnapshot, *, with_overlay: bool = True) -> dict[str, Any]:
    matches = match_units(a, b)
    moved = moved_old_units(a, b, matches)
    return {
        "plans": [
            {"id": s.plan_id, "name": s.name, "version": s.version, "status": s.status}
            for s in (a, b)
        ],
        "units": unit_differences(a, b, matches),
        "moved_old_units": moved,
        "metrics": [metrics(a), metrics(b)],
        "overlay": overlay(moved, a.base_date) if with_overlay else None,
    }
