"""Small builders for the plan tests."""

from __future__ import annotations

from typing import Any

from hopnhat.apps.accounts.models import User
from hopnhat.apps.directory.models import Membership
from hopnhat.apps.plans.actions import copy_plan
from hopnhat.apps.plans.models import Plan
from hopnhat.common.testing import org, user


def member(username: str, org_code: str, role: str) -> User:
    person = User.objects.create_user(username=username, password="test-password-1")
    Membership.objects.create(user=person, organisation=org(org_code), role=role)
    return person


def draft_copy(plan: Plan, name: str = "Phương án điều chỉnh") -> Plan:
    return copy_plan(actor=user("demo-coordinator"), plan=plan, name=name)


def move(payload: dict[str, Any], old_code: str, to_key: str) -> dict[str, Any]:
    """The payload with the whole old unit `old_code` moved to the unit `to_key`."""
    units = [dict(u, constituents=list(u["constituents"])) for u in payload["units"]]
    taken = None
    for unit in units:
        for c in unit["constituents"]:
            if c["old_code"] == old_code:
                taken = c
        unit["constituents"] = [c for c in unit["constituents"] if c["old_code"] != old_code]
    assert taken is not None
    assert taken["relation"] == "whole"
    next(u for u in units if u["key"] == to_key)["constituents"].append(taken)
    return {"units": units, "not_arranged": payload["not_arranged"]}
