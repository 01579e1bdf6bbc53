"""Who may see and change the sub-unit table: the owner organisation's subtree, as for every
owned object. Conversions themselves are public."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from hopnhat.apps.address.models import SubUnitMapping
from hopnhat.apps.directory.access import (
    deny_forbidden,
    deny_not_found,
    principal_for,
    scope_owned,
)
from hopnhat.apps.directory.models import Membership, Organisation, Role

OBJECT_TYPE = "address.subunitmapping"


def sub_units_for_user(user: Any) -> QuerySet[SubUnitMapping]:
    if not principal_for(user).is_authenticated:
        return SubUnitMapping.objects.none()
    return scope_owned(SubUnitMapping.objects.with_owner(), user, owner_field="owner_org")


def get_sub_unit_for_user(user: Any, mapping_id: int, *, for_edit: bool = False) -> SubUnitMapping:
    """Read needs read rights over the owner; delete needs edit rights over it."""
    principal = principal_for(user)
    mapping = SubUnitMapping.objects.with_owner().filter(pk=mapping_id).first()
    action = "address.sub_unit.delete" if for_edit else "address.sub_unit.read"
    if mapping is None or not principal.can_read_owned_by(mapping.owner_org.path):
        raise deny_not_found(
            user=user, action=action, object_type=OBJECT_TYPE, object_id=mapping_id
        )
    if for_edit and not principal.can_edit_owned_by(mapping.owner_org.path):
        raise deny_forbidden(
            user=user, action=action, object_type=OBJECT_TYPE, object_id=mapping.pk
        )
    return mapping


def get_owner_org_for_import(user: Any, org_code: str) -> Organisation:
    """The organisation a user imports sub-units for: they must be able to edit what it owns."""
    principal = principal_for(user)
    org = Organisation.objects.active().filter(code=org_code).first()
    action = "address.sub_units.import"
    if org is None or not principal.is_authenticated:
        raise deny_not_found(
            user=user, action=action, object_type="directory.organisation", object_id=org_code
        )
    if not principal.can_edit_owned_by(org.path):
        raise deny_forbidden(
            user=user, action=action, object_type="directory.organisation", object_id=org.pk
        )
    return org


def organisations_for_import(user: Any) -> list[Organisation]:
    """Where a user may import or start a job: their editor organisations (all for coordinators)."""
    principal = principal_for(user)
    if principal.user_id is None:
        return []
    if principal.has_role(Role.COORDINATOR):
        return list(Organisation.objects.active())
    org_ids = Membership.objects.filter(user_id=principal.user_id, role=Role.EDITOR).values(
        "organisation_id"
    )
    return list(Organisation.objects.active().filter(pk__in=org_ids))
