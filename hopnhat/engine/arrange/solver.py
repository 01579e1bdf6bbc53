"""`arrange()`: construction, count steering and local search, ranked lexicographically by
(floor deficit, distance to the target count or minus the count in max-p mode, soft term)."""

from __future__ import annotations

import heapq
import random
from typing import Literal

import numpy as np

from hopnhat.engine.arrange import search
from hopnhat.engine.arrange.atoms import build_atoms, hard_keys
from hopnhat.engine.arrange.diagnostics import Diagnosis, diagnose
from hopnhat.engine.arrange.problem import (
    Adjacency,
    Arrangement,
    Objective,
    Options,
    Progress,
    RegionSummary,
    Rules,
    Units,
    Violation,
)
from hopnhat.engine.arrange.rules import (
    count_distance,
    floor_deficit,
    floor_violations,
    is_exempt,
    polsby_popper,
    region_kind,
)
from hopnhat.engine.arrange.state import EPS, State

Key = tuple[float, int, float]


class _Clock:
    def __init__(self, options: Options) -> None:
        self.options = options
        self.start = options.clock()
        self.deadline = self.start + options.time_limit_s
        self.stopped_by: Literal["converged", "time_limit", "cancelled"] = "converged"
        self._calls = 0

    def __call__(self) -> bool:
        if self.stopped_by != "converged":
            return True
        self._calls += 1
        if self._calls % 32:
            return False
        if self.options.clock() > self.deadline:
            self.stopped_by = "time_limit"
        elif self.options.should_cancel is not None and self.options.should_cancel():
            self.stopped_by = "cancelled"
        return self.stopped_by != "converged"

    def elapsed(self) -> float:
        return self.options.clock() - self.start


def _key(state: State, fixed: int) -> Key:
    deficit, soft = state.totals()
    count = len(state.regions) + fixed
    options = state.options
    second = (
        -count
        if options.maximize_count
        else count_distance(count=count, target=options.target_count)
    )
    return (round(deficit, 9), second, soft)


def _slack(state: State, rid: int) -> float:
    r = state.regions[rid]
    floor = state.rules.floors.get(region_kind(phuong_units=r.phuong))
    if floor is None:
        return float(len(r.members))
    ratios = [float(len(r.members))]
    if floor.population > 0:
        ratios.append(r.pop / floor.population)
    if floor.area_km2 > 0:
        ratios.append(r.area / floor.area_km2)
    return min(ratios)


def _raise_count(
    state: State, low: int | None, rnd: random.Random, stop: search.Stop, fixed: int
) -> None:
    """Split regions with room for two (largest slack first) until the count reaches `low`."""
    # A region's slack changes only when the region does, and a split replaces one region by
    # new ones, so a heap of (slack, id), largest first, stays exact with the new ids pushed.
    heap = [(-_slack(state, rid), -rid) for rid in state.regions]
    heapq.heapify(heap)
    while (low is None or len(state.regions) + fixed < low) and not stop():
        while heap and -heap[0][1] not in state.regions:
            heapq.heappop(heap)
        if not heap or -heap[0][0] < 2.0:
            return
        rid = -heapq.heappop(heap)[1]
        if state.region_deficit(rid) <= EPS:
            first_new = state.next_id
            if search.split_region(state, rid, rnd):
                for new in range(first_new, state.next_id):
                    if new in state.regions:
                        heapq.heappush(heap, (-_slack(state, new), -new))


def _shape(state: State, rnd: random.Random, stop: search.Stop, fixed: int) -> None:
    options = state.options
    search.improve_boundaries(state, rnd, stop, more=lambda: state.totals()[0] > EPS)
    search.repair_by_merging(state, stop, floor_count=1)
    if options.maximize_count:
        _raise_count(state, None, rnd, stop, fixed)
    elif options.target_count is not None:
        low, high = options.target_count
        search.reduce_count(state, high - fixed, stop)
        _raise_count(state, low, rnd, stop, fixed)


def _room(state: State, a: int, b: int) -> float:
    """How many floors two regions hold together (population and area, whichever is tighter)."""
    ra, rb = state.regions[a], state.regions[b]
    floor = state.rules.floors.get(region_kind(phuong_units=ra.phuong + rb.phuong))
    if floor is None:
        return float(len(ra.members) + len(rb.members))
    room = float(len(ra.members) + len(rb.members))
    if floor.population > 0:
        room = min(room, (ra.pop + rb.pop) / floor.population)
    if floor.area_km2 > 0:
        room = min(room, (ra.area + rb.area) / floor.area_km2)
    return room


