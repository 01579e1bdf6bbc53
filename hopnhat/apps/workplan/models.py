"""Directives, the tasks they assign, and everything tracked against those tasks."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Case, CharField, Exists, F, OuterRef, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hopnhat.apps.directory.models import Organisation
from hopnhat.engine.directives import Status


def workplan_today() -> dt.date:
    """Today, or the date WORKPLAN_TODAY pins for a demo or a training session."""
    pinned = getattr(settings, "WORKPLAN_TODAY", "")
    return dt.date.fromisoformat(pinned) if pinned else timezone.localdate()


class DirectiveKind(models.TextChoices):
    CONCLUSION = "ket_luan", _("Conclusion (kết luận)")
    CONCLUSION_NOTICE = "thong_bao_ket_luan", _("Conclusion notice (thông báo kết luận)")
    PLAN = "ke_hoach", _("Plan (kế hoạch)")
    DIRECTIVE = "chi_thi", _("Directive (chỉ thị)")
    OFFICIAL_LETTER = "cong_van", _("Official letter (công văn)")


class DirectiveState(models.TextChoices):
    DRAFT = "draft", _("Draft: tasks proposed, awaiting review")
    CONFIRMED = "confirmed", _("Confirmed")


class StatusChoice(models.TextChoices):
    NOT_STARTED = Status.NOT_STARTED.value, _("Not started")
    IN_PROGRESS = Status.IN_PROGRESS.value, _("In progress")
    DONE_ON_TIME = Status.DONE_ON_TIME.value, _("Done on time")
    DONE_LATE = Status.DONE_LATE.value, _("Done late")
    OVERDUE = Status.OVERDUE.value, _("Overdue")
    PAUSED = Status.PAUSED.value, _("Paused")
    CANCELLED = Status.CANCELLED.value, _("Cancelled")


class DirectiveQuerySet(models.QuerySet["Directive"]):
    def confirmed(self) -> DirectiveQuerySet:
        return self.filter(state=DirectiveState.CONFIRMED)


class Directive(models.Model):
    kind = models.CharField(_("kind"), max_length=32, choices=DirectiveKind.choices)
    number = models.CharField(_("number"), max_length=80, blank=True)
    issued_on = models.DateField(_("date"), null=True, blank=True)
    issuer = models.CharField(_("issuer"), max_length=300, blank=True)
    title = models.CharField(_("title"), max_length=500, blank=True)
    text = models.TextField(_("full text"))
    source_file = models.FileField(_("file"), upload_to="workplan/directives/%Y/", blank=True)
    owner_org = models.ForeignKey(
        Organisation, verbose_name=_("owner"), on_delete=models.PROTECT, related_name="+"
    )
    state = models.CharField(
        _("state"), max_length=16, choices=DirectiveState.choices, default=DirectiveState.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    objects = DirectiveQuerySet.as_manager()

    class Meta:
        verbose_name = _("directive")
        verbose_name_plural = _("directives")
        ordering = ["-issued_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.number} {self.title}".strip() or f"#{self.pk}"


class Clause(models.Model):
    directive = models.ForeignKey(Directive, on_delete=models.CASCADE, related_name="clauses")
    ref = models.CharField(_("clause"), max_length=40)
    section_title = models.CharField(_("section"), max_length=300, blank=True)
    text = models.TextField(_("text"))
    position = models.PositiveIntegerField()

    class Meta:
        ordering = ["directive", "position"]

    def __str__(self) -> str:
        return self.ref


class TaskGroup(models.Model):
    """A task group (the parent of tasks): one per section of a directive that assigns work."""

    directive = models.ForeignKey(Directive, on_delete=models.CASCADE, related_name="groups")
    title = models.CharField(_("title"), max_length=300)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["directive", "position"]

    def __str__(self) -> str:
        return self.title


class Priority(models.TextChoices):
    LOW = "low", _("Low")
    NORMAL = "normal", _("Normal")
    HIGH = "high", _("High")
    URGENT = "urgent", _("Urgent")


class Recurrence(models.TextChoices):
    NONE = "", _("One-off")
    CONTINUOUS = "continuous", _("Continuous (thường xuyên)")
    MONTHLY = "monthly", _("Monthly")
    QUARTERLY = "quarterly", _("Quarterly")


class TaskState(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    ACTIVE = "active", _("Active")


class TaskQuerySet(models.QuerySet["Task"]):
    def active(self) -> TaskQuerySet:
        return self.filter(state=TaskState.ACTIVE)

    def assigned_by(self, as_of: dt.date) -> TaskQuerySet:
        return self.active().filter(assigned_on__lte=as_of)

    def with_status(self, as_of: dt.date) -> TaskQuerySet:
        """Annotate `status` as of a date: the engine's rule (status_as_of) as one SQL CASE."""
        return self.annotate(
            status=Case(
                When(cancelled_on__lte=as_of, then=Value(Status.CANCELLED.value)),
                When(
                    Q(completed_on__lte=as_of) & Q(deadline__isnull=True),
                    then=Value(Status.DONE_ON_TIME.value),
                ),
                When(
                    Q(completed_on__lte=as_of) & Q(completed_on__lte=F("deadline")),
                    then=Value(Status.DONE_ON_TIME.value),
                ),
                When(completed_on__lte=as_of, then=Value(Status.DONE_LATE.value)),
                When(paused_on__lte=as_of, then=Value(Status.PAUSED.value)),
                When(deadline__lt=as_of, then=Value(Status.OVERDUE.value)),
                When(started_on__lte=as_of, then=Value(Status.IN_PROGRESS.value)),
                default=Value(Status.NOT_STARTED.value),
                output_field=CharField(),
            )
        )

    def status_in(self, statuses: list[str]) -> TaskQuerySet:
        """After with_status(): keep the given statuses."""
        return self.filter(Q(status__in=statuses))

    def involving(self, org_ids: list[int]) -> TaskQuerySet:
        participant = TaskParticipant.objects.filter(
            task=OuterRef("pk"), organisation_id__in=org_ids
        )
        return self.filter(Q(lead_org_id__in=org_ids) | Exists(participant))

    def for_list(self) -> TaskQuerySet:
        return self.select_related("lead_org", "directive", "clause", "group")


