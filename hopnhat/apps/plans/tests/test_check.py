"""The enacted NQ 1669 plan, checked through the API under NQ 76 with the Hải Phòng options."""

import pytest

from hopnhat.common.testing import ApiClient

pytestmark = pytest.mark.django_db

# 11 exempt: 10 under Art 5(2) and Bạch Long Vĩ under Art 5(1)(d). Đặc khu Cát Hải meets the xã
# orientation it is measured against, so it passes without needing its exemption.
EXEMPT = {
    "Phường Nguyễn Trãi": "nq76.art5_2.three_or_more",
    "Phường Gia Viên": "nq76.art5_2.three_or_more",
    "Xã Nam Sách": "nq76.art5_2.three_or_more",
    "Xã Hợp Tiến": "nq76.art5_2.three_or_more",
    "Xã Thái Tân": "nq76.art5_2.three_or_more",
    "Xã Tuệ Tĩnh": "nq76.art5_2.three_or_more",
    "Xã An Hưng": "nq76.art5_2.three_or_more",
    "Xã Kiến Thụy": "nq76.art5_2.three_or_more",
    "Xã Nghi Dương": "nq76.art5_2.three_or_more",
    "Xã Kiến Minh": "nq76.art5_2.three_or_more",
    "Đặc khu Bạch Long Vĩ": "nq76.art5_1_d.island",
}
# Legal reference §1.4, from Đề án 381/ĐA-CP: (area %, population %).
DOSSIER_PERCENTAGES = {
    "Xã Trần Phú": (119.00, 224.61),
    "Xã Gia Lộc": (103.71, 292.09),
    "Phường Hải Dương": (118.36, 245.34),
    "Phường Nguyễn Trãi": (1386.9, 76.66),
}


def test_every_unit_of_the_enacted_plan_passes_or_shows_its_exemption(enacted):
    body = ApiClient("demo-coordinator").get(f"/plans/{enacted.pk}/check").json()
    assert body["rule_set"]["id"] == "nq76-2025"
    assert body["options"]["red_river_delta"] is True
    assert body["counts"] == {"units": 114, "pass": 103, "exempt": 11, "fail": 0}
    exempt = {u["full_name"]: u["exemption"]["rule_id"] for u in body["units"] if u["exemption"]}
    assert exempt == EXEMPT
    assert all(u["status"] in ("pass", "exempt") for u in body["units"])
    # The only plan-wide finding is the advisory on Cẩm Giang / Cẩm Giàng.
    assert [v["rule_id"] for v in body["plan_violations"]] == ["plan.names_similar"]
    assert body["ok"] is True


def test_the_dossier_percentages_of_legal_reference_1_4_are_shown(enacted):
    body = ApiClient("demo-coordinator").get(f"/plans/{enacted.pk}/check").json()
    units = {u["full_name"]: u for u in body["units"]}
    for name, (area_percent, population_percent) in DOSSIER_PERCENTAGES.items():
        unit = units[name]
        assert unit["area"]["percent"] == pytest.approx(area_percent, abs=0.1), name
        assert unit["population_measure"]["percent"] == pytest.approx(population_percent, abs=0.1)
    nguyen_trai = units["Phường Nguyễn Trãi"]
    assert nguyen_trai["population_measure"]["threshold"] == 21_000
    assert (
        nguyen_trai["waived"][0]["citation"]["vi"]
        == "điểm c khoản 1 Điều 5 Nghị quyết số 76/2025/UBTVQH15"
    )
    assert "quy mô dân số" in nguyen_trai["population_source"]
    assert len(nguyen_trai["constituents"]) == 3


def test_divided_old_units_give_shares_that_sum_to_one_hundred_percent(enacted):
    body = ApiClient("demo-coordinator").get(f"/plans/{enacted.pk}/assignments").json()
    totals: dict[str, list[float]] = {}
    for unit in body["units"]:
        for c in unit["constituents"]:
            shares = totals.setdefault(c["old_code"], [0.0, 0.0])
            shares[0] += c["area_share"]
            shares[1] += c["population_share"]
    assert len(totals) == 375
    assert all(abs(a - 1) < 1e-3 and abs(p - 1) < 1e-3 for a, p in totals.values())


def test_loading_the_enacted_plan_twice_keeps_one_plan(enacted):
    from hopnhat.apps.plans.models import Plan
    from hopnhat.apps.plans.registry import load_enacted_plan

    assert load_enacted_plan(actor=None).pk == enacted.pk
    assert Plan.objects.count() == 1


def test_plans_are_listed_in_a_fixed_number_of_queries(enacted, django_assert_num_queries):
    client = ApiClient("demo-viewer")
    with django_assert_num_queries(5):  # token, memberships, count, page, token touch
        body = client.get("/plans").json()
    assert [p["name"] for p in body["items"]] == [enacted.name]
    assert body["items"][0]["status"] == "enacted"


def test_a_plan_of_another_locality_is_not_visible(enacted):
    response = ApiClient("demo-editor-hd").get(f"/plans/{enacted.pk}")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert ApiClient("demo-editor-hd").get("/plans").json()["count"] == 0


def test_the_plan_page_shows_the_check_table(enacted):
    from hopnhat.common.testing import client_for

    page = client_for("demo-coordinator").get(f"/plans/{enacted.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-testid="check-table"' in html
    assert "Phường Nguyễn Trãi" in html
    assert "1386,91%" in html or "1386.91%" in html
