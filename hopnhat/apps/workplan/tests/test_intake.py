"""Intake of the conclusion notice 01-TB/TTTU-TTTU through the page: proposals, review, confirmation."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile

from hopnhat.apps.audit.models import AuditRecord
from hopnhat.apps.workplan.models import Directive, DirectiveState, Notification, Task, TaskState
from hopnhat.apps.workplan.tests.builders import FONT, d, fixture_docx, fixture_pdf, fixture_text
from hopnhat.common.testing import client_for, org

pytestmark = pytest.mark.usefixtures("demo")

# (clause, sequence, lead code, joint lead codes, co-operating codes, deadline, recurrence)
EXPECTED = [
    ("II.1", 0, "31.BCSD", [], ["30.BCSD"], d(10, 7), ""),
    ("II.2", 0, "31.TU.BTC", [], ["30.TU.BTC"], None, ""),
    ("II.3", 0, "31.STC", ["30.STC"], [], d(20, 6), ""),
    ("II.4", 0, "31.SXD", [], [], d(31, 7), ""),
    ("II.5", 0, "31.SKHCN", ["30.SKHCN"], [], d(30, 6), ""),
    ("II.6", 0, "31.TU.TBVK", [], [], d(15, 6), ""),
    ("II.6", 1, "31.TU.TBVK", [], [], d(31, 8), ""),
    ("II.6", 2, "31.TU.TBVK", [], [], d(30, 9), ""),
    ("II.7", 0, "31.TU.BTGDV", [], ["30.TU.BTGDV"], None, "continuous"),
    ("II.8", 0, "31.SXD", [], [], d(30, 7), ""),
    ("II.9", 0, "31.STP", ["30.STP"], [], d(30, 9), ""),
    ("II.10", 0, "31.UBND", ["30.UBND"], [], d(25, 6), ""),
]


def file_by_page(**data: object) -> Directive:
    client = client_for("demo-coordinator")
    response = client.post("/workplan/directives/new/", {"owner_org": "31.SNV", **data})
    assert response.status_code == 302, response.content.decode()[:2000]
    directive = Directive.objects.get()
    assert response["Location"] == f"/workplan/directives/{directive.pk}/review/"
    return directive


@pytest.fixture
def directive() -> Directive:
    return file_by_page(text=fixture_text())


def proposed(directive: Directive, ref: str, sequence: int) -> Task:
    return Task.objects.get(directive=directive, clause__ref=ref, sequence=sequence)


def test_pasting_the_notice_proposes_twelve_draft_tasks_and_keeps_its_header(
    directive: Directive,
) -> None:
    assert directive.state == DirectiveState.DRAFT
    assert (directive.number, directive.issued_on, directive.kind) == (
        "01-TB/TTTU-TTTU",
        d(5, 6),
        "thong_bao_ket_luan",
    )
    assert directive.clauses.count() == 11
    assert directive.tasks.filter(state=TaskState.PROPOSED).count() == 12
    assert AuditRecord.objects.filter(
        action="workplan.directive.create", object_id=str(directive.pk)
    ).exists()


@pytest.mark.parametrize(
    ("ref", "sequence", "lead", "joint", "co", "deadline", "recurrence"), EXPECTED
)
def test_each_proposed_task_has_its_lead_partners_and_deadline(
    directive: Directive,
    ref: str,
    sequence: int,
    lead: str,
    joint: list[str],
    co: list[str],
    deadline: dt.date | None,
    recurrence: str,
) -> None:
    task = proposed(directive, ref, sequence)
    assert task.lead_org == org(lead)
    links = {
        (link.organisation.code, link.role)
        for link in task.participant_links.select_related("organisation")
    }
    assert links == {(code, "joint_lead") for code in joint} | {
        (code, "cooperating") for code in co
    }
    assert task.deadline == deadline
    assert task.recurrence == recurrence
    assert task.clause is not None
    assert task.clause.ref == ref
    assert task.description == task.clause.text


def test_the_three_steps_of_clause_6_follow_one_another(directive: Directive) -> None:
    first, second, third = (proposed(directive, "II.6", n) for n in range(3))
    assert list(second.depends_on.all()) == [first]
    assert list(third.depends_on.all()) == [second]


def test_the_review_page_lists_the_proposals_with_editable_leads_and_deadlines(
    directive: Directive,
) -> None:
    response = client_for("demo-coordinator").get(f"/workplan/directives/{directive.pk}/review/")
    body = response.content.decode()
    assert response.status_code == 200
    assert body.count('data-testid="lead-select"') == 12
    assert 'value="10/07/2025"' in body
    assert "style=" not in body


def test_the_officer_edits_removes_and_confirms_then_leads_are_notified(
    directive: Directive,
) -> None:
    client = client_for("demo-coordinator")
    task = proposed(directive, "II.4", 0)
    dropped = proposed(directive, "II.8", 0)
    response = client.post(
        f"/workplan/directives/{directive.pk}/review/",
        {
            f"title-{task.pk}": "Bố trí nhà ở cho cán bộ chuyển đến",
            f"deadline-{task.pk}": "2025-07-25",
            f"lead-{task.pk}": str(org("31.SXD").pk),
            f"remove-{dropped.pk}": "1",
            "action": "confirm",
        },
    )
    assert response.status_code == 302
    directive.refresh_from_db()
    assert directive.state == DirectiveState.CONFIRMED
    task.refresh_from_db()
    assert (task.title, task.deadline, task.state, task.assigned_on) == (
        "Bố trí nhà ở cho cán bộ chuyển đến",
        d(25, 7),
        TaskState.ACTIVE,
        d(5, 6),
    )
    assert not Task.objects.filter(pk=dropped.pk).exists()
    assert directive.tasks.filter(state=TaskState.ACTIVE).count() == 11
    # Sở Tài chính Hải Phòng's editor is told about the joint task of clause 3, by e-mail too.
    finance = proposed(directive, "II.3", 0)
    assert Notification.objects.filter(
        user__username="demo-editor", task=finance, kind="assigned"
    ).exists()
    assert Notification.objects.filter(
        user__username="demo-editor-hd", task=finance, kind="assigned"
    ).exists()
    assert any("demo-editor@" in ",".join(message.to) for message in mail.outbox)
    assert AuditRecord.objects.filter(action="workplan.directive.confirm").count() == 1


def test_an_editor_cannot_review_a_directive_filed_by_the_coordinators(
    directive: Directive,
) -> None:
    response = client_for("demo-editor").get(f"/workplan/directives/{directive.pk}/review/")
    assert response.status_code in (403, 404)
    assert AuditRecord.objects.filter(actor__username="demo-editor", outcome="denied").exists()


def test_a_docx_upload_gives_the_same_proposals() -> None:
    upload = SimpleUploadedFile("thong-bao.docx", fixture_docx())
    directive = file_by_page(file=upload)
    assert directive.tasks.count() == 12
    assert (
        sorted(str(t.deadline) for t in directive.tasks.exclude(deadline=None))[0] == "2025-06-15"
    )
    assert directive.source_file.name.endswith(".docx")


@pytest.mark.skipif(not Path(FONT).exists(), reason="DejaVu Sans is needed to typeset Vietnamese")
def test_a_pdf_with_a_text_layer_gives_the_same_proposals() -> None:
    directive = file_by_page(file=SimpleUploadedFile("thong-bao.pdf", fixture_pdf()))
    assert directive.tasks.count() == 12
    assert proposed(directive, "II.9", 0).deadline == d(30, 9)


def test_a_file_of_another_type_is_refused_with_a_message() -> None:
    client = client_for("demo-coordinator")
    response = client.post(
        "/workplan/directives/new/",
        {"owner_org": "31.SNV", "file": SimpleUploadedFile("a.odt", b"x")},
    )
    assert response.status_code == 422
    assert not Directive.objects.exists()


def test_the_api_files_a_directive_as_a_draft() -> None:
    from hopnhat.common.testing import ApiClient

    response = ApiClient("demo-coordinator").send("POST", "/directives", {"text": fixture_text()})
    assert response.status_code == 201, response.content
    assert response.json()["task_count"] == 12
