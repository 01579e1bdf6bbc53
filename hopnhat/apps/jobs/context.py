"""What a running job sees: a way to report progress, which is also where cancellation lands."""

from __future__ import annotations

import time
import uuid

from django.core.files.base import ContentFile
from django.utils import timezone

from hopnhat.apps.jobs.models import Job


class JobCancelledError(Exception):
    pass


class JobContext:
    # Progress writes are throttled so that a tight loop does not hammer the database.
    MIN_SECONDS_BETWEEN_WRITES = 0.5

    def __init__(self, job: Job) -> None:
        self.job_id: uuid.UUID = job.pk
        self.params = dict(job.params)
        self._last_write = 0.0
        self._last_percent = -1

    def report(self, percent: float, message: str = "") -> None:
        """Record progress (0–100) and raise JobCancelledError if a user asked to cancel."""
        clamped = int(max(0, min(100, percent)))
        now = time.monotonic()
        if clamped == self._last_percent and now - self._last_write < self.MIN_SECONDS_BETWEEN_WRITES:
            return
        self._last_write, self._last_percent = now, clamped
        Job.objects.filter(pk=self.job_id).update(
            progress=clamped, message=message[:255], heartbeat_at=timezone.now()
        )
        if Job.objects.filter(pk=self.job_id, cancel_requested=True).exists():
            raise JobCancelledError()

    def save_result_file(self, filename: str, content: bytes) -> str:
        job = Job.objects.get(pk=self.job_id)
        job.result_file.save(f"{self.job_id}/{filename}", ContentFile(content), save=False)
        Job.objects.filter(pk=self.job_id).update(result_file=job.result_file.name)
        return job.result_file.name
