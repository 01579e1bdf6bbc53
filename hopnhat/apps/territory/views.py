"""Public map pages and unit cards: unit data is public information, so none needs a login."""

from __future__ import annotations

import datetime
import html
import json
import math
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.conf import settings
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hopnhat.apps.territory.importers import DATA_DIR
from hopnhat.apps.territory.models import (
    NEW_VINTAGE_START,
    OLD_VINTAGE_END,
    ChangeEvent,
    LegalDocument,
    Level,
    LineageEdge,
    PopulationFigure,
    Unit,
    UnitQuerySet,
    timeline,
)

METRICS = {
    "population": gettext_lazy("Population"),
    "area": gettext_lazy("Area (km²)"),
    "density": gettext_lazy("Density (people/km²)"),
}
CLASS_COUNT = 5
# The unit list is the keyboard alternative to the map; past this many rows, it asks to narrow.
LIST_LIMIT = 600
QUICK_DATES = (
    (OLD_VINTAGE_END, gettext_lazy("Before the arrangement")),
    (NEW_VINTAGE_START, gettext_lazy("After the arrangement")),
)


# Filters -----------------------------------------------------------------------------------


def parse_day(text: str | None) -> datetime.date | None:
    text = (text or "").strip()
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


def mapped_province_codes(day: datetime.date) -> list[str]:
    """The provinces drawn with polygons on that day: the default view of the map."""
    provinces = Unit.objects.on(day).filter(level=Level.PROVINCE).exclude(geometry_simplified="")
    return sorted(provinces.values_list("code", flat=True))


MAPPED = "mapped"  # the province choice "the provinces drawn with polygons on that day"


@dataclass(frozen=True)
class MapFilters:
    day: datetime.date
    level: str
    choice: str  # "mapped", "" (the whole country) or comma-separated province codes
    province: str  # the choice resolved to province codes on that day; "" is the whole country
    metric: str
    q: str

    @classmethod
    def from_query(cls, query: QueryDict, *, day_param: str = "on") -> MapFilters:
        day = parse_day(query.get(day_param)) or timezone.localdate()
        level = query.get("level", Level.COMMUNE)
        metric = query.get("metric", "population")
        choice = query.get("province", MAPPED)
        if choice != MAPPED:
            choice = ",".join(code for code in choice.split(",") if code.isdigit())[:200]
        province = ",".join(mapped_province_codes(day)) if choice == MAPPED else choice
        return cls(
            day=day,
            level=level if level in Level.values else Level.COMMUNE,
            choice=choice,
            province=province,
            metric=metric if metric in METRICS else "population",
            q=query.get("q", "").strip()[:200],
        )

    def units(self) -> UnitQuerySet:
        units = Unit.objects.on(self.day).at_level(self.level)
        if self.province:
            units = units.filter(province_code__in=self.province.split(","))
        return units

    def params(self, **changes: str) -> str:
        values = {
            "on": self.day.isoformat(),
            "level": self.level,
            "province": self.choice,
            "metric": self.metric,
            "q": self.q,
        }
        values.update(changes)
        return urlencode({k: v for k, v in values.items() if v or k == "province"})

    def geojson_url(self) -> str:
        query = {"on": self.day.isoformat(), "level": self.level}
        if self.province:
            query["province"] = self.province
        return "/api/v1/units.geojson?" + urlencode(query)


# Choropleth --------------------------------------------------------------------------------


@dataclass
class UnitRow:
    unit: Unit
    population: PopulationFigure | None
    value: float | None = None
    band: int | None = None

    @property
    def density(self) -> float | None:
        return density_of(self.population.value if self.population else None, self.unit.area_km2)


def density_of(population: int | None, area_km2: float | None) -> float | None:
    if population is None or not area_km2:
        return None
    return population / area_km2


def metric_value(metric: str, population: int | None, area_km2: float | None) -> float | None:
    if metric == "population":
        return float(population) if population is not None else None
    if metric == "area":
        return area_km2
    return density_of(population, area_km2)


def quantile_breaks(values: Iterable[float], classes: int = CLASS_COUNT) -> list[float]:
    """Upper bounds of up to `classes` quantile classes; equal bounds collapse into one class."""
    ordered = sorted(values)
    if not ordered:
        return []
    breaks: list[float] = []
    for index in range(1, classes + 1):
        bound = ordered[math.ceil(index * len(ordered) / classes) - 1]
        if not breaks or bound > breaks[-1]:
            breaks.append(bound)
    return breaks


