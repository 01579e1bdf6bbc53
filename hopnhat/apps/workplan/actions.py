"""Every write of the work plan: one action each, in a transaction, audited with its diff."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.core.mail import send_mail
from django.db import transaction
from django.utils.translation import gettext, override

from hopnhat.apps.audit.actions import record_event
from hopnhat.apps.directory.access import principal_for
from hopnhat.apps.directory.models import Membership, Organisation, Role
from hopnhat.apps.workplan.access import can_decide_extensions, can_edit_task, can_manage_directive
from hopnhat.apps.workplan.engine_io import locality_code_of, propose_from_text
from hopnhat.apps.workplan.models import (
    ChangeKind,
    Clause,
    Comment,
    Directive,
    DirectiveState,
    Evidence,
    ExtensionRequest,
    ExtensionStatus,
    Notification,
    NotificationKind,
    Obstacle,
    ObstacleStatus,
    ParticipantRole,
    ProgressUpdate,
    Task,
    TaskChange,
    TaskGroup,
    TaskParticipant,
    TaskState,
    workplan_today,
)
from hopnhat.common.diff import diff, snapshot
from hopnhat.common.errors import AccessDeniedError, ConflictError, ValidationFailedError

TASK_FIELDS = (
    "title",
    "description",
    "lead_org",
    "responsible",
    "start_on",
    "deadline",
    "recurrence",
    "priority",
    "is_milestone",
    "group",
    "state",
    "percent",
    "started_on",
    "completed_on",
    "paused_on",
    "cancelled_on",
)
EDITABLE_FIELDS = frozenset(
    {
        "title",
        "description",
        "responsible",
        "start_on",
        "priority",
        "is_milestone",
        "paused",
        "cancelled",
    }
)
# Re-planning fields: the directive's managers change them; a lead asks for an extension.
PLANNING_FIELDS = frozenset(
    {"deadline", "lead_org", "joint_lead_ids", "co_org_ids", "recurrence", "group"}
)
DIRECTIVE_FIELDS = ("kind", "number", "issued_on", "issuer", "title", "state", "owner_org")


# Directives and intake ------------------------------------------------------------------------


def file_directive(
    *,
    actor: Any,
    owner_org: Organisation,
    text: str,
    filename: str = "",
    content: bytes = b"",
) -> Directive:
    """Store a directive as a draft with its clauses and the tasks the engine proposes."""
    if not text.strip():
        raise ValidationFailedError(
            gettext("The document has no text."), fields={"text": [gettext("empty")]}
        )
    proposal = propose_from_text(text, default_locality=locality_code_of(owner_org))
    header = proposal.header
    with transaction.atomic():
        directive = Directive.objects.create(
            kind=header.kind,
            number=header.number[:80],
            issued_on=header.issued_on,
            issuer=header.issuer[:300],
            title=header.title[:500],
            text=text,
            owner_org=owner_org,
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        if content:
            directive.source_file.save(filename or "directive.txt", ContentFile(content), save=True)
        clauses = {
            c.position: Clause.objects.create(
                directive=directive,
                ref=c.ref,
                section_title=c.section_title,
                text=c.text,
                position=c.position,
            )
            for c in proposal.clauses
        }
        groups: dict[str, TaskGroup] = {}
        previous: dict[str, Task] = {}
        for proposed in proposal.tasks:
            clause = clauses[proposed.clause_position]
            group = groups.get(clause.section_title)
            if group is None:
                group = TaskGroup.objects.create(
                    directive=directive,
                    title=clause.section_title or directive.title[:300],
                    position=len(groups),
                )
                groups[clause.section_title] = group
            lead_id = proposed.lead_ids[0] if proposed.lead_ids else None
            task = Task.objects.create(
                directive=directive,
                clause=clause,
                group=group,
                sequence=proposed.sequence,
                title=proposed.title[:500],
                description=proposed.description,
                lead_org_id=lead_id,
                deadline=proposed.due,
                original_deadline=proposed.due,
                deadline_phrase=proposed.deadline_phrase[:200],
                recurrence=proposed.recurrence,
                intake_notes=list(proposed.notes),
            )
            _set_participants(task, joint=proposed.lead_ids[1:], cooperating=proposed.co_ids)
            # Several deadlines in one clause are consecutive steps: finish-to-start.
            if proposed.sequence and clause.ref in previous:
                before = previous[clause.ref]
                task.depends_on.add(before)
                if before.deadline:
                    task.start_on = before.deadline + dt.timedelta(days=1)
                    task.save(update_fields=["start_on"])
            previous[clause.ref] = task
        record_event(
            actor=actor,
            action="workplan.directive.create",
            obj=directive,
            changes=diff(
                {}, {**snapshot(directive, DIRECTIVE_FIELDS), "proposed_tasks": len(proposal.tasks)}
            ),
        )
    return directive


def _set_participants(task: Task, *, joint: Iterable[int], cooperating: Iterable[int]) -> None:
    TaskParticipant.objects.filter(task=task).delete()
    seen = {task.lead_org_id}
    for role, ids in (
        (ParticipantRole.JOINT_LEAD, joint),
        (ParticipantRole.COOPERATING, cooperating),
    ):
        for org_id in ids:
            if org_id not in seen:
                seen.add(org_id)
                TaskParticipant.objects.create(task=task, organisation_id=org_id, role=role)


def participants_of(task: Task) -> dict[str, list[int]]:
    links = list(task.participant_links.all())
    return {
        "joint_lead_ids": sorted(
            link.organisation_id for link in links if link.role == ParticipantRole.JOINT_LEAD
        ),
        "co_org_ids": sorted(
            link.organisation_id for link in links if link.role == ParticipantRole.COOPERATING
        ),
    }


def remove_proposed_task(*, actor: Any, task: Task) -> None:
    if task.state != TaskState.PROPOSED:
        raise ValidationFailedError(
            gettext("Only a proposed task can be removed; cancel a confirmed one.")
        )
    _require_manager(actor, task.directive)
    with transaction.atomic():
        record_event(
            actor=actor,
            action="workplan.task.delete",
            obj=task,
            changes=diff(snapshot(task, TASK_FIELDS), {}),
        )
        task.delete()


def confirm_directive(
    *, actor: Any, directive: Directive, today: dt.date | None = None
) -> Directive:
    """The officer's confirmation: proposed tasks become assigned and their leads are told."""
    _require_manager(actor, directive)
    today = today or workplan_today()
    with transaction.atomic():
        current = Directive.objects.select_for_update().get(pk=directive.pk)
        if current.state == DirectiveState.CONFIRMED:
            return current
        proposed = list(current.tasks.filter(state=TaskState.PROPOSED))
        leaderless = [task.title[:60] for task in proposed if task.lead_org_id is None]
        if leaderless:
            raise ValidationFailedError(
                gettext("Choose a lead organisation for every task before confirming."),
                fields={"lead_org": leaderless},
            )
        assigned_on = current.issued_on or today
        for task in proposed:
            before = snapshot(task, TASK_FIELDS)
            task.state, task.assigned_on = TaskState.ACTIVE, assigned_on
            task.start_on = task.start_on or assigned_on
            task.version += 1
            task.save()
            record_event(
                actor=actor,
                action="workplan.task.confirm",
                obj=task,
                changes=diff(before, snapshot(task, TASK_FIELDS)),
            )
            _log_change(
                task, ChangeKind.ADDED, on=today, actor=actor, after=str(task.deadline or "")
            )
        before = snapshot(current, DIRECTIVE_FIELDS)
        current.state = DirectiveState.CONFIRMED
        current.confirmed_at = _now()
        current.version += 1
        current.save()
        record_event(
            actor=actor,
            action="workplan.directive.confirm",
            obj=current,
            changes=diff(before, snapshot(current, DIRECTIVE_FIELDS)),
        )
        for task in proposed:
            notify_task(task, NotificationKind.ASSIGNED, key=f"assigned:{task.pk}")
    return current


