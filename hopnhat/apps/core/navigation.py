"""The module navigation. A module appears here only once it exists."""

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
