"""Administrative units across time, their figures and their lineage.

Identity is (level, code, valid_from), never the code alone: QĐ 19/2025/QĐ-TTg lets a new
commune keep the code of one of the old communes it absorbed, so "10507" names one ward until
30/6/2025 and a different, larger one from 1/7/2025.
"""

from __future__ import annotations

import datetime
from collections import deque
from dataclasses import dataclass

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from hopnhat.engine.text import fold


class Level(models.TextChoices):
    PROVINCE = "province", _("Province level")
    DISTRICT = "district", _("District level")
    COMMUNE = "commune", _("Commune level")


class UnitType(models.TextChoices):
    TINH = "tinh", _("Province (tỉnh)")
    THANH_PHO_TW = "thanh_pho_tw", _("Centrally-run city (thành phố trực thuộc trung ương)")
    QUAN = "quan", _("Urban district (quận)")
    HUYEN = "huyen", _("Rural district (huyện)")
    THI_XA = "thi_xa", _("Town (thị xã)")
    THANH_PHO_THUOC_TINH = "thanh_pho_thuoc_tinh", _("Provincial city (thành phố thuộc tỉnh)")
    THANH_PHO_THUOC_TP = (
        "thanh_pho_thuoc_tp",
        _("City within a centrally-run city (thành phố thuộc thành phố trực thuộc trung ương)"),
    )
    PHUONG = "phuong", _("Ward (phường)")
    XA = "xa", _("Commune (xã)")
    THI_TRAN = "thi_tran", _("Township (thị trấn)")
    DAC_KHU = "dac_khu", _("Special zone (đặc khu)")


class PopulationKind(models.TextChoices):
    CENSUS_2019 = "census_2019", _("2019 census (1/4/2019)")
    CENSUS_2019_REAGGREGATED = (
        "census_2019_reaggregated",
        _("2019 census re-aggregated to the unit (estimate)"),
    )
    OFFICIAL_2024_12_31 = (
        "official_2024_12_31",
        _("Official population scale (quy mô dân số) at 31/12/2024"),
    )


class EventKind(models.TextChoices):
    ESTABLISH = "establish", _("Establishment")
    MERGE = "merge", _("Merger")
    SPLIT = "split", _("Split")
    PARTIAL_TRANSFER = "partial_transfer", _("Partial transfer")
    RENAME = "rename", _("Rename")
    CHANGE_TYPE = "change_type", _("Change of type")
    DISSOLVE = "dissolve", _("Dissolution")
    # The 2025 arrangement re-registered a few units unchanged under their new province
    # (NSO note "Giữ nguyên"); they still get a new identity because their parent changed.
    KEEP = "keep", _("Kept unchanged")


class Relation(models.TextChoices):
    WHOLE = "whole", _("Whole")
    PART = "part", _("Part")


# The last day of the old units and the first day of the units formed in 2025
# (NQ 1654–1687/NQ-UBTVQH15, Điều 2 khoản 2: the new units operate from 1/7/2025).
OLD_VINTAGE_END = datetime.date(2025, 6, 30)
NEW_VINTAGE_START = datetime.date(2025, 7, 1)


class UnitQuerySet(models.QuerySet["Unit"]):
    def on(self, day: datetime.date) -> UnitQuerySet:
        return self.filter(
            Q(valid_from__isnull=True) | Q(valid_from__lte=day),
            Q(valid_to__isnull=True) | Q(valid_to__gte=day),
        )

    def at_level(self, level: str) -> UnitQuerySet:
        # Districts without communes (Bạch Long Vĩ, Côn Đảo…) stand at the commune tier.
        if level == Level.COMMUNE:
            return self.filter(is_commune_tier=True)
        return self.filter(level=level)

    def in_province(self, code: str) -> UnitQuerySet:
        return self.filter(province_code=code)

    def matching(self, text: str) -> UnitQuerySet:
        needle = fold(text)
        return self.filter(Q(code=text.strip()) | Q(name_folded__contains=needle))

    def holding_code(self, code: str, *, on: datetime.date) -> Unit | None:
        return self.on(on).filter(code=code).order_by("level").first()


