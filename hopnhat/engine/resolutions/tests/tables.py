"""The shipped old → new tables as resolvers and expected assignments, for tests and the bench.

The engine may not import the territory app, so the few lines that read the CSVs live here.
"""

from __future__ import annotations

import csv
import gzip
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import hopnhat
from hopnhat.engine.resolutions import Resolution, Resolver, assignment_of, links_of, name_key

DATA = Path(hopnhat.__file__).parent / "data"
LEGAL = DATA / "legal"
RESOLUTION_NUMBERS = range(1654, 1688)

_TYPED = re.compile(r"^(thị\s*trấn|đặc\s*khu|xã|phường|huyện)\s+(.*)$", re.IGNORECASE)
_CODED = re.compile(r"^(?P<name>.*?)\s*\((?P<code>\d+)\)\s*$")


def resolution_text(number: int) -> str:
    return (LEGAL / f"NQ{number}-2025-UBTVQH15.md").read_text(encoding="utf-8")


def read_csv(name: str) -> list[list[str]]:
    path = DATA / "vn" / name
    if path.exists():
        with open(path, encoding="utf-8-sig", newline="") as handle:
            return list(csv.reader(handle))
    with gzip.open(path.with_name(path.name + ".gz"), "rt", encoding="utf-8-sig", newline="") as gz:
        return list(csv.reader(gz))


def clean(text: str) -> str:
    # Part of the NSO table is in decomposed Unicode; some names lack or misspell their type.
    text = " ".join(unicodedata.normalize("NFC", text).split())
    return _MISSPELT_TYPE.sub(lambda m: _TYPE_SPELLING[m[1]], text)


_TYPE_SPELLING = {"Xa": "Xã", "Thi trấn": "Thị trấn"}
_MISSPELT_TYPE = re.compile(r"^(Xa|Thi trấn)(?= )")
# NSO rows carrying the code of a neighbour (data/README.md): (name, wrong code) -> code.
NSO_CODE_FIXES = {
    ("Xã Đặng Xá", "00553"): "00556",
    ("Xã Mỹ Hưng", "01615"): "01651",
    ("Xã Phú Thịnh", "02485"): "02482",
}


def split_type(full_name: str) -> tuple[str | None, str]:
    match = _TYPED.match(clean(full_name))
    if match is None:
        return None, clean(full_name)
    return " ".join(match[1].lower().split()), match[2]


def split_coded(text: str) -> tuple[str, str]:
    match = _CODED.match(clean(text))
    return (match["name"], match["code"]) if match else (clean(text), "")


@dataclass(frozen=True)
class OldUnit:
    code: str
    unit_type: str | None
    name: str  # without its type
    full_name: str
    district: str  # "Huyện Nam Sách"
    province: str  # "Tỉnh Hải Dương"


Assignment = set[tuple[str | None, str, bool]]  # (old code, new full name, whole)


class Table:
    """One province's old units, for resolving names, and its expected assignment."""

    def __init__(self) -> None:
        self.old_units: dict[str, OldUnit] = {}
        self.by_name: dict[str, dict[str, OldUnit]] = defaultdict(dict)
        self.assignment: Assignment = set()

    def add(self, old: OldUnit, new_full_name: str, whole: bool) -> None:
        self.old_units[old.code] = old
        self.by_name[name_key(old.name)][old.code] = old
        self.assignment.add((old.code, name_key(new_full_name), whole))

    def resolve(self, name: str, unit_type: str, hint: str | None, province: str) -> str | None:
        key = name_key(name)
        if unit_type == "khu vực":  # "khu vực bãi bồi ven biển (do huyện Kim Sơn quản lý)"
            units = self.old_units.values()
            candidates = [u for u in units if key in name_key(u.full_name)]
        elif unit_type == "huyện":  # a communeless island district
            candidates = [u for u in self.by_name[key].values() if u.code.startswith("D")]
        else:
            candidates = list(self.by_name[key].values())
            typed = [u for u in candidates if u.unit_type in (unit_type, None)]
            candidates = typed or candidates
        if len(candidates) > 1 and hint:
            candidates = _by_district(candidates, hint) or candidates
        return candidates[0].code if len(candidates) == 1 else None

    @property
    def resolver(self) -> Resolver:
        return self.resolve

    def district_of(self, code: str) -> str | None:
        old = self.old_units.get(code)
        return old.district if old else None


