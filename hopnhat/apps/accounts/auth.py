"""API authentication: per-user Bearer tokens and the browser session."""

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer, SessionAuth

from hopnhat.apps.accounts.models import ApiToken


class BearerToken(HttpBearer):
    """`Authorization: Bearer hnt_…`: a per-user token, stored hashed, revocable."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        api_token = ApiToken.objects.matching(token).select_related("user").first()
        if api_token is None or not api_token.user.is_active:
            return None
        # One write per minute at most: enough to show "last used" without a write per call.
        now = timezone.now()
        if api_token.last_used_at is None or (now - api_token.last_used_at).total_seconds() > 60:
            type(api_token).objects.filter(pk=api_token.pk).update(last_used_at=now)
        request.user = api_token.user
        return api_token.user


class BrowserSession(SessionAuth):
    """The logged-in browser session; unsafe methods need the CSRF token (X-CSRFToken)."""


API_AUTH = [BearerToken(), BrowserSession()]
