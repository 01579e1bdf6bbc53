"""The plan editor stays usable with 2,000 old units (issue 4: "the editor stays usable").

A synthetic province of 40 × 50 small square communes, drawn straight into the territory
models, is arranged into 500 new units of 2 × 2 squares. The editor opens it in Debian's
Chromium; an assign and an undo are timed in the page (window.hopnhatEditor.timings, the
handler time measured around it with performance.now()) and the figures are printed with the
page load time. Only a generous bound is asserted, so that the check is not flaky.
"""

from __future__ import annotations

import datetime
import json
import time
from typing import Any

import pytest

from hopnhat.apps.plans.actions import create_plan
from hopnhat.apps.plans.models import Plan
from hopnhat.apps.plans.tests.test_browser_plans import log_in, row_text
from hopnhat.apps.territory.models import Level, PopulationFigure, PopulationKind, Unit
from hopnhat.common.browser_testing import BrowserPage
from hopnhat.common.testing import org

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROWS, COLUMNS = 40, 50  # 2,000 old units
BLOCK = 2  # new units of 2 × 2 old units: 500 of them
SIDE_DEG = 0.02
ORIGIN = (105.0, 20.0)  # lon, lat of the south-west corner
PROVINCE = "99"
BASE_DATE = datetime.date(2025, 6, 30)
TARGET_DATE = datetime.date(2025, 7, 1)
INTERACTION_BOUND_MS = 1000.0


@pytest.fixture
def browser_locale() -> str:
    return "vi-VN"


@pytest.fixture
def browser_timeout_ms() -> int:
    return 20_000


def code_of(row: int, column: int) -> str:
    return f"9{row:02d}{column:02d}"


def key_of(row: int, column: int) -> str:
    return f"K{row // BLOCK:02d}{column // BLOCK:02d}"


def square(row: int, column: int) -> dict[str, Any]:
    west, south = ORIGIN[0] + column * SIDE_DEG, ORIGIN[1] + row * SIDE_DEG
    east, north = west + SIDE_DEG, south + SIDE_DEG
    ring = [[west, south], [east, south], [east, north], [west, north], [west, south]]
    return {"type": "Polygon", "coordinates": [[[round(x, 6), round(y, 6)] for x, y in ring]]}


def synthetic_plan() -> Plan:
    """2,000 squares valid on the base date, with figures, in 500 new units of four."""
    start = datetime.date(2008, 8, 1)
    province = Unit.objects.create(
        code=PROVINCE,
        level=Level.PROVINCE,
        unit_type="tinh",
        name="Thử Nghiệm",
        full_name="Tỉnh Thử Nghiệm",
        name_folded="tinh thu nghiem",
        province_code=PROVINCE,
        valid_from=start,
    )
    district = Unit.objects.create(
        code="999",
        level=Level.DISTRICT,
        unit_type="huyen",
        name="Lưới",
        full_name="Huyện Lưới",
        name_folded="huyen luoi",
        parent=province,
        province_code=PROVINCE,
        valid_from=start,
    )
    communes = []
    for row in range(ROWS):
        for column in range(COLUMNS):
            geometry = json.dumps(square(row, column))
            name = f"Ô {row + 1}-{column + 1}"
            communes.append(
                Unit(
                    code=code_of(row, column),
                    level=Level.COMMUNE,
                    unit_type="xa",
                    name=name,
                    full_name=f"Xã {name}",
                    name_folded=f"xa o {row + 1}-{column + 1}",
                    parent=district,
                    province_code=PROVINCE,
                    valid_from=start,
                    is_commune_tier=True,
                    area_km2=4.9 + (row * 7 + column * 3) % 10 / 10,
                    geometry=geometry,
                    geometry_simplified=geometry,
                    label_lon=round(ORIGIN[0] + (column + 0.5) * SIDE_DEG, 6),
                    label_lat=round(ORIGIN[1] + (row + 0.5) * SIDE_DEG, 6),
                )
            )
    Unit.objects.bulk_create(communes, batch_size=500)
    created = Unit.objects.filter(province_code=PROVINCE, level=Level.COMMUNE)
    PopulationFigure.objects.bulk_create(
        [
            PopulationFigure(
                unit=unit,
                kind=PopulationKind.CENSUS_2019,
                reference_date=datetime.date(2019, 4, 1),
                value=4000 + int(unit.code[-2:]) * 37,
                source="synthetic",
            )
            for unit in created
        ],
        batch_size=500,
    )
    units: dict[str, dict[str, Any]] = {}
    for row in range(ROWS):
        for column in range(COLUMNS):
            key = key_of(row, column)
            unit = units.setdefault(
                key, {"key": key, "name": f"Khối {key[1:]}", "constituents": []}
            )
            unit["constituents"].append({"old_code": code_of(row, column), "relation": "whole"})
    return create_plan(
        actor=None,
        name="Phương án tổng hợp 2.000 đơn vị",
        owner_org=org("31.SNV"),
        provinces=[PROVINCE],
        new_province_code=PROVINCE,
        base_date=BASE_DATE,
        target_date=TARGET_DATE,
        payload={"units": list(units.values()), "not_arranged": []},
        system=True,
    )


