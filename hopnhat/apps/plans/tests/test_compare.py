"""Comparing the enacted plan with a modified copy."""

import pytest

from hopnhat.apps.plans.tests.builders import draft_copy, move
from hopnhat.common.testing import ApiClient, client_for

pytestmark = pytest.mark.django_db


def test_the_comparison_lists_the_moved_old_units_and_the_metrics(enacted):
    plan = draft_copy(enacted)
    coordinator = ApiClient("demo-coordinator")
    loaded = coordinator.get(f"/plans/{plan.pk}/assignments").json()
    saved = coordinator.send(
        "PUT",
        f"/plans/{plan.pk}/assignments",
        {"version": 1, **move(loaded, "10510", "10525")},  # Phường Bình Hàn
    )
    assert saved.status_code == 200

    body = coordinator.get(f"/plans/{enacted.pk}/compare/{plan.pk}").json()
    assert [(m["old_code"], m["from"], m["to"]) for m in body["moved_old_units"]] == [
        ("10510", ["10507"], ["10525"])
    ]
    changed = {row["key"]: row for row in body["units"]}
    assert set(changed) == {"10507", "10525"}
    assert changed["10525"]["old_units_gained"] == ["10510"]
    assert changed["10507"]["old_units_lost"] == ["10510"]
    enacted_metrics, copy_metrics = body["metrics"]
    assert enacted_metrics["units"] == copy_metrics["units"] == 114
    assert enacted_metrics["by_type"] == {"dac_khu": 2, "phuong": 45, "xa": 67}
    assert enacted_metrics["share_passing"] == 1.0
    assert 0 < enacted_metrics["mean_polsby_popper"] < 1
    assert (
        enacted_metrics["district_boundaries_crossed"]
        >= enacted_metrics["units_across_districts"]
        > 0
    )
    assert enacted_metrics["population_cv"] > 0
    features = body["overlay"]["features"]
    assert [f["properties"]["old_code"] for f in features] == ["10510"]
    assert features[0]["geometry"]["type"] in ("Polygon", "MultiPolygon")


def test_the_compare_page_shows_the_moved_units(enacted):
    plan = draft_copy(enacted)
    page = client_for("demo-coordinator").get(f"/plans/{enacted.pk}/compare/{plan.pk}/")
    assert page.status_code == 200
    assert "No old unit moved." in page.content.decode() or "moved-table" in page.content.decode()
