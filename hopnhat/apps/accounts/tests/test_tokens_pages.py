"""API tokens from the profile page: shown once, revocable by their owner, audited."""

from __future__ import annotations

from django.test import Client

from hopnhat.apps.accounts.models import ApiToken
from hopnhat.apps.audit.models import AuditRecord
from hopnhat.common.testing import client_for


def test_a_token_created_on_the_profile_page_is_shown_once_and_works(demo):
    client = client_for("demo-editor")
    response = client.post("/accounts/tokens/", {"name": "laptop"})
    assert response.status_code == 302
    token = ApiToken.objects.get(user__username="demo-editor", name="laptop")
    record = AuditRecord.objects.get(action="accounts.token.create", object_id=str(token.pk))
    assert record.actor_label == "demo-editor"
    assert record.request_id == response["X-Request-ID"]

    first = client.get("/accounts/profile/").content.decode()
    raw = next(
        word
        for word in first.replace("<", " ").replace(">", " ").split()
        if word.startswith("hnt_") and len(word) > 20
    )
    assert raw.startswith(token.prefix)
    assert raw not in client.get("/accounts/profile/").content.decode()
    assert Client().get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"}).status_code == 200


def test_the_owner_revokes_their_token_from_the_profile_page(demo):
    client = client_for("demo-editor")
    client.post("/accounts/tokens/", {"name": "laptop"})
    token = ApiToken.objects.get(user__username="demo-editor", name="laptop")
    response = client.post(f"/accounts/tokens/{token.pk}/revoke/")
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    record = AuditRecord.objects.get(action="accounts.token.revoke", object_id=str(token.pk))
    assert record.actor_label == "demo-editor"
    assert record.request_id == response["X-Request-ID"]


def test_revoking_by_get_is_not_allowed(demo):
    client = client_for("demo-editor")
    client.post("/accounts/tokens/", {"name": "laptop"})
    token = ApiToken.objects.get(user__username="demo-editor", name="laptop")
    assert client.get(f"/accounts/tokens/{token.pk}/revoke/").status_code == 405
    token.refresh_from_db()
    assert token.revoked_at is None
