"""Who may see and change map layers: the owner organisation's subtree, as for every owned object."""

from __future__ import annotations

from typing import Any

from hopnhat.apps.directory.access import (
    deny_forbidden,
    deny_not_found,
    principal_for,
)
from hopnhat.apps.directory.models import Membership, Organisation, Role
from hopnhat.apps.layers.models import Layer, LayerQuerySet

OBJECT_TYPE = "layers.layer"


def get_layer_for_user(user: Any, layer_id: int, *, for_edit: bool = False) -> Layer:
    """Read needs read rights over the owner; delete needs edit rights over it."""
    principal = principal_for(user)
    layer = Layer.objects.with_owner().filter(pk=layer_id).first()
    action = "layers.layer.delete" if for_edit else "layers.layer.read"
    if layer is None or not principal.can_read_owned_by(layer.owner_org.path):
        raise deny_not_found(user=user, action=action, object_type=OBJECT_TYPE, object_id=layer_id)
    if for_edit and not principal.can_edit_owned_by(layer.owner_org.path):
        raise deny_forbidden(user=user, action=action, object_type=OBJECT_TYPE, object_id=layer.pk)
    return layer


def layers_for_user(user: Any) -> LayerQuerySet:
    principal = principal_for(user)
    if not principal.is_authenticated:
        return Layer.objects.none()
    query = principal.owned_filter("owner_org")
    layers = Layer.objects.with_owner()
    return layers if query is None else layers.filter(query)


def get_owner_org_for_new_layer(user: Any, org_code: str) -> Organisation:
    """The organisation a user imports a layer for: they must be able to edit what it owns."""
    principal = principal_for(user)
    org = Organisation.objects.active().filter(code=org_code).first()
    action = "layers.layer.create"
    if org is None or not principal.is_authenticated:
        raise deny_not_found(
            user=user, action=action, object_type="directory.organisation", object_id=org_code
        )
    if not principal.can_edit_owned_by(org.path):
        raise deny_forbidden(
            user=user, action=action, object_type="directory.organisation", object_id=org.pk
        )
    return org


def organisations_for_new_layer(user: Any) -> list[Organisation]:
    """Where a user may import: their editor organisations, or every one for coordinators."""
    principal = principal_for(user)
    if principal.user_id is None:
        return []
    if principal.has_role(Role.COORDINATOR):
        return list(Organisation.objects.active())
    org_ids = Membership.objects.filter(user_id=principal.user_id, role=Role.EDITOR).values(
        "organisation_id"
    )
    return list(Organisation.objects.active().filter(pk__in=org_ids))
