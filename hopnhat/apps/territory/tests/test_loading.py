import csv
import datetime
from collections import Counter, defaultdict

import pytest
from django.db.models import Sum

from hopnhat.apps.audit.models import AuditRecord
from hopnhat.apps.territory import importers
from hopnhat.apps.territory.actions import load_territory
from hopnhat.apps.territory.models import (
    ChangeEvent,
    PopulationFigure,
    PopulationKind,
    Relation,
    Unit,
    predecessors,
    successors,
    timeline,
)

pytestmark = pytest.mark.django_db

BEFORE = datetime.date(2025, 6, 30)
AFTER = datetime.date(2025, 7, 1)


def unit(code: str, on: datetime.date) -> Unit:
    found = Unit.objects.holding_code(code, on=on)
    assert found is not None, code
    return found


def test_on_30_june_2025_hai_duong_and_hai_phong_have_375_commune_level_units(territory):
    units = Unit.objects.on(BEFORE).at_level("commune").filter(province_code__in=["30", "31"])
    assert units.count() == 375
    assert Counter(units.values_list("province_code", flat=True)) == {"30": 207, "31": 168}
    assert units.filter(level="district", code="318").exists()  # Bạch Long Vĩ, no communes
    census = PopulationFigure.objects.filter(unit__in=units, kind=PopulationKind.CENSUS_2019)
    assert census.aggregate(total=Sum("value"))["total"] == 3_920_768
    assert not units.filter(geometry="").exists()


def test_old_provinces_and_districts_of_the_merger_are_loaded(territory):
    districts = Unit.objects.on(BEFORE).filter(level="district", province_code__in=["30", "31"])
    assert districts.count() == 27
    provinces = Unit.objects.on(BEFORE).at_level("province").filter(code__in=["30", "31"])
    assert sorted(provinces.values_list("full_name", flat=True)) == [
        "Thành phố Hải Phòng",
        "Tỉnh Hải Dương",
    ]


def test_on_1_july_2025_hai_phong_has_114_units_with_official_figures(territory):
    units = Unit.objects.on(AFTER).at_level("commune").in_province("31")
    assert units.count() == 114
    assert Counter(units.values_list("unit_type", flat=True)) == {
        "phuong": 45,
        "xa": 67,
        "dac_khu": 2,
    }
    assert round(units.aggregate(total=Sum("area_km2"))["total"], 2) == 3194.73
    official = PopulationFigure.objects.filter(
        unit__in=units, kind=PopulationKind.OFFICIAL_2024_12_31
    )
    assert official.aggregate(total=Sum("value"))["total"] == 4_664_124
    assert not units.filter(geometry_simplified="").exists()
    assert set(units.filter(is_island=True).values_list("full_name", flat=True)) == {
        "Đặc khu Cát Hải",
        "Đặc khu Bạch Long Vĩ",
    }
    assert not units.exclude(is_red_river_delta=True).exists()


def test_every_new_hai_phong_unit_has_the_predecessors_of_nq_1669(territory):
    expected: dict[str, set[str]] = defaultdict(set)
    with importers.open_data(importers.HP_HD_CROSSWALK) as handle:
        for row in csv.DictReader(handle):
            expected[row["new_code"]].add(row["old_code"] or row["old_district_code"])
    for new in Unit.objects.on(AFTER).at_level("commune").in_province("31"):
        assert {u.code for u in predecessors(new)} == expected[new.code], new
        event = new.predecessor_edges.get().event if new.predecessor_edges.count() == 1 else None
        clauses = {e.event.clause for e in new.predecessor_edges.select_related("event")}
        assert len(clauses) == 1, new
        assert next(iter(clauses)).endswith("Điều 1"), new
        assert event is None or event.legal_document.number == "1669/NQ-UBTVQH15"
    old = Unit.objects.on(BEFORE).at_level("commune").filter(province_code__in=["30", "31"])
    divided = [u for u in old if u.successor_edges.filter(relation=Relation.PART).exists()]
    assert len(divided) == 71
    assert all(len(successors(u)) > 1 for u in divided)


