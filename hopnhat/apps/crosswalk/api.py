"""POST /api/v1/crosswalk: a table keyed by old codes in, the same sums on the new units out.

Unit data is public, but a crosswalk costs a file parse and a lineage query: login required.
"""

from __future__ import annotations

import datetime
from typing import Any, Literal

from django.http import HttpRequest, HttpResponse
from ninja import File, Form, Query, Router, Schema
from ninja.files import UploadedFile

from hopnhat.apps.crosswalk import exporters
from hopnhat.apps.crosswalk.actions import CrosswalkResult, run_crosswalk
from hopnhat.apps.crosswalk.importers import CODE_WIDTH, read_table
from hopnhat.apps.territory.models import NEW_VINTAGE_START
from hopnhat.common.api import ErrorOut

router = Router(tags=["crosswalk"])


class RowOut(Schema):
    code: str
    name: str
    province_code: str
    province_name: str
    values: dict[str, float]


class PaddedOut(Schema):
    row: int
    as_read: str
    code: str


class CrosswalkOut(Schema):
    on: datetime.date
    from_date: datetime.date
    level: str
    weighting: str
    key: str
    columns: list[str]
    rows: list[RowOut]
    unmatched_codes: list[str]
    unweighted_codes: list[str]
    padded: list[PaddedOut]
    repeated_codes: list[str]
    input_rows: int
    input_codes: int
    matched_codes: int
    totals_in: dict[str, float]
    totals_out: dict[str, float]


@router.post(
    "",
    response={200: CrosswalkOut, 401: ErrorOut, 422: ErrorOut},
    summary="Re-aggregate a table keyed by old codes onto the new units",
    description=(
        "Multipart upload of a CSV (UTF-8, comma or semicolon) or XLSX table. `key` names the "
        "column of old codes; `columns` (comma-separated) the columns to sum, else every "
        "numeric column. Divided old units are split by `weighting` (area or population). "
        "Old codes are those valid the day before `on`. `?format=csv|xlsx` returns the file."
    ),
)
def crosswalk(
    request: HttpRequest,
    file: File[UploadedFile],
    key: Form[str],
    weighting: Form[Literal["area", "population"]] = "population",
    on: Form[datetime.date] = NEW_VINTAGE_START,
    columns: Form[str] = "",
    sheet: Form[str] = "",
    level: Form[Literal["commune", "province"]] = "commune",
    province: Form[str] = "",
    format: Query[Literal["json", "csv", "xlsx"]] = "json",
) -> Any:
    table = read_table(
        file.read(),
        filename=file.name or "",
        key=key,
        columns=split_columns(columns),
        sheet=sheet,
        code_width=CODE_WIDTH[level],
    )
    result = run_crosswalk(
        actor=request.user,
        table=table,
        weighting=weighting,
        on=on,
        level=level,
        province_code=province.strip(),
        source_name=file.name or "",
    )
    if format == "json":
        return result_out(result)
    return file_response(result, format)


def split_columns(text: str) -> list[str]:
    return [name.strip() for name in text.split(",") if name.strip()]


def result_out(result: CrosswalkResult) -> dict[str, Any]:
    return {**result.__dict__, "matched_codes": result.matched_codes}


def file_response(result: CrosswalkResult, file_format: str) -> HttpResponse:
    response = HttpResponse(
        exporters.write(result, file_format), content_type=exporters.CONTENT_TYPES[file_format]
    )
    name = exporters.filename(result, file_format)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    # The file holds only the table; the codes left out travel in headers too.
    response["X-Crosswalk-Unmatched"] = ",".join(result.unmatched_codes)[:4000]
    response["X-Crosswalk-Unweighted"] = ",".join(result.unweighted_codes)[:4000]
    return response
