"""The module navigation. A module appears here only once it exists.

With a dozen modules a flat bar wraps onto two lines on a 1366-pixel laptop screen, so the
modules are grouped into a few menus; a group that would hold a single entry for this user is
shown as that entry, so that nobody opens a menu to find one link.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from hopnhat.apps.directory.access import Principal


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url_name: str
    section: str
    is_group = False


@dataclass(frozen=True)
class NavGroup:
    label: str | Promise
    key: str
    items: tuple[NavItem, ...]
    is_group = True

    @property
    def sections(self) -> list[str]:
        return [item.section for item in self.items]


@dataclass(frozen=True)
class GroupSpec:
    key: str
    label: str | Promise
    sections: tuple[str, ...]


# In bar order; a section named in no group stays a link of its own, after the groups.
GROUPS = (
    GroupSpec("arrangement", _("Arrangement"), ("plans", "territory", "layers")),
    GroupSpec("operations", _("Operations"), ("workplan", "directory", "jobs", "audit")),
    GroupSpec("lookup", _("Look-up"), ("address", "crosswalk")),
)
UNGROUPED_FIRST = ("home",)


def items_for(principal: Principal) -> list[NavItem]:
    # Unit data is public information: the map is open to everyone, logged in or not.
    items = [
        NavItem(_("Home"), "core:home", "home"),
        NavItem(_("Map"), "territory:map", "territory"),
        NavItem(_("Address conversion"), "address:convert", "address"),
    ]
    if not principal.is_authenticated:
        return items
    items.append(NavItem(_("Directory"), "directory:list", "directory"))
    items.append(NavItem(_("Map layers"), "layers:list", "layers"))
    items.append(NavItem(_("Work plan"), "workplan:dashboard", "workplan"))
    items.append(NavItem(_("Jobs"), "jobs:list", "jobs"))
    items.append(NavItem(_("Crosswalk"), "crosswalk:form", "crosswalk"))
    items.append(NavItem(_("Plans"), "plans:list", "plans"))
    if principal.reads_audit_log:
        items.append(NavItem(_("Audit log"), "audit:log", "audit"))
    return items


def entries_for(principal: Principal) -> list[NavItem | NavGroup]:
    """The bar: the items this principal may open, grouped; groups it has nothing in vanish."""
    by_section = {item.section: item for item in items_for(principal)}
    entries: list[NavItem | NavGroup] = [
        by_section.pop(section) for section in UNGROUPED_FIRST if section in by_section
    ]
    for spec in GROUPS:
        members = tuple(by_section.pop(s) for s in spec.sections if s in by_section)
        if len(members) == 1:
            entries.append(members[0])
        elif members:
            entries.append(NavGroup(spec.label, spec.key, members))
    entries.extend(by_section.values())
    return entries
