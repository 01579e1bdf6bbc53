"""Every write to a plan: each one in a transaction, checked for rights, and audited.

Who moves which step is decided in docs/decisions/0004-plan-workflow.md.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from hopnhat.apps.audit.actions import record_event
from hopnhat.apps.directory.access import Principal, principal_for
from hopnhat.apps.directory.models import Organisation, Role
from hopnhat.apps.plans.access import can_edit_plan
from hopnhat.apps.plans.engine_io import options_from_json, options_to_json
from hopnhat.apps.plans.models import (
    Assignment,
    Comment,
    CommentStatus,
    NewUnit,
    Plan,
    PlanReviewer,
    PlanSignoff,
    PlanStatus,
    PlanVersion,
    UnitNotArranged,
)
from hopnhat.apps.plans.snapshots import (
    UNIT_FIELDS,
    ResolvedPayload,
    diff_payloads,
    locked_units_changed,
    payload_of,
    resolve_payload,
)
from hopnhat.common.errors import AccessDeniedError, ConflictError, ValidationFailedError
from hopnhat.engine.standards import rule_set_for

# Part polygons keyed by (old code, new unit key), in GeoJSON lon/lat.
PartGeometries = dict[tuple[str, str], str]


def _denied(actor: Any, action: str, plan: Plan, reason: str) -> AccessDeniedError:
    from hopnhat.apps.audit.actions import record_denied

    record_denied(
        actor=actor, action=action, object_type="plans.plan", object_id=plan.pk, reason=reason
    )
    return AccessDeniedError(gettext("You do not have the right to do this."))


# Creating ---------------------------------------------------------------------------------


def create_plan(
    *,
    actor: Any,
    name: str,
    owner_org: Organisation,
    provinces: list[str],
    new_province_code: str,
    base_date: datetime.date,
    target_date: datetime.date,
    options: dict[str, Any] | None = None,
    payload: dict[str, Any] | None = None,
    copied_from: Plan | None = None,
    system: bool = False,
    part_geometries: PartGeometries | None = None,
) -> Plan:
    """A new draft plan; `system=True` is for loaders run from the command line."""
    if not system and not principal_for(actor).can_edit_owned_by(owner_org.path):
        raise AccessDeniedError(gettext("You cannot create plans for this organisation."))
    try:
        rule_set = rule_set_for(target_date)
    except LookupError as error:
        raise ValidationFailedError(
            gettext("No rule set is in force on the target date."),
            fields={"target_date": [str(error)]},
        ) from error
    with transaction.atomic():
        plan = Plan.objects.create(
            name=name,
            owner_org=owner_org,
            provinces=sorted(provinces),
            new_province_code=new_province_code,
            base_date=base_date,
            target_date=target_date,
            rule_set_id=rule_set.id,
            options=options_to_json(options_from_json(options)),
            copied_from=copied_from,
            created_by=actor if _is_user(actor) else None,
        )
        resolved = resolve_payload(plan, payload or {})
        _write_rows(plan, resolved, part_geometries or {})
        snapshot = payload_of(plan)
        PlanVersion.objects.create(
            plan=plan,
            number=1,
            saved_by=plan.created_by,
            summary=gettext("Created"),
            snapshot=snapshot,
        )
        record_event(
            actor=actor,
            action="plans.plan.create",
            obj=plan,
            changes={
                "name": name,
                "owner_org": owner_org.code,
                "provinces": plan.provinces,
                "base_date": base_date,
                "target_date": target_date,
                "rule_set_id": plan.rule_set_id,
                "copied_from": copied_from.pk if copied_from else None,
                "units": len(snapshot["units"]),
            },
        )
    return plan


def copy_plan(*, actor: Any, plan: Plan, name: str, owner_org: Organisation | None = None) -> Plan:
    part_geometries = {
        (a.old_unit.code, a.new_unit.key): a.part_geometry
        for a in Assignment.objects.filter(plan=plan)
        .exclude(part_geometry="")
        .select_related("old_unit", "new_unit")
    }
    return create_plan(
        actor=actor,
        name=name,
        owner_org=owner_org or plan.owner_org,
        provinces=list(plan.provinces),
        new_province_code=plan.new_province_code,
        base_date=plan.base_date,
        target_date=plan.target_date,
        options=plan.options,
        payload=payload_of(plan),
        copied_from=plan,
        part_geometries=part_geometries,
    )


def _is_user(actor: Any) -> bool:
    return actor is not None and getattr(actor, "is_authenticated", False)


# Saving the assignment ----------------------------------------------------------------------


def save_assignment(
    *,
    actor: Any,
    plan: Plan,
    expected_version: int,
    payload: dict[str, Any],
    summary: str = "",
) -> PlanVersion:
    """Replace the plan's assignment; a save based on a stale version gets ConflictError.

    The conflict carries the stale payload ("yours") with what the others changed since the
    version it was based on ("theirs") and what it would change ("mine"): nothing is lost.
    """
    with transaction.atomic():
        current = Plan.objects.select_for_update().get(pk=plan.pk)
        if not current.is_editable:
            raise ValidationFailedError(
                gettext("A plan in status “%(status)s” cannot be edited.")
                % {"status": current.get_status_display()}
            )
        if expected_version != current.version:
            raise _conflict(current, expected_version, payload)
        resolved = resolve_payload(current, payload)
        before = payload_of(current)
        _refuse_locked_changes(before, resolved)
        _write_rows(current, resolved, _existing_part_geometries(current))
        after = payload_of(current)
        current.version += 1
        current.save(update_fields=["version"])
        version = PlanVersion.objects.create(
            plan=current,
            number=current.version,
            saved_by=actor if _is_user(actor) else None,
            summary=summary[:300],
            snapshot=after,
        )
        # Agreement is given to a version: an edit during consultation withdraws the sign-offs.
        withdrawn = list(current.signoffs.values_list("locality__code", flat=True))
        current.signoffs.all().delete()
        record_event(
            actor=actor,
            action="plans.assignment.save",
            obj=current,
            changes={
                "version": [expected_version, current.version],
                "summary": summary,
                "diff": diff_payloads(before, after),
                "signoffs_withdrawn": withdrawn,
            },
        )
    plan.version = current.version
    return version


def _refuse_locked_changes(before: dict[str, Any], resolved: ResolvedPayload) -> None:
    """A locked unit keeps its constituents; the save that unlocks it may change them."""
    changed = locked_units_changed(before, resolved.units)
    if not changed:
        return
    names = {u["key"]: u["name"] for u in before["units"]}
    message = gettext(
        "Unit %(name)s (%(key)s) is locked: its old units cannot change. Unlock it first."
    )
    raise ValidationFailedError(
        message % {"name": names[changed[0]], "key": changed[0]},
        fields={
            f"units.{key}.locked": [message % {"name": names[key], "key": key}] for key in changed
        },
    )


def _conflict(plan: Plan, expected_version: int, payload: dict[str, Any]) -> ConflictError:
    base = PlanVersion.objects.filter(plan=plan, number=expected_version).first()
    current = payload_of(plan)
    base_snapshot = base.snapshot if base else {"units": [], "not_arranged": []}
    return ConflictError(
        gettext(
            "The plan was saved by someone else (version %(current)s); your changes were not "
            "saved. They are returned here so you can re-apply them."
        )
        % {"current": plan.version},
        current_version=plan.version,
        diff={
            "base_version": expected_version,
            "theirs": diff_payloads(base_snapshot, current),
            "mine": diff_payloads(base_snapshot, payload),
            "yours": payload,
        },
    )


def _existing_part_geometries(plan: Plan) -> PartGeometries:
    return {
        (a.old_unit.code, a.new_unit.key): a.part_geometry
        for a in Assignment.objects.filter(plan=plan)
        .exclude(part_geometry="")
        .select_related("old_unit", "new_unit")
    }


def _write_rows(plan: Plan, resolved: ResolvedPayload, part_geometries: PartGeometries) -> None:
    # New units are updated in place by key, so comments on a unit stay attached to it.
    existing = {u.key: u for u in NewUnit.objects.filter(plan=plan)}
    wanted = {u["key"] for u in resolved.units}
    NewUnit.objects.filter(plan=plan).exclude(key__in=wanted).delete()
    Assignment.objects.filter(plan=plan).delete()
    to_create, to_update = [], []
    for position, data in enumerate(resolved.units):
        values = {name: data[name] for name in UNIT_FIELDS}
        unit = existing.get(data["key"])
        if unit is None:
            to_create.append(NewUnit(plan=plan, key=data["key"], position=position, **values))
            continue
        for name, value in {**values, "position": position}.items():
            setattr(unit, name, value)
        to_update.append(unit)
    NewUnit.objects.bulk_create(to_create)
    if to_update:
        NewUnit.objects.bulk_update(to_update, [*UNIT_FIELDS, "position"])
    units = {u.key: u for u in NewUnit.objects.filter(plan=plan)}
    Assignment.objects.bulk_create(
        [
            Assignment(
                plan=plan,
                old_unit=resolved.old_units[c["old_code"]],
                new_unit=units[data["key"]],
                relation=c["relation"],
                area_share=c["area_share"],
                population_share=c["population_share"],
                part_geometry=(
                    part_geometries.get((c["old_code"], data["key"]), "")
                    if c["relation"] == "part"
                    else ""
                ),
            )
            for data in resolved.units
            for c in data["constituents"]
        ],
        batch_size=500,
    )
    UnitNotArranged.objects.filter(plan=plan).delete()
    UnitNotArranged.objects.bulk_create(
        [
            UnitNotArranged(
                plan=plan, old_unit=resolved.old_units[r["old_code"]], reason=r["reason"]
            )
            for r in resolved.not_arranged
        ]
    )


# Workflow -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    source: str
    target: str
    who: str  # "owner", "locality_lead", "reviewer"


STEPS = (
    Step(PlanStatus.DRAFT, PlanStatus.CONSULTATION, "owner"),
    Step(PlanStatus.CONSULTATION, PlanStatus.DRAFT, "owner"),
    Step(PlanStatus.AGREED, PlanStatus.CONSULTATION, "owner"),
    Step(PlanStatus.AGREED, PlanStatus.SUBMITTED, "locality_lead"),
    Step(PlanStatus.SUBMITTED, PlanStatus.UNDER_APPRAISAL, "reviewer"),
    Step(PlanStatus.UNDER_APPRAISAL, PlanStatus.CONSULTATION, "reviewer"),
    Step(PlanStatus.UNDER_APPRAISAL, PlanStatus.APPROVED, "reviewer"),
)
LEAD_ROLES = (Role.STEERING, Role.COORDINATOR)


def locality_root(path: str) -> str:
    first = path.strip("/").split("/")[0]
    return f"/{first}/" if first else "/"


def is_locality_lead(principal: Principal, locality_path: str) -> bool:
    # Membership in the locality's own subtree: a coordinator of Hải Dương reads and edits
    # shared work everywhere, but speaks only for Hải Dương.
    return principal.is_superuser or any(
        p.startswith(locality_path) for p in principal.paths_with_role(*LEAD_ROLES)
    )


def is_plan_reviewer(principal: Principal, plan: Plan) -> bool:
    if principal.is_superuser:
        return True
    return (
        principal.user_id is not None
        and principal.has_role(Role.REVIEWER)
        and PlanReviewer.objects.filter(plan=plan, user_id=principal.user_id).exists()
    )


def may_take(principal: Principal, plan: Plan, step: Step) -> bool:
    if step.who == "owner":
        return can_edit_plan(principal, plan)
    if step.who == "locality_lead":
        return is_locality_lead(principal, locality_root(plan.owner_org.path))
    return is_plan_reviewer(principal, plan)


def allowed_targets(principal: Principal, plan: Plan) -> list[str]:
    return [s.target for s in STEPS if s.source == plan.status and may_take(principal, plan, s)]


def change_status(*, actor: Any, plan: Plan, to: str, note: str = "") -> Plan:
    step = next((s for s in STEPS if s.source == plan.status and s.target == to), None)
    if step is None:
        raise ValidationFailedError(
            gettext("A plan cannot go from “%(source)s” to “%(target)s” this way.")
            % {"source": plan.get_status_display(), "target": to},
            fields={"status": [gettext("not an allowed step")]},
        )
    if not may_take(principal_for(actor), plan, step):
        raise _denied(actor, f"plans.status.{to}", plan, "no right for this step")
    with transaction.atomic():
        current = Plan.objects.select_for_update().get(pk=plan.pk)
        if current.status != step.source:
            raise ConflictError(
                gettext("The plan's status changed meanwhile."),
                current_version=current.version,
                diff={"status": [step.source, current.status]},
            )
        current.status = to
        current.save(update_fields=["status"])
        withdrawn: list[str] = []
        if to in (PlanStatus.DRAFT, PlanStatus.CONSULTATION):
            withdrawn = list(current.signoffs.values_list("locality__code", flat=True))
            current.signoffs.all().delete()
        record_event(
            actor=actor,
            action="plans.plan.status",
            obj=current,
            changes={"status": [step.source, to], "note": note, "signoffs_withdrawn": withdrawn},
        )
    plan.status = to
    return plan


def localities_of(plan: Plan) -> list[Organisation]:
    return list(Organisation.objects.localities().filter(code__in=plan.provinces).order_by("code"))


def sign_off(*, actor: Any, plan: Plan, locality: Organisation) -> PlanSignoff:
    """One locality agrees with the current version; the last one makes the plan agreed."""
    if locality.code not in plan.provinces or locality.kind != "locality":
        raise ValidationFailedError(
            gettext("%(locality)s is not a locality of this plan.") % {"locality": locality.name}
        )
    if not is_locality_lead(principal_for(actor), locality.path):
        raise _denied(actor, "plans.signoff", plan, f"not a lead of locality {locality.code}")
    if plan.status != PlanStatus.CONSULTATION:
        raise ValidationFailedError(gettext("Localities sign off a plan during consultation."))
    with transaction.atomic():
        current = Plan.objects.select_for_update().get(pk=plan.pk)
        signoff, _created = PlanSignoff.objects.update_or_create(
            plan=current,
            locality=locality,
            defaults={
                "plan_version": current.version,
                "signed_by": actor if _is_user(actor) else None,
                "signed_at": timezone.now(),
            },
        )
        signed = set(current.signoffs.values_list("locality__code", flat=True))
        agreed = signed >= {org.code for org in localities_of(current)}
        if agreed:
            current.status = PlanStatus.AGREED
            current.save(update_fields=["status"])
        record_event(
            actor=actor,
            action="plans.signoff",
            obj=current,
            changes={
                "locality": locality.code,
                "plan_version": current.version,
                "status": [PlanStatus.CONSULTATION, current.status] if agreed else None,
            },
        )
    plan.status = current.status
    return signoff


def assign_reviewer(*, actor: Any, plan: Plan, user: Any) -> PlanReviewer:
    if not can_edit_plan(principal_for(actor), plan):
        raise _denied(actor, "plans.reviewer.assign", plan, "no right")
    with transaction.atomic():
        reviewer, created = PlanReviewer.objects.get_or_create(plan=plan, user=user)
        if created:
            record_event(
                actor=actor,
                action="plans.reviewer.assign",
                obj=plan,
                changes={"reviewer": user.get_username()},
            )
    return reviewer


# Comments -----------------------------------------------------------------------------------


def add_comment(*, actor: Any, plan: Plan, text: str, unit_key: str = "") -> Comment:
    """Anyone who reads the plan may comment (reviewers among them); access was checked."""
    text = text.strip()
    if not text:
        raise ValidationFailedError(
            gettext("The comment is empty."), fields={"text": [gettext("required")]}
        )
    unit = None
    if unit_key:
        unit = NewUnit.objects.filter(plan=plan, key=unit_key).first()
        if unit is None:
            raise ValidationFailedError(
                gettext("No such unit in the plan."), fields={"unit_key": [unit_key]}
            )
    with transaction.atomic():
        comment = Comment.objects.create(
            plan=plan,
            new_unit=unit,
            unit_key=unit_key,
            author=actor if _is_user(actor) else None,
            text=text,
        )
        record_event(
            actor=actor,
            action="plans.comment.add",
            obj=comment,
            object_repr=f"{plan} · {unit_key or '—'}",
            changes={"plan": plan.pk, "unit_key": unit_key, "text": text},
        )
    return comment


def resolve_comment(*, actor: Any, comment: Comment, status: str, response: str = "") -> Comment:
    """Addressed, or declined with the explanation ("giải trình") the synthesis table shows."""
    response = response.strip()
    if status not in (CommentStatus.ADDRESSED, CommentStatus.DECLINED, CommentStatus.OPEN):
        raise ValidationFailedError(gettext("Unknown status."), fields={"status": [status]})
    if status == CommentStatus.DECLINED and not response:
        raise ValidationFailedError(
            gettext("Declining a comment needs an explanation."),
            fields={"response": [gettext("required when declined")]},
        )
    with transaction.atomic():
        before = {"status": comment.status, "response": comment.response}
        comment.status = status
        comment.response = response
        comment.resolved_by = actor if _is_user(actor) else None
        comment.resolved_at = None if status == CommentStatus.OPEN else timezone.now()
        comment.save(update_fields=["status", "response", "resolved_by", "resolved_at"])
        record_event(
            actor=actor,
            action="plans.comment.resolve",
            obj=comment,
            object_repr=f"{comment.plan} · {comment.unit_key or '—'}",
            changes={
                "status": [before["status"], status],
                "response": [before["response"], response],
            },
        )
    return comment
