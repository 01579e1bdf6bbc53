"""Jobs in-process: cancellation, recovery from dead workers, fencing, views and API."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from hopnhat.apps.audit.models import AuditRecord
from hopnhat.apps.jobs import registry
from hopnhat.apps.jobs.actions import (
    execute_job,
    reap_orphaned_jobs,
    register_worker,
    request_cancel,
    start_job,
)
from hopnhat.apps.jobs.context import JobContext
from hopnhat.apps.jobs.models import Job, JobRun, JobStatus, WorkerHeartbeat
from hopnhat.common.errors import ValidationFailedError
from hopnhat.common.testing import ApiClient, client_for, org, user

SELFTEST = "jobs.worker_selftest"


@pytest.fixture
def kinds() -> Iterator[Any]:
    """Registers job kinds for one test only."""
    added: list[str] = []

    def add(name: str, function: Any, **options: Any) -> None:
        registry.job_kind(name, title=name, **options)(function)
        added.append(name)

    yield add
    for name in added:
        registry._KINDS.pop(name, None)


def _dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def _start(kind: str = SELFTEST, code: str = "31.SNV", **params: Any) -> Job:
    return start_job(actor=user("demo-admin"), kind=kind, owner_org=org(code), params=params)


def _running_on(job: Job, worker_id: str, *, attempts: int = 1) -> Job:
    Job.objects.filter(pk=job.pk).update(
        status=JobStatus.RUNNING, worker_id=worker_id, attempts=attempts, progress=30,
        started_at=timezone.now(), heartbeat_at=timezone.now(),
    )  # fmt: skip
    JobRun.objects.create(job=job, worker_id=worker_id)
    job.refresh_from_db()
    return job


# Cancellation ----------------------------------------------------------------------------


def test_a_queued_job_cancelled_is_cancelled_and_never_runs(demo):
    job = _start(steps=2, delay=0)
    cancelled = request_cancel(actor=user("demo-admin"), job=job)
    assert cancelled.status == JobStatus.CANCELLED
    assert cancelled.message == "Cancelled before it started"
    execute_job(job_id=str(job.pk), worker_id="w1")
    job.refresh_from_db()
    assert (job.status, job.attempts, job.runs.count()) == (JobStatus.CANCELLED, 0, 0)
    assert AuditRecord.objects.filter(action="jobs.job.cancel", object_id=str(job.pk)).exists()


def test_a_running_job_sees_the_cancellation_at_its_next_report(demo, kinds):
    seen: list[int] = []

    def cancels_itself(job: JobContext) -> None:
        for step in range(1, 11):
            seen.append(step)
            job.report(step * 10)
            if step == 3:  # a user presses Cancel while step 4 is under way
                request_cancel(actor=user("demo-admin"), job=Job.objects.get(pk=job.job_id))

    kinds("test.cancels_itself", cancels_itself)
    job = _start("test.cancels_itself")
    execute_job(job_id=str(job.pk), worker_id="w1")
    job.refresh_from_db()
    assert seen == [1, 2, 3, 4]
    assert (job.status, job.message, job.progress) == (JobStatus.CANCELLED, "Cancelled", 40)
    assert list(job.runs.values_list("outcome", flat=True)) == [JobStatus.CANCELLED]


# Running, failing, running twice -----------------------------------------------------------


def test_execute_job_is_safe_to_call_twice(demo):
    job = _start(steps=3, delay=0)
    execute_job(job_id=str(job.pk), worker_id="w1")
    execute_job(job_id=str(job.pk), worker_id="w2")
    job.refresh_from_db()
    assert (job.status, job.progress, job.attempts, job.result) == (
        JobStatus.SUCCEEDED, 100, 1, {"steps": 3},
    )  # fmt: skip
    assert list(job.runs.values_list("worker_id", "outcome")) == [("w1", JobStatus.SUCCEEDED)]


def test_a_duplicate_task_does_not_run_a_job_another_worker_runs(demo):
    register_worker("w1")
    job = _running_on(_start(steps=3, delay=0), "w1")
    execute_job(job_id=str(job.pk), worker_id="w2")
    job.refresh_from_db()
    assert (job.status, job.worker_id, job.attempts, job.runs.count()) == (
        JobStatus.RUNNING,
        "w1",
        1,
        1,
    )


def test_a_failing_job_is_failed_with_its_error(demo, kinds):
    def fails(job: JobContext) -> None:
        job.report(50)
        raise ValueError("the source file has no sheet 'Xã'")

    kinds("test.fails", fails)
    job = _start("test.fails")
    execute_job(job_id=str(job.pk), worker_id="w1")
    job.refresh_from_db()
    assert (job.status, job.progress) == (JobStatus.FAILED, 50)
    assert job.message == "the source file has no sheet 'Xã'"
    assert "Traceback" in job.error
    body = ApiClient("demo-admin").get(f"/jobs/{job.pk}").json()
    assert body["error"] == "ValueError: the source file has no sheet 'Xã'"


def test_a_result_that_cannot_be_saved_fails_the_job_rather_than_leaving_it_running(demo, kinds):
    kinds("test.bad_result", lambda job: {"when": object()})
    job = _start("test.bad_result")
    execute_job(job_id=str(job.pk), worker_id="w1")
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert job.message == "The job's result could not be saved"


def test_unknown_parameters_are_refused_when_the_job_is_started(demo):
    with pytest.raises(ValidationFailedError):
        _start(stpes=3)
    assert not Job.objects.exists()


# Recovery from dead workers ----------------------------------------------------------------


def test_a_job_whose_worker_process_is_gone_is_requeued(demo):
    WorkerHeartbeat.objects.create(worker_id="dead", hostname=os.uname().nodename, pid=_dead_pid())
    job = _running_on(_start(), "dead")
    assert reap_orphaned_jobs() == [job]
    job.refresh_from_db()
    assert (job.status, job.worker_id, job.message) == (
        JobStatus.QUEUED, "", "Re-queued: the worker running it stopped",
    )  # fmt: skip
    assert list(job.runs.values_list("outcome", flat=True)) == ["worker_died"]
    assert not WorkerHeartbeat.objects.filter(worker_id="dead").exists()
    assert AuditRecord.objects.filter(action="jobs.job.requeue", object_id=str(job.pk)).exists()


def test_a_job_out_of_attempts_is_failed_with_a_clear_error(demo, settings):
    settings.JOB_MAX_ATTEMPTS = 2
    job = _running_on(_start(), "never-registered", attempts=2)
    reap_orphaned_jobs()
    job.refresh_from_db()
    assert (job.status, job.message) == (JobStatus.FAILED, "Failed: the worker running it stopped")
    assert job.error == (
        "The worker process stopped while running this job; "
        "attempt 2 of at most 2 (JOB_MAX_ATTEMPTS)."
    )
    assert job.finished_at is not None


def test_a_worker_silent_for_too_long_on_another_host_is_dead(demo, settings):
    settings.WORKER_DEAD_AFTER_SECONDS = 30
    long_ago = timezone.now() - timedelta(seconds=31)
    WorkerHeartbeat.objects.create(
        worker_id="far", hostname="other-host", pid=1, last_seen=long_ago
    )
    WorkerHeartbeat.objects.create(worker_id="near", hostname="other-host-2", pid=1)
    silent = _running_on(_start(), "far")
    beating = _running_on(_start(), "near")
    assert reap_orphaned_jobs() == [silent]
    beating.refresh_from_db()
    assert beating.status == JobStatus.RUNNING


def test_a_job_of_a_live_worker_is_left_alone(demo):
    register_worker("me")  # this very process: alive
    job = _running_on(_start(), "me")
    assert reap_orphaned_jobs() == []
    job.refresh_from_db()
    assert (job.status, job.worker_id) == (JobStatus.RUNNING, "me")


def test_an_orphan_whose_cancellation_was_asked_ends_cancelled(demo):
    job = _running_on(_start(), "gone")
    request_cancel(actor=user("demo-admin"), job=job)
    reap_orphaned_jobs()
    job.refresh_from_db()
    assert job.status == JobStatus.CANCELLED


def test_a_run_whose_job_was_taken_over_stops_without_overwriting_it(demo, kinds):
    def outlived(job: JobContext) -> dict[str, Any]:
        job.report(10)
        # Meanwhile the worker was thought dead and another worker claimed the job again.
        Job.objects.filter(pk=job.job_id).update(worker_id="w2", attempts=2)
        job.report(20)
        return {"should": "not be saved"}

    kinds("test.outlived", outlived)
    job = _start("test.outlived")
    execute_job(job_id=str(job.pk), worker_id="w1")
    job.refresh_from_db()
    assert (job.status, job.worker_id, job.progress, job.result) == (
        JobStatus.RUNNING,
        "w2",
        10,
        {},
    )


# Views -----------------------------------------------------------------------------------


def test_the_progress_partial_shows_the_percent_and_announces_the_end(demo):
    job = _running_on(_start(), "w1")
    Job.objects.filter(pk=job.pk).update(progress=42, message="21/50")
    client = client_for("demo-admin")
    response = client.get(f"/jobs/{job.pk}/progress/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="job-percent">42%' in html
    assert "hx-get" in html
    assert "HX-Trigger" not in response.headers
    Job.objects.filter(pk=job.pk).update(status=JobStatus.SUCCEEDED, progress=100)
    response = client.get(f"/jobs/{job.pk}/progress/")
    assert response.headers["HX-Trigger"] == "job-finished"
    html = response.content.decode()
    assert 'data-testid="job-percent">100%' in html
    assert "hx-get" not in html


def test_the_progress_partial_of_an_unreadable_job_is_404(demo):
    job = _start(code="31.SXD")
    assert client_for("demo-editor").get(f"/jobs/{job.pk}/progress/").status_code == 404


def test_the_detail_page_warns_when_a_running_job_has_no_live_worker(demo, settings):
    settings.WORKER_DEAD_AFTER_SECONDS = 30
    job = _running_on(_start(), "gone")
    Job.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now() - timedelta(minutes=5))
    client = client_for("demo-admin")
    assert 'data-testid="job-worker-warning"' in client.get(f"/jobs/{job.pk}/").content.decode()
    register_worker("alive")
    assert 'data-testid="job-worker-warning"' not in client.get(f"/jobs/{job.pk}/").content.decode()


def test_the_cancel_button_cancels(demo):
    job = _start()
    response = client_for("demo-admin").post(f"/jobs/{job.pk}/cancel/")
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == JobStatus.CANCELLED


def test_the_start_form_starts_the_self_test_for_an_admin(demo):
    response = client_for("demo-admin").post(
        "/jobs/start/", {"kind": SELFTEST, "owner_org_id": org("31.SNV").pk}
    )
    job = Job.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/jobs/{job.pk}/"
    assert job.created_by == user("demo-admin")


# API ---------------------------------------------------------------------------------------


def test_the_api_starts_lists_reads_and_cancels_a_job(demo):
    api = ApiClient("demo-admin")
    response = api.send(
        "POST",
        "/jobs",
        {"kind": SELFTEST, "owner_org_id": org("31.SNV").pk, "params": {"steps": 3}},
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["kind"], body["status"], body["progress"]) == (SELFTEST, "queued", 0)
    job_id = body["id"]
    listed = api.get("/jobs", status="queued").json()
    assert [item["id"] for item in listed["items"]] == [job_id]
    assert api.get(f"/jobs/{job_id}").json()["id"] == job_id
    cancelled = api.send("POST", f"/jobs/{job_id}/cancel")
    assert cancelled.status_code == 200
    assert (cancelled.json()["status"], cancelled.json()["cancel_requested"]) == ("cancelled", True)


def test_an_editor_cannot_read_a_job_of_another_department(demo):
    job = _start(code="31.SXD")
    api = ApiClient("demo-editor")
    assert api.get(f"/jobs/{job.pk}").status_code == 404
    assert api.send("POST", f"/jobs/{job.pk}/cancel").status_code == 404
    denied = AuditRecord.objects.filter(
        action="jobs.job.read", object_id=str(job.pk), actor_id=user("demo-editor").pk
    ).get()
    assert denied.outcome == "denied"
    assert api.get("/jobs").json()["count"] == 0
    assert api.get("/jobs/not-a-uuid").status_code == 404


def test_an_editor_cannot_start_an_admin_only_kind(demo):
    api = ApiClient("demo-editor")
    response = api.send("POST", "/jobs", {"kind": SELFTEST, "owner_org_id": org("31.STC").pk})
    assert response.status_code == 403
    assert not Job.objects.exists()
    assert AuditRecord.objects.filter(action="jobs.job.start", outcome="denied").exists()


def test_starting_an_unknown_kind_or_bad_parameters_is_422(demo):
    api = ApiClient("demo-admin")
    snv = org("31.SNV").pk
    assert api.send("POST", "/jobs", {"kind": "nope", "owner_org_id": snv}).status_code == 422
    response = api.send(
        "POST", "/jobs", {"kind": SELFTEST, "owner_org_id": snv, "params": {"x": 1}}
    )
    assert response.status_code == 422
    assert "params" in response.json()["fields"]


def test_the_editor_of_the_owner_cancels_a_job_a_viewer_cannot(demo, kinds):
    kinds("test.editable", lambda job: None)
    job = start_job(actor=user("demo-editor"), kind="test.editable", owner_org=org("31.STC"))
    other = ApiClient("demo-editor-xd")
    assert other.send("POST", f"/jobs/{job.pk}/cancel").status_code == 404
    assert ApiClient("demo-editor").send("POST", f"/jobs/{job.pk}/cancel").status_code == 200
