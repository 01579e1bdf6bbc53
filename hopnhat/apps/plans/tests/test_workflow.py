"""Who moves a plan along draft → consultation → agreed → … → enacted, and who comments."""

import datetime

import pytest
from django.utils import translation
from django.utils.translation import gettext

from hopnhat.apps.audit.models import AuditRecord
from hopnhat.apps.plans.actions import assign_reviewer
from hopnhat.apps.plans.models import Comment, Plan, PlanStatus
from hopnhat.apps.plans.registry import enact
from hopnhat.apps.plans.tests.builders import draft_copy
from hopnhat.apps.territory.models import ChangeEvent, Unit
from hopnhat.common.testing import ApiClient, user

pytestmark = pytest.mark.django_db


def _denied(action: str) -> int:
    return AuditRecord.objects.filter(action=action, outcome="denied").count()


def test_a_reviewer_comments_but_cannot_edit(enacted):
    assign_reviewer(actor=user("demo-coordinator"), plan=enacted, user=user("demo-reviewer"))
    plan = draft_copy(enacted)
    assign_reviewer(actor=user("demo-coordinator"), plan=plan, user=user("demo-reviewer"))
    reviewer = ApiClient("demo-reviewer")

    created = reviewer.send(
        "POST", f"/plans/{plan.pk}/comments", {"text": "Nêu rõ lý do đặt tên.", "unit_key": "10525"}
    )
    assert created.status_code == 201
    assert Comment.objects.get(plan=plan).unit_key == "10525"

    loaded = reviewer.get(f"/plans/{plan.pk}/assignments").json()
    response = reviewer.send("PUT", f"/plans/{plan.pk}/assignments", {"version": 1, **loaded})
    assert response.status_code == 403
    assert _denied("plans.plan.edit") == 1
    plan.refresh_from_db()
    assert plan.version == 1


def test_a_reviewer_not_assigned_sees_nothing(enacted):
    assert ApiClient("demo-reviewer").get(f"/plans/{enacted.pk}").status_code == 404
    assert _denied("plans.plan.read") == 1


def test_a_declined_comment_needs_an_explanation(enacted):
    plan = draft_copy(enacted)
    comment_id = (
        ApiClient("demo-viewer")
        .send("POST", f"/plans/{plan.pk}/comments", {"text": "Đề nghị giữ tên cũ."})
        .json()["id"]
    )
    coordinator = ApiClient("demo-coordinator")
    path = f"/plans/{plan.pk}/comments/{comment_id}/resolve"
    assert coordinator.send("POST", path, {"status": "declined"}).status_code == 422
    answered = coordinator.send(
        "POST", path, {"status": "declined", "response": "Tên mới theo Điều 7 khoản 2."}
    )
    assert answered.status_code == 200
    assert Comment.objects.get(pk=comment_id).status == "declined"
    # A viewer may comment but not resolve.
    assert ApiClient("demo-viewer").send("POST", path, {"status": "addressed"}).status_code == 403


def test_an_editor_of_one_locality_cannot_sign_off_for_the_other(enacted):
    plan = draft_copy(enacted)
    coordinator = ApiClient("demo-coordinator")
    moved = coordinator.send("POST", f"/plans/{plan.pk}/status", {"to": "consultation"})
    assert moved.json()["status"] == "consultation"

    for outsider in ("demo-editor-hd", "demo-coordinator-hd"):
        response = ApiClient(outsider).send(
            "POST", f"/plans/{plan.pk}/signoffs", {"locality": "31"}
        )
        assert response.status_code in (403, 404), outsider
    assert (
        ApiClient("demo-coordinator-hd")
        .send("POST", f"/plans/{plan.pk}/signoffs", {"locality": "31"})
        .status_code
        == 403
    )
    assert _denied("plans.signoff") >= 1
    assert plan.signoffs.count() == 0

    assert (
        ApiClient("demo-coordinator-hd")
        .send("POST", f"/plans/{plan.pk}/signoffs", {"locality": "30"})
        .json()["status"]
        == "consultation"
    )
    agreed = ApiClient("demo-steering").send(
        "POST", f"/plans/{plan.pk}/signoffs", {"locality": "31"}
    )
    assert agreed.json()["status"] == "agreed"
    assert {s["locality"] for s in agreed.json()["signoffs"]} == {"30", "31"}