class Unit(models.Model):
    code = models.CharField(_("official code"), max_length=10, db_index=True)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    unit_type = models.CharField(_("type"), max_length=24, choices=UnitType.choices)
    name = models.CharField(_("name"), max_length=120)
    full_name = models.CharField(_("full name"), max_length=160)
    name_folded = models.CharField(max_length=160, editable=False, db_index=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    # The code of the province the unit belongs to during its validity (itself for provinces).
    province_code = models.CharField(_("province code"), max_length=10, db_index=True)
    # Null valid_from: the start is not recorded in the loaded data.
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    is_commune_tier = models.BooleanField(_("commune tier"), default=False)
    area_km2 = models.FloatField(_("area (km²)"), null=True, blank=True)
    area_source = models.CharField(_("area source"), max_length=300, blank=True)
    area_km2_geodesic = models.FloatField(
        _("geodesic area of the polygon (km²)"), null=True, blank=True
    )
    # Special factors (NQ 76/2025/UBTVQH15 Art. 5 and the standards of NQ 1211/2016):
    # None means "not known from the loaded data", never "no".
    is_island = models.BooleanField(_("island"), null=True, blank=True)
    has_land_border = models.BooleanField(_("land border"), null=True, blank=True)
    is_highland = models.BooleanField(_("mountainous / highland"), null=True, blank=True)
    is_red_river_delta = models.BooleanField(_("Red River Delta"), null=True, blank=True)
    ethnic_minority_share = models.FloatField(_("ethnic-minority share"), null=True, blank=True)
    is_coastal_disadvantaged = models.BooleanField(
        _("disadvantaged coastal (bãi ngang)"), null=True, blank=True
    )
    factors_source = models.CharField(
        _("source of the special factors"), max_length=300, blank=True
    )
    geometry = models.TextField(_("geometry (GeoJSON)"), blank=True)
    geometry_simplified = models.TextField(_("simplified geometry (GeoJSON)"), blank=True)
    geometry_source = models.CharField(_("geometry source"), max_length=300, blank=True)
    label_lon = models.FloatField(null=True, blank=True)
    label_lat = models.FloatField(null=True, blank=True)
    source = models.CharField(_("source"), max_length=300, blank=True)

    objects = UnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("administrative unit")
        verbose_name_plural = _("administrative units")
        ordering = ["province_code", "level", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["level", "code", "valid_from"], name="territory_unit_code_vintage"
            ),
            models.UniqueConstraint(
                fields=["level", "code"],
                condition=Q(valid_from__isnull=True),
                name="territory_unit_code_open_start",
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_to__gte=models.F("valid_from")),
                name="territory_unit_valid_range",
            ),
        ]
        indexes = [models.Index(fields=["province_code", "level", "valid_to"])]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.code})"

    def is_valid_on(self, day: datetime.date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or self.valid_to >= day
        )

    def headline_population(self) -> PopulationFigure | None:
        """The official figure when there is one, else the census."""
        figures = {f.kind: f for f in self.population_figures.all()}
        for kind in (
            PopulationKind.OFFICIAL_2024_12_31,
            PopulationKind.CENSUS_2019,
            PopulationKind.CENSUS_2019_REAGGREGATED,
        ):
            if kind in figures:
                return figures[kind]
        return None


class PopulationFigure(models.Model):
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.CASCADE, related_name="population_figures"
    )
    kind = models.CharField(_("kind"), max_length=32, choices=PopulationKind.choices)
    reference_date = models.DateField(_("reference date"))
    value = models.PositiveIntegerField(_("population"))
    source = models.CharField(_("source"), max_length=300)

    class Meta:
        verbose_name = _("population figure")
        verbose_name_plural = _("population figures")
        constraints = [
            models.UniqueConstraint(fields=["unit", "kind"], name="territory_population_unit_kind")
        ]

    def __str__(self) -> str:
        return f"{self.unit} · {self.get_kind_display()}: {self.value}"


