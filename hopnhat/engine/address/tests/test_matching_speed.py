"""The matcher's shortcuts change no answer: the per-pool typo prefilter and the order of
near names (the same in every process)."""

from __future__ import annotations

import dataclasses
import json
import os
import random
import subprocess
import sys
from pathlib import Path

from hopnhat.engine.address import Gazetteer, Place, Successor, build_index, convert, matching
from hopnhat.engine.address.gazetteer import FUZZY_MIN_LENGTH, _pool_halves
from hopnhat.engine.address.matching import (
    GOOD_ENOUGH,
    _near,
    _near_hits,
    _no_exact_commune,
    _search,
    _typed_tail,
)
from hopnhat.engine.address.tests.builders import hai_phong
from hopnhat.engine.address.text import tokenise


def _one_deletion_apart(a: str, b: str) -> bool:
    """The near-name rule of matching._near, by brute force: one deletion (or none) on
    either side gives the same text."""

    def variants(text: str) -> set[str]:
        return {text, *(text[:i] + text[i + 1 :] for i in range(len(text)))}

    return bool(variants(a) & variants(b))


def _passes(key: str, halves: tuple[frozenset[str], frozenset[str]]) -> bool:
    # The check of matching._near_hits.
    firsts, seconds = halves
    half = (len(key) - 1) // 2
    return key[:half] in firsts or key[half:] in seconds


def test_the_pool_prefilter_never_rules_out_a_near_name():
    rng = random.Random(5)
    letters = "abcdeghiklmnopqrstuvxy "
    names = {"".join(rng.choice(letters) for _ in range(rng.randint(6, 14))) for _ in range(60)}
    names = {n.strip() for n in names if len(n.strip()) >= FUZZY_MIN_LENGTH}
    pool = {name: [] for name in names}
    _, firsts, seconds = _pool_halves([pool])[id(pool)]  # type: ignore[list-item,dict-item]
    checked = 0
    for name in names:
        # Every text one edit away (dropped, added, changed or swapped letters) must pass.
        for i in range(len(name) + 1):
            for letter in "aoz":
                for key in (
                    name[:i] + name[i + 1 :],
                    name[:i] + letter + name[i:],
                    name[:i] + letter + name[i + 1 :],
                    name[:i] + name[i + 1 : i + 2] + name[i : i + 1] + name[i + 2 :],
                ):
                    if _one_deletion_apart(key, name):
                        checked += 1
                        assert _passes(key, (firsts, seconds)), (key, name)
    assert checked > 1000
    # And it does rule texts out: a text near no name of the pool mostly fails.
    strangers = ["".join(rng.choice("fjwz") for _ in range(10)) for _ in range(50)]
    assert not any(_passes(text, (firsts, seconds)) for text in strangers)


def test_near_hits_are_the_same_with_and_without_the_pool_prefilter():
    index = hai_phong()
    district = next(p for p in index.by_key.values() if p.full_name == "Thành phố Hải Dương")
    pool = index.children[district.key]
    assert id(pool) in index.pool_halves
    addresses = [
        "Phường Trần Hưng Đạp, Thành phố Hải Dương",
        "Phường Tràn Hưng Đạo, Thành phố Hải Dương",
        "Phường Cẩm Thương, Thành phố Hải Dương",
        "Phường Hưng Đạo Vương, Thành phố Hải Dương",
        "Phường Quỳnh Bảo Tây, Thành phố Hải Dương",
    ]
    for address in addresses:
        tokens = tokenise(address)
        end = min(b for b in tokens.breaks if b > 0)
        with_prefilter = _near_hits(tokens, end, pool, "commune", index)
        saved, index.pool_halves = index.pool_halves, {}
        try:
            without = _near_hits(tokenise(address), end, pool, "commune", index)
        finally:
            index.pool_halves = saved
        assert [(h.place.key, h.start, h.end) for h in with_prefilter] == [
            (h.place.key, h.start, h.end) for h in without
        ]
    # The fixture has real typos: the prefilter let them through.
    tokens = tokenise(addresses[0])
    end = min(b for b in tokens.breaks if b > 0)
    assert [h.place.full_name for h in _near_hits(tokens, end, pool, "commune", index)] == [
        "Phường Trần Hưng Đạo"
    ]


def _two_near_names():
    """One district holding Quảng Hưng and Quảng Phương, both one edit from "Quảng Phưng"."""
    places = [
        Place("p", "44", "province", "tinh", "Quảng Bình", "Tỉnh Quảng Bình", None, False),
        Place("d", "454", "district", "huyen", "Quảng Trạch", "Huyện Quảng Trạch", "p", False),
        Place("a", "19042", "commune", "xa", "Quảng Hưng", "Xã Quảng Hưng", "d", False),
        Place("b", "19057", "commune", "xa", "Quảng Phương", "Xã Quảng Phương", "d", False),
        Place("np", "44", "province", "tinh", "Quảng Trị", "Tỉnh Quảng Trị", None, True),
        Place("x", "1", "commune", "xa", "Phú Trạch", "Xã Phú Trạch", "np", True, True),
        Place("y", "2", "commune", "xa", "Quảng Trạch", "Xã Quảng Trạch", "np", True, True),
    ]
    successors = {"a": [Successor("x", True)], "b": [Successor("y", True)]}
    return build_index(Gazetteer(places, successors))


ADDRESS = "Xã Quảng Phưng, Huyện Quảng Trạch, Tỉnh Quảng Bình"


