"""Builders shared by the tests: the demo cast, logged-in clients and API clients."""

from __future__ import annotations

import json
from typing import Any

from django.test import Client

from hopnhat.apps.accounts.actions import create_api_token
from hopnhat.apps.accounts.models import User
from hopnhat.apps.directory.importers import load_demo_directory
from hopnhat.apps.directory.models import Organisation

DEMO_PASSWORD = "test-password-1"


def load_demo_cast() -> None:
    load_demo_directory(password=DEMO_PASSWORD)


def org(code: str) -> Organisation:
    return Organisation.objects.get(code=code)


def user(username: str) -> User:
    return User.objects.get(username=username)


def client_for(username: str) -> Client:
    client = Client()
    client.force_login(user(username))
    return client


class ApiClient:
    """Calls /api/v1 with a Bearer token, as a script would."""

    def __init__(self, username: str) -> None:
        _token, self.token = create_api_token(actor=None, user=user(username), name="test")
        self.client = Client()

    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    def get(self, path: str, **params: Any) -> Any:
        return self.client.get(f"/api/v1{path}", params, headers=self._headers())

    def send(self, method: str, path: str, body: Any = None) -> Any:
        call = getattr(self.client, method.lower())
        return call(
            f"/api/v1{path}",
            data=json.dumps(body) if body is not None else None,
            content_type="application/json",
            headers=self._headers(),
        )
