"""A pasted text or an uploaded TXT, DOCX or PDF (with a text layer) → a draft directive.

Shared by the intake page, the API and the `import_directive` command.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from hopnhat.apps.directory.models import Organisation
from hopnhat.apps.workplan.actions import file_directive
from hopnhat.apps.workplan.models import Directive
from hopnhat.common.errors import ValidationFailedError

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
ACCEPTED = (".txt", ".docx", ".pdf")


def text_of_file(data: bytes, *, filename: str) -> str:
    suffix = Path(filename).suffix.lower()
    if len(data) > MAX_UPLOAD_BYTES:
        raise ValidationFailedError(
            _("The file is too large."), fields={"file": [_("at most 20 MB")]}
        )
    if suffix == ".txt":
        for encoding in ("utf-8-sig", "utf-16", "cp1258"):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError:
                continue
        raise ValidationFailedError(
            _("The text file is not UTF-8."), fields={"file": [_("unreadable encoding")]}
        )
    if suffix == ".docx":
        return _docx_text(data)
    if suffix == ".pdf":
        return _pdf_text(data)
    raise ValidationFailedError(
        _("Upload a TXT, DOCX or PDF file."),
        fields={"file": [_("accepted: %(list)s") % {"list": ", ".join(ACCEPTED)}]},
    )


def _docx_text(data: bytes) -> str:
    from docx import Document

    try:
        document = Document(io.BytesIO(data))
    except Exception as exc:
        raise ValidationFailedError(
            _("The DOCX file cannot be read."), fields={"file": [str(exc)[:200]]}
        ) from exc
    lines = [paragraph.text for paragraph in document.paragraphs]
    # Letterheads are usually a two-column table: read it before the body, row by row.
    header_lines = [
        cell.text for table in document.tables[:1] for row in table.rows for cell in row.cells
    ]
    return "\n".join([*header_lines, *lines])


def _pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    try:
        reader = PdfReader(io.BytesIO(data))
        text = "\n".join(page.extract_text() or "" for page in reader.pages)
    except Exception as exc:
        raise ValidationFailedError(
            _("The PDF file cannot be read."), fields={"file": [str(exc)[:200]]}
        ) from exc
    if not text.strip():
        raise ValidationFailedError(
            _("The PDF has no text layer (a scan?): paste the text instead."),
            fields={"file": [_("no text")]},
        )
    return text


def intake(
    *, actor: Any, owner_org: Organisation, text: str = "", data: bytes = b"", filename: str = ""
) -> Directive:
    if data:
        text = text_of_file(data, filename=filename)
    return file_directive(
        actor=actor, owner_org=owner_org, text=text, filename=filename, content=data
    )
