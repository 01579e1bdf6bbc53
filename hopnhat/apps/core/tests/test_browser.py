"""End-to-end tests of the platform foundation in headless Chromium.

Every role logs in through the form, walks its navigation, is refused where it has no right
(each refusal must leave a "denied" audit record) and switches language. The job progress
component is followed until a real worker subprocess has finished a self-test job.

Each visited page is screenshotted into var/artifacts/screenshots/ and checked for the cheap
accessibility basics (one <h1>, <html lang>, a skip link). With HOPNHAT_DOCS_SCREENSHOTS=1 the
README pictures in docs/screenshots/ are refreshed too.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection

from hopnhat.apps.audit.models import AuditRecord, Outcome
from hopnhat.common.browser_testing import DOCS_SCREENSHOTS_DIR, BrowserPage, sign_in
from hopnhat.common.testing import DEMO_PASSWORD, org

if TYPE_CHECKING:
    from playwright.sync_api import Page, Response

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROLES = ["admin", "steering", "coordinator", "editor", "reviewer", "viewer"]
# The foundation's items; later modules add theirs (the map...) in between, not checked here.
FOUNDATION_NAV = ["home", "directory", "jobs", "audit"]
EVERYONE_NAV = ["home", "directory", "jobs"]
EXPECTED_NAV = {
    "admin": [*EVERYONE_NAV, "audit"],
    "steering": [*EVERYONE_NAV, "audit"],
    "coordinator": EVERYONE_NAV,
    "editor": EVERYONE_NAV,
    "reviewer": EVERYONE_NAV,
    "viewer": EVERYONE_NAV,
}
ENGLISH_NAV = {"home": "Home", "directory": "Directory", "jobs": "Jobs", "audit": "Audit log"}
SELFTEST_KIND = "jobs.worker_selftest"
WORKER_TIMEOUT_SECONDS = 30


@dataclass(frozen=True)
class Refusal:
    page: str
    action: str
    org_code: str = ""

    def path(self) -> str:
        if self.org_code:
            return f"/directory/{org(self.org_code).pk}/edit/"
        return "/audit/"


AUDIT_LOG = Refusal("audit", "audit.log.read")
# demo-editor belongs to Sở Tài chính Hải Phòng (31.STC); Sở Xây dựng (31.SXD) is walled off.
OTHER_DEPARTMENT = Refusal("edit-31-sxd", "directory.organisation.edit", org_code="31.SXD")
REFUSALS = {
    "admin": [],
    "steering": [],
    "coordinator": [AUDIT_LOG],
    "editor": [AUDIT_LOG, OTHER_DEPARTMENT],
    "reviewer": [AUDIT_LOG],
    "viewer": [AUDIT_LOG],
}


@dataclass
class Visitor:
    """One demo user in one browser page: opens pages, checks and screenshots each of them."""

    page: Page
    base_url: str
    test: str
    role: str
    shots: Path
    visited: list[str] = field(default_factory=list)

    def open(self, path: str, name: str) -> Response:
        response = self.page.goto(self.base_url + path)
        assert response is not None
        self.check(name)
        return response

    def click_and_wait(self, selector: str) -> None:
        with self.page.expect_navigation():
            self.page.locator(selector).click()

    def check(self, name: str) -> None:
        """The accessibility basics every page of ours shares, then a screenshot of it."""
        self.page.wait_for_load_state("load")
        assert self.page.locator("h1").count() == 1, f"{name}: expected exactly one <h1>"
        assert self.language in {"vi", "en"}, f"{name}: <html lang> not set"
        assert self.page.locator('a.skip-link[href="#main"]').count() == 1, f"{name}: no skip link"
        assert self.page.locator("main#main").count() == 1, f"{name}: no skip link target"
        self.screenshot(name)

    def screenshot(self, name: str) -> None:
        self.page.screenshot(path=self.shots / f"{self.test}-{self.role}-{name}.png")
        self.visited.append(name)

    def docs_screenshot(self, name: str) -> None:
        if os.environ.get("HOPNHAT_DOCS_SCREENSHOTS") == "1":
            DOCS_SCREENSHOTS_DIR.mkdir(parents=True, exist_ok=True)
            self.page.screenshot(path=DOCS_SCREENSHOTS_DIR / f"{name}.png")

    def log_in(self, username: str) -> None:
        self.open("/accounts/login/", "login")
        form = self.page.get_by_test_id("login-form")
        form.locator("#id_username").fill(username)
        form.locator("#id_password").fill(DEMO_PASSWORD)
        with self.page.expect_navigation():
            form.locator("button[type=submit]").click()
        assert self.page.url == f"{self.base_url}/", "the login form lands on the home page"
        assert self.page.get_by_test_id("logout").count() == 1
        self.check("home")

    def sign_in_directly(self, username: str) -> None:
        """A session cookie without the login form, for tests about something else."""
        sign_in(self.page.context, base_url=self.base_url, username=username)

    @property
    def language(self) -> str | None:
        return self.page.locator("html").get_attribute("lang")

    def nav_sections(self) -> list[str]:
        """The foundation's navigation items, in page order."""
        links = self.page.locator('[data-testid="nav"] a[data-nav]')
        sections = [str(link.get_attribute("data-nav")) for link in links.all()]
        return [section for section in sections if section in FOUNDATION_NAV]

    def nav_labels(self) -> dict[str, str]:
        nav = self.page.get_by_test_id("nav")
        return {
            section: nav.locator(f'a[data-nav="{section}"]').inner_text().strip()
            for section in self.nav_sections()
        }

    def follow_nav(self, section: str) -> None:
        """Opens a section with the keyboard only, through its group's menu when it has one."""
        nav = self.page.get_by_test_id("nav")
        link = nav.locator(f'a[data-nav="{section}"]')
        group = nav.locator(f'li.dropdown:has(a[data-nav="{section}"])')
        if group.count():
            group.locator(".dropdown-toggle").focus()
            self.page.keyboard.press("Enter")
            assert group.locator(".dropdown-menu").is_visible(), f"{section}: its menu is shut"
            entries = group.locator(".dropdown-item").count()
            for _ in range(entries):
                self.page.keyboard.press("ArrowDown")
                if link.evaluate("element => element === document.activeElement"):
                    break
        else:
            link.focus()
        assert link.evaluate("element => element === document.activeElement"), section
        with self.page.expect_navigation():
            self.page.keyboard.press("Enter")

    def switch_language(self, code: str) -> None:
        # The select submits its form on change (app.js); no button is visible with scripts on.
        with self.page.expect_navigation():
            self.page.locator("#language-select").select_option(code)
        self.check(f"lang-{code}")
        assert self.language == code


