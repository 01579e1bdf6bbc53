"""Allowed edits of organisation profiles: audited with a diff and the request id; stale ones get 409."""

from __future__ import annotations

from typing import Any

from hopnhat.apps.audit.models import AuditRecord, Outcome
from hopnhat.apps.directory.actions import create_organisation
from hopnhat.apps.directory.models import Organisation
from hopnhat.common.testing import ApiClient, client_for, org


def update_records(target: Organisation) -> list[AuditRecord]:
    return list(
        AuditRecord.objects.for_object("directory.organisation", target.pk)
        .filter(action="directory.organisation.update")
        .order_by("seq")
    )


def state(target: Organisation) -> dict[str, Any]:
    return Organisation.objects.filter(pk=target.pk).values().get()


def test_an_editor_edits_their_own_department_through_the_api_and_the_edit_is_audited(demo):
    target = org("31.STC")
    response = ApiClient("demo-editor").send(
        "PATCH",
        f"/organisations/{target.pk}",
        {"version": target.version, "phone": "0225 3842 111"},
    )
    assert response.status_code == 200
    assert response.json()["version"] == target.version + 1
    assert state(target)["phone"] == "0225 3842 111"
    [record] = update_records(target)
    assert record.outcome == Outcome.OK
    assert record.actor_label == "demo-editor"
    assert record.changes == {"phone": ["", "0225 3842 111"]}
    assert record.request_id
    assert record.request_id == response["X-Request-ID"]


def test_an_editor_edits_their_own_department_through_the_page_and_the_edit_is_audited(demo):
    target = org("31.STC")
    client = client_for("demo-editor")
    assert client.get(f"/directory/{target.pk}/edit/").status_code == 200
    response = client.post(
        f"/directory/{target.pk}/edit/",
        {
            "version": target.version,
            "name": target.name,
            "short_name": target.short_name,
            "address": "Số 1 Hoàng Văn Thụ, Hồng Bàng",
            "phone": "",
            "email": "stc@haiphong.gov.vn",
            "website": "",
            "note": "",
            "aliases_text": "STC HP\nSở TC",
        },
    )
    assert response.status_code == 302
    after = state(target)
    assert after["address"] == "Số 1 Hoàng Văn Thụ, Hồng Bàng"
    assert after["aliases"] == ["STC HP", "Sở TC"]
    assert after["version"] == target.version + 1
    [record] = update_records(target)
    assert record.actor_label == "demo-editor"
    assert record.changes["address"] == ["", "Số 1 Hoàng Văn Thụ, Hồng Bàng"]
    assert record.changes["email"] == ["", "stc@haiphong.gov.vn"]
    assert record.changes["aliases"] == [[], ["STC HP", "Sở TC"]]
    assert record.request_id == response["X-Request-ID"]


def test_an_editor_edits_a_child_of_their_department(demo):
    child = create_organisation(
        actor=None,
        code="31.STC.TTDV",
        name="Trung tâm Dịch vụ tài chính",
        kind="public_service_unit",
        parent=org("31.STC"),
    )
    response = ApiClient("demo-editor").send(
        "PATCH", f"/organisations/{child.pk}", {"version": child.version, "short_name": "TTDV"}
    )
    assert response.status_code == 200
    assert state(child)["short_name"] == "TTDV"
    assert update_records(child)[0].actor_label == "demo-editor"


def test_an_admin_edits_any_organisation(demo):
    for code in ("31.SXD", "30.STC", "BNV"):
        target = org(code)
        response = ApiClient("demo-admin").send(
            "PATCH", f"/organisations/{target.pk}", {"version": target.version, "note": "checked"}
        )
        assert response.status_code == 200, code
        assert state(target)["note"] == "checked"
        assert update_records(target)[-1].changes == {"note": ["", "checked"]}


def test_structure_fields_cannot_be_smuggled_into_a_profile_patch(demo):
    target = org("31.STC")
    response = ApiClient("demo-editor").send(
        "PATCH",
        f"/organisations/{target.pk}",
        {
            "version": target.version,
            "phone": "1",
            "code": "HIJACK",
            "parent_id": None,
            "is_active": False,
        },
    )
    assert response.status_code == 200
    after = state(target)
    assert (after["code"], after["parent_id"], after["is_active"]) == (
        "31.STC",
        target.parent_id,
        True,
    )


