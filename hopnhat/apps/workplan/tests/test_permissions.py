"""An editor updates only the tasks of their own organisation; a steering user sees everything."""

from __future__ import annotations

import pytest

from hopnhat.apps.audit.models import AuditRecord, Outcome
from hopnhat.apps.workplan.models import Directive
from hopnhat.apps.workplan.tests.builders import demo_directive, task_at
from hopnhat.common.testing import ApiClient, client_for

pytestmark = pytest.mark.usefixtures("demo")


@pytest.fixture
def directive() -> Directive:
    return demo_directive()


def denied(username: str, action: str) -> int:
    return AuditRecord.objects.filter(
        actor__username=username, action=action, outcome=Outcome.DENIED
    ).count()


def test_the_finance_editor_reports_on_the_finance_task(directive: Directive) -> None:
    finance = task_at(directive, "II.3")
    response = ApiClient("demo-editor").send(
        "POST", f"/tasks/{finance.pk}/progress", {"on": "2025-06-20", "percent": 90}
    )
    assert response.status_code == 201
    finance.refresh_from_db()
    assert finance.percent == 90


def test_the_joint_lead_of_the_other_locality_reports_too(directive: Directive) -> None:
    finance = task_at(directive, "II.3")
    response = ApiClient("demo-editor-hd").send(
        "POST", f"/tasks/{finance.pk}/progress", {"on": "2025-06-20", "percent": 85}
    )
    assert response.status_code == 201


def test_an_editor_does_not_even_see_another_departments_task_and_the_attempt_is_audited(
    directive: Directive,
) -> None:
    housing = task_at(directive, "II.4")
    before = denied("demo-editor", "workplan.task.update")
    response = ApiClient("demo-editor").send(
        "POST", f"/tasks/{housing.pk}/progress", {"on": "2025-06-20", "percent": 50}
    )
    assert response.status_code == 404
    assert denied("demo-editor", "workplan.task.update") == before + 1
    assert ApiClient("demo-editor").get(f"/tasks/{housing.pk}").status_code == 404
    housing.refresh_from_db()
    assert housing.percent == 0


def test_a_viewer_above_the_department_reads_but_may_not_update(directive: Directive) -> None:
    finance = task_at(directive, "II.3")
    api = ApiClient("demo-viewer")  # UBND Hải Phòng: the departments are its children
    assert api.get(f"/tasks/{finance.pk}").status_code == 200
    response = api.send("PATCH", f"/tasks/{finance.pk}", {"version": finance.version, "title": "x"})
    assert response.status_code == 403
    assert denied("demo-viewer", "workplan.task.update") == 1


def test_an_editor_may_not_move_their_own_deadline_but_asks_for_an_extension(
    directive: Directive,
) -> None:
    finance = task_at(directive, "II.3")
    api = ApiClient("demo-editor")
    response = api.send(
        "PATCH", f"/tasks/{finance.pk}", {"version": finance.version, "deadline": "2025-07-30"}
    )
    assert response.status_code == 403
    response = api.send(
        "POST",
        f"/tasks/{finance.pk}/extensions",
        {"requested_deadline": "2025-06-30", "reason": "Chờ số liệu"},
    )
    assert response.status_code == 201
    extension_id = response.json()["id"]
    assert (
        api.send(
            "POST", f"/tasks/extensions/{extension_id}/decision", {"approve": True}
        ).status_code
        == 403
    )


def test_the_steering_committee_sees_every_task_and_the_editor_only_its_own(
    directive: Directive,
) -> None:
    assert ApiClient("demo-steering").get("/tasks", page_size=100).json()["count"] == 12
    assert ApiClient("demo-steering-hd").get("/tasks", page_size=100).json()["count"] == 12
    assert [t["clause"] for t in ApiClient("demo-editor").get("/tasks").json()["items"]] == ["II.3"]
    assert sorted(
        t["clause"] for t in ApiClient("demo-editor-xd").get("/tasks").json()["items"]
    ) == ["II.4", "II.8"]


def test_the_task_page_refuses_an_outsider_with_404_and_shows_the_form_to_the_lead(
    directive: Directive,
) -> None:
    housing = task_at(directive, "II.4")
    assert client_for("demo-editor").get(f"/workplan/tasks/{housing.pk}/").status_code == 404
    page = client_for("demo-editor-xd").get(f"/workplan/tasks/{housing.pk}/")
    assert page.status_code == 200
    assert 'data-testid="progress-form"' in page.content.decode()
    steering = client_for("demo-steering").get(f"/workplan/tasks/{housing.pk}/").content.decode()
    assert 'data-testid="progress-form"' not in steering
