from __future__ import annotations

import pytest
from shapely.geometry import box

from hopnhat.engine.geo import check_coverage, geodesic_area_m2
from hopnhat.engine.tests.geo_builders import real_communes

# A 2×2 grid of 0.01° cells south-west of Hải Phòng (about 1.04 × 1.11 km each):
#
#     C | D        C reaches 0.001° into D (an overlap of 0.001 × 0.01°);
#    ---+---       A, B, C and D each lose a 0.001° corner at the centre
#     A | B        (a 0.002 × 0.002° hole where they meet).
#
X, Y, S, E = 106.60, 20.80, 0.01, 0.001


def grid_with_one_gap_and_one_overlap() -> list[tuple[str, object]]:
    cx, cy = X + S, Y + S  # the centre of the grid
    notch = box(cx - E, cy - E, cx + E, cy + E)
    return [
        ("A", box(X, Y, cx, cy).difference(notch)),
        ("B", box(cx, Y, cx + S, cy).difference(notch)),
        ("C", box(X, cy, cx + E, cy + S).difference(notch)),
        ("D", box(cx, cy, cx + S, cy + S).difference(notch)),
    ]


def test_a_2x2_grid_has_exactly_its_one_gap_and_its_one_overlap():
    report = check_coverage(grid_with_one_gap_and_one_overlap())

    [overlap] = report.overlaps
    [gap] = report.gaps
    assert overlap.codes == ("C", "D")
    assert overlap.geometry.bounds == pytest.approx((X + S, Y + S + E, X + S + E, Y + 2 * S))
    assert overlap.area_m2 == pytest.approx(geodesic_area_m2(overlap.geometry), rel=1e-4)
    assert gap.neighbours == ("A", "B", "C", "D")
    assert gap.geometry.bounds == pytest.approx((X + S - E, Y + S - E, X + S + E, Y + S + E))
    assert gap.area_m2 == pytest.approx(geodesic_area_m2(gap.geometry), rel=1e-4)
    assert not report.clean


def test_a_clean_grid_and_slivers_below_the_threshold_report_nothing():
    cells = [("A", box(X, Y, X + S, Y + S)), ("B", box(X + S, Y, X + 2 * S, Y + S + 1e-7))]
    sliver = [("A", cells[0][1]), ("B", box(X + S - 1e-7, Y, X + 2 * S, Y + S))]

    assert check_coverage(cells).clean
    assert check_coverage(sliver).clean  # ~1 m² overlap, under the 100 m² default
    assert len(check_coverage(sliver, min_area_m2=0.1).overlaps) == 1


def test_the_real_hai_phong_communes_check_in_reasonable_time():
    communes = real_communes(500)

    report = check_coverage(communes)

    # The data README says the legacy layer was dissolved from one source: no big defects.
    assert all(o.area_m2 < 1e6 for o in report.overlaps)
