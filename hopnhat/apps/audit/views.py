from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from hopnhat.apps.audit.access import audit_log_for_user, history_for_user
from hopnhat.apps.audit.filters import AuditFilter, write_csv
from hopnhat.apps.audit.models import Outcome

CSV_EXPORT_LIMIT = 100_000


def _parse_date(value: str) -> dt.date | None:
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(value.strip(), fmt).date()
        except ValueError:
            continue
    return None


def _filter_from(request: HttpRequest) -> AuditFilter:
    get = request.GET
    return AuditFilter(
        action=get.get("action", "")[:100],
        actor=get.get("actor", "")[:150],
        object_type=get.get("object_type", "")[:100],
        object_id=get.get("object_id", "")[:64],
        outcome=get.get("outcome", "") if get.get("outcome") in Outcome.values else "",
        date_from=_parse_date(get.get("date_from", "")),
        date_to=_parse_date(get.get("date_to", "")),
    )


@login_required
def audit_log(request: HttpRequest) -> HttpResponse:
    records = _filter_from(request).apply(audit_log_for_user(request.user))
    if request.GET.get("format") == "csv":
        response = HttpResponse(
            write_csv(records[:CSV_EXPORT_LIMIT]), content_type="text/csv; charset=utf-8"
        )
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        response["Content-Disposition"] = f'attachment; filename="audit-{stamp}.csv"'
        return response
    page = Paginator(records, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "page": page,
        "filters": request.GET,
        "query": query.urlencode(),
        "outcomes": Outcome.choices,
    }
    return render(request, "audit/log.html", context)


@login_required
def object_history(request: HttpRequest, object_type: str, object_id: str) -> HttpResponse:
    records = history_for_user(request.user, object_type, object_id)
    page = Paginator(records, 50).get_page(request.GET.get("page"))
    context = {"page": page, "object_type": object_type, "object_id": object_id}
    return render(request, "audit/history.html", context)
