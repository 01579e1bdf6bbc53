"""Adjacency from polygons: the only module of the optimizer that touches geometry."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import shapely
from pyproj import Transformer
from shapely.geometry.base import BaseGeometry

from hopnhat.engine.arrange.problem import Adjacency

# Albers equal-area for northern Vietnam, as used for the shared data set's shares and IoU.
NORTH_VIETNAM_ALBERS = "+proj=aea +lat_1=20 +lat_2=22 +lat_0=21 +lon_0=106.5 +datum=WGS84 +units=m"


def project(
    geometries: Sequence[BaseGeometry], *, source_crs: str = "EPSG:4326", target_crs: str
) -> np.ndarray:
    transformer = Transformer.from_crs(source_crs, target_crs, always_xy=True)
    array = np.asarray(geometries, dtype=object)
    return shapely.transform(
        array, lambda xy: np.column_stack(transformer.transform(xy[:, 0], xy[:, 1]))
    )


def build_adjacency(
    geometries: Sequence[BaseGeometry],
    *,
    source_crs: str | None = "EPSG:4326",
    equal_area_crs: str = NORTH_VIETNAM_ALBERS,
    tolerance_m: float = 0.0,
    connect_islands_within: Sequence[str] | None = None,
) -> Adjacency:
    """Rook adjacency weighted by shared boundary length (km) in an equal-area projection.

    `source_crs=None` means the geometries are already in metres. Units with no neighbour are
    listed in `islands`; they are bridged to the nearest unit with the same label only when
    `connect_islands_within` (one label per unit, e.g. the old province) is given.
    """
    if source_crs is None:
        shapes = np.asarray(geometries, dtype=object)
    else:
        shapes = project(geometries, source_crs=source_crs, target_crs=equal_area_crs)
    tree = shapely.STRtree(shapes)
    if tolerance_m > 0:
        left, right = tree.query(shapes, predicate="dwithin", distance=tolerance_m)
    else:
        left, right = tree.query(shapes, predicate="intersects")
    keep = left < right
    left, right = left[keep], right[keep]
    boundaries = shapely.boundary(shapes)
    if tolerance_m > 0:
        grown = shapely.buffer(shapes, tolerance_m)
        shared = shapely.length(shapely.intersection(boundaries[right], grown[left]))
        # A corner touch leaves two stubs of about one tolerance each: not a shared edge.
        touching = shared > 4 * tolerance_m
    else:
        shared = shapely.length(shapely.intersection(boundaries[left], boundaries[right]))
        touching = shared > 0
    edges = [
        (int(a), int(b), float(length) / 1000.0)
        for a, b, length in zip(left[touching], right[touching], shared[touching], strict=True)
    ]
    perimeter_km = shapely.length(shapes) / 1000.0
    size = len(shapes)
    bridges: list[tuple[int, int]] = []
    if connect_islands_within is not None:
        degree = np.zeros(size, dtype=int)
        for a, b, _ in edges:
            degree[a] += 1
            degree[b] += 1
        labels = np.asarray(connect_islands_within, dtype=object)
        for island in np.flatnonzero(degree == 0):
            candidates = np.flatnonzero((labels == labels[island]) & (np.arange(size) != island))
            if len(candidates) == 0:
                continue
            distances = shapely.distance(shapes[island], shapes[candidates])
            nearest = int(candidates[int(np.argmin(distances))])
            bridges.append((int(island), nearest))
        edges.extend((a, b, 0.0) for a, b in bridges)
    return Adjacency.from_edges(size=size, edges=edges, perimeter_km=perimeter_km, bridges=bridges)


def grid_adjacency(*, rows: int, cols: int, cell_km: float = 1.0) -> Adjacency:
    """Rook adjacency of a rows x cols grid of square cells, numbered row by row."""
    edges = []
    for r in range(rows):
        for c in range(cols):
            i = r * cols + c
            if c + 1 < cols:
                edges.append((i, i + 1, cell_km))
            if r + 1 < rows:
                edges.append((i, i + cols, cell_km))
    return Adjacency.from_edges(
        size=rows * cols, edges=edges, perimeter_km=np.full(rows * cols, 4.0 * cell_km)
    )
