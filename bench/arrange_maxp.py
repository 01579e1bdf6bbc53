"""Benchmark (b): spopt's MaxPHeuristic against `arrange(maximize_count=True)`.

Run: .venv/bin/python bench/arrange_maxp.py   (needs `.venv/bin/pip install spopt`, bench only)
Same instance for both: the Hải Dương + Hải Phòng units that touch at least one other unit,
rook contiguity, one floor of 16,000 people (no area floor, no groups, no type rule, which MaxP
cannot express). Median over 5 seeds of the wall time and region count.

The headline ratio is ours at the default settings, i.e. what `hopnhat arrange --maximize-count`
runs (Options() with maximize_count and the CLI's 60 s time limit); lower patience values are extra lines.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
import warnings
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from arrange_hp import load_instance

from hopnhat.engine.arrange import Adjacency, Floor, Options, Rules, Units, arrange
from hopnhat.engine.arrange.graph import build_adjacency

FLOOR = 16000


def subset(units: Units, keep: np.ndarray) -> Units:
    return Units(
        ids=[units.ids[i] for i in keep],
        area_km2=units.area_km2[keep],
        population=units.population[keep],
        is_phuong=units.is_phuong[keep],
    )


def run_ours(
    units: Units, adjacency: Adjacency, seeds: list[int], patience: int | None
) -> tuple[float, float]:
    """Median time and count; `patience=None` means the defaults, as the CLI runs them."""
    rules = Rules(floors={"xa": Floor(0, FLOOR), "phuong": Floor(0, FLOOR)})
    # The CLI's --time-limit defaults to 60 s; every run here converges well before it.
    options = (
        Options(maximize_count=True, time_limit_s=60)
        if patience is None
        else Options(maximize_count=True, time_limit_s=60, patience=patience)
    )
    times, counts = [], []
    for seed in seeds:
        t0 = time.perf_counter()
        result = arrange(
            units=units,
            adjacency=adjacency,
            rules=rules,
            options=options,
            rng=np.random.default_rng(seed),
        )
        times.append(time.perf_counter() - t0)
        counts.append(result.count)
        assert result.feasible, result.violations[:3]
        assert result.stopped_by == "converged", result.stopped_by
    return statistics.median(times), statistics.median(counts)


def run_spopt(instance: dict, keep: np.ndarray, seeds: list[int]) -> tuple[float, float] | None:
    try:
        import geopandas as gpd
        from libpysal.weights import Rook
        from spopt.region import MaxPHeuristic
    except ImportError:
        print("spopt is not installed: skipping the MaxP comparison (.venv/bin/pip install spopt)")
        return None
    frame = gpd.GeoDataFrame(
        {"population": instance["units"].population[keep]},
        geometry=[instance["geometries"][i] for i in keep],
        crs="EPSG:4326",
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        weights = Rook.from_dataframe(frame, use_index=False)
    times, counts = [], []
    for seed in seeds:
        np.random.seed(seed)
        random.seed(seed)
        t0 = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model = MaxPHeuristic(frame, weights, ["population"], "population", FLOOR, top_n=2)
            model.solve()
        times.append(time.perf_counter() - t0)
        counts.append(len(set(model.labels_)))
    return statistics.median(times), statistics.median(counts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seeds", type=int, default=5)
    args = parser.parse_args()
    instance = load_instance()
    full = build_adjacency(instance["geometries"])
    keep = np.array([i for i in range(full.size) if i not in set(full.islands)])
    units = subset(instance["units"], keep)
    adjacency = build_adjacency([instance["geometries"][i] for i in keep])
    seeds = list(range(1, args.seeds + 1))
    print(
        f"{len(keep)} units (dropped {len(full.islands)} without a neighbour), floor {FLOOR:,} people"
    )
    default = run_ours(units, adjacency, seeds, None)
    extra = {patience: run_ours(units, adjacency, seeds, patience) for patience in (0, 1)}
    print(
        f"ours (defaults = CLI --maximize-count, patience {Options().patience}): "
        f"median {default[0]:.3f} s, {default[1]:.0f} regions"
    )
    for patience, (seconds, count) in extra.items():
        print(f"ours (patience {patience}): median {seconds:.3f} s, {count:.0f} regions")
    theirs = run_spopt(instance, keep, seeds)
    if theirs is None:
        return
    seconds, count = theirs
    print(f"spopt MaxPHeuristic: median {seconds:.2f} s, {count:.0f} regions")
    for patience, (ours_s, ours_n) in extra.items():
        print(
            f"  extra (patience {patience}): {seconds / ours_s:.1f}× faster, "
            f"{ours_n - count:+.0f} regions"
        )
    ours_s, ours_n = default
    print(
        f"ratio (defaults): {seconds / ours_s:.1f}× faster (goal ≥ 20×), "
        f"{ours_n - count:+.0f} regions ({ours_n / count:.3f}×; goal ≥ 1)"
    )


if __name__ == "__main__":
    main()
