"""Server-rendered plan pages: the list, a plan with its check table, and the comparison.

The map editor comes separately; these pages read through access.py and engine_io only.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hopnhat.apps.accounts.models import User
from hopnhat.apps.directory.access import principal_for
from hopnhat.apps.directory.models import Organisation, Role
from hopnhat.apps.plans import actions
from hopnhat.apps.plans.access import can_edit_plan, get_comment_for_user, get_plan_for_user
from hopnhat.apps.plans.actions import (
    allowed_targets,
    copy_plan,
    is_locality_lead,
    localities_of,
)
from hopnhat.apps.plans.compare import compare_plans
from hopnhat.apps.plans.engine_io import check_report, plan_snapshot
from hopnhat.apps.plans.forms import (
    STEP_LABELS,
    CommentForm,
    EnactForm,
    ResolveCommentForm,
    ReviewerForm,
    SignoffForm,
    StatusForm,
)
from hopnhat.apps.plans.models import Plan, PlanStatus
from hopnhat.apps.territory.models import Unit
from hopnhat.common.errors import ConflictError, ValidationFailedError


@login_required
def plan_list(request: HttpRequest) -> HttpResponse:
    plans = Plan.objects.visible_to(principal_for(request.user)).select_related("owner_org")
    return render(request, "plans/list.html", {"plans": plans})


@login_required
def plan_detail(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = get_plan_for_user(request.user, plan_id)
    return render(request, "plans/detail.html", _detail_context(request, plan))


def _detail_context(request: HttpRequest, plan: Plan, **forms: Any) -> dict[str, Any]:
    """The plan page; `forms` replaces a default form by the bound one that was refused."""
    principal = principal_for(request.user)
    report = check_report(plan_snapshot(plan))
    signed = {s.locality_id: s for s in plan.signoffs.select_related("signed_by")}
    localities = localities_of(plan)
    can_edit = can_edit_plan(principal, plan)
    failed_comment = forms.get("resolve_form_for")
    comments = [
        (
            comment,
            forms["resolve_form"]
            if failed_comment == comment.pk
            else ResolveCommentForm(prefix=f"c{comment.pk}"),
        )
        for comment in plan.comments.select_related("author", "resolved_by")
    ]
    context: dict[str, Any] = {
        "plan": plan,
        "report": report,
        "comments": comments,
        "localities": [(org, signed.get(org.pk)) for org in localities],
        "allowed_steps": allowed_targets(principal, plan),
        "step_buttons": [
            (target, STEP_LABELS.get((plan.status, target), target))
            for target in allowed_targets(principal, plan)
        ],
        "signable": (
            [
                org
                for org in localities
                if org.pk not in signed and is_locality_lead(principal, org.path)
            ]
            if plan.status == PlanStatus.CONSULTATION
            else []
        ),
        "can_edit": can_edit,
        "reviewers": plan.reviewers.select_related("user").order_by("assigned_at"),
        "can_enact": plan.status == PlanStatus.APPROVED
        and (principal.is_superuser or principal.has_role(Role.COORDINATOR)),
        "registry_units": _registry_units(plan),
        "other_plans": Plan.objects.visible_to(principal).exclude(pk=plan.pk),
        "can_run_optimizer": plan.is_editable and can_edit,
        "status_form": forms.get("status_form") or StatusForm(),
        "reviewer_form": forms.get("reviewer_form")
        or ReviewerForm(reviewers=_reviewer_candidates(plan)),
        "comment_form": forms.get("comment_form") or CommentForm(units=_unit_choices(plan)),
        "enact_form": forms.get("enact_form")
        or EnactForm(initial={"effective_date": plan.target_date}),
        "workflow_error": forms.get("workflow_error", ""),
        "statuses": PlanStatus.choices,
    }
    return context


@login_required
def plan_compare(request: HttpRequest, plan_id: int, other_id: int) -> HttpResponse:
    plan = get_plan_for_user(request.user, plan_id)
    other = get_plan_for_user(request.user, other_id)
    comparison = compare_plans(plan_snapshot(plan), plan_snapshot(other), with_overlay=False)
    metric_rows = [
        (key, comparison["metrics"][0][key], comparison["metrics"][1][key])
        for key in comparison["metrics"][0]
        if key != "by_type"
    ]
    context = {"plan": plan, "other": other, "comparison": comparison, "metric_rows": metric_rows}
    return render(request, "plans/compare.html", context)


@login_required
def plan_editor(request: HttpRequest, plan_id: int) -> HttpResponse:
    """The map editor; it loads its data from /api/v1/plans/{id}/editor."""
    plan = get_plan_for_user(request.user, plan_id)
    can_edit = plan.is_editable and can_edit_plan(principal_for(request.user), plan)
    return render(request, "plans/editor.html", {"plan": plan, "can_edit": can_edit})


@login_required
@require_POST
def plan_copy(request: HttpRequest, plan_id: int) -> HttpResponse:
    """Copy a plan into a new draft of the same owner, then open it in the editor."""
    plan = get_plan_for_user(request.user, plan_id)
    name = (request.POST.get("name") or "").strip()[:200] or _("Copy of %(name)s") % {
        "name": plan.name
    }
    copy = copy_plan(actor=request.user, plan=plan, name=name)
    return redirect("plans:editor", plan_id=copy.pk)


@login_required
def plan_document(request: HttpRequest, plan_id: int, document: str) -> HttpResponse:
    """A dossier document or the comment synthesis table, as a download."""
    from hopnhat.apps.plans.exporters import DOCUMENTS, export_document

    plan = get_plan_for_user(request.user, plan_id)
    if document not in DOCUMENTS:
        raise Http404(document)
    content, content_type, filename = export_document(
        actor=request.user, plan=plan, document=document
    )
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_POST
def plan_start_job(request: HttpRequest, plan_id: int, kind: str) -> HttpResponse:
    """Start propose, complete or repair, then show the job's progress page."""
    from hopnhat.apps.plans.tasks import start_optimizer_job

    plan = get_plan_for_user(request.user, plan_id, for_edit=True)
    params = {
        name: request.POST[name]
        for name in ("seed", "time_limit_s", "target_min", "target_max")
        if request.POST.get(name, "").strip()
    }
    job = start_optimizer_job(actor=request.user, plan=plan, mode=kind, params=params)
    return redirect("jobs:detail", job_id=job.pk)


