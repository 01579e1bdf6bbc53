"""Tiny drawn maps and an independent plan validator for the arrangement tests."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import shapely
from shapely.geometry import box
from shapely.geometry.base import BaseGeometry

from hopnhat.engine.arrange import Adjacency, GroupField, Rules, Units
from hopnhat.engine.arrange.graph import build_adjacency


def grid(
    rows: Sequence[str],
    *,
    population: Sequence[Sequence[float]],
    groups: Sequence[GroupField] = (),
) -> tuple[Units, list[BaseGeometry], Adjacency]:
    """Cells drawn as text: 'P' is a phường, 'x' a xã, '.' no cell. Cells are 1 km squares."""
    ids, pops, phuong, geoms = [], [], [], []
    for r, line in enumerate(rows):
        for c, char in enumerate(line):
            if char == ".":
                continue
            ids.append(f"r{r}c{c}")
            pops.append(population[r][c])
            phuong.append(char == "P")
            # Metres, row 0 on top.
            geoms.append(box(c * 1000.0, -(r + 1) * 1000.0, (c + 1) * 1000.0, -r * 1000.0))
    units = Units(
        ids=ids,
        names=[f"{'Phường' if p else 'Xã'} {i}" for i, p in zip(ids, phuong, strict=True)],
        area_km2=np.ones(len(ids)),
        population=np.array(pops, dtype=float),
        is_phuong=np.array(phuong),
        groups=tuple(groups),
    )
    return units, geoms, build_adjacency(geoms, source_crs=None)


def regions_of(units: Units, assignment: np.ndarray) -> list[set[str]]:
    out: dict[int, set[str]] = {}
    for unit_id, region in zip(units.ids, assignment.tolist(), strict=True):
        out.setdefault(region, set()).add(unit_id)
    return sorted(out.values(), key=lambda s: sorted(s))


def plan_problems(
    *,
    geometries: Sequence[BaseGeometry],
    units: Units,
    assignment: np.ndarray,
    rules: Rules,
    fixed_groups: Sequence[Sequence[int]] = (),
) -> list[str]:
    """Check a plan from the polygons and raw numbers only, never the optimizer's bookkeeping."""
    problems = []
    if len(assignment) != units.size or (assignment < 0).any():
        return ["not every unit is assigned exactly once"]
    fixed = {u for group in fixed_groups for u in group}
    shapes = np.asarray(geometries, dtype=object)
    for region in np.unique(assignment):
        members = np.flatnonzero(assignment == region)
        if set(members.tolist()) <= fixed:
            continue
        if not _connected(shapes[members]):
            problems.append(f"region {region} is not contiguous")
        for group in units.groups:
            if group.mode == "hard" and len({group.labels[u] for u in members}) > 1:
                problems.append(f"region {region} crosses {group.name}")
        k = rules.exempt_constituents
        if k is not None and len(members) >= k:
            continue
        kind = "phuong" if units.is_phuong[members].any() else "xa"
        floor = rules.floors.get(kind)  # type: ignore[call-overload]
        if floor is None:
            continue
        if units.population[members].sum() < floor.population:
            problems.append(f"region {region} is below the {kind} population floor")
        if units.area_km2[members].sum() < floor.area_km2:
            problems.append(f"region {region} is below the {kind} area floor")
    return problems


def _connected(shapes: np.ndarray) -> bool:
    if shapely.union_all(shapes).geom_type == "Polygon":
        return True
    # Union is several parts: they must still chain through shared edges.
    seen, stack = {0}, [0]
    while stack:
        i = stack.pop()
        for j in range(len(shapes)):
            if (
                j not in seen
                and shapely.intersection(shapes[i].boundary, shapes[j].boundary).length > 0
            ):
                seen.add(j)
                stack.append(j)
    return len(seen) == len(shapes)
