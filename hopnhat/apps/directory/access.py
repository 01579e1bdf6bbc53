"""Who may do what. Every `get_<thing>_for_user` in the project builds on `principal_for`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext

from hopnhat.apps.audit.actions import record_denied
from hopnhat.apps.directory.models import Membership, Organisation, Role
from hopnhat.common.errors import AccessDeniedError, NotFoundError

# Roles whose holders read every object of the merger, whatever organisation owns it.
READ_EVERYTHING_ROLES = frozenset({Role.STEERING, Role.COORDINATOR})
# Roles that read the objects owned by their organisation and its children.
SCOPED_READ_ROLES = frozenset({Role.EDITOR, Role.VIEWER, Role.ADMIN})


@dataclass(frozen=True)
class Principal:
    user_id: int | None
    username: str
    is_superuser: bool
    # (organisation id, organisation path, role) for each membership.
    memberships: tuple[tuple[int, str, str], ...]

    @property
    def roles(self) -> frozenset[str]:
        return frozenset(role for _org, _path, role in self.memberships)

    def has_role(self, *roles: str) -> bool:
        return self.is_superuser or bool(self.roles.intersection(roles))

    def paths_with_role(self, *roles: str) -> list[str]:
        return [path for _org, path, role in self.memberships if role in roles]

    @property
    def is_authenticated(self) -> bool:
        return self.user_id is not None

    @property
    def reads_everything(self) -> bool:
        return self.has_role(*READ_EVERYTHING_ROLES)

    @property
    def manages_directory(self) -> bool:
        return self.has_role(Role.ADMIN)

    @property
    def reads_audit_log(self) -> bool:
        return self.has_role(Role.ADMIN, Role.STEERING)

    def can_read_owned_by(self, owner_path: str) -> bool:
        if self.reads_everything:
            return True
        return any(owner_path.startswith(p) for p in self.paths_with_role(*SCOPED_READ_ROLES))

    def can_edit_owned_by(self, owner_path: str) -> bool:
        # Coordinators run the merger's shared work across organisations.
        if self.has_role(Role.COORDINATOR):
            return True
        return any(owner_path.startswith(p) for p in self.paths_with_role(Role.EDITOR))

    def owned_filter(self, owner_field: str) -> Q | None:
        """A Q limiting a queryset to readable owners, or None when everything is readable."""
        if self.reads_everything:
            return None
        paths = self.paths_with_role(*SCOPED_READ_ROLES)
        query = Q(pk__in=[])
        for path in paths:
            query |= Q(**{f"{owner_field}__path__startswith": path})
        return query


ANONYMOUS = Principal(user_id=None, username="", is_superuser=False, memberships=())


def principal_for(user: Any) -> Principal:
    if user is None or not user.is_authenticated:
        return ANONYMOUS
    cached: Principal | None = getattr(user, "_hopnhat_principal", None)
    if cached is not None:
        return cached
    memberships = tuple(
        (m.organisation_id, m.organisation.path, m.role)
        for m in Membership.objects.for_user(user.pk).filter(organisation__is_active=True)
    )
    principal = Principal(
        user_id=user.pk,
        username=user.get_username(),
        is_superuser=bool(user.is_superuser),
        memberships=memberships,
    )
    user._hopnhat_principal = principal
    return principal


def scope_owned(queryset: QuerySet[Any], user: Any, *, owner_field: str) -> QuerySet[Any]:
    query = principal_for(user).owned_filter(owner_field)
    return queryset if query is None else queryset.filter(query)


def deny_not_found(*, user: Any, action: str, object_type: str, object_id: Any) -> NotFoundError:
    # Answering 404 rather than 403 does not reveal that the object exists.
    record_denied(
        actor=user,
        action=action,
        object_type=object_type,
        object_id=object_id,
        reason="not visible",
    )
    return NotFoundError(
        gettext("%(object_type)s %(object_id)s not found")
        % {"object_type": object_type, "object_id": object_id}
    )


def deny_forbidden(
    *, user: Any, action: str, object_type: str, object_id: Any
) -> AccessDeniedError:
    record_denied(
        actor=user, action=action, object_type=object_type, object_id=object_id, reason="no right"
    )
    return AccessDeniedError(gettext("You do not have the right to do this."))


def get_organisation_for_user(
    user: Any, organisation_id: int, *, for_edit: bool = False
) -> Organisation:
    """Any member reads the directory; editing a profile needs admin or an editor above it."""
    principal = principal_for(user)
    org = Organisation.objects.select_related("parent").filter(pk=organisation_id).first()
    action = "directory.organisation.edit" if for_edit else "directory.organisation.read"
    if org is None or not principal.is_authenticated:
        raise deny_not_found(
            user=user,
            action=action,
            object_type="directory.organisation",
            object_id=organisation_id,
        )
    if for_edit and not can_edit_organisation(principal, org):
        raise deny_forbidden(
            user=user, action=action, object_type="directory.organisation", object_id=org.pk
        )
    return org


def can_edit_organisation(principal: Principal, org: Organisation) -> bool:
    if principal.manages_directory:
        return True
    return any(org.path.startswith(p) for p in principal.paths_with_role(Role.EDITOR))
