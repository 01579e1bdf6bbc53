"""Finding the organisations a clause names, against a directory snapshot passed in.

The directory gives each body its names and aliases and its locality. A short name shared by
both localities ("Sở Tài chính") is settled by what follows it: "hai địa phương" means both,
"Thành ủy" the city, "Tỉnh ủy" the province, a place name that place; otherwise the issuing
(default) locality.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from hopnhat.engine.directives.folding import fold_in_place


@dataclass(frozen=True)
class Locality:
    code: str
    names: tuple[str, ...]
    # A centrally-run city's party committee is the "Thành ủy", a province's the "Tỉnh ủy".
    is_city: bool


@dataclass(frozen=True)
class DirectoryEntry:
    id: int
    names: tuple[str, ...]
    locality: str | None
    kind: str = ""


@dataclass(frozen=True)
class OrgMatch:
    entry_ids: tuple[int, ...]
    phrase: str
    start: int
    end: int


@dataclass
class Directory:
    entries: Sequence[DirectoryEntry]
    localities: Sequence[Locality]
    default_locality: str | None = None
    _patterns: list[tuple[re.Pattern[str], tuple[DirectoryEntry, ...]]] = field(
        default_factory=list
    )

    def __post_init__(self) -> None:
        by_name: dict[str, list[DirectoryEntry]] = {}
        for entry in self.entries:
            if entry.kind == "locality":
                continue  # "thành phố Hải Phòng" is a place in the text, not an assignee
            for name in entry.names:
                folded = " ".join(fold_in_place(name).split())
                if len(folded) >= 4:
                    by_name.setdefault(folded, []).append(entry)
        for name in sorted(by_name, key=len, reverse=True):
            words = r"\s+".join(re.escape(word) for word in name.split())
            self._patterns.append((re.compile(rf"(?<!\w){words}(?!\w)"), tuple(by_name[name])))

    def locality(self, code: str | None) -> Locality | None:
        return next((loc for loc in self.localities if loc.code == code), None)


_CONNECTOR = re.compile(r"^[\s,;]*(?:(?:va|cung|voi)\s+)?[\s,]*$")
_BOTH = re.compile(
    r"^\s*(?:cua\s+|o\s+)?(?:hai|2|cac)\s+(?:dia phuong|tinh,?\s*thanh(?: pho)?)(?!\w)"
)
_CITY_PARTY = re.compile(r"^\s*thanh uy(?!\w)")
_PROVINCE_PARTY = re.compile(r"^\s*tinh uy(?!\w)")


def find_mentions(text: str, directory: Directory) -> list[OrgMatch]:
    """Every organisation named in `text`, longest names first, each settled to its entries."""
    folded = fold_in_place(text)
    spans: list[tuple[int, int, tuple[DirectoryEntry, ...]]] = []
    taken = [False] * len(folded)
    for pattern, entries in directory._patterns:
        for match in pattern.finditer(folded):
            if any(taken[match.start() : match.end()]):
                continue
            for i in range(match.start(), match.end()):
                taken[i] = True
            spans.append((match.start(), match.end(), entries))
    mentions: list[OrgMatch] = []
    for start, end, entries in sorted(spans, key=lambda s: s[0]):
        chosen, end = _settle(entries, folded, end, directory)
        mentions.append(OrgMatch(tuple(e.id for e in chosen), text[start:end], start, end))
    return mentions


def _settle(
    entries: tuple[DirectoryEntry, ...], folded: str, end: int, directory: Directory
) -> tuple[list[DirectoryEntry], int]:
    """Which of the same-named entries the text means, and where the qualifier stops."""
    rest = folded[end:]
    if len(entries) == 1:
        return list(entries), end + _qualifier_length(rest, directory)
    if both := _BOTH.match(rest):
        return _one_per_locality(entries), end + both.end()
    for pattern, is_city in ((_CITY_PARTY, True), (_PROVINCE_PARTY, False)):
        if party := pattern.match(rest):
            codes = {loc.code for loc in directory.localities if loc.is_city == is_city}
            matching = [e for e in entries if e.locality in codes]
            if matching:
                extra = _place_length(rest[party.end() :], directory)
                return matching[:1], end + party.end() + extra
    for loc in directory.localities:
        length = _place_length(rest, directory, only=loc)
        if length:
            matching = [e for e in entries if e.locality == loc.code]
            if matching:
                return matching[:1], end + length
    preferred = [e for e in entries if e.locality == directory.default_locality]
    return (preferred or list(entries))[:1], end


def _one_per_locality(entries: Iterable[DirectoryEntry]) -> list[DirectoryEntry]:
    seen: dict[str | None, DirectoryEntry] = {}
    for entry in entries:
        seen.setdefault(entry.locality, entry)
    return list(seen.values())


def _place_length(rest: str, directory: Directory, *, only: Locality | None = None) -> int:
    for loc in [only] if only else directory.localities:
        for name in sorted(loc.names, key=len, reverse=True):
            pattern = (
                r"^\s*(?:(?:thanh pho|tinh)\s+)?"
                + r"\s+".join(re.escape(w) for w in fold_in_place(name).split())
                + r"(?!\w)"
            )
            if match := re.match(pattern, rest):
                return match.end()
    return 0


def _qualifier_length(rest: str, directory: Directory) -> int:
    if both := _BOTH.match(rest):
        return both.end()
    return _place_length(rest, directory)


def chain_from(
    mentions: list[OrgMatch], text: str, position: int, *, slack: int = 3
) -> list[OrgMatch]:
    """The mentions that start at `position` (give or take `slack`) and follow one another
    joined only by commas and "và": "Sở Tài chính, Sở Tư pháp và Sở Nội vụ"."""
    folded = fold_in_place(text)
    chain: list[OrgMatch] = []
    cursor = position
    for mention in mentions:
        if mention.start < cursor:
            continue
        gap = folded[cursor : mention.start]
        if chain and not _CONNECTOR.match(gap):
            break
        if not chain and len(gap.strip()) > slack:
            break
        chain.append(mention)
        cursor = mention.end
    return chain


def collective_leads(text: str, directory: Directory) -> tuple[int, ...]:
    """'Các cơ quan, đơn vị … của hai địa phương': nobody is named, so the People's Committees
    of the localities concerned answer for their agencies (the officer may change it)."""
    folded = fold_in_place(text)
    codes = [loc.code for loc in directory.localities]
    if not re.search(r"(?<!\w)(?:hai|2|cac)\s+dia phuong(?!\w)", folded):
        named = [loc.code for loc in directory.localities if _mentions_place(folded, loc)]
        codes = named or ([directory.default_locality] if directory.default_locality else codes)
    leads: list[int] = []
    for code in codes:
        committee = next(
            (e for e in directory.entries if e.locality == code and e.kind == "peoples_committee"),
            None,
        )
        if committee is not None:
            leads.append(committee.id)
    return tuple(leads)


def _mentions_place(folded: str, loc: Locality) -> bool:
    return any(
        re.search(r"(?<!\w)" + re.escape(fold_in_place(name)) + r"(?!\w)", folded)
        for name in loc.names
    )
