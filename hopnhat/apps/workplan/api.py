"""/api/v1/directives, /api/v1/tasks and /api/v1/reports."""

import datetime as dt
from typing import Any

from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from hopnhat.apps.directory.access import principal_for
from hopnhat.apps.directory.models import Organisation
from hopnhat.apps.workplan.access import (
    directives_for_user,
    get_directive_for_user,
    get_extension_for_decision,
    get_task_for_user,
    obstacles_for_user,
    organisations_for_intake,
    tasks_for_user,
)
from hopnhat.apps.workplan.actions import (
    add_progress,
    confirm_directive,
    decide_extension,
    request_extension,
    update_task,
)
from hopnhat.apps.workplan.exporters import DOCX_MIME, XLSX_MIME, report_docx, report_xlsx
from hopnhat.apps.workplan.importers import intake
from hopnhat.apps.workplan.models import (
    Directive,
    ParticipantRole,
    Priority,
    StatusChoice,
    Task,
    TaskQuerySet,
    TaskState,
    workplan_today,
)
from hopnhat.apps.workplan.reports import build_progress_report, dashboard
from hopnhat.common.api import ConflictOut, ErrorOut, PageNumber
from hopnhat.common.errors import AccessDeniedError, NotFoundError, ValidationFailedError

directives_router = Router(tags=["work plan"])
tasks_router = Router(tags=["work plan"])
reports_router = Router(tags=["work plan"])


class DirectiveOut(Schema):
    id: int
    kind: str
    number: str
    issued_on: dt.date | None
    issuer: str
    title: str
    state: str
    owner_org_id: int
    task_count: int = 0
    version: int


class DirectiveIn(Schema):
    text: str = Field(..., min_length=1, max_length=500_000)
    owner_org: str = Field(
        "", max_length=40, description="Code of the owner organisation (default: yours)"
    )


class TaskOut(Schema):
    id: int
    directive_id: int
    directive_number: str
    clause: str
    title: str
    description: str
    lead_org_id: int | None
    lead_org_name: str
    joint_lead_ids: list[int]
    co_org_ids: list[int]
    depends_on: list[int]
    assigned_on: dt.date | None
    start_on: dt.date | None
    deadline: dt.date | None
    recurrence: str
    priority: str
    is_milestone: bool
    state: str
    percent: int
    status: str
    completed_on: dt.date | None
    version: int


class TaskFilter(Schema):
    status: StatusChoice | None = None
    org: str | None = Field(
        None,
        max_length=40,
        description="Organisation id or code: tasks it leads or co-leads (its subtree too)",
    )
    as_of: dt.date | None = Field(None, description="Status as of this date (default today)")
    due_before: dt.date | None = Field(None, description="Deadline on or before this date")
    directive: int | None = None
    mine: bool = False
    sort: str = Field("deadline", pattern=r"^-?(deadline|title|percent|id)$")


class TaskPatch(Schema):
    version: int = Field(..., ge=1, description="The version you edited; a stale one gets 409")
    title: str | None = Field(None, min_length=1, max_length=500)
    description: str | None = Field(None, max_length=20_000)
    start_on: dt.date | None = None
    deadline: dt.date | None = None
    priority: Priority | None = None
    is_milestone: bool | None = None
    paused: bool | None = None
    cancelled: bool | None = None
    lead_org_id: int | None = None
    joint_lead_ids: list[int] | None = None
    co_org_ids: list[int] | None = None


class ProgressIn(Schema):
    on: dt.date
    percent: int = Field(..., ge=0, le=100)
    text: str = Field("", max_length=20_000)
    reason_for_delay: str = Field("", max_length=5_000)
    proposal: str = Field("", max_length=5_000)
    version: int | None = Field(None, ge=1)


class ProgressOut(Schema):
    id: int
    task_id: int
    on: dt.date
    percent: int
    text: str
    reason_for_delay: str
    proposal: str


class ExtensionIn(Schema):
    requested_deadline: dt.date
    reason: str = Field(..., min_length=1, max_length=5_000)


class ExtensionOut(Schema):
    id: int
    task_id: int
    previous_deadline: dt.date | None
    requested_deadline: dt.date
    status: str
    reason: str


class DecisionIn(Schema):
    approve: bool
    note: str = Field("", max_length=5_000)


