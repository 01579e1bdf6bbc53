"""Decoding attribute text from Vietnamese files whose encoding nobody wrote down."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")

# UTF-8 first: it fails loudly on anything else. cp1258 (Windows Vietnamese) next: most legacy
# .dbf files from Windows tools. latin-1 last: never fails, so nothing is lost byte-wise, and the
# note tells the user the text may be garbled. TCVN3 (ABC) is a font encoding with no codec in
# Python; such files decode as cp1258/latin-1 garbage and the user must convert them first.
FALLBACK_ENCODINGS = ("utf-8", "cp1258", "latin-1")

_CPG_ALIASES = {
    "65001": "utf-8",
    "utf8": "utf-8",
    "1258": "cp1258",
    "ansi 1258": "cp1258",
    "windows-1258": "cp1258",
    "1252": "cp1252",
    "ansi 1252": "cp1252",
    "88591": "latin-1",
}


def encoding_from_cpg(text: str) -> str:
    """The Python codec for a .cpg file's content ("UTF-8", "65001", "ANSI 1258", ...)."""
    name = text.strip().lower()
    return _CPG_ALIASES.get(name, _CPG_ALIASES.get(name.replace("-", ""), name))


def nfc(text: str) -> str:
    # cp1258 spells tones as combining marks; store one spelling so search and equality work.
    return unicodedata.normalize("NFC", text)


def decode_first_working(decode: Callable[[str], T], encodings: tuple[str, ...]) -> tuple[T, str]:
    """The result of `decode(encoding)` for the first encoding that raises no UnicodeError."""
    last_error: Exception | None = None
    for encoding in encodings:
        try:
            return decode(encoding), encoding
        except (UnicodeError, LookupError) as exc:
            last_error = exc
    raise ValueError(f"the text is in none of the encodings {', '.join(encodings)}: {last_error}")