class Task(models.Model):
    directive = models.ForeignKey(Directive, on_delete=models.CASCADE, related_name="tasks")
    clause = models.ForeignKey(
        Clause, null=True, blank=True, on_delete=models.SET_NULL, related_name="tasks"
    )
    group = models.ForeignKey(
        TaskGroup,
        verbose_name=_("task group"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tasks",
    )
    sequence = models.PositiveIntegerField(default=0)
    title = models.CharField(_("title"), max_length=500)
    description = models.TextField(_("description"), blank=True)
    lead_org = models.ForeignKey(
        Organisation,
        verbose_name=_("lead organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="led_tasks",
    )
    participants = models.ManyToManyField(
        Organisation, through="TaskParticipant", related_name="participating_tasks", blank=True
    )
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsible person"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="responsible_tasks",
    )
    assigned_on = models.DateField(_("assigned on"), null=True, blank=True)
    start_on = models.DateField(_("start"), null=True, blank=True)
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    original_deadline = models.DateField(_("original deadline"), null=True, blank=True)
    deadline_phrase = models.CharField(_("deadline as written"), max_length=200, blank=True)
    recurrence = models.CharField(
        _("recurrence"), max_length=16, choices=Recurrence.choices, blank=True, default=""
    )
    priority = models.CharField(
        _("priority"), max_length=10, choices=Priority.choices, default=Priority.NORMAL
    )
    is_milestone = models.BooleanField(_("milestone"), default=False)
    depends_on = models.ManyToManyField(
        "self",
        symmetrical=False,
        related_name="dependents",
        blank=True,
        verbose_name=_("finishes before this starts"),
    )
    state = models.CharField(max_length=12, choices=TaskState.choices, default=TaskState.PROPOSED)
    # Progress and the dates the status is computed from (see engine.directives.status).
    percent = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    started_on = models.DateField(null=True, blank=True)
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    paused_on = models.DateField(null=True, blank=True)
    cancelled_on = models.DateField(null=True, blank=True)
    intake_notes = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    objects = TaskQuerySet.as_manager()

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        ordering = ["directive", "clause__position", "sequence", "pk"]
        indexes = [
            models.Index(fields=["state", "deadline"], name="workplan_task_state_deadline"),
            models.Index(fields=["lead_org", "state"], name="workplan_task_lead_state"),
        ]

    def __str__(self) -> str:
        return self.title

    def status_on(self, as_of: dt.date) -> Status:
        from hopnhat.engine.directives import status_as_of

        return status_as_of(
            as_of=as_of,
            deadline=self.deadline,
            started_on=self.started_on,
            completed_on=self.completed_on,
            paused_on=self.paused_on,
            cancelled_on=self.cancelled_on,
        )


class ParticipantRole(models.TextChoices):
    JOINT_LEAD = "joint_lead", _("Joint lead")
    COOPERATING = "cooperating", _("Co-operating")


class TaskParticipant(models.Model):
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="participant_links")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=16, choices=ParticipantRole.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["task", "organisation"], name="workplan_participant_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id} · {self.role}"


