"""Address text -> folded tokens with their positions in the original text.

Folding (lower case, no diacritics, đ -> d) is for matching only: every piece of output is cut
from the NFC original, so the diacritics the user typed are kept.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from itertools import islice
from typing import Any


def _fold_table() -> dict[int, str]:
    # One character in, one character out, so offsets in the folded text are offsets in the
    # original: the street part is cut from the original with them.
    table: dict[int, str] = {ord("đ"): "d", ord("Đ"): "d"}
    for codepoint in range(0xC0, 0x1F00):
        char = chr(codepoint)
        base = "".join(
            c for c in unicodedata.normalize("NFD", char) if unicodedata.category(c) != "Mn"
        ).lower()
        if len(base) == 1 and base.isascii() and base != char:
            table[codepoint] = base
    return table


_FOLD = _fold_table()
# The same as a list by code point, every other character below U+1F00 mapped to itself:
# str.translate finds each character in it without a failed look-up (much faster); the
# characters past its end are left as they are, as by the table.
_FOLD_LIST = [_FOLD.get(codepoint, chr(codepoint)) for codepoint in range(0x1F00)]


def fold_text(text: str) -> str:
    """NFC text -> lower case without diacritics, character for character."""
    return text.translate(_FOLD_LIST).lower()


def fold_name(text: str) -> str:
    """A unit or sub-unit name -> its matching key: folded words joined by one space."""
    words = _WORD.findall(fold_text(unicodedata.normalize("NFC", text)))
    return " ".join(_number(w) for w in words)


# Letters and digits make words ("P4" gives "p" and "4"); commas, semicolons, pipes and line
# breaks separate the parts of an address. A hyphen does not: "Bà Rịa - Vũng Tàu" is one name.
_WORD = re.compile(r"[a-z]+|[0-9]+")


def _number(word: str) -> str:
    # "Phường 04" is "Phường 4".
    return word.lstrip("0") or "0" if word.isdigit() else word


_SEPARATOR = re.compile(r"[,;|\n\r\t]")
_DIGIT = re.compile(r"[0-9]")
# ASCII text without digits -> its letters kept, its separators as commas, any other character
# a space: split on commas then on spaces, it gives the parts and words of _SEPARATOR and _WORD.
_PLAIN = [
    char if "a" <= char <= "z" else "," if _SEPARATOR.match(char) else " "
    for char in map(chr, range(128))
]


@dataclass(slots=True)
class Tokens:
    text: str  # the NFC original
    folded: str
    words: list[str]
    # breaks: i is in it when a separator stands between words[i-1] and words[i] (and 0, n).
    breaks: set[int]
    _spans: list[tuple[int, int]] | None = None
    _all_spans: bool = False  # _spans holds every word of the text
    # What the reading of this address looked up, kept for its later stages (matching).
    found: dict[Any, Any] = field(default_factory=dict)

    def offset(self, word: int) -> int:
        """Where the word starts in the original text."""
        return self.span(word, word + 1)[0]

    def span(self, first: int, end: int) -> tuple[int, int]:
        """Where words[first:end] lie in the original text."""
        spans, need = self._spans, max(end, first + 1)
        if spans is None or (len(spans) < need and not self._all_spans):
            # Only as far as needed: the street before a commune is most often short.
            spans = self._spans = [m.span() for m in islice(_WORD.finditer(self.folded), need)]
            self._all_spans = len(spans) < need
        size = len(self.text)
        start = spans[first][0] if first < len(spans) else size
        stop = spans[end - 1][1] if 0 < end <= len(spans) else size
        return start, stop


def tokenise(text: str) -> Tokens:
    if text.isascii():  # already NFC, and nothing to fold but the case
        folded = text.lower()
    else:
        text = unicodedata.normalize("NFC", text)
        folded = text.translate(_FOLD_LIST).lower()
    words: list[str] = []
    breaks = {0}
    if folded.isascii() and _DIGIT.search(folded) is None:
        # Letters only: the words are what lies between the other characters (str.split, much
        # faster than the pattern), separators marked by commas.
        parts = folded.translate(_PLAIN).split(",")
        for part in parts:
            found = part.split()
            if found:
                words.extend(found)
                breaks.add(len(words))
        return Tokens(text, folded, words, breaks)
    for part in _SEPARATOR.split(folded):
        found = _WORD.findall(part)
        if found:
            words.extend(found)
            breaks.add(len(words))
    if "0" in folded:  # "Phường 04" is "Phường 4"
        words = [_number(w) for w in words]
    return Tokens(text, folded, words, breaks)


# Old-style tone placement ("Hoà", "Thuỷ") against the modern one ("Hòa", "Thủy").
# Only open syllables move their mark ("hoà" -> "hòa"; "hoành", "huỳnh" keep it), and "quý"
# keeps it on the y: after q the u is part of the consonant.
_OLD_STYLE = re.compile(r"o([àáảãạ])(?!\w)|(?<!q)u([ỳýỷỹỵ])(?!\w)")
_MOVED = {
    **dict(zip("àáảãạ", ("òa", "óa", "ỏa", "õa", "ọa"), strict=True)),
    **dict(zip("ỳýỷỹỵ", ("ùy", "úy", "ủy", "ũy", "ụy"), strict=True)),
}


def modern_tones(text: str) -> str:
    return _OLD_STYLE.sub(lambda m: _MOVED[m[1] or m[2]], text)


# Unit types ------------------------------------------------------------------------------

# The type strings of the registry (territory UnitType values).
PROVINCE_TYPES = frozenset({"tinh", "thanh_pho_tw"})
DISTRICT_TYPES = frozenset(
    {"quan", "huyen", "thi_xa", "thanh_pho_thuoc_tinh", "thanh_pho_thuoc_tp"}
)
COMMUNE_TYPES = frozenset({"phuong", "xa", "thi_tran", "dac_khu"})

_CITY = frozenset({"thanh_pho_tw", "thanh_pho_thuoc_tinh", "thanh_pho_thuoc_tp"})

# Type words as written in addresses, full and abbreviated (P., F. for phường in Hồ Chí Minh
# City, X., TT., Q., H., TX., TP./Tp, T. for tỉnh), folded -> the unit types they name.
TYPE_WORDS: dict[str, frozenset[str]] = {
    "phuong": frozenset({"phuong"}),
    "p": frozenset({"phuong"}),
    "f": frozenset({"phuong"}),
    "xa": frozenset({"xa"}),
    "x": frozenset({"xa"}),
    "thi tran": frozenset({"thi_tran"}),
    "tt": frozenset({"thi_tran"}),
    "dac khu": frozenset({"dac_khu"}),
    "dk": frozenset({"dac_khu"}),
    "quan": frozenset({"quan"}),
    "q": frozenset({"quan"}),
    "huyen": frozenset({"huyen"}),
    "h": frozenset({"huyen"}),
    "thi xa": frozenset({"thi_xa"}),
    "tx": frozenset({"thi_xa"}),
    "thanh pho": _CITY,
    "tp": _CITY,
    "thanh pho truc thuoc trung uong": frozenset({"thanh_pho_tw"}),
    "tinh": frozenset({"tinh"}),
    "t": frozenset({"tinh"}),
}
TYPE_WORD_MAX = max(len(key.split()) for key in TYPE_WORDS)


def type_word_before(
    words: list[str], breaks: set[int] | frozenset[int], start: int
) -> tuple[frozenset[str] | None, int]:
    """The type word (of one or two words) right before word `start` in its part: the types
    it names and where it starts; (None, start) when there is none."""
    if start not in breaks:
        if start >= 2 and start - 1 not in breaks:
            found = TYPE_WORDS.get(words[start - 2] + " " + words[start - 1])
            if found is not None:
                return found, start - 2
        found = TYPE_WORDS.get(words[start - 1])
        if found is not None:
            return found, start - 1
    return None, start


# Province names people write in place of the official one (folded) -> the official (folded).
PROVINCE_ALIASES: dict[str, str] = {
    "hcm": "ho chi minh",
    "tphcm": "ho chi minh",
    "sai gon": "ho chi minh",
    "saigon": "ho chi minh",
    "sg": "ho chi minh",
    "hn": "ha noi",
    "hp": "hai phong",
    "dn": "da nang",
    "brvt": "ba ria vung tau",
    "ba ria": "ba ria vung tau",
    "vung tau": "ba ria vung tau",
    "tt hue": "thua thien hue",
    "hue": "thua thien hue",
}

# Trailing words naming the country.
COUNTRY = frozenset({("viet", "nam"), ("vietnam",), ("vn",)})