def task_out(task: Task, *, as_of: dt.date) -> dict[str, Any]:
    links = list(task.participant_links.all())
    return {
        "id": task.pk,
        "directive_id": task.directive_id,
        "directive_number": task.directive.number,
        "clause": task.clause.ref if task.clause else "",
        "title": task.title,
        "description": task.description,
        "lead_org_id": task.lead_org_id,
        "lead_org_name": task.lead_org.name if task.lead_org else "",
        "joint_lead_ids": [
            link.organisation_id for link in links if link.role == ParticipantRole.JOINT_LEAD
        ],
        "co_org_ids": [
            link.organisation_id for link in links if link.role == ParticipantRole.COOPERATING
        ],
        "depends_on": [t.pk for t in task.depends_on.all()],
        "assigned_on": task.assigned_on,
        "start_on": task.start_on,
        "deadline": task.deadline,
        "recurrence": task.recurrence,
        "priority": task.priority,
        "is_milestone": task.is_milestone,
        "state": task.state,
        "percent": task.percent,
        "status": getattr(task, "status", None) or task.status_on(as_of),
        "completed_on": task.completed_on,
        "version": task.version,
    }


def _org_by_ref(ref: str) -> Organisation | None:
    query = Q(code=ref) | Q(pk=int(ref)) if ref.isdigit() else Q(code=ref)
    return Organisation.objects.filter(query).first()


def filter_tasks(user: Any, filters: TaskFilter) -> tuple[TaskQuerySet, dt.date]:
    as_of = filters.as_of or workplan_today()
    tasks = tasks_for_user(user).active().with_status(as_of)
    if filters.status:
        tasks = tasks.status_in([filters.status.value])
    if filters.org:
        org = _org_by_ref(filters.org)
        if org is None:
            return tasks.none(), as_of
        subtree = list(Organisation.objects.subtree_of(org).values_list("pk", flat=True))
        tasks = tasks.involving(subtree)
    if filters.due_before:
        tasks = tasks.filter(deadline__lte=filters.due_before)
    if filters.directive:
        tasks = tasks.filter(directive_id=filters.directive)
    if filters.mine:
        principal = principal_for(user)
        org_ids = [org_id for org_id, _path, _role in principal.memberships]
        tasks = tasks.filter(
            Q(responsible_id=principal.user_id)
            | Q(pk__in=Task.objects.involving(org_ids).values("pk"))
        )
    sort = filters.sort
    order = [sort, "pk"] if "deadline" not in sort else [f"{sort}", "pk"]
    return tasks.for_list().prefetch_related("participant_links", "depends_on").order_by(
        *order
    ), as_of


# Directives -----------------------------------------------------------------------------------


@directives_router.get("", response={200: list[DirectiveOut], 401: ErrorOut})
@paginate(PageNumber)
def list_directives(request: HttpRequest) -> Any:
    return directives_for_user(request.user).order_by("-issued_on", "-pk")


@directives_router.post(
    "", response={201: DirectiveOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}
)
def create_directive(request: HttpRequest, payload: DirectiveIn) -> Status:
    choices = organisations_for_intake(request.user)
    owner = (
        next((org for org in choices if org.code == payload.owner_org), None)
        if payload.owner_org
        else (choices[0] if choices else None)
    )
    if owner is None:
        raise AccessDeniedError("You may not file directives for this organisation.")
    directive = intake(actor=request.user, owner_org=owner, text=payload.text)
    return Status(201, _directive_out(directive))


def _directive_out(directive: Directive) -> Directive:
    directive.task_count = directive.tasks.count()  # type: ignore[attr-defined]
    return directive


@directives_router.get(
    "/{directive_id}", response={200: DirectiveOut, 401: ErrorOut, 404: ErrorOut}
)
def get_directive(request: HttpRequest, directive_id: int) -> Directive:
    return _directive_out(get_directive_for_user(request.user, directive_id))


