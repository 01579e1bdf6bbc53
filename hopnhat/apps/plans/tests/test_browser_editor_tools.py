"""The editor's other tools in headless Chromium: box and lasso selection, a split with shares,
a lock that the server keeps, and the problem lists zooming to their problem. (The stale
autosave is in test_browser_editor_conflict.py: a transactional test empties the registry
the module loaded, so each browser module holds one test.)

Interaction times are read from the page (window.hopnhatEditor.timings) and printed; only the
generous bound of test_browser_plans is asserted.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from hopnhat.apps.plans.models import Assignment, NewUnit, Plan
from hopnhat.apps.plans.tests.builders import draft_copy
from hopnhat.apps.plans.tests.test_browser_plans import (
    INTERACTION_BOUND_MS,
    add_to_selection,
    log_in,
    row_text,
    wait_saved,
)
from hopnhat.common.browser_testing import BrowserPage

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def browser_locale() -> str:
    return "vi-VN"


@pytest.fixture
def browser_timeout_ms() -> int:
    return 20_000


def open_editor(page: Page, base: str, plan: Plan) -> None:
    log_in(page, base, "demo-coordinator")
    page.goto(f"{base}/plans/{plan.pk}/editor/")
    page.wait_for_selector('#plan-editor[data-loaded="true"]', timeout=60_000)


def editor(page: Page, expression: str) -> Any:
    return page.evaluate(f"(() => {{ const e = window.hopnhatEditor; return {expression}; }})()")


def holders(page: Page, code: str) -> list[str]:
    return sorted(editor(page, f"Array.from(e.holders.get('{code}') || [])"))


def constituents(page: Page, key: str) -> list[dict[str, Any]]:
    return editor(page, f"e.units.get('{key}').constituents")


def last_timing(page: Page, action: str) -> float:
    ms = editor(page, f"e.timings.filter(t => t.action === '{action}').slice(-1)[0].ms")
    print(f"\n{action} with 375 old units: {ms:.1f} ms (handler)")
    assert 0 < ms < INTERACTION_BOUND_MS
    return float(ms)


def screen_point(page: Page, lon: float, lat: float) -> tuple[float, float]:
    """Where a lon/lat lies on the screen (the map container's offset plus Leaflet's point)."""
    box = page.locator("#editor-map").bounding_box()
    assert box is not None
    point = editor(page, f"e.map.latLngToContainerPoint([{lat}, {lon}])")
    return box["x"] + point["x"], box["y"] + point["y"]


def lon_lat(page: Page, x: float, y: float) -> tuple[float, float]:
    box = page.locator("#editor-map").bounding_box()
    assert box is not None
    found = editor(page, f"e.map.containerPointToLatLng([{x - box['x']}, {y - box['y']}])")
    return found["lng"], found["lat"]


def labels(page: Page) -> dict[str, tuple[float, float]]:
    found = editor(
        page, "Array.from(e.old.values()).filter(o => o.label).map(o => [o.code, o.label])"
    )
    return {code: (point[0], point[1]) for code, point in found}


def zoom_on(page: Page, codes: list[str]) -> None:
    quoted = ", ".join(f"'{c}'" for c in codes)
    editor(page, f"e.zoomTo([{quoted}], false)")


def clear_selection(page: Page) -> None:
    page.locator("#clear-selection").click()
    assert page.get_by_test_id("selection-status").get_attribute("data-count") == "0"


def far_unit(page: Page, exclude: set[str]) -> str:
    """The last unit of the plan (Hải Phòng, far from Hải Dương's 10510) that is not special,
    holds a whole old unit with a shape, and is none of `exclude`."""
    return next(
        key
        for key in reversed(editor(page, "e.order"))
        if key not in exclude
        and not editor(page, f"e.units.get('{key}').special_zone")
        and any(
            c["relation"] == "whole" and editor(page, f"!!e.old.get('{c['old_code']}').label")
            for c in constituents(page, key)
        )
    )


def first_whole(page: Page, key: str, exclude: set[str]) -> str:
    return next(
        c["old_code"]
        for c in constituents(page, key)
        if c["relation"] == "whole" and c["old_code"] not in exclude
    )


def test_box_lasso_split_lock_and_the_problem_lists(
    browser_page: BrowserPage, live_server: Any, enacted: Plan
) -> None:
    from playwright.sync_api import expect

    page = browser_page.page
    plan = draft_copy(enacted)
    open_editor(page, live_server.url, plan)
    points = labels(page)

    # Box: Shift and drag around Phường Bình Hàn and a neighbour; what the box holds is
    # worked out here from the labels, independently of the page.
    neighbour = editor(page, "e.old.get('10510').neighbours[0]")
    zoom_on(page, ["10510", neighbour])
    corners = [screen_point(page, *points[c]) for c in ("10510", neighbour)]
    x0, x1 = min(p[0] for p in corners) - 4, max(p[0] for p in corners) + 4
    y0, y1 = min(p[1] for p in corners) - 4, max(p[1] for p in corners) + 4
    (west, north), (east, south) = lon_lat(page, x0, y0), lon_lat(page, x1, y1)
    expected = {
        code for code, (lon, lat) in points.items() if west <= lon <= east and south <= lat <= north
    }
    assert {"10510", neighbour} <= expected
    page.mouse.move(x0, y0)
    page.keyboard.down("Shift")
    page.mouse.down()
    page.mouse.move(x1, y1, steps=8)
    page.mouse.up()
    page.keyboard.up("Shift")
    selection = page.get_by_test_id("selection-status")
    expect(selection).to_have_attribute("data-count", str(len(expected)))
    assert set(editor(page, "Array.from(e.selection)")) == expected
    page.get_by_test_id("target-unit").select_option("")
    page.get_by_test_id("new-unit-name").fill("Hộp Chọn")
    page.get_by_test_id("assign").click()
    boxed = page.locator("#tally-body tr", has_text="Hộp Chọn")
    expect(boxed).to_have_count(1)
    boxed_key = boxed.get_attribute("data-key") or ""
    assert boxed.locator('[data-cell="count"]').inner_text() == str(len(expected))
    last_timing(page, "assign")
    browser_page.screenshot("plans-tools-01-box")

    # Lasso: four corners around one unit's label, far from the box, then Finish.
    clear_selection(page)
    target = "10525"  # Phường Hải Dương takes what the lasso holds
    far = far_unit(page, {"10507", target, boxed_key})
    lassoed_code = next(
        c["old_code"]
        for c in constituents(page, far)
        if c["relation"] == "whole" and c["old_code"] in points
    )
    zoom_on(page, [lassoed_code])
    cx, cy = screen_point(page, *points[lassoed_code])
    ring = [(cx - 6, cy - 6), (cx + 6, cy - 6), (cx + 6, cy + 6), (cx - 6, cy + 6)]
    lon_lats = [lon_lat(page, x, y) for x, y in ring]
    west, east = min(p[0] for p in lon_lats), max(p[0] for p in lon_lats)
    south, north = min(p[1] for p in lon_lats), max(p[1] for p in lon_lats)
    in_lasso = {
        code for code, (lon, lat) in points.items() if west <= lon <= east and south <= lat <= north
    }
    page.locator("#lasso-start").click()
    for x, y in ring:
        page.mouse.click(x, y)
        page.wait_for_timeout(350)  # apart, so no two clicks read as a double click
    page.locator("#lasso-finish").click()
    expect(selection).to_have_attribute("data-count", str(len(in_lasso)))
    assert set(editor(page, "Array.from(e.selection)")) == in_lasso
    count_before = len(constituents(page, target))
    page.get_by_test_id("target-unit").select_option(target)
    page.get_by_test_id("assign").click()
    expect(
        page.locator(f'#tally-body tr[data-key="{target}"] [data-cell="count"]')
    ).not_to_have_text(str(count_before))
    assert all(holders(page, code) == [target] for code in in_lasso)
    last_timing(page, "assign")

    # A split with shares that add up (60/40) is applied; one that does not is refused.
    clear_selection(page)
    split_code = first_whole(page, "10507", {"10510"})
    other = next(k for k in editor(page, "e.order") if k not in ("10507", boxed_key, target))
    add_to_selection(page, split_code)
    page.get_by_test_id("split").click()
    dialog = page.locator("#split-dialog")
    expect(dialog).to_be_visible()
    page.locator("#split-add-unit").select_option(other)
    page.locator("#split-add").click()
    shares = {"10507": ("60", "60"), other: ("40", "40")}
    for key, (area, population) in shares.items():
        row = page.locator(f'#split-rows tr[data-key="{key}"]')
        row.locator('[data-share="area"]').fill(area)
        row.locator('[data-share="population"]').fill(population)
    before_other = row_text(page, other)
    page.locator("#split-apply").click()
    expect(dialog).to_be_hidden()
    assert holders(page, split_code) == sorted(["10507", other])
    pieces = {
        key: next(c for c in constituents(page, key) if c["old_code"] == split_code)
        for key in ("10507", other)
    }
    assert pieces["10507"]["relation"] == "part"
    assert pieces["10507"]["area_share"] == pytest.approx(0.6)
    assert pieces[other]["population_share"] == pytest.approx(0.4)
    assert row_text(page, other) != before_other
    last_timing(page, "split")

    page.get_by_test_id("split").click()
    expect(dialog).to_be_visible()
    page.locator(f'#split-rows tr[data-key="{other}"] [data-share="area"]').fill("50")
    page.locator("#split-apply").click()
    expect(page.locator("#split-error")).not_to_be_empty()
    expect(dialog).to_be_visible()
    page.locator("#split-cancel").click()
    piece = next(c for c in constituents(page, other) if c["old_code"] == split_code)
    assert piece["area_share"] == pytest.approx(0.4)
    browser_page.screenshot("plans-tools-02-split")

    # Every problem list entry zooms to its problem and selects it. A name clash is made on
    # purpose, so that at least one list has an entry: a new unit named as Phường Hải Dương.
    clear_selection(page)
    clash_code = first_whole(page, boxed_key, set())
    add_to_selection(page, clash_code)
    page.get_by_test_id("target-unit").select_option("")
    clash_name = editor(page, f"e.units.get('{target}').name")
    page.get_by_test_id("new-unit-name").fill(clash_name)
    page.get_by_test_id("assign").click()
    expect(page.locator('[data-problem-count="names"]')).not_to_have_text("0")
    checked = 0
    for name in ("unassigned", "shares", "contiguity", "threshold", "names"):
        items = editor(page, f"e.problems['{name}'].map(i => i.codes)")
        if not items:
            continue
        zoom_on(page, ["10510"])  # somewhere else first, so that the zoom is seen to happen
        page.locator(f'[data-problem="{name}"] .problem-link').first.click()
        codes = items[0]
        inside = editor(
            page,
            "(() => { const b = e.map.getBounds().pad(0.02); return "
            + repr(codes).replace("'", '"')
            + ".every(c => !e.old.get(c).label || b.contains([e.old.get(c).label[1], "
            "e.old.get(c).label[0]])); })()",
        )
        assert inside, (name, codes)
        assert set(editor(page, "Array.from(e.selection)")) == set(codes)
        checked += 1
    assert checked >= 1
    browser_page.screenshot("plans-tools-03-problem-zoom")

    # Lock Thành Đông: saved with the assignment, still locked after a reload, and it refuses
    # an assign that would take one of its old units.
    clear_selection(page)
    page.get_by_test_id("target-unit").select_option("10507")
    page.get_by_test_id("lock").click()
    expect(page.get_by_test_id("lock")).to_have_attribute("aria-pressed", "true")
    expect(page.locator('#tally-body tr[data-key="10507"]')).to_have_attribute(
        "data-locked", "true"
    )
    last_timing(page, "lock")
    version = wait_saved(page)
    assert NewUnit.objects.get(plan=plan, key="10507").locked is True

    page.reload()
    page.wait_for_selector('#plan-editor[data-loaded="true"]', timeout=60_000)
    locked_row = page.locator('#tally-body tr[data-key="10507"]')
    expect(locked_row).to_have_attribute("data-locked", "true")
    expect(locked_row.get_by_test_id("locked-badge")).to_have_count(1)
    kept_code = first_whole(page, "10507", set())
    before = row_text(page, "10507")
    add_to_selection(page, kept_code)
    page.get_by_test_id("target-unit").select_option(target)
    page.get_by_test_id("assign").click()
    expect(page.get_by_test_id("action-status")).to_contain_text("Thành Đông")
    assert holders(page, kept_code) == ["10507"]
    assert row_text(page, "10507") == before
    assert page.locator("#save-status").get_attribute("data-state") == "saved"
    plan.refresh_from_db()
    assert plan.version == version
    assert Assignment.objects.get(plan=plan, old_unit__code=kept_code).new_unit.key == "10507"
    browser_page.screenshot("plans-tools-04-locked")

    assert browser_page.problems() == []
