"""A task's status on a given date, from its dates alone.

The app stores the dates on which a task first progressed, was completed, paused or cancelled,
so that the same rule runs in Python here and as one SQL CASE over plain columns there.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum


class Status(StrEnum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    DONE_ON_TIME = "done_on_time"
    DONE_LATE = "done_late"
    OVERDUE = "overdue"
    PAUSED = "paused"
    CANCELLED = "cancelled"


DONE = frozenset({Status.DONE_ON_TIME, Status.DONE_LATE})
OPEN = frozenset({Status.NOT_STARTED, Status.IN_PROGRESS, Status.OVERDUE})


def status_as_of(
    *,
    as_of: dt.date,
    deadline: dt.date | None,
    started_on: dt.date | None = None,
    completed_on: dt.date | None = None,
    paused_on: dt.date | None = None,
    cancelled_on: dt.date | None = None,
) -> Status:
    """The deadline day itself is still on time; the day after, an unfinished task is overdue."""
    if cancelled_on is not None and cancelled_on <= as_of:
        return Status.CANCELLED
    if completed_on is not None and completed_on <= as_of:
        on_time = deadline is None or completed_on <= deadline
        return Status.DONE_ON_TIME if on_time else Status.DONE_LATE
    if paused_on is not None and paused_on <= as_of:
        return Status.PAUSED
    if deadline is not None and as_of > deadline:
        return Status.OVERDUE
    if started_on is not None and started_on <= as_of:
        return Status.IN_PROGRESS
    return Status.NOT_STARTED


def is_due_soon(*, as_of: dt.date, deadline: dt.date | None, status: Status, days: int = 7) -> bool:
    """Open, and due within `days` days from `as_of` (the deadline day included)."""
    if deadline is None or status not in (Status.NOT_STARTED, Status.IN_PROGRESS):
        return False
    return as_of <= deadline <= as_of + dt.timedelta(days=days)
