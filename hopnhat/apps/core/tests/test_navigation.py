"""The grouped navigation: what each role finds in the bar, and that no module gets lost."""

from __future__ import annotations

import pytest

from hopnhat.apps.core.navigation import NavGroup, NavItem, entries_for, items_for
from hopnhat.apps.directory.access import ANONYMOUS, principal_for
from hopnhat.common.testing import user


def sections_of(entries: list[NavItem | NavGroup]) -> list[str | tuple[str, list[str]]]:
    return [(e.key, e.sections) if isinstance(e, NavGroup) else e.section for e in entries]


def test_a_visitor_who_is_not_logged_in_gets_plain_links_and_no_menu_of_one_entry() -> None:
    assert sections_of(entries_for(ANONYMOUS)) == ["home", "territory", "address"]


@pytest.mark.django_db
def test_a_viewer_finds_the_modules_in_three_menus_without_the_audit_log(demo: None) -> None:
    assert sections_of(entries_for(principal_for(user("demo-viewer")))) == [
        "home",
        ("arrangement", ["plans", "territory", "layers"]),
        ("operations", ["workplan", "directory", "jobs"]),
        ("lookup", ["address", "crosswalk"]),
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["admin", "steering", "coordinator", "editor", "viewer"])
def test_every_item_a_role_may_open_is_in_the_bar_exactly_once(demo: None, role: str) -> None:
    principal = principal_for(user(f"demo-{role}"))
    shown: list[str] = []
    for entry in entries_for(principal):
        shown.extend(entry.sections if isinstance(entry, NavGroup) else [entry.section])
    assert sorted(shown) == sorted(item.section for item in items_for(principal))
    assert ("audit" in shown) == principal.reads_audit_log
