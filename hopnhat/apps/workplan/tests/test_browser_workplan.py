"""In headless Chromium: intake → confirm → update progress → the dashboard changes → the report.

A coordinator pastes the conclusion notice, confirms the proposed tasks; Sở Tài chính's editor
reports clause 3 done; the steering committee sees the dashboard move and downloads the DOCX.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from docx import Document

from hopnhat.apps.workplan.models import Directive, Task
from hopnhat.apps.workplan.tests.builders import fixture_text
from hopnhat.common.browser_testing import BrowserPage, sign_in

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def page(browser_page: BrowserPage, demo_cast: None, settings: Any) -> Page:
    settings.WORKPLAN_TODAY = "2025-06-20"
    return browser_page.page


def shot(page: Page, shots: Path, name: str) -> None:
    assert page.locator("h1").count() == 1, name
    page.screenshot(path=shots / f"workplan-{name}.png", full_page=True)


def test_intake_confirm_progress_dashboard_and_report(
    browser_page: BrowserPage, page: Page, live_server: Any, screenshot_dir: Path
) -> None:
    from playwright.sync_api import expect

    base = live_server.url
    sign_in(page.context, base_url=base, username="demo-coordinator")
    page.goto(f"{base}/workplan/directives/")
    with page.expect_navigation():
        page.get_by_test_id("intake-link").click()
    form = page.get_by_test_id("intake-form")
    form.locator("textarea[name=text]").fill(fixture_text())
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    shot(page, screenshot_dir, "review")
    expect(page.get_by_test_id("lead-select")).to_have_count(12)
    with page.expect_navigation():
        page.get_by_test_id("confirm").click()
    directive = Directive.objects.get()
    assert directive.state == "confirmed"
    assert page.url == f"{base}/workplan/directives/{directive.pk}/"
    shot(page, screenshot_dir, "directive")

    # The steering committee's dashboard as of 20/06/2025: nothing done yet.
    sign_in(page.context, base_url=base, username="demo-steering")
    page.goto(f"{base}/workplan/")
    expect(page.get_by_test_id("total-tasks")).to_have_text("12")
    expect(page.get_by_test_id("on-time-rate")).to_have_text(
        "0%"
    )  # clause 6's first step is overdue
    shot(page, screenshot_dir, "dashboard-before")

    # Sở Tài chính Hải Phòng's editor reports clause 3 done, with a piece of evidence.
    finance = Task.objects.get(directive=directive, clause__ref="II.3")
    sign_in(page.context, base_url=base, username="demo-editor")
    page.goto(f"{base}/workplan/tasks/?mine=1")
    with page.expect_navigation():
        page.locator(f'[data-task="{finance.pk}"] a').click()
    progress = page.get_by_test_id("progress-form")
    # Dates are typed the Vietnamese way, whatever the browser's language.
    progress.locator("input[name=on]").fill("19/06/2025")
    progress.locator("input[name=percent]").fill("100")
    progress.locator("textarea[name=text]").fill(
        "Đã kiểm kê, bàn giao xong; phương án xe đưa đón đã duyệt."
    )
    progress.locator("input[name=evidence]").set_input_files(
        files=[
            {
                "name": "bien-ban-ban-giao.pdf",
                "mimeType": "application/pdf",
                "buffer": b"%PDF-1.4 demo",
            }
        ]
    )
    with page.expect_navigation():
        progress.locator("button[type=submit]").click()
    expect(page.get_by_test_id("task-percent")).to_have_text("100%")
    expect(page.locator(".status-badge").first).to_have_attribute("data-status", "done_on_time")
    shot(page, screenshot_dir, "task-done")

    # The dashboard has moved: one task done on time, the on-time rate is now 50 %.
    sign_in(page.context, base_url=base, username="demo-steering")
    page.goto(f"{base}/workplan/")
    expect(page.get_by_test_id("on-time-rate")).to_have_text("50%")
    row = page.get_by_test_id("status-by-org").locator(f'tr[data-org="{finance.lead_org_id}"]')
    expect(row.locator("td").nth(2)).to_have_text("1")  # the "done on time" column
    shot(page, screenshot_dir, "dashboard-after")

    # The cut-off date reads 20/06/2025; another one travels in the URL as an ISO date.
    as_of = page.get_by_test_id("as-of-form").locator("#as_of")
    expect(as_of).to_have_value("20/06/2025")
    as_of.fill("19/06/2025")
    with page.expect_navigation():
        page.get_by_test_id("as-of-form").locator("button[type=submit]").click()
    assert page.url == f"{base}/workplan/?as_of=2025-06-19"
    expect(page.get_by_test_id("as-of-form").locator("#as_of")).to_have_value("19/06/2025")

    # The timeline: one bar per task, clause 6's steps chained, a line on 20/06/2025.
    page.goto(f"{base}/workplan/timeline/?directive={directive.pk}")
    expect(page.get_by_test_id("gantt").locator("rect.gantt-bar")).to_have_count(12)
    expect(page.get_by_test_id("gantt-today")).to_have_count(1)
    shot(page, screenshot_dir, "timeline")

    # The periodic report in the official form, downloaded as DOCX.
    page.goto(f"{base}/workplan/reports/")
    with page.expect_download() as download_info:
        page.get_by_test_id("report-docx").click()
    path = download_info.value.path()
    document = Document(io.BytesIO(Path(path).read_bytes()))
    cells = [cell.text for table in document.tables[2:] for row in table.rows for cell in row.cells]
    assert any(text.startswith(finance.title) for text in cells)
    assert any("bien-ban-ban-giao.pdf" in text for text in cells)
    assert browser_page.problems() == [], "no script error, no CSP refusal, no failed load"
