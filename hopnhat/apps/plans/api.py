"""/api/v1/plans: parse, authorize through access.py, call one action, return."""

from __future__ import annotations

import datetime
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Field, File, Form, Router, Schema
from ninja.files import UploadedFile
from ninja.pagination import paginate

from hopnhat.apps.accounts.models import User
from hopnhat.apps.directory.access import principal_for
from hopnhat.apps.directory.models import Organisation
from hopnhat.apps.jobs.api import JobOut
from hopnhat.apps.plans import actions, exporters, tasks
from hopnhat.apps.plans.access import get_comment_for_user, get_plan_for_user
from hopnhat.apps.plans.compare import compare_plans
from hopnhat.apps.plans.engine_io import check_report, editor_data, plan_snapshot
from hopnhat.apps.plans.importers import (
    assignment_csv,
    decode_upload,
    import_assignment_csv,
)
from hopnhat.apps.plans.models import Comment, Plan, PlanStatus
from hopnhat.apps.plans.snapshots import payload_of
from hopnhat.common.api import ConflictOut, ErrorOut, PageNumber
from hopnhat.common.errors import NotFoundError, ValidationFailedError

router = Router(tags=["plans"])
ERRORS: dict[int, Any] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


class SignoffOut(Schema):
    locality: str
    plan_version: int
    signed_by: str
    signed_at: datetime.datetime


class PlanOut(Schema):
    id: int
    name: str
    owner_org: str
    provinces: list[str]
    new_province_code: str
    base_date: datetime.date
    target_date: datetime.date
    rule_set_id: str
    options: dict[str, Any]
    status: str
    version: int
    legal_basis: str
    effective_date: datetime.date | None
    created_at: datetime.datetime

    @staticmethod
    def resolve_owner_org(plan: Plan) -> str:
        return plan.owner_org.code


class PlanDetailOut(PlanOut):
    unit_count: int
    signoffs: list[SignoffOut]
    allowed_steps: list[str]

    @staticmethod
    def resolve_unit_count(plan: Plan) -> int:
        return plan.new_units.count()

    @staticmethod
    def resolve_signoffs(plan: Plan) -> list[dict[str, Any]]:
        return [
            {
                "locality": s.locality.code,
                "plan_version": s.plan_version,
                "signed_by": s.signed_by.get_username() if s.signed_by else "",
                "signed_at": s.signed_at,
            }
            for s in plan.signoffs.select_related("locality", "signed_by")
        ]


class PlanCreateIn(Schema):
    name: str = Field(..., min_length=1, max_length=200)
    owner_org: str = Field(..., description="Code of the owning organisation, e.g. 31.SNV")
    copy_of: int | None = Field(None, description="Start from this plan's assignment")
    provinces: list[str] = Field(default_factory=list)
    new_province_code: str = ""
    base_date: datetime.date | None = None
    target_date: datetime.date | None = None
    options: dict[str, Any] | None = None


class AssignmentsOut(Schema):
    plan_id: int
    version: int
    units: list[dict[str, Any]]
    not_arranged: list[dict[str, Any]]


class AssignmentsIn(Schema):
    version: int = Field(..., ge=1, description="The version you edited; a stale one gets 409")
    summary: str = Field("", max_length=300)
    units: list[dict[str, Any]]
    not_arranged: list[dict[str, Any]] = Field(default_factory=list)


class StatusIn(Schema):
    to: PlanStatus
    note: str = Field("", max_length=1000)


class SignoffIn(Schema):
    locality: str = Field(..., description="Code of the locality signing, e.g. 30")


class CommentIn(Schema):
    text: str = Field(..., min_length=1, max_length=10_000)
    unit_key: str = Field("", max_length=10)


class CommentResolveIn(Schema):
    status: str = Field(..., pattern="^(open|addressed|declined)$")
    response: str = Field("", max_length=10_000)


class CommentOut(Schema):
    id: int
    unit_key: str
    author: str
    text: str
    status: str
    response: str
    created_at: datetime.datetime
    resolved_at: datetime.datetime | None

    @staticmethod
    def resolve_author(comment: Comment) -> str:
        return comment.author.get_username() if comment.author else ""


