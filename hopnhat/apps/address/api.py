"""GET /api/v1/address/convert?q= (public, rate-limited per client address) and
POST /api/v1/address/convert (up to 10,000 addresses, logged-in or with a token)."""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Query, Router, Schema
from ninja.files import UploadedFile
from ninja.pagination import paginate

from hopnhat.apps.address.access import (
    get_owner_org_for_import,
    get_sub_unit_for_user,
    sub_units_for_user,
)
from hopnhat.apps.address.actions import (
    MAX_BATCH,
    allow_request,
    convert_batch,
    convert_one,
    delete_sub_unit,
    import_sub_units,
    today,
)
from hopnhat.apps.address.importers import read_sub_units
from hopnhat.common.api import ErrorOut, PageNumber
from hopnhat.common.errors import DomainError
from hopnhat.common.middleware import client_ip
from hopnhat.engine.address import Conversion

router = Router(tags=["address"])


class RateLimitedError(DomainError):
    status = 429
    code = "rate_limited"


def public_rate() -> tuple[int, int]:
    """(requests, seconds) allowed per client address on the public converter."""
    limit, seconds = getattr(settings, "ADDRESS_PUBLIC_RATE", (60, 60))
    return int(limit), int(seconds)


def check_rate(request: HttpRequest) -> None:
    limit, seconds = public_rate()
    if not allow_request(key=f"ip:{client_ip(request)}", limit=limit, window_seconds=seconds):
        raise RateLimitedError(
            _("Too many conversions from your address; try again in a minute."),
        )


class CandidateOut(Schema):
    code: str
    name: str
    province_code: str
    province_name: str
    whole: bool
    wording: str
    legal_basis: str
    new_address: str


class ConversionOut(Schema):
    address: str
    status: str
    street: str
    old_province_code: str
    old_province_name: str
    old_district_code: str
    old_district_name: str
    old_ward_code: str
    old_ward_name: str
    new_ward_code: str
    new_ward_name: str
    new_province_code: str
    new_province_name: str
    new_address: str
    candidates: list[CandidateOut]
    legal_basis: str
    wording: str
    confidence: float
    reason: str
    resolved_by: str


class SingleQuery(Schema):
    q: str = Field(..., min_length=1, max_length=500, description="the address to convert")
    on: datetime.date | None = Field(None, description="date of the units (default: today)")
    lon: float | None = Field(None, ge=-180, le=180, description="longitude of the place")
    lat: float | None = Field(None, ge=-90, le=90, description="latitude of the place")


class BatchIn(Schema):
    addresses: list[str] = Field(..., min_length=1, max_length=MAX_BATCH)
    on: datetime.date | None = None


class BatchOut(Schema):
    on: datetime.date
    count: int
    by_status: dict[str, int]
    results: list[ConversionOut]


def conversion_out(result: Conversion) -> dict[str, Any]:
    data = {name: getattr(result, name) for name in Conversion.__slots__}
    data["candidates"] = [
        {name: getattr(c, name) for name in type(c).__slots__} for c in result.candidates
    ]
    return data


@router.get(
    "convert",
    response={200: ConversionOut, 422: ErrorOut, 429: ErrorOut},
    auth=None,
    summary="Convert one address to the units valid on a date",
    description=(
        "Public, rate-limited per client address. A divided old commune comes back "
        "`ambiguous` with every candidate unless `lon`/`lat` place the address inside one of "
        "them (or an official sub-unit table names its thôn or street)."
    ),
)
def convert_get(request: HttpRequest, query: Query[SingleQuery]) -> dict[str, Any]:
    check_rate(request)
    point = (query.lon, query.lat) if query.lon is not None and query.lat is not None else None
    return conversion_out(convert_one(address=query.q, on=query.on, point=point))


@router.post(
    "convert",
    response={200: BatchOut, 401: ErrorOut, 422: ErrorOut},
    summary="Convert up to 10,000 addresses",
)
def convert_post(request: HttpRequest, payload: BatchIn) -> dict[str, Any]:
    on = payload.on or today()
    results = convert_batch(addresses=payload.addresses, on=on)
    by_status: dict[str, int] = {}
    for result in results:
        by_status[result.status] = by_status.get(result.status, 0) + 1
    return {
        "on": on,
        "count": len(results),
        "by_status": by_status,
        "results": [conversion_out(r) for r in results],
    }


# Sub-unit table -------------------------------------------------------------------------------


class SubUnitOut(Schema):
    id: int
    owner_org: str = Field(..., alias="owner_org.code")
    old_commune_code: str
    sub_unit_name: str
    new_unit_code: str
    note: str


class ImportOut(Schema):
    rows: int
    created: int
    updated: int


@router.get("sub-units", response=list[SubUnitOut], summary="The sub-unit rows you can read")
@paginate(PageNumber)
def list_sub_units(request: HttpRequest, old_commune_code: str = "") -> Any:
    rows = sub_units_for_user(request.user)
    return rows.filter(old_commune_code=old_commune_code) if old_commune_code else rows


@router.post(
    "sub-units",
    response={201: ImportOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="Import a sub-unit table (CSV/XLSX) for an organisation you edit for",
    description=(
        "Columns: old_commune_code, sub_unit_name (thôn, tổ dân phố or street), "
        "new_unit_code, optional note. Rows of the same old commune and name are updated."
    ),
)
def import_sub_unit_table(
    request: HttpRequest, file: File[UploadedFile], org: Form[str]
) -> tuple[int, dict[str, int]]:
    owner = get_owner_org_for_import(request.user, org)
    rows = read_sub_units(file.read(), filename=file.name or "")
    counts = import_sub_units(
        actor=request.user, owner_org=owner, rows=rows, source_name=file.name or ""
    )
    return 201, counts


@router.delete(
    "sub-units/{mapping_id}",
    response={204: None, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="Delete a sub-unit row",
)
def delete_sub_unit_row(request: HttpRequest, mapping_id: int) -> tuple[int, None]:
    delete_sub_unit(
        actor=request.user, mapping=get_sub_unit_for_user(request.user, mapping_id, for_edit=True)
    )
    return 204, None