class LegalDocument(models.Model):
    number = models.CharField(_("document number"), max_length=60, unique=True)
    title = models.CharField(_("title"), max_length=300)
    issuer = models.CharField(_("issuer"), max_length=120)
    signed_on = models.DateField(_("date"))
    # The file under hopnhat/data/legal/, when the text is shipped.
    text_file = models.CharField(_("stored text"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("legal document")
        verbose_name_plural = _("legal documents")
        ordering = ["number"]

    def __str__(self) -> str:
        return self.number


class ChangeEvent(models.Model):
    # A natural key ("2025-07-01/commune/10507") makes reloading idempotent.
    key = models.CharField(max_length=80, unique=True, editable=False)
    kind = models.CharField(_("kind"), max_length=20, choices=EventKind.choices)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    effective_on = models.DateField(_("effective date"))
    legal_document = models.ForeignKey(
        LegalDocument,
        verbose_name=_("legal basis"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="events",
    )
    clause = models.CharField(_("clause"), max_length=60, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("change event")
        verbose_name_plural = _("change events")
        ordering = ["effective_on", "key"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.effective_on:%d/%m/%Y}"


class LineageEdge(models.Model):
    event = models.ForeignKey(
        ChangeEvent, verbose_name=_("event"), on_delete=models.CASCADE, related_name="edges"
    )
    old_unit = models.ForeignKey(
        Unit, verbose_name=_("old unit"), on_delete=models.CASCADE, related_name="successor_edges"
    )
    # Null for a dissolution: the old unit has no successor at its level.
    new_unit = models.ForeignKey(
        Unit,
        verbose_name=_("new unit"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="predecessor_edges",
    )
    relation = models.CharField(_("whole or part"), max_length=5, choices=Relation.choices)
    area_share = models.FloatField(_("share of the old unit's area"), null=True, blank=True)
    population_share = models.FloatField(
        _("share of the old unit's population"), null=True, blank=True
    )
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("lineage edge")
        verbose_name_plural = _("lineage edges")
        constraints = [
            models.UniqueConstraint(
                fields=["event", "old_unit", "new_unit"], name="territory_edge_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.old_unit_id} → {self.new_unit_id} ({self.relation})"


# Lineage queries -------------------------------------------------------------------------


def successors(unit: Unit, *, on: datetime.date | None = None) -> list[Unit]:
    """The units that carry the unit's territory on `on` (default: its direct successors)."""
    return _walk(unit, on=on, forward=True)


def predecessors(unit: Unit, *, on: datetime.date | None = None) -> list[Unit]:
    return _walk(unit, on=on, forward=False)


def _walk(unit: Unit, *, on: datetime.date | None, forward: bool) -> list[Unit]:
    found: dict[int, Unit] = {}
    seen = {unit.pk}
    queue = deque([unit])
    while queue:
        current = queue.popleft()
        if forward:
            edges = current.successor_edges.select_related("new_unit").exclude(new_unit=None)
            nexts = [e.new_unit for e in edges if e.new_unit is not None]
        else:
            nexts = [e.old_unit for e in current.predecessor_edges.select_related("old_unit")]
        for nxt in nexts:
            if nxt.pk in seen:
                continue
            seen.add(nxt.pk)
            if on is None or nxt.is_valid_on(on):
                found[nxt.pk] = nxt
            elif _lies_between(nxt, on, forward=forward):
                queue.append(nxt)
    return sorted(found.values(), key=lambda u: u.code)


def _lies_between(unit: Unit, day: datetime.date, *, forward: bool) -> bool:
    # Walk on through intermediate vintages: forward past units that ended before `day`,
    # backward past units that began after it.
    if forward:
        return unit.valid_to is not None and unit.valid_to < day
    return unit.valid_from is not None and unit.valid_from > day


@dataclass(frozen=True)
class TimelineEntry:
    event: ChangeEvent
    role: str  # "formed" (the unit is new in the event) or "became" (the unit is old)
    edges: tuple[LineageEdge, ...]


def timeline(unit: Unit) -> list[TimelineEntry]:
    formed = unit.predecessor_edges.select_related(
        "event__legal_document", "old_unit", "new_unit"
    ).order_by("old_unit__code")
    became = unit.successor_edges.select_related(
        "event__legal_document", "old_unit", "new_unit"
    ).order_by("new_unit__code")
    entries: dict[tuple[int, str], list[LineageEdge]] = {}
    events: dict[int, ChangeEvent] = {}
    for role, edges in (("formed", formed), ("became", became)):
        for edge in edges:
            events[edge.event_id] = edge.event
            entries.setdefault((edge.event_id, role), []).append(edge)
    result = [
        TimelineEntry(event=events[event_id], role=role, edges=tuple(edges))
        for (event_id, role), edges in entries.items()
    ]
    return sorted(result, key=lambda e: (e.event.effective_on, e.role != "formed"))
