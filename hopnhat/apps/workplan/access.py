"""Who may see and change directives and tasks.

A task is owned by its lead organisation; joint leads edit it too, co-operating bodies read it.
Steering and coordinators read everything; coordinators (and steering) decide extensions.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from hopnhat.apps.directory.access import Principal, deny_forbidden, deny_not_found, principal_for
from hopnhat.apps.directory.models import Membership, Organisation, Role
from hopnhat.apps.workplan.models import (
    Directive,
    DirectiveQuerySet,
    ExtensionRequest,
    Obstacle,
    ParticipantRole,
    Task,
    TaskParticipant,
    TaskQuerySet,
)

TASK = "workplan.task"
DIRECTIVE = "workplan.directive"


def _paths(task: Task, *, roles: tuple[str, ...]) -> list[str]:
    paths = [task.lead_org.path] if task.lead_org else []
    for link in task.participant_links.all():
        if link.role in roles:
            paths.append(link.organisation.path)
    return paths


def can_read_task(principal: Principal, task: Task) -> bool:
    if principal.reads_everything:
        return True
    readers = _paths(task, roles=(ParticipantRole.JOINT_LEAD, ParticipantRole.COOPERATING))
    readers.append(task.directive.owner_org.path)
    return any(principal.can_read_owned_by(path) for path in readers)


def can_edit_task(principal: Principal, task: Task) -> bool:
    return any(
        principal.can_edit_owned_by(path)
        for path in _paths(task, roles=(ParticipantRole.JOINT_LEAD,))
    )


def can_manage_directive(principal: Principal, directive: Directive) -> bool:
    """Review, confirm and re-plan a directive's tasks: coordinators or editors of its owner."""
    return principal.can_edit_owned_by(directive.owner_org.path)


def can_decide_extensions(principal: Principal) -> bool:
    return principal.has_role(Role.STEERING, Role.COORDINATOR)


def _task_queryset() -> TaskQuerySet:
    return Task.objects.select_related(
        "lead_org", "directive__owner_org", "clause", "group"
    ).prefetch_related("participant_links__organisation")


def get_task_for_user(user: Any, task_id: int, *, for_edit: bool = False) -> Task:
    principal = principal_for(user)
    task = _task_queryset().filter(pk=task_id).first()
    action = "workplan.task.update" if for_edit else "workplan.task.read"
    if task is None or not principal.is_authenticated or not can_read_task(principal, task):
        raise deny_not_found(user=user, action=action, object_type=TASK, object_id=task_id)
    if for_edit and not (
        can_edit_task(principal, task) or can_manage_directive(principal, task.directive)
    ):
        raise deny_forbidden(user=user, action=action, object_type=TASK, object_id=task.pk)
    return task


def tasks_for_user(user: Any) -> TaskQuerySet:
    principal = principal_for(user)
    if not principal.is_authenticated:
        return Task.objects.none()
    if principal.reads_everything:
        return Task.objects.all()
    paths = principal.paths_with_role(Role.EDITOR, Role.VIEWER, Role.ADMIN)
    if not paths:
        return Task.objects.none()
    by_path = Q()
    participant_path = Q()
    owner_path = Q()
    for path in paths:
        by_path |= Q(lead_org__path__startswith=path)
        participant_path |= Q(organisation__path__startswith=path)
        owner_path |= Q(directive__owner_org__path__startswith=path)
    participating = TaskParticipant.objects.filter(participant_path, task=OuterRef("pk"))
    return Task.objects.filter(by_path | owner_path | Exists(participating))


def get_directive_for_user(user: Any, directive_id: int, *, for_edit: bool = False) -> Directive:
    principal = principal_for(user)
    directive = Directive.objects.select_related("owner_org").filter(pk=directive_id).first()
    action = "workplan.directive.update" if for_edit else "workplan.directive.read"
    visible = (
        directive is not None
        and principal.is_authenticated
        and (
            principal.can_read_owned_by(directive.owner_org.path)
            or tasks_for_user(user).filter(directive=directive).exists()
        )
    )
    if directive is None or not visible:
        raise deny_not_found(
            user=user, action=action, object_type=DIRECTIVE, object_id=directive_id
        )
    if for_edit and not can_manage_directive(principal, directive):
        raise deny_forbidden(
            user=user, action=action, object_type=DIRECTIVE, object_id=directive.pk
        )
    return directive


def directives_for_user(user: Any) -> DirectiveQuerySet:
    principal = principal_for(user)
    if not principal.is_authenticated:
        return Directive.objects.none()
    if principal.reads_everything:
        return Directive.objects.all()
    owned = principal.owned_filter("owner_org") or Q()
    visible_tasks = tasks_for_user(user).filter(directive=OuterRef("pk"))
    return Directive.objects.filter(owned | Q(Exists(visible_tasks)))


def get_extension_for_decision(user: Any, extension_id: int) -> ExtensionRequest:
    principal = principal_for(user)
    extension = ExtensionRequest.objects.select_related("task").filter(pk=extension_id).first()
    action = "workplan.extension.decide"
    if extension is None or not principal.is_authenticated:
        raise deny_not_found(
            user=user,
            action=action,
            object_type="workplan.extensionrequest",
            object_id=extension_id,
        )
    if not can_decide_extensions(principal):
        raise deny_forbidden(
            user=user,
            action=action,
            object_type="workplan.extensionrequest",
            object_id=extension.pk,
        )
    return extension


def organisations_for_intake(user: Any) -> list[Organisation]:
    """Where a user may file a directive: their editor organisations, or any for coordinators."""
    principal = principal_for(user)
    if principal.user_id is None:
        return []
    if principal.has_role(Role.COORDINATOR) or principal.is_superuser:
        org_ids = Membership.objects.filter(
            user_id=principal.user_id, role=Role.COORDINATOR
        ).values("organisation_id")
        own = list(Organisation.objects.filter(pk__in=org_ids))
        return own or list(Organisation.objects.active().localities())
    org_ids = Membership.objects.filter(user_id=principal.user_id, role=Role.EDITOR).values(
        "organisation_id"
    )
    return list(Organisation.objects.active().filter(pk__in=org_ids))


def get_obstacle_for_user(user: Any, obstacle_id: int, *, for_edit: bool = False) -> Obstacle:
    principal = principal_for(user)
    obstacle = Obstacle.objects.select_related("raised_by_org").filter(pk=obstacle_id).first()
    action = "workplan.obstacle.update" if for_edit else "workplan.obstacle.read"
    if obstacle is None or not principal.can_read_owned_by(obstacle.raised_by_org.path):
        raise deny_not_found(
            user=user, action=action, object_type="workplan.obstacle", object_id=obstacle_id
        )
    if for_edit and not (
        principal.can_edit_owned_by(obstacle.raised_by_org.path) or can_decide_extensions(principal)
    ):
        raise deny_forbidden(
            user=user, action=action, object_type="workplan.obstacle", object_id=obstacle.pk
        )
    return obstacle


def obstacles_for_user(user: Any) -> QuerySet[Obstacle]:
    """Obstacles raised by organisations the user reads, or about tasks the user reads."""
    principal = principal_for(user)
    if not principal.is_authenticated:
        return Obstacle.objects.none()
    query = principal.owned_filter("raised_by_org")
    if query is None:
        return Obstacle.objects.all()
    return Obstacle.objects.filter(query | Q(task__in=tasks_for_user(user).values("pk")))
