"""From parsed names to old-unit codes, through a resolver the caller supplies."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from hopnhat.engine.resolutions.model import Constituent, NewUnit, Resolution
from hopnhat.engine.resolutions.names import name_key

# (name, unit type, district hint, province) -> the code of the old unit, or None.
# The hint is the bracket of the text ("huyện Nam Sách"); the resolver should use it only
# to choose among same-name units, because a hint may be inferred (see Constituent).
Resolver = Callable[[str, str, str | None, str], str | None]
# Old unit code -> the name of its district ("Huyện Kim Thành"), to retry a same-name unit
# the text does not tell apart with the district of its fellow constituents.
DistrictOf = Callable[[str], str | None]


@dataclass(frozen=True)
class Link:
    """An old unit (or part of it) going into a new unit."""

    old_code: str | None
    old: Constituent
    new: NewUnit

    @property
    def whole(self) -> bool:
        return self.old.whole


def links_of(
    resolution: Resolution, resolver: Resolver, district_of: DistrictOf | None = None
) -> list[Link]:
    """Resolve every constituent.

    Without a bracket, a name shared by several old units of the province is retried with
    the districts of the other constituents of the same clause (most frequent first), then
    taken from the clause a remainder refers to: "xã Hòa Bình" of NQ 1669 khoản 79 is the
    one of Kim Thành, as the other constituents are.
    """
    province = resolution.province
    codes: dict[tuple[int, int], str | None] = {}
    units = resolution.all_units
    for u, unit in enumerate(units):
        for c, old in enumerate(unit.constituents):
            codes[u, c] = resolver(old.name, old.unit_type, old.district_hint, province)
        if district_of is not None:
            _retry_with_fellow_districts(u, unit, codes, resolver, district_of, province)
    _share_codes_along_remainders(units, codes)
    return [
        Link(old_code=codes[u, c], old=old, new=unit)
        for u, unit in enumerate(units)
        for c, old in enumerate(unit.constituents)
    ]


def _retry_with_fellow_districts(
    u: int,
    unit: NewUnit,
    codes: dict[tuple[int, int], str | None],
    resolver: Resolver,
    district_of: DistrictOf,
    province: str,
) -> None:
    districts = Counter(
        district
        for c in range(len(unit.constituents))
        if (code := codes[u, c]) is not None and (district := district_of(code)) is not None
    )
    for c, old in enumerate(unit.constituents):
        if codes[u, c] is not None:
            continue
        for district, _ in districts.most_common():
            code = resolver(old.name, old.unit_type, district, province)
            if code is not None:
                codes[u, c] = code
                break


def _share_codes_along_remainders(
    units: tuple[NewUnit, ...], codes: dict[tuple[int, int], str | None]
) -> None:
    where = {
        (unit.clause, old.unit_type, name_key(old.name)): (u, c)
        for u, unit in enumerate(units)
        for c, old in enumerate(unit.constituents)
        if not old.whole
    }
    for u, unit in enumerate(units):
        for c, old in enumerate(unit.constituents):
            for clause in old.remainder_of:
                other = where.get((clause, old.unit_type, name_key(old.name)))
                if other is None:
                    continue
                if codes[u, c] is None:
                    codes[u, c] = codes[other]
                elif codes[other] is None:
                    codes[other] = codes[u, c]


def assignment_of(links: list[Link]) -> set[tuple[str | None, str, bool]]:
    """{(old code, new unit full name, whole)}: the shape a plan's assignment compares to."""
    return {(link.old_code, link.new.full_name, link.whole) for link in links}


def unresolved(links: list[Link]) -> list[Link]:
    return [link for link in links if link.old_code is None]
