"""The progress report as DOCX and XLSX, and the task list as XLSX."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable

from django.utils.translation import gettext as _
from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from hopnhat.apps.workplan.models import ObstacleStatus, StatusChoice, Task
from hopnhat.apps.workplan.reports import PERIODS, ProgressReport

DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DATE_FORMAT = "DD/MM/YYYY"


def vn_date(day: dt.date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else ""


def period_text(report: ProgressReport) -> str:
    return _(
        "Reporting period: %(period)s, from %(start)s to %(end)s; data cut-off date: %(as_of)s"
    ) % {
        "period": PERIODS.get(report.period, report.period),
        "start": vn_date(report.start),
        "end": vn_date(report.end),
        "as_of": vn_date(report.as_of),
    }


def rate_text(report: ProgressReport) -> str:
    return "" if report.rate is None else f"{report.rate * 100:.1f}%"


def deadline_text(deadline: dt.date | None, recurrence: str) -> str:
    return vn_date(deadline) or recurrence or _("No deadline")


def table_headings() -> list[str]:
    return [
        _("No."),
        _("Task"),
        _("Lead organisation"),
        _("Deadline"),
        _("Status"),
        _("Result and evidence"),
        _("Reasons for delay"),
        _("Proposals"),
    ]


def summary_headings(report: ProgressReport) -> list[tuple[str, str]]:
    return [
        (_("Total tasks"), str(report.total)),
        *[(label, str(count)) for label, count in report.summary_lines()],
        (_("On-time completion rate"), rate_text(report)),
    ]


def result_text(row_result: str, evidence: Iterable[str], percent: int) -> str:
    parts = [f"{percent}%"]
    if row_result:
        parts.append(row_result)
    names = list(evidence)
    if names:
        parts.append(_("Evidence: %(files)s") % {"files": ", ".join(names)})
    return " – ".join(parts)


def obstacle_status_label(status: str) -> str:
    return str(ObstacleStatus(status).label)


def report_docx(report: ProgressReport) -> bytes:
    document = Document()
    for section in document.sections:
        section.left_margin = section.right_margin = Cm(2)
    style = document.styles["Normal"]
    style.font.name = "Times New Roman"
    style.font.size = Pt(12)
    header = document.add_table(rows=1, cols=2)
    header.alignment = WD_TABLE_ALIGNMENT.CENTER
    left, right = header.rows[0].cells
    left.text = ""
    _bold_line(left, (report.issuer or _("Work plan tracking")).upper())
    left.add_paragraph(_("No.: …/BC"))
    right.text = ""
    _bold_line(right, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    _bold_line(right, "Độc lập - Tự do - Hạnh phúc")
    right.add_paragraph(
        _("%(day)02d/%(month)02d/%(year)d")
        % {"day": report.as_of.day, "month": report.as_of.month, "year": report.as_of.year}
    )
    title = document.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.add_run(_("REPORT")).bold = True
    subtitle = document.add_paragraph(
        _("Progress of the tasks assigned by the steering directives")
    )
    subtitle.alignment = WD_ALIGN_PARAGRAPH.CENTER
    document.add_paragraph(period_text(report)).alignment = WD_ALIGN_PARAGRAPH.CENTER
    if report.directives:
        document.add_paragraph(_("Directives: %(list)s") % {"list": "; ".join(report.directives)})

    document.add_heading(_("I. SUMMARY FIGURES"), level=2)
    summary = document.add_table(rows=0, cols=2)
    summary.style = "Table Grid"
    for label, value in summary_headings(report):
        cells = summary.add_row().cells
        cells[0].text, cells[1].text = label, value

    document.add_heading(_("II. RESULTS BY TASK GROUP"), level=2)
    for number, group in enumerate(report.groups, start=1):
        document.add_heading(f"{number}. {group.title}", level=3)
        table = document.add_table(rows=1, cols=8)
        table.style = "Table Grid"
        for cell, heading in zip(table.rows[0].cells, table_headings(), strict=True):
            cell.text = ""
            cell.paragraphs[0].add_run(heading).bold = True
        for row in group.rows:
            cells = table.add_row().cells
            values = [
                row.number,
                f"{row.title} ({_('clause')} {row.clause})" if row.clause else row.title,
                row.lead,
                deadline_text(row.deadline, row.recurrence),
                row.status_label,
                result_text(row.result, row.evidence, row.percent),
                row.reasons,
                row.proposals,
            ]
            for cell, value in zip(cells, values, strict=True):
                cell.text = value

    document.add_heading(_("III. OBSTACLES AND RECOMMENDATIONS"), level=2)
    if not report.obstacles:
        document.add_paragraph(_("None reported."))
    for number, obstacle in enumerate(report.obstacles, start=1):
        paragraph = document.add_paragraph(f"{number}. {obstacle.text} ")
        paragraph.add_run(
            _("(raised by %(org)s on %(date)s, addressed to %(to)s; %(status)s)")
            % {
                "org": obstacle.raised_by_org.name,
                "date": vn_date(obstacle.raised_on),
                "to": obstacle.addressed_to,
                "status": obstacle_status_label(obstacle.status),
            }
        ).italic = True
        if obstacle.answer:
            document.add_paragraph(_("Answer: %(answer)s") % {"answer": obstacle.answer})
    closing = document.add_paragraph()
    closing.add_run(_("Recipients:")).bold = True
    document.add_paragraph(_("- The steering committee; - Archive."))
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _bold_line(cell: object, text: str) -> None:
    paragraph = cell.add_paragraph() if cell.paragraphs[0].text else cell.paragraphs[0]  # type: ignore[attr-defined]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.add_run(text).bold = True


def report_xlsx(report: ProgressReport) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = _("Report")[:31]
    bold = Font(bold=True)
    sheet.append(
        [
            (report.issuer or _("Work plan tracking")).upper(),
            "",
            "",
            "",
            "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        ]
    )
    sheet.append(["", "", "", "", "Độc lập - Tự do - Hạnh phúc"])
    sheet.append([_("REPORT")])
    sheet.append([_("Progress of the tasks assigned by the steering directives")])
    sheet.append([period_text(report)])
    sheet.append([_("Data cut-off date"), report.as_of])
    sheet.cell(sheet.max_row, 2).number_format = DATE_FORMAT
    for line in (1, 3):
        sheet.cell(line, 1).font = bold
    sheet.append([])
    sheet.append([_("I. SUMMARY FIGURES")])
    sheet.cell(sheet.max_row, 1).font = bold
    sheet.append([_("Total tasks"), report.total])
    for label, count in report.summary_lines():
        sheet.append([label, count])
    sheet.append([_("On-time completion rate"), report.rate])
    if report.rate is not None:
        sheet.cell(sheet.max_row, 2).number_format = "0.0%"
    sheet.append([])
    sheet.append([_("II. RESULTS BY TASK GROUP")])
    sheet.cell(sheet.max_row, 1).font = bold
    for number, group in enumerate(report.groups, start=1):
        sheet.append([f"{number}. {group.title}"])
        sheet.cell(sheet.max_row, 1).font = bold
        sheet.append(table_headings())
        for cell in sheet[sheet.max_row]:
            cell.font = bold
        for row in group.rows:
            sheet.append(
                [
                    int(row.number),
                    row.title,
                    row.lead,
                    row.deadline or row.recurrence or _("No deadline"),
                    row.status_label,
                    result_text(row.result, row.evidence, row.percent),
                    row.reasons,
                    row.proposals,
                ]
            )
            if row.deadline:
                sheet.cell(sheet.max_row, 4).number_format = DATE_FORMAT
    sheet.append([])
    sheet.append([_("III. OBSTACLES AND RECOMMENDATIONS")])
    sheet.cell(sheet.max_row, 1).font = bold
    sheet.append(
        [
            _("No."),
            _("Obstacle or recommendation"),
            _("Raised by"),
            _("Raised on"),
            _("Addressed to"),
            _("Status"),
            _("Answer"),
        ]
    )
    for cell in sheet[sheet.max_row]:
        cell.font = bold
    for number, obstacle in enumerate(report.obstacles, start=1):
        sheet.append(
            [
                number,
                obstacle.text,
                obstacle.raised_by_org.name,
                obstacle.raised_on,
                obstacle.addressed_to,
                obstacle_status_label(obstacle.status),
                obstacle.answer,
            ]
        )
        sheet.cell(sheet.max_row, 4).number_format = DATE_FORMAT
    for column, width in zip("ABCDEFGH", (6, 60, 35, 14, 16, 45, 35, 35), strict=True):
        sheet.column_dimensions[column].width = width
    for row in sheet.iter_rows():
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def task_list_xlsx(tasks: Iterable[Task], *, as_of: dt.date) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = _("Tasks")[:31]
    sheet.append(
        [
            _("Id"),
            _("Directive"),
            _("Clause"),
            _("Task"),
            _("Lead organisation"),
            _("Deadline"),
            _("Status"),
            _("Progress (%)"),
            _("Priority"),
        ]
    )
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for task in tasks:
        status = getattr(task, "status", None) or task.status_on(as_of)
        sheet.append(
            [
                task.pk,
                task.directive.number,
                task.clause.ref if task.clause else "",
                task.title,
                task.lead_org.name if task.lead_org else "",
                task.deadline,
                str(StatusChoice(status).label),
                task.percent,
                task.get_priority_display(),
            ]
        )
        if task.deadline:
            sheet.cell(sheet.max_row, 6).number_format = DATE_FORMAT
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
