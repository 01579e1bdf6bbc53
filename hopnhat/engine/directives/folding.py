"""Diacritic folding that keeps every character in place, so matches map back to the original."""

from __future__ import annotations

import unicodedata


def fold_char(ch: str) -> str:
    if ch in "đĐ":
        return "d"
    base = "".join(c for c in unicodedata.normalize("NFD", ch) if unicodedata.category(c) != "Mn")
    # Precomposed Vietnamese letters fold to exactly one character; anything else stays put.
    return base.lower() if len(base) == 1 else ch.lower()[:1] or " "


def fold_in_place(text: str) -> str:
    """Lower-case, without diacritics, same length as `text` (so spans index both)."""
    return "".join(fold_char(ch) for ch in text)


def normalise(text: str) -> str:
    return unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
