"""The layer page in headless Chromium: the map draws units, the overlap and the gap under the
strict CSP, and choosing an item of the list highlights it."""

from __future__ import annotations

from typing import Any

import pytest

from hopnhat.apps.layers.importers import import_layer_file
from hopnhat.apps.layers.tests.builders import geojson_bytes, grid_with_one_gap_and_one_overlap
from hopnhat.common.browser_testing import BrowserPage, sign_in
from hopnhat.common.testing import org

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_layer_map_draws_the_units_the_overlap_and_the_gap_and_zooms_to_a_listed_item(
    browser_page: BrowserPage, live_server: Any, demo_cast: None
) -> None:
    layer = import_layer_file(
        actor=None,
        owner_org=org("31.STC"),
        name="Lưới thử",
        data=geojson_bytes(*grid_with_one_gap_and_one_overlap()),
        filename="grid.geojson",
        system=True,
    )
    page = browser_page.page
    sign_in(page.context, base_url=live_server.url, username="demo-editor")
    page.goto(f"{live_server.url}/layers/{layer.pk}/")
    shapes = page.locator("#layer-map path.leaflet-interactive")
    shapes.nth(5).wait_for()

    assert shapes.count() == 6  # A, B, C, D, the C/D overlap and the gap
    page.locator('.js-coverage-item[data-kind="overlap"]').click()
    assert page.locator('.js-coverage-item.active[data-kind="overlap"]').count() == 1
    browser_page.screenshot("layers-map-editor-coverage")
    assert browser_page.problems() == []  # no CSP violation, no script error, no failed load
