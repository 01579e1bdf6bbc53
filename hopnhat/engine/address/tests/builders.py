"""A tiny gazetteer drawn by hand around Hải Phòng's two "Xã Hòa Bình".

Old (to 30/6/2025)                         Current (from 1/7/2025)
Tỉnh Hải Dương (30)                        Thành phố Hải Phòng (31)
  Huyện Kim Thành (293)                      Xã Kim Thành (10804)
    Xã Hòa Bình (10798) --part--> 10804        Xã Hà Nam (10843)
                         --part--> 10843     Xã Nguyễn Bỉnh Khiêm (11911)
  Thành phố Hải Dương (288)                  Phường Hải Dương (10525)
    Phường Trần Hưng Đạo (10525) --whole--> 10525
    Phường Cẩm Thượng (10507)    --whole--> 10525
Thành phố Hải Phòng (31)
  Huyện Vĩnh Bảo (316)
    Xã Hòa Bình (11890) --whole--> 11911
  Huyện Bạch Long Vĩ (318, no communes) --whole--> Đặc khu Bạch Long Vĩ (11948)
Thành phố Hồ Chí Minh (79) -> (79)
  Quận 3 (770)
    Phường 4 (27142) --part--> Phường Bàn Cờ (27154), --part--> Phường Xuân Hòa (27139)

Kim Thành and Hà Nam are 1x1 squares side by side: Kim Thành [0,1]x[0,1], Hà Nam [1,2]x[0,1].
"""

from __future__ import annotations

from shapely.geometry import box

from hopnhat.engine.address import Gazetteer, Index, Place, SubUnit, Successor, build_index

NQ = "1669/NQ-UBTVQH15"


def old(
    key: str,
    code: str,
    level: str,
    unit_type: str,
    full_name: str,
    parent: str | None,
    *,
    tier: bool = False,
) -> Place:
    name = (
        full_name.split(" ", 2)[-1]
        if full_name.startswith(("Thành phố", "Thị xã"))
        else full_name.split(" ", 1)[1]
    )
    return Place(
        key, code, level, unit_type, name, full_name, parent, current=False, commune_tier=tier
    )


def new(
    key: str,
    code: str,
    level: str,
    unit_type: str,
    full_name: str,
    parent: str | None,
    *,
    name: str = "",
) -> Place:
    name = name or (
        full_name.split(" ", 2)[-1]
        if full_name.startswith(("Thành phố", "Đặc khu"))
        else full_name.split(" ", 1)[1]
    )
    return Place(
        key,
        code,
        level,
        unit_type,
        name,
        full_name,
        parent,
        current=True,
        commune_tier=level == "commune",
    )


PLACES = [
    old("o30", "30", "province", "tinh", "Tỉnh Hải Dương", None),
    old("o293", "293", "district", "huyen", "Huyện Kim Thành", "o30"),
    old("o10798", "10798", "commune", "xa", "Xã Hòa Bình", "o293"),
    old("o288", "288", "district", "thanh_pho_thuoc_tinh", "Thành phố Hải Dương", "o30"),
    old("o10525", "10525", "commune", "phuong", "Phường Trần Hưng Đạo", "o288"),
    old("o10507", "10507", "commune", "phuong", "Phường Cẩm Thượng", "o288"),
    old("o31", "31", "province", "thanh_pho_tw", "Thành phố Hải Phòng", None),
    old("o316", "316", "district", "huyen", "Huyện Vĩnh Bảo", "o31"),
    old("o11890", "11890", "commune", "xa", "Xã Hòa Bình", "o316"),
    old("o318", "318", "district", "huyen", "Huyện Bạch Long Vĩ", "o31", tier=True),
    old("o79", "79", "province", "thanh_pho_tw", "Thành phố Hồ Chí Minh", None),
    old("o770", "770", "district", "quan", "Quận 3", "o79"),
    old("o27142", "27142", "commune", "phuong", "Phường 4", "o770"),
    new("n31", "31", "province", "thanh_pho_tw", "Thành phố Hải Phòng", None),
    new("n10804", "10804", "commune", "xa", "Xã Kim Thành", "n31"),
    new("n10843", "10843", "commune", "xa", "Xã Hà Nam", "n31"),
    new("n11911", "11911", "commune", "xa", "Xã Nguyễn Bỉnh Khiêm", "n31"),
    new("n10525", "10525", "commune", "phuong", "Phường Hải Dương", "n31"),
    new("n11948", "11948", "commune", "dac_khu", "Đặc khu Bạch Long Vĩ", "n31"),
    new("n79", "79", "province", "thanh_pho_tw", "Thành phố Hồ Chí Minh", None),
    new("n27154", "27154", "commune", "phuong", "Phường Bàn Cờ", "n79"),
    new("n27139", "27139", "commune", "phuong", "Phường Xuân Hòa", "n79"),
]

SUCCESSORS = {
    "o10798": [
        Successor(
            "n10804", False, "Nhập một phần diện tích, toàn bộ dân số", f"{NQ}, khoản 112 Điều 1"
        ),
        Successor("n10843", False, "Nhập một phần diện tích", f"{NQ}, khoản 79 Điều 1"),
    ],
    "o11890": [Successor("n11911", True, "Nhập toàn bộ", f"{NQ}, khoản 63 Điều 1")],
    "o10525": [Successor("n10525", True, "Nhập toàn bộ", f"{NQ}, khoản 25 Điều 1")],
    "o10507": [Successor("n10525", True, "Nhập toàn bộ", f"{NQ}, khoản 25 Điều 1")],
    "o318": [Successor("n11948", True, "", f"{NQ}, khoản 114 Điều 1")],
    "o27142": [
        Successor("n27154", False, "Nhập một phần", "1685/NQ-UBTVQH15, khoản 5 Điều 1"),
        Successor("n27139", False, "Nhập một phần", "1685/NQ-UBTVQH15, khoản 6 Điều 1"),
    ],
}

POLYGONS = {"n10804": box(0, 0, 1, 1), "n10843": box(1, 0, 2, 1)}


def hai_phong(*, sub_units: list[SubUnit] | None = None) -> Index:
    return build_index(
        Gazetteer(
            places=PLACES, successors=SUCCESSORS, sub_units=sub_units or [], polygons=POLYGONS
        )
    )
