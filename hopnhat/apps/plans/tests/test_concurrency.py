"""Optimistic locking: a stale save is refused with 409 and loses nothing."""

import pytest

from hopnhat.apps.plans.models import Assignment, NewUnit
from hopnhat.apps.plans.tests.builders import draft_copy, member, move
from hopnhat.common.testing import ApiClient

pytestmark = pytest.mark.django_db


@pytest.fixture
def editors(demo):
    member("editor-snv-1", "31.SNV", "editor")
    member("editor-snv-2", "31.SNV", "editor")
    return ApiClient("editor-snv-1"), ApiClient("editor-snv-2")


def test_the_second_of_two_conflicting_saves_gets_409_and_its_payload_back(enacted, editors):
    plan = draft_copy(enacted)
    first, second = editors
    loaded = first.get(f"/plans/{plan.pk}/assignments").json()
    assert second.get(f"/plans/{plan.pk}/assignments").json()["version"] == loaded["version"] == 1
    mine = move(loaded, "10510", "10525")  # Phường Bình Hàn → Phường Hải Dương
    elsewhere = next(u["key"] for u in loaded["units"] if u["key"] not in ("10507", "10525"))
    theirs = move(loaded, "10510", elsewhere)  # … or to another unit

    saved = first.send("PUT", f"/plans/{plan.pk}/assignments", {"version": 1, **mine})
    assert saved.status_code == 200
    assert saved.json()["version"] == 2

    stale = second.send(
        "PUT", f"/plans/{plan.pk}/assignments", {"version": 1, "summary": "x", **theirs}
    )
    assert stale.status_code == 409
    body = stale.json()
    assert body["code"] == "conflict"
    assert body["current_version"] == 2
    assert body["diff"]["yours"]["units"] == theirs["units"]  # nothing lost
    assert body["diff"]["theirs"]["units_changed"]["10525"]["constituents_added"] == ["10510"]
    assert body["diff"]["mine"]["units_changed"][elsewhere]["constituents_added"] == ["10510"]
    # The database holds the first save.
    holder = Assignment.objects.get(plan=plan, old_unit__code="10510").new_unit
    assert holder.key == "10525"
    plan.refresh_from_db()
    assert plan.version == 2
    assert plan.versions.count() == 2


def test_any_two_versions_can_be_compared(enacted, editors):
    plan = draft_copy(enacted)
    first, _second = editors
    loaded = first.get(f"/plans/{plan.pk}/assignments").json()
    first.send(
        "PUT", f"/plans/{plan.pk}/assignments", {"version": 1, **move(loaded, "10510", "10525")}
    )
    diff = first.get(f"/plans/{plan.pk}/versions/1/diff/2").json()
    assert diff["units_changed"]["10507"]["constituents_removed"] == ["10510"]
    assert diff["units_changed"]["10525"]["constituents_added"] == ["10510"]
    old = first.get(f"/plans/{plan.pk}/assignments", version=1).json()
    assert old["units"] == loaded["units"]


def test_shares_that_do_not_sum_to_one_hundred_percent_are_refused(enacted, editors):
    plan = draft_copy(enacted)
    first, _second = editors
    loaded = first.get(f"/plans/{plan.pk}/assignments").json()
    unit = next(
        u for u in loaded["units"] if any(c["relation"] == "part" for c in u["constituents"])
    )
    part = next(c for c in unit["constituents"] if c["relation"] == "part")
    part["area_share"] = 0.2
    response = first.send("PUT", f"/plans/{plan.pk}/assignments", {"version": 1, **loaded})
    assert response.status_code == 422
    assert f"old_code.{part['old_code']}" in response.json()["fields"]
    assert NewUnit.objects.filter(plan=plan).count() == 114


def test_the_enacted_plan_cannot_be_edited(enacted, editors):
    first, _second = editors
    loaded = first.get(f"/plans/{enacted.pk}/assignments").json()
    response = first.send("PUT", f"/plans/{enacted.pk}/assignments", {"version": 1, **loaded})
    assert response.status_code == 422
