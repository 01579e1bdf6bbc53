"""The read side: dashboard figures, 'what changed since', and the periodic progress report.

The report follows the reporting regime of Decree 09/2019/NĐ-CP: a data cut-off date, a
period, and a fixed layout (header, summary figures, one table per task group, obstacles and
recommendations). The period runs from the day after the previous cut-off to this cut-off;
with a cut-off on the 14th, a monthly period is the Decree's "15th of last month to the 14th".
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from hopnhat.apps.workplan.models import (
    ExtensionStatus,
    Obstacle,
    ProgressUpdate,
    StatusChoice,
    Task,
    TaskChange,
    TaskQuerySet,
)
from hopnhat.engine.directives import Status
from hopnhat.engine.directives.status import DONE, OPEN

PERIODS = {"week": _("week"), "month": _("month"), "quarter": _("quarter")}
STATUS_ORDER = [s.value for s in Status]
DUE_SOON_DAYS = 7


def _minus_months(day: dt.date, months: int) -> dt.date:
    month_index = day.year * 12 + day.month - 1 - months
    year, month = divmod(month_index, 12)
    for candidate in range(day.day, 0, -1):
        try:
            return dt.date(year, month + 1, candidate)
        except ValueError:
            continue
    raise ValueError(day)


def period_window(as_of: dt.date, period: str) -> tuple[dt.date, dt.date]:
    if period == "week":
        previous_cut_off = as_of - dt.timedelta(days=7)
    elif period == "quarter":
        previous_cut_off = _minus_months(as_of, 3)
    else:
        previous_cut_off = _minus_months(as_of, 1)
    return previous_cut_off + dt.timedelta(days=1), as_of


def on_time_rate(counts: dict[str, int]) -> float | None:
    """Done on time among the tasks whose outcome is known: done (either way) or overdue."""
    decided = (
        counts.get(Status.DONE_ON_TIME, 0)
        + counts.get(Status.DONE_LATE, 0)
        + counts.get(Status.OVERDUE, 0)
    )
    return counts.get(Status.DONE_ON_TIME, 0) / decided if decided else None


@dataclass
class OrgCounts:
    org_id: int
    name: str
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def cells(self) -> list[int]:
        return [self.counts.get(status, 0) for status in STATUS_ORDER]


@dataclass
class Dashboard:
    as_of: dt.date
    totals: dict[str, int]
    by_org: list[OrgCounts]
    overdue: list[Task]
    due_soon: list[Task]
    rate: float | None

    @property
    def total(self) -> int:
        return sum(self.totals.values())

    def total_cells(self) -> list[int]:
        return [self.totals.get(status, 0) for status in STATUS_ORDER]


def dashboard(tasks: TaskQuerySet, *, as_of: dt.date, list_limit: int = 50) -> Dashboard:
    scoped = tasks.assigned_by(as_of).with_status(as_of)
    rows = (
        scoped.values("lead_org_id", "lead_org__name", "status")  # type: ignore[misc]
        .annotate(n=Count("id"))
        .order_by()
    )
    by_org: dict[int, OrgCounts] = {}
    totals: dict[str, int] = defaultdict(int)
    for row in rows:
        entry = by_org.setdefault(
            row["lead_org_id"], OrgCounts(row["lead_org_id"], row["lead_org__name"] or "")
        )
        entry.counts[row["status"]] = row["n"]
        totals[row["status"]] += row["n"]
    overdue = list(
        scoped.status_in([Status.OVERDUE])
        .select_related("lead_org")
        .order_by("deadline", "pk")[:list_limit]
    )
    due_soon = list(
        scoped.status_in([Status.NOT_STARTED, Status.IN_PROGRESS])
        .filter(
            deadline__gte=as_of,
            deadline__lte=as_of + dt.timedelta(days=DUE_SOON_DAYS),
        )
        .select_related("lead_org")
        .order_by("deadline", "pk")[:list_limit]
    )
    return Dashboard(
        as_of=as_of,
        totals=dict(totals),
        by_org=sorted(by_org.values(), key=lambda o: o.name),
        overdue=overdue,
        due_soon=due_soon,
        rate=on_time_rate(totals),
    )


@dataclass
class ChangeLine:
    kind: str
    task_id: int | None
    title: str
    before: str
    after: str
    on: dt.date | None


def changes_since(tasks: TaskQuerySet, *, since: dt.date, as_of: dt.date) -> list[ChangeLine]:
    """Deadline moves, added and removed tasks (from the change log) and every task whose
    status as of `as_of` differs from its status as of `since` (dates alone move some)."""
    visible = tasks.values("pk")
    lines = [
        ChangeLine(c.kind, c.task_id, c.task_title, c.before, c.after, c.on)
        for c in TaskChange.objects.filter(on__gt=since, on__lte=as_of)
        .filter(Q(task_id__in=visible) | Q(task__isnull=True))
        .exclude(kind="status_changed")
        .order_by("on", "pk")
    ]
    then = dict(tasks.assigned_by(since).with_status(since).values_list("pk", "status"))  # type: ignore[misc]
    for task in tasks.assigned_by(as_of).with_status(as_of).only("pk", "title"):
        before, after = then.get(task.pk), getattr(task, "status", "")
        if before is not None and before != after:
            lines.append(ChangeLine("status_changed", task.pk, task.title, before, after, None))
    return lines


# The periodic report ----------------------------------------------------------------------------


@dataclass
class ReportRow:
    number: str
    task_id: int
    title: str
    clause: str
    lead: str
    deadline: dt.date | None
    recurrence: str
    status: str
    status_label: str
    percent: int
    result: str
    evidence: list[str]
    reasons: str
    proposals: str


@dataclass
class ReportGroup:
    title: str
    rows: list[ReportRow]


@dataclass
class ProgressReport:
    as_of: dt.date
    period: str
    start: dt.date
    end: dt.date
    counts: dict[str, int]
    groups: list[ReportGroup]
    obstacles: list[Obstacle]
    directives: list[str]
    issuer: str = ""

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def rate(self) -> float | None:
        return on_time_rate(self.counts)

    def summary_lines(self) -> list[tuple[str, int]]:
        return [(str(StatusChoice(s).label), self.counts.get(s, 0)) for s in STATUS_ORDER]

    @property
    def done(self) -> int:
        return sum(self.counts.get(s, 0) for s in DONE)

    @property
    def open(self) -> int:
        return sum(self.counts.get(s, 0) for s in OPEN)


def build_progress_report(
    tasks: TaskQuerySet,
    *,
    as_of: dt.date,
    period: str,
    obstacles: QuerySet[Obstacle] | None = None,
    issuer: str = "",
) -> ProgressReport:
    start, end = period_window(as_of, period)
    rows = list(
        tasks.assigned_by(as_of)
        .with_status(as_of)
        .select_related("lead_org", "group", "clause", "directive")
        .prefetch_related("extensions")
        .order_by(
            "directive__issued_on",
            "directive_id",
            "group__position",
            "clause__position",
            "sequence",
            "pk",
        )
    )
    updates: dict[int, list[ProgressUpdate]] = defaultdict(list)
    for update in (
        ProgressUpdate.objects.filter(task__in=[t.pk for t in rows], on__lte=as_of)
        .prefetch_related("evidence")
        .order_by("on", "pk")
    ):
        updates[update.task_id].append(update)
    pending = defaultdict(list)
    for task in rows:
        for extension in task.extensions.all():
            if extension.status == ExtensionStatus.PENDING and extension.created_on <= as_of:
                pending[task.pk].append(extension)
    groups: dict[Any, ReportGroup] = {}
    counts: dict[str, int] = defaultdict(int)
    for task in rows:
        status = task.status  # type: ignore[attr-defined]
        counts[status] += 1
        key = task.group_id or ("directive", task.directive_id)
        group = groups.setdefault(
            key,
            ReportGroup(
                f"{task.directive.number} – {task.group.title if task.group else task.directive.title}",
                [],
            ),
        )
        history = updates.get(task.pk, [])
        latest = history[-1] if history else None
        reasons = [u.reason_for_delay for u in history if u.reason_for_delay][-1:]
        reasons += [
            str(_("Extension requested to %(date)s: %(reason)s"))
            % {"date": e.requested_deadline.strftime("%d/%m/%Y"), "reason": e.reason}
            for e in pending.get(task.pk, [])
        ]
        proposals = [u.proposal for u in history if u.proposal]
        groups[key].rows.append(
            ReportRow(
                number=str(len(group.rows) + 1),
                task_id=task.pk,
                title=task.title,
                clause=task.clause.ref if task.clause else "",
                lead=task.lead_org.name if task.lead_org else "",
                deadline=task.deadline,
                recurrence=task.get_recurrence_display() if task.recurrence else "",
                status=status,
                status_label=str(StatusChoice(status).label),
                percent=latest.percent if latest else 0,
                result=latest.text if latest else "",
                evidence=[e.name for u in history for e in u.evidence.all()],
                reasons="\n".join(reasons),
                proposals=proposals[-1] if proposals else "",
            )
        )
    task_ids = [t.pk for t in rows]
    obstacle_rows = list(
        (Obstacle.objects.all() if obstacles is None else obstacles)
        .filter(raised_on__lte=as_of)
        .filter(Q(task_id__in=task_ids) | Q(task__isnull=True))
        .select_related("raised_by_org")
        .order_by("raised_on", "pk")
    )
    directives = sorted({str(t.directive) for t in rows})
    return ProgressReport(
        as_of,
        period,
        start,
        end,
        dict(counts),
        list(groups.values()),
        obstacle_rows,
        directives,
        issuer,
    )
