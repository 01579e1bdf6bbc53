"""Re-aggregate a table keyed by old unit codes onto the new units of an arrangement.

A whole old unit passes all of its figures to its one successor. A divided old unit passes
them out in proportion to the chosen share (area or population) of its edges; shares are
normalised over the unit's edges so column totals are preserved even when published shares
do not add up to exactly 1 (rounding, or a digitised "whole" unit at 0.964 of its area).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

Weighting = Literal["area", "population"]


@dataclass(frozen=True)
class CrosswalkEdge:
    old_code: str
    new_code: str
    area_share: float | None = None  # of the old unit's area going to new_code
    population_share: float | None = None  # of the old unit's population going to new_code
    whole: bool = True


@dataclass(frozen=True)
class Reaggregation:
    totals: dict[str, dict[str, float]]  # new code → column → sum
    unmatched_codes: tuple[str, ...]  # old codes in the table but not in the crosswalk
    unweighted_codes: tuple[str, ...] = ()  # divided old codes lacking the chosen share
    shares_used: dict[str, dict[str, float]] = field(default_factory=dict)  # old → new → weight


def reaggregate(
    rows: Mapping[str, Mapping[str, float]],
    edges: Sequence[CrosswalkEdge],
    *,
    weighting: Weighting = "population",
) -> Reaggregation:
    """Sum each numeric column of `rows` (old code → column → value) onto the new codes.

    Example: "A" became "X" whole; "B" was divided, 25% of its population (10% of its area)
    to "X" and the rest to "Y"; "Z" is not in the crosswalk::

        rows = {"A": {"pop": 100}, "B": {"pop": 200}, "Z": {"pop": 7}}
        edges = [CrosswalkEdge("A", "X"),
                 CrosswalkEdge("B", "X", area_share=0.1, population_share=0.25, whole=False),
                 CrosswalkEdge("B", "Y", area_share=0.9, population_share=0.75, whole=False)]
        reaggregate(rows, edges, weighting="population")
        # totals {"X": {"pop": 150.0}, "Y": {"pop": 150.0}}, unmatched_codes ("Z",)
        reaggregate(rows, edges, weighting="area")
        # totals {"X": {"pop": 120.0}, "Y": {"pop": 180.0}}
    """
    weights, unweighted = split_weights(edges, weighting=weighting)
    # Unweighted old codes contribute nothing: a visible hole in the totals beats a guess.
    totals: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    unmatched = []
    for old_code, values in rows.items():
        targets = weights.get(old_code)
        if targets is None:
            if old_code not in unweighted:
                unmatched.append(old_code)
            continue
        for new_code, weight in targets.items():
            for column, value in values.items():
                totals[new_code][column] += weight * float(value)
    return Reaggregation(
        totals={code: dict(columns) for code, columns in sorted(totals.items())},
        unmatched_codes=tuple(sorted(unmatched)),
        unweighted_codes=tuple(sorted(code for code in unweighted if code in rows)),
        shares_used=weights,
    )


def split_weights(
    edges: Sequence[CrosswalkEdge], *, weighting: Weighting
) -> tuple[dict[str, dict[str, float]], list[str]]:
    """Old code → new code → fraction of the old unit's figures (summing to 1 per old code).

    An old unit with a single successor gets weight 1 whatever its shares say. A divided unit
    with a missing or zero share on any edge cannot be split honestly: it is left out of the
    weights and reported, rather than split evenly behind the user's back.
    """
    by_old: dict[str, list[CrosswalkEdge]] = defaultdict(list)
    for edge in edges:
        by_old[edge.old_code].append(edge)
    weights: dict[str, dict[str, float]] = {}
    unweighted = []
    for old_code, group in by_old.items():
        targets = {e.new_code for e in group}
        if len(targets) == 1:
            weights[old_code] = {targets.pop(): 1.0}
            continue
        shares = [_share(e, weighting) for e in group]
        if any(s is None or s < 0 for s in shares) or not sum(s or 0.0 for s in shares):
            unweighted.append(old_code)
            continue
        total = sum(s or 0.0 for s in shares)
        split: dict[str, float] = defaultdict(float)
        for edge, share in zip(group, shares, strict=True):
            split[edge.new_code] += (share or 0.0) / total
        weights[old_code] = dict(split)
    return weights, unweighted


def _share(edge: CrosswalkEdge, weighting: Weighting) -> float | None:
    return edge.area_share if weighting == "area" else edge.population_share
