"""Benchmark (c): synthetic grids of 1,000 and 10,000 cells: time to a feasible plan.

Run: .venv/bin/python bench/arrange_grid.py
Cells of 3 km² with log-normal population (median 5,000); the central quarter is phường.
Floors xa=21:16000 and phuong=5.5:21000; target count 40–90 % of the capacity bound.
Goal: a feasible plan for 10,000 cells within 60 s.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from hopnhat.engine.arrange import Floor, Options, Progress, Rules, Units, arrange
from hopnhat.engine.arrange.graph import grid_adjacency
from hopnhat.engine.arrange.problem import UnitType

FLOORS: dict[UnitType, Floor] = {
    "xa": Floor(area_km2=21, population=16000),
    "phuong": Floor(area_km2=5.5, population=21000),
}


def grid_instance(rows: int, cols: int, seed: int) -> tuple[Units, object]:
    rng = np.random.default_rng(seed)
    cell_km = np.sqrt(3.0)
    r, c = np.divmod(np.arange(rows * cols), cols)
    central = (abs(r - rows / 2) < rows / 4) & (abs(c - cols / 2) < cols / 4)
    population = np.round(rng.lognormal(mean=np.log(5000), sigma=0.5, size=rows * cols))
    population[central] *= 3
    units = Units(
        ids=[f"c{i}" for i in range(rows * cols)],
        area_km2=np.full(rows * cols, 3.0),
        population=population,
        is_phuong=central,
    )
    return units, grid_adjacency(rows=rows, cols=cols, cell_km=float(cell_km))


def run(rows: int, cols: int, seed: int, time_limit: float) -> None:
    units, adjacency = grid_instance(rows, cols, seed)
    capacity_pop = int(units.population.sum() // 21000)
    capacity_area = int(units.area_km2.sum() // 5.5)
    low = int(0.4 * min(capacity_pop, capacity_area))
    high = int(0.9 * min(capacity_pop, capacity_area))
    first_feasible: list[float] = []

    def progress(p: Progress) -> None:
        if p.violations == 0 and not first_feasible:
            first_feasible.append(p.elapsed_s)

    options = Options(target_count=(low, high), time_limit_s=time_limit, progress=progress)
    t0 = time.perf_counter()
    result = arrange(
        units=units,
        adjacency=adjacency,  # type: ignore[arg-type]
        rules=Rules(floors=FLOORS),
        options=options,
        rng=np.random.default_rng(seed),
    )
    total = time.perf_counter() - t0
    first = f"{first_feasible[0]:.1f} s" if first_feasible else "never"
    print(
        f"{rows * cols:>6} cells: first feasible plan after {first}, final after {total:.1f} s "
        f"(stopped by {result.stopped_by}); count {result.count} (target {low}–{high}, bound "
        f"{result.count_bound}), violations {len(result.violations)}, mean Polsby-Popper "
        f"{result.mean_polsby_popper:.3f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--time-limit", type=float, default=60.0)
    args = parser.parse_args()
    run(25, 40, args.seed, args.time_limit)
    run(100, 100, args.seed, args.time_limit)


if __name__ == "__main__":
    main()