# The workflow, from the plan page ----------------------------------------------------------
#
# Every write goes through actions.py or registry.enact, which check the right (a refusal is
# audited and raised as AccessDeniedError: the 403 page) and the step (ValidationFailedError
# or ConflictError: the plan page again, with the reason beside the form).


def _refused(
    request: HttpRequest, plan: Plan, error: ValidationFailedError | ConflictError, **forms: Any
) -> HttpResponse:
    form = next((f for name, f in forms.items() if name.endswith("_form")), None)
    if form is not None:
        form.add_error(None, error.message)
    plan.refresh_from_db()
    status = 409 if isinstance(error, ConflictError) else 422
    return render(
        request,
        "plans/detail.html",
        _detail_context(
            request, plan, workflow_error="" if form is not None else error.message, **forms
        ),
        status=status,
    )


def _invalid(request: HttpRequest, plan: Plan, **forms: Any) -> HttpResponse:
    return render(
        request,
        "plans/detail.html",
        _detail_context(request, plan, **forms),
        status=422,
    )


def _back(plan: Plan, anchor: str) -> HttpResponse:
    return redirect(reverse("plans:detail", args=[plan.pk]) + f"#{anchor}")


def _reviewer_candidates(plan: Plan) -> QuerySet[User]:
    return (
        User.objects.filter(memberships__role=Role.REVIEWER, is_active=True)
        .exclude(reviewed_plans__plan=plan)
        .distinct()
        .order_by("username")
    )


def _unit_choices(plan: Plan) -> list[tuple[str, str]]:
    return [(u.key, f"{u.name} ({u.key})") for u in plan.new_units.order_by("position", "key")]


def _registry_units(plan: Plan) -> list[Unit]:
    """The units enactment wrote into the registry (their events carry the plan's key)."""
    if plan.status != PlanStatus.ENACTED:
        return []
    return list(
        Unit.objects.filter(
            predecessor_edges__event__key__endswith=f"/plan-{plan.pk}",
            valid_from=plan.effective_date,
        )
        .distinct()
        .order_by("code")
    )


