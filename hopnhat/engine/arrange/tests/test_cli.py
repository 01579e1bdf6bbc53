"""`hopnhat arrange` run as a script would run it (a subprocess: the engine tests never import Django)."""

from __future__ import annotations

import csv
import gzip
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


def run(
    tmp_path: Path, units: Path, *extra: str, id_field: str = "code"
) -> subprocess.CompletedProcess[str]:
    argv = [
        sys.executable,
        "-m",
        "hopnhat.cli",
        "arrange",
        "--units",
        str(units),
        "--id-field",
        id_field,
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


@pytest.mark.slow
def test_cli_reads_gzip_and_keeps_a_communeless_district_as_a_fixed_group(tmp_path):
    """
    u0 u1      xã of 10 people each, floor 20: one region of the three xã;
    u2 D9      D9 is a district with no commune: no commune code (its id comes from the
               fallback field) and no xã/phường type, allowed because it is a fixed group
    """
    units = cells(["Xã", "Xã", "Xã", "Huyện (no communes)"], [10, 10, 10, 5])
    for unit in units:
        unit["district"] = "D1"
    units[3].update(code="", district="D9")
    plain = write_units(tmp_path / "u.geojson", units)
    packed = tmp_path / "u.geojson.gz"
    packed.write_bytes(gzip.compress(plain.read_bytes()))
    done = run(
        tmp_path,
        packed,
        "--floor",
        "xa=1:20",
        "--maximize-count",
        "--fixed-group",
        "D9",
        id_field="code,district",
    )
    assert done.returncode == 0, done.stderr
    with (tmp_path / "plan.csv").open() as handle:
        rows = {row["unit_id"]: row["region_id"] for row in csv.DictReader(handle)}
    assert list(rows) == ["u0", "u1", "u2", "D9"]
    assert rows["u0"] == rows["u1"] == rows["u2"] != rows["D9"]
    report = json.loads((tmp_path / "report.json").read_text())
    assert report["feasible"] is True
    assert [r["fixed"] for r in report["regions"] if r["units"] == ["D9"]] == [True]


@pytest.mark.slow
def test_cli_names_the_feature_and_field_of_an_empty_id(tmp_path):
    units = cells(["Xã"] * 4, [10] * 4)
    units[2]["code"] = ""
    done = run(tmp_path, write_units(tmp_path / "u.geojson", units), "--floor", "xa=1:20")
    assert done.returncode == 2
    assert "--id-field: feature 3 (kind 'Xã') has an empty 'code'" in done.stderr
    assert "--id-field code,OTHER_FIELD" in done.stderr
    assert not (tmp_path / "plan.csv").exists()


def help_example() -> list[str]:
    """The example command of `hopnhat arrange --help`, as argv after `hopnhat`."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "hopnhat.config.settings"}
    shown = subprocess.run(
        [sys.executable, "-m", "hopnhat.cli", "arrange", "--help"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=True,
    ).stdout
    lines = shown[shown.index("  hopnhat arrange") :].splitlines()
    command = ""
    for line in lines:
        command += line.strip().removesuffix("\\")
        if not line.rstrip().endswith("\\"):
            break
    return command.split()[1:]


@pytest.mark.slow
def test_the_help_example_runs_the_hai_phong_instance_to_a_feasible_plan(tmp_path):
    """Issue #5 (a) as a new user runs it: the shipped 375 units, copied from --help."""
    argv = help_example()
    repo = Path(__file__).resolve().parents[4]
    assert (repo / argv[argv.index("--units") + 1]).exists()
    argv[argv.index("--out") + 1] = str(tmp_path / "plan.csv")
    argv[argv.index("--report") + 1] = str(tmp_path / "report.json")
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "hopnhat.config.settings"}
    done = subprocess.run(
        [sys.executable, "-m", "hopnhat.cli", *argv],
        capture_output=True,
        text=True,
        env=env,
        cwd=repo,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    report = json.loads((tmp_path / "report.json").read_text())
    assert report["feasible"] is True, report["violations"][:3]
    assert 100 <= report["count"] <= 125
    with (tmp_path / "plan.csv").open() as handle:
        assert sum(1 for _ in csv.DictReader(handle)) == 375
    fixed = [r for r in report["regions"] if r["fixed"]]
    assert sorted(len(r["units"]) for r in fixed) == [1, 12]
