"""The work plan pages: dashboard, lists, task page, intake and review, timeline, changes, reports."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hopnhat.apps.core.dates import parse_date
from hopnhat.apps.directory.access import principal_for
from hopnhat.apps.directory.models import Organisation
from hopnhat.apps.workplan.access import (
    can_decide_extensions,
    can_edit_task,
    can_manage_directive,
    directives_for_user,
    get_directive_for_user,
    get_extension_for_decision,
    get_obstacle_for_user,
    get_task_for_user,
    obstacles_for_user,
    organisations_for_intake,
    tasks_for_user,
)
from hopnhat.apps.workplan.actions import (
    add_comment,
    add_progress,
    answer_obstacle,
    confirm_directive,
    decide_extension,
    mark_read,
    raise_obstacle,
    remove_proposed_task,
    request_extension,
    update_task,
)
from hopnhat.apps.workplan.api import TaskFilter, filter_tasks, progress_report_response
from hopnhat.apps.workplan.exporters import XLSX_MIME, task_list_xlsx
from hopnhat.apps.workplan.forms import (
    AnswerForm,
    CommentForm,
    ExtensionForm,
    IntakeForm,
    ObstacleForm,
    ProgressForm,
)
from hopnhat.apps.workplan.importers import intake
from hopnhat.apps.workplan.models import (
    ChangeKind,
    ExtensionStatus,
    Notification,
    StatusChoice,
    Task,
    TaskState,
    workplan_today,
)
from hopnhat.apps.workplan.reports import PERIODS, STATUS_ORDER, changes_since, dashboard
from hopnhat.apps.workplan.timeline import build_timeline
from hopnhat.common.errors import ConflictError, DomainError

PAGE_SIZE = 100


def _date_param(request: HttpRequest, name: str, default: dt.date) -> dt.date:
    # ISO from the scripted filters, dd/mm/yyyy when the form is sent without JavaScript.
    return parse_date(request.GET.get(name)) or default


def _status_headings() -> list[tuple[str, str]]:
    return [(status, str(StatusChoice(status).label)) for status in STATUS_ORDER]


@login_required
def dashboard_page(request: HttpRequest) -> HttpResponse:
    as_of = _date_param(request, "as_of", workplan_today())
    board = dashboard(tasks_for_user(request.user), as_of=as_of)
    context = {"board": board, "as_of": as_of, "statuses": _status_headings()}
    return render(request, "workplan/dashboard.html", context)


@login_required
def task_list(request: HttpRequest) -> HttpResponse:
    sort = request.GET.get("sort", "")
    params: dict[str, Any] = {
        "status": request.GET.get("status") or None,
        "org": request.GET.get("org") or None,
        "as_of": request.GET.get("as_of") or None,
        "due_before": request.GET.get("due_before") or None,
        "directive": request.GET.get("directive") or None,
        "mine": request.GET.get("mine") == "1",
        "sort": sort
        if sort in {"deadline", "-deadline", "title", "-percent", "percent"}
        else "deadline",
    }
    try:
        filters = TaskFilter(**params)
    except ValueError:
        filters = TaskFilter(
            **{**params, "status": None, "as_of": None, "due_before": None, "directive": None}
        )
    tasks, as_of = filter_tasks(request.user, filters)
    if request.GET.get("export") == "xlsx":
        response = HttpResponse(task_list_xlsx(tasks, as_of=as_of), content_type=XLSX_MIME)
        response["Content-Disposition"] = (
            f'attachment; filename="nhiem-vu-{as_of.isoformat()}.xlsx"'
        )
        return response
    page = Paginator(tasks, PAGE_SIZE).get_page(request.GET.get("page"))
    # A subquery on the lead ids rather than a join + DISTINCT over every task.
    lead_ids = Task.objects.filter(state=TaskState.ACTIVE).values("lead_org_id")
    organisations = Organisation.objects.active().filter(pk__in=lead_ids).order_by("name")
    context = {
        "page": page,
        "filters": filters,
        "as_of": as_of,
        "statuses": _status_headings(),
        "organisations": organisations,
        "directives": directives_for_user(request.user).confirmed(),
        "query": request.GET.copy(),
    }
    return render(request, "workplan/task_list.html", context)


@login_required
def task_detail(request: HttpRequest, task_id: int) -> HttpResponse:
    task = get_task_for_user(request.user, task_id)
    principal = principal_for(request.user)
    as_of = _date_param(request, "as_of", workplan_today())
    context: dict[str, Any] = {
        "task": task,
        "as_of": as_of,
        "status": StatusChoice(task.status_on(as_of)),
        "updates": task.updates.prefetch_related("evidence")
        .select_related("author")
        .order_by("-on", "-pk"),
        "extensions": task.extensions.select_related("requested_by", "decided_by"),
        "comments": task.comments.select_related("author"),
        "participants": task.participant_links.select_related("organisation"),
        "depends_on": task.depends_on.all(),
        "dependents": task.dependents.all(),
        "can_edit": can_edit_task(principal, task)
        or can_manage_directive(principal, task.directive),
        "can_request": can_edit_task(principal, task),
        "can_decide": can_decide_extensions(principal),
        "progress_form": ProgressForm(
            initial={"on": as_of, "percent": task.percent, "version": task.version}
        ),
        "extension_form": ExtensionForm(),
        "comment_form": CommentForm(),
        "pending": ExtensionStatus.PENDING,
    }
    return render(request, "workplan/task_detail.html", context)


@login_required
@require_POST
def task_progress(request: HttpRequest, task_id: int) -> HttpResponse:
    task = get_task_for_user(request.user, task_id, for_edit=True)
    form = ProgressForm(request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        files = request.FILES.getlist("evidence")
        try:
            add_progress(
                actor=request.user,
                task=task,
                on=data["on"],
                percent=data["percent"],
                text=data["text"],
                reason_for_delay=data["reason_for_delay"],
                proposal=data["proposal"],
                files=files,
                expected_version=data.get("version"),
            )
        except ConflictError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Progress recorded."))
    else:
        messages.error(
            request,
            _("The progress report is not valid: %(errors)s") % {"errors": form.errors.as_text()},
        )
    return redirect("workplan:task", task_id=task.pk)


@login_required
@require_POST
def task_extension(request: HttpRequest, task_id: int) -> HttpResponse:
    task = get_task_for_user(request.user, task_id, for_edit=True)
    form = ExtensionForm(request.POST)
    if form.is_valid():
        try:
            request_extension(actor=request.user, task=task, **form.cleaned_data)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Extension requested."))
    return redirect("workplan:task", task_id=task.pk)


@login_required
@require_POST
def extension_decide(request: HttpRequest, extension_id: int) -> HttpResponse:
    extension = get_extension_for_decision(request.user, extension_id)
    decide_extension(
        actor=request.user,
        extension=extension,
        approve=request.POST.get("decision") == "approve",
        note=request.POST.get("note", "")[:5000],
    )
    messages.success(request, _("Decision recorded."))
    return redirect("workplan:task", task_id=extension.task_id)


@login_required
@require_POST
def task_comment(request: HttpRequest, task_id: int) -> HttpResponse:
    task = get_task_for_user(request.user, task_id)
    form = CommentForm(request.POST)
    if form.is_valid():
        add_comment(actor=request.user, task=task, text=form.cleaned_data["text"])
    return redirect("workplan:task", task_id=task.pk)


@login_required
@require_POST
def task_state(request: HttpRequest, task_id: int) -> HttpResponse:
    task = get_task_for_user(request.user, task_id, for_edit=True)
    change = request.POST.get("change")
    changes = {
        "pause": {"paused": True},
        "resume": {"paused": False},
        "cancel": {"cancelled": True},
    }.get(change or "")
    if changes:
        update_task(actor=request.user, task=task, expected_version=None, changes=changes)
    return redirect("workplan:task", task_id=task.pk)


@login_required
def directive_list(request: HttpRequest) -> HttpResponse:
    directives = (
        directives_for_user(request.user).select_related("owner_org").order_by("-issued_on", "-pk")
    )
    can_intake = bool(organisations_for_intake(request.user))
    return render(
        request,
        "workplan/directive_list.html",
        {"directives": directives, "can_intake": can_intake},
    )


@login_required
def directive_detail(request: HttpRequest, directive_id: int) -> HttpResponse:
    directive = get_directive_for_user(request.user, directive_id)
    as_of = _date_param(request, "as_of", workplan_today())
    tasks = {
        t.pk: t
        for t in tasks_for_user(request.user)
        .filter(directive=directive)
        .with_status(as_of)
        .for_list()
    }
    clauses = [
        (clause, [t for t in tasks.values() if t.clause_id == clause.pk])
        for clause in directive.clauses.all()
    ]
    context = {
        "directive": directive,
        "clauses": clauses,
        "as_of": as_of,
        "can_manage": can_manage_directive(principal_for(request.user), directive),
    }
    return render(request, "workplan/directive_detail.html", context)


def _choices(form: forms.Form, name: str, choices: list[tuple[Any, str]]) -> None:
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    field.choices = choices


@login_required
def intake_page(request: HttpRequest) -> HttpResponse:
    choices = organisations_for_intake(request.user)
    if not choices:
        messages.error(request, _("You may not file directives."))
        return redirect("workplan:directives")
    form = IntakeForm(request.POST or None, request.FILES or None)
    _choices(form, "owner_org", [(org.code, org.name) for org in choices])
    if request.method == "POST" and form.is_valid():
        owner = next(org for org in choices if org.code == form.cleaned_data["owner_org"])
        upload = form.cleaned_data.get("file")
        try:
            directive = intake(
                actor=request.user,
                owner_org=owner,
                text=form.cleaned_data.get("text") or "",
                data=upload.read() if upload else b"",
                filename=upload.name if upload else "",
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
            for messages_list in exc.fields.values():
                for message in messages_list:
                    form.add_error(None, message)
        else:
            messages.success(
                request,
                _("%(count)d tasks proposed: review them, then confirm.")
                % {"count": directive.tasks.count()},
            )
            return redirect("workplan:review", directive_id=directive.pk)
    return render(
        request, "workplan/intake.html", {"form": form}, status=422 if form.errors else 200
    )


@login_required
def review_page(request: HttpRequest, directive_id: int) -> HttpResponse:
    directive = get_directive_for_user(request.user, directive_id, for_edit=True)
    tasks = list(
        directive.tasks.filter(state=TaskState.PROPOSED)
        .select_related("lead_org", "clause")
        .prefetch_related("participant_links__organisation")
    )
    if request.method == "POST":
        try:
            _save_review(request, tasks)
            if request.POST.get("action") == "confirm":
                confirm_directive(actor=request.user, directive=directive)
                messages.success(request, _("Directive confirmed; the leads have been notified."))
                return redirect("workplan:directive", directive_id=directive.pk)
            messages.success(request, _("Saved."))
            return redirect("workplan:review", directive_id=directive.pk)
        except DomainError as exc:
            messages.error(request, exc.message)
    organisations = Organisation.objects.active().exclude(kind="locality").order_by("path")
    return render(
        request,
        "workplan/review.html",
        {"directive": directive, "tasks": tasks, "organisations": organisations},
    )


def _save_review(request: HttpRequest, tasks: list[Any]) -> None:
    for task in tasks:
        if request.POST.get(f"remove-{task.pk}"):
            remove_proposed_task(actor=request.user, task=task)
            continue
        changes: dict[str, Any] = {}
        title = request.POST.get(f"title-{task.pk}", task.title).strip()
        if title and title != task.title:
            changes["title"] = title[:500]
        lead = request.POST.get(f"lead-{task.pk}", "")
        if lead.isdigit() and int(lead) != task.lead_org_id:
            changes["lead_org"] = Organisation.objects.get(pk=int(lead))
        deadline_text = request.POST.get(f"deadline-{task.pk}", "")
        deadline = dt.date.fromisoformat(deadline_text) if deadline_text else None
        if deadline != task.deadline:
            changes["deadline"] = deadline
        if changes:
            update_task(actor=request.user, task=task, expected_version=None, changes=changes)


@login_required
def timeline_page(request: HttpRequest) -> HttpResponse:
    as_of = _date_param(request, "as_of", workplan_today())
    tasks = (
        tasks_for_user(request.user)
        .active()
        .with_status(as_of)
        .for_list()
        .prefetch_related("depends_on")
    )
    directive_id = request.GET.get("directive", "")
    if directive_id.isdigit():
        tasks = tasks.filter(directive_id=int(directive_id))
    tasks = tasks.order_by("directive_id", "clause__position", "sequence", "pk")[:300]
    return render(
        request,
        "workplan/timeline.html",
        {
            "timeline": build_timeline(list(tasks), as_of=as_of),
            "as_of": as_of,
            "directives": directives_for_user(request.user).confirmed(),
            "directive_id": directive_id,
        },
    )


@login_required
def changes_page(request: HttpRequest) -> HttpResponse:
    as_of = _date_param(request, "as_of", workplan_today())
    since = _date_param(request, "since", as_of - dt.timedelta(days=7))
    lines = changes_since(tasks_for_user(request.user), since=since, as_of=as_of)
    labels = dict(ChangeKind.choices)
    statuses = dict(StatusChoice.choices)
    return render(
        request,
        "workplan/changes.html",
        {"lines": lines, "since": since, "as_of": as_of, "labels": labels, "statuses": statuses},
    )


@login_required
def reports_page(request: HttpRequest) -> HttpResponse:
    as_of = _date_param(request, "as_of", workplan_today())
    period = request.GET.get("period", "month")
    fmt = request.GET.get("format", "")
    if fmt in {"docx", "xlsx"} and period in PERIODS:
        return progress_report_response(request.user, as_of=as_of, period=period, fmt=fmt)
    return render(
        request, "workplan/reports.html", {"as_of": as_of, "period": period, "periods": PERIODS}
    )


@login_required
def obstacles_page(request: HttpRequest) -> HttpResponse:
    principal = principal_for(request.user)
    own = [
        org
        for org in Organisation.objects.active().order_by("path")
        if principal.can_edit_owned_by(org.path)
    ][:200]
    form = ObstacleForm(request.POST or None, initial={"raised_on": workplan_today()})
    _choices(form, "raised_by_org", [(org.pk, org.name) for org in own])
    if request.method == "POST" and form.is_valid():
        raise_obstacle(
            actor=request.user,
            raised_by_org=Organisation.objects.get(pk=form.cleaned_data["raised_by_org"]),
            text=form.cleaned_data["text"],
            addressed_to=form.cleaned_data["addressed_to"],
            raised_on=form.cleaned_data["raised_on"],
        )
        messages.success(request, _("Obstacle recorded."))
        return redirect("workplan:obstacles")
    obstacles = obstacles_for_user(request.user).select_related("raised_by_org", "task")
    return render(
        request,
        "workplan/obstacles.html",
        {
            "obstacles": obstacles,
            "form": form if own else None,
            "answer_form": AnswerForm(),
            "can_answer": can_decide_extensions(principal),
        },
    )


@login_required
@require_POST
def obstacle_answer(request: HttpRequest, obstacle_id: int) -> HttpResponse:
    obstacle = get_obstacle_for_user(request.user, obstacle_id, for_edit=True)
    form = AnswerForm(request.POST)
    if form.is_valid():
        answer_obstacle(
            actor=request.user,
            obstacle=obstacle,
            answer=form.cleaned_data["answer"],
            status=form.cleaned_data["status"],
        )
    return redirect("workplan:obstacles")


@login_required
def notifications_page(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        mark_read(
            user=request.user,
            notification_ids=[int(i) for i in request.POST.getlist("id") if i.isdigit()],
        )
        return redirect("workplan:notifications")
    notifications = Notification.objects.filter(user_id=int(request.user.pk or 0)).select_related(
        "task"
    )[:200]
    return render(request, "workplan/notifications.html", {"notifications": notifications})