def _require_manager(actor: Any, directive: Directive) -> None:
    if not can_manage_directive(principal_for(actor), directive):
        raise AccessDeniedError(
            gettext("Only the directive's coordinators review and re-plan its tasks.")
        )


def _now() -> dt.datetime:
    from django.utils import timezone

    return timezone.now()


# Tasks ----------------------------------------------------------------------------------------


def update_task(
    *,
    actor: Any,
    task: Task,
    expected_version: int | None,
    changes: dict[str, Any],
    today: dt.date | None = None,
) -> Task:
    """Edit a task. Leads edit the content; deadline, leads and group are the managers' (a lead
    who needs more time requests an extension). A stale `expected_version` gets a conflict."""
    today = today or workplan_today()
    unknown = set(changes) - EDITABLE_FIELDS - PLANNING_FIELDS
    if unknown:
        raise ValidationFailedError(
            gettext("Unknown fields"),
            fields={name: [gettext("unknown field")] for name in sorted(unknown)},
        )
    principal = principal_for(actor)
    manager = can_manage_directive(principal, task.directive)
    if set(changes) & PLANNING_FIELDS and not manager:
        raise AccessDeniedError(
            gettext("Only coordinators re-plan a task; request an extension instead.")
        )
    if not manager and not can_edit_task(principal, task):
        raise AccessDeniedError(gettext("You do not have the right to edit this task."))
    with transaction.atomic():
        current = Task.objects.select_for_update().get(pk=task.pk)
        before = {**snapshot(current, TASK_FIELDS), **participants_of(current)}
        if expected_version is not None and expected_version != current.version:
            raise ConflictError(
                gettext("The task was changed by someone else; reload and re-apply your edit."),
                current_version=current.version,
                diff={
                    "current": before,
                    "yours": {k: [before.get(k), _plain(v)] for k, v in changes.items()},
                },
            )
        status_before = current.status_on(today)
        participants = {k: changes.pop(k) for k in ("joint_lead_ids", "co_org_ids") if k in changes}
        if "paused" in changes:
            current.paused_on = today if changes.pop("paused") else None
        if "cancelled" in changes:
            current.cancelled_on = today if changes.pop("cancelled") else None
        for name, value in changes.items():
            setattr(current, name, value)
        current.full_clean(exclude=["directive", "clause", "group", "lead_org", "responsible"])
        current.version += 1
        current.save()
        if participants:
            now = participants_of(current)
            _set_participants(
                current,
                joint=participants.get("joint_lead_ids", now["joint_lead_ids"]),
                cooperating=participants.get("co_org_ids", now["co_org_ids"]),
            )
        after = {**snapshot(current, TASK_FIELDS), **participants_of(current)}
        record_event(
            actor=actor, action="workplan.task.update", obj=current, changes=diff(before, after)
        )
        if current.state == TaskState.ACTIVE:
            if before["deadline"] != after["deadline"]:
                _log_change(
                    current,
                    ChangeKind.DEADLINE_MOVED,
                    on=today,
                    actor=actor,
                    before=str(before["deadline"] or ""),
                    after=str(after["deadline"] or ""),
                )
            _log_status_change(current, status_before, on=today, actor=actor)
    return current


