"""The API: GET one address (public, rate-limited), POST a batch (logged in)."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from hopnhat.apps.address.tests.builders import (
    KIM_THANH_HOA_BINH,
    NEW_USER,
    VINH_BAO_HOA_BINH,
    inside,
)
from hopnhat.common.testing import ApiClient

pytestmark = pytest.mark.django_db

URL = "/api/v1/address/convert"


def test_a_new_user_gets_the_right_ward_with_its_legal_basis_without_logging_in(territory):
    response = Client().get(URL, {"q": NEW_USER, "on": "2025-07-01"})
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "converted"
    assert (body["new_ward_code"], body["new_ward_name"]) == ("10525", "Phường Hải Dương")
    assert body["new_province_name"] == "Thành phố Hải Phòng"
    assert body["new_address"] == "so 5 le loi, phường Hải Dương, thành phố Hải Phòng"
    assert body["legal_basis"].startswith("1669/NQ-UBTVQH15, khoản")
    assert (body["old_ward_code"], body["old_ward_name"]) == ("10525", "Phường Trần Hưng Đạo")


def test_the_divided_hoa_binh_of_kim_thanh_is_ambiguous_with_both_candidates(territory):
    body = Client().get(URL, {"q": KIM_THANH_HOA_BINH}).json()
    assert body["status"] == "ambiguous"
    assert {c["code"] for c in body["candidates"]} == {"10804", "10843"}
    assert body["new_ward_code"] == ""


def test_a_point_in_ha_nam_resolves_the_divided_commune(territory):
    lon, lat = inside("10843")
    body = Client().get(URL, {"q": KIM_THANH_HOA_BINH, "lon": lon, "lat": lat}).json()
    assert (body["status"], body["new_ward_code"], body["resolved_by"]) == (
        "converted",
        "10843",
        "point",
    )


def test_the_hoa_binh_of_vinh_bao_converts_to_nguyen_binh_khiem(territory):
    body = Client().get(URL, {"q": VINH_BAO_HOA_BINH}).json()
    assert (body["status"], body["new_ward_code"]) == ("converted", "11911")


def test_the_public_converter_is_rate_limited_per_client_address(territory, settings):
    settings.ADDRESS_PUBLIC_RATE = (2, 60)
    client = Client(REMOTE_ADDR="203.0.113.9")
    assert [client.get(URL, {"q": NEW_USER}).status_code for _ in range(3)] == [200, 200, 429]
    assert client.get(URL, {"q": NEW_USER}).json()["code"] == "rate_limited"
    assert Client(REMOTE_ADDR="203.0.113.10").get(URL, {"q": NEW_USER}).status_code == 200


def test_a_batch_needs_a_login(territory):
    response = Client().post(
        URL, data=json.dumps({"addresses": [NEW_USER]}), content_type="application/json"
    )
    assert response.status_code == 401


def test_a_batch_converts_every_address_in_order(territory, demo):
    response = ApiClient("demo-viewer").send(
        "POST", "/address/convert", {"addresses": [NEW_USER, KIM_THANH_HOA_BINH, "Xa Foo"]}
    )
    assert response.status_code == 200
    body = response.json()
    assert [r["status"] for r in body["results"]] == ["converted", "ambiguous", "not_found"]
    assert body["by_status"] == {"converted": 1, "ambiguous": 1, "not_found": 1}


def test_a_batch_of_more_than_ten_thousand_is_refused(territory, demo):
    response = ApiClient("demo-viewer").send(
        "POST", "/address/convert", {"addresses": ["x"] * 10_001}
    )
    assert response.status_code == 422
