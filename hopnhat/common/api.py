"""API plumbing shared by every router: authentication, the one error format, pagination."""

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Field, Schema
from ninja.pagination import PaginationBase
from ninja.security import HttpBearer, SessionAuth


class ErrorOut(Schema):
    code: str
    message: str
    fields: dict[str, list[str]] = Field(default_factory=dict)


class ConflictOut(ErrorOut):
    current_version: int
    diff: dict[str, Any] = Field(default_factory=dict)


class BearerToken(HttpBearer):
    """`Authorization: Bearer hnt_…`: a per-user token, stored hashed, revocable."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        from hopnhat.apps.accounts.models import ApiToken

        api_token = ApiToken.objects.matching(token).select_related("user").first()
        if api_token is None or not api_token.user.is_active:
            return None
        # One write per minute at most: enough to show "last used" without a write per call.
        now = timezone.now()
        if api_token.last_used_at is None or (now - api_token.last_used_at).total_seconds() > 60:
            type(api_token).objects.filter(pk=api_token.pk).update(last_used_at=now)
        request.user = api_token.user
        return api_token.user


class BrowserSession(SessionAuth):
    """The logged-in browser session; unsafe methods need the CSRF token (X-CSRFToken)."""


API_AUTH = [BearerToken(), BrowserSession()]


class PageNumber(PaginationBase):
    class Input(Schema):
        page: int = Field(1, ge=1, le=1_000_000)
        page_size: int = Field(50, ge=1, le=500)

    class Output(Schema):
        items: list[Any]
        count: int
        page: int
        page_size: int
        pages: int

    items_attribute = "items"

    def paginate_queryset(self, queryset: Any, pagination: Input, **params: Any) -> dict[str, Any]:
        count = queryset.count() if hasattr(queryset, "count") and callable(queryset.count) else len(queryset)
        start = (pagination.page - 1) * pagination.page_size
        pages = max(1, -(-count // pagination.page_size))
        return {
            "items": list(queryset[start : start + pagination.page_size]),
            "count": count,
            "page": pagination.page,
            "page_size": pagination.page_size,
            "pages": pages,
        }


def error_body(code: str, message: str, fields: dict[str, list[str]] | None = None) -> dict[str, Any]:
    return {"code": code, "message": message, "fields": fields or {}}