def band_of(value: float | None, breaks: Sequence[float]) -> int | None:
    # map.js applies the same rule to the GeoJSON properties: keep both in step.
    if value is None:
        return None
    for index, bound in enumerate(breaks):
        if value <= bound:
            return index
    return len(breaks) - 1 if breaks else None


@dataclass(frozen=True)
class LegendClass:
    band: int
    lower: float
    upper: float
    count: int


def legend(rows: Sequence[UnitRow], breaks: Sequence[float]) -> list[LegendClass]:
    values = [row.value for row in rows if row.value is not None]
    classes = []
    for band, upper in enumerate(breaks):
        members = [v for v in values if band_of(v, breaks) == band]
        lower = min(members) if members else upper
        classes.append(LegendClass(band=band, lower=lower, upper=upper, count=len(members)))
    return classes


def unit_rows(units: QuerySet[Unit], metric: str) -> list[UnitRow]:
    rows = []
    listed = (
        units.select_related(None)
        .prefetch_related("population_figures")
        .defer("geometry", "geometry_simplified")
        .order_by("province_code", "name", "code")
    )
    for unit in listed:
        population = unit.headline_population()
        row = UnitRow(unit=unit, population=population)
        row.value = metric_value(metric, population.value if population else None, unit.area_km2)
        rows.append(row)
    return rows


def classify(rows: Sequence[UnitRow], breaks: Sequence[float]) -> None:
    for row in rows:
        row.band = band_of(row.value, breaks)


# Map page ----------------------------------------------------------------------------------


def _provinces_on(day: datetime.date) -> list[Unit]:
    return list(
        Unit.objects.on(day)
        .filter(level=Level.PROVINCE)
        .only("code", "name", "full_name")
        .order_by("name")
    )


def province_choices(filters: MapFilters) -> list[tuple[str, str]]:
    provinces = _provinces_on(filters.day)
    names = {p.code: p.name for p in provinces}
    mapped = " + ".join(names[code] for code in mapped_province_codes(filters.day))
    choices = [
        (MAPPED, _("Provinces with maps (%(names)s)") % {"names": mapped or "—"}),
        ("", _("All provinces")),
    ]
    choices += [(p.code, p.full_name) for p in provinces]
    if filters.choice not in dict(choices):
        selected = " + ".join(names.get(code, code) for code in filters.choice.split(","))
        choices.append((filters.choice, selected))
    return choices


def map_data(
    filters: MapFilters,
    *,
    rows: list[UnitRow] | None = None,
    breaks: Sequence[float] | None = None,
) -> dict[str, object]:
    units = filters.units()
    if rows is None:
        rows = unit_rows(units, filters.metric)
    if breaks is None:
        breaks = quantile_breaks(row.value for row in rows if row.value is not None)
    classify(rows, breaks)
    return {
        "filters": filters,
        "rows": rows,
        "breaks": list(breaks),
        "legend": legend(rows, breaks),
        "no_data_count": sum(1 for row in rows if row.value is None),
        "mapped_count": units.exclude(geometry_simplified="").count(),
        "geojson_url": filters.geojson_url(),
        "breaks_json": json.dumps(list(breaks)),
        "card_url": reverse("territory:unit", args=["__code__"])
        + "?"
        + urlencode({"on": filters.day.isoformat(), "level": filters.level}),
    }


def map_settings() -> dict[str, str]:
    return {
        "tile_url": settings.TILE_URL,
        "tile_attribution": settings.TILE_ATTRIBUTION,
    }


def map_page(request: HttpRequest) -> HttpResponse:
    filters = MapFilters.from_query(request.GET)
    data = map_data(filters)
    rows: list[UnitRow] = data["rows"]  # type: ignore[assignment]
    matches = rows
    if filters.q:
        codes = set(filters.units().matching(filters.q).values_list("pk", flat=True))
        matches = [row for row in rows if row.unit.pk in codes]
    context = {
        **data,
        **map_settings(),
        "listed": matches[:LIST_LIMIT],
        "match_count": len(matches),
        "list_limit": LIST_LIMIT,
        "province_choices": province_choices(filters),
        "levels": Level.choices,
        "metrics": list(METRICS.items()),
        "quick_dates": [
            (day, label, reverse("territory:map") + "?" + filters.params(on=day.isoformat()))
            for day, label in QUICK_DATES
        ],
        "highlight_json": json.dumps([row.unit.code for row in matches] if filters.q else []),
        "metric_label": METRICS[filters.metric],
        "clear_search_url": reverse("territory:map") + "?" + filters.params(q=""),
        "compare_url": reverse("territory:compare")
        + "?"
        + urlencode({"level": filters.level, "metric": filters.metric}),
    }
    return render(request, "territory/map.html", context)


