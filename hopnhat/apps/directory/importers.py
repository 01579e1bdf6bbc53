"""Loading the demo directory: idempotent, through the audited actions."""

from __future__ import annotations

from django.db import transaction

from hopnhat.apps.accounts.models import User
from hopnhat.apps.directory.actions import add_membership, create_organisation, update_organisation
from hopnhat.apps.directory.demo import DEMO_ORGANISATIONS, DEMO_USERS
from hopnhat.apps.directory.models import Membership, Organisation


def load_demo_directory(*, password: str) -> dict[str, int]:
    created_orgs = created_users = 0
    with transaction.atomic():
        by_code: dict[str, Organisation] = {}
        for spec in DEMO_ORGANISATIONS:
            parent = by_code[spec.parent] if spec.parent else None
            fields = {
                "name": spec.name,
                "short_name": spec.short_name,
                "kind": spec.kind,
                "parent": parent,
                "aliases": list(spec.aliases),
            }
            org = Organisation.objects.filter(code=spec.code).first()
            if org is None:
                org = create_organisation(actor=None, code=spec.code, **fields)
                created_orgs += 1
            else:
                changed = {k: v for k, v in fields.items() if getattr(org, k) != v}
                if changed:
                    org = update_organisation(
                        actor=None, org=org, expected_version=None, changes=changed, system=True
                    )
            by_code[spec.code] = org
        for person in DEMO_USERS:
            user = User.objects.filter(username=person.username).first()
            if user is None:
                user = User.objects.create_user(
                    username=person.username,
                    password=password,
                    full_name=person.full_name,
                    email=f"{person.username}@demo.hopnhat.invalid",
                )
                created_users += 1
            if not Membership.objects.filter(
                user=user, organisation=by_code[person.organisation], role=person.role
            ).exists():
                add_membership(
                    actor=None,
                    user=user,
                    organisation=by_code[person.organisation],
                    role=person.role,
                )
    return {"organisations_created": created_orgs, "users_created": created_users}
