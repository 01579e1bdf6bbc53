"""Server-rendered plan pages: the list, a plan with its check table, and the comparison.

The map editor comes separately; these pages read through access.py and engine_io only.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hopnhat.apps.directory.access import principal_for
from hopnhat.apps.plans.access import can_edit_plan, get_plan_for_user
from hopnhat.apps.plans.actions import allowed_targets, copy_plan, localities_of
from hopnhat.apps.plans.compare import compare_plans
from hopnhat.apps.plans.engine_io import check_report, plan_snapshot
from hopnhat.apps.plans.models import Plan


@login_required
def plan_list(request: HttpRequest) -> HttpResponse:
    plans = Plan.objects.visible_to(principal_for(request.user)).select_related("owner_org")
    return render(request, "plans/list.html", {"plans": plans})


@login_required
def plan_detail(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = get_plan_for_user(request.user, plan_id)
    report = check_report(plan_snapshot(plan))
    signed = {s.locality_id: s for s in plan.signoffs.select_related("signed_by")}
    context: dict[str, Any] = {
        "plan": plan,
        "report": report,
        "comments": plan.comments.select_related("author"),
        "localities": [(org, signed.get(org.pk)) for org in localities_of(plan)],
        "allowed_steps": allowed_targets(principal_for(request.user), plan),
        "other_plans": Plan.objects.visible_to(principal_for(request.user)).exclude(pk=plan.pk),
        "can_run_optimizer": plan.is_editable and can_edit_plan(principal_for(request.user), plan),
    }
    return render(request, "plans/detail.html", context)


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
