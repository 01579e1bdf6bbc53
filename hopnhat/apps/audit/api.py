import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from hopnhat.apps.audit.access import audit_log_for_user, history_for_user
from hopnhat.apps.audit.filters import AuditFilter
from hopnhat.common.api import ErrorOut, PageNumber

router = Router(tags=["audit"])


class AuditRecordOut(Schema):
    seq: int
    at: dt.datetime
    actor: str = Field(..., alias="actor_label")
    action: str
    object_type: str
    object_id: str
    object_repr: str
    outcome: str
    changes: dict[str, Any]
    request_id: str


class AuditQuery(Schema):
    action: str = Field("", max_length=100)
    actor: str = Field("", max_length=150)
    object_type: str = Field("", max_length=100)
    object_id: str = Field("", max_length=64)
    outcome: str = Field("", max_length=10)
    date_from: dt.date | None = None
    date_to: dt.date | None = None


@router.get("", response={200: list[AuditRecordOut], 401: ErrorOut, 403: ErrorOut})
@paginate(PageNumber)
def list_audit_records(request: HttpRequest, query: Query[AuditQuery]) -> Any:
    return AuditFilter(**query.dict()).apply(audit_log_for_user(request.user))


@router.get(
    "/history/{object_type}/{object_id}",
    response={200: list[AuditRecordOut], 401: ErrorOut, 404: ErrorOut},
)
@paginate(PageNumber)
def object_history(request: HttpRequest, object_type: str, object_id: str) -> Any:
    return history_for_user(request.user, object_type, object_id)
