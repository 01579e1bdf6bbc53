from __future__ import annotations

from hopnhat.engine.directives.clauses import Clause
from hopnhat.engine.directives.organisations import Directory, find_mentions
from hopnhat.engine.directives.proposals import NOTE_NO_LEAD, is_assigning, propose_tasks
from hopnhat.engine.directives.tests.builders import (
    BTC_HD,
    BTC_HP,
    HD,
    HP,
    LOCALITIES,
    STC_HD,
    STC_HP,
    STP_HP,
    SXD_HD,
    entries,
)


def directory(default: str | None = HP) -> Directory:
    return Directory(entries(), LOCALITIES, default)


def ids(text: str, default: str | None = HP) -> list[tuple[int, ...]]:
    return [m.entry_ids for m in find_mentions(text, directory(default))]


def test_thanh_uy_means_the_city_and_tinh_uy_the_province() -> None:
    assert ids("Ban Tổ chức Thành ủy tham mưu") == [(BTC_HP,)]
    assert ids("Ban Tổ chức Tỉnh ủy tham mưu") == [(BTC_HD,)]


def test_hai_dia_phuong_means_the_body_of_each_locality() -> None:
    assert ids("Sở Tài chính hai địa phương chủ trì") == [(STC_HP, STC_HD)]
    assert ids("Sở Tài chính của hai địa phương chủ trì") == [(STC_HP, STC_HD)]


def test_a_place_name_after_a_short_name_picks_that_place() -> None:
    assert ids("Sở Xây dựng tỉnh Hải Dương báo cáo") == [(SXD_HD,)]


def test_an_unqualified_short_name_falls_to_the_issuing_locality() -> None:
    assert ids("Sở Tư pháp rà soát") == [(STP_HP,)]
    assert ids("Sở Tài chính rà soát", default=HD) == [(STC_HD,)]


def test_organisations_named_in_the_body_of_the_task_are_not_its_lead() -> None:
    clause = Clause(
        "1",
        "",
        "",
        "Giao Sở Tư pháp rà soát các văn bản của Sở Tài chính, hoàn thành trước ngày 1/7/2025.",
        0,
    )
    [task] = propose_tasks(clause, directory())
    assert task.lead_ids == (STP_HP,)
    assert task.co_ids == ()


def test_a_list_of_leads_joined_by_va_is_read_whole() -> None:
    clause = Clause(
        "1", "", "", "Giao Sở Tư pháp và Sở Tài chính tỉnh Hải Dương chủ trì rà soát.", 0
    )
    [task] = propose_tasks(clause, directory())
    assert task.lead_ids == (STP_HP, STC_HD)


def test_an_assignment_to_an_unknown_body_is_proposed_without_lead_and_flagged() -> None:
    clause = Clause("1", "", "", "Giao Công an thành phố bảo đảm an ninh, trật tự.", 0)
    [task] = propose_tasks(clause, directory())
    assert task.lead_ids == ()
    assert NOTE_NO_LEAD in task.notes


def test_assigning_clauses_are_told_from_assessments() -> None:
    assert is_assigning("Giao Sở Tài chính chủ trì kiểm kê")
    assert is_assigning("Các cơ quan, đơn vị của hai địa phương tập trung số hóa tài liệu")
    assert is_assigning("Đề nghị Bộ Nội vụ hướng dẫn")
    assert not is_assigning(
        "Các tổ công tác, cơ quan, đơn vị của hai địa phương đã phối hợp chặt chẽ, hoàn thành hồ sơ"
    )
    assert HD != HP
