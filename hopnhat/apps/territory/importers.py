"""The shipped data files (hopnhat/data) -> validated rows. No database access here.

Provenance and the known defects of every file are in hopnhat/data/README.md; the defects
handled in code are named where they are handled.
"""

from __future__ import annotations

import csv
import datetime
import gzip
import io
import json
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from hopnhat.engine.text import fold

DATA_DIR = Path(__file__).resolve().parents[2] / "data"
LEGAL_DIR = DATA_DIR / "legal"

NSO_TABLE = "vn/nso_old_to_new_2025_official.csv"
NEW_ATTRIBUTES = "vn/vn_communes_2025-07_new_attributes.csv"
NATIONWIDE_CROSSWALK = "vn/vn_old_to_new_2025_crosswalk.csv"
HP_HD_LEGACY = "vn/hp_hd_communes_2025-06_legacy.geojson"
HP_HD_DISTRICTS = "vn/hp_hd_districts_2025-06_dissolved.geojson"
HP_NEW = "vn/hp_communes_2025-07_new.geojson"
HP_HD_CROSSWALK = "vn/hp_hd_old_to_new_2025_crosswalk.csv"

# The 34 resolutions of 16/6/2025 arranging the commune-level units of each new province:
# resolution number -> code of the new province (file list of docs/legal-texts/README.md).
PROVINCE_RESOLUTIONS: dict[int, str] = {
    1654: "91", 1655: "96", 1656: "01", 1657: "04", 1658: "24", 1659: "48", 1660: "66",
    1661: "11", 1662: "75", 1663: "82", 1664: "52", 1665: "42", 1666: "33", 1667: "56",
    1668: "92", 1669: "31", 1670: "12", 1671: "68", 1672: "20", 1673: "15", 1674: "37",
    1675: "46", 1676: "25", 1677: "51", 1678: "40", 1679: "22", 1680: "44", 1681: "14",
    1682: "80", 1683: "19", 1684: "08", 1685: "79", 1686: "38", 1687: "86",
}  # fmt: skip


def open_data(name: str) -> io.TextIOBase:
    """Open a shipped data file, transparently reading its gzipped form."""
    path = DATA_DIR / name
    if path.exists():
        return open(path, encoding="utf-8-sig", newline="")
    return io.TextIOWrapper(
        gzip.open(path.with_name(path.name + ".gz")), encoding="utf-8-sig", newline=""
    )


def read_geojson(name: str) -> list[dict[str, Any]]:
    with open_data(name) as handle:
        features: list[dict[str, Any]] = json.load(handle)["features"]
    return features


def read_csv(name: str) -> list[dict[str, str]]:
    with open_data(name) as handle:
        return list(csv.DictReader(handle))