# Compare page ------------------------------------------------------------------------------


def compare_page(request: HttpRequest) -> HttpResponse:
    left_day = parse_day(request.GET.get("left")) or OLD_VINTAGE_END
    right_day = parse_day(request.GET.get("right")) or NEW_VINTAGE_START
    base = request.GET.copy()
    # Density by default: population and area change scale with the merger, density does not.
    base.setdefault("metric", "density")
    sides = []
    for day in (left_day, right_day):
        base["on"] = day.isoformat()
        base.pop("province", None)  # each date shows its own mapped provinces
        sides.append(MapFilters.from_query(base))
    side_rows = [unit_rows(filters.units(), filters.metric) for filters in sides]
    # One set of classes for both dates, so that a colour means the same on either side.
    breaks = quantile_breaks(
        row.value for rows in side_rows for row in rows if row.value is not None
    )
    context = {
        "sides": [
            {**map_data(filters, rows=rows, breaks=breaks), "map_id": map_id}
            for filters, rows, map_id in zip(
                sides, side_rows, ("compare-left-map", "compare-right-map"), strict=True
            )
        ],
        "left": left_day,
        "right": right_day,
        "level": sides[0].level,
        "metric": sides[0].metric,
        "levels": Level.choices,
        "metrics": list(METRICS.items()),
        "metric_label": METRICS[sides[0].metric],
        **map_settings(),
    }
    return render(request, "territory/compare.html", context)


# Unit card ---------------------------------------------------------------------------------


def unit_for_code(code: str, *, on: datetime.date | None, level: str | None) -> Unit:
    units = Unit.objects.select_related("parent").prefetch_related("population_figures")
    if level in Level.values:
        units = units.filter(level=level)
    unit = units.holding_code(code, on=on) if on else None
    if unit is None and on is None:
        # Without a date: the current holder, else the last one.
        unit = units.holding_code(code, on=timezone.localdate()) or (
            units.filter(code=code).order_by("-valid_to").first()
        )
    if unit is None:
        raise Http404(
            _("No administrative unit has the code %(code)s on that date.") % {"code": code}
        )
    return unit


def card_day(unit: Unit) -> datetime.date | None:
    """The date on which to open a unit's card: its last day, else its first."""
    return unit.valid_to or unit.valid_from


def unit_url(unit: Unit) -> str:
    url = reverse("territory:unit", args=[unit.code])
    query = {"level": unit.level}
    day = card_day(unit)
    if day:
        query["on"] = day.isoformat()
    return url + "?" + urlencode(query)


def clause_anchor(clause: str) -> str:
    """ "khoản 28 Điều 1" -> "dieu-1-khoan-28"; "Điều 1" -> "dieu-1"; anything else -> ""."""
    clause = unicodedata.normalize("NFC", clause)
    article = re.search(r"Điều\s+(\d+)", clause)
    if not article:
        return ""
    paragraph = re.search(r"khoản\s+(\d+)", clause)
    anchor = f"dieu-{article.group(1)}"
    return f"{anchor}-khoan-{paragraph.group(1)}" if paragraph else anchor


@dataclass(frozen=True)
class LegalBasis:
    document: LegalDocument
    clause: str
    url: str | None


def legal_basis(event: ChangeEvent) -> LegalBasis | None:
    document = event.legal_document
    if document is None:
        return None
    url = None
    if document.text_file:
        url = reverse("territory:legal", args=[document.pk])
        anchor = clause_anchor(event.clause)
        url += f"#{anchor}" if anchor else ""
    return LegalBasis(document=document, clause=event.clause, url=url)


@dataclass(frozen=True)
class LineageLink:
    other: Unit | None  # None: the unit ended without a successor at its level
    edge: LineageEdge
    url: str | None

    @property
    def area_percent(self) -> float | None:
        share = self.edge.area_share
        return None if share is None else share * 100

    @property
    def population_percent(self) -> float | None:
        share = self.edge.population_share
        return None if share is None else share * 100


@dataclass(frozen=True)
class LineageEntry:
    role: str
    event: ChangeEvent
    basis: LegalBasis | None
    links: list[LineageLink] = field(default_factory=list)


