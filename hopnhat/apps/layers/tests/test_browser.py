"""The layer page in headless Chromium: the map draws units, the overlap and the gap under the
strict CSP, and choosing an item of the list highlights it."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from django.conf import settings
from django.test import Client

from hopnhat.apps.layers.importers import import_layer_file
from hopnhat.apps.layers.tests.builders import geojson_bytes, grid_with_one_gap_and_one_overlap
from hopnhat.common.testing import org, user

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_layer_map_draws_the_units_the_overlap_and_the_gap_and_zooms_to_a_listed_item(
    browser_context: BrowserContext, live_server: Any, demo_cast: None, screenshot_dir: Path
) -> None:
    layer = import_layer_file(
        actor=None,
        owner_org=org("31.STC"),
        name="Lưới thử",
        data=geojson_bytes(*grid_with_one_gap_and_one_overlap()),
        filename="grid.geojson",
        system=True,
    )
    client = Client()
    client.force_login(user("demo-editor"))
    browser_context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    page = browser_context.new_page()
    console_errors: list[str] = []
    # Failed loads are checked through `missing`; Chromium's own /favicon.ico probe is not ours.
    page.on(
        "console",
        lambda m: (
            console_errors.append(m.text)
            if m.type == "error" and not m.text.startswith("Failed to load resource")
            else None
        ),
    )
    missing: list[str] = []
    page.on("response", lambda r: missing.append(r.url) if r.status >= 400 else None)

    page.goto(f"{live_server.url}/layers/{layer.pk}/")
    shapes = page.locator("#layer-map path.leaflet-interactive")
    shapes.nth(5).wait_for()

    assert shapes.count() == 6  # A, B, C, D, the C/D overlap and the gap
    page.locator('.js-coverage-item[data-kind="overlap"]').click()
    assert page.locator('.js-coverage-item.active[data-kind="overlap"]').count() == 1
    page.screenshot(path=screenshot_dir / "layers-map-editor-coverage.png")
    assert missing == []
    assert console_errors == []  # no CSP violation, no script error
    page.close()
