"""The pages: dashboard, lists, timeline, what changed, obstacles; no inline styles (strict CSP)."""

from __future__ import annotations

import io
import re

import pytest
from openpyxl import load_workbook

from hopnhat.apps.workplan.models import Directive
from hopnhat.apps.workplan.tests.builders import demo_directive, task_at
from hopnhat.common.testing import ApiClient, client_for

pytestmark = pytest.mark.usefixtures("demo")


@pytest.fixture
def directive() -> Directive:
    return demo_directive()


def page(path: str, username: str = "demo-steering", **params: str) -> str:
    response = client_for(username).get(path, params)
    assert response.status_code == 200, path
    body = response.content.decode()
    assert " style=" not in body, f"{path}: inline style breaks the CSP"
    assert "<script>" not in body
    return body


def test_the_dashboard_counts_by_status_and_organisation_as_of_20_june(
    directive: Directive,
) -> None:
    body = page("/workplan/", as_of="2025-06-20")
    assert re.search(r'data-testid="total-tasks">12<', body)
    assert re.search(r'data-testid="overdue-count">1<', body)
    # Due within 7 days of 20/06: the finance task (20/06) and the archives... done; 25/06 none open.
    assert re.search(r'data-testid="due-soon-count">1<', body)
    assert re.search(r'data-testid="on-time-rate">67%<', body)  # 2 on time of 3 decided
    figures = ApiClient("demo-steering").get("/reports/dashboard", as_of="2025-06-20").json()
    assert figures["totals"] == {
        "not_started": 5,
        "in_progress": 4,
        "done_on_time": 2,
        "overdue": 1,
    }
    assert figures["overdue"] == [task_at(directive, "II.6").pk]


def test_the_dashboard_changes_with_the_date(directive: Directive) -> None:
    figures = ApiClient("demo-steering").get("/reports/dashboard", as_of="2025-07-01").json()
    assert figures["totals"]["overdue"] == 2  # clause 3 (20/06) joins the political report
    assert (
        ApiClient("demo-steering").get("/reports/dashboard", as_of="2025-06-04").json()["totals"]
        == {}
    )


def test_the_task_list_page_filters_and_exports(directive: Directive) -> None:
    body = page("/workplan/tasks/", status="overdue", as_of="2025-06-20")
    assert body.count("data-task=") == 1
    mine = page("/workplan/tasks/", "demo-editor", mine="1")
    assert mine.count("data-task=") == 1
    response = client_for("demo-steering").get(
        "/workplan/tasks/", {"export": "xlsx", "as_of": "2025-06-20"}
    )
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.max_row == 13


def test_the_timeline_draws_bars_dependencies_and_the_today_line(directive: Directive) -> None:
    body = page("/workplan/timeline/", as_of="2025-06-20", directive=str(directive.pk))
    assert body.count('class="gantt-bar') == 12
    assert body.count('class="gantt-dependency"') == 2  # the three steps of clause 6
    assert 'data-testid="gantt-today"' in body
    assert "gantt-open" in body  # the recurring task has no end


def test_what_changed_lists_status_changes_and_deadline_moves(directive: Directive) -> None:
    body = page("/workplan/changes/", since="2025-06-14", as_of="2025-06-20")
    assert 'data-kind="status_changed"' in body
    assert "overdue" in body
    extension = task_at(directive, "II.6").extensions.get()
    ApiClient("demo-steering").send(
        "POST", f"/tasks/extensions/{extension.pk}/decision", {"approve": True}
    )
    from hopnhat.apps.workplan.models import Task, workplan_today
    from hopnhat.apps.workplan.reports import changes_since

    lines = changes_since(
        Task.objects.all(),
        since=workplan_today().replace(day=1) if workplan_today().day > 1 else workplan_today(),
        as_of=workplan_today(),
    )
    assert any(line.kind == "deadline_moved" and line.after == "2025-06-25" for line in lines)


def test_the_other_pages_render(directive: Directive) -> None:
    task = task_at(directive, "II.6")
    page(f"/workplan/tasks/{task.pk}/", as_of="2025-06-20")
    page(f"/workplan/tasks/{task.pk}/", "demo-coordinator")
    page("/workplan/directives/")
    page(f"/workplan/directives/{directive.pk}/")
    assert "Bộ Nội vụ" in page("/workplan/obstacles/")
    page("/workplan/reports/")
    page("/workplan/notifications/")
    page("/workplan/directives/new/", "demo-coordinator")


def test_an_obstacle_is_raised_and_answered(directive: Directive) -> None:
    from hopnhat.apps.workplan.models import Obstacle
    from hopnhat.common.testing import org

    client = client_for("demo-editor")
    client.post(
        "/workplan/obstacles/",
        {
            "raised_by_org": org("31.STC").pk,
            "text": "Thiếu kinh phí",
            "addressed_to": "Bộ Tài chính",
            "raised_on": "2025-06-20",
        },
    )
    obstacle = Obstacle.objects.get(text="Thiếu kinh phí")
    client_for("demo-coordinator").post(
        f"/workplan/obstacles/{obstacle.pk}/answer/", {"answer": "Đã bố trí", "status": "answered"}
    )
    obstacle.refresh_from_db()
    assert (obstacle.status, obstacle.answer) == ("answered", "Đã bố trí")


def test_the_demo_loader_is_idempotent(directive: Directive) -> None:
    from hopnhat.apps.workplan.demo import load_demo_workplan

    assert load_demo_workplan() == {"directives": 0, "tasks": 0}
    assert Directive.objects.count() == 1
