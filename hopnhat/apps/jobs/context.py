"""What a running job sees: a way to report progress, which is also where cancellation lands."""

from __future__ import annotations

import time
import uuid
from pathlib import Path

from django.core.files import File
from django.core.files.base import ContentFile
from django.db.models import QuerySet
from django.utils import timezone

from hopnhat.apps.jobs.models import Job, JobStatus


class JobCancelledError(Exception):
    pass


class JobLostError(Exception):
    """This run no longer owns the job (it was recovered from a worker thought dead): stop."""


class JobContext:
    # Progress writes are throttled so that a tight loop does not hammer the database.
    MIN_SECONDS_BETWEEN_WRITES = 0.5

    def __init__(self, job: Job, *, worker_id: str | None = None) -> None:
        self.job_id: uuid.UUID = job.pk
        self.worker_id = worker_id if worker_id is not None else job.worker_id
        self.params = dict(job.params)
        self._last_write = 0.0
        self._last_percent = -1

    def _mine(self) -> QuerySet[Job]:
        # Writes are fenced by the worker id: a run whose job was re-queued cannot overwrite it.
        return Job.objects.filter(
            pk=self.job_id, status=JobStatus.RUNNING, worker_id=self.worker_id
        )

    def report(self, percent: float, message: str = "") -> None:
        """Record progress (0–100) and raise JobCancelledError if a user asked to cancel."""
        clamped = int(max(0, min(100, percent)))
        now = time.monotonic()
        if (
            clamped == self._last_percent
            and now - self._last_write < self.MIN_SECONDS_BETWEEN_WRITES
        ):
            return
        self._last_write, self._last_percent = now, clamped
        updated = self._mine().update(
            progress=clamped, message=message[:255], heartbeat_at=timezone.now()
        )
        if not updated:
            raise JobLostError(str(self.job_id))
        if Job.objects.filter(pk=self.job_id, cancel_requested=True).exists():
            raise JobCancelledError()

    def save_result_file(self, filename: str, content: bytes | Path) -> str:
        job = Job.objects.get(pk=self.job_id)
        name = f"{self.job_id}/{filename}"
        if isinstance(content, Path):  # copied in chunks: a 300 MB result never sits in memory
            with open(content, "rb") as handle:
                job.result_file.save(name, File(handle), save=False)
        else:
            job.result_file.save(name, ContentFile(content), save=False)
        name = job.result_file.name or ""
        if not self._mine().update(result_file=name):
            raise JobLostError(str(self.job_id))
        return name
