"""Status as of a date through the API, at the boundary dates; filters; PATCH with versions."""

from __future__ import annotations

import pytest

from hopnhat.apps.audit.models import AuditRecord
from hopnhat.apps.workplan.models import Directive, Task
from hopnhat.apps.workplan.tests.builders import d, demo_directive, task_at
from hopnhat.common.testing import ApiClient, org

pytestmark = pytest.mark.usefixtures("demo")


@pytest.fixture
def directive() -> Directive:
    return demo_directive()


def status_of(api: ApiClient, task: Task, as_of: str) -> str:
    response = api.get(f"/tasks/{task.pk}", as_of=as_of)
    assert response.status_code == 200, response.content
    return response.json()["status"]


def test_on_its_deadline_day_a_task_is_in_progress_and_the_day_after_overdue(
    directive: Directive,
) -> None:
    api = ApiClient("demo-steering")
    finance = task_at(directive, "II.3")  # due 20/06/2025, 80% on 19/06
    assert status_of(api, finance, "2025-06-20") == "in_progress"
    assert status_of(api, finance, "2025-06-21") == "overdue"
    assert status_of(api, finance, "2025-06-12") == "not_started"


def test_done_on_the_deadline_day_is_on_time_and_done_after_it_is_late(
    directive: Directive,
) -> None:
    api = ApiClient("demo-coordinator")
    finance = task_at(directive, "II.3")
    response = api.send(
        "POST",
        f"/tasks/{finance.pk}/progress",
        {"on": "2025-06-20", "percent": 100, "text": "Xong"},
    )
    assert response.status_code == 201, response.content
    assert status_of(api, finance, "2025-06-20") == "done_on_time"
    report = task_at(directive, "II.6")  # due 15/06, still 70%: overdue, then done late
    assert status_of(api, report, "2025-06-16") == "overdue"
    api.send("POST", f"/tasks/{report.pk}/progress", {"on": "2025-06-22", "percent": 100})
    assert status_of(api, report, "2025-06-21") == "overdue"
    assert status_of(api, report, "2025-06-22") == "done_late"
    report.refresh_from_db()
    assert report.completed_on == d(22, 6)


def test_the_sql_status_agrees_with_the_engine_on_every_demo_task_and_day(
    directive: Directive,
) -> None:
    for day in range(1, 31):
        as_of = d(day, 6)
        for task in Task.objects.active().with_status(as_of):
            assert task.status == task.status_on(as_of), (task.clause_id, as_of)  # type: ignore[attr-defined]


def test_the_task_list_filters_by_status_org_and_due_date_as_of_a_date(
    directive: Directive, django_assert_max_num_queries: object
) -> None:
    api = ApiClient("demo-steering")
    with django_assert_max_num_queries(12):  # type: ignore[operator]
        response = api.get("/tasks", as_of="2025-06-20", page_size=100)
    body = response.json()
    assert body["count"] == 12
    overdue = api.get("/tasks", as_of="2025-06-20", status="overdue").json()["items"]
    assert [t["clause"] for t in overdue] == ["II.6"]
    done = api.get("/tasks", as_of="2025-06-20", status="done_on_time").json()["items"]
    assert sorted(t["clause"] for t in done) == ["II.10", "II.5"]
    of_construction = api.get("/tasks", org="31.SXD").json()["items"]
    assert sorted(t["clause"] for t in of_construction) == ["II.4", "II.8"]
    # Sở Tài chính Hải Dương co-leads clause 3.
    assert [t["clause"] for t in api.get("/tasks", org=str(org("30.STC").pk)).json()["items"]] == [
        "II.3"
    ]
    due = api.get("/tasks", due_before="2025-06-25").json()["items"]
    assert sorted(t["clause"] for t in due) == ["II.10", "II.3", "II.6"]


def test_the_list_costs_the_same_number_of_queries_for_more_tasks(
    directive: Directive, django_assert_max_num_queries: object
) -> None:
    api = ApiClient("demo-editor")
    with django_assert_max_num_queries(12):  # type: ignore[operator]
        assert api.get("/tasks").status_code == 200
    with django_assert_max_num_queries(12):  # type: ignore[operator]
        assert api.get("/directives").status_code == 200


def test_patch_with_a_stale_version_is_refused_with_409_and_the_current_state(
    directive: Directive,
) -> None:
    api = ApiClient("demo-editor")
    finance = task_at(directive, "II.3")
    first = api.send(
        "PATCH", f"/tasks/{finance.pk}", {"version": finance.version, "priority": "high"}
    )
    assert first.status_code == 200, first.content
    assert first.json()["version"] == finance.version + 1
    stale = api.send(
        "PATCH", f"/tasks/{finance.pk}", {"version": finance.version, "priority": "low"}
    )
    assert stale.status_code == 409
    body = stale.json()
    assert body["code"] == "conflict"
    assert body["current_version"] == finance.version + 1
    assert body["diff"]["current"]["priority"] == "high"
    finance.refresh_from_db()
    assert finance.priority == "high"
    record = AuditRecord.objects.filter(
        action="workplan.task.update", object_id=str(finance.pk)
    ).latest("seq")
    assert '"priority":["normal","high"]' in record.changes_json


def test_an_approved_extension_moves_the_deadline_and_is_listed_as_a_change(
    directive: Directive,
) -> None:
    report = task_at(directive, "II.6")
    extension = report.extensions.get()
    response = ApiClient("demo-steering").send(
        "POST", f"/tasks/extensions/{extension.pk}/decision", {"approve": True, "note": "Đồng ý"}
    )
    assert response.status_code == 200, response.content
    report.refresh_from_db()
    assert (report.deadline, report.original_deadline) == (d(25, 6), d(15, 6))
    assert report.changes.filter(
        kind="deadline_moved", before="2025-06-15", after="2025-06-25"
    ).exists()