def _improve(state: State, rnd: random.Random, stop: search.Stop, fixed: int) -> None:
    if state.options.maximize_count:
        _raise_count(state, None, rnd, stop, fixed)
        # Two regions holding three floors between them may regrow as three.
        for a, b in sorted(search.adjacent_pairs(state)):
            if stop():
                return
            if a in state.regions and b in state.regions and _room(state, a, b) >= 3.0:
                search.resplit_pair(state, a, b, rnd, parts=3)
    search.improve_boundaries(state, rnd, stop, more=lambda: True)
    # Merge-and-resplit where it pays most: pairs that include a region of the worse half.
    ideal = state.ideal()
    terms = {rid: state.region_term(rid, ideal) for rid in state.regions}
    cut = sorted(terms.values())[len(terms) // 2]
    pairs = [
        pair
        for pair in sorted(search.adjacent_pairs(state))
        if max(terms[pair[0]], terms[pair[1]]) >= cut
    ]
    for index in rnd.sample(range(len(pairs)), len(pairs)):
        if stop():
            return
        a, b = pairs[index]
        if a in state.regions and b in state.regions:
            search.resplit_pair(state, a, b, rnd)


def _report(options: Options, clock: _Clock, phase: str, state: State, fixed: int) -> None:
    if options.progress is None:
        return
    short = sum(1 for rid in state.regions if state.region_deficit(rid) > EPS)
    options.progress(
        Progress(
            phase=phase,
            regions=len(state.regions) + fixed,
            violations=short,
            elapsed_s=clock.elapsed(),
        )
    )


def _copy(state: State) -> State:
    clone = State(state.atoms, state.rules, state.options)
    clone.memo_splits, clone.memo_best = state.memo_splits, state.memo_best
    for rid in sorted(state.regions):
        new = clone.new_region()
        for v in sorted(state.regions[rid].members):
            clone.add(v, new)
    return clone


def arrange(
    *, units: Units, adjacency: Adjacency, rules: Rules, options: Options, rng: np.random.Generator
) -> Arrangement:
    """Partition the units into contiguous regions that meet the floors. Same seed, same plan."""
    clock = _Clock(options)
    # Python's generator is much cheaper per draw; seeding it from `rng` keeps one seed in charge.
    rnd = random.Random(int(rng.integers(2**63)))
    atoms = build_atoms(units, adjacency, options)
    diagnosis = diagnose(units, adjacency, atoms, rules, options)
    fixed = len(options.fixed_groups)
    best: State | None = None
    best_key: Key | None = None
    misses = 0
    while misses < max(1, options.patience) and atoms.size:
        state = State(atoms, rules, options)
        search.construct(state, rnd)
        _shape(state, rnd, clock, fixed)
        key = _key(state, fixed)
        if best_key is None or key < best_key:
            best, best_key, misses = state, key, 0
        else:
            misses += 1
        _report(options, clock, "construct", best, fixed)  # type: ignore[arg-type]
        if clock():
            break
    if best is None:
        best = State(atoms, rules, options)
    misses = 0
    while misses < options.patience and not clock() and best.regions:
        before = _key(best, fixed)
        trial = _copy(best)
        _improve(trial, rnd, clock, fixed)
        after = _key(trial, fixed)
        if after < before:
            best = trial
        # Only a real gain (0.1% of the soft term) buys another round.
        misses = 0 if after[:2] < before[:2] or after[2] < before[2] * (1 - 1e-3) else misses + 1
        _report(options, clock, "improve", best, fixed)
    return _finish(units, adjacency, rules, options, best, diagnosis, clock)


def _assignment(units: Units, options: Options, state: State) -> np.ndarray:
    raw = np.full(units.size, -1, dtype=np.int64)
    atom_label = np.asarray(state.label, dtype=np.int64)
    searched = state.atoms.unit_atom >= 0
    raw[searched] = atom_label[state.atoms.unit_atom[searched]]
    offset = int(raw.max()) + 1 if searched.any() else 0
    for index, group in enumerate(options.fixed_groups):
        raw[list(group)] = offset + index
    # Number regions by their first unit, so the labels do not depend on search history.
    order: dict[int, int] = {}
    for label in raw.tolist():
        order.setdefault(label, len(order))
    return np.array([order[label] for label in raw.tolist()], dtype=np.int64)


def _contiguous(adjacency: Adjacency, members: np.ndarray) -> bool:
    inside = set(members.tolist())
    start = int(members[0])
    seen, stack = {start}, [start]
    while stack:
        v = stack.pop()
        for u in adjacency.neighbours(v).tolist():
            if u in inside and u not in seen:
                seen.add(u)
                stack.append(u)
    return len(seen) == len(inside)


def _finish(
    units: Units,
    adjacency: Adjacency,
    rules: Rules,
    options: Options,
    state: State,
    diagnosis: Diagnosis,
    clock: _Clock,
) -> Arrangement:
    assignment = _assignment(units, options, state)
    fixed_units = {u for group in options.fixed_groups for u in group}
    count = int(assignment.max()) + 1 if units.size else 0
    keys = hard_keys(units)
    summaries: list[RegionSummary] = []
    violations: list[Violation] = []
    deficit = 0.0
    for region in range(count):
        members = np.flatnonzero(assignment == region)
        ids = tuple(str(units.ids[u]) for u in members.tolist())
        area = float(units.area_km2[members].sum())
        pop = float(units.population[members].sum())
        phuong = int(units.is_phuong[members].sum())
        inside = set(members.tolist())
        internal = sum(
            float(length)
            for u in members.tolist()
            for w, length in zip(
                adjacency.neighbours(u).tolist(),
                adjacency.shared_km[adjacency.indptr[u] : adjacency.indptr[u + 1]].tolist(),
                strict=True,
            )
            if w in inside
        )
        perimeter = float(adjacency.perimeter_km[members].sum()) - internal
        is_fixed = int(members[0]) in fixed_units
        summaries.append(
            RegionSummary(
                index=region,
                units=tuple(int(u) for u in members),
                kind=region_kind(phuong_units=phuong),
                area_km2=area,
                population=pop,
                polsby_popper=polsby_popper(area_km2=area, perimeter_km=perimeter),
                exempt=is_fixed or is_exempt(constituents=len(members), rules=rules),
                fixed=is_fixed,
            )
        )
        if is_fixed:
            continue
        deficit += floor_deficit(
            area_km2=area,
            population=pop,
            phuong_units=phuong,
            constituents=len(members),
            rules=rules,
        )
        violations.extend(
            floor_violations(
                region=region,
                unit_ids=ids,
                area_km2=area,
                population=pop,
                phuong_units=phuong,
                rules=rules,
            )
        )
        if not _contiguous(adjacency, members):
            violations.append(
                Violation(
                    rule="contiguous",
                    message=f"Region {region} is not contiguous",
                    region=region,
                    units=ids,
                )
            )
        if len(set(keys[members].tolist())) > 1:
            violations.append(
                Violation(
                    rule="inside_hard_group",
                    message=f"Region {region} crosses a hard group",
                    region=region,
                    units=ids,
                )
            )
    for a, b in options.cannot_link:
        if assignment[a] == assignment[b]:
            violations.append(
                Violation(
                    rule="cannot_link",
                    message=f"{units.name(a)} and {units.name(b)} must not share a region",
                    region=int(assignment[a]),
                    units=(str(units.ids[a]), str(units.ids[b])),
                )
            )
    distance = count_distance(count=count, target=options.target_count)
    if distance and options.target_count is not None:
        low, high = options.target_count
        violations.append(
            Violation(
                rule="count_within_target",
                message=f"{count} regions, outside the target {low}–{high}",
            )
        )
    soft = state.totals()[1] if state.regions else 0.0
    messages = list(diagnosis.messages)
    if violations and not messages:
        messages.append(
            "No plan meeting every rule was found within the search effort; no proof that none exists."
        )
    return Arrangement(
        assignment=assignment,
        regions=tuple(summaries),
        violations=tuple(violations),
        objective=Objective(deficit=deficit, count_distance=distance, soft=soft),
        diagnostics=tuple(messages),
        count_bound=diagnosis.count_high,
        stopped_by=clock.stopped_by,
        seconds=clock.elapsed(),
    )