VisitorFactory = Callable[[str, str], Visitor]


@pytest.fixture
def visitor(
    browser_page: BrowserPage, live_server: Any, demo_cast: None, screenshot_dir: Path
) -> Iterator[VisitorFactory]:
    """visitor(test, role) -> a Visitor on this test's page, over the live server."""

    def make(test: str, role: str) -> Visitor:
        return Visitor(
            page=browser_page.page,
            base_url=live_server.url,
            test=test,
            role=role,
            shots=screenshot_dir,
        )

    yield make
    # Refusals answer 403 on purpose, so only script errors and CSP refusals count here.
    assert browser_page.errors == [], "no script error and no CSP refusal"


def denied_count(username: str, action: str) -> int:
    return AuditRecord.objects.filter(
        outcome=Outcome.DENIED, actor__username=username, action=action
    ).count()


@pytest.mark.parametrize("role", ROLES)
def test_each_role_sees_its_navigation_is_refused_where_it_has_no_right_and_switches_language(
    visitor: VisitorFactory, role: str
) -> None:
    username = f"demo-{role}"
    you = visitor("role", role)
    you.log_in(username)

    # Vietnamese is the default, even for an English browser; the navigation shows what the
    # role may open.
    assert you.language == "vi"
    assert you.nav_sections() == EXPECTED_NAV[role]
    admin_link = you.page.locator('a[data-nav="admin"]')
    assert admin_link.count() == (1 if role == "admin" else 0)
    vietnamese = you.nav_labels()
    if role == "coordinator":
        you.docs_screenshot("home-coordinator-vi")

    # Only directory admins reach Django's admin; the others land on its login page.
    if role == "admin":
        you.click_and_wait('a[data-nav="admin"]')
        assert you.page.url == f"{you.base_url}/admin/"
    else:
        you.page.goto(f"{you.base_url}/admin/")
        assert you.page.url.startswith(f"{you.base_url}/admin/login/")
    you.screenshot("admin")
    assert you.page.locator(".app-directory").count() == (1 if role == "admin" else 0)

    # Every navigation item leads to its page, marked as the current section.
    you.open("/", "home-again")
    for section in EXPECTED_NAV[role]:
        you.follow_nav(section)
        you.check(section)
        current = you.page.locator('[data-testid="nav"] a[aria-current="page"]')
        assert current.get_attribute("data-nav") == section
        # A section inside a menu also lights up the menu's own button.
        group = you.page.locator(f'[data-testid="nav"] li.dropdown:has(a[data-nav="{section}"])')
        if group.count():
            assert "active" in str(group.locator(".dropdown-toggle").get_attribute("class"))
        if role == "coordinator" and section == "directory":
            you.docs_screenshot("directory-coordinator-vi")

    # Every refusal answers the 403 page and is written to the audit trail.
    for refusal in REFUSALS[role]:
        before = denied_count(username, refusal.action)
        response = you.open(refusal.path(), refusal.page)
        assert response.status == 403, refusal.page
        assert you.page.get_by_test_id("error-403").is_visible()
        assert denied_count(username, refusal.action) == before + 1, refusal.page
    if role == "editor":
        own = org("31.STC")
        you.open(f"/directory/{own.pk}/", "own-department")
        you.click_and_wait('[data-testid="edit-org"]')
        you.check("own-department-edit")
        assert you.page.url == f"{you.base_url}/directory/{own.pk}/edit/"
        assert you.page.locator("form input[name=version]").count() == 1

    # English on request; the choice sticks, and Vietnamese comes back the same way.
    you.switch_language("en")
    english = you.nav_labels()
    assert english == {section: ENGLISH_NAV[section] for section in EXPECTED_NAV[role]}
    if role == "admin":
        assert admin_link.inner_text().strip() == "Administration"
    assert vietnamese["directory"] != "Directory", "the Vietnamese catalogue is missing"
    assert all(vietnamese[section] != english[section] for section in english), vietnamese
    you.open("/directory/", "directory-en")
    assert you.language == "en"
    you.switch_language("vi")
    assert you.nav_labels() == vietnamese