@directives_router.post(
    "/{directive_id}/confirm",
    response={200: DirectiveOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
)
def confirm(request: HttpRequest, directive_id: int) -> Directive:
    directive = get_directive_for_user(request.user, directive_id, for_edit=True)
    return _directive_out(confirm_directive(actor=request.user, directive=directive))


# Tasks ----------------------------------------------------------------------------------------


@tasks_router.get("", response={200: list[TaskOut], 401: ErrorOut})
@paginate(PageNumber)
def list_tasks(request: HttpRequest, filters: Query[TaskFilter]) -> Any:
    tasks, as_of = filter_tasks(request.user, filters)
    return _LazyTasks(tasks, as_of)


class _LazyTasks:
    """A sliceable view that turns only the requested page into TaskOut dicts."""

    def __init__(self, tasks: TaskQuerySet, as_of: dt.date) -> None:
        self.tasks, self.as_of = tasks, as_of

    def count(self) -> int:
        return self.tasks.count()

    def __getitem__(self, page: slice) -> list[dict[str, Any]]:
        return [task_out(task, as_of=self.as_of) for task in self.tasks[page]]


@tasks_router.get("/{task_id}", response={200: TaskOut, 401: ErrorOut, 404: ErrorOut})
def get_task(request: HttpRequest, task_id: int, as_of: dt.date | None = None) -> dict[str, Any]:
    return task_out(get_task_for_user(request.user, task_id), as_of=as_of or workplan_today())


@tasks_router.patch(
    "/{task_id}",
    response={
        200: TaskOut,
        401: ErrorOut,
        403: ErrorOut,
        404: ErrorOut,
        409: ConflictOut,
        422: ErrorOut,
    },
)
def patch_task(request: HttpRequest, task_id: int, payload: TaskPatch) -> dict[str, Any]:
    task = get_task_for_user(request.user, task_id, for_edit=True)
    changes = payload.dict(exclude_unset=True, exclude={"version"})
    if "lead_org_id" in changes:
        lead = Organisation.objects.filter(pk=changes.pop("lead_org_id")).first()
        if lead is None:
            raise ValidationFailedError(
                "Unknown organisation", fields={"lead_org_id": ["not found"]}
            )
        changes["lead_org"] = lead
    updated = update_task(
        actor=request.user, task=task, expected_version=payload.version, changes=changes
    )
    return task_out(get_task_for_user(request.user, updated.pk), as_of=workplan_today())


@tasks_router.post(
    "/{task_id}/progress",
    response={
        201: ProgressOut,
        401: ErrorOut,
        403: ErrorOut,
        404: ErrorOut,
        409: ConflictOut,
        422: ErrorOut,
    },
)
def post_progress(request: HttpRequest, task_id: int, payload: ProgressIn) -> Status:
    task = get_task_for_user(request.user, task_id, for_edit=True)
    update = add_progress(
        actor=request.user,
        task=task,
        on=payload.on,
        percent=payload.percent,
        text=payload.text,
        reason_for_delay=payload.reason_for_delay,
        proposal=payload.proposal,
        expected_version=payload.version,
    )
    return Status(201, update)


@tasks_router.post(
    "/{task_id}/extensions",
    response={201: ExtensionOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
)
def post_extension(request: HttpRequest, task_id: int, payload: ExtensionIn) -> Status:
    task = get_task_for_user(request.user, task_id, for_edit=True)
    return Status(
        201,
        request_extension(
            actor=request.user,
            task=task,
            requested_deadline=payload.requested_deadline,
            reason=payload.reason,
        ),
    )


@tasks_router.post(
    "/extensions/{extension_id}/decision",
    response={200: ExtensionOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
)
def post_decision(request: HttpRequest, extension_id: int, payload: DecisionIn) -> Any:
    extension = get_extension_for_decision(request.user, extension_id)
    get_task_for_user(request.user, extension.task_id)
    return decide_extension(
        actor=request.user, extension=extension, approve=payload.approve, note=payload.note
    )


# Reports --------------------------------------------------------------------------------------


class ReportQuery(Schema):
    as_of: dt.date | None = None
    period: str = Field("month", pattern=r"^(week|month|quarter)$")
    format: str = Field("docx", pattern=r"^(docx|xlsx)$")


@reports_router.get("/progress", response={200: None, 401: ErrorOut, 422: ErrorOut})
def progress_report(request: HttpRequest, query: Query[ReportQuery]) -> HttpResponse:
    return progress_report_response(
        request.user, as_of=query.as_of or workplan_today(), period=query.period, fmt=query.format
    )


def progress_report_response(user: Any, *, as_of: dt.date, period: str, fmt: str) -> HttpResponse:
    if not principal_for(user).is_authenticated:
        raise NotFoundError("Not found.")
    report = build_progress_report(
        tasks_for_user(user), as_of=as_of, period=period, obstacles=obstacles_for_user(user)
    )
    content, mime = (
        (report_docx(report), DOCX_MIME) if fmt == "docx" else (report_xlsx(report), XLSX_MIME)
    )
    response = HttpResponse(content, content_type=mime)
    response["Content-Disposition"] = (
        f'attachment; filename="bao-cao-tien-do-{as_of.isoformat()}-{period}.{fmt}"'
    )
    return response


class DashboardOut(Schema):
    as_of: dt.date
    totals: dict[str, int]
    on_time_rate: float | None
    by_org: list[dict[str, Any]]
    overdue: list[int]
    due_soon: list[int]


@reports_router.get("/dashboard", response={200: DashboardOut, 401: ErrorOut})
def dashboard_figures(request: HttpRequest, as_of: dt.date | None = None) -> dict[str, Any]:
    board = dashboard(tasks_for_user(request.user), as_of=as_of or workplan_today())
    return {
        "as_of": board.as_of,
        "totals": board.totals,
        "on_time_rate": board.rate,
        "by_org": [{"org_id": o.org_id, "name": o.name, "counts": o.counts} for o in board.by_org],
        "overdue": [t.pk for t in board.overdue],
        "due_soon": [t.pk for t in board.due_soon],
    }


__all__ = ["TaskState", "directives_router", "reports_router", "tasks_router"]