def test_an_approved_plan_is_enacted_into_the_registry(enacted):
    # A plan on the units of 1/7/2025: merge Phường Thành Đông into Phường Hải Dương.
    coordinator = ApiClient("demo-coordinator")
    created = coordinator.send(
        "POST",
        "/plans",
        {
            "name": "Hợp nhất Thành Đông và Hải Dương",
            "owner_org": "31.SNV",
            "provinces": ["31"],
            "base_date": "2025-07-01",
            "target_date": "2025-12-01",
        },
    )
    assert created.status_code == 201, created.json()
    assert created.json()["rule_set_id"] == "nq76-2025"
    plan = Plan.objects.get(pk=created.json()["id"])
    units = [
        {
            "key": "10525",
            "name": "Hải Dương",
            "constituents": [
                {"old_code": "10507", "relation": "whole"},
                {"old_code": "10525", "relation": "whole"},
            ],
        }
    ]
    saved = coordinator.send(
        "PUT", f"/plans/{plan.pk}/assignments", {"version": 1, "units": units, "not_arranged": []}
    )
    assert saved.status_code == 200, saved.json()
    check = coordinator.get(f"/plans/{plan.pk}/check").json()
    assert check["units"][0]["unit_type"] == "phuong"
    # The API answers in the default language, Vietnamese.
    with translation.override("vi"):
        assert check["units"][0]["population_source"] == gettext("sum of the constituents")
    assign_reviewer(actor=user("demo-coordinator"), plan=plan, user=user("demo-reviewer"))
    coordinator.send("POST", f"/plans/{plan.pk}/status", {"to": "consultation"})
    ApiClient("demo-coordinator-hd").send("POST", f"/plans/{plan.pk}/signoffs", {"locality": "30"})
    ApiClient("demo-steering").send("POST", f"/plans/{plan.pk}/signoffs", {"locality": "31"})
    # Submission is the leads' step, not an editor's; appraisal and approval the reviewer's.
    member_editor = ApiClient("demo-editor")
    assert member_editor.send(
        "POST", f"/plans/{plan.pk}/status", {"to": "submitted"}
    ).status_code in (403, 404)
    assert (
        ApiClient("demo-steering")
        .send("POST", f"/plans/{plan.pk}/status", {"to": "submitted"})
        .status_code
        == 200
    )
    reviewer = ApiClient("demo-reviewer")
    assert (
        reviewer.send("POST", f"/plans/{plan.pk}/status", {"to": "under_appraisal"}).status_code
        == 200
    )
    assert (
        reviewer.send("POST", f"/plans/{plan.pk}/status", {"to": "approved"}).json()["status"]
        == "approved"
    )

    plan.refresh_from_db()
    counts = enact(
        actor=user("demo-coordinator"),
        plan=plan,
        effective_date=datetime.date(2025, 12, 1),
        legal_basis="9999/NQ-UBTVQH15",
    )
    assert counts["units_created"] == 1
    new = Unit.objects.get(code="10525", valid_from=datetime.date(2025, 12, 1))
    assert new.full_name == "Phường Hải Dương"
    assert sorted(e.old_unit.code for e in new.predecessor_edges.select_related("old_unit")) == [
        "10507",
        "10525",
    ]
    for code in ("10507", "10525"):
        closed = Unit.objects.get(code=code, valid_from=datetime.date(2025, 7, 1))
        assert closed.valid_to == datetime.date(2025, 11, 30)
    event = ChangeEvent.objects.filter(edges__new_unit=new).distinct().get()
    assert event.legal_document.number == "9999/NQ-UBTVQH15"
    assert event.kind == "merge"
    plan.refresh_from_db()
    assert plan.status == PlanStatus.ENACTED