def test_a_refused_visit_to_the_admin_site_is_audited(visitor: VisitorFactory) -> None:
    you = visitor("admin-audit", "viewer")
    you.sign_in_directly("demo-viewer")
    you.page.goto(f"{you.base_url}/admin/")
    assert you.page.url.startswith(f"{you.base_url}/admin/login/")
    assert AuditRecord.objects.filter(
        outcome=Outcome.DENIED, actor__username="demo-viewer"
    ).exists()


def test_a_visitor_who_is_not_logged_in_sees_only_home_and_is_sent_to_log_in(
    visitor: VisitorFactory,
) -> None:
    you = visitor("anonymous", "anonymous")
    you.open("/", "home")
    assert you.nav_sections() == ["home"]
    you.page.goto(f"{you.base_url}/audit/")
    you.check("audit-redirect")
    assert you.page.url.startswith(f"{you.base_url}/accounts/login/")


def test_the_home_page_marks_its_navigation_item_as_current(visitor: VisitorFactory) -> None:
    you = visitor("home-current", "anonymous")
    you.open("/", "home")
    current = you.page.locator('[data-testid="nav"] a[aria-current="page"]')
    assert current.count() == 1
    assert current.get_attribute("data-nav") == "home"


def test_the_directory_lists_organisations_in_tree_order(visitor: VisitorFactory) -> None:
    from hopnhat.apps.directory.models import Organisation

    you = visitor("directory-tree", "coordinator")
    you.sign_in_directly("demo-coordinator")
    you.open("/directory/", "directory")
    codes = you.page.locator('[data-testid="org-table"] tbody td code').all_inner_texts()
    assert codes == list(Organisation.objects.order_by("path").values_list("code", flat=True))


def start_selftest_as_admin(you: Visitor) -> None:
    you.sign_in_directly("demo-admin")
    you.open("/", "home")
    you.open("/jobs/", "jobs")
    you.click_and_wait(f'button[data-kind="{SELFTEST_KIND}"]')


def test_cancelling_a_queued_job_updates_the_progress_component_in_place(
    visitor: VisitorFactory,
) -> None:
    from playwright.sync_api import expect

    you = visitor("job-cancel", "admin")
    start_selftest_as_admin(you)
    detail_url = you.page.url
    you.page.get_by_test_id("job-cancel").click()

    # No worker runs: a queued job is cancelled at once, and only the component is swapped.
    expect(you.page.get_by_test_id("job-progress")).to_have_attribute("data-status", "cancelled")
    assert you.page.url == detail_url
    you.check("job-cancelled")


