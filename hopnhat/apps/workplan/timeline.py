"""The Gantt chart's geometry, computed on the server and drawn as SVG with classes only."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from hopnhat.apps.workplan.models import Task

ROW_HEIGHT = 28
BAR_HEIGHT = 16
LABEL_WIDTH = 320
DAY_WIDTH = 6
TOP = 30


@dataclass(frozen=True)
class Bar:
    task: Task
    status: str
    y: int
    text_y: int
    bar_y: int
    x: int
    width: int
    open_ended: bool
    milestone_points: str
    progress_width: int


@dataclass(frozen=True)
class Arrow:
    path: str


@dataclass(frozen=True)
class Tick:
    x: int
    label: str


@dataclass(frozen=True)
class Timeline:
    width: int
    height: int
    bars: list[Bar]
    arrows: list[Arrow]
    ticks: list[Tick]
    today_x: int | None
    label_width: int = LABEL_WIDTH


def build_timeline(tasks: Sequence[Task], *, as_of: dt.date) -> Timeline:
    dated = [t for t in tasks if t.start_on or t.deadline]
    starts = [t.start_on or t.assigned_on or t.deadline for t in dated]
    ends = [t.deadline or t.start_on for t in dated]
    first = min([d for d in starts if d] + [as_of]) - dt.timedelta(days=3)
    last = max([d for d in ends if d] + [as_of]) + dt.timedelta(days=10)

    def x_of(day: dt.date) -> int:
        return LABEL_WIDTH + (day - first).days * DAY_WIDTH

    bars: list[Bar] = []
    ends_at: dict[int, tuple[int, int]] = {}
    for index, task in enumerate(tasks):
        y = TOP + index * ROW_HEIGHT
        start = task.start_on or task.assigned_on or task.deadline or first
        open_ended = task.deadline is None
        end = task.deadline or last
        x, x_end = x_of(start), x_of(end) + DAY_WIDTH
        width = max(x_end - x, DAY_WIDTH)
        middle = y + ROW_HEIGHT // 2
        milestone = ""
        if task.is_milestone and task.deadline:
            cx = x_of(task.deadline) + DAY_WIDTH // 2
            milestone = f"{cx},{middle - 8} {cx + 8},{middle} {cx},{middle + 8} {cx - 8},{middle}"
        bars.append(
            Bar(
                task=task,
                status=getattr(task, "status", None) or task.status_on(as_of),
                y=y,
                text_y=middle + 4,
                bar_y=middle - BAR_HEIGHT // 2,
                x=x,
                width=width,
                open_ended=open_ended,
                milestone_points=milestone,
                progress_width=width * task.percent // 100,
            )
        )
        ends_at[task.pk] = (x, middle)
        ends_at[-task.pk] = (x + width, middle)
    arrows = []
    for task in tasks:
        for predecessor in task.depends_on.all():
            if -predecessor.pk in ends_at and task.pk in ends_at:
                (x1, y1), (x2, y2) = ends_at[-predecessor.pk], ends_at[task.pk]
                bend = max(x1 + 6, x2 - 6)
                arrows.append(Arrow(f"M{x1},{y1} H{bend} V{y2} H{x2}"))
    ticks = []
    day = first.replace(day=1)
    while day <= last:
        if day >= first:
            ticks.append(Tick(x_of(day), day.strftime("%m/%Y")))
        day = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    height = TOP + len(tasks) * ROW_HEIGHT + 10
    today_x = x_of(as_of) if first <= as_of <= last else None
    return Timeline(x_of(last) + 20, height, bars, arrows, ticks, today_x)