def _by_district(candidates: list[OldUnit], hint: str) -> list[OldUnit]:
    hint_key = f" {name_key(hint)} "
    found = [u for u in candidates if f" {name_key(u.district)} " in hint_key]
    if len(found) > 1:
        found = [u for u in found if f" {name_key(split_type(u.province)[1])} " in hint_key]
    if not found:  # "(Quận 3)" against "Quận 3"; "(thành phố Thủy Nguyên)"; bare names
        found = [u for u in candidates if name_key(split_type(u.district)[1]) in hint_key]
    return found


# The official NSO table, per new province ----------------------------------------------


def _nso_whole(note: str) -> bool:
    note = clean(note).lower()
    return "một phần" not in note and "phần còn lại" not in note


@cache
def nso_tables() -> dict[str, Table]:
    """New province (name_key, without "tỉnh"/"thành phố") -> its table."""
    tables: dict[str, Table] = defaultdict(Table)
    for row in read_csv("nso_old_to_new_2025_official.csv")[2:]:
        row = [*row, "", "", "", "", "", "", "", "", ""][:9]
        province, new_name, _, old_name, old_code, note, district, old_province, _ = row
        if not clean(new_name) or not clean(province):
            continue  # a province title row
        district_name, district_code = split_coded(district)
        if not clean(old_code):  # a communeless island district, or the Kim Sơn alluvial area
            old_code = f"D{district_code}"
            old_name = old_name or district_name
        old_code = NSO_CODE_FIXES.get((clean(old_name), clean(old_code)), clean(old_code))
        unit_type, bare = split_type(old_name)
        if unit_type is None and old_code.startswith("D"):
            unit_type, bare = "huyện", split_type(district_name)[1]
        old = OldUnit(
            code=clean(old_code),
            unit_type=unit_type,
            name=bare,
            full_name=clean(old_name),
            district=district_name,
            province=split_coded(old_province)[0],
        )
        tables[_province_bare(split_coded(province)[0])].add(old, clean(new_name), _nso_whole(note))
    return dict(tables)


def _province_bare(province: str) -> str:
    return re.sub(r"^(tỉnh|thành phố)\s+", "", name_key(province))


def nso_table_for(resolution: Resolution) -> Table:
    return nso_tables()[_province_bare(resolution.province)]


# The HD + HP crosswalk -----------------------------------------------------------------


@cache
def hp_crosswalk_table() -> Table:
    rows = read_csv("hp_hd_old_to_new_2025_crosswalk.csv")
    header = rows[0]
    table = Table()
    for values in rows[1:]:
        row = dict(zip(header, values, strict=True))
        code = row["old_code"] or f"D{row['old_district_code']}"
        unit_type, bare = split_type(row["old_name"])
        old = OldUnit(
            code=code,
            unit_type=unit_type,
            name=bare,
            full_name=row["old_name"],
            district=row["old_district"],
            province="Tỉnh Hải Dương"
            if row["old_province_code"] == "30"
            else "Thành phố Hải Phòng",
        )
        table.add(old, row["new_name"], row["relation"] == "whole")
    return table


def parsed_assignment(resolution: Resolution, table: Table) -> Assignment:
    return {
        (code, name_key(new), whole)
        for code, new, whole in assignment_of(
            links_of(resolution, table.resolver, table.district_of)
        )
    }


@dataclass(frozen=True)
class ProvinceMatch:
    number: str
    province: str
    units: int  # in the resolution, kept units included
    official_units: int  # in the NSO table
    matching: int  # units whose (old code, whole) set equals the NSO table's
    mismatches: tuple[str, ...]


def match_against_nso(resolution: Resolution) -> ProvinceMatch:
    table = nso_table_for(resolution)
    expected: dict[str, set[tuple[str | None, bool]]] = defaultdict(set)
    for code, new, whole in table.assignment:
        expected[new].add((code, whole))
    got: dict[str, set[tuple[str | None, bool]]] = defaultdict(set)
    for code, new, whole in parsed_assignment(resolution, table):
        got[new].add((code, whole))
    matching = sum(1 for new, links in got.items() if expected.get(new) == links)
    mismatches = tuple(
        f"{new}: resolution {sorted(got[new], key=str)} vs NSO {sorted(expected.get(new, ()))}"
        for new in sorted(set(got) | set(expected))
        if got.get(new) != expected.get(new)
    )
    return ProvinceMatch(
        number=resolution.number,
        province=resolution.province,
        units=len(resolution.all_units),
        official_units=len(expected),
        matching=matching,
        mismatches=mismatches,
    )
