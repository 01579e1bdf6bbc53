from __future__ import annotations

import pytest

from hopnhat.common.testing import load_demo_cast

# Headless Chromium fixtures (chromium, browser_context, browser_page…) for every app's tests.
pytest_plugins = ["hopnhat.common.browser_testing"]


@pytest.fixture
def demo(db: None) -> None:
    """The demo directory: both localities, their bodies and one user per role."""
    load_demo_cast()


@pytest.fixture(autouse=True)
def _allow_test_hosts(settings: pytest.FixtureRequest) -> None:
    settings.ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]  # type: ignore[attr-defined]
    # The demo cast hashes a dozen passwords per test: PBKDF2 would cost about a second each.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # type: ignore[attr-defined]
