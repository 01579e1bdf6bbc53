"""Registry rows -> the address engine's gazetteer on a date, cached per process.

The gazetteer is rebuilt when the date changes or the registry does (a newly enacted plan adds
units, events and edges), so an address converts to whatever is valid on the date asked for.
"""

from __future__ import annotations

import datetime
import gc
import threading
from collections import defaultdict
from collections.abc import Iterator, Mapping
from typing import Any

import shapely
from django.db.models import Count, Max, Q

from hopnhat.apps.address.models import SubUnitMapping
from hopnhat.apps.audit.models import AuditRecord
from hopnhat.apps.territory.models import ChangeEvent, Level, LineageEdge, Relation, Unit
from hopnhat.engine.address import Gazetteer, Index, Place, SubUnit, Successor, build_index

_LOCK = threading.Lock()
_CACHE: dict[tuple[Any, ...], Index] = {}
_KEEP = 4  # dates held at once


def index_on(day: datetime.date) -> Index:
    """The engine's indexes for `day`, built once per process and registry state."""
    key = (day, *registry_stamp())
    with _LOCK:
        found = _CACHE.get(key)
        if found is not None:
            return found
    index = build_index(gazetteer_on(day))
    # The index is large, long-lived and never changes: out of the cyclic collector's sight,
    # it is not rescanned at every full collection (a third of the time of a bulk run).
    gc.collect()
    gc.freeze()
    with _LOCK:
        while len(_CACHE) >= _KEEP:
            _CACHE.pop(next(iter(_CACHE)))
        _CACHE[key] = index
    return index


def clear_cache() -> None:
    with _LOCK:
        _CACHE.clear()


def registry_stamp() -> tuple[Any, ...]:
    """Changes whenever units, events, lineage or sub-units are added, removed or reloaded."""
    units = Unit.objects.aggregate(n=Count("pk"), last=Max("pk"))
    events = ChangeEvent.objects.aggregate(n=Count("pk"), last=Max("pk"))
    edges = LineageEdge.objects.aggregate(n=Count("pk"), last=Max("pk"))
    subs = SubUnitMapping.objects.aggregate(n=Count("pk"), last=Max("updated_at"))
    # A reload that edits rows in place leaves counts alone but writes an audit record.
    loads = AuditRecord.objects.filter(action__startswith="territory.").aggregate(last=Max("seq"))
    return (
        units["n"], units["last"], events["n"], events["last"], edges["n"], edges["last"],
        subs["n"], subs["last"], loads["last"],
    )  # fmt: skip


def gazetteer_on(day: datetime.date) -> Gazetteer:
    current = Unit.objects.on(day)
    old = Unit.objects.filter(valid_to__lt=day)
    fields = ("pk", "code", "level", "unit_type", "name", "full_name", "parent_id")
    places: list[Place] = []
    current_keys: set[int] = set()
    old_tier: list[int] = []
    for is_current, units in ((True, current), (False, old)):
        for pk, code, level, unit_type, name, full_name, parent, tier in units.values_list(
            *fields, "is_commune_tier"
        ):
            places.append(
                Place(
                    key=pk,
                    code=code,
                    level=level,
                    unit_type=unit_type,
                    name=name,
                    full_name=full_name,
                    parent=parent,
                    current=is_current,
                    commune_tier=tier,
                )
            )
            if is_current:
                current_keys.add(pk)
            elif tier:
                old_tier.append(pk)
    return Gazetteer(
        places=places,
        successors=_successors(old_tier, current_keys),
        sub_units=_sub_units(day, places),
        polygons=LazyPolygons(day),
    )


def _successors(old_keys: list[int], current: set[int]) -> dict[int, list[Successor]]:
    """Each old unit -> the units valid on the day that carry its territory, through every
    intermediate vintage: whole only if every step was whole."""
    steps: dict[int, list[tuple[int, bool, str, str]]] = defaultdict(list)
    rows = LineageEdge.objects.exclude(new_unit=None).values_list(
        "old_unit_id",
        "new_unit_id",
        "relation",
        "note",
        "event__legal_document__number",
        "event__clause",
    )
    for old, new, relation, note, number, clause in rows:
        basis = ", ".join(part for part in (number or "", clause) if part)
        steps[old].append((new, relation == Relation.WHOLE, note, basis))
    result: dict[int, list[Successor]] = {}
    for key in old_keys:
        found: dict[int, Successor] = {}
        stack = [(key, True, "", "")]
        seen = {key}
        while stack:
            unit, whole, _note, _basis = stack.pop()
            for new, step_whole, note, basis in steps.get(unit, ()):
                if new in seen:
                    continue
                seen.add(new)
                if new in current:
                    found[new] = Successor(
                        key=new, whole=whole and step_whole, wording=note, legal_basis=basis
                    )
                else:
                    stack.append((new, whole and step_whole, note, basis))
        result[key] = sorted(found.values(), key=lambda s: str(s.key))
    return result


def _sub_units(day: datetime.date, places: list[Place]) -> list[SubUnit]:
    old_by_code: dict[str, list[Any]] = defaultdict(list)
    new_by_code: dict[str, Any] = {}
    for place in places:
        if place.level == Level.COMMUNE or place.commune_tier:
            if place.current:
                new_by_code[place.code] = place.key
            else:
                old_by_code[place.code].append(place.key)
    found = []
    for old_code, name, new_code in SubUnitMapping.objects.values_list(
        "old_commune_code", "sub_unit_name", "new_unit_code"
    ):
        new_key = new_by_code.get(new_code)
        if new_key is None:
            continue
        for old_key in old_by_code.get(old_code, ()):
            found.append(SubUnit(old_key=old_key, name=name, new_key=new_key))
    return found


class LazyPolygons(Mapping[int, Any]):
    """Current unit key -> its polygon, parsed on first use (only divided communes need it)."""

    def __init__(self, day: datetime.date) -> None:
        self.day = day
        self._keys: set[int] | None = None
        self._shapes: dict[int, Any] = {}

    def _known(self) -> set[int]:
        if self._keys is None:
            units = Unit.objects.on(self.day).filter(Q(is_commune_tier=True)).exclude(geometry="")
            self._keys = set(units.values_list("pk", flat=True))
        return self._keys

    def __getitem__(self, key: int) -> Any:
        if key not in self._known():
            raise KeyError(key)
        if key not in self._shapes:
            text = Unit.objects.values_list("geometry", flat=True).get(pk=key)
            shape = shapely.from_geojson(text)
            shapely.prepare(shape)
            self._shapes[key] = shape
        return self._shapes[key]

    def __iter__(self) -> Iterator[int]:
        return iter(self._known())

    def __len__(self) -> int:
        return len(self._known())
