from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled")


FINISHED_STATUSES = frozenset({JobStatus.SUCCEEDED, JobStatus.FAILED, JobStatus.CANCELLED})


class JobQuerySet(models.QuerySet["Job"]):
    def unfinished(self) -> JobQuerySet:
        return self.filter(status__in=[JobStatus.QUEUED, JobStatus.RUNNING])

    def running(self) -> JobQuerySet:
        return self.filter(status=JobStatus.RUNNING)


class Job(models.Model):
    """What a user sees of a background computation: status, progress, result, error.

    The queue itself is django-tasks' DBTaskResult; this row is our view of it, written by
    the worker as it goes, so progress is visible from any web process.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(_("kind"), max_length=100)
    title = models.CharField(_("title"), max_length=255)
    params = models.JSONField(default=dict, blank=True)
    owner_org = models.ForeignKey(
        "directory.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="jobs",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="jobs",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=JobStatus.choices, default=JobStatus.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("progress"), default=0)
    message = models.CharField(_("message"), max_length=255, blank=True)
    result = models.JSONField(default=dict, blank=True)
    result_file = models.FileField(_("result file"), upload_to="jobs/", blank=True)
    error = models.TextField(_("error"), blank=True)
    cancel_requested = models.BooleanField(default=False)
    attempts = models.PositiveSmallIntegerField(default=0)
    task_result_id = models.CharField(max_length=64, blank=True)
    worker_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)

    objects = JobQuerySet.as_manager()

    class Meta:
        verbose_name = _("job")
        verbose_name_plural = _("jobs")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_finished(self) -> bool:
        return self.status in FINISHED_STATUSES


class WorkerHeartbeat(models.Model):
    """A live job worker. A row not refreshed within WORKER_DEAD_AFTER_SECONDS is a dead worker."""

    worker_id = models.CharField(max_length=64, primary_key=True)
    hostname = models.CharField(max_length=255)
    pid = models.PositiveIntegerField()
    started_at = models.DateTimeField(default=timezone.now)
    last_seen = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("job worker")
        verbose_name_plural = _("job workers")

    def __str__(self) -> str:
        return f"{self.hostname}:{self.pid}"


class JobRun(models.Model):
    """One execution attempt of a job by one worker: evidence that a job ran exactly once."""

    job = models.ForeignKey(Job, on_delete=models.CASCADE, related_name="runs")
    worker_id = models.CharField(max_length=64)
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=20, blank=True)

    def __str__(self) -> str:
        return f"{self.job_id} @ {self.worker_id}"