def clean(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


_CODE_SUFFIX = re.compile(r"^(?P<name>.*?)\s*\((?P<code>\d+)\)\s*$")


def split_coded(text: str) -> tuple[str, str]:
    """'Huyện Kim Thành (293)' -> ('Huyện Kim Thành', '293')."""
    match = _CODE_SUFFIX.match(clean(text))
    if match is None:
        raise ValueError(f"no code in {text!r}")
    return match["name"], match["code"]


# Unit names ------------------------------------------------------------------------------

_TYPE_PREFIXES = [
    ("thành phố trực thuộc trung ương", "thanh_pho_tw"),
    ("thị trấn", "thi_tran"),
    ("thị xã", "thi_xa"),
    ("thành phố", "thanh_pho_thuoc_tinh"),
    ("đặc khu", "dac_khu"),
    ("phường", "phuong"),
    ("quận", "quan"),
    ("huyện", "huyen"),
    ("tỉnh", "tinh"),
    ("xã", "xa"),
]


def split_type(full_name: str) -> tuple[str, str]:
    """'Thị xã Kinh Môn' -> ('thi_xa', 'Kinh Môn'). Capitalisation varies in the NSO table."""
    text = clean(full_name)
    lowered = text.lower()
    for prefix, unit_type in _TYPE_PREFIXES:
        if lowered.startswith(prefix + " "):
            return unit_type, text[len(prefix) + 1 :].strip()
    raise ValueError(f"unknown unit type in {full_name!r}")


def normalised_full_name(full_name: str) -> str:
    _unit_type, name = split_type(full_name)
    prefix = clean(full_name)[: len(clean(full_name)) - len(name)].strip()
    return f"{prefix[:1].upper()}{prefix[1:].lower()} {name}"


# The NSO table --------------------------------------------------------------------------


@dataclass(frozen=True)
class NsoRow:
    new_province_name: str
    new_province_code: str
    new_name: str
    new_code: str
    old_name: str  # '' for a communeless district or the Kim Sơn coastal area
    old_code: str  # '' likewise
    note: str
    old_district_name: str
    old_district_code: str
    old_province_name: str
    old_province_code: str
    line: int

    @property
    def is_part(self) -> bool:
        # 'Nhập một phần', 'Nhập một phần diện tích, toàn bộ dân số', 'Phần còn lại sau khi
        # tách một phần…', with the table's varying spaces and typos ('Nhâp').
        return "mot phan" in fold(self.note)


@dataclass
class NsoTable:
    rows: list[NsoRow]
    corrections: list[str] = field(default_factory=list)


# Old commune codes the NSO table gives to the wrong commune: the same code then names two
# communes of one district. The right code is the one the GSO list (vietnamadminunits
# crosswalk) gives to that name in that district.
def _fix_miscoded_rows(rows: list[NsoRow], crosswalk: list[dict[str, str]]) -> list[str]:
    names_by_code: dict[str, set[str]] = {}
    for row in rows:
        if row.old_code:
            names_by_code.setdefault(row.old_code, set()).add(fold(row.old_name))
    gso_code = {
        (r["old_district_code"], fold(clean(r["old_ward"]))): r["old_ward_code"] for r in crosswalk
    }
    gso_name = {r["old_ward_code"]: fold(clean(r["old_ward"])) for r in crosswalk}
    corrections = []
    for index, row in enumerate(rows):
        if len(names_by_code.get(row.old_code, ())) < 2 or gso_name.get(row.old_code) == fold(
            row.old_name
        ):
            continue
        right = gso_code.get((row.old_district_code, fold(row.old_name)))
        if right is None:
            raise ValueError(
                f"NSO line {row.line}: cannot resolve code {row.old_code} of {row.old_name}"
            )
        rows[index] = _replace(row, old_code=right)
        corrections.append(f"line {row.line}: {row.old_name} {row.old_code} -> {right}")
    return corrections


def _replace(row: NsoRow, **changes: str) -> NsoRow:
    values = {**row.__dict__, **changes}
    return NsoRow(**values)


def read_nso_table() -> NsoTable:
    """The official NSO old->new table: two header rows, then rows grouped under province titles."""
    with open_data(NSO_TABLE) as handle:
        raw = list(csv.reader(handle))
    rows: list[NsoRow] = []
    province_names = {}
    for line, cells in enumerate(raw, start=1):
        cells = [clean(c) for c in cells] + [""] * (9 - len(cells))
        # Header rows, province titles ('CAO BẰNG') and the stray 'Tỉnh Bắc Ninh (24)' title
        # all have no new code.
        if not cells[2].isdigit():
            continue
        new_province_name, new_province_code = split_coded(cells[0])
        old_district_name, old_district_code = split_coded(cells[6])
        old_province_name, old_province_code = split_coded(cells[7])
        if not old_province_name.lower().startswith(("tỉnh", "thành phố")):
            # Line of Cồn Cỏ reads 'Quảng Trị (44)'; 44 is old Quảng Bình, the district
            # (471) was in Quảng Trị, code 45.
            old_province_name, old_province_code = f"Tỉnh {old_province_name}", "45"
        province_names[old_province_code] = old_province_name
        rows.append(
            NsoRow(
                new_province_name=new_province_name,
                new_province_code=new_province_code,
                new_name=cells[1],
                new_code=cells[2],
                old_name=cells[3] if cells[4] else "",
                old_code=cells[4],
                note=cells[5] if cells[4] or not cells[3] else f"{cells[3]}: {cells[5]}",
                old_district_name=old_district_name,
                old_district_code=old_district_code,
                old_province_name=old_province_name,
                old_province_code=old_province_code,
                line=line,
            )
        )
    crosswalk = read_csv(NATIONWIDE_CROSSWALK)
    corrections = _fix_miscoded_rows(rows, crosswalk)
    corrections += _fix_untyped_names(rows, crosswalk)
    return NsoTable(rows=rows, corrections=corrections)


# A few old names lack their type or misspell it ('Xuân Phước', 'Xa Ea Kly', 'Thi trấn Ngan
# Dừa'): the GSO list name of the same code replaces them.
def _fix_untyped_names(rows: list[NsoRow], crosswalk: list[dict[str, str]]) -> list[str]:
    gso_name = {r["old_ward_code"]: clean(r["old_ward"]) for r in crosswalk}
    corrections = []
    for index, row in enumerate(rows):
        if not row.old_code or _has_type(row.old_name):
            continue
        rows[index] = _replace(row, old_name=gso_name[row.old_code])
        corrections.append(f"line {row.line}: {row.old_name!r} -> {gso_name[row.old_code]!r}")
    return corrections


def _has_type(full_name: str) -> bool:
    try:
        split_type(full_name)
    except ValueError:
        return False
    return True


# The resolutions -------------------------------------------------------------------------


@dataclass(frozen=True)
class Resolution:
    number: int
    province_code: str
    file_name: str
    signed_on: datetime.date
    # Clause number of Điều 1 -> its text folded without spaces (the converted texts lose
    # spaces: 'phườngNgô Quyền', 'là**đặc khu').
    clauses: dict[int, str]

    @property
    def document_number(self) -> str:
        return f"{self.number}/NQ-UBTVQH15"

    def clause_naming(self, full_name: str) -> int | None:
        """The clause of Điều 1 that forms the unit: its name follows 'tên gọi là'.

        Units left as they were are listed by bare name in the clause that closes Điều 1
        ('… và 13 xã không thực hiện sắp xếp là các xã …').
        """
        key = _squeezed(full_name)
        for number, squeezed in self.clauses.items():
            if any(tail.startswith(key) for tail in squeezed.split("têngọilà")[1:]):
                return number
        bare = _squeezed(split_type(full_name)[1])
        for number, squeezed in self.clauses.items():
            if (
                "khôngthựchiệnsắpxếp" in squeezed
                and bare in squeezed.split("khôngthựchiệnsắpxếp")[1]
            ):
                return number
        return None


# Old-style tone placement ('Hoà') against the modern one ('Hòa').
_OLD_STYLE = re.compile(r"o([àáảãạ])|u([ỳýỷỹỵ])")


def _modern_tones(text: str) -> str:
    def move(match: re.Match[str]) -> str:
        if match[1]:
            return {"à": "òa", "á": "óa", "ả": "ỏa", "ã": "õa", "ạ": "ọa"}[match[1]]
        return {"ỳ": "ùy", "ý": "úy", "ỷ": "ủy", "ỹ": "ũy", "ỵ": "ụy"}[match[2]]

    return _OLD_STYLE.sub(move, text)


def _squeezed(text: str) -> str:
    # Diacritics matter here: Cẩm Giang and Cẩm Giàng are two communes of Hải Phòng.
    return _modern_tones(re.sub(r"[\W_]", "", unicodedata.normalize("NFC", text).lower()))


_CLAUSE_START = re.compile(r"^(\d+)\\?\.\s*")


def _article_one(text: str) -> str:
    start = text.find("Điều 1.")
    end = text.find("Điều 2.", start)
    return text[start:end]


def parse_resolution(number: int, text: str) -> Resolution:
    # Some converted texts are in decomposed Unicode (NFD).
    text = unicodedata.normalize("NFC", text)
    clauses: dict[int, list[str]] = {}
    current = None
    for line in _article_one(text).splitlines():
        match = _CLAUSE_START.match(line.strip())
        if match:
            current = int(match[1])
            clauses[current] = [line.strip()[match.end() :]]
        elif current is not None:
            clauses[current].append(line.strip())
    return Resolution(
        number=number,
        province_code=PROVINCE_RESOLUTIONS[number],
        file_name=f"NQ{number}-2025-UBTVQH15.md",
        signed_on=datetime.date(2025, 6, 16),
        clauses={n: _squeezed(" ".join(parts)) for n, parts in clauses.items()},
    )


@cache
def read_resolutions() -> dict[str, Resolution]:
    """New province code -> the resolution arranging its commune-level units."""
    result = {}
    for number, province_code in PROVINCE_RESOLUTIONS.items():
        text = (LEGAL_DIR / f"NQ{number}-2025-UBTVQH15.md").read_text(encoding="utf-8")
        result[province_code] = parse_resolution(number, text)
    return result


def iter_features(name: str) -> Iterator[tuple[dict[str, Any], dict[str, Any]]]:
    for feature in read_geojson(name):
        yield feature["properties"], feature["geometry"]
