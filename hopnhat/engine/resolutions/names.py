"""Keys for matching unit names written in different hands."""

from __future__ import annotations

import re
import unicodedata

# Old-style tone placement ("Hoà", "Thuỵ") against the modern one ("Hòa", "Thụy").
_OLD_STYLE = re.compile(r"o([àáảãạ])|u([ỳýỷỹỵ])")
_MODERN = {
    "à": "òa", "á": "óa", "ả": "ỏa", "ã": "õa", "ạ": "ọa",
    "ỳ": "ùy", "ý": "úy", "ỷ": "ủy", "ỹ": "ũy", "ỵ": "ụy",
}  # fmt: skip


def _modern_tones(text: str) -> str:
    return _OLD_STYLE.sub(lambda m: _MODERN[m[1] or m[2]], text)


def name_key(text: str) -> str:
    """Lower case, NFC, modern tone marks, single spaces, no leading zeros in numbers.

    Diacritics are kept: Cẩm Giang and Cẩm Giàng are two communes of Hải Phòng.
    """
    text = unicodedata.normalize("NFC", text).lower().replace("\u2019", "'")
    text = re.sub(r"\b0+(\d)", r"\1", text)
    return _modern_tones(" ".join(re.sub(r"[^\w' ]", " ", text).split()))
