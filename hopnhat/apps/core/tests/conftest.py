"""The browser fixtures now live in hopnhat.common.browser_testing, a plugin every test gets.

These names stay importable from here for the test modules and conftests not converted yet.
"""

from hopnhat.common.browser_testing import (  # noqa: F401
    ARTIFACTS_DIR,
    CHROMIUM,
    CHROMIUM_ARGS,
    DOCS_SCREENSHOTS_DIR,
    VIEWPORT,
    browser_context,
    chromium,
    demo_cast,
    fast_passwords,
    screenshot_dir,
)
