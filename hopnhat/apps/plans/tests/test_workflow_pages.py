"""The plan workflow from the plan page (docs/decisions/0004-plan-workflow.md).

Each step by the user the decision record names, through the server-rendered forms; refusals
answer the 403 page with a denied audit record and leave the plan as it was; a step that does
not exist, or a decline without an explanation, is a form error; enactment writes the registry.
"""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from hopnhat.apps.audit.models import AuditRecord
from hopnhat.apps.plans.actions import create_plan
from hopnhat.apps.plans.models import Comment, Plan, PlanReviewer, PlanStatus
from hopnhat.apps.plans.tests.builders import draft_copy, member
from hopnhat.apps.territory.models import ChangeEvent, Unit
from hopnhat.common.testing import client_for, org, user

pytestmark = pytest.mark.django_db

EFFECTIVE = datetime.date(2025, 12, 1)


def denied(action: str) -> int:
    return AuditRecord.objects.filter(action=action, outcome="denied").count()


def audited(action: str) -> int:
    return AuditRecord.objects.filter(action=action).exclude(outcome="denied").count()


def small_plan() -> Plan:
    """On the units of 1/7/2025: Phường Thành Đông merged into Phường Hải Dương."""
    return create_plan(
        actor=user("demo-coordinator"),
        name="Hợp nhất Thành Đông và Hải Dương",
        owner_org=org("31.SNV"),
        provinces=["31"],
        new_province_code="31",
        base_date=datetime.date(2025, 7, 1),
        target_date=EFFECTIVE,
        payload={
            "units": [
                {
                    "key": "10525",
                    "name": "Hải Dương",
                    "constituents": [
                        {"old_code": "10507", "relation": "whole"},
                        {"old_code": "10525", "relation": "whole"},
                    ],
                }
            ],
            "not_arranged": [],
        },
    )


def step(username: str, plan: Plan, to: str, note: str = "") -> Any:
    return client_for(username).post(f"/plans/{plan.pk}/status/", {"to": to, "note": note})


def sign(username: str, plan: Plan, locality: str) -> Any:
    return client_for(username).post(f"/plans/{plan.pk}/signoffs/", {"locality": locality})


def status_of(plan: Plan) -> str:
    plan.refresh_from_db()
    return plan.status


