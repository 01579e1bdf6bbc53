"""Numbers as Vietnamese and English administrative texts print them."""

from __future__ import annotations

# Swap the separators: "." groups thousands, "," marks decimals in Vietnamese.
_TO_VI = str.maketrans(",.", ".,")


def number_en(value: float, decimals: int = 2) -> str:
    text = f"{value:,.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def number_vi(value: float, decimals: int = 2) -> str:
    return number_en(value, decimals).translate(_TO_VI)  # 16.000 người; 24,99 km²


def percent_en(value: float) -> str:
    return f"{value:,.2f}%"


def percent_vi(value: float) -> str:
    return percent_en(value).translate(_TO_VI)
