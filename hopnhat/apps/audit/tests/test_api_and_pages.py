"""The audit log and object histories through the pages, the CSV export and the API."""

from __future__ import annotations

import csv
import io

from hopnhat.apps.audit.models import AuditRecord, Outcome
from hopnhat.common.testing import ApiClient, client_for, org


def test_any_member_reads_the_history_of_an_organisation_of_the_shared_directory(demo):
    target = org("31.SXD")
    ApiClient("demo-admin").send(
        "PATCH", f"/organisations/{target.pk}", {"version": target.version, "phone": "7"}
    )
    body = ApiClient("demo-editor").get(f"/audit/history/directory.organisation/{target.pk}").json()
    assert [item["action"] for item in body["items"]] == [
        "directory.organisation.update",
        "directory.organisation.create",
    ]
    assert body["items"][0]["changes"] == {"phone": ["", "7"]}
    assert body["items"][0]["actor"] == "demo-admin"
    page = client_for("demo-editor").get(f"/audit/history/directory.organisation/{target.pk}/")
    assert page.status_code == 200
    assert "directory.organisation.update" in page.content.decode()


def test_the_audit_log_api_filters_by_actor_outcome_and_action(demo):
    ApiClient("demo-viewer").get("/audit")  # denied, and recorded
    body = ApiClient("demo-steering").get("/audit", actor="demo-viewer", outcome="denied").json()
    assert body["count"] == 1
    assert body["items"][0]["action"] == "audit.log.read"
    created = (
        ApiClient("demo-steering")
        .get("/audit", action="directory.organisation.create", page_size=1)
        .json()
    )
    assert (
        created["count"]
        == AuditRecord.objects.filter(action="directory.organisation.create").count()
    )
    assert len(created["items"]) == 1


def test_the_audit_log_page_exports_the_filtered_records_as_csv(demo):
    ApiClient("demo-viewer").get("/audit")
    response = client_for("demo-admin").get("/audit/", {"format": "csv", "outcome": "denied"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    expected = AuditRecord.objects.filter(outcome=Outcome.DENIED)
    assert len(rows) == expected.count()
    assert {row["actor"] for row in rows} == set(expected.values_list("actor_label", flat=True))


def test_the_audit_log_page_ignores_an_unknown_outcome_and_a_bad_date(demo):
    response = client_for("demo-admin").get(
        "/audit/", {"outcome": "bogus", "date_from": "31/02/2025"}
    )
    assert response.status_code == 200
    assert response.context["page"].paginator.count == AuditRecord.objects.count()
