"""The graph the search runs on: must-linked and locked units contracted into atoms, edges
only between atoms of the same hard group (so no move can ever cross a hard boundary)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from hopnhat.engine.arrange.problem import Adjacency, Options, Units


@dataclass
class Atoms:
    unit_atom: np.ndarray  # atom per unit, -1 for units of fixed groups
    members: list[list[int]]
    area: list[float]
    pop: list[float]
    phuong: list[int]
    constituents: list[int]
    perimeter: list[float]
    hard_key: list[int]
    soft: list[tuple[int, ...]]
    lock: list[int]
    nbr: list[list[int]]
    nlen: list[list[float]]
    cannot: list[set[int]]

    @property
    def size(self) -> int:
        return len(self.members)


def _factorize(labels: Sequence[str]) -> np.ndarray:
    _, codes = np.unique(np.asarray(labels, dtype=str), return_inverse=True)
    return codes.astype(np.int64)


def hard_keys(units: Units) -> np.ndarray:
    """One integer per unit combining every hard group field."""
    key = np.zeros(units.size, dtype=np.int64)
    for group in units.groups:
        if group.mode == "hard":
            codes = _factorize(group.labels)
            key = key * (int(codes.max()) + 1) + codes
    return _factorize([str(k) for k in key])


def _find(parent: list[int], i: int) -> int:
    while parent[i] != i:
        parent[i] = parent[parent[i]]
        i = parent[i]
    return i


def _links(units: Units, options: Options) -> list[tuple[int, int]]:
    links = list(options.must_link)
    if units.locked is not None:
        first: dict[int, int] = {}
        for unit, label in enumerate(units.locked.tolist()):
            if label >= 0:
                links.append((first.setdefault(label, unit), unit))
    return links


def build_atoms(units: Units, adjacency: Adjacency, options: Options) -> Atoms:
    n = units.size
    if adjacency.size != n:
        raise ValueError(f"the adjacency has {adjacency.size} units, the units table {n}")
    key = hard_keys(units)
    fixed = np.zeros(n, dtype=bool)
    for group in options.fixed_groups:
        fixed[list(group)] = True
    parent = list(range(n))
    for a, b in _links(units, options):
        if fixed[a] or fixed[b]:
            raise ValueError(
                f"{units.name(a)} / {units.name(b)}: a fixed group cannot be linked or locked"
            )
        if key[a] != key[b]:
            raise ValueError(
                f"{units.name(a)} and {units.name(b)} must be together but lie in different hard groups"
            )
        parent[_find(parent, a)] = _find(parent, b)
    roots: dict[int, int] = {}
    unit_atom = np.full(n, -1, dtype=np.int64)
    for unit in range(n):
        if not fixed[unit]:
            unit_atom[unit] = roots.setdefault(_find(parent, unit), len(roots))
    size = len(roots)
    members: list[list[int]] = [[] for _ in range(size)]
    for unit in range(n):
        if unit_atom[unit] >= 0:
            members[unit_atom[unit]].append(unit)
    soft_codes = [_factorize(g.labels) for g in units.groups if g.mode == "soft"]
    locked = units.locked if units.locked is not None else np.full(n, -1)
    atoms = Atoms(
        unit_atom=unit_atom,
        members=members,
        area=[float(units.area_km2[m].sum()) for m in members],
        pop=[float(units.population[m].sum()) for m in members],
        phuong=[int(units.is_phuong[m].sum()) for m in members],
        constituents=[len(m) for m in members],
        perimeter=[float(adjacency.perimeter_km[m].sum()) for m in members],
        hard_key=[int(key[m[0]]) for m in members],
        # An atom counts under the soft group of its first unit.
        soft=[tuple(int(codes[m[0]]) for codes in soft_codes) for m in members],
        lock=[int(max(locked[m])) for m in members],
        nbr=[[] for _ in range(size)],
        nlen=[[] for _ in range(size)],
        cannot=[set() for _ in range(size)],
    )
    _connect(atoms, adjacency, key)
    for a, b in options.cannot_link:
        atom_a, atom_b = int(unit_atom[a]), int(unit_atom[b])
        if atom_a < 0 or atom_b < 0:
            continue
        if atom_a == atom_b:
            raise ValueError(
                f"{units.name(a)} and {units.name(b)} are both linked and cannot-linked"
            )
        atoms.cannot[atom_a].add(atom_b)
        atoms.cannot[atom_b].add(atom_a)
    _check_atoms_contiguous(atoms, units, adjacency)
    return atoms


def _connect(atoms: Atoms, adjacency: Adjacency, key: np.ndarray) -> None:
    pair_length: dict[tuple[int, int], float] = {}
    internal = [0.0] * atoms.size
    for unit in range(adjacency.size):
        a = int(atoms.unit_atom[unit])
        if a < 0:
            continue
        start, stop = adjacency.indptr[unit], adjacency.indptr[unit + 1]
        for other, length in zip(
            adjacency.indices[start:stop].tolist(),
            adjacency.shared_km[start:stop].tolist(),
            strict=True,
        ):
            b = int(atoms.unit_atom[other])
            if b < 0 or key[other] != key[unit] or other < unit:
                continue
            if a == b:
                internal[a] += length
            else:
                pair = (a, b) if a < b else (b, a)
                pair_length[pair] = pair_length.get(pair, 0.0) + length
    for a in range(atoms.size):
        atoms.perimeter[a] -= 2.0 * internal[a]
    for (a, b), length in sorted(pair_length.items()):
        atoms.nbr[a].append(b)
        atoms.nlen[a].append(length)
        atoms.nbr[b].append(a)
        atoms.nlen[b].append(length)


def _check_atoms_contiguous(atoms: Atoms, units: Units, adjacency: Adjacency) -> None:
    for group in atoms.members:
        if len(group) < 2:
            continue
        inside = set(group)
        seen = {group[0]}
        stack = [group[0]]
        while stack:
            unit = stack.pop()
            for other in adjacency.neighbours(unit).tolist():
                if other in inside and other not in seen:
                    seen.add(other)
                    stack.append(other)
        if len(seen) != len(inside):
            apart = sorted(inside - seen)[0]
            raise ValueError(
                f"{units.name(group[0])} and {units.name(apart)} must be in one region "
                "but are not connected through the other units linked or locked with them"
            )
