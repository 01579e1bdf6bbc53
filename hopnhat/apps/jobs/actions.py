from __future__ import annotations

import logging
import os
import socket
import traceback
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop
from django_tasks_db.models import DBTaskResult

from hopnhat.apps.audit.actions import record_event
from hopnhat.apps.directory.models import Organisation
from hopnhat.apps.jobs.context import JobCancelledError, JobContext
from hopnhat.apps.jobs.models import Job, JobRun, JobStatus, WorkerHeartbeat
from hopnhat.apps.jobs.registry import get_kind, known_kinds
from hopnhat.common.context import request_context
from hopnhat.common.errors import ValidationFailedError

logger = logging.getLogger(__name__)


def start_job(
    *, actor: Any, kind: str, owner_org: Organisation, params: dict[str, Any] | None = None
) -> Job:
    if kind not in known_kinds():
        raise ValidationFailedError("Unknown job kind", fields={"kind": [f"unknown: {kind}"]})
    job_kind = get_kind(kind)
    with transaction.atomic():
        job = Job.objects.create(
            kind=kind,
            title=str(job_kind.title),
            params=params or {},
            owner_org=owner_org,
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        record_event(actor=actor, action="jobs.job.start", obj=job, changes={"kind": [None, kind]})
        # Enqueue after commit: a worker must never pick up a task whose Job row it cannot see.
        transaction.on_commit(lambda: _enqueue(job.pk))
    return job


def _enqueue(job_id: Any) -> None:
    from hopnhat.apps.jobs.tasks import run_job

    result = run_job.enqueue(str(job_id))
    Job.objects.filter(pk=job_id).update(task_result_id=str(result.id))


def request_cancel(*, actor: Any, job: Job) -> Job:
    with transaction.atomic():
        current = Job.objects.select_for_update().get(pk=job.pk)
        if current.is_finished:
            return current
        current.cancel_requested = True
        fields = ["cancel_requested"]
        if current.status == JobStatus.QUEUED:
            # Not started: cancel at once; the worker will skip it when it comes up.
            current.status, current.finished_at = JobStatus.CANCELLED, timezone.now()
            current.message = gettext_noop("Cancelled before it started")
            fields += ["status", "finished_at", "message"]
        current.save(update_fields=fields)
        record_event(
            actor=actor,
            action="jobs.job.cancel",
            obj=current,
            changes={"cancel_requested": [False, True]},
        )
    return current


def _claim(job_id: str, worker_id: str) -> Job | None:
    with transaction.atomic():
        job = Job.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.is_finished:
            return None
        if job.cancel_requested:
            _finish(job, JobStatus.CANCELLED, message=gettext_noop("Cancelled"))
            return None
        job.status, job.worker_id = JobStatus.RUNNING, worker_id
        job.attempts += 1
        job.started_at = job.heartbeat_at = timezone.now()
        job.save(update_fields=["status", "worker_id", "attempts", "started_at", "heartbeat_at"])
        JobRun.objects.create(job=job, worker_id=worker_id)
    return job


def _finish(job: Job, status: str, *, message: str = "", error: str = "", result: Any = None) -> None:
    Job.objects.filter(pk=job.pk).update(
        status=status,
        message=message[:255],
        error=error,
        result=result or {},
        finished_at=timezone.now(),
        progress=100 if status == JobStatus.SUCCEEDED else job.progress,
    )
    JobRun.objects.filter(job=job, finished_at__isnull=True).update(
        finished_at=timezone.now(), outcome=status
    )
    record_event(
        actor=None,
        action=f"jobs.job.{status}",
        object_type="jobs.job",
        object_id=str(job.pk),
        object_repr=job.title,
        changes={"status": [JobStatus.RUNNING, status]},
    )


def execute_job(*, job_id: str, worker_id: str) -> None:
    """Run one job to its end. Safe to call again for a job that already finished."""
    job = _claim(job_id, worker_id)
    if job is None:
        return
    context = JobContext(job)
    try:
        with request_context(request_id=f"job-{job.pk}"):
            result = get_kind(job.kind).function(context, **job.params)
    except JobCancelledError:
        _finish(job, JobStatus.CANCELLED, message=gettext_noop("Cancelled"))
    except Exception as exc:
        logger.exception("Job %s (%s) failed", job.pk, job.kind)
        _finish(job, JobStatus.FAILED, message=str(exc)[:255], error=traceback.format_exc())
    else:
        _finish(job, JobStatus.SUCCEEDED, message=gettext_noop("Done"), result=result)


def register_worker(worker_id: str) -> WorkerHeartbeat:
    heartbeat, _ = WorkerHeartbeat.objects.update_or_create(
        worker_id=worker_id,
        defaults={"hostname": socket.gethostname(), "pid": os.getpid(), "last_seen": timezone.now()},
    )
    return heartbeat


def beat(worker_id: str) -> None:
    now = timezone.now()
    WorkerHeartbeat.objects.filter(worker_id=worker_id).update(last_seen=now)
    Job.objects.filter(worker_id=worker_id, status=JobStatus.RUNNING).update(heartbeat_at=now)


def unregister_worker(worker_id: str) -> None:
    WorkerHeartbeat.objects.filter(worker_id=worker_id).delete()


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def dead_worker_ids() -> set[str]:
    stale_before = timezone.now() - timedelta(seconds=settings.WORKER_DEAD_AFTER_SECONDS)
    here = socket.gethostname()
    dead: set[str] = set()
    for heartbeat in WorkerHeartbeat.objects.all():
        # On this host a vanished process is dead at once; elsewhere we wait for staleness.
        gone_here = heartbeat.hostname == here and not _pid_alive(heartbeat.pid)
        if gone_here or heartbeat.last_seen < stale_before:
            dead.add(heartbeat.worker_id)
    return dead


def reap_orphaned_jobs() -> list[Job]:
    """Re-queue or fail the jobs whose worker died, so no job shows 'running' forever."""
    dead = dead_worker_ids()
    live = set(WorkerHeartbeat.objects.exclude(worker_id__in=dead).values_list("worker_id", flat=True))
    reaped: list[Job] = []
    with transaction.atomic():
        candidates = Job.objects.select_for_update(skip_locked=True).filter(status=JobStatus.RUNNING)
        for job in candidates.exclude(worker_id__in=live):
            _reap(job)
            reaped.append(job)
        WorkerHeartbeat.objects.filter(worker_id__in=dead).delete()
    return reaped


def _reap(job: Job) -> None:
    DBTaskResult.objects.filter(pk=job.task_result_id, status="RUNNING").update(
        status="FAILED",
        finished_at=timezone.now(),
        exception_class_path="hopnhat.apps.jobs.WorkerDied",
        traceback="The worker process stopped while running this task.",
    )
    JobRun.objects.filter(job=job, finished_at__isnull=True).update(
        finished_at=timezone.now(), outcome="worker_died"
    )
    retry = get_kind(job.kind).retryable and job.attempts < settings.JOB_MAX_ATTEMPTS
    new_status = JobStatus.QUEUED if retry else JobStatus.FAILED
    message = (
        gettext_noop("Re-queued: the worker running it stopped")
        if retry
        else gettext_noop("Failed: the worker running it stopped")
    )
    Job.objects.filter(pk=job.pk).update(
        status=new_status,
        message=message,
        worker_id="",
        finished_at=None if retry else timezone.now(),
        error="" if retry else "The worker process stopped while running this job.",
    )
    record_event(
        actor=None,
        action="jobs.job.requeue" if retry else "jobs.job.failed",
        object_type="jobs.job",
        object_id=str(job.pk),
        object_repr=job.title,
        changes={"status": [JobStatus.RUNNING, new_status], "worker_id": [job.worker_id, ""]},
    )
    if retry:
        transaction.on_commit(lambda: _enqueue(job.pk))