def database_url() -> str:
    """The live test database, as DATABASE_URL for the worker subprocess."""
    db = connection.settings_dict
    if db["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{db['NAME']}"
    user = quote(str(db.get("USER") or ""), safe="")
    password = quote(str(db.get("PASSWORD") or ""), safe="")
    credentials = f"{user}:{password}@" if user else ""
    host = db.get("HOST") or "localhost"
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgres://{credentials}{host}{port}/{db['NAME']}"


def start_worker(log: Path) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "hopnhat.config.settings",
        "DATABASE_URL": database_url(),
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    command = [
        sys.executable,
        "-m",
        "django",
        "worker",
        "--no-reload",
        "--batch",
        "--queue-name",
        "*",
        "--no-startup-delay",
    ]
    with log.open("wb") as out:
        return subprocess.Popen(
            command, cwd=settings.PROJECT_DIR, env=env, stdout=out, stderr=subprocess.STDOUT
        )


def test_the_progress_component_follows_a_real_worker_until_the_job_succeeds(
    visitor: VisitorFactory, tmp_path: Path
) -> None:
    from playwright.sync_api import expect

    from hopnhat.apps.jobs.models import Job

    you = visitor("job", "admin")
    start_selftest_as_admin(you)
    job = Job.objects.get(kind=SELFTEST_KIND)
    assert you.page.url == f"{you.base_url}/jobs/{job.pk}/"
    progress = you.page.get_by_test_id("job-progress")
    assert progress.get_attribute("data-status") == "queued"
    assert progress.get_attribute("hx-get"), "an unfinished job polls for its progress"
    you.check("job-queued")

    log = tmp_path / "worker.log"
    worker = start_worker(log)
    try:
        expect(progress).to_have_attribute(
            "data-status", "succeeded", timeout=WORKER_TIMEOUT_SECONDS * 1000
        )
        expect(you.page.get_by_test_id("job-percent")).to_have_text("100%")
        assert you.page.url == f"{you.base_url}/jobs/{job.pk}/", "polled in place, no reload"
        # The finished job refreshes the page once: the result appears, polling stops.
        expect(you.page.get_by_test_id("job-result")).to_contain_text("steps")
        assert progress.get_attribute("hx-get") is None
        you.check("job-succeeded")
        you.docs_screenshot("job-progress")
        assert worker.wait(timeout=WORKER_TIMEOUT_SECONDS) == 0, log.read_text()
    finally:
        if worker.poll() is None:
            worker.terminate()
            worker.wait(timeout=10)

    job.refresh_from_db()
    assert (job.status, job.progress) == ("succeeded", 100)
    you.open("/audit/", "audit")
    assert you.page.get_by_test_id("audit-table").locator("tbody tr").count() >= 1
    you.docs_screenshot("audit-log")


# A 1366 × 768 laptop, the most common screen of the officials' offices.
LAPTOP = {"width": 1366, "height": 768}
# How many lines an element's text takes: one client rectangle per line box of the range.
TEXT_LINES = """element => {
  const range = document.createRange();
  range.selectNodeContents(element);
  return new Set([...range.getClientRects()].map(rect => Math.round(rect.top))).size;
}"""


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_navigation_bar_fits_on_one_line_of_a_laptop_screen(
    visitor: VisitorFactory, language: str
) -> None:
    you = visitor(f"nav-one-line-{language}", "admin")
    you.page.set_viewport_size(LAPTOP)
    # The directory admin sees every entry, the audit log and the administration link included.
    you.sign_in_directly("demo-admin")
    you.open("/", "home")
    if language != you.language:
        you.switch_language(language)

    # Squeezed, a flat bar wraps its labels inside each item ("Kế hoạch / công tác") rather
    # than onto a second row of items, so both are measured.
    entries = you.page.locator("#main-nav .nav-link").all()
    assert len(entries) >= 6
    lines = {entry.inner_text().strip(): entry.evaluate(TEXT_LINES) for entry in entries}
    assert all(count <= 1 for count in lines.values()), lines
    item = you.page.get_by_test_id("nav").locator(".nav-item").first.bounding_box()
    bar = you.page.locator("#main-nav").bounding_box()
    assert bar is not None
    assert item is not None
    assert bar["height"] < 1.5 * item["height"], (bar, item)
    you.screenshot("navbar")
