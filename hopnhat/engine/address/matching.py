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

from collections.abc import Iterable
from dataclasses import dataclass

from hopnhat.engine.address.gazetteer import (
    COMMUNE,
    DISTRICT,
    FUZZY_MIN_LENGTH,
    PROVINCE,
    Index,
    NameIndex,
    Place,
)
from hopnhat.engine.address.text import (
    COMMUNE_TYPES,
    COUNTRY,
    DISTRICT_TYPES,
    PROVINCE_TYPES,
    TYPE_WORDS,
    Tokens,
    fold_name,
    modern_tones,
    type_word_before,
)

# Scores: a level found, a fitting type word, and what lowers trust in a span.
LEVEL_SCORE = {PROVINCE: 4, DISTRICT: 4, COMMUNE: 6}
TYPE_FITS = 2
TYPE_CLASHES = -5
PER_EDIT = -2
GLUED = -2  # an untyped span that does not start a part of the address
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


# The last words of the names of the country ("nam", "vietnam", "vn").
_COUNTRY_LAST = frozenset(country[-1] for country in COUNTRY)


def end_of_units(tokens: Tokens) -> int:
    """Where the administrative part ends: before a trailing country name or postal code."""
    words, end = tokens.words, len(tokens.words)
    if not end or (words[-1] not in _COUNTRY_LAST and not words[-1].isdigit()):
        return end
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
    memo = index.memo
    breaks = tokens.breaks
    if (
        memo is None
        and len(breaks) <= 4
        and end == len(tokens.words)
        and end in breaks
        and not tokens.found
    ):
        # No cache, and the address is its own last three parts (at most three parts before
        # its end): read as it is (sharing the positions of its words with what comes after).
        fresh = _read(tokens, index)
        return fresh[0], fresh[1], 0
    # Province, district and commune follow each other up to the end, and a name never crosses
    # a separator, so the commune starts within the last three parts: the reading depends on
    # them alone and is cached by them (addresses of one register share their last parts).
    starts = sorted(b for b in breaks if b < end)
    base = starts[-3] if len(starts) >= 3 else 0
    cut = tokens.offset(base) if base else 0
    words = tokens.words[base:end]
    breaks = {b - base for b in breaks if base <= b <= end} | {len(words)}
    # Keyed by the text as typed (marks included): marks tell near names apart.
    if memo is None:  # no cache: every address read from scratch
        fresh = _read(Tokens(tokens.text[cut:], tokens.folded[cut:], words, breaks), index)
        return fresh[0], fresh[1], base
    key = (tokens.text[cut:].lower(), " ".join(words), tuple(sorted(breaks)))
    found = memo.get(key)
    if found is None:
        if len(memo) >= MEMO_LIMIT:
            memo.clear()
        part = Tokens(tokens.text[cut:], tokens.folded[cut:], words, breaks)
        found = _read(part, index)
        memo[key] = found
    return found[0], found[1], base


def _read(tokens: Tokens, index: Index) -> tuple[list[Reading], Reading | None]:
    fast = _typed_tail(tokens, index)
    if fast:
        return fast, None
    end = len(tokens.words)
    if _no_exact_commune(tokens, index):
        # The exact stages would find no reading at all: straight to the last one, as they
        # would go (below) after finding nothing.
        return _decided(*_search(tokens, index, end, fuzzy=True, conflicts=True))
    readings: list[Reading] = []
    partial: Reading | None = None
    # Cheapest first: exact names; then impossible combinations, which can only win over a
    # weak reading; then names one typo away. The stages share the names looked up
    # (tokens.found): each later stage only adds what the earlier ones did not look for.
    for fuzzy, conflicts in ((False, False), (False, True), (True, True)):
        # The first two stages decide only with a valid reading of at least GOOD_ENOUGH (and
        # then only readings of at least that score can win): they look no lower.
        floor = None if fuzzy else GOOD_ENOUGH
        readings, partial = _search(
            tokens, index, end, fuzzy=fuzzy, conflicts=conflicts, floor=floor
        )
        best = max((r.score for r in readings if not r.conflict), default=-1)
        if best >= (GOOD_ENOUGH if conflicts else CONFLICTS_MATTER_BELOW):
            break
        if not conflicts and best < GOOD_ENOUGH:
            # The second stage only adds impossible combinations, and keeps no valid reading
            # the first did not find: its best valid reading stays below GOOD_ENOUGH, so the
            # third stage would decide anyway. Go there directly.
            readings, partial = _search(tokens, index, end, fuzzy=True, conflicts=True)
            break
    return _decided(readings, partial)


