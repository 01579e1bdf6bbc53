"""Benchmark (a): arrange Hải Dương + Hải Phòng (375 units) and compare with the enacted plan.

Run: .venv/bin/python bench/arrange_hp.py [--seed N]
Old province hard, old district soft, floors xa=21:16000 and phuong=5.5:21000, Cát Hải's
units and Bạch Long Vĩ as fixed groups, target 100:125, with and without the exemption for 3+.
The enacted NQ 1669 plan is scored on the same polygons (old units dissolved by new code; a
divided old unit goes to the new unit holding the largest share of its area).
"""

from __future__ import annotations

import argparse
import csv
import gzip
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from shapely.geometry import shape

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from hopnhat.engine.arrange import Floor, GroupField, Options, Rules, Units, arrange  # noqa: E402
from hopnhat.engine.arrange.graph import NORTH_VIETNAM_ALBERS, build_adjacency, project  # noqa: E402
from hopnhat.engine.arrange.problem import UnitType  # noqa: E402
from hopnhat.engine.text import fold  # noqa: E402

DATA_DIRS = [ROOT / "hopnhat/data/vn", Path("/work/shared/data/vn"), ROOT.parent / "shared/data/vn"]
CAT_HAI_DISTRICT = "Huyện Cát Hải"
BLV_DISTRICT_CODE = "318"
FLOORS: dict[UnitType, Floor] = {
    "xa": Floor(area_km2=21, population=16000),
    "phuong": Floor(area_km2=5.5, population=21000),
}


def open_data(name: str) -> Any:
    for folder in DATA_DIRS:
        for candidate in (folder / name, folder / f"{name}.gz"):
            if candidate.exists():
                opener = gzip.open if candidate.suffix == ".gz" else open
                return opener(candidate, "rt", encoding="utf-8")
    raise SystemExit(f"{name} not found in {', '.join(map(str, DATA_DIRS))}")


def load_instance() -> dict[str, Any]:
    with open_data("hp_hd_communes_2025-06_legacy.geojson") as handle:
        features = json.load(handle)["features"]
    props = [f["properties"] for f in features]
    ids = [p["ward_code"] or f"district-{p['district_code']}" for p in props]
    geometries = [shape(f["geometry"]) for f in features]
    units = Units(
        ids=ids,
        names=[p["ward"] for p in props],
        area_km2=np.array([p["area_km2_geodesic"] for p in props], dtype=float),
        population=np.array([p["pop2019_census"] for p in props], dtype=float),
        is_phuong=np.array([fold(p["ward_type"]) == "phuong" for p in props]),
        groups=(
            GroupField(name="old province", labels=[p["province"] for p in props], mode="hard"),
            GroupField(name="old district", labels=[p["district"] for p in props], mode="soft"),
        ),
    )
    cat_hai = [i for i, p in enumerate(props) if p["district"] == CAT_HAI_DISTRICT]
    blv = [i for i, p in enumerate(props) if str(p["district_code"]) == BLV_DISTRICT_CODE]
    return {
        "units": units,
        "geometries": geometries,
        "props": props,
        "fixed": (tuple(cat_hai), tuple(blv)),
    }


def enacted_assignment(instance: dict[str, Any]) -> np.ndarray:
    best: dict[str, tuple[float, str]] = {}
    with open_data("hp_hd_old_to_new_2025_crosswalk.csv") as handle:
        for row in csv.DictReader(handle):
            share = float(row["geom_share_of_old_area"] or 0)
            old = row["old_code"] or f"district-{row['old_district_code']}"
            if old not in best or share > best[old][0]:
                best[old] = (share, row["new_code"])
    codes = [best[str(i)][1] for i in instance["units"].ids]
    order: dict[str, int] = {}
    return np.array([order.setdefault(c, len(order)) for c in codes])


def mean_polsby_popper(geometries: np.ndarray, assignment: np.ndarray, skip: set[int]) -> float:
    """Dissolve each region from the projected polygons and average 4πA/P² (fixed groups skipped)."""
    values = []
    for region in np.unique(assignment):
        if region in skip:
            continue
        shape_ = shapely.union_all(geometries[assignment == region])
        values.append(4 * np.pi * shape_.area / shape_.length**2)
    return float(np.mean(values))


def floor_violations(
    units: Units, assignment: np.ndarray, skip: set[int], exempt: int | None
) -> int:
    count = 0
    for region in np.unique(assignment):
        if region in skip:
            continue
        members = assignment == region
        if exempt is not None and members.sum() >= exempt:
            continue
        floor = FLOORS["phuong" if units.is_phuong[members].any() else "xa"]
        count += int(units.population[members].sum() < floor.population)
        count += int(units.area_km2[members].sum() < floor.area_km2)
    return count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--seeds", type=int, default=5, help="runs per configuration (median reported)"
    )
    parser.add_argument("--time-limit", type=float, default=2.0)
    args = parser.parse_args()
    instance = load_instance()
    units: Units = instance["units"]
    t0 = time.perf_counter()
    adjacency = build_adjacency(instance["geometries"])
    graph_s = time.perf_counter() - t0
    projected = project(instance["geometries"], target_crs=NORTH_VIETNAM_ALBERS)
    print(
        f"units {units.size}, edges {len(adjacency.indices) // 2}, islands {len(adjacency.islands)}, graph {graph_s:.2f} s"
    )

    enacted = enacted_assignment(instance)
    fixed_units = {u for group in instance["fixed"] for u in group}
    enacted_fixed = {int(enacted[u]) for u in fixed_units}
    enacted_pp = mean_polsby_popper(projected, enacted, enacted_fixed)
    print(
        f"enacted NQ 1669: {len(np.unique(enacted))} units, floor violations "
        f"{floor_violations(units, enacted, enacted_fixed, None)} (no exemption) / "
        f"{floor_violations(units, enacted, enacted_fixed, 3)} (3+ exempt), mean Polsby-Popper {enacted_pp:.3f}"
    )
    for exempt in (None, 3):
        rules = Rules(floors=FLOORS, exempt_constituents=exempt)
        options = Options(
            target_count=(100, 125), fixed_groups=instance["fixed"], time_limit_s=args.time_limit
        )
        runs = []
        for seed in range(args.seed, args.seed + args.seeds):
            result = arrange(
                units=units,
                adjacency=adjacency,
                rules=rules,
                options=options,
                rng=np.random.default_rng(seed),
            )
            fixed_regions = {int(result.assignment[u]) for u in fixed_units}
            pp = mean_polsby_popper(projected, result.assignment, fixed_regions)
            runs.append(
                (result.seconds, result.count, len(result.violations), pp, result.stopped_by)
            )
        seconds = statistics.median(r[0] for r in runs)
        pp = statistics.median(r[3] for r in runs)
        label = "exemption 3+" if exempt else "no exemption"
        print(
            f"ours, {label}: median over {len(runs)} seeds: {seconds:.2f} s (goal ≤ 2 s), "
            f"count {[r[1] for r in runs]} (target 100–125), violations {[r[2] for r in runs]}, "
            f"mean Polsby-Popper {pp:.3f} = {pp / enacted_pp:.2f}× enacted; stopped by {sorted({r[4] for r in runs})}"
        )


if __name__ == "__main__":
    main()
