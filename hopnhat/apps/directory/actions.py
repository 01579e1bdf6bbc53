from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext

from hopnhat.apps.audit.actions import record_event
from hopnhat.apps.directory.access import can_edit_organisation, principal_for
from hopnhat.apps.directory.models import Membership, Organisation
from hopnhat.common.diff import diff, snapshot
from hopnhat.common.errors import AccessDeniedError, ConflictError, ValidationFailedError

PROFILE_FIELDS = ("name", "short_name", "address", "phone", "email", "website", "note", "aliases")
STRUCTURE_FIELDS = ("code", "official_code", "kind", "parent", "is_active")


def path_for(org: Organisation) -> str:
    parent_path = org.parent.path if org.parent_id and org.parent else "/"
    return f"{parent_path}{org.pk}/"


def _refresh_subtree_paths(org: Organisation, old_path: str) -> None:
    for child in Organisation.objects.filter(path__startswith=old_path).exclude(pk=org.pk):
        child.path = org.path + child.path[len(old_path) :]
        child.save(update_fields=["path"])


def create_organisation(*, actor: Any, **fields: Any) -> Organisation:
    with transaction.atomic():
        org = Organisation(**fields)
        org.full_clean(exclude=["path"])
        org.save()
        org.path = path_for(org)
        org.save(update_fields=["path"])
        record_event(
            actor=actor,
            action="directory.organisation.create",
            obj=org,
            changes=diff({}, snapshot(org, PROFILE_FIELDS + STRUCTURE_FIELDS)),
        )
    return org


def update_organisation(
    *,
    actor: Any,
    org: Organisation,
    expected_version: int | None,
    changes: dict[str, Any],
    system: bool = False,
) -> Organisation:
    """Edit an organisation. Profile fields need an editor above it; structure needs admin.

    `system=True` is for loaders run from the command line, which act as no user.
    """
    principal = principal_for(actor)
    unknown = set(changes) - set(PROFILE_FIELDS) - set(STRUCTURE_FIELDS)
    if unknown:
        raise ValidationFailedError(
            gettext("Unknown fields"),
            fields={name: [gettext("unknown field")] for name in sorted(unknown)},
        )
    if not system and set(changes) & set(STRUCTURE_FIELDS) and not principal.manages_directory:
        raise AccessDeniedError(gettext("Only directory administrators change the structure."))
    if not system and not can_edit_organisation(principal, org):
        raise AccessDeniedError(gettext("You do not have the right to edit this organisation."))
    with transaction.atomic():
        current = Organisation.objects.select_for_update().get(pk=org.pk)
        before = snapshot(current, PROFILE_FIELDS + STRUCTURE_FIELDS)
        if expected_version is not None and expected_version != current.version:
            theirs = {k: [before.get(k), v] for k, v in snapshot_of(changes).items()}
            raise ConflictError(
                gettext(
                    "The organisation was changed by someone else; reload and re-apply your edit."
                ),
                current_version=current.version,
                diff={"current": before, "yours": theirs},
            )
        old_path = current.path
        for name, value in changes.items():
            setattr(current, name, value)
        if "parent" in changes:
            _reject_cycle(current)
        current.full_clean(exclude=["path"])
        current.version += 1
        current.path = path_for(current)
        current.save()
        if current.path != old_path:
            _refresh_subtree_paths(current, old_path)
        record_event(
            actor=actor,
            action="directory.organisation.update",
            obj=current,
            changes=diff(before, snapshot(current, PROFILE_FIELDS + STRUCTURE_FIELDS)),
        )
    return current


def snapshot_of(changes: dict[str, Any]) -> dict[str, Any]:
    return {k: (v.pk if isinstance(v, Organisation) else v) for k, v in changes.items()}


def _reject_cycle(org: Organisation) -> None:
    parent = org.parent
    while parent is not None:
        if parent.pk == org.pk:
            raise ValidationFailedError(
                gettext("An organisation cannot be placed under itself."),
                fields={"parent": [gettext("would create a cycle")]},
            )
        parent = parent.parent


def add_membership(*, actor: Any, user: Any, organisation: Organisation, role: str) -> Membership:
    with transaction.atomic():
        membership, created = Membership.objects.get_or_create(
            user=user, organisation=organisation, role=role
        )
        if created:
            record_event(
                actor=actor,
                action="directory.membership.create",
                obj=membership,
                changes={
                    "user": [None, user.pk],
                    "organisation": [None, organisation.pk],
                    "role": [None, role],
                },
            )
    return membership


def remove_membership(*, actor: Any, membership: Membership) -> None:
    with transaction.atomic():
        record_event(
            actor=actor,
            action="directory.membership.delete",
            obj=membership,
            changes={
                "user": [membership.user_id, None],
                "organisation": [membership.organisation_id, None],
                "role": [membership.role, None],
            },
        )
        membership.delete()
