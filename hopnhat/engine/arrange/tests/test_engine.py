from __future__ import annotations

import numpy as np
import pytest
from shapely.geometry import box

from hopnhat.engine.arrange import Adjacency, Floor, GroupField, Options, Rules, Units, arrange
from hopnhat.engine.arrange.atoms import build_atoms
from hopnhat.engine.arrange.graph import build_adjacency
from hopnhat.engine.arrange.rules import floor_deficit
from hopnhat.engine.arrange.state import State
from hopnhat.engine.arrange.tests.builders import grid, plan_problems, regions_of

POP_ONLY = Rules(
    floors={"xa": Floor(area_km2=0, population=15), "phuong": Floor(area_km2=0, population=15)}
)


def solve(units, adjacency, rules, seed=1, **options):
    return arrange(
        units=units,
        adjacency=adjacency,
        rules=rules,
        options=Options(**options),
        rng=np.random.default_rng(seed),
    )


def test_max_p_splits_a_3x3_grid_of_fives_into_three_regions_of_fifteen():
    """
    x x x      every cell has 5 people; floor 15 people
    x x x  ->  at most 9 * 5 / 15 = 3 regions, and the search finds 3
    x x x
    """
    units, geoms, adjacency = grid(["xxx", "xxx", "xxx"], population=[[5] * 3] * 3)
    result = solve(units, adjacency, POP_ONLY, maximize_count=True)
    assert result.count == 3
    assert result.feasible
    assert result.count_bound == 3
    assert (
        plan_problems(geometries=geoms, units=units, assignment=result.assignment, rules=POP_ONLY)
        == []
    )


def test_one_phuong_makes_its_region_a_phuong_with_the_higher_floor():
    """
    P x x      10 people each; xã floor 20, phường floor 40
    x x x  ->  the phường needs 3 more cells (4 in all), the 2 left over make one xã: 2 regions
    """
    rules = Rules(floors={"xa": Floor(0, 20), "phuong": Floor(0, 40)})
    units, geoms, adjacency = grid(["Pxx", "xxx"], population=[[10] * 3] * 2)
    result = solve(units, adjacency, rules, maximize_count=True)
    assert result.count == 2
    assert sorted(len(r) for r in regions_of(units, result.assignment)) == [2, 4]
    phuong = next(r for r in result.regions if r.kind == "phuong")
    assert units.ids.index("r0c0") in phuong.units
    assert (
        plan_problems(geometries=geoms, units=units, assignment=result.assignment, rules=rules)
        == []
    )


def test_area_and_population_floors_must_both_hold():
    """
    x x x x    10 people and 1 km² each; xã floor 2 km² and 20 people, but also 3 km²:
               floor 3 km² + 20 people -> regions of 3+ cells: 1 region (4 cells cannot make 2)
    """
    rules = Rules(floors={"xa": Floor(3, 20)})
    units, _geoms, adjacency = grid(["xxxx"], population=[[10] * 4])
    result = solve(units, adjacency, rules, maximize_count=True)
    assert result.count == 1
    assert result.feasible


def test_target_count_merges_down_to_the_range():
    """
    x x x x
    x x x x    10 people each, floor 20 -> up to 8 regions; target 3:4 -> 3 or 4 regions
    x x x x
    x x x x
    """
    rules = Rules(floors={"xa": Floor(0, 20)})
    units, geoms, adjacency = grid(["xxxx"] * 4, population=[[10] * 4] * 4)
    result = solve(units, adjacency, rules, target_count=(3, 4))
    assert 3 <= result.count <= 4
    assert result.feasible
    assert (
        plan_problems(geometries=geoms, units=units, assignment=result.assignment, rules=rules)
        == []
    )


def test_target_count_splits_up_to_the_range():
    """
    x x x x x x    10 people each, floor 20, target 6:6: six regions of 2 cells
    x x x x x x
    """
    rules = Rules(floors={"xa": Floor(0, 20)})
    units, _geoms, adjacency = grid(["xxxxxx"] * 2, population=[[10] * 6] * 2)
    result = solve(units, adjacency, rules, target_count=(6, 6))
    assert result.count == 6
    assert result.feasible


