"""Regions of atoms with incrementally maintained totals, and the move evaluations on them."""

from __future__ import annotations

import math

from hopnhat.engine.arrange.atoms import Atoms
from hopnhat.engine.arrange.problem import Options, Rules

EPS = 1e-9


class Region:
    __slots__ = ("area", "lock", "members", "perimeter", "phuong", "pop", "size", "soft")

    def __init__(self, soft_fields: int) -> None:
        self.members: set[int] = set()
        self.area = 0.0
        self.pop = 0.0
        self.phuong = 0
        self.size = 0
        self.perimeter = 0.0
        self.lock = -1
        self.soft: list[dict[int, int]] = [{} for _ in range(soft_fields)]


class State:
    def __init__(self, atoms: Atoms, rules: Rules, options: Options) -> None:
        self.atoms = atoms
        self.rules = rules
        self.options = options
        self.label = [-1] * atoms.size
        self.regions: dict[int, Region] = {}
        self._next = 0
        # Change clock: `stamp[rid]` is the value of `changes` when region rid last changed, so
        # a sweep can tell which earlier evaluations still hold.
        self.changes = 0
        self.stamp: dict[int, int] = {}
        self.total_pop = sum(atoms.pop)
        self.soft_fields = len(atoms.soft[0]) if atoms.size else 0
        self._exempt = rules.exempt_constituents
        floors = {kind: (f.area_km2, f.population) for kind, f in rules.floors.items()}
        self._floor_xa = floors.get("xa")
        self._floor_phuong = floors.get("phuong")
        # Valid splits of small atom sets, by (parts, atoms) (see partition.py). Shared by
        # copies of the state: they depend on the atoms and the rules only.
        self.memo_splits: dict[tuple[int, frozenset[int]], list] = {}
        # The best of those splits by (parts, atoms) and ideal population.
        self.memo_best: dict[
            tuple[tuple[int, frozenset[int]], float], tuple[float, list[list[int]]]
        ] = {}

    # -- bookkeeping -------------------------------------------------------------------------

    def new_region(self) -> int:
        rid = self._next
        self._next += 1
        self.regions[rid] = Region(self.soft_fields)
        return rid

    @property
    def next_id(self) -> int:
        """The id the next new region gets (ids are never reused)."""
        return self._next

    def length_to(self, v: int, rid: int) -> float:
        label = self.label
        return sum(
            length
            for u, length in zip(self.atoms.nbr[v], self.atoms.nlen[v], strict=True)
            if label[u] == rid
        )

    def add(self, v: int, rid: int) -> None:
        a = self.atoms
        region = self.regions[rid]
        region.perimeter += a.perimeter[v] - 2.0 * self.length_to(v, rid)
        region.members.add(v)
        region.area += a.area[v]
        region.pop += a.pop[v]
        region.phuong += a.phuong[v]
        region.size += a.constituents[v]
        if a.lock[v] >= 0:
            region.lock = a.lock[v]
        self.changes += 1
        self.stamp[rid] = self.changes
        for counts, code in zip(region.soft, a.soft[v], strict=True):
            counts[code] = counts.get(code, 0) + 1
        self.label[v] = rid

    def remove(self, v: int) -> None:
        a = self.atoms
        rid = self.label[v]
        region = self.regions[rid]
        self.label[v] = -1
        region.members.discard(v)
        region.perimeter -= a.perimeter[v] - 2.0 * self.length_to(v, rid)
        region.area -= a.area[v]
        region.pop -= a.pop[v]
        region.phuong -= a.phuong[v]
        region.size -= a.constituents[v]
        if a.lock[v] >= 0:
            region.lock = -1
        self.changes += 1
        self.stamp[rid] = self.changes
        for counts, code in zip(region.soft, a.soft[v], strict=True):
            counts[code] -= 1
            if counts[code] == 0:
                del counts[code]
        if not region.members:
            del self.regions[rid]

    def move(self, v: int, rid: int) -> None:
        self.remove(v)
        self.add(v, rid)

    def merge(self, keep: int, gone: int) -> None:
        for v in sorted(self.regions[gone].members):
            self.move(v, keep)

    def dissolve(self, rid: int) -> list[int]:
        nodes = sorted(self.regions[rid].members)
        for v in nodes:
            self.remove(v)
        return nodes

    # -- objective ---------------------------------------------------------------------------

    def deficit(self, *, area: float, pop: float, phuong: int, size: int) -> float:
        # rules.floor_deficit, inlined: this is the hottest call of the search (a test pins
        # that both agree).
        if self._exempt is not None and size >= self._exempt:
            return 0.0
        floor = self._floor_phuong if phuong > 0 else self._floor_xa
        if floor is None:
            return 0.0
        fa, fp = floor
        out = 0.0
        if fa > 0 and area < fa:
            out += 1.0 - area / fa
        if fp > 0 and pop < fp:
            out += 1.0 - pop / fp
        return out

    def region_deficit(self, rid: int) -> float:
        r = self.regions[rid]
        return self.deficit(area=r.area, pop=r.pop, phuong=r.phuong, size=r.size)

    def term(self, *, area: float, pop: float, perimeter: float, spill: int, ideal: float) -> float:
        o = self.options
        pp = 4.0 * math.pi * area / (perimeter * perimeter) if perimeter > EPS else 1.0
        balance = (pop / ideal - 1.0) ** 2 if ideal > 0 else 0.0
        return (
            o.compactness_weight * (1.0 - pp)
            + o.balance_weight * balance
            + o.soft_group_weight * spill
        )

    def region_term(self, rid: int, ideal: float) -> float:
        r = self.regions[rid]
        spill = sum(len(c) - 1 for c in r.soft)
        return self.term(area=r.area, pop=r.pop, perimeter=r.perimeter, spill=spill, ideal=ideal)

    def ideal(self) -> float:
        return self.total_pop / max(1, len(self.regions))

    def totals(self) -> tuple[float, float]:
        """(summed deficit, mean soft term) over the searched regions."""
        ideal = self.ideal()
        deficit = sum(self.region_deficit(rid) for rid in self.regions)
        soft = sum(self.region_term(rid, ideal) for rid in self.regions)
        return deficit, soft / max(1, len(self.regions))

    # -- moves -------------------------------------------------------------------------------

    def conflicts(self, v: int, rid: int) -> bool:
        region = self.regions[rid]
        lock = self.atoms.lock[v]
        if lock >= 0 and region.lock >= 0 and region.lock != lock:
            return True
        label = self.label
        return any(label[u] == rid for u in self.atoms.cannot[v])

    def move_delta(self, v: int, source: int, target: int, ideal: float) -> tuple[float, float]:
        """(change of summed deficit, change of summed soft term) if atom v moves.

        When the deficit grows the move is refused whatever the soft term does, so the soft
        change is then not computed and returned as 0.
        """
        a = self.atoms
        s, t = self.regions[source], self.regions[target]
        old_d = self.deficit(area=s.area, pop=s.pop, phuong=s.phuong, size=s.size) + self.deficit(
            area=t.area, pop=t.pop, phuong=t.phuong, size=t.size
        )
        new_d = self.deficit(
            area=s.area - a.area[v],
            pop=s.pop - a.pop[v],
            phuong=s.phuong - a.phuong[v],
            size=s.size - a.constituents[v],
        ) + self.deficit(
            area=t.area + a.area[v],
            pop=t.pop + a.pop[v],
            phuong=t.phuong + a.phuong[v],
            size=t.size + a.constituents[v],
        )
        if new_d - old_d > EPS:
            return new_d - old_d, 0.0
        to_source = to_target = 0.0
        label = self.label
        for u, length in zip(a.nbr[v], a.nlen[v], strict=True):
            lu = label[u]
            if lu == source:
                to_source += length
            elif lu == target:
                to_target += length
        spill_s = spill_t = new_spill_s = new_spill_t = 0
        if self.soft_fields:
            spill_s = sum(len(c) - 1 for c in s.soft)
            spill_t = sum(len(c) - 1 for c in t.soft)
            new_spill_s = spill_s - sum(
                1 for c, code in zip(s.soft, a.soft[v], strict=True) if c[code] == 1
            )
            new_spill_t = spill_t + sum(
                1 for c, code in zip(t.soft, a.soft[v], strict=True) if code not in c
            )
        old_s = self.term(
            area=s.area, pop=s.pop, perimeter=s.perimeter, spill=spill_s, ideal=ideal
        ) + self.term(area=t.area, pop=t.pop, perimeter=t.perimeter, spill=spill_t, ideal=ideal)
        new_s = self.term(
            area=s.area - a.area[v],
            pop=s.pop - a.pop[v],
            perimeter=s.perimeter - a.perimeter[v] + 2.0 * to_source,
            spill=new_spill_s,
            ideal=ideal,
        ) + self.term(
            area=t.area + a.area[v],
            pop=t.pop + a.pop[v],
            perimeter=t.perimeter + a.perimeter[v] - 2.0 * to_target,
            spill=new_spill_t,
            ideal=ideal,
        )
        return new_d - old_d, new_s - old_s

    def stays_connected_without(self, v: int, rid: int) -> bool:
        """Whether region rid stays contiguous when atom v leaves it.

        Cheap local test first: v's neighbours inside the region linked among themselves.
        Otherwise a search inside the region that stops as soon as all of them are reached.
        """
        label = self.label
        nbr = self.atoms.nbr
        inside = [u for u in nbr[v] if label[u] == rid]
        if len(inside) <= 1:
            return True
        targets = set(inside)
        seen = {inside[0]}
        stack = [inside[0]]
        # Local pass restricted to v's ring.
        while stack:
            u = stack.pop()
            for w in nbr[u]:
                if w in targets and w not in seen:
                    seen.add(w)
                    stack.append(w)
        if len(seen) == len(targets):
            return True
        found = len(seen)
        stack = list(seen)
        while stack:
            u = stack.pop()
            for w in nbr[u]:
                if w != v and w not in seen and label[w] == rid:
                    seen.add(w)
                    stack.append(w)
                    if w in targets:
                        found += 1
                        if found == len(targets):
                            return True
        return False

    def adjacent_regions(self, rid: int) -> dict[int, float]:
        label = self.label
        out: dict[int, float] = {}
        for v in sorted(self.regions[rid].members):
            for u, length in zip(self.atoms.nbr[v], self.atoms.nlen[v], strict=True):
                lu = label[u]
                if lu != rid and lu >= 0:
                    out[lu] = out.get(lu, 0.0) + length
        return out

    def can_merge(self, a: int, b: int) -> bool:
        ra, rb = self.regions[a], self.regions[b]
        if ra.lock >= 0 and rb.lock >= 0 and ra.lock != rb.lock:
            return False
        small, other = (ra, b) if len(ra.members) <= len(rb.members) else (rb, a)
        label = self.label
        return not any(label[u] == other for v in small.members for u in self.atoms.cannot[v])

    def merge_delta(self, a: int, b: int, shared: float, ideal: float) -> tuple[float, float]:
        ra, rb = self.regions[a], self.regions[b]
        spill_a = sum(len(c) - 1 for c in ra.soft)
        spill_b = sum(len(c) - 1 for c in rb.soft)
        spill = sum(len(set(ca) | set(cb)) - 1 for ca, cb in zip(ra.soft, rb.soft, strict=True))
        old_d = self.region_deficit(a) + self.region_deficit(b)
        new_d = self.deficit(
            area=ra.area + rb.area,
            pop=ra.pop + rb.pop,
            phuong=ra.phuong + rb.phuong,
            size=ra.size + rb.size,
        )
        old_s = self.term(
            area=ra.area, pop=ra.pop, perimeter=ra.perimeter, spill=spill_a, ideal=ideal
        ) + self.term(area=rb.area, pop=rb.pop, perimeter=rb.perimeter, spill=spill_b, ideal=ideal)
        new_s = self.term(
            area=ra.area + rb.area,
            pop=ra.pop + rb.pop,
            perimeter=ra.perimeter + rb.perimeter - 2.0 * shared,
            spill=spill,
            ideal=ideal,
        )
        return new_d - old_d, new_s - old_s
