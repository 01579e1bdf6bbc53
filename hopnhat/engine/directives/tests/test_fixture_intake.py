"""The conclusion notice 01-TB/TTTU-TTTU: ten clauses, twelve tasks (clause 6 holds three deadlines)."""

from __future__ import annotations

import datetime as dt

import pytest

from hopnhat.engine.directives import DirectiveProposal, ProposedTask, read_directive
from hopnhat.engine.directives.tests.builders import (
    BCSD_HD,
    BCSD_HP,
    BTC_HD,
    BTC_HP,
    BTGDV_HD,
    BTGDV_HP,
    HP,
    LOCALITIES,
    SKHCN_HD,
    SKHCN_HP,
    STC_HD,
    STC_HP,
    STP_HD,
    STP_HP,
    SXD_HP,
    TBVK,
    UBND_HD,
    UBND_HP,
    entries,
    fixture_text,
)


@pytest.fixture(scope="module")
def proposal() -> DirectiveProposal:
    return read_directive(
        fixture_text(), entries=entries(), localities=LOCALITIES, default_locality=HP
    )


def d(day: int, month: int) -> dt.date:
    return dt.date(2025, month, day)


# (clause, sequence, leads, co-operating, due, recurrence, title starts with)
EXPECTED = [
    ("II.1", 0, (BCSD_HP,), (BCSD_HD,), d(10, 7), "", "Khẩn trương hoàn thiện Đề án thành lập"),
    ("II.2", 0, (BTC_HP,), (BTC_HD,), None, "", "Tham mưu sắp xếp tổ chức"),
    ("II.3", 0, (STC_HP, STC_HD), (), d(20, 6), "", "Kiểm kê, bàn giao tài sản"),
    ("II.4", 0, (SXD_HP,), (), d(31, 7), "", "Làm việc với các chủ đầu tư"),
    ("II.5", 0, (SKHCN_HP, SKHCN_HD), (), d(30, 6), "", "Bảo đảm hạ tầng công nghệ thông tin"),
    ("II.6", 0, (TBVK,), (), d(15, 6), "", "Hoàn thiện dự thảo Báo cáo chính trị"),
    ("II.6", 1, (TBVK,), (), d(31, 8), "", "Tổ chức lấy ý kiến góp ý"),
    ("II.6", 2, (TBVK,), (), d(30, 9), "", "Hoàn thành văn kiện và công tác chuẩn bị Đại hội"),
    ("II.7", 0, (BTGDV_HP,), (BTGDV_HD,), None, "continuous", "Đẩy mạnh công tác thông tin"),
    ("II.8", 0, (SXD_HP,), (), d(30, 7), "", "Đẩy nhanh đầu tư, cải tạo"),
    ("II.9", 0, (STP_HP, STP_HD), (), d(30, 9), "", "Rà soát, báo cáo cấp có thẩm quyền"),
    ("II.10", 0, (UBND_HP, UBND_HD), (), d(25, 6), "", "Tập trung quản lý, lưu trữ hồ sơ"),
]


def test_the_header_gives_number_date_issuer_kind_and_title(proposal: DirectiveProposal) -> None:
    header = proposal.header
    assert header.number == "01-TB/TTTU-TTTU"
    assert header.issued_on == d(5, 6)
    assert header.issuer == "THÀNH ỦY HẢI PHÒNG - TỈNH ỦY HẢI DƯƠNG"
    assert header.kind == "thong_bao_ket_luan"
    assert header.title.startswith("KẾT LUẬN CỦA THƯỜNG TRỰC THÀNH ỦY HẢI PHÒNG")


def test_the_notice_splits_into_the_general_assessment_and_ten_numbered_clauses(
    proposal: DirectiveProposal,
) -> None:
    assert [c.ref for c in proposal.clauses] == ["I"] + [f"II.{n}" for n in range(1, 11)]
    assert proposal.clauses[0].section_title == "ĐÁNH GIÁ CHUNG"
    assert proposal.clauses[-1].text.endswith("hoàn thành chậm nhất ngày 25/6/2025.")


def test_the_general_assessment_assigns_nothing_and_every_numbered_clause_does(
    proposal: DirectiveProposal,
) -> None:
    refs = {task.clause_ref for task in proposal.tasks}
    assert refs == {f"II.{n}" for n in range(1, 11)}
    assert len(proposal.tasks) == len(EXPECTED) == 12


@pytest.mark.parametrize(("ref", "sequence", "leads", "co", "due", "recurrence", "title"), EXPECTED)
def test_each_proposed_task_has_the_right_lead_co_operators_and_deadline(
    proposal: DirectiveProposal,
    ref: str,
    sequence: int,
    leads: tuple[int, ...],
    co: tuple[int, ...],
    due: dt.date | None,
    recurrence: str,
    title: str,
) -> None:
    task: ProposedTask = next(
        t for t in proposal.tasks if (t.clause_ref, t.sequence) == (ref, sequence)
    )
    assert task.lead_ids == leads
    assert task.co_ids == co
    assert task.due == due
    assert task.recurrence == recurrence
    assert task.title.startswith(title), task.title
    if task.deadline_phrase:
        assert task.deadline_phrase not in task.title


def test_the_required_deadlines_are_all_there(proposal: DirectiveProposal) -> None:
    dues = sorted(t.due for t in proposal.tasks if t.due)
    assert dues == sorted(
        [
            d(10, 7),
            d(20, 6),
            d(31, 7),
            d(30, 6),
            d(15, 6),
            d(31, 8),
            d(30, 9),
            d(30, 7),
            d(30, 9),
            d(25, 6),
        ]
    )
    assert [t.clause_ref for t in proposal.tasks if t.recurrence] == ["II.7"]
    assert [t.clause_ref for t in proposal.tasks if not t.due and not t.recurrence] == ["II.2"]
    assert "no_deadline" in next(t for t in proposal.tasks if t.clause_ref == "II.2").notes


def test_a_collective_addressee_falls_to_both_peoples_committees_and_says_so(
    proposal: DirectiveProposal,
) -> None:
    task = next(t for t in proposal.tasks if t.clause_ref == "II.10")
    assert "collective_addressee" in task.notes


def test_a_clause_keeps_its_full_text_as_the_description(proposal: DirectiveProposal) -> None:
    task = next(t for t in proposal.tasks if t.clause_ref == "II.6" and t.sequence == 1)
    assert task.description == proposal.clauses[6].text