def test_same_seed_gives_the_same_plan_and_plans_stay_valid_for_other_seeds():
    rng = np.random.default_rng(7)
    pops = rng.integers(1, 20, size=(6, 6)).tolist()
    rules = Rules(floors={"xa": Floor(2, 30), "phuong": Floor(1, 40)})
    units, geoms, adjacency = grid(
        ["xxPPxx", "xxPPxx", "xxxxxx", "xxxxxx", "xxxxxx", "xxxxxx"], population=pops
    )
    first = solve(units, adjacency, rules, seed=3, maximize_count=True)
    again = solve(units, adjacency, rules, seed=3, maximize_count=True)
    assert first.assignment.tolist() == again.assignment.tolist()
    for seed in (4, 5):
        other = solve(units, adjacency, rules, seed=seed, maximize_count=True)
        assert (
            plan_problems(geometries=geoms, units=units, assignment=other.assignment, rules=rules)
            == []
        )


def test_a_unit_alone_in_its_hard_group_is_named_as_the_blocker():
    """
    x | x x x     the first cell is alone in province A with 10 people; floor 20
    A   B B B     -> no plan; the diagnostic names r0c0 and its province
    """
    province = GroupField(name="old province", labels=["A", "B", "B", "B"], mode="hard")
    rules = Rules(floors={"xa": Floor(0, 20)})
    units, geoms, adjacency = grid(["xxxx"], population=[[10] * 4], groups=[province])
    result = solve(units, adjacency, rules, maximize_count=True)
    assert not result.feasible
    assert any(
        "Xã r0c0 cannot reach 20 people" in m and "old province (A)" in m
        for m in result.diagnostics
    ), result.diagnostics
    assert plan_problems(
        geometries=geoms, units=units, assignment=result.assignment, rules=rules
    ) == ["region 0 is below the xa population floor"]


def test_target_above_the_capacity_bound_is_reported():
    """x x x x, 10 people each, floor 20: at most 2 regions, target 3:4 cannot be met."""
    rules = Rules(floors={"xa": Floor(0, 20)})
    units, _, adjacency = grid(["xxxx"], population=[[10] * 4])
    result = solve(units, adjacency, rules, target_count=(3, 4))
    assert not result.feasible
    assert any("At most 2 regions" in m for m in result.diagnostics)


def test_exemption_lets_three_small_units_form_a_region():
    """x x x, 1 person each, floor 100, exempt from 3 constituents: one exempt region."""
    rules = Rules(floors={"xa": Floor(0, 100)}, exempt_constituents=3)
    units, _, adjacency = grid(["xxx"], population=[[1] * 3])
    result = solve(units, adjacency, rules, maximize_count=True)
    assert result.count == 1
    assert result.feasible
    assert result.regions[0].exempt


def test_fixed_group_stays_one_region_exempt_from_floors_and_contiguity():
    """
    x x x x     cells r0c0 and r0c3 form a fixed group (not even adjacent); the middle two, with
                10 people each and floor 20, form the other region
    """
    rules = Rules(floors={"xa": Floor(0, 20)})
    units, geoms, adjacency = grid(["xxxx"], population=[[1, 10, 10, 1]])
    result = solve(units, adjacency, rules, fixed_groups=[(0, 3)], maximize_count=True)
    assert regions_of(units, result.assignment) == [{"r0c0", "r0c3"}, {"r0c1", "r0c2"}]
    assert result.feasible
    assert (
        plan_problems(
            geometries=geoms,
            units=units,
            assignment=result.assignment,
            rules=rules,
            fixed_groups=[(0, 3)],
        )
        == []
    )


def test_hard_groups_are_never_crossed_and_soft_groups_are_kept_when_possible():
    """
    x x x x     hard: none. soft districts: left two columns L, right two R.
    x x x x     10 people each, floor 40: the only sensible split is L | R
    """
    district = GroupField(name="old district", labels=["L", "L", "R", "R"] * 2, mode="soft")
    rules = Rules(floors={"xa": Floor(0, 40)})
    units, _, adjacency = grid(["xxxx"] * 2, population=[[10] * 4] * 2, groups=[district])
    result = solve(units, adjacency, rules, maximize_count=True)
    assert regions_of(units, result.assignment) == [
        {"r0c0", "r0c1", "r1c0", "r1c1"},
        {"r0c2", "r0c3", "r1c2", "r1c3"},
    ]


def test_must_link_and_cannot_link_pairs_are_respected():
    """
    x x x x     10 people each, floor 20 -> two regions of two; must-link r0c0+r0c1 and
                cannot-link r0c1+r0c2
    """
    rules = Rules(floors={"xa": Floor(0, 20)})
    units, _, adjacency = grid(["xxxx"], population=[[10] * 4])
    result = solve(
        units, adjacency, rules, maximize_count=True, must_link=[(0, 1)], cannot_link=[(1, 2)]
    )
    assert regions_of(units, result.assignment) == [{"r0c0", "r0c1"}, {"r0c2", "r0c3"}]


