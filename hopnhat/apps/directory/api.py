from typing import Any

from django.db.models import Q, QuerySet
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from hopnhat.apps.directory.access import get_organisation_for_user, principal_for
from hopnhat.apps.directory.actions import update_organisation
from hopnhat.apps.directory.models import Organisation, OrganisationKind
from hopnhat.common.api import ConflictOut, ErrorOut, PageNumber
from hopnhat.engine.text import fold

router = Router(tags=["directory"])


class OrganisationOut(Schema):
    id: int
    code: str
    official_code: str
    name: str
    short_name: str
    kind: str
    parent_id: int | None
    depth: int
    aliases: list[str]
    address: str
    phone: str
    email: str
    website: str
    is_active: bool
    version: int


class OrganisationFilter(Schema):
    q: str | None = Field(None, max_length=200, description="Name, short name, alias or code")
    kind: OrganisationKind | None = None
    parent_id: int | None = None
    locality: str | None = Field(None, max_length=40, description="Code of the locality")


class OrganisationPatch(Schema):
    version: int = Field(..., ge=1, description="The version you edited; a stale one gets 409")
    name: str | None = Field(None, min_length=1, max_length=255)
    short_name: str | None = Field(None, max_length=120)
    address: str | None = Field(None, max_length=300)
    phone: str | None = Field(None, max_length=50)
    email: str | None = Field(None, max_length=254)
    website: str | None = Field(None, max_length=200)
    note: str | None = Field(None, max_length=5000)
    aliases: list[str] | None = Field(None, max_length=50)


def _filtered(filters: OrganisationFilter) -> QuerySet[Organisation]:
    queryset = Organisation.objects.all()
    if filters.kind:
        queryset = queryset.filter(kind=filters.kind)
    if filters.parent_id is not None:
        queryset = queryset.filter(parent_id=filters.parent_id)
    if filters.locality:
        locality = Organisation.objects.filter(code=filters.locality).first()
        if locality is None:
            return queryset.none()
        queryset = queryset.subtree_of(locality)
    if filters.q:
        needle = fold(filters.q)
        ids = [
            org.pk
            for org in queryset
            if needle in fold(" ".join([org.name, org.short_name, org.code, *org.aliases]))
        ]
        queryset = queryset.filter(Q(pk__in=ids))
    return queryset


@router.get("", response={200: list[OrganisationOut], 401: ErrorOut})
@paginate(PageNumber)
def list_organisations(request: HttpRequest, filters: Query[OrganisationFilter]) -> Any:
    if not principal_for(request.user).is_authenticated:
        return Organisation.objects.none()
    return _filtered(filters)


@router.get("/{organisation_id}", response={200: OrganisationOut, 401: ErrorOut, 404: ErrorOut})
def get_organisation(request: HttpRequest, organisation_id: int) -> Organisation:
    return get_organisation_for_user(request.user, organisation_id)


@router.patch(
    "/{organisation_id}",
    response={
        200: OrganisationOut,
        401: ErrorOut,
        403: ErrorOut,
        404: ErrorOut,
        409: ConflictOut,
        422: ErrorOut,
    },
)
def patch_organisation(
    request: HttpRequest, organisation_id: int, payload: OrganisationPatch
) -> Organisation:
    org = get_organisation_for_user(request.user, organisation_id, for_edit=True)
    changes = payload.dict(exclude_unset=True, exclude={"version"})
    changes = {k: v for k, v in changes.items() if v is not None}
    if not changes:
        return org
    return update_organisation(
        actor=request.user, org=org, expected_version=payload.version, changes=changes
    )
