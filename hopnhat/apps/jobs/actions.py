from __future__ import annotations

import inspect
import logging
import os
import socket
import traceback
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_noop
from django_tasks_db.models import DBTaskResult

from hopnhat.apps.audit.actions import record_event
from hopnhat.apps.directory.models import Organisation
from hopnhat.apps.jobs.context import JobCancelledError, JobContext, JobLostError
from hopnhat.apps.jobs.models import Job, JobRun, JobStatus, WorkerHeartbeat
from hopnhat.apps.jobs.registry import get_kind, known_kinds
from hopnhat.common.context import request_context
from hopnhat.common.errors import ValidationFailedError

logger = logging.getLogger(__name__)

WORKER_DIED = "worker_died"
WORKER_DIED_EXCEPTION = "hopnhat.apps.jobs.WorkerDied"


def str_in_english(text: object) -> str:
    with translation.override("en"):
        return str(text)


def start_job(
    *, actor: Any, kind: str, owner_org: Organisation, params: dict[str, Any] | None = None
) -> Job:
    if kind not in known_kinds():
        raise ValidationFailedError(
            gettext("Unknown job kind"),
            fields={"kind": [gettext("unknown: %(kind)s") % {"kind": kind}]},
        )
    job_kind = get_kind(kind)
    params = params or {}
    try:
        # Refuse parameters the job function does not take now, not when a worker runs it.
        inspect.signature(job_kind.function).bind(None, **params)
    except TypeError as exc:
        raise ValidationFailedError(
            gettext("Invalid job parameters"), fields={"params": [str(exc)]}
        ) from exc
    with transaction.atomic():
        job = Job.objects.create(
            kind=kind,
            # Stored in the source language and translated on display, whoever started it.
            title=str_in_english(job_kind.title),
            params=params,
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
        if current.is_finished or current.cancel_requested:
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
        if job.status == JobStatus.RUNNING:
            # A duplicate task for a job another run owns; if that run's worker died, the
            # reaper re-queues the job and enqueues a fresh task.
            logger.warning("Job %s is already running on worker %s", job.pk, job.worker_id)
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


def _finish(
    job: Job,
    status: str,
    *,
    worker_id: str | None = None,
    message: str = "",
    error: str = "",
    result: Any = None,
) -> bool:
    """End the job. With `worker_id`, only if that worker's run still owns it (else False)."""
    with transaction.atomic():
        mine = Job.objects.filter(pk=job.pk)
        if worker_id is None:
            mine = mine.exclude(
                status__in=[JobStatus.SUCCEEDED, JobStatus.FAILED, JobStatus.CANCELLED]
            )
        else:
            mine = mine.filter(status=JobStatus.RUNNING, worker_id=worker_id)
        fields: dict[str, Any] = {
            "status": status,
            "message": message[:255],
            "error": error,
            "result": result or {},
            "finished_at": timezone.now(),
        }
        if status == JobStatus.SUCCEEDED:
            fields["progress"] = 100
        if not mine.update(**fields):
            logger.warning("Job %s is no longer this run's to finish (%s dropped)", job.pk, status)
            return False
        runs = JobRun.objects.filter(job=job, finished_at__isnull=True)
        if worker_id is not None:
            runs = runs.filter(worker_id=worker_id)
        runs.update(finished_at=timezone.now(), outcome=status)
        record_event(
            actor=None,
            action=f"jobs.job.{status}",
            object_type="jobs.job",
            object_id=str(job.pk),
            object_repr=job.title,
            changes={"status": [job.status, status]},
        )
    return True


def execute_job(*, job_id: str, worker_id: str) -> None:
    """Run one job to its end. Safe to call again, and for a job another run owns: it skips."""
    job = _claim(job_id, worker_id)
    if job is None:
        return
    context = JobContext(job, worker_id=worker_id)
    status, message, error, result = JobStatus.SUCCEEDED, gettext_noop("Done"), "", None
    try:
        with request_context(request_id=f"job-{job.pk}"):
            result = get_kind(job.kind).function(context, **job.params)
    except JobCancelledError:
        status, message = JobStatus.CANCELLED, gettext_noop("Cancelled")
    except JobLostError:
        logger.warning("Job %s was taken over after this worker was thought dead; stopping", job.pk)
        return
    except Exception as exc:
        logger.exception("Job %s (%s) failed", job.pk, job.kind)
        status, message, error = JobStatus.FAILED, str(exc)[:255], traceback.format_exc()
    try:
        _finish(job, status, worker_id=worker_id, message=message, error=error, result=result)
    except Exception:
        # E.g. a result that is not JSON: the job must not stay "running" behind a live worker.
        logger.exception("Job %s: could not record its outcome", job.pk)
        _finish(
            job,
            JobStatus.FAILED,
            worker_id=worker_id,
            message=gettext_noop("The job's result could not be saved"),
            error=traceback.format_exc(),
        )


def register_worker(worker_id: str) -> WorkerHeartbeat:
    heartbeat, _ = WorkerHeartbeat.objects.update_or_create(
        worker_id=worker_id,
        defaults={
            "hostname": socket.gethostname(),
            "pid": os.getpid(),
            "last_seen": timezone.now(),
        },
    )
    return heartbeat


def beat(worker_id: str) -> None:
    now = timezone.now()
    if not WorkerHeartbeat.objects.filter(worker_id=worker_id).update(last_seen=now):
        # Our row was removed because we looked dead (e.g. the process was paused): come back.
        register_worker(worker_id)
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


@dataclass(frozen=True)
class WorkerCensus:
    live: frozenset[str]
    dead: frozenset[str]


def worker_census() -> WorkerCensus:
    """Which registered workers are alive. A worker absent from the table is not alive either."""
    stale_before = timezone.now() - timedelta(seconds=settings.WORKER_DEAD_AFTER_SECONDS)
    here = socket.gethostname()
    live: set[str] = set()
    dead: set[str] = set()
    for heartbeat in WorkerHeartbeat.objects.all():
        # On this host a vanished process is dead at once; elsewhere we wait for staleness.
        gone_here = heartbeat.hostname == here and not _pid_alive(heartbeat.pid)
        if gone_here or heartbeat.last_seen < stale_before:
            dead.add(heartbeat.worker_id)
        else:
            live.add(heartbeat.worker_id)
    return WorkerCensus(live=frozenset(live), dead=frozenset(dead))


def dead_worker_ids() -> set[str]:
    return set(worker_census().dead)


def live_worker_count() -> int:
    stale_before = timezone.now() - timedelta(seconds=settings.WORKER_DEAD_AFTER_SECONDS)
    return WorkerHeartbeat.objects.filter(last_seen__gte=stale_before).count()


def _last_worker(task_result: DBTaskResult) -> str:
    worker_ids = task_result.worker_ids or []
    return str(worker_ids[-1]) if worker_ids else ""


def _orphans(
    job_query: Any, result_query: Any
) -> tuple[list[Job], list[DBTaskResult], WorkerCensus]:
    # Read the running jobs and tasks first, the workers second: a worker registers before it
    # claims anything, so a claim we see belongs to a worker we then see too. Reading the
    # workers first would take a job just claimed by a worker that registered meanwhile for
    # an orphan.
    jobs = list(job_query.filter(status=JobStatus.RUNNING))
    results = list(result_query.filter(status="RUNNING"))
    census = worker_census()
    return (
        [job for job in jobs if job.worker_id not in census.live],
        [result for result in results if _last_worker(result) not in census.live],
        census,
    )


def reap_orphaned_jobs() -> list[Job]:
    """Re-queue or fail the jobs whose worker died, so that no job shows 'running' forever.

    Run by every worker at start and with each heartbeat. On PostgreSQL the rows are locked
    with SKIP LOCKED so that two reapers never take the same job; on SQLite the transaction
    takes the database's write lock (transaction_mode IMMEDIATE), which serialises reapers, and
    the status re-read inside it makes the second one find nothing left to do.
    """
    # A cheap look without locks first: most heartbeats have nothing to recover.
    jobs, results, _census = _orphans(Job.objects.all(), DBTaskResult.objects.all())
    if not jobs and not results:
        _forget_dead_workers()
        return []
    reaped: list[Job] = []
    with transaction.atomic():
        jobs, results, census = _orphans(
            Job.objects.select_for_update(skip_locked=True),
            DBTaskResult.objects.select_for_update(skip_locked=True),
        )
        for job in jobs:
            _reap(job)
            reaped.append(job)
        reaped_results = {job.task_result_id for job in jobs}
        for result in results:
            if str(result.pk) not in reaped_results:
                reaped.extend(_reap_task_result(result))
        WorkerHeartbeat.objects.filter(worker_id__in=census.dead).delete()
    return reaped


def _forget_dead_workers() -> None:
    census = worker_census()
    if census.dead:
        WorkerHeartbeat.objects.filter(worker_id__in=census.dead).delete()


def _fail_task_result(result_id: Any) -> None:
    DBTaskResult.objects.filter(pk=result_id, status="RUNNING").update(
        status="FAILED",
        finished_at=timezone.now(),
        exception_class_path=WORKER_DIED_EXCEPTION,
        traceback="The worker process stopped while running this task.",
    )


def _reap_task_result(result: DBTaskResult) -> list[Job]:
    """A task left RUNNING by a dead worker whose job it had not claimed yet (or had finished)."""
    from hopnhat.apps.jobs.tasks import run_job

    _fail_task_result(result.pk)
    if result.task_path != run_job.module_path:
        return []
    args = (result.args_kwargs or {}).get("args") or []
    job = Job.objects.select_for_update().filter(pk=args[0]).first() if args else None
    if job is None or job.status != JobStatus.QUEUED or job.task_result_id != str(result.pk):
        return []
    # The worker died between taking the task and starting the job: the job never ran.
    transaction.on_commit(lambda: _enqueue(job.pk))
    return [job]


def _reap(job: Job) -> None:
    _fail_task_result(job.task_result_id or None)
    JobRun.objects.filter(job=job, finished_at__isnull=True).update(
        finished_at=timezone.now(), outcome=WORKER_DIED
    )
    kind = known_kinds().get(job.kind)
    retry = (
        kind is not None
        and kind.retryable
        and not job.cancel_requested
        and job.attempts < settings.JOB_MAX_ATTEMPTS
    )
    if retry:
        new_status = JobStatus.QUEUED
        message = gettext_noop("Re-queued: the worker running it stopped")
        error = ""
    elif job.cancel_requested:
        new_status = JobStatus.CANCELLED
        message = gettext_noop("Cancelled")
        error = ""
    else:
        new_status = JobStatus.FAILED
        message = gettext_noop("Failed: the worker running it stopped")
        why = (
            f"attempt {job.attempts} of at most {settings.JOB_MAX_ATTEMPTS} (JOB_MAX_ATTEMPTS)"
            if kind is not None and kind.retryable
            else "this kind of job is not re-run automatically"
        )
        error = f"The worker process stopped while running this job; {why}."
    Job.objects.filter(pk=job.pk).update(
        status=new_status,
        message=message,
        worker_id="",
        finished_at=None if retry else timezone.now(),
        error=error,
    )
    record_event(
        actor=None,
        action="jobs.job.requeue" if retry else f"jobs.job.{new_status}",
        object_type="jobs.job",
        object_id=str(job.pk),
        object_repr=job.title,
        changes={"status": [JobStatus.RUNNING, new_status], "worker_id": [job.worker_id, ""]},
    )
    if retry:
        transaction.on_commit(lambda: _enqueue(job.pk))
