"""Construction and local search moves on a State. Every function keeps regions contiguous."""

from __future__ import annotations

import random
from collections.abc import Callable

from hopnhat.engine.arrange.partition import EXACT_LIMIT, best_split
from hopnhat.engine.arrange.state import EPS, State

Stop = Callable[[], bool]


def _shuffled(rnd: random.Random, items: list[int]) -> list[int]:
    rnd.shuffle(items)
    return items


def _pick(frontier: dict[int, float], state: State, noise: list[float]) -> int:
    perimeter = state.atoms.perimeter
    # Most shared boundary relative to the candidate's own perimeter: grows compact shapes.
    return max(
        frontier, key=lambda u: (frontier[u] / max(perimeter[u], EPS)) * noise[u] + 1e-12 * u
    )


def _allowed(state: State, u: int, rid: int) -> bool:
    return state.label[u] == -1 and not state.conflicts(u, rid)


def grow(
    state: State, rid: int, pool: set[int], noise: list[float], enough: Callable[[int], bool]
) -> None:
    """Add atoms of `pool` adjacent to region rid until `enough(rid)` or no candidate is left."""
    a = state.atoms
    frontier: dict[int, float] = {}
    for v in state.regions[rid].members:
        for u, length in zip(a.nbr[v], a.nlen[v], strict=True):
            if u in pool and _allowed(state, u, rid):
                frontier[u] = frontier.get(u, 0.0) + length
    while frontier and not enough(rid):
        u = _pick(frontier, state, noise)
        del frontier[u]
        if not _allowed(state, u, rid):
            continue
        state.add(u, rid)
        pool.discard(u)
        for w, length in zip(a.nbr[u], a.nlen[u], strict=True):
            if w in pool and _allowed(state, w, rid):
                frontier[w] = frontier.get(w, 0.0) + length


def construct(state: State, rnd: random.Random) -> None:
    """Seeded region growing until both floors hold; leftovers join a neighbouring region."""
    a = state.atoms
    noise = [1.0 + 0.5 * rnd.random() for _ in range(a.size)]
    pool = set(range(a.size))
    locked = sorted(range(a.size), key=lambda v: (a.lock[v] < 0, a.lock[v]))
    seeds = [v for v in locked if a.lock[v] >= 0] + _shuffled(
        rnd, [v for v in range(a.size) if a.lock[v] < 0]
    )

    def enough(rid: int) -> bool:
        return state.region_deficit(rid) <= EPS

    enclaves: list[int] = []
    for seed in seeds:
        if seed not in pool:
            continue
        rid = state.new_region()
        state.add(seed, rid)
        pool.discard(seed)
        grow(state, rid, pool, noise, enough)
        if not enough(rid) and state.regions[rid].lock < 0:
            enclaves.extend(state.dissolve(rid))
    absorb(state, enclaves)


def absorb(state: State, loose: list[int]) -> None:
    """Attach unassigned atoms to the adjacent region they share most boundary with."""
    a = state.atoms
    pending = set(loose)
    while pending:
        progressed = False
        for v in sorted(pending):
            best, best_len = -1, -1.0
            for u, length in zip(a.nbr[v], a.nlen[v], strict=True):
                rid = state.label[u]
                if rid >= 0 and length > best_len and not state.conflicts(v, rid):
                    best, best_len = rid, length
            if best >= 0:
                state.add(v, best)
                pending.discard(v)
                progressed = True
        if not progressed:
            # Nothing to join (a component with no region that met the floors): keep them
            # together as one region, so the violation shows in the plan.
            start = min(pending)
            rid = state.new_region()
            stack = [start]
            while stack:
                v = stack.pop()
                if v not in pending or state.conflicts(v, rid):
                    continue
                state.add(v, rid)
                pending.discard(v)
                stack.extend(u for u in a.nbr[v] if u in pending)


