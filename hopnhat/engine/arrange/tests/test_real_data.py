"""Hải Dương + Hải Phòng, 375 real units, checked from the polygons by the independent validator."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import numpy as np
import pytest
from shapely.geometry import shape

from hopnhat.engine.arrange import Floor, GroupField, Options, Rules, Units, arrange
from hopnhat.engine.arrange.graph import NORTH_VIETNAM_ALBERS, build_adjacency, project
from hopnhat.engine.arrange.tests.builders import plan_problems
from hopnhat.engine.text import fold

NAME = "hp_hd_communes_2025-06_legacy.geojson"
PLACES = [Path(__file__).resolve().parents[3] / "data/vn", Path("/work/shared/data/vn")]


def load_features() -> list[dict]:
    for folder in PLACES:
        if (folder / NAME).exists():
            return json.loads((folder / NAME).read_text(encoding="utf-8"))["features"]
        if (folder / f"{NAME}.gz").exists():
            with gzip.open(folder / f"{NAME}.gz", "rt", encoding="utf-8") as handle:
                return json.load(handle)["features"]
    pytest.skip(f"{NAME} is not available")


@pytest.mark.slow
def test_hai_phong_plan_meets_every_floor_checked_from_the_polygons():
    features = load_features()
    props = [f["properties"] for f in features]
    geometries = [shape(f["geometry"]) for f in features]
    units = Units(
        ids=[p["ward_code"] or "BLV" for p in props],
        names=[p["ward"] for p in props],
        area_km2=np.array([p["area_km2_geodesic"] for p in props], dtype=float),
        population=np.array([p["pop2019_census"] for p in props], dtype=float),
        is_phuong=np.array([fold(p["ward_type"]) == "phuong" for p in props]),
        groups=(
            GroupField(name="old province", labels=[p["province"] for p in props], mode="hard"),
            GroupField(name="old district", labels=[p["district"] for p in props], mode="soft"),
        ),
    )
    fixed = (
        tuple(i for i, p in enumerate(props) if p["district"] == "Huyện Cát Hải"),
        tuple(i for i, p in enumerate(props) if str(p["district_code"]) == "318"),
    )
    rules = Rules(
        floors={"xa": Floor(21, 16000), "phuong": Floor(5.5, 21000)}, exempt_constituents=3
    )
    result = arrange(
        units=units,
        adjacency=build_adjacency(geometries),
        rules=rules,
        options=Options(target_count=(100, 125), fixed_groups=fixed, patience=1, time_limit_s=20),
        rng=np.random.default_rng(2),
    )
    assert 100 <= result.count <= 125
    assert result.feasible, result.violations[:3]
    projected = project(geometries, target_crs=NORTH_VIETNAM_ALBERS)
    assert (
        plan_problems(
            geometries=list(projected),
            units=units,
            assignment=result.assignment,
            rules=rules,
            fixed_groups=fixed,
        )
        == []
    )
