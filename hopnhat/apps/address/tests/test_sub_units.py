"""The sub-unit table: imported by the owner organisation's editors, walled off from others,
every change and every denial audited; its rows resolve divided communes."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from hopnhat.apps.address.models import SubUnitMapping
from hopnhat.apps.address.tests.builders import csv_bytes
from hopnhat.apps.audit.models import AuditRecord, Outcome
from hopnhat.common.testing import ApiClient, user

pytestmark = pytest.mark.django_db

TABLE = [
    ["old_commune_code", "sub_unit_name", "new_unit_code", "note"],
    ["10798", "Thôn Đông", "10804", ""],
    ["10798", "Thôn Tây", "10843", "biên bản 12/6"],
]


def last_seq() -> int:
    return AuditRecord.objects.order_by("-seq").values_list("seq", flat=True).first() or 0


def denied_since(seq: int) -> list[AuditRecord]:
    return list(AuditRecord.objects.filter(seq__gt=seq, outcome=Outcome.DENIED))


def import_as(username: str, org: str):
    api = ApiClient(username)
    return api.client.post(
        "/api/v1/address/sub-units",
        {"file": SimpleUploadedFile("thon.csv", csv_bytes(TABLE)), "org": org},
        headers=api._headers(),
    )


@pytest.fixture
def hai_phong_rows(territory, demo) -> list[SubUnitMapping]:
    response = import_as("demo-editor", "31.STC")
    assert response.status_code == 201, response.json()
    return list(SubUnitMapping.objects.order_by("sub_unit_key"))


def test_an_editor_imports_rows_for_their_organisation_and_the_import_is_audited(hai_phong_rows):
    assert [(m.sub_unit_name, m.new_unit_code, m.owner_org.code) for m in hai_phong_rows] == [
        ("Thôn Đông", "10804", "31.STC"),
        ("Thôn Tây", "10843", "31.STC"),
    ]
    record = AuditRecord.objects.get(action="address.sub_units.import")
    assert record.actor == user("demo-editor")
    assert '"created":2' in record.changes_json


def test_importing_again_updates_rather_than_duplicates(hai_phong_rows):
    assert import_as("demo-editor", "31.STC").json() == {"rows": 2, "created": 0, "updated": 0}
    assert SubUnitMapping.objects.count() == 2


def test_the_rows_resolve_the_divided_commune_for_everyone(hai_phong_rows):
    body = (
        Client()
        .get(
            "/api/v1/address/convert",
            {"q": "thôn Tây, xã Hòa Bình, huyện Kim Thành, tỉnh Hải Dương", "on": "2025-07-01"},
        )
        .json()
    )
    assert (body["status"], body["new_ward_code"], body["resolved_by"]) == (
        "converted",
        "10843",
        "sub_unit",
    )


def test_an_editor_of_another_organisation_cannot_import_for_it_and_is_audited(territory, demo):
    seq = last_seq()
    response = import_as("demo-editor-hd", "31.STC")
    assert response.status_code == 403
    [record] = denied_since(seq)
    assert record.actor == user("demo-editor-hd")
    assert not SubUnitMapping.objects.exists()


@pytest.mark.parametrize("username", ["demo-editor-hd", "demo-editor-xd"])
def test_an_editor_of_another_organisation_cannot_see_or_delete_a_row(hai_phong_rows, username):
    row = hai_phong_rows[0]
    seq = last_seq()
    api = ApiClient(username)
    response = api.send("DELETE", f"/address/sub-units/{row.pk}")
    assert response.status_code == 404
    [record] = denied_since(seq)
    assert (record.actor, record.object_id) == (user(username), str(row.pk))
    assert SubUnitMapping.objects.filter(pk=row.pk).exists()
    assert api.get("/address/sub-units").json()["count"] == 0


def test_a_viewer_above_the_owner_reads_the_rows_but_cannot_delete_them(hai_phong_rows):
    api = ApiClient("demo-viewer")
    assert api.get("/address/sub-units").json()["count"] == 2
    seq = last_seq()
    assert api.send("DELETE", f"/address/sub-units/{hai_phong_rows[0].pk}").status_code == 403
    assert len(denied_since(seq)) == 1


def test_the_owners_editor_deletes_a_row_through_the_page_and_it_is_audited(hai_phong_rows):
    from hopnhat.common.testing import client_for

    row = hai_phong_rows[0]
    response = client_for("demo-editor").post(f"/address/sub-units/{row.pk}/delete/")
    assert response.status_code == 302
    assert not SubUnitMapping.objects.filter(pk=row.pk).exists()
    assert AuditRecord.objects.filter(
        action="address.sub_unit.delete", object_id=str(row.pk)
    ).exists()


def test_the_page_lists_only_the_rows_a_user_may_read(hai_phong_rows):
    from hopnhat.common.testing import client_for

    assert "Thôn Tây" in client_for("demo-editor").get("/address/sub-units/").content.decode()
    assert (
        "Thôn Tây" not in client_for("demo-editor-hd").get("/address/sub-units/").content.decode()
    )


def test_a_table_with_a_bad_code_is_refused_with_its_row(territory, demo):
    api = ApiClient("demo-editor")
    bad = [TABLE[0], ["10798", "Thôn Bắc", "x12"]]
    response = api.client.post(
        "/api/v1/address/sub-units",
        {"file": SimpleUploadedFile("t.csv", csv_bytes(bad)), "org": "31.STC"},
        headers=api._headers(),
    )
    assert response.status_code == 422
    assert "x12" in response.json()["message"]  # the row is named in the request language