def _decided(
    readings: list[Reading], partial: Reading | None
) -> tuple[list[Reading], Reading | None]:
    """The winning readings of a search: the best valid ones, or the best impossible ones
    when they score clearly higher."""
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


def _typed_tail(tokens: Tokens, index: Index) -> list[Reading]:
    """The fast path: commune, district and province in three parts, each written "type word +
    name" (the commune part may follow a street). Looked up by whole parts: the readings are
    those of full score, which the search would return (it keeps every reading of the best
    score, and no other reading reaches full score when no part holds another type word).
    Empty when the parts are not written so: the search decides."""
    words, breaks = tokens.words, tokens.breaks
    if len(breaks) == 3:
        return _typed_pair(tokens, index)
    if len(breaks) != 4:
        return []
    _, district_start, province_start, end = sorted(breaks)
    typed = index.typed_parts
    province_key = " ".join(words[province_start:end])
    province_part = typed[PROVINCE].get(province_key)
    if province_part is None:
        return []
    district_part = typed[DISTRICT].get(" ".join(words[district_start:province_start]))
    if district_part is None:
        return []
    commune_part = typed[COMMUNE].get(" ".join(words[:district_start]))
    if commune_part is None:
        return []
    provinces = index.typed_provinces[province_key]
    province_name = province_start + province_part[1]
    district_types, size, district_name = district_part
    district_name_start = district_start + size
    commune_types, commune_name_start, commune_name = commune_part
    province_score, district_score = BEST[PROVINCE], BEST[DISTRICT]
    commune_score, total = BEST[COMMUNE], BEST[PROVINCE] + BEST[DISTRICT] + BEST[COMMUNE]
    readings = []
    for province in provinces:
        scope = index.scope_districts.get(province.key)
        if not scope:
            continue
        province_hit: Hit | None = None
        for district in scope.get(district_name, ()):
            if district.unit_type not in district_types:
                continue
            children = index.children.get(district.key)
            if not children:
                continue
            communes = [c for c in children.get(commune_name, ()) if c.unit_type in commune_types]
            if not communes:
                continue
            if province_hit is None:
                province_hit = Hit(
                    province, province_start, province_name, end, True, True, 0, province_score
                )
            district_hit = Hit(
                district,
                district_start,
                district_name_start,
                province_start,
                True,
                True,
                0,
                district_score,
            )
            for commune in communes:
                commune_hit = Hit(
                    commune, 0, commune_name_start, district_start, True, True, 0, commune_score
                )
                readings.append(Reading(province_hit, district_hit, commune_hit, total))
    return readings


def _no_exact_commune(tokens: Tokens, index: Index) -> bool:
    """The exact stages of the search can find no valid reading of GOOD_ENOUGH (they go on to
    the last stage then): the usual misspelt or made-up commune of a well-written address.

    For three parts, the last two typed parts (typed_parts) of a province and of a district.
    A span inside a typed part has no type word before it, but its opening one: a reading
    starting inside the part (not where it starts) is untyped and glued, and scores 2 as a
    province or district. A province reading lies in the last part and a district reading in
    the last two, so a commune reading ends where the district part starts, or inside the
    district or province part. Inside the province part it scores at most 8 + 2 + 2 (what
    follows it is glued); inside the district part at most 8 + 8 + 2: the part must be one of
    index.communeless_parts; where the district part starts, no commune of a district the
    district part names may end."""
    breaks = tokens.breaks
    if len(breaks) != 4:
        return False
    words = tokens.words
    _, district_start, province_start, end = sorted(breaks)
    district_part = " ".join(words[district_start:province_start])
    if (
        district_part not in index.communeless_parts
        or " ".join(words[province_start:end]) not in index.typed_parts[PROVINCE]
    ):
        return False
    # A commune ending there is read within the district read from there: the district part,
    # typed or whole. ("Xã Nam Tiến, Huyện Thanh Oai": a Nam Tiến of another district.)
    _, _, name = index.typed_parts[DISTRICT][district_part]
    districts = index.districts
    named = {d.key for d in (*districts.get(name, ()), *districts.get(district_part, ()))}
    communes = index.communes
    for _, key in _spans(tokens, district_start, index.longest[COMMUNE], index.span_max):
        for place in communes.get(key, ()):
            if place.parent in named:
                return False
    return True