@login_required
@require_POST
def plan_status(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = get_plan_for_user(request.user, plan_id)
    form = StatusForm(request.POST)
    if not form.is_valid():
        return _invalid(request, plan, status_form=form)
    try:
        actions.change_status(
            actor=request.user,
            plan=plan,
            to=form.cleaned_data["to"],
            note=form.cleaned_data["note"],
        )
    except (ValidationFailedError, ConflictError) as error:
        return _refused(request, plan, error, status_form=form)
    messages.success(
        request, _("The plan is now “%(status)s”.") % {"status": plan.get_status_display()}
    )
    return _back(plan, "workflow")


@login_required
@require_POST
def plan_signoff(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = get_plan_for_user(request.user, plan_id)
    form = SignoffForm(request.POST)
    locality = (
        Organisation.objects.localities().filter(code=form.data.get("locality", "")).first()
        if form.is_valid()
        else None
    )
    if locality is None:
        return _invalid(request, plan, workflow_error=_("Unknown locality."))
    try:
        actions.sign_off(actor=request.user, plan=plan, locality=locality)
    except (ValidationFailedError, ConflictError) as error:
        return _refused(request, plan, error)
    messages.success(
        request,
        _("%(locality)s signed off version %(version)s.")
        % {"locality": locality.short_name or locality.name, "version": plan.version},
    )
    return _back(plan, "workflow")


@login_required
@require_POST
def plan_reviewer(request: HttpRequest, plan_id: int) -> HttpResponse:
    # The right first (as the API does): a refused user gets the 403 page, not a form error.
    plan = get_plan_for_user(request.user, plan_id, for_edit=True)
    form = ReviewerForm(request.POST, reviewers=_reviewer_candidates(plan))
    if not form.is_valid():
        return _invalid(request, plan, reviewer_form=form)
    reviewer = form.cleaned_data["user"]
    try:
        actions.assign_reviewer(actor=request.user, plan=plan, user=reviewer)
    except (ValidationFailedError, ConflictError) as error:
        return _refused(request, plan, error, reviewer_form=form)
    messages.success(
        request, _("%(name)s now reviews this plan.") % {"name": reviewer.display_name}
    )
    return _back(plan, "reviewers")


@login_required
@require_POST
def plan_comment(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = get_plan_for_user(request.user, plan_id)
    form = CommentForm(request.POST, units=_unit_choices(plan))
    if not form.is_valid():
        return _invalid(request, plan, comment_form=form)
    try:
        actions.add_comment(
            actor=request.user,
            plan=plan,
            text=form.cleaned_data["text"],
            unit_key=form.cleaned_data["unit_key"],
        )
    except (ValidationFailedError, ConflictError) as error:
        return _refused(request, plan, error, comment_form=form)
    messages.success(request, _("Comment added."))
    return _back(plan, "comments")


@login_required
@require_POST
def plan_comment_resolve(request: HttpRequest, plan_id: int, comment_id: int) -> HttpResponse:
    plan = get_plan_for_user(request.user, plan_id)
    comment = get_comment_for_user(request.user, plan, comment_id, for_edit=True)
    form = ResolveCommentForm(request.POST, prefix=f"c{comment.pk}")
    if not form.is_valid():
        return _invalid(request, plan, resolve_form=form, resolve_form_for=comment.pk)
    try:
        actions.resolve_comment(
            actor=request.user,
            comment=comment,
            status=form.cleaned_data["status"],
            response=form.cleaned_data["response"],
        )
    except (ValidationFailedError, ConflictError) as error:
        return _refused(request, plan, error, resolve_form=form, resolve_form_for=comment.pk)
    messages.success(
        request, _("The comment is now “%(status)s”.") % {"status": comment.get_status_display()}
    )
    return _back(plan, f"comment-{comment.pk}")


@login_required
@require_POST
def plan_enact(request: HttpRequest, plan_id: int) -> HttpResponse:
    from hopnhat.apps.plans.registry import enact

    plan = get_plan_for_user(request.user, plan_id)
    form = EnactForm(request.POST)
    if not form.is_valid():
        return _invalid(request, plan, enact_form=form)
    data = form.cleaned_data
    try:
        counts = enact(
            actor=request.user,
            plan=plan,
            effective_date=data["effective_date"],
            legal_basis=data["document_number"],
            legal_title=data["title"],
            signed_on=data["signed_on"],
            issuer=data["issuer"],
            clause=data["clause"],
        )
    except (ValidationFailedError, ConflictError) as error:
        return _refused(request, plan, error, enact_form=form)
    messages.success(
        request,
        _(
            "Enacted: %(units)s new units and %(events)s change events are in the registry from "
            "%(date)s."
        )
        % {
            "units": counts["units_created"],
            "events": counts["events"],
            "date": date_format(data["effective_date"], "SHORT_DATE_FORMAT"),
        },
    )
    return _back(plan, "registry")
