# The headless Chromium fixtures of the platform's browser tests.
from hopnhat.apps.core.tests.conftest import (  # noqa: F401
    browser_context,
    chromium,
    demo_cast,
    fast_passwords,
    screenshot_dir,
)
