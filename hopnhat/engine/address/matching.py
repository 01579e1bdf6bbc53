"""Reading an address: province -> district -> commune, from the right, each level constrained
by the one above it.

Every reading assigns spans of words to units. A span never crosses a separator, but units
need not be separated (missing commas). A type word before a name ("P.", "Quận", "TX") must
fit the unit's type. Exact folded names are tried first; a name within one edit (deletion
distance) is tried only when no exact name fits at that level and the span is typed or
starts a part of the address. Readings are scored; the best ones win and ties are kept, so a
name that fits several units is never decided silently.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from hopnhat.engine.address.gazetteer import COMMUNE, DISTRICT, PROVINCE, Index, NameIndex, Place
from hopnhat.engine.address.text import (
    COMMUNE_TYPES,
    COUNTRY,
    DISTRICT_TYPES,
    PROVINCE_TYPES,
    TYPE_WORDS,
    Tokens,
    fold_name,
    modern_tones,
)

# Scores: a level found, a fitting type word, and what lowers trust in a span.
LEVEL_SCORE = {PROVINCE: 4, DISTRICT: 4, COMMUNE: 6}
TYPE_FITS = 2
TYPE_CLASHES = -5
PER_EDIT = -2
GLUED = -2  # an untyped span that does not start a part of the address
FUZZY_MIN_LENGTH = 6  # shorter names are too close to each other to guess a typo
# The types a type word may name at each level without naming another level (a communeless
# district read at the commune tier fits its own type, "Huyện Bạch Long Vĩ").
LEVEL_TYPES = {PROVINCE: PROVINCE_TYPES, DISTRICT: DISTRICT_TYPES, COMMUNE: COMMUNE_TYPES}
# A valid reading this close to an impossible one wins: "Xã Đồng Lơng, Huyện Lang Chánh" is
# Đồng Lương of Lang Chánh misspelt, not Đông Long of another district.
CONFLICT_MARGIN = 4
# An impossible combination scores at most a full reading (BEST of every level), so it can
# only win over a valid reading below this.
CONFLICTS_MATTER_BELOW = 6 + 6 + 8 - CONFLICT_MARGIN


@dataclass(slots=True)
class Hit:
    place: Place
    start: int  # first word, type word included
    name_start: int
    end: int
    typed: bool
    type_fits: bool
    edits: int
    score: int


@dataclass(slots=True)
class Reading:
    province: Hit | None
    district: Hit | None
    commune: Hit | None
    score: int
    # Set when the named units cannot go together: "Phường X không thuộc Quận Y".
    conflict: str = ""

    @property
    def edits(self) -> int:
        return sum(h.edits for h in (self.province, self.district, self.commune) if h)


def end_of_units(tokens: Tokens) -> int:
    """Where the administrative part ends: before a trailing country name or postal code."""
    words, end = tokens.words, len(tokens.words)
    for country in COUNTRY:
        size = len(country)
        if end >= size and tuple(words[end - size : end]) == country:
            end -= size
            break
    if end and words[end - 1].isdigit() and len(words[end - 1]) >= 5:
        end -= 1
    return end


# A reading at least this good (a typed commune with its province or district) is not
# second-guessed by a look for misspelt names.
GOOD_ENOUGH = 14
BEST = {level: score + TYPE_FITS for level, score in LEVEL_SCORE.items()}


MEMO_LIMIT = 200_000


def read(tokens: Tokens, index: Index) -> tuple[list[Reading], Reading | None, int]:
    """The best readings (ties kept), the best reading without a commune (for reasons), and
    the word the readings' positions count from."""
    end = end_of_units(tokens)
    # Province, district and commune follow each other up to the end, and a name never crosses
    # a separator, so the commune starts within the last three parts: the reading depends on
    # them alone and is cached by them (addresses of one register share their last parts).
    starts = sorted(b for b in tokens.breaks if b < end)
    base = starts[-3] if len(starts) >= 3 else 0
    cut = tokens.offset(base) if base else 0
    words = tokens.words[base:end]
    breaks = {b - base for b in tokens.breaks if base <= b <= end} | {len(words)}
    # Keyed by the text as typed (marks included): marks tell near names apart.
    key = (tokens.text[cut:].lower(), " ".join(words), tuple(sorted(breaks)))
    found = index.memo.get(key)
    if found is None:
        if len(index.memo) >= MEMO_LIMIT:
            index.memo.clear()
        part = Tokens(tokens.text[cut:], tokens.folded[cut:], words, breaks)
        found = _read(part, index)
        index.memo[key] = found
    return found[0], found[1], base


