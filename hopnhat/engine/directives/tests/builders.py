"""A hand-drawn directory of the two localities: just the bodies the conclusion notice names."""

from __future__ import annotations

from pathlib import Path

from hopnhat.engine.directives import DirectoryEntry, Locality

FIXTURE = (
    Path(__file__).resolve().parents[3] / "data" / "fixtures" / "thong-bao-ket-luan-hoi-nghi.txt"
)

HP, HD = "31", "30"
LOCALITIES = (
    Locality(HP, ("Hải Phòng", "thành phố Hải Phòng"), is_city=True),
    Locality(HD, ("Hải Dương", "tỉnh Hải Dương"), is_city=False),
)

# id: (names, locality, kind). Ids are the tens/units of the dotted codes, for readable asserts.
BCSD_HP, BCSD_HD = 11, 21
BTC_HP, BTC_HD = 12, 22
STC_HP, STC_HD = 13, 23
SXD_HP, SXD_HD = 14, 24
SKHCN_HP, SKHCN_HD = 15, 25
STP_HP, STP_HD = 16, 26
BTGDV_HP, BTGDV_HD = 17, 27
UBND_HP, UBND_HD = 18, 28
TBVK = 31
TCT = 32
CITY, PROVINCE = 1, 2


def entries() -> list[DirectoryEntry]:
    rows: list[DirectoryEntry] = [
        DirectoryEntry(CITY, ("Thành phố Hải Phòng",), HP, "locality"),
        DirectoryEntry(PROVINCE, ("Tỉnh Hải Dương",), HD, "locality"),
        DirectoryEntry(
            TBVK,
            (
                "Tiểu ban Văn kiện Đại hội đại biểu Đảng bộ thành phố nhiệm kỳ 2025 - 2030",
                "Tiểu ban Văn kiện",
            ),
            HP,
            "working_group",
        ),
        DirectoryEntry(
            TCT,
            ("Tổ công tác hợp nhất tỉnh Hải Dương và thành phố Hải Phòng", "các tổ công tác"),
            HP,
            "working_group",
        ),
    ]
    for loc, unit, place, party, base in (
        (HP, "thành phố", "Hải Phòng", "Thành ủy", 10),
        (HD, "tỉnh", "Hải Dương", "Tỉnh ủy", 20),
    ):
        rows += [
            DirectoryEntry(
                base + 1,
                (
                    f"Ban cán sự đảng Ủy ban nhân dân {unit} {place}",
                    f"Ban cán sự đảng UBND {unit} {place}",
                ),
                loc,
                "party_board",
            ),
            DirectoryEntry(
                base + 2,
                (f"Ban Tổ chức {party} {place}", f"Ban Tổ chức {party}"),
                loc,
                "party_board",
            ),
            DirectoryEntry(
                base + 3, (f"Sở Tài chính {unit} {place}", "Sở Tài chính"), loc, "department"
            ),
            DirectoryEntry(
                base + 4, (f"Sở Xây dựng {unit} {place}", "Sở Xây dựng"), loc, "department"
            ),
            DirectoryEntry(
                base + 5,
                (
                    f"Sở Khoa học và Công nghệ {unit} {place}",
                    "Sở Khoa học và Công nghệ",
                    "Sở KH&CN",
                ),
                loc,
                "department",
            ),
            DirectoryEntry(
                base + 6, (f"Sở Tư pháp {unit} {place}", "Sở Tư pháp"), loc, "department"
            ),
            DirectoryEntry(
                base + 7,
                (
                    f"Ban Tuyên giáo và Dân vận {party} {place}",
                    f"Ban Tuyên giáo và Dân vận {party}",
                ),
                loc,
                "party_board",
            ),
            DirectoryEntry(
                base + 8,
                (f"Ủy ban nhân dân {unit} {place}", f"UBND {place}"),
                loc,
                "peoples_committee",
            ),
        ]
    return rows


def fixture_text() -> str:
    return FIXTURE.read_text(encoding="utf-8")
