from __future__ import annotations

from hopnhat.engine.directives import read_header, split_clauses

PLAN = """ỦY BAN NHÂN DÂN THÀNH PHỐ HẢI PHÒNG
Số: 12/KH-UBND
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Hải Phòng, ngày 2 tháng 7 năm 2025

KẾ HOẠCH
Triển khai sắp xếp đơn vị hành chính cấp xã

1. Sở Nội vụ chủ trì:
a) rà soát biên chế;
b) báo cáo trước ngày 15/7/2025.
2. Giao Sở Tài chính bố trí kinh phí,
tiếp tục trên dòng sau.

Nơi nhận:
- Như trên;
"""


def test_numbered_items_without_roman_sections_and_lettered_points_are_clauses() -> None:
    clauses = split_clauses(PLAN)
    assert [c.ref for c in clauses] == ["1", "1.a", "1.b", "2"]
    assert clauses[-1].text == "Giao Sở Tài chính bố trí kinh phí, tiếp tục trên dòng sau."


def test_the_header_of_a_plan() -> None:
    header = read_header(PLAN)
    assert (header.number, header.kind) == ("12/KH-UBND", "ke_hoach")
    assert header.title == "Triển khai sắp xếp đơn vị hành chính cấp xã"
    assert header.issued_on is not None
    assert header.issued_on.isoformat() == "2025-07-02"


def test_windows_line_endings_and_extra_spaces_are_tolerated() -> None:
    text = "II.  NHIỆM VỤ\r\n1.   Giao   Sở Tư pháp   rà soát.\r\n"
    [clause] = split_clauses(text)
    assert (clause.ref, clause.text) == ("II.1", "Giao Sở Tư pháp rà soát.")
