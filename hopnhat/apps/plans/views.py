"""Server-rendered plan pages: the list, a plan with its check table, and the comparison.

The map editor comes separately; these pages read through access.py and engine_io only.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from hopnhat.apps.directory.access import principal_for
from hopnhat.apps.plans.access import get_plan_for_user
from hopnhat.apps.plans.actions import allowed_targets, localities_of
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
