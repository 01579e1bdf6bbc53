from __future__ import annotations

import time
from typing import Any

from django.utils.translation import gettext_lazy as _
from django_tasks import TaskContext, task

from hopnhat.apps.jobs.actions import execute_job
from hopnhat.apps.jobs.context import JobContext
from hopnhat.apps.jobs.registry import job_kind


@task(takes_context=True)
def run_job(context: TaskContext, job_id: str) -> None:
    worker_ids = context.task_result.worker_ids
    execute_job(job_id=job_id, worker_id=worker_ids[-1] if worker_ids else "inline")


@job_kind("jobs.worker_selftest", title=_("Worker self-test"), admin_only=True)
def worker_selftest(job: JobContext, *, steps: int = 20, delay: float = 0.05) -> dict[str, Any]:
    """Walks through `steps` steps, reporting each: shows that workers run and report progress."""
    steps = max(1, min(int(steps), 10_000))
    delay = max(0.0, min(float(delay), 5.0))
    for step in range(1, steps + 1):
        time.sleep(delay)
        job.report(100 * step / steps, f"{step}/{steps}")
    return {"steps": steps}