def _plain(value: Any) -> Any:
    return value.pk if hasattr(value, "pk") else value


def _log_change(
    task: Task, kind: str, *, on: dt.date, actor: Any, before: str = "", after: str = ""
) -> None:
    TaskChange.objects.create(
        task=task,
        directive_id=task.directive_id,
        task_title=task.title[:500],
        kind=kind,
        on=on,
        before=before,
        after=after,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
    )


def _log_status_change(task: Task, status_before: str, *, on: dt.date, actor: Any) -> None:
    status_after = task.status_on(on)
    if status_after != status_before:
        _log_change(
            task,
            ChangeKind.STATUS_CHANGED,
            on=on,
            actor=actor,
            before=status_before,
            after=status_after,
        )


def add_progress(
    *,
    actor: Any,
    task: Task,
    on: dt.date,
    percent: int,
    text: str = "",
    reason_for_delay: str = "",
    proposal: str = "",
    files: Iterable[UploadedFile] = (),
    expected_version: int | None = None,
) -> ProgressUpdate:
    """A dated progress report; the task's percentage and status dates follow from all reports."""
    if not 0 <= percent <= 100:
        raise ValidationFailedError(
            gettext("Progress is a percentage."), fields={"percent": [gettext("0 to 100")]}
        )
    principal = principal_for(actor)
    if not (can_edit_task(principal, task) or can_manage_directive(principal, task.directive)):
        raise AccessDeniedError(gettext("You do not have the right to report on this task."))
    if task.state != TaskState.ACTIVE:
        raise ValidationFailedError(gettext("Confirm the directive before reporting progress."))
    with transaction.atomic():
        current = Task.objects.select_for_update().get(pk=task.pk)
        if expected_version is not None and expected_version != current.version:
            raise ConflictError(
                gettext("The task was changed by someone else; reload and re-apply your edit."),
                current_version=current.version,
                diff={"current": snapshot(current, TASK_FIELDS)},
            )
        before = snapshot(current, TASK_FIELDS)
        status_before = current.status_on(on)
        update = ProgressUpdate.objects.create(
            task=current,
            on=on,
            percent=percent,
            text=text,
            reason_for_delay=reason_for_delay,
            proposal=proposal,
            author=actor if getattr(actor, "is_authenticated", False) else None,
        )
        names = []
        for upload in files:
            evidence = Evidence(update=update, name=upload.name or "evidence")
            evidence.file.save(upload.name or "evidence", upload, save=True)
            names.append(evidence.name)
        _recompute_progress(current)
        current.version += 1
        current.save()
        record_event(
            actor=actor,
            action="workplan.task.progress",
            obj=current,
            changes={
                **diff(before, snapshot(current, TASK_FIELDS)),
                "update": [None, {"on": on, "percent": percent, "evidence": names}],
            },
        )
        _log_status_change(current, status_before, on=on, actor=actor)
    return update


