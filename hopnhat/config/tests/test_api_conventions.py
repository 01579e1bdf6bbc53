"""The conventions every /api/v1 endpoint shares: one error format, pagination, authentication."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client

from hopnhat.apps.accounts.actions import create_api_token, revoke_api_token
from hopnhat.apps.accounts.models import ApiToken
from hopnhat.apps.audit.models import AuditRecord
from hopnhat.apps.directory.models import Organisation
from hopnhat.common.testing import ApiClient, client_for, org, user

ERROR_KEYS = {"code", "message", "fields"}


def assert_error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) >= ERROR_KEYS, body
    assert body["code"] == code
    assert isinstance(body["message"], str)
    assert body["message"]
    assert isinstance(body["fields"], dict)
    return body


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/api/v1/me"),
        ("get", "/api/v1/organisations"),
        ("get", "/api/v1/organisations/1"),
        ("patch", "/api/v1/organisations/1"),
        ("get", "/api/v1/tokens"),
        ("post", "/api/v1/tokens"),
        ("delete", "/api/v1/tokens/1"),
        ("get", "/api/v1/jobs"),
        ("post", "/api/v1/jobs"),
        ("get", "/api/v1/audit"),
        ("get", "/api/v1/audit/history/directory.organisation/1"),
    ],
)
def test_every_endpoint_answers_401_in_the_error_format_without_credentials(demo, method, path):
    client = Client()
    response = (
        client.get(path)
        if method == "get"
        else getattr(client, method)(path, data="{}", content_type="application/json")
    )
    assert_error(response, 401, "unauthenticated")


def test_403_404_409_and_422_share_the_error_format(demo):
    viewer = ApiClient("demo-viewer")
    assert_error(viewer.get("/audit"), 403, "forbidden")
    assert_error(viewer.get("/organisations/999999"), 404, "not_found")
    target = org("31.STC")
    editor = ApiClient("demo-editor")
    editor.send("PATCH", f"/organisations/{target.pk}", {"version": 1, "phone": "1"})
    body = assert_error(
        editor.send("PATCH", f"/organisations/{target.pk}", {"version": 1, "phone": "2"}),
        409,
        "conflict",
    )
    assert body["current_version"] == 2
    assert body["diff"]


def test_a_bad_body_is_422_with_the_offending_fields(demo):
    target = org("31.STC")
    before = Organisation.objects.filter(pk=target.pk).values().get()
    editor = ApiClient("demo-editor")
    body = assert_error(
        editor.send(
            "PATCH", f"/organisations/{target.pk}", {"version": "soon", "email": "x" * 300}
        ),
        422,
        "validation_error",
    )
    assert {"version", "email"} <= set(body["fields"])
    body = assert_error(
        editor.send("PATCH", f"/organisations/{target.pk}", {"phone": "1"}), 422, "validation_error"
    )
    assert "version" in body["fields"]
    assert Organisation.objects.filter(pk=target.pk).values().get() == before


def test_a_body_that_is_not_json_is_refused_in_the_error_format(demo):
    target = org("31.STC")
    client = ApiClient("demo-editor")
    response = client.client.patch(
        f"/api/v1/organisations/{target.pk}",
        data="{not json",
        content_type="application/json",
        headers=client._headers(),
    )
    assert response.status_code in (400, 422)
    assert set(response.json()) >= ERROR_KEYS


def test_a_bad_query_is_422_with_the_offending_parameter(demo):
    client = ApiClient("demo-viewer")
    body = assert_error(client.get("/organisations", page=0), 422, "validation_error")
    assert "page" in body["fields"]
    body = assert_error(
        client.get("/organisations", page_size=10_000, kind="castle"), 422, "validation_error"
    )
    assert {"page_size", "kind"} <= set(body["fields"])
    assert_error(client.get("/audit/history/jobs.job/not-a-uuid"), 404, "not_found")


@pytest.mark.parametrize(
    "path", ["/organisations", "/jobs", "/audit", "/audit/history/directory.organisation/1"]
)
def test_lists_carry_the_pagination_fields(demo, path):
    body = ApiClient("demo-admin").get(path, page_size=5).json()
    assert set(body) == {"items", "count", "page", "page_size", "pages"}
    assert body["page"] == 1
    assert body["page_size"] == 5
    assert len(body["items"]) <= 5
    assert body["pages"] == max(1, -(-body["count"] // 5))


def test_a_bearer_token_authenticates_and_a_revoked_one_is_refused(demo):
    token, raw = create_api_token(actor=None, user=user("demo-viewer"), name="script")
    headers = {"Authorization": f"Bearer {raw}"}
    response = Client().get("/api/v1/me", headers=headers)
    assert response.status_code == 200
    assert response.json()["username"] == "demo-viewer"
    assert ApiToken.objects.get(pk=token.pk).last_used_at is not None

    revoke_api_token(actor=user("demo-viewer"), token=token)
    assert_error(Client().get("/api/v1/me", headers=headers), 401, "unauthenticated")
    assert_error(
        Client().get("/api/v1/me", headers={"Authorization": "Bearer hnt_made-up"}),
        401,
        "unauthenticated",
    )


def test_a_token_of_a_deactivated_user_is_refused(demo):
    _token, raw = create_api_token(actor=None, user=user("demo-viewer"), name="script")
    type(user("demo-viewer")).objects.filter(username="demo-viewer").update(is_active=False)
    assert_error(
        Client().get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"}),
        401,
        "unauthenticated",
    )


def test_a_token_revoked_through_the_api_stops_working_at_once(demo):
    client = ApiClient("demo-editor")
    created = client.send("POST", "/tokens", {"name": "ci"})
    assert created.status_code == 201
    new = created.json()
    headers = {"Authorization": f"Bearer {new['token']}"}
    assert Client().get("/api/v1/me", headers=headers).status_code == 200
    revoked = client.send("DELETE", f"/tokens/{new['id']}")
    assert revoked.status_code == 200
    assert revoked.json()["revoked_at"]
    record = AuditRecord.objects.filter(
        action="accounts.token.revoke", object_id=str(new["id"])
    ).get()
    assert record.actor_label == "demo-editor"
    assert record.request_id == revoked["X-Request-ID"]
    assert record.changes["revoked_at"][0] is None
    assert_error(Client().get("/api/v1/me", headers=headers), 401, "unauthenticated")


def test_tokens_are_stored_hashed(demo):
    client = ApiClient("demo-editor")
    raw = client.send("POST", "/tokens", {"name": "ci"}).json()["token"]
    stored = json.dumps(list(ApiToken.objects.values()), default=str)
    assert raw not in stored
    assert raw[12:] not in stored
    assert raw not in json.dumps(list(AuditRecord.objects.values()), default=str)
    # The one-time display does not survive in the profile page either.
    page = client_for("demo-editor").get("/accounts/profile/")
    assert raw not in page.content.decode()


def test_the_token_command_prints_a_usable_token(demo):
    out = StringIO()
    call_command("token", "create", "demo-admin", stdout=out)
    raw = out.getvalue().strip()
    assert raw.startswith("hnt_")
    response = Client().get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"})
    assert response.status_code == 200
    assert response.json()["username"] == "demo-admin"
    assert raw not in json.dumps(list(ApiToken.objects.values()), default=str)


def test_the_token_command_refuses_an_unknown_user(demo):
    from django.core.management import CommandError

    with pytest.raises(CommandError):
        call_command("token", "create", "nobody", stdout=StringIO())


def test_a_session_write_without_the_csrf_token_is_refused(demo):
    target = org("31.STC")
    before = Organisation.objects.filter(pk=target.pk).values().get()
    client = Client(enforce_csrf_checks=True)
    client.force_login(user("demo-editor"))
    # Reads need no CSRF token.
    assert client.get("/api/v1/me").status_code == 200

    response = client.patch(
        f"/api/v1/organisations/{target.pk}",
        data={"version": 1, "phone": "1"},
        content_type="application/json",
    )
    assert response.status_code in (401, 403)
    assert set(response.json()) >= ERROR_KEYS
    assert Organisation.objects.filter(pk=target.pk).values().get() == before

    # The edit page hands out the CSRF cookie; sending it back as X-CSRFToken is accepted.
    client.get(f"/directory/{target.pk}/edit/")
    csrf = client.cookies["csrftoken"].value
    response = client.patch(
        f"/api/v1/organisations/{target.pk}",
        data={"version": 1, "phone": "1"},
        content_type="application/json",
        headers={"X-CSRFToken": csrf},
    )
    assert response.status_code == 200
    assert Organisation.objects.get(pk=target.pk).phone == "1"


def test_a_page_form_posted_without_the_csrf_token_is_refused(demo):
    target = org("31.STC")
    client = Client(enforce_csrf_checks=True)
    client.force_login(user("demo-editor"))
    response = client.post(f"/directory/{target.pk}/edit/", {"version": 1, "name": "X"})
    assert response.status_code == 403
    assert Organisation.objects.get(pk=target.pk).name == target.name


def test_the_openapi_schema_documents_bearer_and_session_auth(demo):
    schema = Client().get("/api/v1/openapi.json").json()
    schemes = schema["components"]["securitySchemes"]
    assert {s["type"] for s in schemes.values()} >= {"http", "apiKey"}
    private = (
        "/api/v1/me",
        "/api/v1/tokens",
        "/api/v1/organisations",
        "/api/v1/jobs",
        "/api/v1/audit",
    )
    operations = [
        op
        for path, ops in schema["paths"].items()
        if path.startswith(private)
        for op in ops.values()
    ]
    assert len(operations) >= 13
    assert all(op.get("security") for op in operations)


def test_a_nul_character_in_api_input_is_refused_with_the_standard_error(demo):
    # PostgreSQL cannot store U+0000; the fuzzer found it as a 500 on POST /plans.
    api = ApiClient("demo-admin")
    response = api.send("POST", "/plans", {"name": "x\u0000y"})
    assert response.status_code == 422
    assert response.json()["code"] == "validation_error"
    response = api.get("/organisations", q="a\x00b")
    assert response.status_code == 422
