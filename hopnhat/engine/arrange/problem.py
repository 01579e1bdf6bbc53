"""The arrangement problem and its answer, as plain arrays and frozen dataclasses."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np

UnitType = Literal["xa", "phuong"]
GroupMode = Literal["hard", "soft"]


@dataclass(frozen=True)
class Adjacency:
    """Symmetric CSR graph of units; `shared_km` is the common boundary length of each edge."""

    indptr: np.ndarray
    indices: np.ndarray
    shared_km: np.ndarray
    perimeter_km: np.ndarray
    # Units that touch no other unit, and the edges a caller asked to add for them.
    islands: tuple[int, ...] = ()
    bridges: tuple[tuple[int, int], ...] = ()

    @property
    def size(self) -> int:
        return len(self.perimeter_km)

    @classmethod
    def from_edges(
        cls,
        *,
        size: int,
        edges: Iterable[tuple[int, int, float]],
        perimeter_km: Sequence[float] | np.ndarray,
        bridges: Sequence[tuple[int, int]] = (),
    ) -> Adjacency:
        lengths: dict[tuple[int, int], float] = {}
        for a, b, length in edges:
            if a == b:
                continue
            key = (a, b) if a < b else (b, a)
            lengths[key] = lengths.get(key, 0.0) + float(length)
        rows: list[list[tuple[int, float]]] = [[] for _ in range(size)]
        for (a, b), length in sorted(lengths.items()):
            rows[a].append((b, length))
            rows[b].append((a, length))
        indptr = np.zeros(size + 1, dtype=np.int64)
        indptr[1:] = np.cumsum([len(row) for row in rows])
        indices = np.array([b for row in rows for b, _ in row], dtype=np.int64)
        shared = np.array([length for row in rows for _, length in row], dtype=float)
        bridged = {(min(a, b), max(a, b)) for a, b in bridges}
        touching = {key for key in lengths if key not in bridged}
        has_touch = np.zeros(size, dtype=bool)
        for a, b in touching:
            has_touch[a] = has_touch[b] = True
        return cls(
            indptr=indptr,
            indices=indices,
            shared_km=shared,
            perimeter_km=np.asarray(perimeter_km, dtype=float),
            islands=tuple(int(i) for i in np.flatnonzero(~has_touch)),
            bridges=tuple(sorted(bridged)),
        )

    def neighbours(self, unit: int) -> np.ndarray:
        return self.indices[self.indptr[unit] : self.indptr[unit + 1]]


@dataclass(frozen=True)
class GroupField:
    """A partition of the units (old province, old district). Hard: a region never crosses it."""

    name: str
    labels: Sequence[str]
    mode: GroupMode = "hard"


@dataclass(frozen=True)
class Units:
    ids: Sequence[str]
    area_km2: np.ndarray
    population: np.ndarray
    is_phuong: np.ndarray
    names: Sequence[str] | None = None
    groups: Sequence[GroupField] = ()
    # Region label per unit, -1 when free. Units sharing a label stay together; different
    # labels never share a region; a locked unit never leaves its region.
    locked: np.ndarray | None = None

    @property
    def size(self) -> int:
        return len(self.ids)

    def name(self, unit: int) -> str:
        return self.names[unit] if self.names is not None else str(self.ids[unit])


@dataclass(frozen=True)
class Floor:
    area_km2: float
    population: float


@dataclass(frozen=True)
class Rules:
    """Floors by resulting type; a region of `exempt_constituents` or more units is exempt."""

    floors: Mapping[UnitType, Floor]
    exempt_constituents: int | None = None


@dataclass(frozen=True)
class Progress:
    phase: str
    regions: int
    violations: int
    elapsed_s: float


@dataclass(frozen=True)
class Options:
    target_count: tuple[int, int] | None = None
    maximize_count: bool = False
    must_link: Sequence[tuple[int, int]] = ()
    cannot_link: Sequence[tuple[int, int]] = ()
    # Each fixed group becomes one region as given: exempt from floors and from contiguity.
    fixed_groups: Sequence[Sequence[int]] = ()
    compactness_weight: float = 1.0
    balance_weight: float = 0.1
    soft_group_weight: float = 0.5
    time_limit_s: float = 10.0
    # Search effort in rounds without improvement. The plan is a pure function of the input and
    # the seed as long as the time limit is not what stopped the search.
    patience: int = 4
    progress: Callable[[Progress], None] | None = None
    should_cancel: Callable[[], bool] | None = None
    clock: Callable[[], float] = field(default=time.monotonic)


@dataclass(frozen=True)
class Violation:
    rule: str
    message: str
    region: int | None = None
    units: tuple[str, ...] = ()


@dataclass(frozen=True)
class RegionSummary:
    index: int
    units: tuple[int, ...]
    kind: UnitType
    area_km2: float
    population: float
    polsby_popper: float
    exempt: bool
    fixed: bool


@dataclass(frozen=True)
class Objective:
    """Compared lexicographically in this order; lower is better."""

    deficit: float
    count_distance: int
    soft: float

    def key(self) -> tuple[float, int, float]:
        return (round(self.deficit, 9), self.count_distance, self.soft)


@dataclass(frozen=True)
class Arrangement:
    assignment: np.ndarray
    regions: tuple[RegionSummary, ...]
    violations: tuple[Violation, ...]
    objective: Objective
    diagnostics: tuple[str, ...]
    count_bound: int | None
    stopped_by: Literal["converged", "time_limit", "cancelled"]
    seconds: float

    @property
    def feasible(self) -> bool:
        return not self.violations

    @property
    def count(self) -> int:
        return len(self.regions)

    @property
    def mean_polsby_popper(self) -> float:
        values = [region.polsby_popper for region in self.regions if not region.fixed]
        return float(np.mean(values)) if values else 0.0
