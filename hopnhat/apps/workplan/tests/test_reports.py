"""The periodic report: the DOCX and XLSX are opened and their content checked against the database."""

from __future__ import annotations

import io

import pytest
from docx import Document
from openpyxl import load_workbook

from hopnhat.apps.workplan.models import Directive, Obstacle, StatusChoice, Task
from hopnhat.apps.workplan.reports import period_window
from hopnhat.apps.workplan.tests.builders import d, demo_directive
from hopnhat.common.testing import ApiClient, client_for

pytestmark = pytest.mark.usefixtures("demo")
AS_OF = "2025-06-20"


@pytest.fixture
def directive() -> Directive:
    return demo_directive()


def expected_rows() -> list[tuple[str, str, str, str]]:
    rows = []
    for task in Task.objects.active().with_status(d(20, 6)).select_related("lead_org"):
        deadline = task.deadline.strftime("%d/%m/%Y") if task.deadline else ""
        rows.append(
            (task.title, task.lead_org.name, deadline, str(StatusChoice(task.status).label))
        )  # type: ignore[attr-defined]
    return rows


def test_the_periods_follow_the_cut_off_date() -> None:
    assert period_window(d(14, 6), "month") == (d(15, 5), d(14, 6))  # Decree 09/2019: 15th to 14th
    assert period_window(d(20, 6), "week") == (d(14, 6), d(20, 6))
    assert period_window(d(14, 6), "quarter") == (d(15, 3), d(14, 6))
    assert period_window(d(31, 3), "month") == (d(1, 3), d(31, 3))


def test_the_docx_report_holds_the_form_and_every_task_as_in_the_database(
    directive: Directive,
) -> None:
    response = ApiClient("demo-steering").get(
        "/reports/progress", as_of=AS_OF, period="month", format="docx"
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.wordprocessingml"
    )
    document = Document(io.BytesIO(response.content))
    text = "\n".join(p.text for p in document.paragraphs)
    header_cells = [cell.text for cell in document.tables[0].rows[0].cells]
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in header_cells[1]
    assert "20/06/2025" in text
    assert "21/05/2025" in text
    summary = {row.cells[0].text: row.cells[1].text for row in document.tables[1].rows}
    assert summary[str(StatusChoice.OVERDUE.label)] == "1"
    assert summary[str(StatusChoice.DONE_ON_TIME.label)] == "2"
    assert (
        summary[
            next(
                k
                for k in summary
                if k not in {str(c.label) for c in StatusChoice} and summary[k].isdigit()
            )
        ]
        == "12"
    )
    task_rows = [
        tuple(cell.text for cell in row.cells)
        for table in document.tables[2:]
        for row in table.rows[1:]
    ]
    assert len(task_rows) == 12
    for title, lead, deadline, status in expected_rows():
        row = next(r for r in task_rows if r[1].startswith(title))
        assert (row[2], row[4]) == (lead, status)
        if deadline:
            assert row[3] == deadline
    late = next(r for r in task_rows if r[1].startswith("Hoàn thiện dự thảo Báo cáo chính trị"))
    assert "tổng hợp chậm" in late[6]  # reason for delay
    assert "25/06/2025" in late[6]  # the pending extension
    assert "Đề nghị gia hạn" in late[7]  # proposal
    for obstacle in Obstacle.objects.all():
        assert obstacle.text in text
        assert obstacle.addressed_to in text


def test_the_xlsx_report_holds_the_same_figures_and_rows(directive: Directive) -> None:
    response = client_for("demo-steering").get(
        "/workplan/reports/", {"as_of": AS_OF, "period": "week", "format": "xlsx"}
    )
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [tuple(cell.value for cell in row) for row in sheet.iter_rows()]
    assert rows[0][4] == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    labels = {row[0]: row[1] for row in rows if row and isinstance(row[0], str)}
    assert labels[str(StatusChoice.OVERDUE.label)] == 1
    assert labels[str(StatusChoice.DONE_ON_TIME.label)] == 2
    assert labels[str(StatusChoice.NOT_STARTED.label)] == 5
    assert labels[str(StatusChoice.IN_PROGRESS.label)] == 4
    task_rows = [
        row
        for row in rows
        if isinstance(row[0], int) and isinstance(row[1], str) and len(row) >= 8 and row[4]
    ]
    by_title = {row[1]: row for row in task_rows}
    for title, lead, deadline, status in expected_rows():
        row = by_title[title]
        assert (row[2], row[4]) == (lead, status)
        if deadline:
            assert row[3].strftime("%d/%m/%Y") == deadline
    texts = {row[1] for row in rows}
    assert all(obstacle.text in texts for obstacle in Obstacle.objects.all())


def test_an_editor_s_report_holds_only_the_tasks_it_reads(directive: Directive) -> None:
    response = ApiClient("demo-editor").get("/reports/progress", as_of=AS_OF, format="xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    statuses = {str(choice.label) for choice in StatusChoice}
    titles = [row[1].value for row in sheet.iter_rows() if row[4].value in statuses]
    assert titles == [Task.objects.get(directive=directive, clause__ref="II.3").title]
    texts = {row[1].value for row in sheet.iter_rows()}
    assert Obstacle.objects.get(raised_by_org__code="31.STC").text in texts
    assert Obstacle.objects.get(raised_by_org__code="31.SNV").text not in texts
