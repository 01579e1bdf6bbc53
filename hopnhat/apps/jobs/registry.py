"""The kinds of background job. Each app registers its kinds from its own tasks module."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise

JobFunction = Callable[..., dict[str, Any] | None]


@dataclass(frozen=True)
class JobKind:
    name: str
    title: str | Promise
    function: JobFunction
    # Safe to run again from the start after a worker died mid-run.
    retryable: bool
    # Platform jobs (audit verification, worker self-test) are started by directory admins.
    admin_only: bool


_KINDS: dict[str, JobKind] = {}


def job_kind(
    name: str, *, title: str | Promise, retryable: bool = True, admin_only: bool = False
) -> Callable[[JobFunction], JobFunction]:
    def register(function: JobFunction) -> JobFunction:
        _KINDS[name] = JobKind(
            name=name, title=title, function=function, retryable=retryable, admin_only=admin_only
        )
        return function

    return register


def get_kind(name: str) -> JobKind:
    return _KINDS[name]


def known_kinds() -> dict[str, JobKind]:
    return dict(_KINDS)
