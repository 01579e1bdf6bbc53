"""Deadline expressions of Vietnamese directives, read from the folded text.

"trước ngày 10/7/2025", "trước 30/6/2025", "hoàn thành trước ngày 15 tháng 6 năm 2025",
"chậm nhất ngày 25/6/2025" give that day; "trong tháng 7/2025" the month's last day;
"trong quý III/2025" the quarter's last day; "thực hiện thường xuyên" a recurring task
with no end date. A bare date ("Ngày 04/6/2025, …") is not a deadline: a keyword must lead.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from hopnhat.engine.directives.folding import fold_in_place

RECURRING_CONTINUOUS = "continuous"
RECURRING_MONTHLY = "monthly"
RECURRING_QUARTERLY = "quarterly"

_DATE = (
    r"(?:(?P<d1>\d{1,2})\s*[/.-]\s*(?P<m1>\d{1,2})\s*[/.-]\s*(?P<y1>\d{4})"
    r"|(?P<d2>\d{1,2})\s+thang\s+(?P<m2>\d{1,2})\s+nam\s+(?P<y2>\d{4}))"
)
_BY_DAY = re.compile(
    r"(?<!\w)(?:truoc|cham nhat(?:\s+la)?|muon nhat|han chot(?:\s+la)?|xong truoc|den het)"
    r"\s+(?:ngay\s+)?" + _DATE
)
_IN_MONTH = re.compile(r"(?<!\w)trong\s+thang\s+(?P<m>\d{1,2})\s*(?:/|nam)\s*(?P<y>\d{4})")
_IN_QUARTER = re.compile(
    r"(?<!\w)trong\s+quy\s+(?P<q>iv|iii|ii|i|[1-4])\s*(?:/|nam)\s*(?P<y>\d{4})"
)
_IN_YEAR = re.compile(r"(?<!\w)trong\s+nam\s+(?P<y>\d{4})")
_RECURRING = (
    (re.compile(r"(?<!\w)(?:thuc hien\s+)?thuong xuyen(?!\w)"), RECURRING_CONTINUOUS),
    (re.compile(r"(?<!\w)(?:dinh ky\s+)?hang thang(?!\w)"), RECURRING_MONTHLY),
    (re.compile(r"(?<!\w)(?:dinh ky\s+)?hang quy(?!\w)"), RECURRING_QUARTERLY),
)
_QUARTERS = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "1": 1, "2": 2, "3": 3, "4": 4}


@dataclass(frozen=True)
class Deadline:
    due: dt.date | None
    # "" for a one-off deadline; RECURRING_* for a recurring task with no end date.
    recurrence: str
    phrase: str
    start: int
    end: int


def month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def quarter_end(year: int, quarter: int) -> dt.date:
    return month_end(year, quarter * 3)


def _safe_date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def find_deadlines(text: str) -> list[Deadline]:
    """Every deadline expression in `text`, in order of appearance."""
    folded = fold_in_place(text)
    found: list[Deadline] = []

    def add(due: dt.date | None, recurrence: str, match: re.Match[str]) -> None:
        if due is None and not recurrence:
            return
        if any(d.start < match.end() and match.start() < d.end for d in found):
            return
        found.append(
            Deadline(due, recurrence, text[match.start() : match.end()], match.start(), match.end())
        )

    for match in _BY_DAY.finditer(folded):
        groups = match.groupdict()
        suffix = "1" if groups["d1"] else "2"
        add(
            _safe_date(
                int(groups["y" + suffix]), int(groups["m" + suffix]), int(groups["d" + suffix])
            ),
            "",
            match,
        )
    for match in _IN_MONTH.finditer(folded):
        month, year = int(match["m"]), int(match["y"])
        add(month_end(year, month) if 1 <= month <= 12 else None, "", match)
    for match in _IN_QUARTER.finditer(folded):
        add(quarter_end(int(match["y"]), _QUARTERS[match["q"]]), "", match)
    for match in _IN_YEAR.finditer(folded):
        add(dt.date(int(match["y"]), 12, 31), "", match)
    for pattern, recurrence in _RECURRING:
        for match in pattern.finditer(folded):
            add(None, recurrence, match)
    return sorted(found, key=lambda d: d.start)
