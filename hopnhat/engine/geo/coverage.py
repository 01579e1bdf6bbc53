"""Gaps and overlaps between the units of one vintage, for listing and drawing on a map.

Units of one date should tile their parent: any area two units claim (overlap) or no unit
claims inside the outer boundary (gap) is a digitising or legal-boundary defect to resolve.
Geometry work runs in an equal-area projection so thresholds are in square metres.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import shapely
from pyproj import CRS
from shapely import STRtree
from shapely.geometry import Polygon
from shapely.geometry.base import BaseGeometry

from hopnhat.engine.geo.area import VIETNAM_ALBERS
from hopnhat.engine.geo.crs import WGS84, reproject_geometry, transformer_between
from hopnhat.engine.geo.validation import polygonal_part

# Coordinates rounded to 1e-6° (our data) move edges by up to ~0.1 m, so two neighbours
# digitised separately overlap or part by slivers of a few m² per km of boundary: below
# 100 m² is noise, above it someone should look.
DEFAULT_MIN_AREA_M2 = 100.0
# A gap's neighbours touch it only up to floating-point noise.
_NEIGHBOUR_DISTANCE_M = 1.0


@dataclass(frozen=True)
class Overlap:
    codes: tuple[str, str]
    geometry: BaseGeometry  # EPSG:4326
    area_m2: float


@dataclass(frozen=True)
class Gap:
    neighbours: tuple[str, ...]
    geometry: BaseGeometry  # EPSG:4326
    area_m2: float


@dataclass(frozen=True)
class CoverageReport:
    overlaps: tuple[Overlap, ...]
    gaps: tuple[Gap, ...]

    @property
    def clean(self) -> bool:
        return not self.overlaps and not self.gaps


def check_coverage(
    units: Sequence[tuple[str, BaseGeometry]],
    *,
    min_area_m2: float = DEFAULT_MIN_AREA_M2,
    equal_area_crs: CRS = VIETNAM_ALBERS,
) -> CoverageReport:
    """Overlaps between pairs of units and gaps (holes in their union), each at least
    `min_area_m2`. `units` are (code, lon/lat geometry) pairs of one vintage."""
    codes = [code for code, _ in units]
    forward = transformer_between(WGS84, equal_area_crs)
    projected = [reproject_geometry(geometry, forward) for _, geometry in units]
    back = transformer_between(equal_area_crs, WGS84)
    overlaps = find_overlaps(codes, projected, min_area_m2)
    gaps = find_gaps(codes, projected, min_area_m2)
    return CoverageReport(
        overlaps=tuple(
            Overlap(o.codes, reproject_geometry(o.geometry, back), o.area_m2) for o in overlaps
        ),
        gaps=tuple(
            Gap(g.neighbours, reproject_geometry(g.geometry, back), g.area_m2) for g in gaps
        ),
    )


def find_overlaps(
    codes: Sequence[str], geometries: Sequence[BaseGeometry], min_area: float
) -> list[Overlap]:
    """Pairwise overlaps of planar geometries (areas in their units), candidates from an STRtree."""
    tree = STRtree(geometries)
    left, right = tree.query(geometries, predicate="intersects")
    overlaps = []
    for i, j in zip(left.tolist(), right.tolist(), strict=True):
        if i >= j:
            continue  # each pair once, and not a unit with itself
        shared = polygonal_part(shapely.intersection(geometries[i], geometries[j]))
        if shared is not None and shared.area >= min_area:
            overlaps.append(Overlap((codes[i], codes[j]), shared, float(shared.area)))
    return overlaps


def find_gaps(
    codes: Sequence[str], geometries: Sequence[BaseGeometry], min_area: float
) -> list[Gap]:
    """Holes of the union of planar geometries, with the units bordering each hole."""
    union = shapely.union_all(np.array(geometries, dtype=object))
    holes = [
        Polygon(ring)
        for part in shapely.get_parts(union)
        if isinstance(part, Polygon)
        for ring in part.interiors
    ]
    tree = STRtree(geometries)
    gaps = []
    for hole in holes:
        if hole.area < min_area:
            continue
        nearby = tree.query(hole, predicate="dwithin", distance=_NEIGHBOUR_DISTANCE_M)
        neighbours = tuple(sorted(codes[i] for i in nearby.tolist()))
        gaps.append(Gap(neighbours, hole, float(hole.area)))
    return gaps
