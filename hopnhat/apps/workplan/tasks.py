"""Background jobs of the work plan: the daily digest and report exports."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.db.models import Max
from django.utils.translation import gettext, override
from django.utils.translation import gettext_lazy as _

from hopnhat.apps.accounts.models import User
from hopnhat.apps.jobs.context import JobContext
from hopnhat.apps.jobs.registry import job_kind
from hopnhat.apps.workplan.access import obstacles_for_user, tasks_for_user
from hopnhat.apps.workplan.actions import notify, sweep_deadlines
from hopnhat.apps.workplan.exporters import report_docx, report_xlsx
from hopnhat.apps.workplan.models import Notification, NotificationKind, workplan_today
from hopnhat.apps.workplan.reports import build_progress_report


def run_daily_digest(*, as_of: dt.date) -> dict[str, Any]:
    """Sweep the deadlines, then send each user one digest of their day's notifications."""
    swept = sweep_deadlines(as_of=as_of)
    unread = Notification.objects.filter(read_at__isnull=True).exclude(kind=NotificationKind.DIGEST)
    last_digest = dict(
        Notification.objects.filter(kind=NotificationKind.DIGEST)
        .values("user_id")
        .annotate(last=Max("created_at"))
        .values_list("user_id", "last")
    )
    news: dict[int, list[str]] = defaultdict(list)
    for notification in unread.order_by("user_id", "pk"):
        since = last_digest.get(notification.user_id)
        if since is None or notification.created_at > since:
            news[notification.user_id].append(notification.message)
    digests = 0
    for user in User.objects.filter(pk__in=list(news), is_active=True):
        with override("vi"):
            body = (
                gettext("Your work plan today:")
                + "\n"
                + "\n".join(f"- {line}" for line in news[user.pk])
            )
        digests += notify(
            [user], NotificationKind.DIGEST, task=None, key=f"digest:{as_of.isoformat()}", body=body
        )
    return {**swept, "digests": digests}


@job_kind("workplan.daily_digest", title=_("Work plan: deadline sweep and daily digest"))
def daily_digest(job: JobContext, *, as_of: str = "") -> dict[str, Any]:
    job.report(10, "sweep")
    result = run_daily_digest(as_of=dt.date.fromisoformat(as_of) if as_of else workplan_today())
    job.report(100, "done")
    return result


@job_kind("workplan.progress_report", title=_("Work plan: progress report"))
def progress_report(
    job: JobContext, *, user_id: int, as_of: str, period: str = "month", fmt: str = "docx"
) -> dict[str, Any]:
    user = User.objects.get(pk=user_id)
    day = dt.date.fromisoformat(as_of)
    job.report(20, "collect")
    report = build_progress_report(
        tasks_for_user(user), as_of=day, period=period, obstacles=obstacles_for_user(user)
    )
    job.report(70, "write")
    content = report_docx(report) if fmt == "docx" else report_xlsx(report)
    name = job.save_result_file(f"bao-cao-tien-do-{day.isoformat()}.{fmt}", content)
    return {"file": name, "tasks": report.total}
