"""Plan-level rules on tiny drawn maps: unit squares on a grid, expected answers written out."""

from __future__ import annotations

from shapely.geometry import MultiPolygon, Point, box

from hopnhat.engine.standards import Constituent, PlanOptions, UnitType, check_plan
from hopnhat.engine.standards.plan_rules import name_key
from hopnhat.engine.standards.rule_sets import NQ76_2025
from hopnhat.engine.standards.tests.builders import phuong, xa

OPTIONS = PlanOptions(red_river_delta=True)


def plan_rule_ids(*units: object, **kwargs: object) -> list[tuple[str, tuple[str, ...]]]:
    check = check_plan(list(units), NQ76_2025, OPTIONS, **kwargs)  # type: ignore[arg-type]
    return [(v.rule_id, v.unit_ids) for v in check.plan_violations]


# Names (NQ 76 Art 7(2)(c))


def test_names_compare_without_case_unicode_form_or_tone_placement() -> None:
    assert name_key("Hòa Bình") == name_key("HOÀ BÌNH") == name_key("Xã hoà  bình")
    assert name_key("Kiến Thụy") == name_key("Kiến Thuỵ")
    assert name_key("Cẩm Giang") != name_key("Cẩm Giàng")


def test_two_units_with_the_same_name_in_the_province_clash() -> None:
    a = xa(id="a", name="Hòa Bình", constituents=())
    b = xa(id="b", name="Hoà Bình", constituents=())
    assert plan_rule_ids(a, b) == [("plan.names_unique", ("a", "b"))]


def test_a_xa_and_a_phuong_may_not_share_a_name_either() -> None:
    a = xa(id="a", name="Hòa Bình", constituents=())
    b = phuong(id="b", name="Hòa Bình", constituents=())
    assert plan_rule_ids(a, b) == [("plan.names_unique", ("a", "b"))]


def test_names_differing_by_a_tone_mark_only_get_an_advisory() -> None:
    a = xa(id="a", name="Cẩm Giang", constituents=())
    b = xa(id="b", name="Cẩm Giàng", constituents=())
    check = check_plan([a, b], NQ76_2025, OPTIONS)
    assert [(v.rule_id, v.advisory) for v in check.plan_violations] == [
        ("plan.names_similar", True)
    ]
    assert check.ok


# Seat inside its unit


def test_a_seat_outside_its_unit_is_flagged() -> None:
    unit = xa(constituents=(), geometry=box(0, 0, 1, 1), seat=Point(1.5, 0.5))
    assert plan_rule_ids(unit) == [("plan.seat_inside", ("x",))]


def test_a_seat_inside_or_on_the_boundary_is_fine() -> None:
    inside = xa(id="a", name="A", constituents=(), geometry=box(0, 0, 1, 1), seat=Point(0.5, 0.5))
    edge = xa(id="b", name="B", constituents=(), geometry=box(0, 0, 1, 1), seat=Point(1, 0.5))
    assert plan_rule_ids(inside, edge) == []


# Contiguity


def test_a_unit_in_two_separate_squares_is_not_contiguous() -> None:
    unit = xa(constituents=(), geometry=MultiPolygon([box(0, 0, 1, 1), box(2, 0, 3, 1)]))
    check = check_plan([unit], NQ76_2025, OPTIONS)
    [violation] = check.plan_violations
    assert (violation.rule_id, violation.value) == ("plan.contiguous", 2.0)


def test_squares_sharing_an_edge_are_one_piece() -> None:
    unit = xa(constituents=(), geometry=MultiPolygon([box(0, 0, 1, 1), box(1, 0, 2, 1)]))
    assert plan_rule_ids(unit) == []


def test_detached_pieces_flagged_as_islands_are_allowed() -> None:
    geometry = MultiPolygon([box(0, 0, 1, 1), box(2, 0, 3, 1)])
    assert plan_rule_ids(xa(constituents=(), geometry=geometry, detached_islands=True)) == []


def test_a_gap_within_the_tolerance_is_not_a_break() -> None:
    unit = xa(constituents=(), geometry=MultiPolygon([box(0, 0, 1, 1), box(1.001, 0, 2, 1)]))
    check = check_plan([unit], NQ76_2025, PlanOptions(contiguity_tolerance=0.01))
    assert check.plan_violations == ()


# Full coverage


def test_an_old_unit_split_60_40_is_fully_assigned() -> None:
    a = xa(id="a", name="A", constituents=(Constituent("o1", whole=False, area_share=0.6),))
    b = xa(id="b", name="B", constituents=(Constituent("o1", whole=False, area_share=0.4),))
    assert plan_rule_ids(a, b, old_unit_ids={"o1"}) == []


def test_an_old_unit_split_60_30_is_under_assigned() -> None:
    a = xa(id="a", name="A", constituents=(Constituent("o1", whole=False, area_share=0.6),))
    b = xa(id="b", name="B", constituents=(Constituent("o1", whole=False, area_share=0.3),))
    check = check_plan([a, b], NQ76_2025, OPTIONS)
    assert [(v.rule_id, round(v.percent, 6)) for v in check.plan_violations] == [
        ("plan.coverage.under", 90.0),
        ("plan.coverage.under", 90.0),  # area, then population (defaults to the area share)
    ]


def test_an_old_unit_given_whole_to_two_units_is_over_assigned() -> None:
    a = xa(id="a", name="A", constituents=(Constituent("o1", name="Xã Lê Lợi"),))
    b = xa(id="b", name="B", constituents=(Constituent("o1", name="Xã Lê Lợi"),))
    check = check_plan([a, b], NQ76_2025, OPTIONS)
    violation = check.plan_violations[0]
    assert (violation.rule_id, violation.percent, violation.unit_ids) == (
        "plan.coverage.over",
        200.0,
        ("a", "b"),
    )
    assert violation.message_vi == (
        "Xã Lê Lợi: tổng tỷ lệ diện tích tự nhiên được phân cho các đơn vị mới là 200%"
        " (vượt quá 100%)."
    )


def test_an_old_unit_of_the_scope_left_out_is_unassigned() -> None:
    unit = xa(constituents=(Constituent("o1", unit_type=UnitType.XA),))
    assert plan_rule_ids(unit, old_unit_ids={"o1", "o2"}) == [("plan.coverage.unassigned", ())]
