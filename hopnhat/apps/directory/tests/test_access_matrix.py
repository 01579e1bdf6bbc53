"""Every role against every object type it does not own, through pages and the API.

A refused attempt answers 403 or 404, changes nothing and leaves a "denied" audit record
naming the actor; an allowed one is the positive control of the same matrix.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from hopnhat.apps.accounts.actions import create_api_token
from hopnhat.apps.accounts.models import ApiToken
from hopnhat.apps.audit.models import AuditRecord, Outcome
from hopnhat.apps.directory.models import Organisation
from hopnhat.apps.jobs.actions import start_job
from hopnhat.apps.jobs.models import Job
from hopnhat.common.testing import ApiClient, client_for, org, user

# The six roles, plus an editor of the other locality.
ACTORS = [
    "demo-admin",
    "demo-steering",
    "demo-coordinator",
    "demo-editor",
    "demo-editor-hd",
    "demo-reviewer",
    "demo-viewer",
]
OK = 200


def last_seq() -> int:
    return AuditRecord.objects.order_by("-seq").values_list("seq", flat=True).first() or 0


def records_since(seq: int) -> list[AuditRecord]:
    return list(AuditRecord.objects.filter(seq__gt=seq).order_by("seq"))


def assert_denied_and_audited(records: list[AuditRecord], username: str, object_id: Any) -> None:
    assert records, "the refused attempt left no audit record"
    assert all(r.outcome == Outcome.DENIED for r in records), [
        (r.action, r.outcome) for r in records
    ]
    assert any(r.actor_label == username and r.actor == user(username) for r in records)
    assert any(r.object_id == str(object_id) for r in records)


def organisation_state(pk: int) -> dict[str, Any]:
    return Organisation.objects.filter(pk=pk).values().get()


# --- Organisation profiles ------------------------------------------------------------------

ORG_EDIT_EXPECTED = {
    "demo-admin": OK,
    "demo-steering": 403,
    "demo-coordinator": 403,
    "demo-editor": 403,
    "demo-editor-hd": 403,
    "demo-reviewer": 403,
    "demo-viewer": 403,
}


def _edit_page_get(username: str, target: Organisation) -> Any:
    return client_for(username).get(f"/directory/{target.pk}/edit/")


def _edit_page_post(username: str, target: Organisation) -> Any:
    return client_for(username).post(
        f"/directory/{target.pk}/edit/",
        {
            "version": target.version,
            "name": target.name,
            "short_name": target.short_name,
            "address": "1 Đường Lạ, Hải Phòng",
            "phone": "0225 000 000",
            "email": "",
            "website": "",
            "note": "",
            "aliases_text": "",
        },
    )


def _edit_api_patch(username: str, target: Organisation) -> Any:
    return ApiClient(username).send(
        "PATCH", f"/organisations/{target.pk}", {"version": target.version, "phone": "0225 000 000"}
    )


ORG_CHANNELS: dict[str, Callable[[str, Organisation], Any]] = {
    "page GET edit": _edit_page_get,
    "page POST edit": _edit_page_post,
    "API PATCH": _edit_api_patch,
}


@pytest.mark.parametrize("channel", list(ORG_CHANNELS))
@pytest.mark.parametrize("username", ACTORS)
def test_only_admins_and_its_own_editors_can_edit_another_departments_profile(
    demo, username, channel
):
    target = org("31.SXD")
    before = organisation_state(target.pk)
    seq = last_seq()
    if channel == "API PATCH":
        # The token is created before the attempt so its own audit record is not counted.
        client = ApiClient(username)
        seq = last_seq()
        response = client.send(
            "PATCH",
            f"/organisations/{target.pk}",
            {"version": target.version, "phone": "0225 000 000"},
        )
    else:
        response = ORG_CHANNELS[channel](username, target)
    expected = ORG_EDIT_EXPECTED[username]
    records = records_since(seq)
    if expected == OK:
        assert response.status_code in (200, 302)
        if channel != "page GET edit":
            after = organisation_state(target.pk)
            assert after["version"] == before["version"] + 1
            assert after["phone"] == "0225 000 000"
            assert [r.outcome for r in records] == [Outcome.OK]
        return
    assert response.status_code == expected
    assert organisation_state(target.pk) == before
    assert_denied_and_audited(records, username, target.pk)


def test_an_editor_of_one_department_cannot_edit_a_sibling_department(demo):
    """Both directions inside Hải Phòng: Sở Tài chính and Sở Xây dựng are walled off."""
    for username, code in (("demo-editor", "31.SXD"), ("demo-editor-xd", "31.STC")):
        target = org(code)
        before = organisation_state(target.pk)
        client = ApiClient(username)
        seq = last_seq()
        response = client.send(
            "PATCH", f"/organisations/{target.pk}", {"version": 1, "name": "Hijacked"}
        )
        assert response.status_code == 403
        assert response.json()["code"] == "forbidden"
        assert organisation_state(target.pk) == before
        assert_denied_and_audited(records_since(seq), username, target.pk)


# --- Jobs ---------------------------------------------------------------------------------

# Readers of the owner's subtree (the viewer sits at 31.UBND, above 31.SXD) and the
# read-everything roles see the job; only the coordinator (and the starter) may cancel it.
JOB_READ_EXPECTED = {
    "demo-admin": 404,
    "demo-steering": OK,
    "demo-coordinator": OK,
    "demo-editor": 404,
    "demo-editor-hd": 404,
    "demo-reviewer": 404,
    "demo-viewer": OK,
}
JOB_CANCEL_EXPECTED = {
    "demo-admin": 404,
    "demo-steering": 403,
    "demo-coordinator": OK,
    "demo-editor": 404,
    "demo-editor-hd": 404,
    "demo-reviewer": 404,
    "demo-viewer": 403,
}


@pytest.fixture
def sxd_job(demo) -> Job:
    return start_job(actor=user("demo-editor-xd"), kind="audit.verify", owner_org=org("31.SXD"))


def job_state(job: Job) -> dict[str, Any]:
    return Job.objects.filter(pk=job.pk).values().get()


@pytest.mark.parametrize("username", ACTORS)
def test_a_job_owned_by_another_department_is_hidden_or_read_only(sxd_job, username):
    client = ApiClient(username)
    before = job_state(sxd_job)

    seq = last_seq()
    response = client.get(f"/jobs/{sxd_job.pk}")
    assert response.status_code == JOB_READ_EXPECTED[username]
    if response.status_code == OK:
        assert response.json()["id"] == str(sxd_job.pk)
        assert records_since(seq) == []
    else:
        assert response.json()["code"] == "not_found"
        assert_denied_and_audited(records_since(seq), username, sxd_job.pk)

    seq = last_seq()
    response = client.send("POST", f"/jobs/{sxd_job.pk}/cancel")
    assert response.status_code == JOB_CANCEL_EXPECTED[username]
    if response.status_code == OK:
        assert job_state(sxd_job)["cancel_requested"] is True
        assert [r.action for r in records_since(seq)] == ["jobs.job.cancel"]
    else:
        assert job_state(sxd_job) == before
        assert_denied_and_audited(records_since(seq), username, sxd_job.pk)


def test_demo_editor_can_neither_read_nor_cancel_a_job_of_so_xay_dung(sxd_job):
    client = ApiClient("demo-editor")
    before = job_state(sxd_job)
    seq = last_seq()
    assert client.get(f"/jobs/{sxd_job.pk}").status_code == 404
    assert client.send("POST", f"/jobs/{sxd_job.pk}/cancel").status_code == 404
    listed = client.get("/jobs").json()
    assert str(sxd_job.pk) not in [item["id"] for item in listed["items"]]
    assert job_state(sxd_job) == before
    records = records_since(seq)
    assert {r.action for r in records} == {"jobs.job.read", "jobs.job.cancel"}
    assert_denied_and_audited(records, "demo-editor", sxd_job.pk)


# --- API tokens ---------------------------------------------------------------------------


@pytest.fixture
def others_token(demo) -> ApiToken:
    token, _raw = create_api_token(actor=None, user=user("demo-editor-xd"), name="someone else's")
    return token


def token_state(token: ApiToken) -> dict[str, Any]:
    return ApiToken.objects.filter(pk=token.pk).values().get()


@pytest.mark.parametrize("channel", ["API DELETE", "page POST revoke"])
@pytest.mark.parametrize("username", ACTORS)
def test_nobody_can_revoke_another_users_token(others_token, username, channel):
    before = token_state(others_token)
    if channel == "API DELETE":
        client = ApiClient(username)
        seq = last_seq()
        response = client.send("DELETE", f"/tokens/{others_token.pk}")
        assert response.json()["code"] == "not_found"
    else:
        page = client_for(username)
        seq = last_seq()
        response = page.post(f"/accounts/tokens/{others_token.pk}/revoke/")
    assert response.status_code == 404
    assert token_state(others_token) == before
    assert_denied_and_audited(records_since(seq), username, others_token.pk)


@pytest.mark.parametrize("username", ACTORS)
def test_the_token_list_shows_only_ones_own_tokens(others_token, username):
    client = ApiClient(username)
    ids = [item["id"] for item in client.get("/tokens").json()]
    assert others_token.pk not in ids
    assert set(ids) == set(
        ApiToken.objects.filter(user__username=username).values_list("pk", flat=True)
    )


# --- Audit: history of one object and the whole log ------------------------------------------

READS_AUDIT_LOG = {"demo-admin", "demo-steering"}


@pytest.mark.parametrize("channel", ["page", "API"])
@pytest.mark.parametrize("username", ACTORS)
def test_the_history_of_another_users_token_is_for_audit_readers_only(
    others_token, username, channel
):
    path = f"/audit/history/accounts.apitoken/{others_token.pk}"
    if channel == "API":
        client = ApiClient(username)
        seq = last_seq()
        response = client.get(path)
    else:
        page = client_for(username)
        seq = last_seq()
        response = page.get(f"{path}/")
    if username in READS_AUDIT_LOG:
        assert response.status_code == OK
        assert records_since(seq) == []
        if channel == "API":
            assert [item["action"] for item in response.json()["items"]] == [
                "accounts.token.create"
            ]
    else:
        assert response.status_code == 404
        assert_denied_and_audited(records_since(seq), username, others_token.pk)


@pytest.mark.parametrize("channel", ["page", "API"])
@pytest.mark.parametrize("username", ACTORS)
def test_the_history_of_a_job_follows_who_may_read_the_job(sxd_job, username, channel):
    if channel == "API":
        client = ApiClient(username)
        seq = last_seq()
        response = client.get(f"/audit/history/jobs.job/{sxd_job.pk}")
    else:
        page = client_for(username)
        seq = last_seq()
        response = page.get(f"/audit/history/jobs.job/{sxd_job.pk}/")
    readable = username in READS_AUDIT_LOG or JOB_READ_EXPECTED[username] == OK
    if readable:
        assert response.status_code == OK
        assert records_since(seq) == []
    else:
        assert response.status_code == 404
        assert_denied_and_audited(records_since(seq), username, sxd_job.pk)


@pytest.mark.parametrize("username", sorted(set(ACTORS) - READS_AUDIT_LOG))
def test_the_history_of_an_unregistered_object_type_is_not_found(demo, username):
    client = ApiClient(username)
    seq = last_seq()
    response = client.get("/audit/history/secret.thing/1")
    assert response.status_code == 404
    assert_denied_and_audited(records_since(seq), username, "1")


@pytest.mark.parametrize("channel", ["page", "page CSV", "API"])
@pytest.mark.parametrize("username", ACTORS)
def test_only_admins_and_the_steering_committee_read_the_audit_log(demo, username, channel):
    if channel == "API":
        client = ApiClient(username)
        seq = last_seq()
        response = client.get("/audit")
    else:
        page = client_for(username)
        seq = last_seq()
        response = page.get("/audit/", {"format": "csv"} if channel == "page CSV" else {})
    if username in READS_AUDIT_LOG:
        assert response.status_code == OK
        assert records_since(seq) == []
        if channel == "API":
            assert response.json()["count"] == AuditRecord.objects.count()
    else:
        assert response.status_code == 403
        if channel == "API":
            assert response.json()["code"] == "forbidden"
        records = records_since(seq)
        assert [r.action for r in records] == ["audit.log.read"]
        assert records[0].outcome == Outcome.DENIED
        assert records[0].actor_label == username


def test_an_anonymous_visitor_is_sent_to_log_in_and_sees_nothing(demo, sxd_job, others_token):
    anonymous = Client()
    for path in (
        f"/directory/{org('31.SXD').pk}/edit/",
        "/audit/",
        f"/audit/history/jobs.job/{sxd_job.pk}/",
    ):
        response = anonymous.get(path)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
    assert anonymous.post(f"/accounts/tokens/{others_token.pk}/revoke/").status_code == 302
    assert token_state(others_token)["revoked_at"] is None
