"""`hopnhat arrange` run as a script would run it (a subprocess: the engine tests never import Django)."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

# A 2 x 2 block of ~1 km cells near Hải Phòng (lon/lat).
STEP = 0.01


def write_units(path: Path, cells: list[dict]) -> Path:
    features = []
    for cell in cells:
        r, c = cell.pop("at")
        x, y = 106.5 + c * STEP, 21.0 - r * STEP
        ring = [[x, y], [x + STEP, y], [x + STEP, y - STEP], [x, y - STEP], [x, y]]
        features.append(
            {
                "type": "Feature",
                "properties": cell,
                "geometry": {"type": "Polygon", "coordinates": [ring]},
            }
        )
    path.write_text(
        json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False),
        encoding="utf-8",
    )
    return path


def cells(types: list[str], pops: list[int]) -> list[dict]:
    places = [(0, 0), (0, 1), (1, 0), (1, 1)]
    return [
        {"at": at, "code": f"u{i}", "pop": pop, "km2": 1.1, "kind": kind, "prov": "HP"}
        for i, (at, kind, pop) in enumerate(zip(places, types, pops, strict=True))
    ]


def run(tmp_path: Path, units: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    argv = [
        sys.executable,
        "-m",
        "hopnhat.cli",
        "arrange",
        "--units",
        str(units),
        "--id-field",
        "code",
        "--population-field",
        "pop",
        "--area-field",
        "km2",
        "--type-field",
        "kind",
        "--out",
        str(tmp_path / "plan.csv"),
        "--report",
        str(tmp_path / "report.json"),
        *extra,
    ]
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "hopnhat.config.settings"}
    return subprocess.run(argv, capture_output=True, text=True, env=env, timeout=120)


@pytest.mark.slow
def test_cli_writes_a_feasible_plan_and_report(tmp_path):
    units = write_units(
        tmp_path / "u.geojson", cells(["Xã", "XÃ", "Thị trấn", "phường"], [10, 10, 10, 30])
    )
    done = run(
        tmp_path,
        units,
        "--floor",
        "xa=1:20",
        "--floor",
        "phuong=1:25",
        "--maximize-count",
        "--group-field",
        "prov",
        "--group-mode",
        "hard",
        "--seed",
        "4",
    )
    assert done.returncode == 0, done.stderr
    with (tmp_path / "plan.csv").open() as handle:
        rows = list(csv.DictReader(handle))
    assert [row["unit_id"] for row in rows] == ["u0", "u1", "u2", "u3"]
    assert set(rows[0]) == {"unit_id", "region_id"}
    report = json.loads((tmp_path / "report.json").read_text())
    assert report["feasible"] is True
    assert report["seed"] == 4
    assert {"regions", "violations", "objective", "seconds", "seed", "feasible"} <= set(report)
    assert len(report["regions"]) == 2


@pytest.mark.slow
def test_cli_exits_0_with_feasible_false_when_no_plan_meets_the_floors(tmp_path):
    units = write_units(tmp_path / "u.geojson", cells(["Xã"] * 4, [10] * 4))
    done = run(tmp_path, units, "--floor", "xa=1:1000")
    assert done.returncode == 0, done.stderr
    report = json.loads((tmp_path / "report.json").read_text())
    assert report["feasible"] is False
    assert report["violations"]
    assert any("cannot reach 1,000 people" in m for m in report["diagnostics"])


@pytest.mark.slow
@pytest.mark.parametrize(
    ("types", "extra", "message"),
    [
        (["Xã"] * 4, ["--floor", "xa=21-16000"], "bad floor 'xa=21-16000'"),
        (["Xã", "Xã", "Huyện", "Xã"], [], "unit u2 has type 'Huyện'"),
        (
            ["Xã"] * 4,
            ["--group-field", "district"],
            "--group-field: feature 1 has no property 'district'",
        ),
        (["Xã"] * 4, ["--fixed-group", "u1,u9"], "unknown unit id(s) u9"),
    ],
)
def test_cli_exits_2_on_bad_input_with_a_clear_message(tmp_path, types, extra, message):
    units = write_units(tmp_path / "u.geojson", cells(types, [10] * 4))
    done = run(tmp_path, units, *extra)
    assert done.returncode == 2
    assert message in done.stderr
