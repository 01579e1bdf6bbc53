"""Vietnamese wording shared by the documents: numbers, names, the legal bases."""

from __future__ import annotations

import datetime

from hopnhat.engine.standards.formatting import number_vi, percent_vi

MOTTO = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO_SUB = "Độc lập - Tự do - Hạnh phúc"
FONT = "Times New Roman"


def km2(value: float) -> str:
    return f"{number_vi(value, 2)} km²"


def people(value: int) -> str:
    return f"{number_vi(value, 0)} người"


def pct(value: float) -> str:
    return percent_vi(value)


def date_line(place: str, day: datetime.date | None) -> str:
    """'Hải Phòng, ngày 16 tháng 6 năm 2025', or with dots where the date is not known."""
    if day is None:
        return f"{place}, ngày … tháng … năm …"
    return f"{place}, ngày {day.day:02d} tháng {day.month} năm {day.year}"


def date_words(day: datetime.date) -> str:
    return f"ngày {day.day:02d} tháng {day.month:02d} năm {day.year}"


def capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]