def _detail(request: HttpRequest, plan: Plan) -> Plan:
    plan.allowed_steps = actions.allowed_targets(principal_for(request.user), plan)  # type: ignore[attr-defined]
    return plan


@router.get("", response={200: list[PlanOut], 401: ErrorOut})
@paginate(PageNumber)
def list_plans(request: HttpRequest) -> Any:
    principal = principal_for(request.user)
    if not principal.is_authenticated:
        return Plan.objects.none()
    return Plan.objects.visible_to(principal).select_related("owner_org")


@router.post("", response={201: PlanDetailOut, **ERRORS})
def create_plan(request: HttpRequest, payload: PlanCreateIn) -> Any:
    owner = Organisation.objects.filter(code=payload.owner_org).first()
    if owner is None:
        raise ValidationFailedError(
            "Unknown organisation", fields={"owner_org": [payload.owner_org]}
        )
    if payload.copy_of is not None:
        source = get_plan_for_user(request.user, payload.copy_of)
        plan = actions.copy_plan(
            actor=request.user, plan=source, name=payload.name, owner_org=owner
        )
    else:
        if not (payload.provinces and payload.base_date and payload.target_date):
            raise ValidationFailedError(
                "provinces, base_date and target_date are required",
                fields={"provinces": ["required"]},
            )
        plan = actions.create_plan(
            actor=request.user,
            name=payload.name,
            owner_org=owner,
            provinces=payload.provinces,
            new_province_code=payload.new_province_code or payload.provinces[0],
            base_date=payload.base_date,
            target_date=payload.target_date,
            options=payload.options,
        )
    return 201, _detail(request, plan)


@router.get("/{plan_id}", response={200: PlanDetailOut, **ERRORS})
def get_plan(request: HttpRequest, plan_id: int) -> Any:
    return _detail(request, get_plan_for_user(request.user, plan_id))


@router.get("/{plan_id}/assignments", response={200: AssignmentsOut, **ERRORS})
def get_assignments(request: HttpRequest, plan_id: int, version: int | None = None) -> Any:
    plan = get_plan_for_user(request.user, plan_id)
    if version is None:
        return {"plan_id": plan.pk, "version": plan.version, **payload_of(plan)}
    stored = plan.versions.filter(number=version).first()
    if stored is None:
        raise NotFoundError(f"version {version} not found")
    return {"plan_id": plan.pk, "version": version, **stored.snapshot}


@router.put("/{plan_id}/assignments", response={200: AssignmentsOut, 409: ConflictOut, **ERRORS})
def put_assignments(request: HttpRequest, plan_id: int, payload: AssignmentsIn) -> Any:
    plan = get_plan_for_user(request.user, plan_id, for_edit=True)
    body = {"units": payload.units, "not_arranged": payload.not_arranged}
    version = actions.save_assignment(
        actor=request.user,
        plan=plan,
        expected_version=payload.version,
        payload=body,
        summary=payload.summary,
    )
    return {"plan_id": plan.pk, "version": version.number, **version.snapshot}


@router.get("/{plan_id}/versions", response={200: list[dict[str, Any]], **ERRORS})
def list_versions(request: HttpRequest, plan_id: int) -> Any:
    plan = get_plan_for_user(request.user, plan_id)
    return [
        {
            "number": v.number,
            "saved_by": v.saved_by.get_username() if v.saved_by else "",
            "saved_at": v.saved_at,
            "summary": v.summary,
        }
        for v in plan.versions.select_related("saved_by")
    ]


@router.get("/{plan_id}/versions/{a}/diff/{b}", response={200: dict[str, Any], **ERRORS})
def diff_versions(request: HttpRequest, plan_id: int, a: int, b: int) -> Any:
    from hopnhat.apps.plans.snapshots import diff_payloads

    plan = get_plan_for_user(request.user, plan_id)
    found = {v.number: v.snapshot for v in plan.versions.filter(number__in=[a, b])}
    if a not in found or b not in found:
        raise NotFoundError("version not found")
    return diff_payloads(found[a], found[b])