def _recompute_progress(task: Task) -> None:
    updates = list(task.updates.order_by("on", "pk").values_list("on", "percent"))
    task.percent = updates[-1][1] if updates else 0
    task.started_on = next((on for on, percent in updates if percent > 0), None)
    completed_on = None
    for on, percent in updates:
        completed_on = completed_on or on if percent >= 100 else None
    task.completed_on = completed_on


def add_dependency(*, actor: Any, task: Task, predecessor: Task) -> None:
    """`task` starts when `predecessor` finishes. Refuses cycles."""
    _require_manager(actor, task.directive)
    seen, frontier = set(), [predecessor.pk]
    while frontier:
        current = frontier.pop()
        if current == task.pk:
            raise ValidationFailedError(gettext("This dependency would make a cycle."))
        if current not in seen:
            seen.add(current)
            frontier.extend(
                Task.depends_on.through.objects.filter(from_task_id=current).values_list(
                    "to_task_id", flat=True
                )
            )
    with transaction.atomic():
        task.depends_on.add(predecessor)
        record_event(
            actor=actor,
            action="workplan.task.depend",
            obj=task,
            changes={"depends_on": [None, predecessor.pk]},
        )


def add_comment(*, actor: Any, task: Task, text: str) -> Comment:
    if not text.strip():
        raise ValidationFailedError(
            gettext("The comment is empty."), fields={"text": [gettext("empty")]}
        )
    with transaction.atomic():
        comment = Comment.objects.create(task=task, author=actor, text=text.strip())
        record_event(
            actor=actor,
            action="workplan.comment.create",
            obj=comment,
            changes={"task": [None, task.pk], "text": [None, comment.text]},
        )
    return comment


# Extensions -----------------------------------------------------------------------------------


def request_extension(
    *,
    actor: Any,
    task: Task,
    requested_deadline: dt.date,
    reason: str,
    today: dt.date | None = None,
) -> ExtensionRequest:
    principal = principal_for(actor)
    if not can_edit_task(principal, task):
        raise AccessDeniedError(gettext("Only the task's lead requests an extension."))
    if task.deadline and requested_deadline <= task.deadline:
        raise ValidationFailedError(
            gettext("The new deadline must come after the current one."),
            fields={"requested_deadline": [gettext("not later than the current deadline")]},
        )
    if task.extensions.filter(status=ExtensionStatus.PENDING).exists():
        raise ValidationFailedError(
            gettext("An extension request for this task is already pending.")
        )
    with transaction.atomic():
        extension = ExtensionRequest.objects.create(
            task=task,
            requested_by=actor,
            previous_deadline=task.deadline,
            requested_deadline=requested_deadline,
            reason=reason,
            created_on=today or workplan_today(),
        )
        record_event(
            actor=actor,
            action="workplan.extension.request",
            obj=extension,
            changes={
                "task": [None, task.pk],
                "requested_deadline": [None, requested_deadline],
                "reason": [None, reason],
            },
        )
    return extension


