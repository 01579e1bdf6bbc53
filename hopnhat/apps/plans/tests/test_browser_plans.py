"""The plan editor in headless Chromium: copy the enacted plan into a draft, draw a unit, watch
the tallies change, undo and redo, let it autosave, export the CSV and download the dossier.

The time from an assign to the updated tally is measured in the page (performance.now()
around the handler, on window.hopnhatEditor.timings) with the 375 old units, and printed.
Screenshots go to var/artifacts/screenshots/; with HOPNHAT_DOCS_SCREENSHOTS=1 the editor
picture of the README goes to docs/screenshots/plan-editor.png.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from django.conf import settings

from hopnhat.apps.plans.models import Assignment, Plan
from hopnhat.common.browser_testing import BrowserPage
from hopnhat.common.testing import DEMO_PASSWORD

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NEW_NAME = "Hồng Phong Mới"
# Generous: the brief's target is 100 ms; this only catches a broken (quadratic) handler.
INTERACTION_BOUND_MS = 1000.0


@pytest.fixture
def browser_locale() -> str:
    return "vi-VN"


@pytest.fixture
def browser_timeout_ms() -> int:
    return 20_000


def shot(browser: BrowserPage, name: str) -> None:
    browser.screenshot(f"plans-{name}")


def log_in(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    form = page.get_by_test_id("login-form")
    form.locator("#id_username").fill(username)
    form.locator("#id_password").fill(DEMO_PASSWORD)
    with page.expect_navigation():
        form.locator("button[type=submit]").click()


def row_text(page: Page, key: str) -> str:
    return page.locator(f'#tally-body tr[data-key="{key}"]').inner_text()


def add_to_selection(page: Page, code: str) -> None:
    page.get_by_test_id("unit-search").fill(code)
    page.get_by_test_id("unit-search").press("Enter")


def wait_saved(page: Page) -> int:
    page.wait_for_selector('#save-status[data-state="saved"]', timeout=30_000)
    return int(page.locator("#save-status").get_attribute("data-version") or 0)


def download(page: Page, test_id: str, target: Path) -> bytes:
    with page.expect_download() as info:
        page.get_by_test_id(test_id).click()
    info.value.save_as(target)
    return target.read_bytes()


def test_a_coordinator_draws_a_unit_sees_the_tallies_undoes_and_downloads_the_dossier(
    browser_page: BrowserPage, live_server: Any, enacted: Plan, tmp_path: Path
) -> None:
    from docx import Document
    from openpyxl import load_workbook
    from playwright.sync_api import expect

    page = browser_page.page
    base = live_server.url
    log_in(page, base, "demo-coordinator")

    # Copy the enacted plan into a draft from its page: the copy opens in the editor.
    page.goto(f"{base}/plans/{enacted.pk}/")
    page.locator("#copy-name").fill("Phương án thử nghiệm")
    with page.expect_navigation():
        page.get_by_test_id("copy-plan").click()
    draft = Plan.objects.get(name="Phương án thử nghiệm")
    assert page.url == f"{base}/plans/{draft.pk}/editor/"
    page.wait_for_selector('#plan-editor[data-loaded="true"]', timeout=60_000)
    assert page.locator("#plan-editor").get_attribute("data-unit-count") == "375"
    expect(page.locator("#tally-body tr")).to_have_count(114)
    assert page.locator("#editor-map path.old-unit").count() >= 370
    shot(browser_page, "01-editor")

    # Select Phường Bình Hàn and a neighbour of it, and draw a new unit from them.
    neighbour = page.evaluate("window.hopnhatEditor.old.get('10510').neighbours[0]")
    holder = page.evaluate(f"Array.from(window.hopnhatEditor.holders.get('{neighbour}'))[0]")
    before_10507 = row_text(page, "10507")
    before_holder = row_text(page, holder)
    add_to_selection(page, "10510")
    add_to_selection(page, neighbour)
    expect(page.get_by_test_id("selection-status")).to_have_attribute("data-count", "2")
    page.get_by_test_id("target-unit").select_option("")
    page.get_by_test_id("new-unit-name").fill(NEW_NAME)
    page.get_by_test_id("assign").click()

    expect(page.locator("#tally-body tr")).to_have_count(115)
    new_row = page.locator("#tally-body tr", has_text=NEW_NAME)
    expect(new_row).to_have_count(1)
    new_key = new_row.get_attribute("data-key")
    assert new_row.locator('[data-cell="count"]').inner_text() == "2"
    assert row_text(page, "10507") != before_10507  # Thành Đông lost Bình Hàn
    if holder != "10507":
        assert row_text(page, holder) != before_holder
    timing = page.evaluate("window.hopnhatEditor.timings.filter(t => t.action === 'assign')[0]")
    print(
        f"\nassign → tally update with {timing['units']} old units: {timing['ms']:.1f} ms"
        f" (handler), {timing.get('frameMs', float('nan')):.1f} ms to the next frame"
    )
    assert timing["units"] == 375
    assert 0 < timing["ms"] < INTERACTION_BOUND_MS
    shot(browser_page, "02-drawn")
    browser_page.docs_screenshot("plan-editor")

    # Undo: the tallies are back; redo: the new unit again. Keyboard shortcuts do the same.
    page.get_by_test_id("undo").click()
    expect(page.locator("#tally-body tr")).to_have_count(114)
    assert row_text(page, "10507") == before_10507
    assert row_text(page, holder) == before_holder
    page.keyboard.press("Control+Y")
    expect(page.locator("#tally-body tr")).to_have_count(115)
    shot(browser_page, "03-redone")

    # Autosave: the server holds the new unit, and its check is shown beside the tallies.
    version = wait_saved(page)
    draft.refresh_from_db()
    assert version >= 2, (page.locator("#save-status").inner_text(), draft.version)
    saved = Assignment.objects.filter(plan=draft, new_unit__key=new_key)
    assert set(saved.values_list("old_unit__code", flat=True)) == {"10510", neighbour}
    page.wait_for_selector(f'#server-check[data-version="{version}"]')
    mismatched = int(page.locator("#server-check").get_attribute("data-mismatched") or 0)
    print(f"live tally vs server check: {mismatched} of 115 units differ in status")

    # Export the CSV: the two old units now go to the new unit.
    text = download(page, "export-csv", tmp_path / "assignment.csv").decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == Assignment.objects.filter(plan=draft).count()
    drawn = [r for r in rows if r["new_key"] == new_key]
    assert {r["old_code"] for r in drawn} == {"10510", neighbour}
    assert {r["new_name"] for r in drawn} == {NEW_NAME}

    # The dossier: the annex has a row for the new unit, the scheme its paragraph.
    workbook = load_workbook(io.BytesIO(download(page, "dossier-xlsx", tmp_path / "annex.xlsx")))
    cells = [
        str(cell)
        for sheet in workbook.worksheets
        for row in sheet.iter_rows(values_only=True)
        for cell in row
        if cell is not None
    ]
    assert any(NEW_NAME in cell for cell in cells)
    assert any("Bình Hàn" in cell for cell in cells)
    scheme = Document(io.BytesIO(download(page, "dossier-scheme", tmp_path / "scheme.docx")))
    paragraphs = [p.text for p in scheme.paragraphs]
    pattern = re.compile(
        rf"Thành lập (xã|phường) {NEW_NAME} trên cơ sở toàn bộ diện tích tự nhiên [\d.,]+ km², "
        r"quy mô dân số [\d.,]+ người của .*Bình Hàn.*; sau sắp xếp .* có diện tích tự nhiên"
    )
    assert any(pattern.search(p) for p in paragraphs), [p for p in paragraphs if NEW_NAME in p]
    shot(browser_page, "04-downloaded")

    assert browser_page.problems() == []
    assert settings.DEBUG is False
