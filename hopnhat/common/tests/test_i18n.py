"""Vietnamese first: pages, dates and the catalogue check."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import polib
import pytest
from django.template import Context, Template
from django.test import Client
from django.utils import translation

from hopnhat.common import i18n_check


def _assert_vietnamese(html: str) -> None:
    assert '<html lang="vi">' in html
    assert "Đăng nhập" in html
    assert "Log in" not in html


def test_home_page_is_vietnamese_by_default(client: Client) -> None:
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    _assert_vietnamese(html)
    assert "Sắp xếp, hợp nhất đơn vị hành chính" in html
    assert "Trang chủ" in html  # the navigation


def test_login_page_is_vietnamese_by_default(client: Client) -> None:
    html = client.get("/accounts/login/").content.decode()
    _assert_vietnamese(html)
    assert "Mật khẩu" in html
    assert "Quên mật khẩu?" in html


def test_english_after_choosing_it(client: Client) -> None:
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/"
    html = client.get("/accounts/login/").content.decode()
    assert '<html lang="en">' in html
    assert "Forgot your password?" in html
    assert "Đăng nhập" not in html
    home = client.get("/").content.decode()
    assert "Merger of administrative units" in home

    client.post("/i18n/setlang/", {"language": "vi", "next": "/"})
    _assert_vietnamese(client.get("/").content.decode())


def test_vietnamese_dates_are_dd_mm_yyyy() -> None:
    template = Template('{{ d|date:"SHORT_DATE_FORMAT" }}|{{ d|date:"DATE_FORMAT" }}')
    with translation.override("vi"):
        assert template.render(Context({"d": dt.date(2025, 7, 1)})) == "01/07/2025|01/07/2025"
    stamp = dt.datetime(2025, 7, 1, 9, 5)
    with translation.override("vi"):
        rendered = Template('{{ t|date:"SHORT_DATETIME_FORMAT" }}').render(Context({"t": stamp}))
    assert rendered == "01/07/2025 09:05"


def test_translated_domain_messages() -> None:
    with translation.override("vi"):
        assert translation.gettext("Directory") == "Danh bạ cơ quan"
        assert translation.gettext("Steering committee") == "Ban Chỉ đạo"
        assert translation.gettext("People's Committee") == "Ủy ban nhân dân"
        assert (
            translation.ngettext("%(counter)s worker online", "%(counter)s workers online", 3)
            % {"counter": 3}
            == "3 tiến trình xử lý đang hoạt động"
        )
    with translation.override("en"):
        assert translation.gettext("Directory") == "Directory"


def test_catalogue_check_passes() -> None:
    report = i18n_check.run_checks()
    assert report.problems == []
    assert report.message_count > 100
    assert report.summary() == f"i18n: {report.message_count} messages, all translated"


@pytest.fixture
def locale_copy(tmp_path: Path) -> Path:
    target = tmp_path / "locale"
    shutil.copytree(i18n_check.LOCALE_DIR, target)
    return target


def _edit_vi(locale_dir: Path, msgid: str, **changes: object) -> polib.POFile:
    path = locale_dir / "vi" / "LC_MESSAGES" / "django.po"
    po = polib.pofile(str(path))
    entry = po.find(msgid)
    for name, value in changes.items():
        setattr(entry, name, value)
    po.save(str(path))
    return po


def test_check_finds_untranslated_fuzzy_and_bad_placeholders(locale_copy: Path) -> None:
    po = _edit_vi(locale_copy, "Directory", msgstr="")
    po.find("Log in").flags.append("fuzzy")
    po.find("Page %(n)s of %(total)s").msgstr = "Trang %(n)s"
    problems = i18n_check.check_translations(po)
    assert any("untranslated: 'Directory'" in p for p in problems)
    assert any("fuzzy: 'Log in'" in p for p in problems)
    assert any("placeholders differ" in p and "Page" in p for p in problems)


def test_check_finds_stale_compiled_catalogue(locale_copy: Path) -> None:
    assert i18n_check.check_compiled("vi", locale_copy) == []
    _edit_vi(locale_copy, "Directory", msgstr="Danh bạ")
    problems = i18n_check.check_compiled("vi", locale_copy)
    assert len(problems) == 1
    assert "out of date" in problems[0]
    (locale_copy / "en" / "LC_MESSAGES" / "django.mo").unlink()
    assert "missing" in i18n_check.check_compiled("en", locale_copy)[0]


def test_check_finds_messages_missing_from_the_catalogue(tmp_path: Path) -> None:
    package = tmp_path / "pkg"
    (package / "templates").mkdir(parents=True)
    (package / "templates" / "page.html").write_text(
        '{% load i18n %}{% translate "Directory" %}{% translate "A brand new message" %}'
    )
    used = i18n_check.extract_messages(package)
    assert ("", "A brand new message", "") in used
    assert ("", "Directory", "") in used