def decide_extension(
    *,
    actor: Any,
    extension: ExtensionRequest,
    approve: bool,
    note: str = "",
    today: dt.date | None = None,
) -> ExtensionRequest:
    if not can_decide_extensions(principal_for(actor)):
        raise AccessDeniedError(
            gettext("Only the steering committee or coordinators decide extensions.")
        )
    today = today or workplan_today()
    with transaction.atomic():
        current = ExtensionRequest.objects.select_for_update().get(pk=extension.pk)
        if current.status != ExtensionStatus.PENDING:
            raise ValidationFailedError(gettext("This request has already been decided."))
        current.status = ExtensionStatus.APPROVED if approve else ExtensionStatus.REJECTED
        current.decided_by, current.decided_on, current.decision_note = actor, today, note
        current.save()
        record_event(
            actor=actor,
            action="workplan.extension.decide",
            obj=current,
            changes={"status": [ExtensionStatus.PENDING, current.status], "note": [None, note]},
        )
        task = Task.objects.select_for_update().get(pk=current.task_id)
        if approve:
            before = snapshot(task, TASK_FIELDS)
            status_before = task.status_on(today)
            task.deadline = current.requested_deadline
            task.version += 1
            task.save()
            record_event(
                actor=actor,
                action="workplan.task.extend",
                obj=task,
                changes=diff(before, snapshot(task, TASK_FIELDS)),
            )
            _log_change(
                task,
                ChangeKind.DEADLINE_MOVED,
                on=today,
                actor=actor,
                before=str(before["deadline"] or ""),
                after=str(task.deadline),
            )
            _log_status_change(task, status_before, on=today, actor=actor)
        if current.requested_by is not None:
            notify(
                [current.requested_by],
                NotificationKind.EXTENSION_DECIDED,
                task=task,
                key=f"extension:{current.pk}",
            )
    return current


# Obstacles and recommendations ----------------------------------------------------------------


def raise_obstacle(
    *,
    actor: Any,
    raised_by_org: Organisation,
    text: str,
    addressed_to: str,
    raised_on: dt.date,
    task: Task | None = None,
    addressed_to_org: Organisation | None = None,
) -> Obstacle:
    principal = principal_for(actor)
    if actor is not None and not principal.can_edit_owned_by(raised_by_org.path):
        raise AccessDeniedError(gettext("You raise obstacles only for your own organisation."))
    with transaction.atomic():
        obstacle = Obstacle.objects.create(
            text=text,
            task=task,
            raised_by_org=raised_by_org,
            addressed_to=addressed_to,
            addressed_to_org=addressed_to_org,
            raised_on=raised_on,
        )
        record_event(
            actor=actor,
            action="workplan.obstacle.create",
            obj=obstacle,
            changes=diff(
                {}, snapshot(obstacle, ("text", "raised_by_org", "addressed_to", "status"))
            ),
        )
    return obstacle


def answer_obstacle(
    *,
    actor: Any,
    obstacle: Obstacle,
    answer: str,
    status: str,
    answered_on: dt.date | None = None,
    expected_version: int | None = None,
) -> Obstacle:
    if status not in ObstacleStatus.values:
        raise ValidationFailedError(gettext("Unknown status"), fields={"status": [status]})
    with transaction.atomic():
        current = Obstacle.objects.select_for_update().get(pk=obstacle.pk)
        if expected_version is not None and expected_version != current.version:
            raise ConflictError(
                gettext("The obstacle was changed by someone else."),
                current_version=current.version,
            )
        before = snapshot(current, ("answer", "status", "answered_on"))
        current.answer, current.status = answer, status
        current.answered_on = answered_on or workplan_today()
        current.version += 1
        current.save()
        record_event(
            actor=actor,
            action="workplan.obstacle.answer",
            obj=current,
            changes=diff(before, snapshot(current, ("answer", "status", "answered_on"))),
        )
    return current


