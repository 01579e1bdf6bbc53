"""The browser fixtures of the platform tests (Debian's Chromium, one per module)."""

from hopnhat.apps.core.tests.conftest import (  # noqa: F401
    browser_context,
    chromium,
    demo_cast,
    fast_passwords,
    screenshot_dir,
)
