"""What conversion needs to know, as plain data, and its in-memory indexes.

A gazetteer holds two kinds of unit: those valid on the conversion date ("current") and those
that ended before it ("old"), each with its parent. Each old commune-level unit lists the
current units that carry its territory (whole or part), with the resolution's wording and
legal basis. Codes are reused across vintages, so units are told apart by `key`, not `code`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from hopnhat.engine.address.text import (
    COMMUNE_TYPES,
    DISTRICT_TYPES,
    PROVINCE_ALIASES,
    PROVINCE_TYPES,
    TYPE_WORDS,
    fold_name,
    type_word_before,
)

PROVINCE, DISTRICT, COMMUNE = "province", "district", "commune"


@dataclass(frozen=True, slots=True)
class Place:
    """One administrative unit of either vintage."""

    key: int | str  # unique across vintages
    code: str
    level: str  # province, district or commune (communeless districts: commune tier, below)
    unit_type: str  # the registry's type: tinh, thanh_pho_tw, quan, huyen, …, phuong, xa, …
    name: str  # without its type: "Trần Hưng Đạo", "4"
    full_name: str  # "Phường Trần Hưng Đạo"
    parent: int | str | None
    current: bool  # valid on the conversion date (else: ended before it)
    # Districts without communes (Bạch Long Vĩ, Côn Đảo…) stand at the commune tier too.
    commune_tier: bool = False


@dataclass(frozen=True, slots=True)
class Successor:
    key: int | str  # a current commune-tier unit
    whole: bool
    wording: str = ""  # the resolution's wording: "Nhập một phần diện tích"
    legal_basis: str = ""  # "1669/NQ-UBTVQH15, khoản 5 Điều 1"


@dataclass(frozen=True, slots=True)
class SubUnit:
    """A thôn, tổ dân phố or street of an old commune, and the current unit it now lies in."""

    old_key: int | str
    name: str
    new_key: int | str


@dataclass
class Gazetteer:
    places: Iterable[Place]
    successors: Mapping[Any, Iterable[Successor]]  # old commune-tier key -> its successors
    sub_units: Iterable[SubUnit] = ()
    # Current unit key -> its polygon (shapely), where known; may load lazily.
    polygons: Mapping[Any, Any] = field(default_factory=dict)


NameIndex = dict[str, list[Place]]


@dataclass
class Index:
    """Dicts keyed by folded names, per parent, built once per gazetteer."""

    by_key: dict[Any, Place]
    provinces: NameIndex  # both vintages, with the common aliases (HCM, Sài Gòn…)
    districts: NameIndex  # nationwide
    communes: NameIndex  # nationwide, the commune tier of both vintages
    children: dict[Any, NameIndex]  # district key -> its commune-tier units by name
    # Province key -> the districts / commune-tier units an address naming it may name: its
    # own, and for a current province those of the old provinces that went into it.
    scope_districts: dict[Any, NameIndex]
    scope_communes: dict[Any, NameIndex]
    province_of: dict[Any, Place]
    successors: dict[Any, tuple[Successor, ...]]
    sub_units: dict[Any, list[tuple[tuple[str, ...], Any]]]  # old key -> (name words, new key)
    polygons: Mapping[Any, Any]
    # Level -> every name and its one-character deletions -> the names (typo look-up).
    deletions: dict[str, dict[str, set[str]]]
    longest: dict[str, int]  # level -> the most words in a name (+1 for a glued name)
    # Current province key -> the old provinces that went into it.
    absorbed: dict[Any, frozenset[Any]] = field(default_factory=dict)
    # Unit key -> its name as written inside an address ("phường Hải Dương").
    forms: dict[Any, str] = field(default_factory=dict)
    # Province and district readings by the last two parts (matching._units_above); None
    # (the default): not cached, the districts of a province are looked up only when needed.
    above: dict[Any, Any] | None = None
    # Readings by the last parts of an address (matching.read), cleared when full; None (the
    # default): no cache. Measured on the varied evaluation set it costs more than it saves
    # (8.9x vs 10.7x the peer), so callers opt in only for registers that repeat their tails.
    memo: dict[Any, Any] | None = None
    # Province key -> the keys of the districts in its scope (scope_districts).
    scope_district_keys: dict[Any, frozenset[Any]] = field(default_factory=dict)
    span_max: int = 0  # the most words a name of any level may span (max of longest)
    # Level -> a whole part of an address written "type word + name" -> (the types the word
    # names, its length in words, the name): the fast path of matching.read.
    typed_parts: dict[str, dict[str, tuple[frozenset[str], int, str]]] = field(default_factory=dict)
    # A province part of typed_parts -> the provinces it names (of the type its word names;
    # of several, those not absorbed by a current one): the fast paths, without the filtering.
    typed_provinces: dict[str, tuple[Place, ...]] = field(default_factory=dict)
    # The typed district parts (typed_parts) in which no span reads as a commune, exactly
    # (matching.communeless_parts): the exact stages of the search are skipped when they
    # cannot find a good enough reading (matching._no_exact_commune).
    communeless_parts: frozenset[str] = frozenset()
    # Level -> the halves of the deletion table's keys (their first halves, their second
    # halves): a name can be within one deletion of a text only if the text begins or ends
    # with one of them (matching._near), which rules most texts out without their deletions.
    halves: dict[str, tuple[frozenset[str], frozenset[str]]] = field(default_factory=dict)
    # The same halves for the names of each pool the matcher guesses typos in (a district's
    # communes, a province's scope), by id() of the pool: a text none of them fits has no near
    # name in the pool, ruled out without its deletions (most misspelt or made-up names have
    # near names somewhere in the country, few within one district).
    # (The pool itself is held with them: while the index lives, no other dict takes its id.)
    pool_halves: dict[int, tuple[NameIndex, frozenset[str], frozenset[str]]] = field(
        default_factory=dict
    )
    # The unit types in each pool (the scoped ones and the nationwide ones), by id() of the
    # pool, held with it: a name typed with a word of another level ("Quận Long Biên" among
    # communes) can only be a unit of that type, which most pools lack (matching._near_hits).
    pool_types: dict[int, tuple[NameIndex, frozenset[str]]] = field(default_factory=dict)
    # Unit key -> what an address converted to it says whatever the address (code, full name,
    # province code and name, the official form of the unit and its province): convert.
    targets: dict[Any, tuple[str, str, str, str, str]] = field(default_factory=dict)
    # Old commune-tier unit key -> its old province code and name, district code and name,
    # own code and name, in the order of the fields of a Conversion: convert.
    old_fields: dict[Any, tuple[str, str, str, str, str, str]] = field(default_factory=dict)


def build_index(gazetteer: Gazetteer) -> Index:
    places = list(gazetteer.places)
    by_key = {place.key: place for place in places}
    provinces: NameIndex = defaultdict(list)
    districts: NameIndex = defaultdict(list)
    communes: NameIndex = defaultdict(list)
    children: dict[Any, NameIndex] = defaultdict(lambda: defaultdict(list))
    own_districts: dict[Any, list[tuple[str, Place]]] = defaultdict(list)
    own_communes: dict[Any, list[tuple[str, Place]]] = defaultdict(list)
    province_of: dict[Any, Place] = {}
    longest = {PROVINCE: 1, DISTRICT: 1, COMMUNE: 1}
    for place in places:
        name = fold_name(place.name)
        level = COMMUNE if place.commune_tier else place.level
        longest[level] = max(longest[level], len(name.split()))
        longest[place.level] = max(longest[place.level], len(name.split()))
        root = _root(place, by_key)
        province_of[place.key] = root
        if place.level == PROVINCE:
            provinces[name].append(place)
            continue
        if place.level == DISTRICT:
            districts[name].append(place)
            own_districts[root.key].append((name, place))
        if place.level == COMMUNE or place.commune_tier:
            communes[name].append(place)
            own_communes[root.key].append((name, place))
            parent = by_key.get(place.parent) if place.parent is not None else None
            if parent is not None and parent.level == DISTRICT:
                children[parent.key][name].append(place)
    for alias, official in PROVINCE_ALIASES.items():
        for place in provinces.get(official, []):
            if place not in provinces[alias]:
                provinces[alias].append(place)
                longest[PROVINCE] = max(longest[PROVINCE], len(alias.split()))
    successors = {key: tuple(found) for key, found in gazetteer.successors.items()}
    went_to = _current_provinces(places, successors, province_of)
    scope_districts = _scopes(places, own_districts, went_to)
    spans = {level: longest[level] + 1 for level in (PROVINCE, DISTRICT, COMMUNE)}
    deletions = {
        PROVINCE: _deletions(provinces),
        DISTRICT: _deletions(districts),
        COMMUNE: _deletions(communes),
    }
    forms = {place.key: official_form(place) for place in places}
    children_index = {key: dict(names) for key, names in children.items()}
    national_provinces, national_districts = dict(provinces), dict(districts)
    national_communes = dict(communes)
    province_parts = _typed_parts(provinces, PROVINCE_TYPES)
    absorbed = _absorbed(went_to)
    scope_communes = _scopes(places, own_communes, went_to)
    index = Index(
        by_key=by_key,
        provinces=national_provinces,
        districts=national_districts,
        communes=national_communes,
        children=children_index,
        scope_districts=scope_districts,
        scope_communes=scope_communes,
        province_of=province_of,
        successors=successors,
        sub_units=_sub_unit_index(gazetteer.sub_units),
        polygons=gazetteer.polygons,
        deletions=deletions,
        longest=spans,
        absorbed=absorbed,
        forms=forms,
        scope_district_keys={
            key: frozenset(place.key for found in names.values() for place in found)
            for key, names in scope_districts.items()
        },
        span_max=max(spans.values()),
        typed_parts={
            PROVINCE: province_parts,
            DISTRICT: _typed_parts(districts, DISTRICT_TYPES),
            COMMUNE: _typed_parts(communes, COMMUNE_TYPES),
        },
        halves={level: _halves(table) for level, table in deletions.items()},
        typed_provinces={
            part: _typed_provinces(provinces[name], types, absorbed)
            for part, (types, _, name) in province_parts.items()
        },
        pool_halves=_pool_halves(
            [*children_index.values(), *scope_communes.values(), *scope_districts.values()]
        ),
        pool_types={
            id(pool): (pool, frozenset(p.unit_type for found in pool.values() for p in found))
            for pool in (
                *children_index.values(),
                *scope_communes.values(),
                *scope_districts.values(),
                national_provinces,
                national_districts,
                national_communes,
            )
        },
        targets={place.key: _target(place, province_of, forms) for place in places},
        old_fields={
            place.key: _old_fields(place, by_key, province_of)
            for place in places
            if place.level == COMMUNE or place.commune_tier
        },
    )
    from hopnhat.engine.address.matching import communeless_parts  # it reads the index

    index.communeless_parts = communeless_parts(index)
    return index


def _halves(deletions: dict[str, set[str]]) -> tuple[frozenset[str], frozenset[str]]:
    """The first halves (`text[:size // 2]`) and second halves (`text[size // 2 - 1:]`) of
    the keys of a deletion table. A text one deletion away from a key (`text` minus its
    letter i) begins with the key's first half when i falls in the second half, and ends with
    its second half otherwise (matching._near)."""
    firsts = {text[: len(text) // 2] for text in deletions}
    seconds = {text[max(0, len(text) // 2 - 1) :] for text in deletions}
    return frozenset(firsts), frozenset(seconds)


def _typed_provinces(
    named: list[Place], types: frozenset[str], absorbed: dict[Any, frozenset[Any]]
) -> tuple[Place, ...]:
    """The provinces a typed province part names: those of a fitting type; of several, those
    no current one among them absorbed ("Thành phố Hà Nội": the current city only)."""
    found = [p for p in named if p.unit_type in types]
    if len(found) > 1:
        covered = {old for p in found if p.current for old in absorbed.get(p.key, ())}
        found = [p for p in found if p.key not in covered]
    return tuple(found)


def _pool_halves(
    pools: list[NameIndex],
) -> dict[int, tuple[NameIndex, frozenset[str], frozenset[str]]]:
    """_halves of each pool's deletion table, by id() of the pool. A name's halves are worked
    out once and shared by the pools holding it (old communes stand in several scopes)."""
    by_name: dict[str, tuple[set[str], set[str]]] = {}
    shared: dict[str, str] = {}  # one string object per half, whatever its pools
    found: dict[int, tuple[NameIndex, frozenset[str], frozenset[str]]] = {}
    for pool in pools:
        firsts: set[str] = set()
        seconds: set[str] = set()
        for name in pool:
            if len(name) < FUZZY_MIN_LENGTH:
                continue
            halves = by_name.get(name)
            if halves is None:
                own_firsts, own_seconds = _halves(_deletions({name: []}))
                halves = by_name[name] = (
                    {shared.setdefault(text, text) for text in own_firsts},
                    {shared.setdefault(text, text) for text in own_seconds},
                )
            firsts |= halves[0]
            seconds |= halves[1]
        found[id(pool)] = (pool, frozenset(firsts), frozenset(seconds))
    return found


def _target(
    place: Place, province_of: dict[Any, Place], forms: dict[Any, str]
) -> tuple[str, str, str, str, str]:
    province = province_of[place.key]
    parts = [forms[place.key]]
    if province.key != place.key:
        parts.append(forms[province.key])
    where = ", ".join(p for p in parts if p)
    return place.code, place.full_name, province.code, province.full_name, where


def _old_fields(
    place: Place, by_key: dict[Any, Place], province_of: dict[Any, Place]
) -> tuple[str, str, str, str, str, str]:
    province = province_of[place.key]
    district = place if place.level == DISTRICT else by_key.get(place.parent)
    if district is None or district.level != DISTRICT:
        return province.code, province.full_name, "", "", place.code, place.full_name
    return (
        province.code,
        province.full_name,
        district.code,
        district.full_name,
        place.code,
        place.full_name,
    )


def _typed_parts(
    names: NameIndex, level_types: frozenset[str]
) -> dict[str, tuple[frozenset[str], int, str]]:
    """Every "type word + name" a part of an address may be at a level, when its only typed
    reading is the whole part (no other type word inside it that could open a shorter name),
    with a type word that fits a unit of that name."""
    found: dict[str, tuple[frozenset[str], int, str]] = {}
    for word, types in TYPE_WORDS.items():
        if not types & level_types:
            continue
        size = len(word.split())
        for name, places in names.items():
            if not any(place.unit_type in types for place in places):
                continue
            part = f"{word} {name}"
            words = part.split()
            ends = {0, len(words)}
            if type_word_before(words, ends, size) != (types, 0):
                continue
            if any(
                type_word_before(words, ends, start)[0] is not None
                for start in range(1, len(words))
                if start != size
            ):
                continue
            found[part] = (types, size, name)
    return found


def _absorbed(went_to: dict[Any, set[Any]]) -> dict[Any, frozenset[Any]]:
    found: dict[Any, set[Any]] = defaultdict(set)
    for old, currents in went_to.items():
        for current in currents:
            found[current].add(old)
    return {key: frozenset(values) for key, values in found.items()}


def official_form(place: Place) -> str:
    """'Phường Hải Dương' -> 'phường Hải Dương': the type in lower case inside an address."""
    full = place.full_name
    if place.name and full.endswith(place.name):
        kind = full[: len(full) - len(place.name)].strip()
        return f"{kind.lower()} {place.name}" if kind else place.name
    return full


def _root(place: Place, by_key: dict[Any, Place]) -> Place:
    current = place
    while current.parent is not None and current.parent in by_key:
        current = by_key[current.parent]
    return current


def _current_provinces(
    places: list[Place],
    successors: dict[Any, tuple[Successor, ...]],
    province_of: dict[Any, Place],
) -> dict[Any, set[Any]]:
    """Old province key -> the current provinces its communes went to."""
    found: dict[Any, set[Any]] = defaultdict(set)
    for place in places:
        if place.current:
            continue
        for successor in successors.get(place.key, ()):
            target = province_of.get(successor.key)
            if target is not None:
                found[province_of[place.key].key].add(target.key)
    return found


def _scopes(
    places: list[Place],
    own: dict[Any, list[tuple[str, Place]]],
    went_to: dict[Any, set[Any]],
) -> dict[Any, NameIndex]:
    scopes: dict[Any, NameIndex] = defaultdict(lambda: defaultdict(list))
    for place in places:
        if place.level != PROVINCE:
            continue
        for name, unit in own.get(place.key, ()):
            scopes[place.key][name].append(unit)
        for current in went_to.get(place.key, ()):
            for name, unit in own.get(place.key, ()):
                scopes[current][name].append(unit)
    return {key: dict(names) for key, names in scopes.items()}


def _deletions(names: NameIndex) -> dict[str, set[str]]:
    """Every name long enough to be guessed from a typo and its one-character deletions ->
    the names (matching._near)."""
    found: dict[str, set[str]] = defaultdict(set)
    for name in names:
        if len(name) < FUZZY_MIN_LENGTH:
            continue
        found[name].add(name)
        for i in range(len(name)):
            found[name[:i] + name[i + 1 :]].add(name)
    return dict(found)


# Shorter names are too close to each other to guess a typo (matching).
FUZZY_MIN_LENGTH = 6


def _sub_unit_index(sub_units: Iterable[SubUnit]) -> dict[Any, list[tuple[tuple[str, ...], Any]]]:
    index: dict[Any, list[tuple[tuple[str, ...], Any]]] = defaultdict(list)
    for sub_unit in sub_units:
        words = tuple(fold_name(sub_unit.name).split())
        if words:
            index[sub_unit.old_key].append((words, sub_unit.new_key))
    return dict(index)


def level_types(level: str) -> frozenset[str]:
    return {PROVINCE: PROVINCE_TYPES, DISTRICT: DISTRICT_TYPES, COMMUNE: COMMUNE_TYPES}[level]