@router.get("/{plan_id}/check", response={200: dict[str, Any], **ERRORS})
def check(request: HttpRequest, plan_id: int) -> Any:
    plan = get_plan_for_user(request.user, plan_id)
    return check_report(plan_snapshot(plan))


@router.get("/{plan_id}/compare/{other_id}", response={200: dict[str, Any], **ERRORS})
def compare(request: HttpRequest, plan_id: int, other_id: int, overlay: bool = True) -> Any:
    plan = get_plan_for_user(request.user, plan_id)
    other = get_plan_for_user(request.user, other_id)
    return compare_plans(plan_snapshot(plan), plan_snapshot(other), with_overlay=overlay)


@router.post("/{plan_id}/status", response={200: PlanDetailOut, 409: ConflictOut, **ERRORS})
def change_status(request: HttpRequest, plan_id: int, payload: StatusIn) -> Any:
    plan = get_plan_for_user(request.user, plan_id)
    actions.change_status(actor=request.user, plan=plan, to=payload.to, note=payload.note)
    return _detail(request, plan)


@router.post("/{plan_id}/signoffs", response={200: PlanDetailOut, **ERRORS})
def sign_off(request: HttpRequest, plan_id: int, payload: SignoffIn) -> Any:
    plan = get_plan_for_user(request.user, plan_id)
    locality = Organisation.objects.localities().filter(code=payload.locality).first()
    if locality is None:
        raise ValidationFailedError("Unknown locality", fields={"locality": [payload.locality]})
    actions.sign_off(actor=request.user, plan=plan, locality=locality)
    return _detail(request, plan)


@router.post("/{plan_id}/reviewers", response={200: PlanDetailOut, **ERRORS})
def add_reviewer(request: HttpRequest, plan_id: int, username: str) -> Any:
    plan = get_plan_for_user(request.user, plan_id, for_edit=True)
    user = User.objects.filter(username=username).first()
    if user is None:
        raise ValidationFailedError("Unknown user", fields={"username": [username]})
    actions.assign_reviewer(actor=request.user, plan=plan, user=user)
    return _detail(request, plan)


@router.get("/{plan_id}/comments", response={200: list[CommentOut], **ERRORS})
def list_comments(request: HttpRequest, plan_id: int) -> Any:
    plan = get_plan_for_user(request.user, plan_id)
    return list(plan.comments.select_related("author"))


@router.post("/{plan_id}/comments", response={201: CommentOut, **ERRORS})
def add_comment(request: HttpRequest, plan_id: int, payload: CommentIn) -> Any:
    plan = get_plan_for_user(request.user, plan_id)
    comment = actions.add_comment(
        actor=request.user, plan=plan, text=payload.text, unit_key=payload.unit_key
    )
    return 201, comment


@router.post("/{plan_id}/comments/{comment_id}/resolve", response={200: CommentOut, **ERRORS})
def resolve_comment(
    request: HttpRequest, plan_id: int, comment_id: int, payload: CommentResolveIn
) -> Any:
    plan = get_plan_for_user(request.user, plan_id)
    comment = get_comment_for_user(request.user, plan, comment_id, for_edit=True)
    return actions.resolve_comment(
        actor=request.user, comment=comment, status=payload.status, response=payload.response
    )


# The map editor ------------------------------------------------------------------------------


@router.get("/{plan_id}/editor", response={200: dict[str, Any], **ERRORS})
def editor_bootstrap(request: HttpRequest, plan_id: int) -> Any:
    """Old units (figures, shapes, neighbours), thresholds per profile, and the assignment."""
    plan = get_plan_for_user(request.user, plan_id)
    return editor_data(plan)


@router.get("/{plan_id}/assignments.csv", response={200: Any, **ERRORS})
def export_assignments_csv(
    request: HttpRequest, plan_id: int, version: int | None = None
) -> HttpResponse:
    plan = get_plan_for_user(request.user, plan_id)
    payload = None
    if version is not None:
        stored = plan.versions.filter(number=version).first()
        if stored is None:
            raise NotFoundError(f"version {version} not found")
        payload = stored.snapshot
    number = version or plan.version
    # A byte-order mark so that spreadsheet programs read the Vietnamese names as UTF-8.
    body = "\ufeff" + assignment_csv(plan, payload)
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="plan-{plan.pk}-v{number}-assignment.csv"'
    )
    return response