def communeless_parts(index: Index) -> frozenset[str]:
    """The typed district parts (typed_parts) in which no commune can be read in a reading of
    GOOD_ENOUGH: no exact commune hit (_hits, among every commune) ends at the end of the part,
    and none ends inside it where a district hit starts that ends at the end of the part (the
    district glued to it: a province cannot start inside the part, so nothing else can follow
    it). A part reads the same wherever it stands: its type words and blocked spans depend on
    its own words alone."""
    found = set()
    for part in index.typed_parts.get(DISTRICT, {}):
        words = part.split()
        size = len(words)
        tokens = Tokens(part, part, words, {0, size})
        if _hits(tokens, size, index.communes, COMMUNE, index, fuzzy=False):
            continue
        glued = {
            h.start for h in _hits(tokens, size, index.districts, DISTRICT, index, fuzzy=False)
        }
        if any(
            _hits(tokens, stop, index.communes, COMMUNE, index, fuzzy=False)
            for stop in range(1, size)
            if stop in glued
        ):
            continue
        found.add(part)
    return frozenset(found)


# Type words of a province part that name nothing else ("Tỉnh", "T."): "Thành phố Hải Dương"
# may be the old city (a district) as well.
_PROVINCE_ONLY = PROVINCE_TYPES - DISTRICT_TYPES - COMMUNE_TYPES


def _typed_pair(tokens: Tokens, index: Index) -> list[Reading]:
    """The fast path for "commune, province" (no district), each part written "type word +
    name", the province's type word naming provinces only. The readings of full score for
    two levels (a typed commune of the province's scope) are those the search returns: no
    span of either part can be read as a district, but for the whole commune part (which
    leaves no room for a commune) or, after a type word of two words ("Thị trấn"), the rest
    of the part; the last is looked up, and the search decides when it is a district's
    name. Impossible combinations score too little to win (no typed district).
    Empty when the parts are not written so: the search decides."""
    words = tokens.words
    _, province_start, end = sorted(tokens.breaks)
    typed = index.typed_parts
    province_key = " ".join(words[province_start:end])
    province_part = typed[PROVINCE].get(province_key)
    if province_part is None:
        return []
    types, size, _ = province_part
    if not types <= _PROVINCE_ONLY:
        return []
    commune_part = typed[COMMUNE].get(" ".join(words[:province_start]))
    if commune_part is None:
        return []
    commune_types, commune_name_start, commune_name = commune_part
    if commune_name_start > 1 and " ".join(words[1:province_start]) in index.districts:
        return []
    provinces = index.typed_provinces[province_key]
    province_name = province_start + size
    province_score, commune_score = BEST[PROVINCE], BEST[COMMUNE]
    total = province_score + commune_score
    readings = []
    for province in provinces:
        scope = index.scope_communes.get(province.key)
        if not scope:
            continue
        communes = [c for c in scope.get(commune_name, ()) if c.unit_type in commune_types]
        if not communes:
            continue
        province_hit = Hit(
            province, province_start, province_name, end, True, True, 0, province_score
        )
        for commune in communes:
            commune_hit = Hit(
                commune, 0, commune_name_start, province_start, True, True, 0, commune_score
            )
            readings.append(Reading(province_hit, None, commune_hit, total))
    return readings