def test_locked_units_keep_their_label_groups_apart():
    """x x x x x x, 10 people each, floor 20; r0c0 locked to 1, r0c5 to 2: never together."""
    rules = Rules(floors={"xa": Floor(0, 20)})
    base, _, adjacency = grid(["xxxxxx"], population=[[10] * 6])
    locked = np.array([1, -1, -1, -1, -1, 2])
    units = Units(
        ids=base.ids,
        area_km2=base.area_km2,
        population=base.population,
        is_phuong=base.is_phuong,
        locked=locked,
    )
    result = solve(units, adjacency, rules, target_count=(1, 1))
    assert result.assignment[0] != result.assignment[5]


def test_an_island_is_reported_not_silently_joined():
    """Three cells in a row plus one far away with no neighbour."""
    geoms = [
        box(0, 0, 1000, 1000),
        box(1000, 0, 2000, 1000),
        box(2000, 0, 3000, 1000),
        box(9000, 0, 10000, 1000),
    ]
    adjacency = build_adjacency(geoms, source_crs=None)
    assert adjacency.islands == (3,)
    units = Units(
        ids=["a", "b", "c", "far"],
        area_km2=np.ones(4),
        population=np.full(4, 10.0),
        is_phuong=np.zeros(4, bool),
    )
    result = solve(units, adjacency, Rules(floors={"xa": Floor(0, 20)}), maximize_count=True)
    assert any("far touches no other unit" in m for m in result.diagnostics)
    bridged = build_adjacency(geoms, source_crs=None, connect_islands_within=["p"] * 4)
    assert bridged.bridges == ((2, 3),)
    joined = solve(units, bridged, Rules(floors={"xa": Floor(0, 20)}), maximize_count=True)
    assert joined.feasible


def test_shared_boundaries_are_measured_and_corner_touches_ignored():
    geoms = [box(0, 0, 1000, 1000), box(1000, 0, 2000, 2000), box(-1000, 1000, 0, 2000)]
    adjacency = build_adjacency(geoms, source_crs=None)
    assert adjacency.neighbours(0).tolist() == [1]
    assert adjacency.shared_km.tolist()[0] == pytest.approx(1.0)
    assert adjacency.perimeter_km.tolist() == pytest.approx([4.0, 6.0, 4.0])


def test_cancellation_returns_a_complete_plan():
    units, _, adjacency = grid(["xxxx"] * 4, population=[[10] * 4] * 4)
    result = solve(
        units,
        adjacency,
        Rules(floors={"xa": Floor(0, 20)}),
        maximize_count=True,
        should_cancel=lambda: True,
    )
    assert result.stopped_by == "cancelled"
    assert (result.assignment >= 0).all()


def test_progress_is_reported():
    seen = []
    units, _, adjacency = grid(["xxxx"] * 2, population=[[10] * 4] * 2)
    solve(
        units,
        adjacency,
        Rules(floors={"xa": Floor(0, 20)}),
        maximize_count=True,
        progress=seen.append,
    )
    assert seen
    assert seen[-1].violations == 0


def test_the_searchs_inlined_deficit_matches_the_rule():
    rules = Rules(
        floors={"xa": Floor(21, 16000), "phuong": Floor(5.5, 21000)}, exempt_constituents=3
    )
    units, _, adjacency = grid(["x"], population=[[1]])
    state = State(build_atoms(units, adjacency, Options()), rules, Options())
    rng = np.random.default_rng(0)
    for _ in range(200):
        area, pop = float(rng.uniform(0, 40)), float(rng.uniform(0, 40000))
        phuong, size = int(rng.integers(0, 2)), int(rng.integers(1, 5))
        assert state.deficit(area=area, pop=pop, phuong=phuong, size=size) == pytest.approx(
            floor_deficit(
                area_km2=area, population=pop, phuong_units=phuong, constituents=size, rules=rules
            )
        )


def test_must_link_across_a_hard_group_is_refused():
    province = GroupField(name="old province", labels=["A", "B"], mode="hard")
    units, _, adjacency = grid(["xx"], population=[[10, 10]], groups=[province])
    with pytest.raises(ValueError, match="different hard groups"):
        solve(units, adjacency, POP_ONLY, must_link=[(0, 1)])


def test_adjacency_from_edges_is_symmetric():
    adjacency = Adjacency.from_edges(
        size=3, edges=[(0, 1, 2.0), (1, 2, 1.0)], perimeter_km=[4, 6, 4]
    )
    assert adjacency.neighbours(1).tolist() == [0, 2]
    assert adjacency.islands == ()
