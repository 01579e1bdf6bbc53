"""The map in headless Chromium: open it, change the date, search without diacritics, open a
unit, follow its lineage to the resolution, and compare two dates on synchronised maps.

Screenshots of each step go to var/artifacts/screenshots/ (HOPNHAT_SCREENSHOT_DIR); the map
picture of the README goes to docs/screenshots/territory-map.png.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import pytest

from hopnhat.common.browser_testing import BrowserPage

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def shot(browser: BrowserPage, name: str) -> None:
    browser.screenshot(f"territory-{name}")


def wait_for_map(page: Page, selector: str = "#unit-map") -> int:
    page.wait_for_selector(f'{selector}[data-loaded="true"]')
    return int(page.locator(selector).get_attribute("data-feature-count") or 0)


def test_a_visitor_browses_the_map_by_date_searches_opens_a_unit_and_follows_its_lineage(
    browser_page: BrowserPage, live_server: Any, territory: dict[str, int]
) -> None:
    from playwright.sync_api import expect

    page = browser_page.page
    base = live_server.url

    # Open the map (no login) from the navigation: after 1/7/2025, the 114 units of Hải Phòng.
    page.goto(f"{base}/")
    page.locator('[data-testid="nav"] a[data-nav="territory"]').click()
    page.wait_for_url(f"{base}/territory/")
    page.goto(f"{base}/territory/?on=2025-07-01")
    assert wait_for_map(page) == 114
    expect(page.locator("h1")).to_contain_text("01/07/2025")
    expect(page.locator('[data-testid="unit-list"] li[data-code]')).to_have_count(114)
    assert page.locator("#unit-map path.unit-shape").count() >= 114
    shot(browser_page, "01-after")

    # The date field writes dates the Vietnamese way, although the browser is an English one.
    date_field = page.locator("#map-on")
    expect(date_field).to_have_value("01/07/2025")
    expect(date_field).to_have_attribute("placeholder", "dd/mm/yyyy")
    # A day that does not exist is refused on the spot, with the format to use.
    date_field.fill("31/02/2025")
    page.get_by_test_id("show-date").click()
    date_error = page.locator("#map-on-date-error")
    expect(date_error).to_contain_text("31/02/2025")
    expect(date_error).to_contain_text("dd/mm/yyyy")
    expect(date_field).to_have_class(re.compile(r"\bis-invalid\b"))
    assert page.url == f"{base}/territory/?on=2025-07-01"
    shot(browser_page, "01-invalid-date")

    # Change the date: before the arrangement, 375 units of Hải Dương and Hải Phòng. The URL
    # keeps the ISO date, as the API does.
    date_field.fill("30/06/2025")
    with page.expect_navigation():
        page.get_by_test_id("show-date").click()
    assert "on=2025-06-30" in page.url
    expect(date_field).to_have_value("30/06/2025")
    expect(page.locator("h1")).to_contain_text("30/06/2025")
    assert wait_for_map(page) == 375
    expect(page.locator('[data-testid="unit-list"] li[data-code]')).to_have_count(375)
    expect(page.locator('[data-testid="legend"] li[data-band]')).to_have_count(5)
    shot(browser_page, "02-before")
    browser_page.docs_screenshot("territory-map")

    # Search without diacritics: "cam thuong" finds Phường Cẩm Thượng, outlined on the map.
    page.fill("#map-q", "cam thuong")
    with page.expect_navigation():
        page.get_by_test_id("search").click()
    wait_for_map(page)
    items = page.locator('[data-testid="unit-list"] li[data-code]')
    expect(items.filter(has_text="Phường Cẩm Thượng")).to_have_count(1)
    matches = page.locator("#unit-map path.is-match")
    expect(matches).not_to_have_count(0)
    shot(browser_page, "03-search")

    # Open the unit by clicking its polygon: its card appears beside the map.
    matches.first.click(force=True)
    card = page.get_by_test_id("unit-panel").get_by_test_id("unit-card")
    expect(card).to_contain_text("Phường Cẩm Thượng")
    expect(card.get_by_test_id("unit-figures")).to_contain_text("km²")
    expect(card.get_by_test_id("unit-figures")).to_contain_text("01/04/2019")
    expect(card.locator('[data-role="became"]')).to_contain_text("Phường Thành Đông")
    shot(browser_page, "04-card")

    # The list is the keyboard way to the same card.
    page.goto(f"{base}/territory/?on=2025-06-30&q=cam+thuong")
    link = page.locator('[data-unit-link="10507"]')
    link.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("unit-panel").get_by_test_id("unit-card")).to_contain_text(
        "Phường Cẩm Thượng"
    )
    expect(page.locator(".unit-card-title")).to_be_focused()

    # Follow the lineage forward: the new Phường Thành Đông, on 1/7/2025 …
    became = page.locator('[data-lineage-link="became"][data-code="10507"]')
    with page.expect_navigation():
        became.first.click()
    expect(page.locator("h1")).to_contain_text("Phường Thành Đông")
    formed = page.locator('[data-role="formed"]')
    expect(formed).to_contain_text("Phường Bình Hàn")
    expect(formed).to_contain_text("Xã An Thượng")
    expect(page.get_by_test_id("legal-basis")).to_contain_text("1669/NQ-UBTVQH15")
    expect(page.get_by_test_id("legal-basis")).to_contain_text("khoản 28 Điều 1")
    shot(browser_page, "05-successor")

    # … back to one of its predecessors on 30/6/2025, then to the resolution's clause.
    with page.expect_navigation():
        formed.locator('[data-code="10510"]').click()
    expect(page.locator("h1")).to_contain_text("Phường Bình Hàn")
    expect(page.get_by_test_id("unit-validity")).to_contain_text("30/06/2025")
    with page.expect_navigation():
        page.get_by_test_id("legal-basis").locator("a").click()
    assert page.url.endswith("#dieu-1-khoan-28")
    expect(page.locator("h1")).to_contain_text("1669/NQ-UBTVQH15")
    expect(page.locator("#dieu-1-khoan-28")).to_contain_text("Thành Đông")
    expect(page.locator("#dieu-1-khoan-28")).to_be_in_viewport()
    shot(browser_page, "06-legal-text")

    # Compare the two dates: two maps that move together.
    page.goto(f"{base}/territory/compare/?left=2025-06-30&right=2025-07-01")
    assert wait_for_map(page, "#compare-left-map") == 375
    assert wait_for_map(page, "#compare-right-map") == 114
    page.evaluate("document.getElementById('compare-left-map').hopnhatMap.setZoom(11)")
    right_zoom = "document.getElementById('compare-right-map').hopnhatMap.getZoom()"
    for _ in range(50):  # wait_for_function would need 'unsafe-eval', which the CSP refuses
        if page.evaluate(right_zoom) == 11:
            break
        page.wait_for_timeout(100)
    assert page.evaluate(right_zoom) == 11
    shot(browser_page, "07-compare")

    assert browser_page.problems() == [], "no script error, no CSP refusal, no failed load"
