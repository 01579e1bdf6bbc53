from __future__ import annotations

import datetime as dt

from hopnhat.engine.directives import Status, is_due_soon, status_as_of

DEADLINE = dt.date(2025, 6, 20)


def test_on_the_deadline_day_itself_an_unfinished_task_is_not_yet_overdue() -> None:
    assert (
        status_as_of(as_of=DEADLINE, deadline=DEADLINE, started_on=dt.date(2025, 6, 10))
        == Status.IN_PROGRESS
    )
    assert status_as_of(as_of=DEADLINE, deadline=DEADLINE) == Status.NOT_STARTED


def test_the_day_after_the_deadline_an_unfinished_task_is_overdue() -> None:
    day_after = DEADLINE + dt.timedelta(days=1)
    assert (
        status_as_of(as_of=day_after, deadline=DEADLINE, started_on=dt.date(2025, 6, 10))
        == Status.OVERDUE
    )


def test_done_on_the_deadline_day_is_on_time_and_done_the_day_after_is_late() -> None:
    later = dt.date(2025, 7, 1)
    assert (
        status_as_of(as_of=later, deadline=DEADLINE, completed_on=DEADLINE) == Status.DONE_ON_TIME
    )
    assert (
        status_as_of(as_of=later, deadline=DEADLINE, completed_on=DEADLINE + dt.timedelta(days=1))
        == Status.DONE_LATE
    )


def test_a_task_done_late_was_overdue_before_it_was_done() -> None:
    completed = dt.date(2025, 6, 25)
    assert (
        status_as_of(as_of=dt.date(2025, 6, 24), deadline=DEADLINE, completed_on=completed)
        == Status.OVERDUE
    )
    assert (
        status_as_of(as_of=completed, deadline=DEADLINE, completed_on=completed) == Status.DONE_LATE
    )


def test_status_before_a_later_event_ignores_it() -> None:
    assert (
        status_as_of(as_of=dt.date(2025, 6, 1), deadline=DEADLINE, started_on=dt.date(2025, 6, 2))
        == Status.NOT_STARTED
    )


def test_paused_and_cancelled_take_precedence_from_their_day_on() -> None:
    kwargs = {"deadline": DEADLINE, "started_on": dt.date(2025, 6, 1)}
    assert (
        status_as_of(as_of=dt.date(2025, 6, 30), paused_on=dt.date(2025, 6, 15), **kwargs)
        == Status.PAUSED
    )
    assert (
        status_as_of(as_of=dt.date(2025, 6, 14), paused_on=dt.date(2025, 6, 15), **kwargs)
        == Status.IN_PROGRESS
    )
    assert (
        status_as_of(as_of=dt.date(2025, 6, 30), cancelled_on=dt.date(2025, 6, 15), **kwargs)
        == Status.CANCELLED
    )


def test_a_task_without_deadline_is_never_overdue() -> None:
    assert (
        status_as_of(as_of=dt.date(2030, 1, 1), deadline=None, started_on=dt.date(2025, 6, 1))
        == Status.IN_PROGRESS
    )


def test_due_soon_counts_the_deadline_day_and_seven_days_ahead() -> None:
    as_of = dt.date(2025, 6, 13)
    assert is_due_soon(as_of=as_of, deadline=DEADLINE, status=Status.IN_PROGRESS)
    assert not is_due_soon(
        as_of=as_of - dt.timedelta(days=1), deadline=DEADLINE, status=Status.IN_PROGRESS
    )
    assert not is_due_soon(as_of=as_of, deadline=DEADLINE, status=Status.DONE_ON_TIME)