# Notifications --------------------------------------------------------------------------------

NOTIFIED_ROLES = (Role.EDITOR, Role.VIEWER, Role.ADMIN)


def task_recipients(task: Task) -> list[Any]:
    from hopnhat.apps.accounts.models import User

    org_ids: list[int | None] = [
        task.lead_org_id,
        *task.participant_links.filter(role=ParticipantRole.JOINT_LEAD).values_list(
            "organisation_id", flat=True
        ),
    ]
    user_ids = set(
        Membership.objects.filter(
            organisation_id__in=[i for i in org_ids if i is not None], role__in=NOTIFIED_ROLES
        ).values_list("user_id", flat=True)
    )
    if task.responsible_id:
        user_ids.add(task.responsible_id)
    return list(User.objects.filter(pk__in=user_ids, is_active=True))


def notification_text(kind: str, task: Task | None) -> tuple[str, str]:
    """(subject, body) in Vietnamese, the language of the officials who receive them."""
    title = task.title if task else ""
    deadline = task.deadline.strftime("%d/%m/%Y") if task and task.deadline else ""
    with override("vi"):
        subjects: dict[str, str] = {
            NotificationKind.ASSIGNED: gettext("New task assigned"),
            NotificationKind.DUE_IN_7: gettext("Task due in 7 days"),
            NotificationKind.DUE_IN_1: gettext("Task due tomorrow"),
            NotificationKind.OVERDUE: gettext("Task overdue"),
            NotificationKind.EXTENSION_DECIDED: gettext("Extension request decided"),
        }
        subject = str(subjects.get(kind, gettext("Work plan")))
        body = f"{subject}: {title}" + (f" ({gettext('deadline')}: {deadline})" if deadline else "")
    return subject, body


def notify(users: Iterable[Any], kind: str, *, task: Task | None, key: str, body: str = "") -> int:
    """One in-app notification per user and event, with an e-mail when the user has an address."""
    subject, default_body = notification_text(kind, task)
    body = body or default_body
    sent = 0
    for user in users:
        notification, created = Notification.objects.get_or_create(
            user=user, key=key[:120], defaults={"task": task, "kind": kind, "message": body}
        )
        if not created:
            continue
        sent += 1
        if user.email:
            send_mail(
                f"[hopnhat] {subject}",
                body,
                settings.DEFAULT_FROM_EMAIL,
                [user.email],
                fail_silently=True,
            )
            Notification.objects.filter(pk=notification.pk).update(emailed=True)
    return sent


def notify_task(task: Task, kind: str, *, key: str) -> int:
    return notify(task_recipients(task), kind, task=task, key=key)


def mark_read(*, user: Any, notification_ids: Iterable[int]) -> int:
    return Notification.objects.filter(
        user=user, pk__in=list(notification_ids), read_at__isnull=True
    ).update(read_at=_now())


def sweep_deadlines(*, as_of: dt.date) -> dict[str, int]:
    """Due in 7 days, due tomorrow, overdue: each told once per task and deadline. Safe to re-run."""
    from hopnhat.engine.directives.status import OPEN

    counts = {
        NotificationKind.DUE_IN_7: 0,
        NotificationKind.DUE_IN_1: 0,
        NotificationKind.OVERDUE: 0,
    }
    open_tasks = (
        Task.objects.assigned_by(as_of)
        .with_status(as_of)
        .status_in([s.value for s in OPEN])
        .filter(deadline__isnull=False)
        .select_related("lead_org")
    )
    for task in open_tasks:
        assert task.deadline is not None
        days = (task.deadline - as_of).days
        kind = None
        # Ranges, not exact days: a sweep missed on one day is made up by the next one.
        if days < 0:
            kind = NotificationKind.OVERDUE
        elif days <= 1:
            kind = NotificationKind.DUE_IN_1
        elif days <= 7:
            kind = NotificationKind.DUE_IN_7
        if kind is not None:
            counts[kind] += notify_task(
                task, kind, key=f"{kind}:{task.pk}:{task.deadline.isoformat()}"
            )
    return {str(k): v for k, v in counts.items()}