def _search(
    tokens: Tokens,
    index: Index,
    end: int,
    *,
    fuzzy: bool,
    conflicts: bool,
    floor: int | None = None,
) -> tuple[list[Reading], Reading | None]:
    """Every reading of a branch that can reach the best (or `floor`, when given: branches
    that cannot reach it are not looked at), and the best partial reading found."""
    readings: list[Reading] = []
    partial: Reading | None = None
    best = -(10**6) if floor is None else floor
    above: Iterable[tuple[Hit | None, list[Hit] | None]]
    if index.above is None:
        # No cache: the districts of a province are looked up only if its branch is not cut.
        above = [(p, None) for p in (*_province_hits(tokens, index, end, fuzzy=fuzzy), None)]
    else:
        above = _units_above(tokens, index, end, fuzzy=fuzzy, conflicts=conflicts)
    bound_district = BEST[DISTRICT] + BEST[COMMUNE]
    bound_commune = BEST[COMMUNE]
    for province, districts in above:
        province_score = province.score if province else 0
        # Branch and bound: ties are kept, so only a branch that cannot reach the best is cut.
        if province_score + bound_district < best:
            continue
        district_end = province.start if province else end
        if districts is None:
            districts = _district_hits(
                tokens, index, province, district_end, fuzzy=fuzzy, conflicts=conflicts
            )
        for district in [*districts, None]:
            if province_score + (district.score if district else 0) + bound_commune < best:
                continue
            found = _communes(
                tokens, index, province, district, district_end, fuzzy=fuzzy, conflicts=conflicts
            )
            readings.extend(found)
            if found:
                best = max(best, *(r.score for r in found))
            elif province or district:
                score = (province.score if province else 0) + (district.score if district else 0)
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
    assert index.above is not None
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
    found: Above = []
    for province in (*_province_hits(tokens, index, end, fuzzy=fuzzy), None):
        district_end = province.start if province else end
        districts = _district_hits(
            tokens, index, province, district_end, fuzzy=fuzzy, conflicts=conflicts
        )
        found.append((province, districts))
    return found


def _province_hits(tokens: Tokens, index: Index, end: int, *, fuzzy: bool) -> list[Hit]:
    provinces = _without_absorbed(
        index, _hits(tokens, end, index.provinces, PROVINCE, index, fuzzy=fuzzy)
    )
    return sorted(provinces, key=_by_score)


def _district_hits(
    tokens: Tokens,
    index: Index,
    province: Hit | None,
    district_end: int,
    *,
    fuzzy: bool,
    conflicts: bool,
) -> list[Hit]:
    scope = index.scope_districts.get(province.place.key, _EMPTY) if province else None
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
    return sorted(districts, key=_by_score)


def _by_score(hit: Hit) -> int:
    return -hit.score