def test_two_tied_near_names_are_listed_in_name_order():
    result = convert(ADDRESS, _two_near_names())
    assert result.status == "ambiguous"
    assert [c.name for c in result.candidates] == ["Xã Phú Trạch", "Xã Quảng Trạch"]


def test_the_answer_is_the_same_in_every_process():
    # String hashes (and so the order of a set of names) change from process to process.
    script = (
        "import json, sys\n"
        "from hopnhat.engine.address import convert\n"
        "from hopnhat.engine.address.tests.test_matching_speed import ADDRESS, _two_near_names\n"
        "r = convert(ADDRESS, _two_near_names())\n"
        "print(json.dumps([r.status, r.reason, [c.code for c in r.candidates]]))\n"
    )
    root = Path(__file__).resolve().parents[4]
    answers = set()
    for seed in ("1", "2", "3", "4", "5", "6"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        out = subprocess.run(
            [sys.executable, "-c", script], cwd=root, env=env, capture_output=True, text=True
        )
        assert out.returncode == 0, out.stderr
        answers.add(out.stdout)
    assert len(answers) == 1
    status, _, found = json.loads(answers.pop())
    assert status == "ambiguous"
    assert found == ["1", "2"]


def test_near_names_are_those_within_one_deletion_on_either_side():
    # matching._near looks up only the deletions its halves allow: the same names as all.
    rng = random.Random(9)
    letters = "abcdeghiklmnoqt"
    names = sorted(
        {"".join(rng.choice(letters) for _ in range(rng.randint(6, 11))) for _ in range(300)}
    )
    places = [Place("p", "1", "province", "tinh", "Xa", "Tỉnh Xa", None, True)] + [
        Place(f"c{i}", str(i), "commune", "xa", name, f"Xã {name}", "p", True, True)
        for i, name in enumerate(names)
    ]
    index = build_index(Gazetteer(places, {}))
    keys = [n[:i] + n[i + 1 :] for n in names[:60] for i in range(0, len(n), 3)]
    keys += [n[:i] + rng.choice(letters) + n[i:] for n in names[:60] for i in (1, 4)]
    keys += ["".join(rng.choice(letters) for _ in range(8)) for _ in range(200)]
    for key in keys:
        expected = {n for n in names if n != key and _one_deletion_apart(key, n)}
        assert _near(tokenise(key), index, key, "commune") == expected, key


# Three parts, the last two typed: the exact stages are skipped only when they find nothing
# good enough. Each address: (address, whether the exact stages are skipped).
SKIPPED = [
    ("Phường Trần Hưng Đạp, Thành phố Hải Dương, Tỉnh Hải Dương", True),  # a typo
    ("Xã Quỳnh Bảo Tây, Huyện Kim Thành, Tỉnh Hải Dương", True),  # made up
    ("Xã Hòa Bình, Thành phố Hải Dương, Tỉnh Hải Dương", True),  # another district's
    ("Xã Hòa Bình, Huyện Kim Thành, Tỉnh Hải Dương", False),  # the district's own (fast path)
    ("Xã Hoà Bình, Huyện Kim Thành, Tỉnh Hải Dương", False),  # old-style tones
    ("Phường Cẩm Thượng, Huyện Kim Thành, Tỉnh Hải Dương", True),
    ("Cẩm Thượng, Thành phố Hải Dương, Tỉnh Hải Dương", False),  # untyped: no fast path
    ("số 5, Phường 4, Quận 3", False),  # the commune part's name ends where the district starts
]


def test_the_exact_stages_are_skipped_only_when_they_cannot_decide():
    index = hai_phong()
    for address, skipped in SKIPPED:
        tokens = tokenise(address)
        if _typed_tail(tokens, index):
            assert not skipped, address
            continue
        assert _no_exact_commune(tokens, index) is skipped, address
        if skipped:
            # What the exact stage would have found: nothing good enough (so the search went
            # on to the last stage, as it does now directly).
            end = len(tokens.words)
            found, _ = _search(
                tokenise(address), index, end, fuzzy=False, conflicts=False, floor=GOOD_ENOUGH
            )
            assert max((r.score for r in found if not r.conflict), default=-1) < GOOD_ENOUGH


def test_skipping_the_exact_stages_changes_no_answer(monkeypatch):
    index = hai_phong()
    addresses = [address for address, _ in SKIPPED] + [
        "Xã Hòa Bìnhh, Huyện Vĩnh Bảo, Thành phố Hải Phòng",
        "Phường Trần Hưng Đạo, Huyện Vĩnh Bảo, Thành phố Hải Phòng",
        "Xã Kim Thành, Huyện Kim Thành, Tỉnh Hải Dương",
    ]
    fast = [dataclasses.astuple(convert(a, index)) for a in addresses]
    monkeypatch.setattr(matching, "_no_exact_commune", lambda tokens, index: False)
    slow = [dataclasses.astuple(convert(a, index)) for a in addresses]
    assert fast == slow


def test_district_parts_with_a_commune_inside_are_not_communeless():
    index = hai_phong()
    parts = index.typed_parts["district"]
    assert "huyen kim thanh" in index.communeless_parts
    # "Thành phố" never types a phường: Phường Hải Dương cannot be read inside the part.
    assert "thanh pho hai duong" in index.communeless_parts
    # A communeless district stands at the commune tier: its typed name reads as a commune.
    assert "huyen bach long vi" in parts
    assert "huyen bach long vi" not in index.communeless_parts