def _read(tokens: Tokens, index: Index) -> tuple[list[Reading], Reading | None]:
    end = len(tokens.words)
    readings: list[Reading] = []
    partial: Reading | None = None
    # Cheapest first: exact names; then impossible combinations, which can only win over a
    # weak reading; then names one typo away.
    for fuzzy, conflicts in ((False, False), (False, True), (True, True)):
        readings, partial = _search(tokens, index, end, fuzzy=fuzzy, conflicts=conflicts)
        best = max((r.score for r in readings if not r.conflict), default=-1)
        if best >= (GOOD_ENOUGH if conflicts else CONFLICTS_MATTER_BELOW):
            break
    if not readings:
        return [], partial
    valid = [r for r in readings if not r.conflict]
    impossible = [r for r in readings if r.conflict]
    best_valid = max((r.score for r in valid), default=None)
    best_conflict = max((r.score for r in impossible), default=None)
    if best_valid is None or (
        best_conflict is not None and best_conflict > best_valid + CONFLICT_MARGIN
    ):
        return [r for r in impossible if r.score == best_conflict], partial
    return [r for r in valid if r.score == best_valid], partial


def _search(
    tokens: Tokens, index: Index, end: int, *, fuzzy: bool, conflicts: bool
) -> tuple[list[Reading], Reading | None]:
    readings: list[Reading] = []
    partial: Reading | None = None
    best = -(10**6)
    for province, districts in _units_above(tokens, index, end, fuzzy=fuzzy, conflicts=conflicts):
        province_score = province.score if province else 0
        # Branch and bound: ties are kept, so only a branch that cannot reach the best is cut.
        if province_score + BEST[DISTRICT] + BEST[COMMUNE] < best:
            continue
        district_end = province.start if province else end
        for district in [*districts, None]:
            if province_score + (district.score if district else 0) + BEST[COMMUNE] < best:
                continue
            found = _communes(
                tokens, index, province, district, district_end, fuzzy=fuzzy, conflicts=conflicts
            )
            readings.extend(found)
            if found:
                best = max(best, *(r.score for r in found))
            elif province or district:
                score = sum(h.score for h in (province, district) if h)
                if partial is None or score > partial.score:
                    partial = Reading(province, district, None, score)
    return readings, partial


Above = list[tuple[Hit | None, list[Hit]]]


def _units_above(tokens: Tokens, index: Index, end: int, *, fuzzy: bool, conflicts: bool) -> Above:
    """The province readings, each with its district readings, best first.

    They lie in the last two parts of the address, which registers repeat from row to row:
    they are cached by those parts and moved to where the parts start.
    """
    parts = sorted(b for b in tokens.breaks if b < end)
    shift = parts[-2] if len(parts) >= 2 else 0
    cut = tokens.offset(shift) if shift else 0
    breaks = {b - shift for b in tokens.breaks if shift <= b <= end}
    words = tokens.words[shift:end]
    key = (
        fuzzy,
        conflicts,
        tokens.text[cut:].lower() if fuzzy else "",
        " ".join(words),
        tuple(sorted(breaks)),
    )
    found = index.above.get(key)
    if found is None:
        if len(index.above) >= MEMO_LIMIT:
            index.above.clear()
        part = Tokens(tokens.text[cut:], tokens.folded[cut:], words, breaks)
        found = _compute_above(part, index, len(words), fuzzy=fuzzy, conflicts=conflicts)
        index.above[key] = found
    if not shift:
        return found
    return [
        (_moved(province, shift), [_moved(d, shift) for d in districts])  # type: ignore[misc]
        for province, districts in found
    ]


def _moved(hit: Hit | None, shift: int) -> Hit | None:
    if hit is None:
        return None
    return Hit(
        hit.place,
        hit.start + shift,
        hit.name_start + shift,
        hit.end + shift,
        hit.typed,
        hit.type_fits,
        hit.edits,
        hit.score,
    )


