from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from hopnhat.apps.accounts.models import (
    ApiToken,
    LoginFailure,
    User,
    generate_raw_token,
    hash_token,
)
from hopnhat.apps.audit.actions import record_event
from hopnhat.apps.audit.models import Outcome


def create_api_token(*, actor: Any, user: User, name: str) -> tuple[ApiToken, str]:
    """Returns the token row and the raw token, which is shown once and never stored."""
    raw = generate_raw_token()
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user,
            name=name.strip()[:100] or "token",
            token_hash=hash_token(raw),
            prefix=raw[:12],
        )
        record_event(
            actor=actor,
            action="accounts.token.create",
            obj=token,
            changes={"name": [None, token.name], "user": [None, user.pk]},
        )
    return token, raw


def revoke_api_token(*, actor: Any, token: ApiToken) -> ApiToken:
    with transaction.atomic():
        if token.revoked_at is None:
            token.revoked_at = timezone.now()
            token.save(update_fields=["revoked_at"])
            record_event(
                actor=actor,
                action="accounts.token.revoke",
                obj=token,
                changes={"revoked_at": [None, token.revoked_at]},
            )
    return token


def login_is_throttled(*, username: str, ip: str) -> bool:
    since = timezone.now() - timedelta(seconds=settings.LOGIN_FAILURE_WINDOW_SECONDS)
    recent = LoginFailure.objects.recent_for(username=username, ip=ip, since=since).count()
    return recent >= settings.LOGIN_FAILURE_LIMIT


def record_login_failure(*, username: str, ip: str, throttled: bool) -> None:
    LoginFailure.objects.create(username=username[:150], ip=ip)
    record_event(
        actor=None,
        action="accounts.login.throttled" if throttled else "accounts.login.failed",
        object_type="accounts.user",
        object_id=username[:64],
        changes={"username": username[:150]},
        outcome=Outcome.DENIED,
    )


def record_login(*, user: User, ip: str) -> None:
    LoginFailure.objects.filter(username__iexact=user.get_username(), ip=ip).delete()
    record_event(actor=user, action="accounts.login", obj=user)


def get_token_for_user(user: Any, token_id: int) -> ApiToken:
    from hopnhat.apps.directory.access import deny_not_found

    token = ApiToken.objects.filter(pk=token_id, user_id=getattr(user, "pk", None) or 0).first()
    if token is None:
        raise deny_not_found(
            user=user,
            action="accounts.token.read",
            object_type="accounts.apitoken",
            object_id=token_id,
        )
    return token
