"""The enacted NQ 1669 plan for Hải Phòng, checked under NQ 76 with the Hải Phòng options."""

from __future__ import annotations

import csv
import gzip
import json
from collections import defaultdict
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from hopnhat.engine.standards import (
    Constituent,
    PlanCheck,
    ProposedUnit,
    SpecialFactors,
    Status,
    UnitType,
    check_plan,
    decide_unit_type,
    hai_phong_2025_options,
    rule_set_for,
)

PROJECT_DATA = Path(__file__).resolve().parents[3] / "data" / "vn"
SHARED_DATA = Path(__file__).resolve().parents[5] / "shared" / "data" / "vn"
NEW_UNITS = "hp_communes_2025-07_new.geojson"
CROSSWALK = "hp_hd_old_to_new_2025_crosswalk.csv"

OLD_TYPES = {"Phường": UnitType.PHUONG, "Thị trấn": UnitType.THI_TRAN, "Xã": UnitType.XA}
NEW_TYPES = {"Phường": UnitType.PHUONG, "Đặc khu": UnitType.DAC_KHU, "Xã": UnitType.XA}

# Below the orientation but formed from 3 or more old units (NQ 76 Art 5(2)).
EXEMPT_THREE_OR_MORE = {
    "Phường Nguyễn Trãi",  # 16,098 < 21,000 people; 3 units
    "Phường Gia Viên",  # 5.01 < 5.5 km²; 5 units, 4 of them in part
    "Xã Nam Sách",
    "Xã Hợp Tiến",
    "Xã Thái Tân",
    "Xã Tuệ Tĩnh",
    "Xã An Hưng",
    "Xã Kiến Thuỵ",
    "Xã Nghi Dương",
    "Xã Kiến Minh",  # these 8 xã are under 21 km²
}
EXEMPT_ISLAND = {"Đặc khu Bạch Long Vĩ"}  # Art 5(1)(d); Cát Hải meets the xã orientation


def _open(name: str) -> Any | None:
    for folder in (PROJECT_DATA, SHARED_DATA):
        if (folder / name).exists():
            return (folder / name).open(encoding="utf-8")
        if (folder / f"{name}.gz").exists():
            return gzip.open(folder / f"{name}.gz", "rt", encoding="utf-8")
    return None


def _prefix(full_name: str, types: dict[str, UnitType]) -> UnitType | None:
    return next((t for word, t in types.items() if full_name.startswith(word + " ")), None)


def _constituents(crosswalk_rows: list[dict[str, str]]) -> tuple[Constituent, ...]:
    return tuple(
        Constituent(
            old_id=row["old_code"] or f"district-{row['old_district_code']}",
            name=row["old_name"],
            unit_type=_prefix(row["old_name"], OLD_TYPES),  # None for huyện Bạch Long Vĩ
            whole=row["relation"] == "whole",
            area_share=1.0 if row["relation"] == "whole" else float(row["pop_alloc_weight"]),
        )
        for row in crosswalk_rows
    )


def _enacted_units() -> list[ProposedUnit]:
    geojson, crosswalk = _open(NEW_UNITS), _open(CROSSWALK)
    if geojson is None or crosswalk is None:
        pytest.skip("the Hải Phòng data files are not present")
    with geojson, crosswalk:
        features = json.load(geojson)["features"]
        rows_by_new: dict[str, list[dict[str, str]]] = defaultdict(list)
        for row in csv.DictReader(crosswalk):
            rows_by_new[row["new_code"]].append(row)
    units = []
    for feature in features:
        p = feature["properties"]
        constituents = _constituents(rows_by_new[p["code"]])
        # The type comes from the constituents by the Art 1(3) rule, not from the file's `type`
        # column, which swaps Phường Việt Hoà and Xã Vĩnh Hoà.
        decision = decide_unit_type(
            [c.unit_type for c in constituents if c.unit_type is not None],
            special_zone=p["full_name"].startswith("Đặc khu"),
        )
        units.append(
            ProposedUnit(
                id=p["code"],
                name=p["name"],
                unit_type=decision.unit_type,
                area_km2=p["area_km2_official"],
                population=p["population_official"],
                constituents=constituents,
                factors=SpecialFactors(island=decision.unit_type is UnitType.DAC_KHU),
            )
        )
    return units


@pytest.fixture(scope="module")
def units() -> list[ProposedUnit]:
    return _enacted_units()