def _compute_above(
    tokens: Tokens, index: Index, end: int, *, fuzzy: bool, conflicts: bool
) -> Above:
    provinces = _without_absorbed(
        index, _hits(tokens, end, index.provinces, PROVINCE, index, fuzzy=fuzzy)
    )
    provinces.sort(key=lambda h: -h.score)
    found: Above = []
    for province in [*provinces, None]:
        district_end = province.start if province else end
        scope = index.scope_districts.get(province.place.key, {}) if province else None
        districts = _hits(
            tokens,
            district_end,
            scope if scope is not None else index.districts,
            DISTRICT,
            index,
            fuzzy=fuzzy,
        )
        if province is not None and not districts and conflicts:
            districts = _conflicting(tokens, district_end, index.districts, DISTRICT, index)
        districts.sort(key=lambda h: -h.score)
        found.append((province, districts))
    return found


def _without_absorbed(index: Index, hits: list[Hit]) -> list[Hit]:
    """ "Thành phố Hà Nội" names the old and the current city; the current one's scope holds
    the old one's, so reading the old one as well finds nothing more."""
    if len(hits) < 2:
        return hits
    covered = {
        (h.start, h.score, old)
        for h in hits
        if h.place.current
        for old in index.absorbed.get(h.place.key, ())
    }
    return [h for h in hits if (h.start, h.score, h.place.key) not in covered]


def _communes(
    tokens: Tokens,
    index: Index,
    province: Hit | None,
    district: Hit | None,
    district_end: int,
    *,
    fuzzy: bool,
    conflicts: bool,
) -> list[Reading]:
    end = district.start if district else district_end
    conflict = ""
    fits = (
        district is None
        or province is None
        or _district_fits(index, district.place, province.place)
    )
    if not fits:
        assert district is not None
        assert province is not None
        conflict = f"{district.place.full_name} không thuộc {province.place.full_name}"
    if district is not None:
        pool = index.children.get(district.place.key, {})
        if not pool:
            return []  # a communeless district is read as a commune from the province scope
    elif province is not None:
        pool = index.scope_communes.get(province.place.key, {})
    else:
        pool = index.communes
    # Fuzzy names only within a district or a province: never among every commune nationwide.
    scoped = district is not None or province is not None
    hits = _hits(tokens, end, pool, COMMUNE, index, fuzzy=fuzzy and scoped)
    if not scoped:
        # A commune alone must be typed or stand as a part of its own: "Thành phố Huế" holds
        # the words of Phường Phố Huế, but does not name it.
        hits = [h for h in hits if h.typed or h.start in tokens.breaks]
    if hits or conflict or not conflicts or (district is None and province is None):
        return [
            Reading(province, district, hit, _total(province, district, hit), conflict)
            for hit in hits
        ]
    # A typed commune name found elsewhere: the address names units that do not go together.
    parent = district.place if district is not None else province.place  # type: ignore[union-attr]
    hits = []
    if district is not None and province is not None:
        hits = _conflicting(
            tokens, end, index.scope_communes.get(province.place.key, {}), COMMUNE, index
        )
    hits = hits or _conflicting(tokens, end, index.communes, COMMUNE, index)
    return [
        Reading(
            province,
            district,
            hit,
            _total(province, district, hit),
            f"{hit.place.full_name} không thuộc {parent.full_name}",
        )
        for hit in hits
    ]


def _total(*hits: Hit | None) -> int:
    return sum(h.score for h in hits if h)


def _district_fits(index: Index, district: Place, province: Place) -> bool:
    return district.key in _keys(index.scope_districts.get(province.key, {}))


def _keys(pool: NameIndex) -> set[Any]:
    return {place.key for places in pool.values() for place in places}


def _conflicting(tokens: Tokens, end: int, pool: NameIndex, level: str, index: Index) -> list[Hit]:
    # A typed name found outside the scope: the address names units that do not go together.
    return [hit for hit in _hits(tokens, end, pool, level, index, fuzzy=False) if hit.typed]


def _hits(
    tokens: Tokens,
    end: int,
    pool: NameIndex,
    level: str,
    index: Index,
    *,
    fuzzy: bool,
) -> list[Hit]:
    """The units of `pool` whose name (with an optional type word before it) ends at `end`."""
    words, breaks = tokens.words, tokens.breaks
    found: list[Hit] = []
    spans: list[tuple[int, str]] = []
    key = ""
    for start in range(end - 1, max(-1, end - 1 - index.longest[level]), -1):
        key = words[start] + " " + key if key else words[start]
        spans.append((start, key))
        places = pool.get(key)
        if places:
            found.extend(_typed_hits(tokens, start, end, places, level, edits=0))
        if start in breaks:
            break  # a name never crosses a separator
    if found or not fuzzy:
        return found
    for start, key in spans:
        if len(key) < FUZZY_MIN_LENGTH or key.isdigit():
            continue
        for name in _near(index, key, level):
            places = pool.get(name)
            if places:
                hits = _typed_hits(tokens, start, end, places, level, edits=1)
                found.extend(
                    h for h in hits if (h.typed or start in breaks) and _one_typo(tokens, h)
                )
    return found


