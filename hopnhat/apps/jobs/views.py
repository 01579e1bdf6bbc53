from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hopnhat.apps.directory.access import get_organisation_for_user, principal_for
from hopnhat.apps.jobs.access import get_job_for_user, jobs_visible_to
from hopnhat.apps.jobs.actions import live_worker_count, request_cancel, start_job
from hopnhat.apps.jobs.models import Job, JobStatus
from hopnhat.apps.jobs.permissions import ensure_can_start
from hopnhat.apps.jobs.registry import known_kinds


@login_required
def job_list(request: HttpRequest) -> HttpResponse:
    principal = principal_for(request.user)
    startable = [
        kind for kind in known_kinds().values() if kind.admin_only and principal.manages_directory
    ]
    admin_orgs = [org_id for org_id, _path, role in principal.memberships if role == "admin"]
    context = {
        "jobs": jobs_visible_to(request.user)[:200],
        "startable": startable,
        "start_org_id": admin_orgs[0] if admin_orgs else None,
        "live_workers": live_worker_count(),
    }
    return render(request, "jobs/list.html", context)


@login_required
def job_detail(request: HttpRequest, job_id: str) -> HttpResponse:
    job = get_job_for_user(request.user, job_id)
    return render(request, "jobs/detail.html", {"job": job, "worker_warning": worker_warning(job)})


def worker_warning(job: Job) -> str:
    """Why the job may not be moving: no worker online to run it, or its worker went silent."""
    if job.status not in (JobStatus.QUEUED, JobStatus.RUNNING) or live_worker_count():
        return ""
    if job.status == JobStatus.QUEUED:
        return _("No job worker is online: this job starts when one is (hopnhat worker).")
    silent_since = timezone.now() - timedelta(seconds=settings.WORKER_DEAD_AFTER_SECONDS)
    if job.heartbeat_at is None or job.heartbeat_at < silent_since:
        return _(
            "The worker running this job has stopped reporting and no worker is online. "
            "When a worker starts, it re-runs the job or marks it failed."
        )
    return ""


@login_required
def job_progress(request: HttpRequest, job_id: str) -> HttpResponse:
    """The HTMX partial polled by the progress component until the job finishes."""
    job = get_job_for_user(request.user, job_id)
    response = render(request, "includes/job_progress.html", {"job": job})
    if job.is_finished:
        # Tells the page to refresh once, so that the result link and summary appear.
        response["HX-Trigger"] = "job-finished"
    return response


@login_required
@require_POST
def job_cancel(request: HttpRequest, job_id: str) -> HttpResponse:
    job = request_cancel(
        actor=request.user, job=get_job_for_user(request.user, job_id, for_write=True)
    )
    if request.headers.get("HX-Request"):
        return render(request, "includes/job_progress.html", {"job": job})
    messages.info(request, _("Cancellation requested."))
    return redirect("jobs:detail", job_id=job.pk)


@login_required
@require_POST
def job_start(request: HttpRequest) -> HttpResponse:
    kind = request.POST.get("kind", "")
    try:
        org_id = int(request.POST.get("owner_org_id") or 0)
    except ValueError:
        org_id = 0
    org = get_organisation_for_user(request.user, org_id)
    ensure_can_start(request.user, kind=kind, org=org)
    job = start_job(actor=request.user, kind=kind, owner_org=org)
    return redirect("jobs:detail", job_id=job.pk)


@login_required
def job_result(request: HttpRequest, job_id: str) -> HttpResponse | FileResponse:
    job = get_job_for_user(request.user, job_id)
    if not job.result_file:
        return render(request, "404.html", status=404)
    filename = (job.result_file.name or "result").rsplit("/", 1)[-1]
    return FileResponse(job.result_file.open("rb"), as_attachment=True, filename=filename)
