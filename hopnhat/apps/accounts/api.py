from datetime import datetime

from django.http import HttpRequest
from ninja import Router, Schema

from hopnhat.apps.accounts.actions import create_api_token, get_token_for_user, revoke_api_token
from hopnhat.apps.accounts.models import ApiToken, authenticated_user
from hopnhat.apps.directory.models import Membership
from hopnhat.common.api import ErrorOut

router = Router(tags=["accounts"])


class MembershipOut(Schema):
    organisation_id: int
    organisation_code: str
    organisation_name: str
    role: str


class MeOut(Schema):
    id: int
    username: str
    full_name: str
    email: str
    memberships: list[MembershipOut]


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


class TokenIn(Schema):
    name: str


class TokenCreatedOut(TokenOut):
    token: str


@router.get("/me", response={200: MeOut, 401: ErrorOut})
def me(request: HttpRequest) -> MeOut:
    user = authenticated_user(request)
    memberships = [
        MembershipOut(
            organisation_id=m.organisation_id,
            organisation_code=m.organisation.code,
            organisation_name=m.organisation.name,
            role=m.role,
        )
        for m in Membership.objects.for_user(user.pk).order_by("organisation__path")
    ]
    return MeOut(
        id=user.pk,
        username=user.get_username(),
        full_name=getattr(user, "full_name", ""),
        email=getattr(user, "email", ""),
        memberships=memberships,
    )


@router.get("/tokens", response={200: list[TokenOut], 401: ErrorOut})
def list_tokens(request: HttpRequest) -> list[ApiToken]:
    return list(ApiToken.objects.filter(user=authenticated_user(request)))


@router.post("/tokens", response={201: TokenCreatedOut, 401: ErrorOut, 422: ErrorOut})
def create_token(request: HttpRequest, payload: TokenIn) -> tuple[int, dict[str, object]]:
    token, raw = create_api_token(actor=request.user, user=request.user, name=payload.name)  # type: ignore[arg-type]
    return 201, {**TokenOut.from_orm(token).dict(), "token": raw}


@router.delete("/tokens/{token_id}", response={200: TokenOut, 401: ErrorOut, 404: ErrorOut})
def revoke_token(request: HttpRequest, token_id: int) -> ApiToken:
    return revoke_api_token(actor=request.user, token=get_token_for_user(request.user, token_id))