def improve_boundaries(state: State, rnd: random.Random, stop: Stop, more: Stop) -> int:
    """Passes of single-atom boundary moves in random order while a pass moves something and
    `more()` holds; returns the number of moves made.

    An atom whose region and neighbouring regions did not change since it was last found
    without a useful move would be found so again (the count, hence the ideal population, is
    the same through all passes), so later passes skip it: they cost what changed, not the
    whole map.
    """
    a = state.atoms
    label = state.label
    stamp = state.stamp
    ideal = state.ideal()
    checked: dict[int, int] = {}
    total = 0
    while not stop():
        moves = 0
        for v in _shuffled(rnd, list(range(a.size))):
            if stop():
                break
            if a.lock[v] >= 0:
                continue
            source = label[v]
            if len(state.regions[source].members) == 1:
                continue
            around = {label[u] for u in a.nbr[v]}
            seen = checked.get(v)
            if (
                seen is not None
                and stamp[source] <= seen
                and all(stamp[rid] <= seen for rid in around)
            ):
                continue
            around.discard(source)
            best: tuple[float, float] | None = None
            best_target = -1
            for target in sorted(around):
                if state.conflicts(v, target):
                    continue
                d_def, d_soft = state.move_delta(v, source, target, ideal)
                if d_def < -EPS or (d_def <= EPS and d_soft < -EPS):
                    key = (round(d_def, 9), d_soft)
                    if best is None or key < best:
                        best, best_target = key, target
            if best_target >= 0 and state.stays_connected_without(v, source):
                state.move(v, best_target)
                moves += 1
            else:
                checked[v] = state.changes
        total += moves
        if not moves or not more():
            break
    return total


def adjacent_pairs(state: State) -> dict[tuple[int, int], float]:
    a = state.atoms
    label = state.label
    pairs: dict[tuple[int, int], float] = {}
    for v in range(a.size):
        lv = label[v]
        for u, length in zip(a.nbr[v], a.nlen[v], strict=True):
            lu = label[u]
            if u > v and lu != lv:
                key = (lv, lu) if lv < lu else (lu, lv)
                pairs[key] = pairs.get(key, 0.0) + length
    return pairs


def merge_best_neighbour(state: State, rid: int, *, need_feasible: bool) -> bool:
    ideal = state.ideal()
    best: tuple[float, float] | None = None
    partner = -1
    for other, shared in sorted(state.adjacent_regions(rid).items()):
        if not state.can_merge(rid, other):
            continue
        d_def, d_soft = state.merge_delta(rid, other, shared, ideal)
        if need_feasible and d_def > EPS:
            continue
        key = (round(d_def, 9), d_soft)
        if best is None or key < best:
            best, partner = key, other
    if partner < 0:
        return False
    state.merge(partner, rid)
    return True


def repair_by_merging(state: State, stop: Stop, *, floor_count: int) -> None:
    """Merge regions below the floors into a neighbour while the count allows it."""
    blocked: set[int] = set()
    while len(state.regions) > floor_count and not stop():
        short = sorted(
            (state.region_deficit(rid), rid) for rid in state.regions if rid not in blocked
        )
        short = [item for item in short if item[0] > EPS]
        if not short:
            return
        rid = short[-1][1]
        if not merge_best_neighbour(state, rid, need_feasible=False):
            blocked.add(rid)


def reduce_count(state: State, high: int, stop: Stop) -> None:
    blocked: set[int] = set()
    while len(state.regions) > high and not stop():
        candidates = sorted(
            (state.regions[rid].pop, rid) for rid in state.regions if rid not in blocked
        )
        if not candidates:
            return
        rid = candidates[0][1]
        if not merge_best_neighbour(state, rid, need_feasible=False):
            blocked.add(rid)


def split_region(
    state: State, rid: int, rnd: random.Random, *, parts: int = 2, tries: int = 6
) -> bool:
    """Replace a region by `parts` contiguous regions that all meet the floors, if found."""
    nodes = sorted(state.regions[rid].members)
    if len(nodes) < parts:
        return False
    best = _best_pieces(state, nodes, parts, state.ideal(), rnd, tries)
    if best is None:
        return False
    _apply_pieces(state, rid, best[1])
    return True


def _best_pieces(
    state: State, nodes: list[int], parts: int, ideal: float, rnd: random.Random, tries: int
) -> tuple[float, list[list[int]]] | None:
    """Best split of `nodes` into `parts` pieces meeting the floors: exact for small node sets,
    else the best of `tries` random regrowths. None when none was found."""
    if len(nodes) <= EXACT_LIMIT:
        return best_split(state, nodes, parts, ideal)
    best: tuple[float, list[list[int]]] | None = None
    for _ in range(tries):
        seeds = rnd.sample(nodes, parts)
        pieces = _regrow(state, nodes, seeds, rnd)
        if pieces is None:
            continue
        score = _score_pieces(state, pieces, ideal)
        if score is not None and (best is None or score < best[0]):
            best = (score, pieces)
    return best