def test_an_approved_plan_goes_every_step_on_the_page_and_is_enacted(enacted: Plan) -> None:
    plan = small_plan()
    page = client_for("demo-coordinator").get(f"/plans/{plan.pk}/").content.decode()
    assert 'data-testid="step-consultation"' in page
    assert 'data-testid="enact-form"' not in page

    # draft ⇄ consultation: the owner's editors and the coordinators.
    assert step("demo-coordinator", plan, "consultation").status_code == 302
    assert status_of(plan) == PlanStatus.CONSULTATION
    assert step("demo-coordinator", plan, "draft").status_code == 302
    assert status_of(plan) == PlanStatus.DRAFT
    step("demo-coordinator", plan, "consultation", note="Gửi lấy ý kiến")
    # The locality's lead signs off; the last sign-off makes the plan agreed.
    page = client_for("demo-steering").get(f"/plans/{plan.pk}/").content.decode()
    assert 'data-testid="signoff-31"' in page
    assert sign("demo-steering", plan, "31").status_code == 302
    assert status_of(plan) == PlanStatus.AGREED
    # agreed → consultation (reopened) withdraws the sign-offs.
    assert step("demo-coordinator", plan, "consultation").status_code == 302
    assert status_of(plan) == PlanStatus.CONSULTATION
    assert plan.signoffs.count() == 0
    sign("demo-steering", plan, "31")
    assert status_of(plan) == PlanStatus.AGREED
    assert step("demo-steering", plan, "submitted").status_code == 302
    assert status_of(plan) == PlanStatus.SUBMITTED

    # The coordinator assigns the Ministry's reviewer, who appraises, returns, then approves.
    added = client_for("demo-coordinator").post(
        f"/plans/{plan.pk}/reviewers/", {"user": "demo-reviewer"}
    )
    assert added.status_code == 302
    assert PlanReviewer.objects.filter(plan=plan, user=user("demo-reviewer")).exists()
    page = client_for("demo-reviewer").get(f"/plans/{plan.pk}/").content.decode()
    assert 'data-testid="step-under_appraisal"' in page
    assert step("demo-reviewer", plan, "under_appraisal").status_code == 302
    assert status_of(plan) == PlanStatus.UNDER_APPRAISAL
    assert step("demo-reviewer", plan, "consultation").status_code == 302
    assert status_of(plan) == PlanStatus.CONSULTATION
    sign("demo-steering", plan, "31")
    step("demo-steering", plan, "submitted")
    step("demo-reviewer", plan, "under_appraisal")
    assert step("demo-reviewer", plan, "approved").status_code == 302
    assert status_of(plan) == PlanStatus.APPROVED
    steps = AuditRecord.objects.filter(action="plans.plan.status", object_id=str(plan.pk))
    assert steps.exclude(outcome="denied").count() == 10

    # Only coordinators enact: the steering committee gets the 403 page, nothing is written.
    form = {
        "effective_date": EFFECTIVE.isoformat(),
        "document_number": "9999/NQ-UBTVQH15",
        "signed_on": "2025-11-20",
        "issuer": "Ủy ban Thường vụ Quốc hội",
        "clause": "khoản 3 Điều 1",
        "title": "Nghị quyết thử nghiệm",
    }
    refused = client_for("demo-steering").post(f"/plans/{plan.pk}/enact/", form)
    assert refused.status_code == 403
    assert denied("plans.enact") == 1
    assert status_of(plan) == PlanStatus.APPROVED
    # An effective date on or before the base date is refused by enact(): a form error.
    early = client_for("demo-coordinator").post(
        f"/plans/{plan.pk}/enact/",
        {**form, "effective_date": "2025-06-01", "signed_on": "2025-05-01"},
    )
    assert early.status_code == 422
    assert 'data-testid="form-error"' in early.content.decode()
    assert not Unit.objects.filter(valid_from=datetime.date(2025, 6, 1)).exists()

    page = client_for("demo-coordinator").get(f"/plans/{plan.pk}/").content.decode()
    assert 'data-testid="enact-form"' in page
    enacted_now = client_for("demo-coordinator").post(f"/plans/{plan.pk}/enact/", form)
    assert enacted_now.status_code == 302
    assert status_of(plan) == PlanStatus.ENACTED
    assert plan.legal_basis == "9999/NQ-UBTVQH15"
    assert plan.effective_date == EFFECTIVE
    new = Unit.objects.get(code="10525", valid_from=EFFECTIVE)
    assert new.full_name == "Phường Hải Dương"
    event = ChangeEvent.objects.filter(edges__new_unit=new).distinct().get()
    assert event.kind == "merge"
    assert event.clause == "khoản 3 Điều 1"
    assert event.legal_document is not None
    assert event.legal_document.number == "9999/NQ-UBTVQH15"
    assert event.legal_document.issuer == "Ủy ban Thường vụ Quốc hội"
    assert event.legal_document.signed_on == datetime.date(2025, 11, 20)
    assert sorted(e.old_unit.code for e in event.edges.select_related("old_unit")) == [
        "10507",
        "10525",
    ]
    for code in ("10507", "10525"):
        closed = Unit.objects.get(code=code, valid_from=datetime.date(2025, 7, 1))
        assert closed.valid_to == datetime.date(2025, 11, 30)
    assert audited("plans.plan.enact") == 1

    # The plan page then links to the unit's card in the registry.
    page = client_for("demo-coordinator").get(f"/plans/{plan.pk}/").content.decode()
    card = f"/territory/units/10525/?level=commune&amp;on={EFFECTIVE.isoformat()}"
    assert card in page
    assert 'data-testid="enact-form"' not in page
    assert client_for("demo-coordinator").get(card.replace("&amp;", "&")).status_code == 200


def test_each_locality_signs_off_for_itself_only(enacted: Plan) -> None:
    plan = draft_copy(enacted)
    step("demo-coordinator", plan, "consultation")
    page = client_for("demo-coordinator-hd").get(f"/plans/{plan.pk}/").content.decode()
    assert 'data-testid="signoff-30"' in page
    assert 'data-testid="signoff-31"' not in page

    # A Hải Dương coordinator cannot speak for Hải Phòng; editors never sign off.
    hp_editor = member("hp-snv-editor", "31.SNV", "editor")
    assert sign("demo-coordinator-hd", plan, "31").status_code == 403
    assert sign(hp_editor.username, plan, "30").status_code == 403
    assert sign(hp_editor.username, plan, "31").status_code == 403
    assert denied("plans.signoff") == 3
    # A Hải Dương editor does not even see a plan owned by Hải Phòng's department.
    assert sign("demo-editor-hd", plan, "30").status_code == 404
    assert denied("plans.plan.read") == 1
    assert plan.signoffs.count() == 0
    assert status_of(plan) == PlanStatus.CONSULTATION

    assert sign("demo-coordinator-hd", plan, "30").status_code == 302
    assert status_of(plan) == PlanStatus.CONSULTATION
    assert sign("demo-steering", plan, "31").status_code == 302
    assert status_of(plan) == PlanStatus.AGREED
    assert set(plan.signoffs.values_list("locality__code", flat=True)) == {"30", "31"}
    # Submission is the leads' step, not an editor's.
    assert step(hp_editor.username, plan, "submitted").status_code == 403
    assert denied("plans.status.submitted") == 1
    assert status_of(plan) == PlanStatus.AGREED


