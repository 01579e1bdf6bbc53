"""Locked units: part of the plan's assignment, so saved, versioned, enforced by the server,
carried by the CSV, and kept exactly by the optimizer's "Complete" and "Repair"."""

import csv
import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from hopnhat.apps.audit.models import AuditRecord
from hopnhat.apps.jobs.actions import execute_job
from hopnhat.apps.jobs.models import Job, JobStatus
from hopnhat.apps.plans.actions import save_assignment
from hopnhat.apps.plans.engine_io import check_report, plan_snapshot
from hopnhat.apps.plans.models import Assignment, NewUnit, Plan
from hopnhat.apps.plans.snapshots import constituent_set, payload_of
from hopnhat.apps.plans.tests.builders import draft_copy, move
from hopnhat.common.testing import ApiClient, user

pytestmark = pytest.mark.django_db

BINH_HAN, THANH_DONG, HAI_DUONG = "10510", "10507", "10525"


@pytest.fixture
def coordinator(demo: None) -> ApiClient:
    return ApiClient("demo-coordinator")


def locked(payload: dict[str, Any], *keys: str, value: bool = True) -> dict[str, Any]:
    units = [dict(u, locked=value) if u["key"] in keys else u for u in payload["units"]]
    return {"units": units, "not_arranged": payload["not_arranged"]}


def put(api: ApiClient, plan: Plan, payload: dict[str, Any], version: int) -> Any:
    body = {"version": version, "units": payload["units"], "not_arranged": payload["not_arranged"]}
    return api.send("PUT", f"/plans/{plan.pk}/assignments", body)


def rows_of(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))


