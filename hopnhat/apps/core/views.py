from __future__ import annotations

from django.db import connection
from django.db.models import Count
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET
from ninja.openapi.docs import Swagger

from hopnhat.apps.accounts.models import User
from hopnhat.apps.audit.models import AuditRecord
from hopnhat.apps.directory.access import principal_for
from hopnhat.apps.directory.models import Membership, Organisation
from hopnhat.apps.jobs.access import jobs_visible_to
from hopnhat.apps.jobs.models import WorkerHeartbeat


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    principal = principal_for(request.user)
    context: dict[str, object] = {}
    if principal.is_authenticated:
        # Members of each locality and of every body under it.
        localities = [
            (
                locality,
                Membership.objects.filter(organisation__path__startswith=locality.path).count(),
            )
            for locality in Organisation.objects.localities().order_by("path")
        ]
        job_counts = dict(
            jobs_visible_to(request.user).order_by().values_list("status").annotate(n=Count("id"))
        )
        context.update(
            localities=localities,
            organisation_count=Organisation.objects.active().count(),
            user_count=User.objects.filter(is_active=True).count(),
            active_jobs=job_counts.get("running", 0) + job_counts.get("queued", 0),
            live_workers=WorkerHeartbeat.objects.count(),
            audit_count=AuditRecord.objects.count() if principal.reads_audit_log else None,
        )
    return render(request, "core/home.html", context)


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


@require_GET
def api_docs(request: HttpRequest) -> HttpResponse:
    from hopnhat.config.api import api

    # Ninja's bundled Swagger UI (static files, no CDN), at /api/docs rather than /api/v1/docs.
    return Swagger().render_page(request, api)
