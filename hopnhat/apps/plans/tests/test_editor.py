"""The map editor's server side: its bootstrap, its page, and the assignment as CSV."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from hopnhat.apps.plans.models import Assignment, NewUnit, Plan, PlanStatus
from hopnhat.apps.plans.tests.builders import draft_copy
from hopnhat.common.testing import ApiClient, client_for

pytestmark = pytest.mark.django_db


def rows_of(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))


def csv_text(rows: list[dict[str, str]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def upload(api: ApiClient, plan: Plan, text: str, version: int = 1):
    return api.client.post(
        f"/api/v1/plans/{plan.pk}/assignments.csv",
        {"version": version, "file": SimpleUploadedFile("a.csv", text.encode(), "text/csv")},
        headers=api._headers(),
    )


@pytest.fixture
def coordinator(demo):
    return ApiClient("demo-coordinator")


# The bootstrap ---------------------------------------------------------------------------


def test_the_bootstrap_holds_every_old_unit_with_figures_shapes_and_neighbours(
    enacted, coordinator
):
    plan = draft_copy(enacted)
    data = coordinator.get(f"/plans/{plan.pk}/editor").json()

    assert data["plan"] == {
        "id": plan.pk,
        "name": plan.name,
        "status": "draft",
        "version": 1,
        "editable": True,
    }
    old = {u["code"]: u for u in data["old_units"]}
    assert len(old) == 375
    assert len(data["assignment"]["units"]) == 114
    assert all(u["geometry"] and u["label"] for u in old.values() if u["code"] != "00000")
    # Neighbour lists are symmetric, and Phường Bình Hàn borders Phường Hải Dương's pieces.
    for code, unit in old.items():
        assert code not in unit["neighbours"]
        for other in unit["neighbours"]:
            assert code in old[other]["neighbours"]
    assert old["10510"]["neighbours"]
    assert {d["code"] for d in data["districts"]} >= {old["10510"]["district"]}


def test_the_bootstrap_thresholds_are_those_of_the_hai_phong_options(enacted, coordinator):
    rules = coordinator.get(f"/plans/{draft_copy(enacted).pk}/editor").json()["rules"]

    assert rules["rule_set"]["id"] == "nq76-2025"
    xa, phuong, dac_khu = (rules["profiles"][f"{t}|{{}}"] for t in ("xa", "phuong", "dac_khu"))
    assert xa["area"]["value"] == pytest.approx(21.0)  # 100% × 70% × 30 km² (Red River Delta)
    assert xa["population"]["value"] == 16_000
    assert phuong["area"]["value"] == 5.5
    assert phuong["population"]["value"] == 21_000
    assert xa["exempt_from"] == phuong["exempt_from"] == 3  # NQ 76 Art 5(2)
    assert xa["always_exempt"] is None
    # A đặc khu is measured as a xã; any shortfall is set aside by Art 5(1)(d), whatever its count.
    assert dac_khu["area"] == xa["area"]
    assert dac_khu["always_exempt"] is None
    assert dac_khu["exempt_from"] == 1
    assert dac_khu["exemption"]["rule_id"] == "nq76.art5_1_d.island"
    assert rules["waivable"] is True


def test_a_stranger_gets_no_bootstrap(enacted, demo):
    plan = draft_copy(enacted)
    assert ApiClient("demo-reviewer").get(f"/plans/{plan.pk}/editor").status_code == 404


# The page --------------------------------------------------------------------------------


def test_the_editor_page_carries_its_urls_and_labels_and_no_inline_script(enacted, demo):
    plan = draft_copy(enacted)
    page = client_for("demo-coordinator").get(f"/plans/{plan.pk}/editor/")

    assert page.status_code == 200
    html = page.content.decode()
    assert f'data-bootstrap-url="/api/v1/plans/{plan.pk}/editor"' in html
    assert 'data-can-edit="true"' in html
    assert 'id="editor-labels"' in html
    assert "<script>" not in html
    assert " style=" not in html


def test_the_enacted_plan_opens_read_only(enacted, demo):
    page = client_for("demo-coordinator").get(f"/plans/{enacted.pk}/editor/")
    assert page.status_code == 200
    assert 'data-can-edit="false"' in page.content.decode()


def test_copying_a_plan_from_its_page_opens_the_draft_in_the_editor(enacted, demo):
    response = client_for("demo-coordinator").post(
        f"/plans/{enacted.pk}/copy/", {"name": "Phương án thử"}
    )
    copy = Plan.objects.get(name="Phương án thử")
    assert response.status_code == 302
    assert response["Location"] == f"/plans/{copy.pk}/editor/"
    assert copy.status == PlanStatus.DRAFT
    assert copy.copied_from == enacted
    assert NewUnit.objects.filter(plan=copy).count() == 114


# CSV -------------------------------------------------------------------------------------


def test_the_assignment_exports_one_row_per_piece(enacted, coordinator):
    plan = draft_copy(enacted)
    response = coordinator.get(f"/plans/{plan.pk}/assignments.csv")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert f"plan-{plan.pk}-v1-assignment.csv" in response["Content-Disposition"]
    rows = rows_of(response.content.decode("utf-8"))
    assert len(rows) == Assignment.objects.filter(plan=plan).count()
    row = next(r for r in rows if r["old_code"] == "10510")
    assert (row["new_key"], row["whole"], row["area_share"]) == ("10507", "1", "1")
    assert row["old_name"] == "Phường Bình Hàn"
    parts = [r for r in rows if r["whole"] == "0"]
    assert parts
    assert all(0 <= float(r["area_share"]) <= 1 for r in parts)


def test_importing_the_exported_csv_keeps_the_assignment(enacted, coordinator):
    plan = draft_copy(enacted)
    before = coordinator.get(f"/plans/{plan.pk}/assignments").json()
    text = coordinator.get(f"/plans/{plan.pk}/assignments.csv").content.decode("utf-8")

    response = upload(coordinator, plan, text)

    assert response.status_code == 200, response.json()
    assert response.json()["version"] == 2
    after = coordinator.get(f"/plans/{plan.pk}/assignments").json()
    assert {u["key"]: u for u in after["units"]} == {u["key"]: u for u in before["units"]}


def test_an_imported_move_is_saved_and_drops_the_figures_of_the_units_it_changes(
    enacted, coordinator
):
    plan = draft_copy(enacted)
    rows = rows_of(coordinator.get(f"/plans/{plan.pk}/assignments.csv").content.decode())
    moved = next(r for r in rows if r["old_code"] == "10510")
    target = next(r for r in rows if r["new_key"] == "10525")
    moved.update(new_key="10525", new_name=target["new_name"])

    response = upload(coordinator, plan, csv_text(rows))

    assert response.status_code == 200, response.json()
    assert Assignment.objects.get(plan=plan, old_unit__code="10510").new_unit.key == "10525"
    changed = NewUnit.objects.get(plan=plan, key="10525")
    assert changed.population is None
    assert changed.area_km2 is None
    untouched = NewUnit.objects.exclude(key__in=["10507", "10525"]).filter(plan=plan).first()
    assert untouched is not None
    kept = NewUnit.objects.get(plan=enacted, key=untouched.key)
    assert untouched.population == kept.population


def test_a_bad_csv_is_refused_whole_with_its_rows_and_columns_named(enacted, coordinator):
    plan = draft_copy(enacted)
    rows = rows_of(coordinator.get(f"/plans/{plan.pk}/assignments.csv").content.decode())
    rows[0]["area_share"] = "lots"  # row 2 of the sheet
    rows[1]["old_code"] = "99999"  # row 3: outside the scope (reported once the rows parse)
    part = next(i for i, r in enumerate(rows) if r["whole"] == "0")
    rows[part]["population_share"] = "0.01"  # its old unit's shares no longer add up

    response = upload(coordinator, plan, csv_text(rows))

    assert response.status_code == 422
    fields = response.json()["fields"]
    assert "row 2.area_share" in fields
    assert any(k.endswith(".population_share") for k in fields)
    plan.refresh_from_db()
    assert plan.version == 1
    assert Assignment.objects.get(plan=plan, old_unit__code="10510").new_unit.key == "10507"

    rows[0]["area_share"] = "1"
    rows[part]["population_share"] = next(
        r
        for r in rows_of(coordinator.get(f"/plans/{plan.pk}/assignments.csv").content.decode())
        if r["old_code"] == rows[part]["old_code"] and r["new_key"] == rows[part]["new_key"]
    )["population_share"]
    response = upload(coordinator, plan, csv_text(rows))
    assert response.status_code == 422
    assert list(response.json()["fields"]) == ["row 3.old_code"]


def test_a_csv_without_the_required_columns_is_refused(enacted, coordinator):
    plan = draft_copy(enacted)
    response = upload(coordinator, plan, "old_code,new_key\n10510,10507\n")
    assert response.status_code == 422
    assert set(response.json()["fields"]) == {
        "row 1.new_name",
        "row 1.whole",
        "row 1.area_share",
        "row 1.population_share",
    }


def test_a_csv_based_on_a_stale_version_gets_409(enacted, coordinator):
    plan = draft_copy(enacted)
    text = coordinator.get(f"/plans/{plan.pk}/assignments.csv").content.decode()
    assert upload(coordinator, plan, text, version=1).status_code == 200
    stale = upload(coordinator, plan, text, version=1)
    assert stale.status_code == 409
    assert stale.json()["current_version"] == 2


def test_a_viewer_cannot_import(enacted, demo):
    plan = draft_copy(enacted)
    viewer = ApiClient("demo-viewer")
    text = ApiClient("demo-coordinator").get(f"/plans/{plan.pk}/assignments.csv").content.decode()
    response = upload(viewer, plan, text)
    assert response.status_code in (403, 404)
    plan.refresh_from_db()
    assert plan.version == 1