@pytest.fixture(scope="module")
def checked(units: list[ProposedUnit]) -> PlanCheck:
    old_ids = {c.old_id for u in units for c in u.constituents}
    return check_plan(
        units, rule_set_for(date(2025, 7, 1)), hai_phong_2025_options(), old_unit_ids=old_ids
    )


def by_name(check: PlanCheck) -> dict[str, Any]:
    return {u.name: u for u in check.units}


def test_the_type_rule_gives_the_enacted_type_of_all_114_units(units: list[ProposedUnit]) -> None:
    # The enacted full names ("Phường …", "Xã …", "Đặc khu …") are the NQ 1669 types.
    assert len(units) == 114
    assert all(u.unit_type is _prefix(u.full_name, NEW_TYPES) for u in units)
    counts = {t: sum(u.unit_type is t for u in units) for t in NEW_TYPES.values()}
    assert counts == {UnitType.PHUONG: 45, UnitType.DAC_KHU: 2, UnitType.XA: 67}


def test_the_enacted_plan_is_checked_under_nq76(checked: PlanCheck) -> None:
    assert checked.rule_set_id == "nq76-2025"


def test_no_unit_of_the_enacted_plan_fails(checked: PlanCheck) -> None:
    assert [u.name for u in checked.failing] == []


def test_eleven_units_are_exempt_ten_by_art_5_2_and_bach_long_vi(checked: PlanCheck) -> None:
    # "Exempt" means a threshold was missed and an exemption sets it aside. Đặc khu Cát Hải
    # (286.98 km², 71,211 people) meets the xã orientation it is measured against, so it passes;
    # Bạch Long Vĩ (3.07 km², 686 people) does not and is exempt under Art 5(1)(d).
    by_rule = defaultdict(set)
    for unit in checked.exempt:
        by_rule[unit.exemption.rule_id].add(unit.name)
    assert dict(by_rule) == {
        "nq76.art5_2.three_or_more": EXEMPT_THREE_OR_MORE,
        "nq76.art5_1_d.island": EXEMPT_ISLAND,
    }
    assert len(checked.exempt) == 11


def test_every_unit_exempt_under_art_5_2_has_at_least_three_constituents(
    checked: PlanCheck,
) -> None:
    exempt = [u for u in checked.exempt if u.exemption.rule_id == "nq76.art5_2.three_or_more"]
    assert all(u.constituent_count >= 3 and u.waived for u in exempt)


@pytest.mark.parametrize(
    ("name", "area_percent", "population_percent"),
    [
        # legal reference §1.4, from Đề án 381/ĐA-CP
        ("Xã Trần Phú", 119.00, 224.61),
        ("Xã Gia Lộc", 103.71, 292.09),
        ("Phường Hải Dương", 118.36, 245.34),
        ("Phường Nguyễn Trãi", 1386.9, 76.66),
    ],
)
def test_the_dossier_percentages_are_reproduced(
    checked: PlanCheck, name: str, area_percent: float, population_percent: float
) -> None:
    unit = by_name(checked)[name]
    assert unit.area.percent == pytest.approx(area_percent, abs=0.1)
    assert unit.population.percent == pytest.approx(population_percent, abs=0.1)


def test_phuong_nguyen_trai_is_exempt_and_says_why(checked: PlanCheck) -> None:
    unit = by_name(checked)["Phường Nguyễn Trãi"]
    assert unit.status is Status.EXEMPT
    assert unit.exemption.citation.text_vi == "khoản 2 Điều 5 Nghị quyết số 76/2025/UBTVQH15"
    assert [v.rule_id for v in unit.waived] == ["nq76.phuong.population"]
    assert unit.waived[0].message_vi.startswith(
        "Quy mô dân số 16.098 người, đạt 76,66% tiêu chuẩn (21.000 người)"
    )


def test_every_old_unit_is_assigned_once_and_names_do_not_repeat(checked: PlanCheck) -> None:
    assert [v.message_en for v in checked.blocking_plan_violations] == []
    assert checked.ok


def test_cam_giang_and_cam_giang_with_a_grave_accent_are_only_an_advisory(
    checked: PlanCheck,
) -> None:
    # Both were enacted by NQ 1669: names that differ by a tone mark are different names.
    assert [(v.rule_id, v.message_vi) for v in checked.plan_violations] == [
        (
            "plan.names_similar",
            "Tên chỉ khác nhau ở dấu, dễ nhầm khi viết không dấu: Xã Cẩm Giang, Xã Cẩm Giàng.",
        )
    ]
