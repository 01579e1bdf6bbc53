"""Settings come from the environment: DEBUG is opt-in, the secret key is never committed."""

from __future__ import annotations

import importlib.util
import stat
import sys
from pathlib import Path
from types import ModuleType

import pytest

SETTINGS_FILE = Path(__file__).resolve().parent.parent / "settings.py"


def fresh_settings(monkeypatch: pytest.MonkeyPatch, var_dir: Path, **env: str) -> ModuleType:
    """Evaluates settings.py again as a separate module, under the given environment."""
    for name in ("HOPNHAT_DEBUG", "SECRET_KEY", "DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOPNHAT_VAR_DIR", str(var_dir))
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    spec = importlib.util.spec_from_file_location("hopnhat_settings_under_test", SETTINGS_FILE)
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, "hopnhat_settings_under_test", module)
    spec.loader.exec_module(module)
    return module


def test_debug_is_off_unless_hopnhat_debug_is_1(monkeypatch, tmp_path):
    assert fresh_settings(monkeypatch, tmp_path).DEBUG is False
    assert fresh_settings(monkeypatch, tmp_path, HOPNHAT_DEBUG="0").DEBUG is False
    assert fresh_settings(monkeypatch, tmp_path, DEBUG="1").DEBUG is False
    assert fresh_settings(monkeypatch, tmp_path, HOPNHAT_DEBUG="1").DEBUG is True


def test_the_secret_key_is_generated_once_into_the_var_dir_and_kept(monkeypatch, tmp_path):
    first = fresh_settings(monkeypatch, tmp_path)
    key_file = tmp_path / "secret_key"
    assert key_file.read_text() == first.SECRET_KEY
    assert len(first.SECRET_KEY) >= 50
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert fresh_settings(monkeypatch, tmp_path).SECRET_KEY == first.SECRET_KEY
    assert fresh_settings(monkeypatch, tmp_path / "other").SECRET_KEY != first.SECRET_KEY


def test_a_secret_key_from_the_environment_wins_and_nothing_is_written(monkeypatch, tmp_path):
    module = fresh_settings(monkeypatch, tmp_path, SECRET_KEY="from-the-environment")
    assert module.SECRET_KEY == "from-the-environment"
    assert not (tmp_path / "secret_key").exists()


def test_secure_cookies_follow_https(monkeypatch, tmp_path):
    plain = fresh_settings(monkeypatch, tmp_path)
    assert (plain.SESSION_COOKIE_SECURE, plain.SECURE_HSTS_SECONDS) == (False, 0)
    secure = fresh_settings(monkeypatch, tmp_path, SECURE_HTTPS="1")
    assert secure.SESSION_COOKIE_SECURE
    assert secure.CSRF_COOKIE_SECURE
    assert secure.SECURE_HSTS_SECONDS > 0
    assert secure.SESSION_COOKIE_HTTPONLY is True
