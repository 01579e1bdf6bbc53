"""A stale autosave in headless Chromium: while the page is open another editor saves through
the API; the page's autosave gets 409, the conflict panel shows both sides' changes, the local
edits stay on the page (nothing lost) and are re-applied on top of the other version.
"""

from __future__ import annotations

from typing import Any

import pytest

from hopnhat.apps.plans.models import Assignment, Plan
from hopnhat.apps.plans.tests.builders import draft_copy, member, move
from hopnhat.apps.plans.tests.test_browser_editor_tools import (
    add_to_selection,
    far_unit,
    first_whole,
    holders,
    open_editor,
    wait_saved,
)
from hopnhat.common.browser_testing import BrowserPage
from hopnhat.common.testing import ApiClient

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def browser_locale() -> str:
    return "vi-VN"


@pytest.fixture
def browser_timeout_ms() -> int:
    return 20_000


def test_a_stale_autosave_shows_the_conflict_keeps_the_edits_and_reapplies_them(
    browser_page: BrowserPage, live_server: Any, enacted: Plan
) -> None:
    from playwright.sync_api import expect

    page = browser_page.page
    plan = draft_copy(enacted)
    member("editor-snv-2", "31.SNV", "editor")
    other_editor = ApiClient("editor-snv-2")
    open_editor(page, live_server.url, plan)

    # Another editor saves version 2 while the page still holds version 1.
    loaded = other_editor.get(f"/plans/{plan.pk}/assignments").json()
    theirs_code = "10510"  # Phường Bình Hàn: Thành Đông → Phường Hải Dương
    saved = other_editor.send(
        "PUT",
        f"/plans/{plan.pk}/assignments",
        {"version": 1, "summary": "elsewhere", **move(loaded, theirs_code, "10525")},
    )
    assert saved.status_code == 200, saved.content[:500]

    # Here, an edit elsewhere: one whole old unit of a Hải Phòng unit goes to a new unit.
    far = far_unit(page, {"10507", "10525"})
    mine_code = first_whole(page, far, set())
    add_to_selection(page, mine_code)
    page.get_by_test_id("target-unit").select_option("")
    page.get_by_test_id("new-unit-name").fill("Của Tôi")
    page.get_by_test_id("assign").click()
    mine_key = page.locator("#tally-body tr", has_text="Của Tôi").get_attribute("data-key")

    panel = page.get_by_test_id("conflict-panel")
    expect(panel).to_be_visible(timeout=30_000)
    assert page.locator("#save-status").get_attribute("data-state") == "conflict"
    theirs_list = panel.locator('ul[data-side="theirs"]')
    expect(theirs_list).to_contain_text(f"Phường Hải Dương — được thay đổi: + {theirs_code}")
    expect(theirs_list).to_contain_text(f"− {theirs_code}")
    mine_list = panel.locator('ul[data-side="mine"]')
    expect(mine_list).to_contain_text("Của Tôi — được thêm")
    expect(mine_list).to_contain_text(f"− {mine_code}")
    # Nothing lost: the page still shows the local edit, and the server the other one.
    assert holders(page, mine_code) == [mine_key]
    assert Assignment.objects.get(plan=plan, old_unit__code=mine_code).new_unit.key == far
    browser_page.screenshot("plans-tools-05-conflict")

    page.get_by_test_id("conflict-merge").click()
    expect(panel).to_be_hidden()
    assert wait_saved(page) == 3
    rows = {
        a.old_unit.code: a.new_unit.key
        for a in Assignment.objects.filter(plan=plan).select_related("old_unit", "new_unit")
    }
    assert rows[theirs_code] == "10525"  # theirs kept
    assert rows[mine_code] == mine_key  # mine re-applied on top
    assert holders(page, theirs_code) == ["10525"]

    # The one 409 is the stale autosave; nothing else failed on the page.
    stale = [r for r in browser_page.failed_responses if r.startswith("409 ")]
    assert stale == [f"409 {live_server.url}/api/v1/plans/{plan.pk}/assignments"]
    assert [p for p in browser_page.problems() if p not in stale] == []