def lineage(unit: Unit) -> list[LineageEntry]:
    entries = []
    for entry in timeline(unit):
        links = []
        for edge in entry.edges:
            other = edge.old_unit if entry.role == "formed" else edge.new_unit
            links.append(
                LineageLink(other=other, edge=edge, url=unit_url(other) if other else None)
            )
        entries.append(
            LineageEntry(
                role=entry.role, event=entry.event, basis=legal_basis(entry.event), links=links
            )
        )
    return entries


FACTORS = (
    "is_island",
    "has_land_border",
    "is_highland",
    "is_red_river_delta",
    "is_coastal_disadvantaged",
)


def known_factors(unit: Unit) -> list[tuple[str, bool]]:
    return [
        (str(getattr(Unit._meta.get_field(name), "verbose_name", name)), value)
        for name in FACTORS
        if (value := getattr(unit, name)) is not None
    ]


def unit_card(request: HttpRequest, code: str) -> HttpResponse:
    day = parse_day(request.GET.get("on"))
    unit = unit_for_code(code, on=day, level=request.GET.get("level"))
    populations = sorted(unit.population_figures.all(), key=lambda f: f.reference_date)
    headline = unit.headline_population()
    context = {
        "unit": unit,
        "day": day,
        "populations": populations,
        "density": density_of(headline.value if headline else None, unit.area_km2),
        "headline": headline,
        "factors": known_factors(unit),
        "lineage": lineage(unit),
        "parent_url": unit_url(unit.parent) if unit.parent else None,
        "map_url": reverse("territory:map")
        + "?"
        + urlencode(
            {"on": (day or card_day(unit) or timezone.localdate()).isoformat(), "level": unit.level}
        ),
        "self_url": unit_url(unit),
    }
    if request.headers.get("HX-Request") == "true":
        return render(request, "territory/_unit_card.html", {**context, "partial": True})
    return render(request, "territory/unit.html", context)


# Legal texts -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Block:
    html: SafeString
    anchor: str = ""
    kind: str = "p"  # "p", "heading" or "pre"


_ARTICLE = re.compile(r"^\**Điều\s+(\d+)\.")
_PARAGRAPH = re.compile(r"^(\d+)\\?\.(?!\d)")
_ESCAPE = re.compile(r"\\([-\\.*_\[\]()#+!`'\"])")


def _inline(text: str) -> SafeString:
    escaped = html.escape(_ESCAPE.sub(r"\1", text).replace("\\\n", "\n"), quote=False)
    escaped = re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", escaped, flags=re.S)
    escaped = re.sub(r"\*(.+?)\*", r"<em>\1</em>", escaped, flags=re.S)
    return mark_safe(escaped.replace("\n", " "))  # noqa: S308 -- escaped above


def legal_blocks(text: str) -> list[Block]:
    """The pandoc Markdown of a resolution as paragraphs, anchored at each article and clause."""
    blocks = []
    article = ""
    table: list[str] = []
    # Some of the stored texts are in decomposed Unicode (NFD).
    for chunk in re.split(r"\n\s*\n", unicodedata.normalize("NFC", text)):
        first = chunk.strip()
        if table or first.startswith("---"):
            # A pandoc table (the letterhead) runs from one dashed rule to the next.
            table.append(chunk.strip("\n"))
            rules = [ln for ln in "\n".join(table).splitlines() if ln.strip().startswith("---")]
            if len(rules) > 1 and chunk.strip().splitlines()[-1].strip().startswith("---"):
                plain = _ESCAPE.sub(r"\1", "\n\n".join(table)).replace("**", "")
                blocks.append(Block(html=escape(plain.replace("\\\n", "\n")), kind="pre"))
                table = []
            continue
        if not first or first == "** **":
            continue
        if found := _ARTICLE.match(first):
            article = found.group(1)
            blocks.append(Block(html=_inline(first), anchor=f"dieu-{article}", kind="heading"))
            continue
        anchor = ""
        if article and (found := _PARAGRAPH.match(first)):
            anchor = f"dieu-{article}-khoan-{found.group(1)}"
        blocks.append(Block(html=_inline(first), anchor=anchor))
    if table:
        blocks.append(Block(html=escape("\n\n".join(table)), kind="pre"))
    return blocks


def legal_document(request: HttpRequest, document_id: int) -> HttpResponse:
    document = LegalDocument.objects.filter(pk=document_id).exclude(text_file="").first()
    if document is None:
        raise Http404(_("This legal document has no stored text."))
    text = (DATA_DIR / document.text_file).read_text(encoding="utf-8")
    context = {
        "document": document,
        "blocks": legal_blocks(text),
        "raw_url": f"/api/v1/legal-documents/{document.pk}/text",
    }
    return render(request, "territory/legal.html", context)