class ProgressUpdate(models.Model):
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="updates")
    on = models.DateField(_("date"))
    percent = models.PositiveSmallIntegerField(_("progress (%)"))
    text = models.TextField(_("result"), blank=True)
    reason_for_delay = models.TextField(_("reason for delay"), blank=True)
    proposal = models.TextField(_("proposal"), blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["task", "on", "pk"]

    def __str__(self) -> str:
        return f"{self.on}: {self.percent}%"


class Evidence(models.Model):
    update = models.ForeignKey(ProgressUpdate, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(upload_to="workplan/evidence/%Y/%m/")
    name = models.CharField(max_length=255)

    def __str__(self) -> str:
        return self.name


class ExtensionStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class ExtensionRequest(models.Model):
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="extensions")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    previous_deadline = models.DateField(null=True, blank=True)
    requested_deadline = models.DateField(_("requested deadline"))
    reason = models.TextField(_("reason"))
    status = models.CharField(
        max_length=10, choices=ExtensionStatus.choices, default=ExtensionStatus.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_on = models.DateField(null=True, blank=True)
    decision_note = models.TextField(blank=True)
    created_on = models.DateField(default=timezone.localdate)

    class Meta:
        ordering = ["task", "-pk"]

    def __str__(self) -> str:
        return f"{self.previous_deadline} → {self.requested_deadline} ({self.status})"


class Comment(models.Model):
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.TextField(_("comment"))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["task", "created_at"]

    def __str__(self) -> str:
        return self.text[:80]


class ChangeKind(models.TextChoices):
    ADDED = "added", _("Task added")
    REMOVED = "removed", _("Task removed")
    DEADLINE_MOVED = "deadline_moved", _("Deadline moved")
    STATUS_CHANGED = "status_changed", _("Status changed")


class TaskChange(models.Model):
    """What 'what changed since DATE' reads: kept apart from the audit chain for fast queries."""

    task = models.ForeignKey(Task, null=True, on_delete=models.SET_NULL, related_name="changes")
    directive = models.ForeignKey(Directive, on_delete=models.CASCADE, related_name="+")
    task_title = models.CharField(max_length=500)
    kind = models.CharField(max_length=16, choices=ChangeKind.choices)
    on = models.DateField()
    before = models.CharField(max_length=40, blank=True)
    after = models.CharField(max_length=40, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-on", "-pk"]
        indexes = [models.Index(fields=["on"], name="workplan_change_on")]

    def __str__(self) -> str:
        return f"{self.on} {self.kind}: {self.task_title[:60]}"


class ObstacleStatus(models.TextChoices):
    OPEN = "open", _("Open")
    ANSWERED = "answered", _("Answered")
    CLOSED = "closed", _("Closed")


class Obstacle(models.Model):
    """The register of obstacles and recommendations (khó khăn, vướng mắc và kiến nghị)."""

    text = models.TextField(_("obstacle or recommendation"))
    task = models.ForeignKey(
        Task, null=True, blank=True, on_delete=models.SET_NULL, related_name="obstacles"
    )
    raised_by_org = models.ForeignKey(
        Organisation, verbose_name=_("raised by"), on_delete=models.PROTECT, related_name="+"
    )
    addressed_to = models.CharField(_("addressed to"), max_length=300)
    addressed_to_org = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    raised_on = models.DateField(_("raised on"))
    status = models.CharField(
        _("status"), max_length=10, choices=ObstacleStatus.choices, default=ObstacleStatus.OPEN
    )
    answer = models.TextField(_("answer"), blank=True)
    answered_on = models.DateField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-raised_on", "-pk"]

    def __str__(self) -> str:
        return self.text[:80]


class NotificationKind(models.TextChoices):
    ASSIGNED = "assigned", _("Task assigned")
    DUE_IN_7 = "due_7", _("Due in 7 days")
    DUE_IN_1 = "due_1", _("Due tomorrow")
    OVERDUE = "overdue", _("Overdue")
    EXTENSION_DECIDED = "extension", _("Extension decided")
    DIGEST = "digest", _("Daily digest")


class Notification(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="workplan_notifications"
    )
    task = models.ForeignKey(
        Task, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(max_length=12, choices=NotificationKind.choices)
    message = models.TextField()
    # One notification per (user, event): re-running the sweep never sends twice.
    key = models.CharField(max_length=120)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed = models.BooleanField(default=False)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="workplan_notification_once")
        ]

    def __str__(self) -> str:
        return f"{self.kind}: {self.message[:60]}"
