"""A crosswalk result -> CSV or XLSX bytes, codes always written as text."""

from __future__ import annotations

import csv
import io
from typing import Any

from django.utils.translation import gettext as _

from hopnhat.apps.crosswalk.actions import CrosswalkResult

FIXED_COLUMNS = ("code", "name", "province_code", "province_name")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def header(result: CrosswalkResult) -> list[str]:
    return [*FIXED_COLUMNS, *result.columns]


def table_rows(result: CrosswalkResult) -> list[list[Any]]:
    return [
        [row.code, row.name, row.province_code, row.province_name]
        + [_plain(row.values[name]) for name in result.columns]
        for row in result.rows
    ]


def _plain(value: float) -> float | int:
    return int(value) if float(value).is_integer() else value


def report_rows(result: CrosswalkResult) -> list[list[str]]:
    """(old code, what happened) for every code that did not pass cleanly."""
    rows = [[code, _("not in the crosswalk: left out")] for code in result.unmatched_codes]
    rows += [
        [code, _("divided without the chosen share: left out")] for code in result.unweighted_codes
    ]
    rows += [
        [p.code, _("row %(row)s: read as the number %(number)s, zero-padded")
         % {"row": p.row, "number": p.as_read}]
        for p in result.padded
    ]  # fmt: skip
    return rows


def write_csv(result: CrosswalkResult) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(header(result))
    writer.writerows(table_rows(result))
    # The BOM lets Excel open the Vietnamese names as UTF-8.
    return buffer.getvalue().encode("utf-8-sig")


def write_xlsx(result: CrosswalkResult) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "crosswalk"
    sheet.append(header(result))
    for row in table_rows(result):
        sheet.append(row)
    for cells in sheet.iter_rows(min_row=2, max_col=len(FIXED_COLUMNS)):
        for cell in cells:
            cell.number_format = "@"  # codes stay text: "00001", not 1
    report = workbook.create_sheet("report")
    report.append([_("old code"), _("note")])
    for row in report_rows(result):
        report.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def write(result: CrosswalkResult, file_format: str) -> bytes:
    return write_xlsx(result) if file_format == "xlsx" else write_csv(result)


def filename(result: CrosswalkResult, file_format: str) -> str:
    return f"crosswalk_{result.on:%Y-%m-%d}_{result.weighting}.{file_format}"