def _typed_hits(
    tokens: Tokens, start: int, end: int, places: list[Place], level: str, *, edits: int
) -> list[Hit]:
    words, breaks = tokens.words, tokens.breaks
    type_types: frozenset[str] | None = None
    type_start = start
    if start not in breaks:
        if start >= 2 and start - 1 not in breaks:
            type_types = TYPE_WORDS.get(words[start - 2] + " " + words[start - 1])
            type_start = start - 2
        if type_types is None:
            type_types = TYPE_WORDS.get(words[start - 1])
            type_start = start - 1
        if type_types is None:
            type_start = start
            if _part_is_typed(tokens, start):
                return []  # "Xã Kỳ Sơn Hạ" names Kỳ Sơn Hạ, not a Sơn Hà glued inside it
    hits = []
    for place in places:
        if type_types is None and place.name.isdigit():
            continue  # "Phường 4" needs its type word: a bare 4 is a house number
        if type_types is None:
            score = LEVEL_SCORE[level] + (0 if start in breaks else GLUED)
            fits = False
        else:
            fits = place.unit_type in type_types
            if not fits and not type_types & LEVEL_TYPES[level]:
                continue  # "Quận Hoàn Kiếm" never names Phường Hoàn Kiếm: another level
            score = LEVEL_SCORE[level] + (TYPE_FITS if fits else TYPE_CLASHES)
        hits.append(
            Hit(
                place=place,
                start=type_start,
                name_start=start,
                end=end,
                typed=type_types is not None,
                type_fits=fits,
                edits=edits,
                score=score + PER_EDIT * edits,
            )
        )
    return hits


def _near(index: Index, key: str, level: str) -> set[str]:
    """Names within one deletion of `key` on either side (a typo, a swap, a missing space)."""
    deletions = index.deletions[level]
    names: set[str] = set()
    for variant in (key, *(key[:i] + key[i + 1 :] for i in range(len(key)))):
        names.update(deletions.get(variant, ()))
    names.discard(key)
    return {name for name in names if len(name) >= FUZZY_MIN_LENGTH}


def _part_is_typed(tokens: Tokens, start: int) -> bool:
    """Word `start` sits inside a typed name: its part opens with a type word and no other
    type word comes before it ("Xã Kỳ Sơn Hạ", but not "F4 Q3 HCM")."""
    first = max(b for b in tokens.breaks if b <= start)
    words = tokens.words
    if first + 1 < start and f"{words[first]} {words[first + 1]}" in TYPE_WORDS:
        opening = 2
    elif first < start and words[first] in TYPE_WORDS:
        opening = 1
    else:
        return False
    return not any(word in TYPE_WORDS for word in words[first + opening : start])


def _one_typo(tokens: Tokens, hit: Hit) -> bool:
    """A near name is a typo of the name only one edit away, marks included when typed:
    "Đồng Lơng" is Đồng Lương misspelt; "Mường Lầm" is not Mường Lạn."""
    first, stop = tokens.span(hit.name_start, hit.end)
    typed = " ".join(tokens.text[first:stop].lower().split())
    if tokens.text.isascii():  # an address typed without marks: compare without them
        return (
            _distance(" ".join(tokens.words[hit.name_start : hit.end]), fold_name(hit.place.name))
            <= 1
        )
    name = hit.place.name.lower()
    return min(_distance(typed, name), _distance(modern_tones(typed), modern_tones(name))) <= 1


def _distance(a: str, b: str) -> int:
    """Edits (insert, delete, substitute, swap two neighbours) from a to b, capped at 2."""
    if abs(len(a) - len(b)) > 1:
        return 2
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = a[i - 1] != b[j - 1]
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                current[j] = min(current[j], previous2[j - 2] + 1)
        previous2, previous = previous, current
    return min(previous[-1], 2)
