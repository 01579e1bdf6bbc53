"""Splitting a directive into its header and clauses: roman sections, numbered and lettered items."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from hopnhat.engine.directives.folding import fold_in_place, normalise

_ROMAN = re.compile(r"^(?P<ref>[IVXL]{1,6})\s*[.)/-]\s+(?P<text>\S.*)$")
_NUMBERED = re.compile(r"^(?P<ref>\d{1,3})\s*[.)]\s+(?P<text>\S.*)$")
_LETTERED = re.compile(r"^(?P<ref>[a-zđ])\s*\)\s+(?P<text>\S.*)$")
_BULLET = re.compile(r"^[-–•+]\s+(?P<text>\S.*)$")
_NUMBER = re.compile(r"S[ốo]\s*:\s*(?P<number>[^\s,;]+)", re.IGNORECASE)
_PLACE_DATE = re.compile(r"ngay\s+(?P<d>\d{1,2})\s+thang\s+(?P<m>\d{1,2})\s+nam\s+(?P<y>\d{4})")
# The closing block: from here on nothing assigns work.
_CLOSING = re.compile(r"^(noi nhan|kt\.|tm\.|t/m|ky ten)\b")
_NATIONAL_MOTTO = ("cong hoa xa hoi chu nghia viet nam", "doc lap - tu do - hanh phuc")

KIND_CONCLUSION_NOTICE = "thong_bao_ket_luan"
KIND_CONCLUSION = "ket_luan"
KIND_PLAN = "ke_hoach"
KIND_DIRECTIVE = "chi_thi"
KIND_OFFICIAL_LETTER = "cong_van"


@dataclass(frozen=True)
class Clause:
    # "II.3", "II.6.a", "I" (a section's own paragraph), "" for the preamble.
    ref: str
    section: str
    section_title: str
    text: str
    position: int


@dataclass(frozen=True)
class DocumentHeader:
    number: str
    issued_on: dt.date | None
    issuer: str
    title: str
    kind: str


def _lines(text: str) -> list[str]:
    return [" ".join(line.split()) for line in normalise(text).split("\n")]


def read_header(text: str) -> DocumentHeader:
    lines = [line for line in _lines(text) if line]
    number_match = _NUMBER.search("\n".join(lines[:12]))
    number = number_match["number"] if number_match else ""
    issued_on = None
    for line in lines[:12]:
        if match := _PLACE_DATE.search(fold_in_place(line)):
            try:
                issued_on = dt.date(int(match["y"]), int(match["m"]), int(match["d"]))
            except ValueError:
                issued_on = None
            break
    issuer_lines: list[str] = []
    for line in lines[:6]:
        folded = fold_in_place(line)
        if (folded.startswith("so") and _NUMBER.match(line)) or folded in _NATIONAL_MOTTO:
            break
        issuer_lines.append(line)
    title, kind = _title_and_kind(lines, number)
    return DocumentHeader(number, issued_on, " ".join(issuer_lines[:2]), title, kind)


def _title_and_kind(lines: list[str], number: str) -> tuple[str, str]:
    kinds = [
        ("thong bao", KIND_CONCLUSION_NOTICE),
        ("ket luan", KIND_CONCLUSION),
        ("ke hoach", KIND_PLAN),
        ("chi thi", KIND_DIRECTIVE),
    ]
    for index, line in enumerate(lines[:20]):
        folded = fold_in_place(line)
        for word, kind in kinds:
            if folded == word:
                rest: list[str] = []
                for follow in lines[index + 1 : index + 4]:
                    if _ROMAN.match(follow) or _NUMBERED.match(follow) or len(follow) > 200:
                        break
                    rest.append(follow)
                title = " ".join(rest)
                if kind == KIND_CONCLUSION_NOTICE and "ket luan" not in fold_in_place(title):
                    kind = KIND_OFFICIAL_LETTER
                return title, kind
    folded_number = fold_in_place(number)
    for marker, kind in (
        ("-tb/", KIND_CONCLUSION_NOTICE),
        ("-kl/", KIND_CONCLUSION),
        ("-kh/", KIND_PLAN),
        ("-ct/", KIND_DIRECTIVE),
    ):
        if marker in folded_number:
            return "", kind
    return "", KIND_OFFICIAL_LETTER


def split_clauses(text: str) -> list[Clause]:
    """The body's clauses in order. Continuation lines join the clause above them."""
    clauses: list[Clause] = []
    section, section_title = "", ""
    item = ""
    current: list[str] = []
    current_ref = ""
    started = False

    def flush() -> None:
        nonlocal current
        body = " ".join(current).strip()
        if body:
            clauses.append(Clause(current_ref, section, section_title, body, len(clauses)))
        current = []

    for line in _lines(text):
        folded = fold_in_place(line)
        if _CLOSING.match(folded):
            flush()
            break
        if roman := _ROMAN.match(line):
            if not roman["text"].isupper() and started:
                current.append(line)
                continue
            flush()
            started = True
            section, section_title, item = roman["ref"], roman["text"], ""
            current_ref = section
            continue
        numbered = _NUMBERED.match(line)
        if not started and not numbered:
            continue
        if numbered:
            flush()
            started = True
            item = numbered["ref"]
            current_ref = f"{section}.{item}" if section else item
            current.append(numbered["text"])
            continue
        if (lettered := _LETTERED.match(line)) and item:
            flush()
            current_ref = (
                f"{section}.{item}.{lettered['ref']}" if section else f"{item}.{lettered['ref']}"
            )
            current.append(lettered["text"])
            continue
        if not line:
            continue
        if (bullet := _BULLET.match(line)) and current:
            current.append(bullet["text"])
            continue
        current.append(line)
    else:
        flush()
    return clauses
