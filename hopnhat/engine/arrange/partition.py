"""Exact best split of a small set of atoms into contiguous pieces that all meet the floors.

Regions in real instances hold a handful of atoms, so a pair of regions often has fewer than
ten. For those, enumerating every split is cheaper than a few random regrowths and finds the
best one. The valid splits depend only on the atoms, so they are listed once and remembered
across search rounds; only their scores (which depend on the ideal population) are redone.
"""

from __future__ import annotations

from hopnhat.engine.arrange.state import EPS, State

# Largest atom count split exactly. 2^(n-1) candidate first pieces: 256 at most.
EXACT_LIMIT = 9

Pieces = list[list[int]]


def _bits(mask: int) -> list[int]:
    out = []
    while mask:
        low = mask & -mask
        out.append(low.bit_length() - 1)
        mask ^= low
    return out


# One piece of a split: its atoms and the totals its soft term needs, which do not depend on
# the ideal population (that changes whenever the region count does).
Piece = tuple[list[int], float, float, float, int]  # atoms, area, pop, perimeter, spill


class _Enumerator:
    """The valid pieces among subsets (bit masks) of one node list, each checked once."""

    def __init__(self, state: State, nodes: list[int]) -> None:
        a = state.atoms
        self.state = state
        self.nodes = nodes
        local = {v: i for i, v in enumerate(nodes)}
        self.nbr_mask = [0] * len(nodes)
        self.cannot_mask = [0] * len(nodes)
        # Each internal edge once, as (mask of both ends, length).
        self.edges: list[tuple[int, float]] = []
        for i, v in enumerate(nodes):
            for u, length in zip(a.nbr[v], a.nlen[v], strict=True):
                j = local.get(u)
                if j is not None:
                    self.nbr_mask[i] |= 1 << j
                    if j > i:
                        self.edges.append(((1 << i) | (1 << j), length))
            for u in a.cannot[v]:
                j = local.get(u)
                if j is not None:
                    self.cannot_mask[i] |= 1 << j
        self.has_cannot = any(self.cannot_mask)
        # Per local index, so that a rejected subset costs a few additions only.
        self.area = [a.area[v] for v in nodes]
        self.pop = [a.pop[v] for v in nodes]
        self.phuong = [a.phuong[v] for v in nodes]
        self.size = [a.constituents[v] for v in nodes]
        self._pieces: dict[int, Piece | None] = {}

    def _connected(self, bits: list[int], mask: int) -> bool:
        nbr_mask = self.nbr_mask
        reach = 1 << bits[0]
        todo = [bits[0]]
        while todo:
            grown = nbr_mask[todo.pop()] & mask & ~reach
            while grown:
                low = grown & -grown
                reach |= low
                todo.append(low.bit_length() - 1)
                grown ^= low
        return reach == mask

    def piece(self, mask: int) -> Piece | None:
        """The piece of `mask`, or None when it is not a contiguous region meeting the floors."""
        if mask in self._pieces:
            return self._pieces[mask]
        state, a = self.state, self.state.atoms
        bits = _bits(mask)
        area = pop = 0.0
        phuong = size = 0
        for i in bits:
            area += self.area[i]
            pop += self.pop[i]
            phuong += self.phuong[i]
            size += self.size[i]
        found: Piece | None = None
        if (
            state.deficit(area=area, pop=pop, phuong=phuong, size=size) <= EPS
            and not (self.has_cannot and any(self.cannot_mask[i] & mask for i in bits))
            and self._connected(bits, mask)
        ):
            members = [self.nodes[i] for i in bits]
            internal = sum(length for ends, length in self.edges if ends & mask == ends)
            perimeter = sum(a.perimeter[v] for v in members) - 2.0 * internal
            spill = sum(len({a.soft[v][f] for v in members}) - 1 for f in range(state.soft_fields))
            found = (members, area, pop, perimeter, spill)
        self._pieces[mask] = found
        return found

    def splits(self, mask: int, parts: int) -> list[list[Piece]]:
        """Every split of `mask` into `parts` valid pieces."""
        if parts == 1:
            whole = self.piece(mask)
            return [] if whole is None else [[whole]]
        # The lowest atom anchors the first piece, so each split is listed once.
        low = mask & -mask
        others = mask ^ low
        out: list[list[Piece]] = []
        sub = others
        while True:
            rest = mask ^ low ^ sub
            if rest:
                first = self.piece(low | sub)
                if first is not None:
                    out.extend([first, *tail] for tail in self.splits(rest, parts - 1))
            if sub == 0:
                break
            sub = (sub - 1) & others
        return out


def best_split(
    state: State, nodes: list[int], parts: int, ideal: float
) -> tuple[float, Pieces] | None:
    """Exact best split of `nodes` (at most EXACT_LIMIT atoms) into `parts` valid pieces:
    (summed soft term, pieces), or None when no split meets the floors. The valid splits of a
    node set are listed once and kept in the state's memo; only their scores are redone."""
    key = (parts, frozenset(nodes))
    known = state.memo_best.get((key, ideal))
    if known is not None:
        return known
    splits = state.memo_splits.get(key)
    if splits is None:
        enumerator = _Enumerator(state, sorted(nodes))
        splits = enumerator.splits((1 << len(nodes)) - 1, parts)
        state.memo_splits[key] = splits
    best: tuple[float, list[Piece]] | None = None
    for split in splits:
        score = sum(
            state.term(area=area, pop=pop, perimeter=perimeter, spill=spill, ideal=ideal)
            for _, area, pop, perimeter, spill in split
        )
        if best is None or score < best[0]:
            best = (score, split)
    if best is None:
        return None
    found = (best[0], [list(piece[0]) for piece in best[1]])
    state.memo_best[(key, ideal)] = found
    return found
