from __future__ import annotations

import datetime as dt

import pytest

from hopnhat.engine.directives import find_deadlines


@pytest.mark.parametrize(
    ("text", "due"),
    [
        ("hoàn thành trước ngày 10/7/2025.", dt.date(2025, 7, 10)),
        ("hoàn thành trước 30/6/2025.", dt.date(2025, 6, 30)),
        ("hoàn thành trước ngày 15 tháng 6 năm 2025", dt.date(2025, 6, 15)),
        ("báo cáo trước ngày 20 tháng 6 năm 2025.", dt.date(2025, 6, 20)),
        ("báo cáo kết quả trong tháng 7/2025.", dt.date(2025, 7, 31)),
        ("trong tháng 2/2024", dt.date(2024, 2, 29)),
        ("hoàn thành trong quý III/2025.", dt.date(2025, 9, 30)),
        ("trong quý IV năm 2025", dt.date(2025, 12, 31)),
        ("trong quý 1/2026", dt.date(2026, 3, 31)),
        ("hoàn thành chậm nhất ngày 25/6/2025.", dt.date(2025, 6, 25)),
        ("HOÀN THÀNH TRƯỚC NGÀY 01.08.2025", dt.date(2025, 8, 1)),
        ("trong năm 2025", dt.date(2025, 12, 31)),
    ],
)
def test_each_vietnamese_deadline_expression_gives_its_day(text: str, due: dt.date) -> None:
    [deadline] = find_deadlines(text)
    assert deadline.due == due
    assert deadline.recurrence == ""
    assert text[deadline.start : deadline.end] == deadline.phrase


def test_thuc_hien_thuong_xuyen_is_recurring_with_no_end_date() -> None:
    [deadline] = find_deadlines(
        "tạo đồng thuận trong Nhân dân hai địa phương (thực hiện thường xuyên)."
    )
    assert (deadline.due, deadline.recurrence) == (None, "continuous")


def test_a_bare_date_without_a_deadline_keyword_is_not_a_deadline() -> None:
    assert find_deadlines("Ngày 04/6/2025, Thường trực Thành ủy tổ chức Hội nghị") == []


def test_an_impossible_date_is_ignored() -> None:
    assert find_deadlines("hoàn thành trước ngày 31/6/2025") == []


def test_several_deadlines_come_in_order_of_appearance() -> None:
    text = (
        "xin ý kiến, hoàn thành trước ngày 15/6/2025; lấy ý kiến, hoàn thành trước ngày 31/8/2025"
    )
    assert [d.due for d in find_deadlines(text)] == [dt.date(2025, 6, 15), dt.date(2025, 8, 31)]