def test_a_reviewer_comments_but_takes_no_owner_step(enacted: Plan) -> None:
    plan = small_plan()
    client_for("demo-coordinator").post(f"/plans/{plan.pk}/reviewers/", {"user": "demo-reviewer"})
    reviewer = client_for("demo-reviewer")
    page = reviewer.get(f"/plans/{plan.pk}/").content.decode()
    assert 'data-testid="status-form"' not in page
    assert 'data-testid="reviewer-form"' not in page

    refused = step("demo-reviewer", plan, "consultation")
    assert refused.status_code == 403
    assert 'data-testid="error-403"' in refused.content.decode()
    assert denied("plans.status.consultation") == 1
    assert status_of(plan) == PlanStatus.DRAFT
    assigned = reviewer.post(f"/plans/{plan.pk}/reviewers/", {"user": "demo-reviewer"})
    assert assigned.status_code == 403
    assert denied("plans.plan.edit") == 1

    commented = reviewer.post(
        f"/plans/{plan.pk}/comments/", {"text": "Nêu rõ lý do đặt tên.", "unit_key": "10525"}
    )
    assert commented.status_code == 302
    comment = Comment.objects.get(plan=plan)
    assert (comment.unit_key, comment.new_unit is not None) == ("10525", True)
    assert audited("plans.comment.add") == 1
    resolved = reviewer.post(
        f"/plans/{plan.pk}/comments/{comment.pk}/resolve/", {f"c{comment.pk}-status": "addressed"}
    )
    assert resolved.status_code == 403
    assert denied("plans.comment.resolve") == 1
    comment.refresh_from_db()
    assert comment.status == "open"


def test_a_step_that_does_not_exist_is_a_form_error(enacted: Plan) -> None:
    plan = small_plan()
    skipped = step("demo-coordinator", plan, "approved")
    assert skipped.status_code == 422
    assert 'data-testid="form-error"' in skipped.content.decode()
    unknown = step("demo-coordinator", plan, "bogus")
    assert unknown.status_code == 422
    assert 'data-testid="field-error"' in unknown.content.decode()
    assert status_of(plan) == PlanStatus.DRAFT
    # Signing off a draft is refused with the reason, not a 403: the lead has the right.
    early = sign("demo-steering", plan, "31")
    assert early.status_code == 422
    assert 'data-testid="workflow-error"' in early.content.decode()
    assert plan.signoffs.count() == 0


def test_a_declined_comment_needs_an_explanation(enacted: Plan) -> None:
    plan = small_plan()
    viewer = client_for("demo-viewer")
    assert viewer.post(f"/plans/{plan.pk}/comments/", {"text": "   "}).status_code == 422
    assert (
        viewer.post(f"/plans/{plan.pk}/comments/", {"text": "Đề nghị giữ tên cũ."}).status_code
        == 302
    )
    comment = Comment.objects.get(plan=plan)
    assert comment.unit_key == ""
    path = f"/plans/{plan.pk}/comments/{comment.pk}/resolve/"
    prefix = f"c{comment.pk}"

    coordinator = client_for("demo-coordinator")
    refused = coordinator.post(path, {f"{prefix}-status": "declined", f"{prefix}-response": " "})
    assert refused.status_code == 422
    assert 'data-testid="field-error"' in refused.content.decode()
    comment.refresh_from_db()
    assert (comment.status, comment.response) == ("open", "")
    assert audited("plans.comment.resolve") == 0

    answered = coordinator.post(
        path, {f"{prefix}-status": "declined", f"{prefix}-response": "Tên mới theo Điều 7 khoản 2."}
    )
    assert answered.status_code == 302
    comment.refresh_from_db()
    assert (comment.status, comment.response) == ("declined", "Tên mới theo Điều 7 khoản 2.")
    assert comment.resolved_by == user("demo-coordinator")
    assert audited("plans.comment.resolve") == 1
    addressed = coordinator.post(path, {f"{prefix}-status": "addressed"})
    assert addressed.status_code == 302
    comment.refresh_from_db()
    assert comment.status == "addressed"
    # A viewer may comment but not resolve.
    assert viewer.post(path, {f"{prefix}-status": "open"}).status_code == 403
    comment.refresh_from_db()
    assert comment.status == "addressed"
