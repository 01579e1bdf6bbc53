"""Our own labelled address set, built from the official NSO old -> new table only.

    python bench/address_eval.py [--per-province 45] [--seed 7] [--out var/address_eval.csv]

Every old province contributes a sample of its communes, each written one realistic way
(full names, abbreviations, no diacritics, capitals, a street in front, no separators, doubled
separators, a typo, no district where the commune is unique in its province). The expected
answer is the set of new codes the NSO table gives: one code for an undivided commune, the
full candidate set for a divided one. Negative rows (made-up communes, a commune placed in a
district it does not belong to) must come back not_found or invalid.
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from hopnhat.apps.territory.importers import read_nso_table, split_type
from hopnhat.engine.address.text import fold_name
from hopnhat.engine.text import fold

FIELDS = ("address", "kind", "variant", "old_code", "expected", "old_province_code")
ABBREVIATIONS = {
    "phuong": "P.", "xa": "X.", "thi_tran": "TT.", "quan": "Q.", "huyen": "H.",
    "thi_xa": "TX.", "thanh_pho_thuoc_tinh": "TP.", "thanh_pho_thuoc_tp": "TP.",
    "tinh": "T.", "thanh_pho_tw": "TP.",
}  # fmt: skip
STREETS = ("số 5 đường Lê Lợi", "12 Nguyễn Trãi", "thôn Đông", "tổ 3", "ngõ 4 phố Huế", "ấp 2")
MADE_UP = (
    "Quỳnh Bảo Tây",
    "Vạn Xuân Thượng",
    "Hồng Lạc Đông",
    "Kỳ Sơn Hạ",
    "Phù Lưu Bắc",
    "Ngọc Khê Trung",
)


@dataclass
class Old:
    code: str
    name: str
    district_code: str
    district: str
    province_code: str
    province: str
    new_codes: set[str]
    new_province: str


def bare(full_name: str) -> str:
    """The folded name without its type ('Phường Trần Hưng Đạo' -> 'tran hung dao')."""
    try:
        return fold_name(split_type(full_name)[1])
    except ValueError:  # a few NSO names lack their type
        return fold_name(full_name)


BY_NAME: dict[str, list[Old]] = defaultdict(list)


def load() -> tuple[dict[str, Old], dict[str, set[str]]]:
    communes: dict[str, Old] = {}
    new_names: dict[str, set[str]] = defaultdict(set)  # new province (folded) -> commune names
    for row in read_nso_table().rows:
        new_names[bare(row.new_province_name)].add(bare(row.new_name))
        if not row.old_code:
            continue
        old = communes.setdefault(
            row.old_code,
            Old(row.old_code, row.old_name, row.old_district_code, row.old_district_name,
                row.old_province_code, row.old_province_name, set(), row.new_province_name),
        )  # fmt: skip
        old.new_codes.add(row.new_code)
    # A few NSO rows give a commune the wrong old province (Phường 4 of Tân An, Long An, is
    # given Tiền Giang): each district's province is the one most of its rows give.
    votes: dict[str, Counter[tuple[str, str]]] = defaultdict(Counter)
    for row in read_nso_table().rows:
        votes[row.old_district_code][(row.old_province_code, row.old_province_name)] += 1
    for old in communes.values():
        old.province_code, old.province = votes[old.district_code].most_common(1)[0][0]
    BY_NAME.clear()
    for old in communes.values():
        BY_NAME[bare(old.name)].append(old)
    return communes, new_names


def _typed(full_name: str, style: str, rng: random.Random) -> str:
    unit_type, name = split_type(full_name)
    if style == "abbrev":
        return f"{ABBREVIATIONS.get(unit_type, '')} {name}".strip()
    if style == "short" and unit_type in ("phuong", "quan") and name.isdigit():
        return f"{ABBREVIATIONS[unit_type][0]}{int(name):02d}"
    return full_name


def _typo(name: str, rng: random.Random) -> str | None:
    # Inside a word: a typo never removes a whole one-letter word ("Tân Thành A").
    letters = [
        i for i, c in enumerate(name)
        if c.isalpha() and 0 < i < len(name) - 1 and name[i - 1].isalpha() and name[i + 1].isalpha()
    ]  # fmt: skip
    if len(name) < 7 or not letters:
        return None
    i = rng.choice(letters)
    if rng.random() < 0.5 and i + 1 < len(name) and name[i + 1].isalpha() and name[i].islower():
        return name[:i] + name[i + 1] + name[i] + name[i + 2 :]  # swapped letters
    return name[:i] + name[i + 1 :]  # a dropped letter


def unique_in_scope(old: Old, communes: dict[str, Old], new_names: dict[str, set[str]]) -> bool:
    """The commune can be written without its district: its name is unique among the old
    communes an address naming its province may mean, and no current commune of a new
    province of the same name carries it."""
    name = bare(old.name)
    province = bare(old.province)
    same = [
        o
        for o in BY_NAME[name]
        if o.province_code == old.province_code or bare(o.new_province) == province
    ]
    return len(same) == 1 and name not in new_names.get(province, set())


def address_for(
    old: Old,
    variant: str,
    rng: random.Random,
    communes: dict[str, Old],
    new_names: dict[str, set[str]],
) -> str | None:
    commune, district, province = old.name, old.district, old.province
    if variant == "abbrev":
        parts = [
            _typed(commune, "abbrev", rng),
            _typed(district, "abbrev", rng),
            _typed(province, "abbrev", rng),
        ]
    elif variant == "short_numbers":
        if not split_type(commune)[1].isdigit():
            return None
        parts = [_typed(commune, "short", rng), _typed(district, "short", rng), province]
    elif variant == "no_diacritics":
        if _twin_in_district(old):
            return None  # Hoằng Phú and Hoằng Phụ of one district: without marks, both fit
        parts = [fold(commune).title(), fold(district).title(), fold(province).title()]
    elif variant == "caps":
        parts = [commune.upper(), district.upper(), province.upper()]
    elif variant == "street":
        parts = [rng.choice(STREETS), commune, district, province]
    elif variant == "no_separators":
        return " ".join([rng.choice(STREETS), commune, district, province])
    elif variant == "doubled_separators":
        return " ,, ".join([commune, district, province]) + ","
    elif variant == "typo":
        _unit_type, name = split_type(commune)
        typo = _typo(name, rng)
        if typo is None or _near_other(old, fold_name(typo), communes):
            return None
        parts = [commune[: len(commune) - len(name)] + typo, district, province]
    elif variant == "no_district":
        if not unique_in_scope(old, communes, new_names):
            return None
        parts = [commune, province]
    else:
        parts = [commune, district, province]
    return ", ".join(parts)


def _twin_in_district(old: Old) -> bool:
    return any(
        o.code != old.code and o.district_code == old.district_code for o in BY_NAME[bare(old.name)]
    )


def _near_other(old: Old, typo: str, communes: dict[str, Old]) -> bool:
    def deletions(text: str) -> set[str]:
        return {text, *(text[:i] + text[i + 1 :] for i in range(len(text)))}

    mine = deletions(typo)
    return any(
        o.code != old.code and o.district_code == old.district_code
        and mine & deletions(bare(o.name))
        for o in communes.values()
    )  # fmt: skip


VARIANTS = ("full", "abbrev", "no_diacritics", "caps", "street", "no_separators",
            "doubled_separators", "typo", "no_district", "short_numbers")  # fmt: skip


def generate(per_province: int, seed: int) -> list[dict[str, str]]:
    rng = random.Random(seed)
    communes, new_names = load()
    by_province: dict[str, list[Old]] = defaultdict(list)
    for old in communes.values():
        by_province[old.province_code].append(old)
    rows: list[dict[str, str]] = []
    for province_code in sorted(by_province):
        olds = sorted(by_province[province_code], key=lambda o: o.code)
        divided = [o for o in olds if len(o.new_codes) > 1]
        sample = rng.sample(olds, min(per_province, len(olds)))
        # Divided communes are a minority; take a few more so that every province has some.
        sample += rng.sample(divided, min(max(3, per_province // 8), len(divided)))
        for old in sample:
            for variant in rng.sample(VARIANTS, len(VARIANTS)):
                address = address_for(old, variant, rng, communes, new_names)
                if address is not None:
                    break
            kind = "divided" if len(old.new_codes) > 1 else "single"
            rows.append(_row(address, kind, variant, old, "|".join(sorted(old.new_codes))))
        rows.extend(_negatives(olds, rng, per_province))
    return rows


def _row(address: str | None, kind: str, variant: str, old: Old, expected: str) -> dict[str, str]:
    return {"address": address or "", "kind": kind, "variant": variant, "old_code": old.code,
            "expected": expected, "old_province_code": old.province_code}  # fmt: skip


def _negatives(olds: list[Old], rng: random.Random, per_province: int) -> list[dict[str, str]]:
    rows = []
    count = max(2, per_province // 10)
    for _ in range(count):
        old = rng.choice(olds)
        name = f"Xã {rng.choice(MADE_UP)}"
        rows.append(_row(f"{name}, {old.district}, {old.province}", "negative", "made_up", old, ""))
    districts = defaultdict(list)
    for old in olds:
        districts[old.district_code].append(old)
    codes = sorted(districts)
    for _ in range(count):
        old = rng.choice(olds)
        other = rng.choice([c for c in codes if c != old.district_code] or [old.district_code])
        target = districts[other][0]
        names_there = {bare(o.name) for o in districts[other]}
        if other == old.district_code or bare(old.name) in names_there:
            continue
        rows.append(
            _row(
                f"{old.name}, {target.district}, {old.province}",
                "negative",
                "wrong_district",
                old,
                "",
            )
        )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--per-province", type=int, default=45)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path, default=Path("var/address_eval.csv"))
    args = parser.parse_args()
    rows = generate(args.per_province, args.seed)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with open(args.out, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=FIELDS)
        writer.writeheader()
        writer.writerows(rows)
    kinds: dict[str, int] = defaultdict(int)
    for row in rows:
        kinds[row["kind"]] += 1
    print(
        f"{len(rows)} rows ({dict(kinds)}) from {len({r['old_province_code'] for r in rows})} old provinces: {args.out}"
    )


if __name__ == "__main__":
    main()