_EMPTY: NameIndex = {}


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
    if (
        district is not None
        and province is not None
        and district.place.key not in index.scope_district_keys.get(province.place.key, ())
    ):
        conflict = f"{district.place.full_name} không thuộc {province.place.full_name}"
    if district is not None:
        pool = index.children.get(district.place.key, _EMPTY)
        if not pool:
            return []  # a communeless district is read as a commune from the province scope
    elif province is not None:
        pool = index.scope_communes.get(province.place.key, _EMPTY)
    else:
        pool = index.communes
    # Fuzzy names only within a district or a province: never among every commune nationwide.
    scoped = district is not None or province is not None
    hits = _hits(tokens, end, pool, COMMUNE, index, fuzzy=fuzzy and scoped)
    if not scoped:
        # A commune alone must be typed or stand as a part of its own: "Thành phố Huế" holds
        # the words of Phường Phố Huế, but does not name it.
        breaks = tokens.breaks
        hits = [h for h in hits if h.typed or h.start in breaks]
    if hits or conflict or not conflicts or (district is None and province is None):
        above = (province.score if province else 0) + (district.score if district else 0)
        return [Reading(province, district, hit, above + hit.score, conflict) for hit in hits]
    # A typed commune name found elsewhere: the address names units that do not go together.
    parent = district.place if district is not None else province.place  # type: ignore[union-attr]
    hits = []
    if district is not None and province is not None:
        hits = _conflicting(
            tokens, end, index.scope_communes.get(province.place.key, _EMPTY), COMMUNE, index
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


def _conflicting(tokens: Tokens, end: int, pool: NameIndex, level: str, index: Index) -> list[Hit]:
    # A typed name found outside the scope: the address names units that do not go together.
    return [hit for hit in _hits(tokens, end, pool, level, index, fuzzy=False) if hit.typed]


def _spans(tokens: Tokens, end: int, longest: int, most: int) -> list[tuple[int, str]]:
    """The word spans ending at `end` within one part (longest last), as folded keys: at most
    `longest` of them, `most` being the longest of every level (they are kept for all)."""
    cache = tokens.found
    built: tuple[list[tuple[int, str]], int] | None = cache.get(end)
    # Built as far as the longest asked for yet (`most` at most): most addresses need only
    # the few words of a name.
    if built is not None and built[1] >= longest:
        spans = built[0]
        return spans if len(spans) <= longest else spans[:longest]
    words, breaks = tokens.words, tokens.breaks
    spans = []
    key = ""
    for start in range(end - 1, max(-1, end - 1 - min(longest, most)), -1):
        key = words[start] + " " + key if key else words[start]
        spans.append((start, key))
        if start in breaks:
            break  # a name never crosses a separator
    cache[end] = (spans, longest)
    return spans


def _hits(
    tokens: Tokens,
    end: int,
    pool: NameIndex,
    level: str,
    index: Index,
    *,
    fuzzy: bool,
) -> list[Hit]:
    """The units of `pool` whose name (with an optional type word before it) ends at `end`.

    Looked up once per address: the stages of a reading ask again for the same names."""
    cache = tokens.found
    key = (end, id(pool), level)
    found: list[Hit] | None = cache.get(key)
    if found is None:
        found = []
        get = pool.get
        for start, name in _spans(tokens, end, index.longest[level], index.span_max):
            places = get(name)
            if places:
                found.extend(_typed_hits(tokens, start, end, places, level, edits=0))
        cache[key] = found
    if found or not fuzzy:
        return found
    fuzzy_key = (end, id(pool), level, True)
    near: list[Hit] | None = cache.get(fuzzy_key)
    if near is None:
        near = _near_hits(tokens, end, pool, level, index)
        cache[fuzzy_key] = near
    return near


def _near_hits(tokens: Tokens, end: int, pool: NameIndex, level: str, index: Index) -> list[Hit]:
    breaks = tokens.breaks
    found: list[Hit] = []
    # A scoped pool's own halves (gazetteer._pool_halves) rule out most keys at once: no name
    # of the pool is within one deletion of them, whatever the rest of the country holds.
    own = index.pool_halves.get(id(pool))
    if own is not None and own[0] is not pool:
        own = None
    held = index.pool_types.get(id(pool))
    unit_types = held[1] if held is not None and held[0] is pool else None
    level_types = LEVEL_TYPES[level]
    for start, key in _spans(tokens, end, index.longest[level], index.span_max):
        if len(key) < FUZZY_MIN_LENGTH or key.isdigit():
            continue
        # A near name is read only typed or starting a part, and never blocked (_typed_hits):
        # the others are not looked for.
        type_types, _, blocked = _type_before(tokens, start)
        if blocked or (type_types is None and start not in breaks):
            continue
        if (
            type_types is not None
            and unit_types is not None
            and not type_types & level_types
            and not type_types & unit_types
        ):
            continue  # typed with a word of another level naming no unit type of the pool
        if own is not None:
            _, firsts, seconds = own
            half = (len(key) - 1) // 2
            if key[:half] not in firsts and key[half:] not in seconds:
                continue
        # In name order: a set's order changes from process to process (string hashes), and
        # the order of the hits decides which of two tied near names an answer reports.
        for name in sorted(_near(tokens, index, key, level)):
            places = pool.get(name)
            if places:
                hits = _typed_hits(tokens, start, end, places, level, edits=1)
                found.extend(
                    h for h in hits if (h.typed or start in breaks) and _one_typo(tokens, h, level)
                )
    return found


def _type_before(tokens: Tokens, start: int) -> tuple[frozenset[str] | None, int, bool]:
    """The type word before word `start` (its types and first word), and whether an untyped
    name there is ruled out (it sits inside a typed name)."""
    cache = tokens.found
    key = ("type", start)
    found: tuple[frozenset[str] | None, int, bool] | None = cache.get(key)
    if found is not None:
        return found
    type_types, type_start = type_word_before(tokens.words, tokens.breaks, start)
    # "Xã Kỳ Sơn Hạ" names Kỳ Sơn Hạ, not a Sơn Hà glued inside it
    blocked = type_types is None and start not in tokens.breaks and _part_is_typed(tokens, start)
    found = (type_types, type_start, blocked)
    cache[key] = found
    return found


def _typed_hits(
    tokens: Tokens, start: int, end: int, places: list[Place], level: str, *, edits: int
) -> list[Hit]:
    type_types, type_start, blocked = _type_before(tokens, start)
    if blocked:
        return []
    hits: list[Hit] = []
    if type_types is None:
        score = LEVEL_SCORE[level] + (0 if start in tokens.breaks else GLUED) + PER_EDIT * edits
        for place in places:
            if place.name.isdigit():
                continue  # "Phường 4" needs its type word: a bare 4 is a house number
            hits.append(Hit(place, type_start, start, end, False, False, edits, score))
        return hits
    other_level = not type_types & LEVEL_TYPES[level]
    base = LEVEL_SCORE[level] + PER_EDIT * edits
    for place in places:
        fits = place.unit_type in type_types
        if not fits and other_level:
            continue  # "Quận Hoàn Kiếm" never names Phường Hoàn Kiếm: another level
        score = base + (TYPE_FITS if fits else TYPE_CLASHES)
        hits.append(Hit(place, type_start, start, end, True, fits, edits, score))
    return hits


def _near(tokens: Tokens, index: Index, key: str, level: str) -> set[str]:
    """Names within one deletion of `key` on either side (a typo, a swap, a missing space)."""
    cache = tokens.found
    cache_key = ("near", key, level)
    found: set[str] | None = cache.get(cache_key)
    if found is not None:
        return found
    # The deletion table holds only names long enough to be guessed (build_index).
    get = index.deletions[level].get
    found = set(get(key, ()))
    # The key less its letter i is in the table only if it begins with a first half of the
    # table's keys (i in the key's second half) or ends with a second half (i in its first
    # half): only the deletions that can be there are looked up.
    firsts, seconds = index.halves[level]
    half = (len(key) - 1) // 2
    in_first_half = key[half:] in seconds
    in_second_half = key[:half] in firsts
    if in_first_half or in_second_half:
        first = 0 if in_first_half else half
        stop = len(key) if in_second_half else half
        for i in range(first, stop):
            names = get(key[:i] + key[i + 1 :])
            if names is not None:
                found.update(names)
    found.discard(key)
    cache[cache_key] = found
    return found


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


def _one_typo(tokens: Tokens, hit: Hit, level: str) -> bool:
    """A near name is a typo of the name only one edit away, marks included when typed:
    "Đồng Lơng" is Đồng Lương misspelt; "Mường Lầm" is not Mường Lạn."""
    first, stop = tokens.span(hit.name_start, hit.end)
    typed = " ".join(tokens.text[first:stop].lower().split())
    # Typed without marks: compare without them. A commune is read from the last three parts
    # of the address, a province or district from the last two.
    plain = tokens.text.isascii() if level == COMMUNE else _last_two_plain(tokens)
    if plain:
        return (
            _distance(" ".join(tokens.words[hit.name_start : hit.end]), fold_name(hit.place.name))
            <= 1
        )
    name = hit.place.name.lower()
    # Old-style tone marks ("Hoà") are moved only when the text as typed is further off.
    return _distance(typed, name) <= 1 or _distance(modern_tones(typed), modern_tones(name)) <= 1


def _last_two_plain(tokens: Tokens) -> bool:
    """The last two parts of the address are typed without marks."""
    found: bool | None = tokens.found.get("plain")
    if found is None:
        parts = sorted(b for b in tokens.breaks if b < len(tokens.words))
        shift = parts[-2] if len(parts) >= 2 else 0
        found = tokens.text[tokens.offset(shift) if shift else 0 :].isascii()
        tokens.found["plain"] = found
    return found


def _distance(a: str, b: str) -> int:
    """Edits (insert, delete, substitute, swap two neighbours) from a to b, capped at 2: 0 when
    equal, 1 when one edit apart, else 2."""
    if a == b:
        return 0
    size_a, size_b = len(a), len(b)
    if size_a < size_b:
        a, b, size_a, size_b = b, a, size_b, size_a
    if size_a - size_b > 1:
        return 2
    i = 0  # the first difference
    while i < size_b and a[i] == b[i]:
        i += 1
    if size_a != size_b:  # one letter more in a
        return 1 if a[i + 1 :] == b[i:] else 2
    if a[i + 1 :] == b[i + 1 :]:  # one letter changed
        return 1
    swapped = i + 1 < size_a and a[i] == b[i + 1] and a[i + 1] == b[i]
    return 1 if swapped and a[i + 2 :] == b[i + 2 :] else 2
