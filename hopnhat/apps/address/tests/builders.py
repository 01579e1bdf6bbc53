"""Addresses of the real registry with their expected answers."""

from __future__ import annotations

import csv
import io

import shapely

from hopnhat.apps.territory.models import Unit

NEW_USER = "so 5 le loi, p. tran hung dao, tp hai duong"
KIM_THANH_HOA_BINH = "Xã Hòa Bình, Huyện Kim Thành, Tỉnh Hải Dương"  # 10798 -> 10804 + 10843
VINH_BAO_HOA_BINH = "Xã Hòa Bình, Huyện Vĩnh Bảo, Thành phố Hải Phòng"  # 11890 -> 11911


def inside(code: str) -> tuple[float, float]:
    """A point inside the current unit's polygon (longitude, latitude)."""
    unit = Unit.objects.get(code=code, is_commune_tier=True, valid_to__isnull=True)
    point = shapely.from_geojson(unit.geometry).representative_point()
    return point.x, point.y


def csv_bytes(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode("utf-8")


ADDRESS_TABLE = [
    ["stt", "ho_ten", "dia_chi"],
    ["1", "Nguyễn Văn A", NEW_USER],
    ["2", "Trần Thị B", KIM_THANH_HOA_BINH],
    ["3", "Lê Văn C", VINH_BAO_HOA_BINH],
    ["4", "Phạm D", "Xã Quỳnh Bảo Tây, Huyện Kim Thành, Tỉnh Hải Dương"],
]
