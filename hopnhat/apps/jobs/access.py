from __future__ import annotations

import uuid
from typing import Any

from django.db.models import Q, QuerySet

from hopnhat.apps.directory.access import deny_forbidden, deny_not_found, principal_for
from hopnhat.apps.jobs.models import Job


def jobs_visible_to(user: Any) -> QuerySet[Job]:
    principal = principal_for(user)
    queryset = Job.objects.select_related("owner_org", "created_by")
    if not principal.is_authenticated:
        return queryset.none()
    scope = principal.owned_filter("owner_org")
    if scope is None:
        return queryset
    return queryset.filter(scope | Q(created_by_id=principal.user_id))


def get_job_for_user(user: Any, job_id: uuid.UUID | str, *, for_write: bool = False) -> Job:
    """Readable: the starter and readers of the owning organisation; writable: the starter,
    coordinators and editors of the owning organisation."""
    principal = principal_for(user)
    action = "jobs.job.cancel" if for_write else "jobs.job.read"
    try:
        job = jobs_visible_to(user).filter(pk=job_id).first()
    except Exception:  # a malformed UUID is the same as an unknown one
        job = None
    if job is None:
        raise deny_not_found(user=user, action=action, object_type="jobs.job", object_id=job_id)
    if for_write and not (
        job.created_by_id == principal.user_id or principal.can_edit_owned_by(job.owner_org.path)
    ):
        raise deny_forbidden(user=user, action=action, object_type="jobs.job", object_id=job.pk)
    return job
