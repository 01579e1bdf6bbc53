"""One address in, its conversion out: never a single answer for a divided commune without
evidence (a point inside one candidate's polygon, or a matching sub-unit)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from hopnhat.engine.address.gazetteer import DISTRICT, Index, Place, Successor, official_form
from hopnhat.engine.address.matching import Reading, read
from hopnhat.engine.address.text import Tokens, modern_tones, tokenise

CONVERTED, UNCHANGED, AMBIGUOUS, NOT_FOUND, INVALID = (
    "converted",
    "unchanged",
    "ambiguous",
    "not_found",
    "invalid",
)
__all__ = ["Candidate", "Conversion", "convert", "convert_many", "official_form"]
STATUSES = (CONVERTED, UNCHANGED, AMBIGUOUS, NOT_FOUND, INVALID)
MAX_LENGTH = 500

# Words that open the name of a thôn, tổ dân phố or street in an address (folded).
SUB_UNIT_WORDS = frozenset(
    {"thon", "xom", "ap", "to", "khu", "pho", "duong", "ban", "lang", "khom", "doi", "ngo"}
)


@dataclass(slots=True)
class Candidate:
    code: str
    name: str
    province_code: str
    province_name: str
    whole: bool
    wording: str
    legal_basis: str
    new_address: str


@dataclass(slots=True)
class Conversion:
    address: str
    status: str
    street: str = ""
    old_province_code: str = ""
    old_province_name: str = ""
    old_district_code: str = ""
    old_district_name: str = ""
    old_ward_code: str = ""
    old_ward_name: str = ""
    new_ward_code: str = ""
    new_ward_name: str = ""
    new_province_code: str = ""
    new_province_name: str = ""
    new_address: str = ""
    candidates: tuple[Candidate, ...] = ()
    legal_basis: str = ""
    wording: str = ""
    confidence: float = 0.0
    reason: str = ""
    resolved_by: str = ""  # "point" or "sub_unit" when a divided commune was resolved


def convert(address: str, index: Index, *, point: tuple[float, float] | None = None) -> Conversion:
    """`point` is (longitude, latitude), e.g. picked on the map."""
    text = " ".join(str(address or "").split())
    if not text:
        return Conversion(address=address, status=INVALID, reason="Địa chỉ trống.")
    if len(text) > MAX_LENGTH:
        return Conversion(
            address=address, status=INVALID, reason=f"Địa chỉ dài quá {MAX_LENGTH} ký tự."
        )
    tokens = tokenise(text)
    readings, partial, base = read(tokens, index)
    if not readings:
        return Conversion(address=address, status=NOT_FOUND, reason=_not_found_reason(partial))
    if readings[0].conflict:
        return Conversion(
            address=address,
            status=INVALID,
            reason=readings[0].conflict + ".",
            confidence=_confidence(readings[0]),
        )
    reading = readings[0]
    if len(readings) == 1:  # the most common answer: one reading of one unit
        commune_hit = reading.commune
        assert commune_hit is not None
        commune = commune_hit.place
        commune_start = base + commune_hit.start
        street = _street(tokens, commune_start)
        if commune.current:
            return _single(address, index, UNCHANGED, commune, None, street, reading)
        successors = index.successors.get(commune.key, ())
        if len(successors) == 1 and successors[0].key in index.by_key:
            return _single(address, index, CONVERTED, commune, successors[0], street, reading)
    else:
        readings = _by_diacritics(tokens, base, readings)
        communes = _distinct(r.commune.place for r in readings if r.commune)
        reading = readings[0]
        assert reading.commune is not None
        commune_start = base + min(r.commune.start for r in readings if r.commune)
        street = _street(tokens, commune_start)
        if len(communes) > 1:
            return _several(address, index, communes, street, reading)
        commune = communes[0]
        if commune.current:
            candidate = _candidate(index, commune, None, street)
            return _answer(address, index, UNCHANGED, commune, candidate, street, reading, "")
        successors = index.successors.get(commune.key, ())
    candidates = tuple(
        _candidate(index, index.by_key[s.key], s, street)
        for s in successors
        if s.key in index.by_key
    )
    if not candidates:
        return Conversion(
            address=address,
            status=NOT_FOUND,
            street=street,
            **_old_fields(index, commune),
            reason=f"{commune.full_name} không có đơn vị kế thừa vào ngày chuyển đổi.",
        )
    if len(candidates) == 1:
        return _answer(address, index, CONVERTED, commune, candidates[0], street, reading, "")
    chosen, how, why = _resolve(index, commune, successors, tokens, commune_start, point)
    if chosen is not None:
        candidate = next(c for c, s in zip(candidates, successors, strict=False) if s.key == chosen)
        return _answer(address, index, CONVERTED, commune, candidate, street, reading, how)
    names = ", ".join(c.name for c in candidates)
    return Conversion(
        address=address,
        status=AMBIGUOUS,
        street=street,
        **_old_fields(index, commune),
        candidates=candidates,
        legal_basis="; ".join(_distinct(c.legal_basis for c in candidates if c.legal_basis)),
        confidence=_confidence(reading),
        reason=f"{commune.full_name} được chia cho {len(candidates)} đơn vị: {names}. {why}",
    )


def convert_many(
    addresses: Iterable[str], index: Index, *, point: tuple[float, float] | None = None
) -> Iterator[Conversion]:
    for address in addresses:
        yield convert(address, index, point=point)


def _by_diacritics(tokens: Tokens, base: int, readings: list[Reading]) -> list[Reading]:
    """Names that differ only by their marks (Minh Quán, Minh Quân) are told apart by the
    marks the user typed; without marks, both stay candidates."""
    if len({id(r.commune.place) for r in readings if r.commune}) < 2:
        return readings
    kept = []
    for reading in readings:
        hit = reading.commune
        assert hit is not None
        start, stop = tokens.span(base + hit.name_start, base + hit.end)
        if _marks(tokens.text[start:stop]) == _marks(hit.place.name):
            kept.append(reading)
    return kept or readings


def _marks(text: str) -> str:
    return modern_tones(" ".join(text.lower().split()))


# Answers ---------------------------------------------------------------------------------


def _answer(
    address: str,
    index: Index,
    status: str,
    commune: Place,
    candidate: Candidate,
    street: str,
    reading: Reading,
    resolved_by: str,
) -> Conversion:
    return Conversion(
        address=address,
        status=status,
        street=street,
        **(_old_fields(index, commune) if not commune.current else {}),
        new_ward_code=candidate.code,
        new_ward_name=candidate.name,
        new_province_code=candidate.province_code,
        new_province_name=candidate.province_name,
        new_address=candidate.new_address,
        candidates=(candidate,),
        legal_basis=candidate.legal_basis,
        wording=candidate.wording,
        confidence=_confidence(reading, resolved=bool(resolved_by)),
        resolved_by=resolved_by,
    )


def _single(
    address: str,
    index: Index,
    status: str,
    commune: Place,
    successor: Successor | None,
    street: str,
    reading: Reading,
) -> Conversion:
    """_answer for one unit (`commune` itself when current, else its one successor), built from
    what the index holds for both: the same Conversion, without the keyword round trips."""
    unit = commune.key if successor is None else successor.key
    code, name, province_code, province_name, where = index.targets[unit]
    new_address = f"{street}, {where}" if street and where else street or where
    if successor is None:
        whole, wording, legal_basis = True, "", ""
    else:
        whole, wording, legal_basis = successor.whole, successor.wording, successor.legal_basis
    candidate = Candidate(
        code, name, province_code, province_name, whole, wording, legal_basis, new_address
    )
    old = ("", "", "", "", "", "") if commune.current else index.old_fields[commune.key]
    # Positional, in the order of Conversion's fields (tests: the one-unit answer is the
    # general one).
    return Conversion(
        address,
        status,
        street,
        *old,
        code,
        name,
        province_code,
        province_name,
        new_address,
        (candidate,),
        legal_basis,
        wording,
        _confidence(reading),
    )


def _several(
    address: str, index: Index, communes: list[Place], street: str, reading: Reading
) -> Conversion:
    """A name that fits several units: every unit they lead to is a candidate."""
    found: dict[str, Candidate] = {}
    for commune in communes:
        if commune.current:
            candidate = _candidate(index, commune, None, street)
            found.setdefault(candidate.code + candidate.province_code, candidate)
        for successor in index.successors.get(commune.key, ()):
            if successor.key in index.by_key:
                candidate = _candidate(index, index.by_key[successor.key], successor, street)
                found.setdefault(candidate.code + candidate.province_code, candidate)
    candidates = tuple(found.values())
    if len(candidates) == 1:
        status = UNCHANGED if any(c.current for c in communes) else CONVERTED
        return _answer(address, index, status, communes[0], candidates[0], street, reading, "")
    described = "; ".join(_described(index, c) for c in communes)
    return Conversion(
        address=address,
        status=AMBIGUOUS,
        street=street,
        candidates=candidates,
        legal_basis="; ".join(_distinct(c.legal_basis for c in candidates if c.legal_basis)),
        confidence=_confidence(reading),
        reason=f"Địa chỉ khớp với {len(communes)} đơn vị: {described}. "
        "Hãy ghi rõ quận/huyện hoặc tỉnh.",
    )


def _described(index: Index, place: Place) -> str:
    parents = []
    parent = index.by_key.get(place.parent)
    while parent is not None:
        parents.append(parent.full_name)
        parent = index.by_key.get(parent.parent)
    when = "" if place.current else " (cũ)"
    return ", ".join([place.full_name + when, *parents])


def _candidate(index: Index, unit: Place, successor: Successor | None, street: str) -> Candidate:
    province = index.province_of[unit.key]
    parts = [street, index.forms[unit.key]]
    if province.key != unit.key:
        parts.append(index.forms[province.key])
    return Candidate(
        code=unit.code,
        name=unit.full_name,
        province_code=province.code,
        province_name=province.full_name,
        whole=successor.whole if successor else True,
        wording=successor.wording if successor else "",
        legal_basis=successor.legal_basis if successor else "",
        new_address=", ".join(p for p in parts if p),
    )


def _old_fields(index: Index, commune: Place) -> dict[str, Any]:
    district = index.by_key.get(commune.parent)
    province = index.province_of[commune.key]
    fields = {
        "old_ward_code": commune.code,
        "old_ward_name": commune.full_name,
        "old_province_code": province.code,
        "old_province_name": province.full_name,
    }
    if commune.level == DISTRICT:  # a communeless district stands at the commune tier
        district = commune
    if district is not None and district.level == DISTRICT:
        fields["old_district_code"] = district.code
        fields["old_district_name"] = district.full_name
    return fields


def _street(tokens: Tokens, commune_start: int) -> str:
    if commune_start <= 0:
        return ""
    return tokens.text[: tokens.offset(commune_start)].strip(" ,;|-–\t\n\r")


def _confidence(reading: Reading, *, resolved: bool = False) -> float:
    province, district, commune = reading.province, reading.district, reading.commune
    if (
        not resolved
        and province is not None
        and commune is not None
        and commune.typed
        and not commune.edits
        and not province.edits
        and (district is not None or commune.place.current)
        and (district is None or not district.edits)
    ):
        return 1.0  # the most common reading: typed, no typo, nothing missing
    edits = (
        (province.edits if province else 0)
        + (district.edits if district else 0)
        + (commune.edits if commune else 0)
    )
    value = 1.0 - 0.1 * edits
    if commune is not None and not commune.typed:
        value -= 0.05
    if province is None:
        value -= 0.1
    if commune is not None and not commune.place.current and reading.district is None:
        value -= 0.05
    if resolved:
        value -= 0.05
    return round(max(0.1, min(1.0, value)), 2)


def _not_found_reason(partial: Reading | None) -> str:
    if partial is None:
        return "Không nhận ra tỉnh, huyện hay xã nào trong địa chỉ."
    where = partial.district or partial.province
    assert where is not None
    return f"Không tìm thấy đơn vị cấp xã thuộc {where.place.full_name}."


def _distinct(items: Iterable[Any]) -> list[Any]:
    seen: dict[Any, None] = {}
    for item in items:
        seen.setdefault(item, None)
    return list(seen)


# Evidence --------------------------------------------------------------------------------


def _resolve(
    index: Index,
    commune: Place,
    successors: tuple[Successor, ...],
    tokens: Tokens,
    commune_start: int,
    point: tuple[float, float] | None,
) -> tuple[Any, str, str]:
    """The successor the evidence picks, how, and else why none was picked."""
    keys = [s.key for s in successors]
    if point is not None:
        inside, unknown = _containing(index, keys, point)
        if len(inside) == 1:
            return inside[0], "point", ""
        if not inside and unknown:
            why = "Chưa có ranh giới của mọi đơn vị mới để định vị điểm đã chọn."
        else:
            why = "Điểm đã chọn không nằm trong đúng một đơn vị mới."
    else:
        why = "Cần toạ độ (chọn trên bản đồ) hoặc tên thôn/tổ dân phố để xác định."
    street = tuple(tokens.words[:commune_start])
    matched = _sub_unit_match(index, commune, street, set(keys))
    if matched is not None:
        return matched, "sub_unit", ""
    return None, "", why


def _containing(
    index: Index, keys: list[Any], point: tuple[float, float]
) -> tuple[list[Any], list[Any]]:
    from shapely import Point

    spot = Point(point)
    inside, unknown = [], []
    for key in keys:
        polygon = index.polygons.get(key)
        if polygon is None:
            unknown.append(key)
        elif polygon.covers(spot):
            inside.append(key)
    return inside, unknown


def _sub_unit_match(
    index: Index, commune: Place, street: tuple[str, ...], allowed: set[Any]
) -> Any:
    best: dict[Any, int] = {}
    for words, new_key in index.sub_units.get(commune.key, ()):
        if new_key not in allowed:
            continue
        size = _found_at(street, words)
        if size is None and words[0] in SUB_UNIT_WORDS and len(words) > 1:
            bare = words[1:]
            at = _position(street, bare)
            if at is not None and at > 0 and street[at - 1] in SUB_UNIT_WORDS:
                size = len(bare)
        if size is not None:
            best[new_key] = max(best.get(new_key, 0), size)
    if not best:
        return None
    longest = max(best.values())
    winners = [key for key, size in best.items() if size == longest]
    return winners[0] if len(winners) == 1 else None


def _found_at(street: tuple[str, ...], words: tuple[str, ...]) -> int | None:
    return len(words) if _position(street, words) is not None else None


def _position(street: tuple[str, ...], words: tuple[str, ...]) -> int | None:
    size = len(words)
    for i in range(len(street) - size + 1):
        if street[i : i + size] == words:
            return i
    return None
