"""Vietnamese text helpers shared by search boxes and importers."""

from __future__ import annotations

import unicodedata


def fold(text: str) -> str:
    """Lower-case, NFC-normalised, without diacritics (đ → d): for matching, never for display."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return " ".join(unicodedata.normalize("NFC", stripped).lower().split())
