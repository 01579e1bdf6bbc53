"""Assigned, due in 7 days and 1 day, overdue, extension decided; the daily digest job."""

from __future__ import annotations

import pytest
from django.core import mail

from hopnhat.apps.workplan.actions import decide_extension
from hopnhat.apps.workplan.models import Directive, Notification
from hopnhat.apps.workplan.tasks import run_daily_digest
from hopnhat.apps.workplan.tests.builders import d, demo_directive, task_at
from hopnhat.common.testing import client_for, user

pytestmark = pytest.mark.usefixtures("demo")


@pytest.fixture
def directive() -> Directive:
    return demo_directive()


def kinds_for(username: str, task_id: int) -> list[str]:
    return sorted(
        Notification.objects.filter(user__username=username, task_id=task_id).values_list(
            "kind", flat=True
        )
    )


def test_the_sweep_tells_the_lead_seven_days_and_one_day_ahead_then_when_overdue(
    directive: Directive,
) -> None:
    finance = task_at(directive, "II.3")  # due 20/06, led by Sở Tài chính (demo-editor)
    run_daily_digest(as_of=d(13, 6))
    assert kinds_for("demo-editor", finance.pk) == ["assigned", "due_7"]
    run_daily_digest(as_of=d(19, 6))
    assert kinds_for("demo-editor", finance.pk) == ["assigned", "due_1", "due_7"]
    run_daily_digest(as_of=d(21, 6))
    assert kinds_for("demo-editor", finance.pk) == ["assigned", "due_1", "due_7", "overdue"]


def test_the_sweep_never_tells_twice_and_skips_done_tasks(directive: Directive) -> None:
    run_daily_digest(as_of=d(21, 6))
    count = Notification.objects.count()
    run_daily_digest(as_of=d(21, 6))
    assert Notification.objects.count() == count
    archive = task_at(directive, "II.10")  # done on 19/06
    assert not Notification.objects.filter(task=archive, kind__in=["due_1", "overdue"]).exists()


def test_the_digest_gathers_the_day_s_news_by_mail(directive: Directive) -> None:
    mail.outbox.clear()
    result = run_daily_digest(as_of=d(19, 6))
    assert result["digests"] >= 1
    digest = Notification.objects.get(user__username="demo-editor", kind="digest")
    assert "Kiểm kê" in digest.message or "kiểm kê" in digest.message.lower()
    assert any(m.to == ["demo-editor@demo.hopnhat.invalid"] for m in mail.outbox)


def test_the_requester_is_told_the_extension_decision(directive: Directive) -> None:
    extension = task_at(directive, "II.6").extensions.get()
    decide_extension(
        actor=user("demo-steering"), extension=extension, approve=False, note="Không đồng ý"
    )
    note = Notification.objects.get(kind="extension", user__username="demo-coordinator")
    assert note.task_id == extension.task_id


def test_the_notifications_page_lists_and_marks_them_read(directive: Directive) -> None:
    client = client_for("demo-editor")
    page = client.get("/workplan/notifications/").content.decode()
    assert 'data-testid="notification-list"' in page
    ids = list(
        Notification.objects.filter(user__username="demo-editor").values_list("pk", flat=True)
    )
    client.post("/workplan/notifications/", {"id": [str(i) for i in ids]})
    assert not Notification.objects.filter(
        user__username="demo-editor", read_at__isnull=True
    ).exists()


def test_the_digest_runs_as_a_background_job(directive: Directive) -> None:
    from hopnhat.apps.jobs.actions import execute_job, start_job
    from hopnhat.apps.jobs.models import Job
    from hopnhat.common.testing import org

    job = start_job(
        actor=None,
        kind="workplan.daily_digest",
        owner_org=org("31.SNV"),
        params={"as_of": "2025-06-21"},
    )
    execute_job(job_id=str(job.pk), worker_id="test")
    job = Job.objects.get(pk=job.pk)
    assert job.status == "succeeded", job.error
    assert job.result["overdue"] >= 1
