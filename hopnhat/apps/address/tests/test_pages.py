"""The public page, tried as a new user would (no login, no browser)."""

from __future__ import annotations

import pytest
from django.test import Client

from hopnhat.apps.address.tests.builders import KIM_THANH_HOA_BINH, NEW_USER, inside

pytestmark = pytest.mark.django_db


def test_the_page_needs_no_login_and_is_in_the_navigation(territory):
    response = Client().get("/address/")
    assert response.status_code == 200
    assert 'href="/address/"' in response.content.decode()


def test_typing_the_example_gives_the_right_new_ward_and_its_legal_basis(territory):
    page = Client().get("/address/", {"q": NEW_USER}).content.decode()
    assert 'data-status="converted"' in page
    assert "so 5 le loi, phường Hải Dương, thành phố Hải Phòng" in page
    assert "Phường Hải Dương (10525)" in page
    assert "1669/NQ-UBTVQH15" in page


def test_a_divided_commune_shows_its_candidates_and_a_map_to_pick_the_place(territory):
    page = Client().get("/address/", {"q": KIM_THANH_HOA_BINH, "on": "2025-07-01"}).content.decode()
    assert 'data-status="ambiguous"' in page
    assert 'data-code="10804"' in page
    assert 'data-code="10843"' in page
    assert 'id="address-map"' in page
    assert 'id="address-candidates"' in page
    assert "<script>" not in page  # the strict CSP: map data is JSON, the code a static file


def test_clicking_a_point_on_the_map_converts_the_divided_commune(territory):
    lon, lat = inside("10804")
    page = Client().get("/address/", {"q": KIM_THANH_HOA_BINH, "lon": lon, "lat": lat})
    html = page.content.decode()
    assert 'data-status="converted"' in html
    assert "Xã Kim Thành (10804)" in html


def test_the_page_is_rate_limited_per_client_address(territory, settings):
    settings.ADDRESS_PUBLIC_RATE = (1, 60)
    client = Client(REMOTE_ADDR="198.51.100.7")
    assert client.get("/address/", {"q": NEW_USER}).status_code == 200
    response = client.get("/address/", {"q": NEW_USER})
    assert response.status_code == 429
    assert 'data-testid="problem"' in response.content.decode()
    assert client.get("/address/").status_code == 200  # the empty form is never counted
