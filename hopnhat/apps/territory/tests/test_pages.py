"""The public map pages and unit cards, on the shipped registry (loaded once per module)."""

import re

import pytest
from django.test import Client

from hopnhat.apps.territory.views import band_of, clause_anchor, quantile_breaks
from hopnhat.config.settings import tile_origin

pytestmark = pytest.mark.django_db

BEFORE = "2025-06-30"
AFTER = "2025-07-01"


def page(path: str, **params: str) -> str:
    response = Client().get(path, params)
    assert response.status_code == 200, response.content[:500]
    return response.content.decode()


def listed_codes(html: str) -> list[str]:
    return re.findall(r'<li class="unit-list-item" data-code="(\d+)"', html)


def test_the_map_opens_without_login_with_every_unit_of_the_mapped_provinces(
    territory, django_assert_max_num_queries
):
    with django_assert_max_num_queries(8):
        before = page("/territory/", on=BEFORE)
    assert len(listed_codes(before)) == 375  # 207 + 167 communes and Bạch Long Vĩ
    assert "30/06/2025" in before
    assert (
        'data-geojson-url="/api/v1/units.geojson?on=2025-06-30&amp;level=commune&amp;province=30%2C31"'
        in before
    )
    assert 'data-mapped-count="375"' in before

    after = page("/territory/", on=AFTER)
    assert len(listed_codes(after)) == 114
    assert "01/07/2025" in after


def test_the_legend_lists_quantile_classes_with_their_numbers(territory):
    html = page("/territory/", on=AFTER, metric="density")
    legend = html[html.index('data-testid="legend"') :]
    counts = [int(n) for n in re.findall(r"\((\d+) (?:unit|units|đơn vị)\)", legend)]
    assert len(counts) == 5
    assert sum(counts) == 114
    assert max(counts) - min(counts) <= 1  # quantiles: about the same number in each class


def test_the_map_works_at_every_level_and_for_the_whole_country(territory):
    provinces = page("/territory/", on=AFTER, level="province", province="")
    assert len(listed_codes(provinces)) == 34
    districts = page("/territory/", on=BEFORE, level="district", province="30")
    assert len(listed_codes(districts)) == 12
    assert "Thành phố Hải Dương" in districts


@pytest.mark.parametrize("query", ["hai duong", "Hải Dương", "HAI DUONG"])
def test_search_finds_hai_duong_with_or_without_diacritics(territory, query):
    provinces = page("/territory/", on=BEFORE, level="province", province="", q=query)
    assert listed_codes(provinces) == ["30"]
    districts = page("/territory/", on=BEFORE, level="district", province="30", q=query)
    assert "288" in listed_codes(districts)  # Thành phố Hải Dương
    after = page("/territory/", on=AFTER, q=query)
    assert "10525" in listed_codes(after)  # Phường Hải Dương
    assert '"10525"' in after  # highlighted on the map


def test_search_finds_a_unit_by_its_code(territory):
    html = page("/territory/", on=BEFORE, q="10507")
    assert listed_codes(html) == ["10507"]
    assert "Phường Cẩm Thượng" in html


def test_the_unit_card_shows_every_figure_with_its_source(territory):
    html = page("/territory/units/10507/", on=AFTER)
    assert "Phường Thành Đông" in html
    figures = html[
        html.index('data-testid="unit-figures"') : html.index('data-testid="unit-lineage"')
    ]
    assert "12,22 km²" in figures
    assert "official natural area, sapnhap.bando.com.vn" in figures
    assert 'data-figure="population-official_2024_12_31"' in figures
    assert "50.307" in figures
    assert "31/12/2024" in figures
    assert 'data-figure="population-census_2019_reaggregated"' in figures
    assert "01/04/2019" in figures
    assert "quy mô dân số" in figures  # the population source
    assert 'href="/territory/units/31/?level=province' in html  # the parent