def test_hai_phong_clauses_follow_the_resolution(territory):
    def clause(code: str) -> str:
        return unit(code, AFTER).predecessor_edges.select_related("event").first().event.clause

    assert clause("11914") == "khoản 113 Điều 1"  # Đặc khu Cát Hải
    assert clause("11948") == "khoản 114 Điều 1"  # Đặc khu Bạch Long Vĩ


def test_shares_of_a_divided_unit_come_from_the_crosswalk(territory):
    edges = unit("10528", BEFORE).successor_edges.order_by("new_unit__code")  # Trần Phú
    assert [(e.new_unit.code, e.area_share, e.population_share) for e in edges] == [
        ("10532", 0.8496, 0.8539),
        ("10537", 0.1453, 0.1461),
    ]


def test_nationwide_there_are_34_provinces_and_3321_new_units(territory):
    assert Unit.objects.on(AFTER).at_level("province").count() == 34
    assert Unit.objects.on(AFTER).at_level("commune").count() == 3321
    assert Unit.objects.on(BEFORE).at_level("province").count() == 63
    assert Unit.objects.on(AFTER).filter(level="district").count() == 0


def test_every_old_unit_of_the_nso_table_has_successors(territory):
    table = importers.read_nso_table()
    old_codes = {row.old_code for row in table.rows if row.old_code}
    old_units = Unit.objects.on(BEFORE).filter(level="commune", code__in=old_codes)
    assert old_units.count() == len(old_codes)
    without = old_units.exclude(successor_edges__new_unit__isnull=False)
    assert list(without) == []


def test_the_two_hoa_binh_communes_keep_their_own_successors(territory):
    kim_thanh = unit("10798", BEFORE)
    assert [u.full_name for u in successors(kim_thanh)] == ["Xã Kim Thành", "Xã Hà Nam"]
    vinh_bao = unit("11890", BEFORE)
    assert [u.full_name for u in successors(vinh_bao)] == ["Xã Nguyễn Bỉnh Khiêm"]


def test_a_code_names_different_units_before_and_after_the_merger(territory):
    assert unit("10507", BEFORE).full_name == "Phường Cẩm Thượng"
    assert unit("10507", AFTER).full_name == "Phường Thành Đông"
    assert [u.full_name for u in successors(unit("10507", BEFORE), on=AFTER)] == [
        "Phường Thành Đông"
    ]
    assert [u.full_name for u in predecessors(unit("30", AFTER - datetime.timedelta(days=1)))] == []
    assert [u.full_name for u in successors(unit("30", BEFORE))] == ["Thành phố Hải Phòng"]


def test_timeline_shows_how_a_unit_was_formed_and_on_what_legal_basis(territory):
    entries = timeline(unit("10507", AFTER))
    assert [(e.role, e.event.kind) for e in entries] == [("formed", "merge")]
    assert entries[0].event.legal_document.text_file == "legal/NQ1669-2025-UBTVQH15.md"
    assert sorted(edge.old_unit.code for edge in entries[0].edges) == [
        "10507",
        "10510",
        "10519",
        "10663",
    ]
    district = timeline(unit("288", BEFORE))
    assert [(e.role, e.event.kind) for e in district] == [("became", "dissolve")]


def test_loading_again_changes_nothing_and_is_audited_once_per_run(territory):
    units, events = Unit.objects.count(), ChangeEvent.objects.count()
    runs = AuditRecord.objects.filter(action="territory.load").count()
    counts = load_territory(actor=None)
    assert counts["units_created"] == counts["units_updated"] == counts["edges_written"] == 0
    assert (Unit.objects.count(), ChangeEvent.objects.count()) == (units, events)
    assert AuditRecord.objects.filter(action="territory.load").count() == runs + 1
