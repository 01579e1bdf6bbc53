"""Fetching plans and comments on behalf of a user: the only way the edges get them."""

from __future__ import annotations

from typing import Any

from hopnhat.apps.directory.access import (
    Principal,
    deny_forbidden,
    deny_not_found,
    principal_for,
)
from hopnhat.apps.plans.models import Comment, Plan, PlanReviewer


def can_read_plan(principal: Principal, plan: Plan) -> bool:
    if principal.is_superuser or principal.can_read_owned_by(plan.owner_org.path):
        return True
    return (
        principal.user_id is not None
        and PlanReviewer.objects.filter(plan=plan, user_id=principal.user_id).exists()
    )


def can_edit_plan(principal: Principal, plan: Plan) -> bool:
    return principal.is_superuser or principal.can_edit_owned_by(plan.owner_org.path)


def get_plan_for_user(user: Any, plan_id: int, *, for_edit: bool = False) -> Plan:
    principal = principal_for(user)
    plan = Plan.objects.select_related("owner_org").filter(pk=plan_id).first()
    action = "plans.plan.edit" if for_edit else "plans.plan.read"
    if plan is None or not principal.is_authenticated or not can_read_plan(principal, plan):
        raise deny_not_found(user=user, action=action, object_type="plans.plan", object_id=plan_id)
    if for_edit and not can_edit_plan(principal, plan):
        raise deny_forbidden(user=user, action=action, object_type="plans.plan", object_id=plan.pk)
    return plan


def get_comment_for_user(
    user: Any, plan: Plan, comment_id: int, *, for_edit: bool = False
) -> Comment:
    """A comment of a plan the user already holds; resolving it needs the right to edit the plan."""
    principal = principal_for(user)
    comment = Comment.objects.filter(plan=plan, pk=comment_id).first()
    action = "plans.comment.resolve" if for_edit else "plans.comment.read"
    if comment is None:
        raise deny_not_found(
            user=user, action=action, object_type="plans.comment", object_id=comment_id
        )
    if for_edit and not can_edit_plan(principal, plan):
        raise deny_forbidden(
            user=user, action=action, object_type="plans.comment", object_id=comment.pk
        )
    return comment
