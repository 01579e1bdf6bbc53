"""Background job kinds of the address app: converting a whole uploaded table."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from hopnhat.apps.address.actions import convert_file
from hopnhat.apps.jobs.context import JobContext
from hopnhat.apps.jobs.registry import job_kind


def uploads_dir() -> Path:
    return Path(settings.VAR_DIR) / "address" / "uploads"


@job_kind("address.convert_file", title=_("Address conversion of a table"))
def convert_table(
    job: JobContext,
    *,
    upload: str,
    filename: str,
    columns: list[str],
    total_rows: int = 0,
    on: str = "",
    lon_column: str = "",
    lat_column: str = "",
) -> dict[str, Any]:
    """Convert the uploaded table row by row into a CSV result; safe to run again."""
    source = uploads_dir() / Path(upload).name  # only files of the uploads folder
    out = source.with_suffix(".result.csv")

    def progress(rows: int) -> None:
        percent = 99 * rows / total_rows if total_rows else 0
        # Numbers only: the message is shown as stored, in whatever language the reader uses.
        job.report(min(99, percent), f"{rows:,} / {total_rows:,}" if total_rows else f"{rows:,}")

    job.report(0, "")
    summary = convert_file(
        source=source,
        out=out,
        columns=columns,
        on=datetime.date.fromisoformat(on) if on else None,
        filename=filename,
        lon_column=lon_column,
        lat_column=lat_column,
        progress=progress,
    )
    stem = Path(filename).stem or "addresses"
    job.save_result_file(f"{stem}-converted.csv", out)
    out.unlink(missing_ok=True)
    source.unlink(missing_ok=True)
    return summary.as_dict()
