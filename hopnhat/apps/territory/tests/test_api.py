import json

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def get(path: str, **params: str):
    return Client().get(f"/api/v1{path}", params)


def test_units_are_listed_without_login_with_their_figures(territory):
    response = get("/units", on="2025-07-01", province="31", level="commune", page_size="500")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 114
    first = body["items"][0]
    assert set(first) >= {
        "code",
        "name",
        "type",
        "parent_code",
        "area_km2",
        "population",
        "valid_from",
        "valid_to",
    }
    assert first["parent_code"] == "31"
    assert first["population"]["kind"] == "official_2024_12_31"
    assert first["valid_from"] == "2025-07-01"
    assert first["valid_to"] is None


def test_listing_units_takes_a_fixed_number_of_queries(territory, django_assert_num_queries):
    with django_assert_num_queries(3):  # count, page, population figures
        get("/units", on="2025-06-30", province="30", level="commune", page_size="500")


def test_search_works_without_diacritics(territory):
    body = get("/units", on="2025-06-30", q="hoa binh", province="30").json()
    assert [(u["code"], u["full_name"]) for u in body["items"]] == [("10798", "Xã Hòa Bình")]


def test_a_unit_is_read_by_code_on_a_date(territory):
    before = get("/units/10507", on="2025-06-30").json()
    after = get("/units/10507", on="2025-07-01").json()
    assert before["full_name"] == "Phường Cẩm Thượng"
    assert before["population"]["kind"] == "census_2019"
    assert before["parent_code"] == "288"
    assert after["full_name"] == "Phường Thành Đông"
    assert after["area_km2"] == 12.22
    assert {p["kind"] for p in after["populations"]} == {
        "official_2024_12_31",
        "census_2019_reaggregated",
    }
    assert after["factors"]["is_red_river_delta"] is True


def test_an_unknown_code_is_404_in_the_standard_error_format(territory):
    response = get("/units/99999")
    assert response.status_code == 404
    assert set(response.json()) == {"code", "message", "fields"}
    assert response.json()["code"] == "not_found"


def test_lineage_names_the_successors_and_the_legal_text(territory):
    body = get("/units/10798/lineage", on="2025-06-30").json()
    entries = body["timeline"]
    assert {entry["role"] for entry in entries} == {"became"}
    edges = [edge for entry in entries for edge in entry["edges"]]
    assert sorted(e["new"]["full_name"] for e in edges) == ["Xã Hà Nam", "Xã Kim Thành"]
    assert {e["relation"] for e in edges} == {"part"}
    assert {e["legal_basis"]["clause"] for e in entries} == {"khoản 79 Điều 1", "khoản 112 Điều 1"}
    text = Client().get(entries[0]["legal_basis"]["text_url"])
    assert text.status_code == 200
    assert "1669/NQ-UBTVQH15" in text.content.decode()


def test_geojson_is_simplified_by_default_and_full_on_request(territory):
    simplified = get("/units.geojson", on="2025-06-30", level="commune", province="31")
    full = get("/units.geojson", on="2025-06-30", level="commune", province="31", detail="full")
    assert simplified.status_code == full.status_code == 200
    assert simplified["Content-Type"] == "application/geo+json"
    features = json.loads(simplified.content)["features"]
    assert len(features) == 168
    assert len(simplified.content) < len(full.content)
    assert features[0]["properties"]["population_kind"] == "census_2019"


def test_a_bad_date_is_refused_in_the_standard_error_format(territory):
    response = get("/units", on="30/06/2025")
    assert response.status_code == 422
    assert set(response.json()) == {"code", "message", "fields"}
