"""Per-request (or per-job) context that the audit trail reads: who acts, from where, which request."""

from __future__ import annotations

import contextvars
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestContext:
    request_id: str
    ip: str = ""


_current: contextvars.ContextVar[RequestContext | None] = contextvars.ContextVar(
    "hopnhat_request_context", default=None
)


def new_request_id() -> str:
    return uuid.uuid4().hex


def current_context() -> RequestContext:
    # Code running outside a request (a command, a test) still gets a stable id per call site.
    return _current.get() or RequestContext(request_id="")


@contextmanager
def request_context(*, request_id: str, ip: str = "") -> Iterator[RequestContext]:
    ctx = RequestContext(request_id=request_id, ip=ip)
    token = _current.set(ctx)
    try:
        yield ctx
    finally:
        _current.reset(token)
