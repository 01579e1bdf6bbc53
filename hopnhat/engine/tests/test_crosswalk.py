from __future__ import annotations

import pytest

from hopnhat.engine.crosswalk import CrosswalkEdge, reaggregate

ROWS = {"A": {"pop": 100, "schools": 2}, "B": {"pop": 200, "schools": 4}, "Z": {"pop": 7}}
EDGES = [
    CrosswalkEdge("A", "X"),
    CrosswalkEdge("B", "X", area_share=0.1, population_share=0.25, whole=False),
    CrosswalkEdge("B", "Y", area_share=0.9, population_share=0.75, whole=False),
]


def test_a_divided_unit_is_split_by_population_and_unmatched_codes_are_listed():
    result = reaggregate(ROWS, EDGES, weighting="population")

    assert result.totals == {
        "X": {"pop": 150.0, "schools": 3.0},
        "Y": {"pop": 150.0, "schools": 3.0},
    }
    assert result.unmatched_codes == ("Z",)


def test_a_divided_unit_is_split_by_area_on_request():
    result = reaggregate(ROWS, EDGES, weighting="area")

    assert result.totals["X"]["pop"] == pytest.approx(120.0)
    assert result.totals["Y"]["pop"] == pytest.approx(180.0)


def test_shares_that_do_not_add_up_to_one_still_preserve_column_totals():
    # Digitised area shares: 0.964 + 0.021 for a unit that was split in two.
    edges = [
        CrosswalkEdge("B", "X", area_share=0.964, whole=False),
        CrosswalkEdge("B", "Y", area_share=0.021, whole=False),
    ]

    result = reaggregate({"B": {"pop": 985}}, edges, weighting="area")

    assert result.totals == {"X": {"pop": pytest.approx(964.0)}, "Y": {"pop": pytest.approx(21.0)}}


def test_a_whole_unit_moves_entirely_even_if_its_share_says_otherwise():
    result = reaggregate(
        {"A": {"pop": 10}}, [CrosswalkEdge("A", "X", area_share=0.96)], weighting="area"
    )

    assert result.totals == {"X": {"pop": 10.0}}


def test_a_divided_unit_without_the_chosen_share_is_reported_not_guessed():
    edges = [
        CrosswalkEdge("B", "X", area_share=0.5, whole=False),
        CrosswalkEdge("B", "Y", whole=False),
    ]

    result = reaggregate({"B": {"pop": 10}}, edges, weighting="population")

    assert result.totals == {}
    assert result.unweighted_codes == ("B",)
    assert result.unmatched_codes == ()