@router.post(
    "/{plan_id}/assignments.csv", response={200: AssignmentsOut, 409: ConflictOut, **ERRORS}
)
def import_assignments_csv(
    request: HttpRequest, plan_id: int, version: Form[int], file: File[UploadedFile]
) -> Any:
    """Replace the assignment with an uploaded CSV: all rows valid, or nothing is saved."""
    plan = get_plan_for_user(request.user, plan_id, for_edit=True)
    saved = import_assignment_csv(
        actor=request.user, plan=plan, expected_version=version, text=decode_upload(file.read())
    )
    return {"plan_id": plan.pk, "version": saved.number, **saved.snapshot}


# The dossier and the comment synthesis --------------------------------------------------------


def _document(request: HttpRequest, plan_id: int, document: str) -> HttpResponse:
    plan = get_plan_for_user(request.user, plan_id)
    content, content_type, filename = exporters.export_document(
        actor=request.user, plan=plan, document=document
    )
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@router.get("/{plan_id}/dossier.xlsx", response={200: Any, **ERRORS})
def dossier_annex(request: HttpRequest, plan_id: int) -> HttpResponse:
    """(a) The XLSX annex: one row per new unit (legal reference §2.3), the units not arranged."""
    return _document(request, plan_id, "dossier.xlsx")


@router.get("/{plan_id}/scheme.docx", response={200: Any, **ERRORS})
def dossier_scheme(request: HttpRequest, plan_id: int) -> HttpResponse:
    """(b) The scheme, outline of NQ 76 Phụ lục 2, one paragraph per new unit."""
    return _document(request, plan_id, "scheme.docx")


@router.get("/{plan_id}/resolution.docx", response={200: Any, **ERRORS})
def dossier_resolution(request: HttpRequest, plan_id: int) -> HttpResponse:
    """(c) The draft resolution, worded like the 34 arrangement resolutions."""
    return _document(request, plan_id, "resolution.docx")


@router.get("/{plan_id}/maps.pdf", response={200: Any, **ERRORS})
def dossier_maps(request: HttpRequest, plan_id: int) -> HttpResponse:
    """(d) The current map (old units by old district) and the proposed one, as PDF."""
    return _document(request, plan_id, "maps.pdf")


@router.get("/{plan_id}/comments.xlsx", response={200: Any, **ERRORS})
def comment_synthesis_xlsx(request: HttpRequest, plan_id: int) -> HttpResponse:
    """The synthesis table of the comments ("tổng hợp, tiếp thu, giải trình"), XLSX."""
    return _document(request, plan_id, "comments.xlsx")


@router.get("/{plan_id}/comments.docx", response={200: Any, **ERRORS})
def comment_synthesis_docx(request: HttpRequest, plan_id: int) -> HttpResponse:
    """The synthesis table of the comments ("tổng hợp, tiếp thu, giải trình"), DOCX."""
    return _document(request, plan_id, "comments.docx")


# The optimizer's jobs -------------------------------------------------------------------------


class OptimizerJobIn(Schema):
    seed: int | None = Field(None, description="Same seed, same plan (default 0)")
    time_limit_s: float | None = Field(None, gt=0, le=300)
    target_min: int | None = Field(None, ge=1, description="propose only")
    target_max: int | None = Field(None, ge=1, description="propose only")


@router.post(
    "/{plan_id}/jobs/{kind}",
    response={201: JobOut, **ERRORS},
    summary="Start the optimizer: propose, complete or repair; the result is a new version",
)
def start_optimizer_job(
    request: HttpRequest, plan_id: int, kind: str, payload: OptimizerJobIn | None = None
) -> Any:
    plan = get_plan_for_user(request.user, plan_id, for_edit=True)
    params = payload.dict(exclude_none=True) if payload is not None else {}
    job = tasks.start_optimizer_job(actor=request.user, plan=plan, mode=kind, params=params)
    return 201, job
