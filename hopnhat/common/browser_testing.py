"""Headless Chromium for the browser tests, shared by every app (a pytest plugin).

Registered from hopnhat/conftest.py, so any test may ask for these fixtures:

- ``chromium``: Debian's /usr/bin/chromium, one per test module (Playwright never downloads a
  browser of its own). Missing, it skips the test, or fails it under HOPNHAT_REQUIRE_BROWSER=1.
- ``browser_context``: a fresh context per test, at VIEWPORT, in ``browser_locale`` (English by
  default, as many officials' browsers are: Vietnamese must stay the site's default) and
  Vietnam's time zone. A module overrides ``browser_locale`` or ``browser_timeout_ms`` by
  defining a fixture of that name.
- ``browser_page``: a page of that context which records what went wrong (``BrowserPage``).
- ``demo_cast``, ``fast_passwords``, ``screenshot_dir``: the data and places most need.

``sign_in()`` gives a context a user's session without going through the login form.

Scripts that are not tests use ``open_chromium()`` directly.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page, Response

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
TIME_ZONE = "Asia/Ho_Chi_Minh"
DEFAULT_TIMEOUT_MS = 15_000
# The repository root: settings.PROJECT_DIR, known here without configuring Django.
PROJECT_DIR = Path(__file__).resolve().parents[2]
# Screenshots of every visited page land here (git-ignored); README pictures go to docs/.
ARTIFACTS_DIR = Path(
    os.environ.get("HOPNHAT_SCREENSHOT_DIR", PROJECT_DIR / "var" / "artifacts" / "screenshots")
)
DOCS_SCREENSHOTS_DIR = PROJECT_DIR / "docs" / "screenshots"
# Chromium echoes every failed load as a console error; BrowserPage records the response
# itself, with its address, instead.
FAILED_LOAD_ECHO = "Failed to load resource"


def require_chromium() -> None:
    """Skip the test without Chromium, or fail it where the browser tests must run (CI)."""
    if CHROMIUM.exists():
        return
    message = f"{CHROMIUM} is missing: apt-get install chromium"
    if os.environ.get("HOPNHAT_REQUIRE_BROWSER") == "1":
        pytest.fail(message)
    pytest.skip(message)


@contextmanager
def async_unsafe_allowed() -> Iterator[None]:
    # Playwright's sync API keeps an event loop on this thread, so Django would refuse the ORM
    # calls the tests make between two page actions. Allowed while the browser is open only.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@contextmanager
def open_chromium() -> Iterator[Browser]:
    """Debian's Chromium, headless, closed on exit."""
    require_chromium()
    from playwright.sync_api import sync_playwright

    with async_unsafe_allowed(), sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            browser.close()


def new_context(
    browser: Browser,
    *,
    locale: str = "en-US",
    timeout_ms: int = DEFAULT_TIMEOUT_MS,
    **options: Any,
) -> BrowserContext:
    """A context at VIEWPORT in Vietnam's time zone; options go to Playwright's new_context."""
    options.setdefault("viewport", VIEWPORT)
    context = browser.new_context(locale=locale, timezone_id=TIME_ZONE, **options)
    context.set_default_timeout(timeout_ms)
    return context


@dataclass
class BrowserPage:
    """A page and what went wrong on it: script errors, console errors (CSP refusals among
    them) and responses of status 400 or more ("404 http://…")."""

    page: Page
    errors: list[str] = field(default_factory=list)
    failed_responses: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.page.on("console", self._on_console)
        self.page.on("pageerror", lambda exc: self.errors.append(str(exc)))
        self.page.on("response", self._on_response)

    def _on_console(self, message: ConsoleMessage) -> None:
        if message.type == "error" and not message.text.startswith(FAILED_LOAD_ECHO):
            self.errors.append(message.text)

    def _on_response(self, response: Response) -> None:
        if response.status >= 400:
            self.failed_responses.append(f"{response.status} {response.url}")

    def problems(self) -> list[str]:
        """Everything that went wrong but Chromium's own /favicon.ico probe (we serve none)."""
        failed = [r for r in self.failed_responses if not r.endswith("/favicon.ico")]
        return self.errors + failed

    def screenshot(self, name: str, *, full_page: bool = False) -> Path:
        ARTIFACTS_DIR.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS_DIR / f"{name}.png"
        self.page.screenshot(path=path, full_page=full_page)
        return path

    def docs_screenshot(self, name: str) -> None:
        """The README picture docs/screenshots/<name>.png, refreshed on request only."""
        if os.environ.get("HOPNHAT_DOCS_SCREENSHOTS") == "1":
            DOCS_SCREENSHOTS_DIR.mkdir(parents=True, exist_ok=True)
            self.page.screenshot(path=DOCS_SCREENSHOTS_DIR / f"{name}.png")


def sign_in(context: BrowserContext, *, base_url: str, username: str) -> None:
    """A session cookie for the user, without the login form, for tests about something else."""
    from django.conf import settings
    from django.test import Client

    from hopnhat.common.testing import user

    client = Client()
    client.force_login(user(username))
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    context.clear_cookies()
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": base_url}])


@pytest.fixture(scope="module")
def chromium() -> Iterator[Browser]:
    with open_chromium() as browser:
        yield browser


@pytest.fixture
def browser_locale() -> str:
    return "en-US"


@pytest.fixture
def browser_timeout_ms() -> int:
    return DEFAULT_TIMEOUT_MS


@pytest.fixture
def browser_context(
    chromium: Browser, browser_locale: str, browser_timeout_ms: int
) -> Iterator[BrowserContext]:
    context = new_context(
        chromium, locale=browser_locale, timeout_ms=browser_timeout_ms, accept_downloads=True
    )
    try:
        yield context
    finally:
        context.close()


@pytest.fixture
def browser_page(browser_context: BrowserContext) -> Iterator[BrowserPage]:
    watched = BrowserPage(browser_context.new_page())
    try:
        yield watched
    finally:
        watched.page.close()


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