def test_a_stale_version_gets_409_with_the_current_version_and_a_diff_and_changes_nothing(demo):
    target = org("31.STC")
    first, second = ApiClient("demo-editor"), ApiClient("demo-admin")
    seen_version = target.version
    assert (
        first.send(
            "PATCH", f"/organisations/{target.pk}", {"version": seen_version, "phone": "111"}
        ).status_code
        == 200
    )
    before = state(target)

    response = second.send(
        "PATCH", f"/organisations/{target.pk}", {"version": seen_version, "phone": "222"}
    )

    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "conflict"
    assert body["message"]
    assert body["fields"] == {}
    assert body["current_version"] == seen_version + 1
    assert body["diff"]["current"]["phone"] == "111"
    assert body["diff"]["yours"] == {"phone": ["111", "222"]}
    assert state(target) == before
    assert [r.actor_label for r in update_records(target)] == ["demo-editor"]


def test_a_stale_form_is_shown_again_with_409_and_does_not_overwrite(demo):
    target = org("31.STC")
    ApiClient("demo-admin").send(
        "PATCH", f"/organisations/{target.pk}", {"version": target.version, "phone": "111"}
    )
    before = state(target)
    response = client_for("demo-editor").post(
        f"/directory/{target.pk}/edit/",
        {
            "version": target.version,
            "name": target.name,
            "short_name": "",
            "address": "",
            "phone": "999",
            "email": "",
            "website": "",
            "note": "",
            "aliases_text": "",
        },
    )
    assert response.status_code == 409
    assert response.context["conflict"].current_version == before["version"]
    assert state(target) == before


def test_a_well_formed_request_id_from_the_proxy_is_kept_in_the_audit_record(demo):
    target = org("31.STC")
    client = ApiClient("demo-editor")
    response = client.client.patch(
        f"/api/v1/organisations/{target.pk}",
        data={"version": target.version, "phone": "42"},
        content_type="application/json",
        headers={**client._headers(), "X-Request-ID": "proxy-req-0001"},
    )
    assert response.status_code == 200
    assert response["X-Request-ID"] == "proxy-req-0001"
    assert update_records(target)[-1].request_id == "proxy-req-0001"


def test_a_malformed_request_id_is_replaced(demo):
    response = ApiClient("demo-viewer").client.get(
        "/api/v1/me", headers={"X-Request-ID": "bad id; drop table"}
    )
    assert response["X-Request-ID"] != "bad id; drop table"
    assert len(response["X-Request-ID"]) == 32


def test_the_organisation_list_is_paginated_and_does_not_query_per_row(
    demo, django_assert_max_num_queries
):
    client = ApiClient("demo-viewer")
    total = Organisation.objects.count()
    client.get("/me")  # warm the token's last-used stamp so it is not written during the count
    with django_assert_max_num_queries(6):
        response = client.get("/organisations", page_size=500)
    body = response.json()
    assert set(body) == {"items", "count", "page", "page_size", "pages"}
    assert body["count"] == total == len(body["items"])
    with django_assert_max_num_queries(6):
        page2 = client.get("/organisations", page=2, page_size=10).json()
    assert (page2["page"], page2["page_size"], page2["pages"]) == (2, 10, -(-total // 10))
    assert [item["id"] for item in page2["items"]] == [item["id"] for item in body["items"][10:20]]


def test_the_organisation_list_filters_by_text_kind_and_locality(demo):
    client = ApiClient("demo-viewer")
    found = client.get("/organisations", q="xay dung").json()
    assert {item["code"] for item in found["items"]} == {"31.SXD", "30.SXD"}
    found = client.get("/organisations", locality="30", kind="department").json()
    assert (
        found["count"]
        == Organisation.objects.filter(code__startswith="30.", kind="department").count()
    )
    assert client.get("/organisations", locality="nowhere").json()["count"] == 0