def test_the_unit_card_shows_its_lineage_with_the_nq_1669_legal_basis(territory):
    html = page("/territory/units/10507/", on=AFTER)
    lineage = html[html.index('data-testid="unit-lineage"') :]
    assert 'data-role="formed"' in lineage
    for old in ("Phường Cẩm Thượng", "Phường Bình Hàn", "Phường Nguyễn Trãi", "Xã An Thượng"):
        assert old in lineage
    assert 'href="/territory/units/10507/?level=commune&amp;on=2025-06-30"' in lineage
    assert "1669/NQ-UBTVQH15" in lineage
    assert "khoản 28 Điều 1" in lineage
    link = re.search(r'href="(/territory/legal/\d+/#dieu-1-khoan-28)"', lineage)
    assert link, "the legal basis links to its clause in the stored text"

    text = page(link.group(1).split("#")[0])
    clause = re.search(r'<p id="dieu-1-khoan-28"[^>]*>(.*?)</p>', text, re.S)
    assert clause
    assert "Thành Đông" in clause.group(1)


def test_a_divided_unit_shows_where_each_part_went_with_its_shares(territory):
    html = page("/territory/units/10528/", on=BEFORE)  # Phường Trần Phú (Hải Dương)
    lineage = html[html.index('data-testid="unit-lineage"') :]
    assert 'data-role="became"' in lineage
    assert "Phường Lê Thanh Nghị" in lineage
    assert "Phường Tân Hưng" in lineage
    assert "85,0% of the area" in lineage or "85,0% diện tích" in lineage


def test_a_unit_without_geometry_still_has_a_card(territory):
    html = page("/territory/units/01/", on=AFTER)
    assert "Thành phố Hà Nội" in html
    assert 'data-testid="unit-lineage"' in html


def test_the_card_is_also_an_htmx_partial(territory):
    response = Client().get("/territory/units/10507/", {"on": AFTER}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert 'data-testid="unit-card"' in html
    assert "Phường Thành Đông" in html


def test_an_unknown_code_is_not_found(territory):
    assert Client().get("/territory/units/99999/", {"on": AFTER}).status_code == 404


def test_two_dates_are_compared_side_by_side_with_shared_classes(territory):
    html = page("/territory/compare/", left=BEFORE, right=AFTER)
    assert html.count("data-territory-map") == 2
    breaks = re.findall(r'data-breaks="([^"]*)"', html)
    assert len(breaks) == 2
    assert breaks[0] == breaks[1]
    assert "data-sync-maps" in html


def test_everyone_sees_the_map_in_the_navigation(territory):
    html = page("/")
    assert 'data-nav="territory"' in html


def test_base_tiles_are_off_unless_a_tile_url_is_set(territory, settings):
    assert 'data-tile-url=""' in page("/territory/", on=AFTER)
    settings.TILE_URL = "https://{s}.tile.example.org/{z}/{x}/{y}.png"
    assert 'data-tile-url="https://{s}.tile.example.org/{z}/{x}/{y}.png"' in page("/territory/")
    assert tile_origin(settings.TILE_URL) == "https://*.tile.example.org"
    assert tile_origin("not a url") == ""


def test_quantile_classes_hold_about_the_same_number_of_values():
    values = [float(v) for v in range(1, 11)]
    breaks = quantile_breaks(values, 5)
    assert breaks == [2.0, 4.0, 6.0, 8.0, 10.0]
    assert [band_of(v, breaks) for v in (1, 2, 3, 10)] == [0, 0, 1, 4]
    assert quantile_breaks([5.0, 5.0, 5.0]) == [5.0]
    assert band_of(None, breaks) is None


def test_a_clause_becomes_an_anchor_in_the_stored_text():
    assert clause_anchor("khoản 28 Điều 1") == "dieu-1-khoan-28"
    assert clause_anchor("Điều 1") == "dieu-1"
    assert clause_anchor("") == ""
