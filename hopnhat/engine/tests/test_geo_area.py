from __future__ import annotations

import pytest
from shapely.geometry import MultiPolygon, box
from shapely.geometry.polygon import orient

from hopnhat.engine.geo import geodesic_area_km2, geodesic_area_m2


def test_a_degree_square_at_the_equator_has_its_textbook_area():
    # 1° × 1° at the equator on WGS 84: 12 308.8 km² (GeographicLib).
    assert geodesic_area_km2(box(0, 0, 1, 1)) == pytest.approx(12308.778, rel=1e-6)


def test_ring_orientation_and_holes_do_not_change_or_cancel_areas():
    cell = box(106.6, 20.8, 106.7, 20.9)
    with_hole = cell.difference(box(106.62, 20.82, 106.68, 20.88))
    both_ways = MultiPolygon([orient(cell, 1.0), orient(box(107, 20.8, 107.1, 20.9), -1.0)])

    assert geodesic_area_m2(orient(cell, -1.0)) == pytest.approx(geodesic_area_m2(cell))
    assert geodesic_area_m2(with_hole) == pytest.approx(
        geodesic_area_m2(cell) - geodesic_area_m2(box(106.62, 20.82, 106.68, 20.88))
    )
    assert geodesic_area_m2(both_ways) == pytest.approx(2 * geodesic_area_m2(cell), rel=1e-3)