def csv_text(rows: list[dict[str, str]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def upload(api: ApiClient, plan: Plan, text: str, version: int) -> Any:
    return api.client.post(
        f"/api/v1/plans/{plan.pk}/assignments.csv",
        {"version": version, "file": SimpleUploadedFile("a.csv", text.encode(), "text/csv")},
        headers=api._headers(),
    )


# Saving ------------------------------------------------------------------------------------


def test_a_lock_is_saved_with_the_assignment_versioned_and_audited(enacted, coordinator):
    plan = draft_copy(enacted)
    loaded = coordinator.get(f"/plans/{plan.pk}/assignments").json()
    assert not any(u["locked"] for u in loaded["units"])

    response = put(coordinator, plan, locked(loaded, THANH_DONG), version=1)

    assert response.status_code == 200, response.json()
    assert NewUnit.objects.get(plan=plan, key=THANH_DONG).locked is True
    # Every editor of the plan reads it from the server, and the bootstrap carries it.
    other = ApiClient("demo-admin").get(f"/plans/{plan.pk}/editor").json()["assignment"]
    assert [u["key"] for u in other["units"] if u["locked"]] == [THANH_DONG]
    diff = coordinator.get(f"/plans/{plan.pk}/versions/1/diff/2").json()
    assert diff["units_changed"] == {THANH_DONG: {"fields": {"locked": [False, True]}}}
    record = AuditRecord.objects.filter(action="plans.assignment.save").latest("pk")
    assert record.changes["diff"]["units_changed"][THANH_DONG]["fields"]["locked"] == [False, True]


def test_a_snapshot_saved_before_locks_existed_compares_as_unlocked(enacted, coordinator):
    plan = draft_copy(enacted)
    first = plan.versions.get(number=1)
    for unit in first.snapshot["units"]:
        unit.pop("locked", None)
    first.save(update_fields=["snapshot"])
    loaded = coordinator.get(f"/plans/{plan.pk}/assignments").json()
    put(coordinator, plan, move(loaded, BINH_HAN, HAI_DUONG), version=1)

    diff = coordinator.get(f"/plans/{plan.pk}/versions/1/diff/2").json()

    assert not any(
        "fields" in c and "locked" in c["fields"] for c in diff["units_changed"].values()
    )


def test_a_save_changing_a_locked_unit_is_refused_and_names_it(enacted, coordinator):
    plan = draft_copy(enacted)
    loaded = coordinator.get(f"/plans/{plan.pk}/assignments").json()
    put(coordinator, plan, locked(loaded, THANH_DONG), version=1)
    current = coordinator.get(f"/plans/{plan.pk}/assignments").json()
    name = next(u["name"] for u in current["units"] if u["key"] == THANH_DONG)

    taken_out = put(coordinator, plan, move(current, BINH_HAN, HAI_DUONG), version=2)
    some_whole = next(
        c["old_code"]
        for u in current["units"]
        if u["key"] == HAI_DUONG
        for c in u["constituents"]
        if c["relation"] == "whole"
    )
    brought_in = put(coordinator, plan, move(current, some_whole, THANH_DONG), version=2)
    removed = put(
        coordinator,
        plan,
        {
            "units": [u for u in current["units"] if u["key"] != THANH_DONG],
            "not_arranged": [
                {"old_code": c["old_code"], "reason": "giữ nguyên"}
                for u in current["units"]
                if u["key"] == THANH_DONG
                for c in u["constituents"]
            ],
        },
        version=2,
    )

    for response in (taken_out, brought_in, removed):
        assert response.status_code == 422
        body = response.json()
        assert name in body["message"]
        assert THANH_DONG in body["message"]
        assert list(body["fields"]) == [f"units.{THANH_DONG}.locked"]
    plan.refresh_from_db()
    assert plan.version == 2
    assert Assignment.objects.get(plan=plan, old_unit__code=BINH_HAN).new_unit.key == THANH_DONG


def test_a_locked_unit_may_be_renamed_and_the_save_that_unlocks_it_may_change_it(
    enacted, coordinator
):
    plan = draft_copy(enacted)
    loaded = coordinator.get(f"/plans/{plan.pk}/assignments").json()
    put(coordinator, plan, locked(loaded, THANH_DONG), version=1)
    current = coordinator.get(f"/plans/{plan.pk}/assignments").json()
    renamed = {
        **current,
        "units": [
            dict(u, name="Tên Mới") if u["key"] == THANH_DONG else u for u in current["units"]
        ],
    }
    assert put(coordinator, plan, renamed, version=2).status_code == 200

    unlocked_and_moved = locked(move(renamed, BINH_HAN, HAI_DUONG), THANH_DONG, value=False)
    response = put(coordinator, plan, unlocked_and_moved, version=3)

    assert response.status_code == 200, response.json()
    assert Assignment.objects.get(plan=plan, old_unit__code=BINH_HAN).new_unit.key == HAI_DUONG
    assert NewUnit.objects.get(plan=plan, key=THANH_DONG).locked is False


# CSV ---------------------------------------------------------------------------------------


def test_the_csv_carries_the_locks_both_ways(enacted, coordinator):
    plan = draft_copy(enacted)
    rows = rows_of(coordinator.get(f"/plans/{plan.pk}/assignments.csv").content.decode())
    assert {r["locked"] for r in rows} == {"0"}
    for row in rows:
        if row["new_key"] == HAI_DUONG:
            row["locked"] = "1"

    response = upload(coordinator, plan, csv_text(rows), version=1)

    assert response.status_code == 200, response.json()
    assert list(NewUnit.objects.filter(plan=plan, locked=True).values_list("key", flat=True)) == [
        HAI_DUONG
    ]
    exported = rows_of(coordinator.get(f"/plans/{plan.pk}/assignments.csv").content.decode())
    assert {r["new_key"] for r in exported if r["locked"] == "1"} == {HAI_DUONG}
    # A CSV without the column leaves every lock as the plan has it.
    for row in exported:
        del row["locked"]
    assert upload(coordinator, plan, csv_text(exported), version=2).status_code == 200
    assert NewUnit.objects.get(plan=plan, key=HAI_DUONG).locked is True


def test_a_csv_with_bad_or_disagreeing_locks_is_refused_whole(enacted, coordinator):
    plan = draft_copy(enacted)
    rows = rows_of(coordinator.get(f"/plans/{plan.pk}/assignments.csv").content.decode())
    rows[0]["locked"] = "maybe"  # row 2 of the sheet
    pair = [i for i, r in enumerate(rows) if r["new_key"] == HAI_DUONG]
    assert len(pair) > 1
    rows[pair[1]]["locked"] = "1"  # the unit's first row says 0

    response = upload(coordinator, plan, csv_text(rows), version=1)

    assert response.status_code == 422
    assert set(response.json()["fields"]) == {"row 2.locked", f"row {pair[1] + 2}.locked"}
    plan.refresh_from_db()
    assert plan.version == 1
    assert not NewUnit.objects.filter(plan=plan, locked=True).exists()


def test_a_csv_that_changes_a_locked_unit_is_refused_at_its_row(enacted, coordinator):
    plan = draft_copy(enacted)
    loaded = coordinator.get(f"/plans/{plan.pk}/assignments").json()
    put(coordinator, plan, locked(loaded, THANH_DONG), version=1)
    rows = rows_of(coordinator.get(f"/plans/{plan.pk}/assignments.csv").content.decode())
    target = next(r for r in rows if r["new_key"] == HAI_DUONG)
    index = next(i for i, r in enumerate(rows) if r["old_code"] == BINH_HAN)
    rows[index].update(new_key=HAI_DUONG, new_name=target["new_name"], locked=target["locked"])
    first_of_unit = next(i for i, r in enumerate(rows) if r["new_key"] == THANH_DONG)

    response = upload(coordinator, plan, csv_text(rows), version=2)

    assert response.status_code == 422
    fields = response.json()["fields"]
    assert list(fields) == [f"row {first_of_unit + 2}.locked"]
    assert THANH_DONG in fields[f"row {first_of_unit + 2}.locked"][0]
    plan.refresh_from_db()
    assert plan.version == 2


# The optimizer -----------------------------------------------------------------------------


def _run(plan: Plan, kind: str) -> Job:
    response = ApiClient("demo-coordinator").send("POST", f"/plans/{plan.pk}/jobs/{kind}", {})
    assert response.status_code == 201, response.content
    job = Job.objects.get(pk=response.json()["id"])
    execute_job(job_id=str(job.pk), worker_id="test-worker")
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED, job.error
    return job


def _pieces(plan: Plan) -> dict[str, frozenset[tuple[str, str, float, float]]]:
    return {u["key"]: constituent_set(u) for u in payload_of(plan)["units"]}


def test_complete_keeps_the_locked_units_exactly_and_gives_them_nothing(enacted):
    plan = draft_copy(enacted)
    payload = payload_of(plan)
    whole = [
        u
        for u in payload["units"]
        if not u["special_zone"] and all(c["relation"] == "whole" for c in u["constituents"])
    ]
    dropped = {u["key"] for u in whole[:8]}
    freed = {c["old_code"] for u in whole[:8] for c in u["constituents"]}
    neighbours = {code: set(found) for code, found in _neighbours_of(plan).items()}
    touching = {n for code in freed for n in neighbours.get(code, set())} - freed
    # Lock every remaining unit that touches a freed old unit: unlocked, they would take some.
    to_lock = {
        u["key"]
        for u in payload["units"]
        if u["key"] not in dropped and {c["old_code"] for c in u["constituents"]} & touching
    }
    assert to_lock
    kept = [
        dict(u, locked=u["key"] in to_lock) for u in payload["units"] if u["key"] not in dropped
    ]
    save_assignment(
        actor=user("demo-coordinator"),
        plan=plan,
        expected_version=1,
        payload={"units": kept, "not_arranged": []},
    )
    before = _pieces(plan)

    job = _run(plan, "complete")

    assert job.result["saved"] is True
    after = _pieces(plan)
    for key in to_lock:
        assert after[key] == before[key]
    placed = {c[0] for key, pieces in after.items() if key not in before for c in pieces}
    assert placed == freed
    assert set(NewUnit.objects.filter(plan=plan, locked=True).values_list("key", flat=True)) == (
        to_lock
    )


def _neighbours_of(plan: Plan) -> dict[str, list[str]]:
    data = ApiClient("demo-coordinator").get(f"/plans/{plan.pk}/editor").json()
    return {u["code"]: u["neighbours"] for u in data["old_units"]}


def test_repair_leaves_a_locked_failing_unit_as_drawn(enacted):
    plan = draft_copy(enacted)
    payload = payload_of(plan)
    source = next(u for u in payload["units"] if u["name"] == "Trần Phú")
    taken = next(c for c in source["constituents"] if c["old_code"] != source["key"])
    units = [
        {
            **u,
            "constituents": [c for c in u["constituents"] if c is not taken],
            "area_km2": None,
            "population": None,
        }
        if u is source
        else u
        for u in payload["units"]
    ]
    units.append({"key": "T1", "name": "Thử Nghiệm", "locked": True, "constituents": [taken]})
    save_assignment(
        actor=user("demo-coordinator"),
        plan=plan,
        expected_version=1,
        payload={"units": units, "not_arranged": []},
    )
    failing = {
        u["key"] for u in check_report(plan_snapshot(plan))["units"] if u["status"] == "fail"
    }
    assert "T1" in failing
    before = _pieces(plan)

    _run(plan, "repair")

    after = _pieces(plan)
    assert after["T1"] == before["T1"]
    assert {k for k, pieces in after.items() if taken["old_code"] in {c[0] for c in pieces}} == {
        "T1"
    }
