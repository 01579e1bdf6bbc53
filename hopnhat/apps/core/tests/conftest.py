"""Fixtures for the browser tests: one headless Chromium per module, a fresh context per test."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from django.conf import settings as django_settings

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORT = {"width": 1280, "height": 800}
# Screenshots of every visited page land here (git-ignored); README pictures go to docs/.
ARTIFACTS_DIR = Path(
    os.environ.get(
        "HOPNHAT_SCREENSHOT_DIR", django_settings.PROJECT_DIR / "var" / "artifacts" / "screenshots"
    )
)
DOCS_SCREENSHOTS_DIR = django_settings.PROJECT_DIR / "docs" / "screenshots"


def _require_chromium() -> None:
    if CHROMIUM.exists():
        return
    message = f"{CHROMIUM} is missing: apt-get install chromium"
    if os.environ.get("HOPNHAT_REQUIRE_BROWSER") == "1":
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="module")
def chromium() -> Iterator[Browser]:
    """Debian's Chromium, headless; Playwright never downloads a browser of its own."""
    _require_chromium()
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop on this thread, so Django would refuse the ORM
    # calls the tests make between two page actions. Allowed for these tests only.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            browser.close()
    finally:
        playwright.stop()
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def browser_context(chromium: Browser) -> Iterator[BrowserContext]:
    # A browser set to English, as many officials' are: Vietnamese must stay the default.
    context = chromium.new_context(
        viewport=VIEWPORT, locale="en-US", timezone_id="Asia/Ho_Chi_Minh"
    )
    context.set_default_timeout(10_000)
    try:
        yield context
    finally:
        context.close()


@pytest.fixture
def fast_passwords(settings: Any) -> None:
    # The demo cast is loaded for every test; real hashing would cost seconds each time.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def demo_cast(transactional_db: None, fast_passwords: None) -> None:
    from hopnhat.common.testing import load_demo_cast

    load_demo_cast()


@pytest.fixture
def screenshot_dir() -> Path:
    ARTIFACTS_DIR.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS_DIR
