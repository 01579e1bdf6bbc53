"""A small table of real Hải Dương + Hải Phòng old codes, with its sums worked out by hand.

    old code  unit (30/6/2025)                 dan_so  so_ho  → new unit (1/7/2025)
    10507     Phường Cẩm Thượng (TP Hải Dương)   100     10   → 10507 Phường Thành Đông (whole)
    10510     Phường Bình Hàn (TP Hải Dương)     200     20   → 10507 Phường Thành Đông (whole)
    10798     Xã Hòa Bình (Kim Thành)          1000    300   → 10804 Xã Kim Thành (part)
                                                             → 10843 Xã Hà Nam (part)
    11890     Xã Hòa Bình (Vĩnh Bảo)             50      5   → 11911 Xã Nguyễn Bỉnh Khiêm (whole)
    99999     (no such unit)                      7      1   → reported, left out

10798's shares (hp_hd_old_to_new_2025_crosswalk.csv): population 0.982 / 0.018 (sum 1), area
0.971 / 0.0178 (sum 0.9888, normalised by the engine).
"""

from __future__ import annotations

import io

from openpyxl import Workbook

HEADER = ["STT", "ma_xa", "ten_xa", "dan_so", "so_ho"]
ROWS = [
    [1, "10507", "Phường Cẩm Thượng", 100, 10],
    [2, "10510", "Phường Bình Hàn", 200, 20],
    [3, "10798", "Xã Hòa Bình", 1000, 300],
    [4, "11890", "Xã Hòa Bình", 50, 5],
    [5, "99999", "Không có", 7, 1],
]
AREA_SUM = 0.971 + 0.0178
BY_POPULATION = {
    "10507": {"dan_so": 300, "so_ho": 30},
    "10804": {"dan_so": 982, "so_ho": 300 * 0.982},
    "10843": {"dan_so": 18, "so_ho": 300 * 0.018},
    "11911": {"dan_so": 50, "so_ho": 5},
}
BY_AREA = {
    "10507": {"dan_so": 300, "so_ho": 30},
    "10804": {"dan_so": 1000 * 0.971 / AREA_SUM, "so_ho": 300 * 0.971 / AREA_SUM},
    "10843": {"dan_so": 1000 * 0.0178 / AREA_SUM, "so_ho": 300 * 0.0178 / AREA_SUM},
    "11911": {"dan_so": 50, "so_ho": 5},
}


def csv_bytes(rows: list[list[object]] = ROWS, *, delimiter: str = ",", bom: bool = True) -> bytes:
    lines = [delimiter.join(HEADER)] + [delimiter.join(str(c) for c in row) for row in rows]
    text = "\n".join(lines) + "\n"
    return text.encode("utf-8-sig" if bom else "utf-8")


def xlsx_bytes(
    rows: list[list[object]] = ROWS, *, numeric_codes: bool = False, sheet: str = "Sheet1"
) -> bytes:
    workbook = Workbook()
    worksheet = workbook.active
    assert worksheet is not None
    worksheet.title = sheet
    worksheet.append(HEADER)
    for row in rows:
        code = int(str(row[1])) if numeric_codes else row[1]
        worksheet.append([row[0], code, *row[2:]])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def values_by_code(rows: list[dict[str, object]]) -> dict[str, dict[str, float]]:
    return {str(r["code"]): {k: float(v) for k, v in r["values"].items()} for r in rows}  # type: ignore[attr-defined]
