import uuid
from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from hopnhat.apps.directory.access import get_organisation_for_user
from hopnhat.apps.jobs.access import get_job_for_user, jobs_visible_to
from hopnhat.apps.jobs.actions import request_cancel, start_job
from hopnhat.apps.jobs.models import Job, JobStatus
from hopnhat.apps.jobs.permissions import ensure_can_start
from hopnhat.common.api import ErrorOut, PageNumber

router = Router(tags=["jobs"])


class JobOut(Schema):
    id: uuid.UUID
    kind: str
    title: str
    owner_org_id: int
    status: str
    progress: int
    message: str
    error: str
    result: dict[str, Any]
    result_url: str | None
    cancel_requested: bool
    attempts: int
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None

    @staticmethod
    def resolve_result_url(obj: Job) -> str | None:
        return f"/jobs/{obj.pk}/result" if obj.result_file else None

    @staticmethod
    def resolve_error(obj: Job) -> str:
        # The traceback stays server-side; the API shows its last line.
        lines = [line for line in obj.error.strip().splitlines() if line.strip()]
        return lines[-1] if lines else ""


class JobIn(Schema):
    kind: str = Field(..., max_length=100)
    owner_org_id: int
    params: dict[str, Any] = Field(default_factory=dict)


class JobFilter(Schema):
    status: JobStatus | None = None
    kind: str | None = Field(None, max_length=100)


@router.get("", response={200: list[JobOut], 401: ErrorOut})
@paginate(PageNumber)
def list_jobs(request: HttpRequest, filters: Query[JobFilter]) -> Any:
    queryset = jobs_visible_to(request.user)
    if filters.status:
        queryset = queryset.filter(status=filters.status)
    if filters.kind:
        queryset = queryset.filter(kind=filters.kind)
    return queryset


@router.post("", response={201: JobOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut})
def create_job(request: HttpRequest, payload: JobIn) -> tuple[int, Job]:
    org = get_organisation_for_user(request.user, payload.owner_org_id)
    ensure_can_start(request.user, kind=payload.kind, org=org)
    return 201, start_job(
        actor=request.user, kind=payload.kind, owner_org=org, params=payload.params
    )


@router.get("/{job_id}", response={200: JobOut, 401: ErrorOut, 404: ErrorOut})
def get_job(request: HttpRequest, job_id: str) -> Job:
    return get_job_for_user(request.user, job_id)


@router.post(
    "/{job_id}/cancel", response={200: JobOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut}
)
def cancel_job(request: HttpRequest, job_id: str) -> Job:
    return request_cancel(
        actor=request.user, job=get_job_for_user(request.user, job_id, for_write=True)
    )