def _regrow(
    state: State, nodes: list[int], seeds: list[int], rnd: random.Random
) -> list[list[int]] | None:
    """Grow one piece per seed inside `nodes`, feeding the piece furthest below the floors."""
    a = state.atoms
    pool = set(nodes)
    pieces: list[list[int]] = [[s] for s in seeds]
    totals = [[a.area[s], a.pop[s], a.phuong[s], a.constituents[s]] for s in seeds]
    frontiers: list[dict[int, float]] = [{} for _ in seeds]
    owner: dict[int, int] = {}
    for i, s in enumerate(seeds):
        pool.discard(s)
        owner[s] = i
    if any(a.lock[v] >= 0 for v in pool):
        return None  # a locked atom must seed its own piece
    for i, s in enumerate(seeds):
        for u, length in zip(a.nbr[s], a.nlen[s], strict=True):
            if u in pool:
                frontiers[i][u] = frontiers[i].get(u, 0.0) + length
    noise = {v: 1.0 + 0.3 * rnd.random() for v in nodes}
    while pool:
        order = sorted(
            range(len(seeds)),
            key=lambda i: (
                -state.deficit(
                    area=totals[i][0],
                    pop=totals[i][1],
                    phuong=int(totals[i][2]),
                    size=int(totals[i][3]),
                ),
                totals[i][1],
            ),
        )
        placed = False
        for i in order:
            frontier = frontiers[i]
            for u in [u for u in frontier if u not in pool]:
                del frontier[u]
            candidates = [u for u in frontier if not any(owner.get(w) == i for w in a.cannot[u])]
            if not candidates:
                continue
            u = max(
                candidates,
                key=lambda w: frontier[w] / max(a.perimeter[w], EPS) * noise[w] + 1e-12 * w,
            )
            pool.discard(u)
            owner[u] = i
            pieces[i].append(u)
            totals[i][0] += a.area[u]
            totals[i][1] += a.pop[u]
            totals[i][2] += a.phuong[u]
            totals[i][3] += a.constituents[u]
            for w, length in zip(a.nbr[u], a.nlen[u], strict=True):
                if w in pool:
                    frontier[w] = frontier.get(w, 0.0) + length
            placed = True
            break
        if not placed:
            return None
    return pieces


def _score_pieces(state: State, pieces: list[list[int]], ideal: float) -> float | None:
    """Summed soft term of the pieces, or None when one misses the floors."""
    a = state.atoms
    total = 0.0
    for piece in pieces:
        inside = set(piece)
        area = sum(a.area[v] for v in piece)
        pop = sum(a.pop[v] for v in piece)
        phuong = sum(a.phuong[v] for v in piece)
        size = sum(a.constituents[v] for v in piece)
        if state.deficit(area=area, pop=pop, phuong=phuong, size=size) > EPS:
            return None
        internal = sum(
            length
            for v in piece
            for u, length in zip(a.nbr[v], a.nlen[v], strict=True)
            if u in inside
        )
        perimeter = sum(a.perimeter[v] for v in piece) - internal  # each internal edge seen twice
        spill = 0
        for f in range(state.soft_fields):
            spill += len({a.soft[v][f] for v in piece}) - 1
        total += state.term(area=area, pop=pop, perimeter=perimeter, spill=spill, ideal=ideal)
    return total


def _apply_pieces(state: State, rid: int, pieces: list[list[int]]) -> None:
    state.dissolve(rid)
    for piece in pieces:
        new = state.new_region()
        for v in piece:
            state.add(v, new)


def resplit_pair(
    state: State,
    a_rid: int,
    b_rid: int,
    rnd: random.Random,
    *,
    parts: int = 2,
    tries: int = 3,
) -> bool:
    """Merge two adjacent regions and regrow them as `parts` pieces; keep it only if better."""
    ra, rb = state.regions[a_rid], state.regions[b_rid]
    if ra.lock >= 0 or rb.lock >= 0:
        return False
    nodes = sorted(ra.members | rb.members)
    if len(nodes) < parts:
        return False
    ideal = state.ideal()
    current = state.region_term(a_rid, ideal) + state.region_term(b_rid, ideal)
    if state.region_deficit(a_rid) + state.region_deficit(b_rid) > EPS:
        return False
    best = _best_pieces(state, nodes, parts, ideal, rnd, tries)
    if best is None or (parts == 2 and best[0] >= current - EPS):
        return False
    state.dissolve(b_rid)
    _apply_pieces(state, a_rid, best[1])
    return True
