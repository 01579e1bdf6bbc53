"""The rule of the browser tests without Chromium: skipped locally, failed where they must run."""

from __future__ import annotations

from pathlib import Path

import pytest

from hopnhat.common import browser_testing


def test_a_missing_chromium_skips_the_browser_tests_by_default(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(browser_testing, "CHROMIUM", tmp_path / "no-chromium")
    monkeypatch.delenv("HOPNHAT_REQUIRE_BROWSER", raising=False)
    with pytest.raises(pytest.skip.Exception, match="no-chromium is missing"):
        browser_testing.require_chromium()


def test_a_missing_chromium_fails_the_browser_tests_where_they_are_required(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(browser_testing, "CHROMIUM", tmp_path / "no-chromium")
    monkeypatch.setenv("HOPNHAT_REQUIRE_BROWSER", "1")
    with pytest.raises(pytest.fail.Exception, match="no-chromium is missing"):
        browser_testing.require_chromium()


def test_a_present_chromium_lets_the_browser_tests_run(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    present = tmp_path / "chromium"
    present.touch()
    monkeypatch.setattr(browser_testing, "CHROMIUM", present)
    monkeypatch.setenv("HOPNHAT_REQUIRE_BROWSER", "1")
    browser_testing.require_chromium()
