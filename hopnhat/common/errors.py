"""Domain errors raised by actions and access functions; pages and the API map them to HTTP."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    status = 400
    code = "invalid"

    def __init__(self, message: str, *, fields: dict[str, list[str]] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.fields = fields or {}


class NotFoundError(DomainError):
    status = 404
    code = "not_found"


class AccessDeniedError(DomainError):
    status = 403
    code = "forbidden"


class ValidationFailedError(DomainError):
    status = 422
    code = "validation_error"


class ConflictError(DomainError):
    """A write based on a stale version: the caller gets the current state and what differs."""

    status = 409
    code = "conflict"

    def __init__(
        self,
        message: str,
        *,
        current_version: int,
        diff: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.current_version = current_version
        self.diff = diff or {}
