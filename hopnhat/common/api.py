"""API plumbing shared by every router: authentication, the one error format, pagination."""

from typing import Any

from ninja import Field, Schema
from ninja.pagination import PaginationBase


class ErrorOut(Schema):
    code: str
    message: str
    fields: dict[str, list[str]] = Field(default_factory=dict)


class ConflictOut(ErrorOut):
    current_version: int
    diff: dict[str, Any] = Field(default_factory=dict)


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

    def paginate_queryset(  # type: ignore[override]
        self, queryset: Any, pagination: Input, **params: Any
    ) -> dict[str, Any]:
        count = (
            queryset.count()
            if hasattr(queryset, "count") and callable(queryset.count)
            else len(queryset)
        )
        start = (pagination.page - 1) * pagination.page_size
        pages = max(1, -(-count // pagination.page_size))
        return {
            "items": list(queryset[start : start + pagination.page_size]),
            "count": count,
            "page": pagination.page,
            "page_size": pagination.page_size,
            "pages": pages,
        }


def error_body(
    code: str, message: str, fields: dict[str, list[str]] | None = None
) -> dict[str, Any]:
    return {"code": code, "message": message, "fields": fields or {}}