def test_the_editor_stays_usable_with_2000_units(
    browser_page: BrowserPage, live_server: Any, demo: None
) -> None:
    from playwright.sync_api import expect

    page = browser_page.page
    plan = synthetic_plan()
    units = ROWS * COLUMNS // BLOCK**2
    base = live_server.url
    log_in(page, base, "demo-coordinator")

    started = time.perf_counter()
    page.goto(f"{base}/plans/{plan.pk}/editor/")
    page.wait_for_selector('#plan-editor[data-loaded="true"]', timeout=120_000)
    load_s = time.perf_counter() - started
    navigation_ms = page.evaluate(
        "(() => { const n = performance.getEntriesByType('navigation')[0];"
        " return n ? n.domContentLoadedEventEnd : null; })()"
    )
    assert page.locator("#plan-editor").get_attribute("data-unit-count") == str(ROWS * COLUMNS)
    expect(page.locator("#tally-body tr")).to_have_count(units)

    # Move the south-west square of block K0001 into block K0000.
    moved, target, loser = code_of(0, 2), "K0000", "K0001"
    before_target, before_loser = row_text(page, target), row_text(page, loser)
    assert (
        page.locator(f'#tally-body tr[data-key="{target}"] [data-cell="count"]').inner_text() == "4"
    )
    page.get_by_test_id("unit-search").fill(moved)
    page.get_by_test_id("unit-search").press("Enter")
    expect(page.get_by_test_id("selection-status")).to_have_attribute("data-count", "1")
    page.get_by_test_id("target-unit").select_option(target)
    page.get_by_test_id("assign").click()
    target_count = page.locator(f'#tally-body tr[data-key="{target}"] [data-cell="count"]')
    expect(target_count).to_have_text("5")
    expect(page.locator(f'#tally-body tr[data-key="{loser}"] [data-cell="count"]')).to_have_text(
        "3"
    )
    assert row_text(page, target) != before_target

    page.get_by_test_id("undo").click()
    expect(target_count).to_have_text("4")
    assert row_text(page, target) == before_target
    assert row_text(page, loser) == before_loser

    page.wait_for_timeout(50)  # the frame times are filled in on the next animation frame
    timings = page.evaluate("window.hopnhatEditor.timings")
    assign = next(t for t in timings if t["action"] == "assign")
    undo = next(t for t in timings if t["action"] == "undo")
    print(
        f"\n{ROWS * COLUMNS} old units, {units} new units: page load {load_s * 1000:.0f} ms"
        f" (DOMContentLoaded {navigation_ms or float('nan'):.0f} ms);"
        f" assign {assign['ms']:.1f} ms handler, {assign.get('frameMs', float('nan')):.1f} ms"
        f" to the next frame; undo {undo['ms']:.1f} ms handler,"
        f" {undo.get('frameMs', float('nan')):.1f} ms to the next frame"
    )
    assert assign["units"] == ROWS * COLUMNS
    assert 0 < assign["ms"] < INTERACTION_BOUND_MS
    assert 0 < undo["ms"] < INTERACTION_BOUND_MS

    assert browser_page.problems() == []
