"""The enacted NQ 1669 arrangement as a DossierPlan, from the shipped HD + HP files."""

from __future__ import annotations

import datetime
import gzip
import json
from collections import defaultdict
from functools import cache
from typing import Any

from shapely.geometry import shape

from hopnhat.apps.plans.dossier import (
    DossierConstituent,
    DossierNotArranged,
    DossierPlan,
    DossierUnit,
    MapFeature,
    MapPage,
)
from hopnhat.engine.resolutions.tests.tables import DATA, read_csv, split_type

# The Hải Phòng options of the dossier (legal reference §1.4): xã 21 km² and 16,000 people
# (Red River Delta factor), phường 5.5 km² and 21,000; đặc khu exempt.
THRESHOLDS = {"xã": (21.0, 16_000), "phường": (5.5, 21_000)}


def _features(name: str) -> list[dict[str, Any]]:
    with gzip.open(DATA / "vn" / name, "rt", encoding="utf-8") as handle:
        features: list[dict[str, Any]] = json.load(handle)["features"]
    return features


@cache
def new_units() -> dict[str, dict[str, Any]]:
    return {f["properties"]["code"]: f for f in _features("hp_communes_2025-07_new.geojson.gz")}


@cache
def old_units() -> dict[str, dict[str, Any]]:
    result = {}
    for feature in _features("hp_hd_communes_2025-06_legacy.geojson.gz"):
        props = feature["properties"]
        result[props["ward_code"] or f"D{props['district_code']}"] = feature
    return result


def _district(text: str) -> str:
    # "Huyện Kim Thành" -> "huyện Kim Thành", as the resolutions write the bracket.
    unit_type, name = split_type(text)
    if unit_type is None:
        for prefix in ("Thành phố", "Thị xã", "Quận"):
            if text.startswith(prefix + " "):
                return f"{prefix.lower()} {text[len(prefix) + 1 :]}"
        return text
    return f"{unit_type} {name}"


def enacted_plan() -> DossierPlan:
    rows = read_csv("hp_hd_old_to_new_2025_crosswalk.csv")
    header = rows[0]
    links: dict[str, list[DossierConstituent]] = defaultdict(list)
    for values in rows[1:]:
        row = dict(zip(header, values, strict=True))
        code = row["old_code"] or f"D{row['old_district_code']}"
        unit_type, name = split_type(row["old_name"])
        props = old_units()[code]["properties"]
        share = float(row["geom_share_of_old_area"] or 1) if row["relation"] != "whole" else 1.0
        links[row["new_code"]].append(
            DossierConstituent(
                name=name,
                unit_type=unit_type or "xã",
                district=_district(row["old_district"]),
                whole=row["relation"] == "whole",
                area_km2=round(props["area_km2_geodesic"] * share, 2),
                population=round(props["pop2019_census"] * float(row["pop_alloc_weight"] or 1)),
                code=code,
            )
        )
    units = []
    for stt, code in enumerate(sorted(links), start=1):
        props = new_units()[code]["properties"]
        # The layer's `type` is wrong for Việt Hòa and Vĩnh Hòa; `full_name` agrees with NQ 1669.
        unit_type = split_type(props["full_name"])[0] or props["type"].lower()
        area, population = props["area_km2_official"], props["population_official"]
        area_base, population_base = THRESHOLDS.get(unit_type, (None, None))
        n_old = len(links[code])
        units.append(
            DossierUnit(
                stt=stt,
                name=props["name"],
                unit_type=unit_type,
                constituents=tuple(links[code]),
                area_km2=area,
                area_pct=round(100 * area / area_base, 2) if area_base else None,
                population=population,
                population_pct=round(100 * population / population_base, 2)
                if population_base
                else None,
                meets="Đặc khu (Điều 5 khoản 3)"
                if unit_type == "đặc khu"
                else "Đạt định hướng"
                if n_old < 3
                else "Đạt định hướng; sắp xếp từ 03 đơn vị trở lên (Điều 5 khoản 2)",
                seat=f"Trụ sở {props['full_name']}",
                name_reason="Kế thừa tên gọi của đơn vị hành chính cũ",
                special_factors="Đồng bằng sông Hồng",
            )
        )
    return DossierPlan(
        province="thành phố Hải Phòng",
        scheme_title="Đề án sắp xếp đơn vị hành chính cấp xã của thành phố Hải Phòng năm 2025",
        units=tuple(units),
        not_arranged=(),
        effective_date=datetime.date(2025, 7, 1),
        issuer="Ủy ban nhân dân thành phố Hải Phòng",
        place="Hải Phòng",
        thresholds_note="Tiêu chuẩn: xã 21 km², 16.000 người; phường 5,5 km², 21.000 người.",
    )


def small_plan() -> DossierPlan:
    """Two new units; xã Gia Phúc divided between them; one unit kept."""
    gia_phuc = {
        "name": "Gia Phúc",
        "unit_type": "xã",
        "district": "huyện Gia Lộc",
        "area_km2": 3.5,
        "population": 4000,
    }
    first = DossierUnit(
        stt=1,
        name="Gia Lộc",
        unit_type="xã",
        constituents=(
            DossierConstituent(
                name="Gia Tiến",
                unit_type="xã",
                district="huyện Gia Lộc",
                whole=True,
                area_km2=8.25,
                population=9500,
            ),
            DossierConstituent(whole=False, **gia_phuc),  # type: ignore[arg-type]
        ),
        area_km2=21.78,
        area_pct=103.71,
        population=46_735,
        population_pct=292.09,
        meets="Đạt định hướng",
    )
    second = DossierUnit(
        stt=2,
        name="Gia Phúc",
        unit_type="xã",
        constituents=(
            DossierConstituent(
                name="Toàn Thắng", unit_type="xã", district="huyện Gia Lộc", whole=True
            ),
            DossierConstituent(whole=False, **gia_phuc),  # type: ignore[arg-type]
        ),
    )
    kept = DossierNotArranged(
        name="Cái Chiên", unit_type="xã", district="huyện Hải Hà", reason="Đơn vị ở vị trí biệt lập"
    )
    return DossierPlan(
        province="thành phố Hải Phòng",
        scheme_title="Đề án thử",
        units=(first, second),
        not_arranged=(kept,),
        place="Hải Phòng",
    )  # fmt: skip


def map_pages(tolerance: float = 0.001) -> list[MapPage]:
    current = tuple(
        MapFeature(
            label=feature["properties"]["ward"].split(" ", 1)[-1],
            geometry=shape(feature["geometry"]).simplify(tolerance),
            fill_class=feature["properties"]["district"],
        )
        for feature in old_units().values()
    )
    proposed = tuple(
        MapFeature(
            label=feature["properties"]["name"],
            geometry=shape(feature["geometry"]).simplify(tolerance),
            fill_class=feature["properties"]["full_name"],
        )
        for feature in new_units().values()
    )
    return [
        MapPage(title="BẢN ĐỒ HIỆN TRẠNG ĐƠN VỊ HÀNH CHÍNH CẤP XÃ", subtitle="Hải Dương và Hải Phòng", features=current),
        MapPage(title="BẢN ĐỒ PHƯƠNG ÁN SẮP XẾP ĐƠN VỊ HÀNH CHÍNH CẤP XÃ", subtitle="Thành phố Hải Phòng", features=proposed),
    ]  # fmt: skip
