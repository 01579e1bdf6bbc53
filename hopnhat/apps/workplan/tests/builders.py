"""The demo work plan and small helpers for the work plan tests."""

from __future__ import annotations

import datetime as dt
import io

from django.conf import settings

from hopnhat.apps.workplan.demo import FIXTURE, load_demo_workplan
from hopnhat.apps.workplan.models import Directive, Task

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"


def d(day: int, month: int, year: int = 2025) -> dt.date:
    return dt.date(year, month, day)


def fixture_text() -> str:
    return FIXTURE.read_text(encoding="utf-8")


def demo_directive() -> Directive:
    load_demo_workplan()
    return Directive.objects.get(number="01-TB/TTTU-TTTU")


def task_at(directive: Directive, ref: str, sequence: int = 0) -> Task:
    return Task.objects.select_related("lead_org", "directive", "clause").get(
        directive=directive, clause__ref=ref, sequence=sequence
    )


def fixture_docx() -> bytes:
    from docx import Document

    document = Document()
    for line in fixture_text().splitlines():
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def fixture_pdf() -> bytes:
    """The notice typeset as a PDF with a text layer (DejaVu carries the Vietnamese letters)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate

    pdfmetrics.registerFont(TTFont("DejaVu", FONT))
    style = ParagraphStyle("body", fontName="DejaVu", fontSize=10, leading=13)
    buffer = io.BytesIO()
    story = [Paragraph(line or "&nbsp;", style) for line in fixture_text().splitlines()]
    SimpleDocTemplate(buffer, pagesize=A4).build(story)
    return buffer.getvalue()


assert settings  # keep the import: tests use settings overrides through this module's callers
