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
    items = [NavItem(_("Home"), "core:home", "home")]
    if not principal.is_authenticated:
        return items
    items.append(NavItem(_("Directory"), "directory:list", "directory"))
    items.append(NavItem(_("Jobs"), "jobs:list", "jobs"))
    if principal.reads_audit_log:
        items.append(NavItem(_("Audit log"), "audit:log", "audit"))
    return items
