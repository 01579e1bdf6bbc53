"""Real `hopnhat worker` processes against the test database: kills, restarts, concurrency.

The workers are subprocesses, so these tests commit (transaction=True) for them to see the rows.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection
from django.db.models import Count
from django_tasks_db.models import DBTaskResult

from hopnhat.apps.directory.actions import create_organisation
from hopnhat.apps.directory.models import Organisation
from hopnhat.apps.jobs.actions import WORKER_DIED, WORKER_DIED_EXCEPTION, request_cancel, start_job
from hopnhat.apps.jobs.models import Job, JobRun, JobStatus, WorkerHeartbeat

SELFTEST = "jobs.worker_selftest"
pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def database_url() -> str:
    """The test database, as the worker subprocesses must reach it."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    if connection.vendor == "postgresql":
        credentials = f"{quote(db['USER'] or '', safe='')}:{quote(db['PASSWORD'] or '', safe='')}@"
        return (
            f"postgres://{credentials}{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{db['NAME']}"
        )
    pytest.skip(f"no worker test on {connection.vendor}")


class Workers:
    """Starts `django worker` processes; kills whatever is still running at the end."""

    def __init__(self, log_dir: Path) -> None:
        self.log_dir = log_dir
        self.processes: list[subprocess.Popen[bytes]] = []

    def start(self, *args: str, **env: str) -> subprocess.Popen[bytes]:
        log = (self.log_dir / f"worker-{len(self.processes)}.log").open("wb")
        command = [sys.executable, "-m", "django", "worker", "--no-reload", "--queue-name", "*",
                   "--no-startup-delay", "--interval", "0.1", *args]  # fmt: skip
        process = subprocess.Popen(
            command,
            env={
                **os.environ,
                "DJANGO_SETTINGS_MODULE": "hopnhat.config.settings",
                "DATABASE_URL": database_url(),
                "WORKER_HEARTBEAT_SECONDS": "0.5",
                # As recommended for production workers: no new connection per task.
                "DB_CONN_MAX_AGE": "60",
                **env,
            },
            cwd=settings.PROJECT_DIR,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()
        self.processes.append(process)
        return process

    def logs(self) -> str:
        return "\n".join(
            f"--- {path.name}\n{path.read_text(errors='replace')[-4000:]}"
            for path in sorted(self.log_dir.glob("worker-*.log"))
        )

    def wait_exit(self, process: subprocess.Popen[bytes], timeout: float) -> int:
        try:
            return process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            raise AssertionError(f"worker still running after {timeout}s\n{self.logs()}") from None

    def close(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.kill()
            process.wait(timeout=10)


@pytest.fixture
def workers(tmp_path: Path) -> Iterator[Workers]:
    pool = Workers(tmp_path)
    try:
        yield pool
    finally:
        pool.close()


@pytest.fixture
def owner() -> Organisation:
    return create_organisation(actor=None, code="T.WORKER", name="Tổ thử nghiệm", kind="locality")


def wait_until(
    condition: Callable[[], Any], *, timeout: float, what: str, workers: Workers
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out after {timeout}s waiting until {what}\n{workers.logs()}")


def _running_with_progress(job: Job) -> Callable[[], bool]:
    return lambda: Job.objects.filter(pk=job.pk, status=JobStatus.RUNNING, progress__gt=0).exists()


def _kill_mid_run(workers: Workers, job: Job, **env: str) -> None:
    first = workers.start(**env)
    wait_until(_running_with_progress(job), timeout=30, what="the job runs", workers=workers)
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=10)  # reaped: a zombie's pid would still look alive
    job.refresh_from_db()
    assert (job.status, job.attempts) == (JobStatus.RUNNING, 1)
    assert 0 < job.progress < 100


def test_a_job_whose_worker_is_killed_mid_run_is_run_again_after_restart(workers, owner):
    job = start_job(actor=None, kind=SELFTEST, owner_org=owner, params={"steps": 20, "delay": 0.1})
    _kill_mid_run(workers, job)

    assert workers.wait_exit(workers.start("--batch"), timeout=60) == 0
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED, workers.logs()
    assert (job.attempts, job.progress, job.result) == (2, 100, {"steps": 20})
    runs = list(
        JobRun.objects.filter(job=job).order_by("started_at").values_list("outcome", flat=True)
    )
    assert runs == [WORKER_DIED, JobStatus.SUCCEEDED]
    tasks = DBTaskResult.objects.order_by("enqueued_at")
    assert list(tasks.values_list("status", "exception_class_path")) == [
        ("FAILED", WORKER_DIED_EXCEPTION), ("SUCCESSFUL", ""),
    ]  # fmt: skip
    assert not WorkerHeartbeat.objects.exists()  # the dead one forgotten, the batch one gone


def test_a_job_killed_on_its_last_attempt_ends_failed_with_a_clear_error(workers, owner):
    job = start_job(actor=None, kind=SELFTEST, owner_org=owner, params={"steps": 20, "delay": 0.1})
    _kill_mid_run(workers, job, JOB_MAX_ATTEMPTS="1")

    assert workers.wait_exit(workers.start("--batch", JOB_MAX_ATTEMPTS="1"), timeout=60) == 0
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED, workers.logs()
    assert job.message == "Failed: the worker running it stopped"
    assert job.error == (
        "The worker process stopped while running this job; attempt 1 of at most 1 (JOB_MAX_ATTEMPTS)."
    )
    assert (job.attempts, job.finished_at is not None) == (1, True)
    assert list(job.runs.values_list("outcome", flat=True)) == [WORKER_DIED]
    assert DBTaskResult.objects.get().status == "FAILED"


def test_a_running_job_cancelled_stops_at_its_next_report_and_the_worker_stops_cleanly(
    workers, owner
):
    job = start_job(actor=None, kind=SELFTEST, owner_org=owner, params={"steps": 100, "delay": 0.1})
    worker = workers.start()
    wait_until(_running_with_progress(job), timeout=30, what="the job runs", workers=workers)
    request_cancel(actor=None, job=job)
    wait_until(
        lambda: Job.objects.filter(pk=job.pk, status=JobStatus.CANCELLED).exists(),
        timeout=10, what="the job is cancelled", workers=workers,
    )  # fmt: skip
    job.refresh_from_db()
    assert (job.message, job.attempts) == ("Cancelled", 1)
    assert job.progress < 100
    assert list(job.runs.values_list("outcome", flat=True)) == [JobStatus.CANCELLED]
    assert WorkerHeartbeat.objects.count() == 1

    worker.send_signal(signal.SIGTERM)
    assert workers.wait_exit(worker, timeout=20) == 0
    assert not WorkerHeartbeat.objects.exists()


def test_a_job_interrupted_by_a_forced_stop_is_requeued_by_its_own_worker(workers, owner):
    job = start_job(actor=None, kind=SELFTEST, owner_org=owner, params={"steps": 100, "delay": 0.1})
    worker = workers.start()
    wait_until(_running_with_progress(job), timeout=30, what="the job runs", workers=workers)
    worker.send_signal(signal.SIGTERM)  # graceful: would wait for the job to end...
    time.sleep(0.3)
    worker.send_signal(signal.SIGTERM)  # ...forced: the job is interrupted
    assert workers.wait_exit(worker, timeout=20) in (0, 1)
    job.refresh_from_db()
    assert (job.status, job.message, job.worker_id) == (
        JobStatus.QUEUED, "Re-queued: the worker running it stopped", "",
    )  # fmt: skip
    assert list(job.runs.values_list("outcome", flat=True)) == [WORKER_DIED]
    assert DBTaskResult.objects.filter(status="READY").count() == 1
    assert not WorkerHeartbeat.objects.exists()


@pytest.mark.postgres
def test_two_workers_started_together_run_each_of_200_jobs_exactly_once(workers, owner):
    # Runs on SQLite too (the claim is an EXCLUSIVE transaction there); on PostgreSQL the
    # claim is SELECT ... FOR UPDATE SKIP LOCKED, the production set-up.
    began = time.monotonic()
    jobs = [
        start_job(actor=None, kind=SELFTEST, owner_org=owner, params={"steps": 1, "delay": 0})
        for _ in range(200)
    ]
    assert DBTaskResult.objects.filter(status="READY").count() == 200
    enqueued = time.monotonic()
    pair = [workers.start("--batch"), workers.start("--batch")]
    for process in pair:
        assert workers.wait_exit(process, timeout=120) == 0, workers.logs()

    ran = time.monotonic()
    statuses = dict(Job.objects.values_list("status").annotate(n=Count("pk")))
    assert statuses == {JobStatus.SUCCEEDED: 200}, workers.logs()
    runs_per_job = Job.objects.annotate(n=Count("runs")).values_list("n", flat=True)
    assert sorted(set(runs_per_job)) == [1]
    assert Job.objects.filter(attempts=1).count() == len(jobs)
    assert DBTaskResult.objects.count() == 200
    assert DBTaskResult.objects.filter(status="SUCCESSFUL").count() == 200
    by_worker = dict(JobRun.objects.values_list("worker_id").annotate(n=Count("pk")))
    print(
        f"\n{connection.vendor}: enqueued in {enqueued - began:.1f}s, run in {ran - enqueued:.1f}s,"
        f" jobs per worker {sorted(by_worker.values())}"
    )
