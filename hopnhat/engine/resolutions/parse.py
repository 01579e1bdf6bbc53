"""Parse the text of a 2025 commune-level arrangement resolution (NQ 1654 … 1687/NQ-UBTVQH15).

The input is the Markdown conversion of the official text (or plain text with one paragraph
per clause, such as our own draft). The conversions lose spaces ("Điều nàythành",
"cácphường", "Trần Thành Ngọvà Văn Đẩu"), so every keyword is matched without word
boundaries and the glued conjunctions are separated before names are split.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from dataclasses import replace

from hopnhat.engine.resolutions.model import Constituent, NewUnit, Resolution
from hopnhat.engine.resolutions.names import name_key

_S = r"\s*"


def _words(phrase: str) -> str:
    return _S.join(re.escape(word) for word in phrase.split())


# Variants met in the 34 texts: "quy mô dân số các xã" (no "của"), "phần còn lại của của",
# "một phần diện tích, quy mô dân số", "quy mô dân của".
_OF = rf"(?:{_S}của)*{_S}"
_NATURAL_AREA = rf"diện{_S}tích(?:{_S}tự{_S}nhiên)?"
_POPULATION = rf"quy{_S}mô{_S}dân(?:{_S}số)?"
_WHOLE = (
    rf"(?:toàn{_S})?bộ{_S}{_NATURAL_AREA}(?:{_S}(?:,|và)?{_S}{_POPULATION})?{_OF}"
    rf"|toàn{_S}bộ{_S}{_POPULATION}{_OF}"
    rf"|toàn{_S}bộ{_S}(?=xã|phường|thị|các|huyện)"  # "Sắp xếp toàn bộ xã Thuận An"
)
# "một phần diện tích tự nhiên, toàn bộ quy mô dân số của …" is a part (NSO: "Nhập một phần
# diện tích, toàn bộ dân số").
_PART = (
    rf"một{_S}phần{_S}{_NATURAL_AREA}{_S}(?:,|và)?{_S}toàn{_S}bộ{_S}{_POPULATION}{_OF}"
    rf"|một{_S}phần{_S}(?:(?P<area>{_NATURAL_AREA})(?P<pop>{_S}(?:,|và)?{_S}{_POPULATION})?"
    rf"|{_POPULATION}){_OF}"
)
_REST = rf"phần{_S}(?:{_POPULATION}{_S}|{_NATURAL_AREA}{_S})?còn{_S}lại{_OF}"
# "sau khi sắp xếp theo quy định tại khoản 8, khoản 10 Điều này" ("của Điều này", "tạikhoản",
# "tại các khoản 30, 33, 34" without "Điều này").
_CLAUSE_REF = rf"(?:khoản{_S})?\d+"
_REST_END = (
    rf"sau{_S}khi{_S}(?:thực{_S}hiện{_S})?sắp{_S}xếp{_S}(?:theo{_S}quy{_S}định{_S})?(?:tại{_S})?(?:các{_S})?"
    rf"(?P<refs>{_CLAUSE_REF}(?:{_S}(?:,|và)?{_S}{_CLAUSE_REF})*)"
    rf"(?:{_S}(?:của{_S})?Điều{_S}này)?"
)
_MARKERS = re.compile(
    rf"(?P<whole>{_WHOLE})|(?P<part>{_PART})|(?P<rest>{_REST})|(?P<rest_end>{_REST_END})",
    re.IGNORECASE,
)
_NAMING = re.compile(
    rf"^(?P<body>.*)thành{_S}(?:(?:xã|phường|đặc{_S}khu){_S}(?:mới{_S})?)?(?:có{_S})?"
    rf"tên{_S}gọi{_S}(?:là{_S})?(?P<new>.+?)[.\s]*$",
    re.IGNORECASE,
)
# Two clauses name the unit without "có tên gọi là" ("… thành xã Ninh Thạnh Lợi.").
_NAMING_BARE = re.compile(
    rf"^(?P<body>.*)thành{_S}(?P<new>(?:xã|phường|đặc{_S}khu){_S}[^,;]+?)[.\s]*$",
    re.IGNORECASE,
)
_VERB = re.compile(rf"^(?:(?P<rename>Đổi{_S}tên)|Sắp{_S}xếp|Nhập){_S}", re.IGNORECASE)
_TYPE_PREFIX = re.compile(
    r"^(?P<type>thị\s*trấn|đặc\s*khu|xã|phường|huyện|khu\s*vực)(?:\s+|$)", re.IGNORECASE
)
_CLAUSE_START = re.compile(r"^(?P<n>\d+)\s*\\?\.\s*")
_NOT_ARRANGED = re.compile(
    rf"(?P<kind>xã|phường|đơn{_S}vị{_S}hành{_S}chính{_S}cấp{_S}xã){_S}"
    rf"không{_S}thực{_S}hiện{_S}sắp{_S}xếp{_S}là{_S}(?P<list>.+?)[.\s]*$",
    re.IGNORECASE,
)
_TOTAL = re.compile(rf"có{_S}(?P<n>\d+){_S}đơn{_S}vị{_S}hành{_S}chính{_S}cấp{_S}xã", re.IGNORECASE)
_BY_TYPE = re.compile(rf"(?P<n>\d+){_S}(?P<type>xã|phường|đặc{_S}khu)", re.IGNORECASE)
_NUMBER = re.compile(r"Số:\s*(?P<number>\d+\s*/\s*[\w\-Đđ]+)", re.IGNORECASE)
_DATE = re.compile(
    rf"ngày{_S}(?P<d>\d{{1,2}}){_S}tháng{_S}(?P<m>\d{{1,2}}){_S}năm{_S}(?P<y>\d{{4}})"
)
_PROVINCE = re.compile(
    rf"Điều{_S}1\.{_S}Sắp{_S}xếp{_S}các{_S}đơn{_S}vị{_S}hành{_S}chính{_S}cấp{_S}xã{_S}"
    rf"(?:của|thuộc){_S}(?P<province>[^*\n]+(?:\n[^*\n]+)?)",
    re.IGNORECASE,
)


def parse_resolution(text: str) -> Resolution:
    text = unicodedata.normalize("NFC", text)
    warnings: list[str] = []
    units: list[NewUnit] = []
    unchanged: tuple[NewUnit, ...] = ()
    declared_total: int | None = None
    declared_by_type: dict[str, int] = {}
    for number, clause in _article_one_clauses(text):
        if _NOT_ARRANGED.search(clause) or _TOTAL.search(clause):
            unchanged, declared_total, declared_by_type = _closing_clause(number, clause)
            continue
        unit = _parse_clause(number, clause, warnings)
        if unit is not None:
            units.append(unit)
    units = _resolve_remainders(units, warnings)
    return Resolution(
        number=_document_number(text),
        signed_on=_signed_on(text),
        province=_province(text),
        units=tuple(units),
        unchanged=unchanged,
        declared_total=declared_total,
        declared_by_type=declared_by_type,
        warnings=tuple(warnings),
    )


# The document ----------------------------------------------------------------------------


def _document_number(text: str) -> str:
    match = _NUMBER.search(text)
    return re.sub(r"\s+", "", match["number"]) if match else ""


def _signed_on(text: str) -> datetime.date | None:
    number = _NUMBER.search(text)
    match = _DATE.search(text, number.end()) if number else None  # a draft has neither
    if match is None:
        return None
    return datetime.date(int(match["y"]), int(match["m"]), int(match["d"]))


def _province(text: str) -> str:
    match = _PROVINCE.search(text)
    return _clean(match["province"]) if match else ""


def _article_one_clauses(text: str) -> list[tuple[int, str]]:
    start = re.search(rf"Điều{_S}1\.", text)
    if start is None:
        return []
    end = re.search(rf"Điều{_S}2\.", text[start.end() :])
    body = text[start.end() : start.end() + end.start()] if end else text[start.end() :]
    clauses = []
    # One clause per paragraph; a wrapped line never starts a clause ("khoản\n3 Điều này").
    for paragraph in re.split(r"\n\s*\n", body):
        flat = _clean(paragraph)
        match = _CLAUSE_START.match(flat)
        if match:
            clauses.append((int(match["n"]), flat[match.end() :]))
    return clauses


def _clean(text: str) -> str:
    text = text.replace("**", " ").replace("\\", " ").replace("*", " ")
    return " ".join(text.split()).strip()


# One clause --------------------------------------------------------------------------------


def _parse_clause(number: int, clause: str, warnings: list[str]) -> NewUnit | None:
    clause = _unglue(clause)
    verb = _VERB.match(clause)
    if verb is None:
        warnings.append(f"khoản {number}: not an arrangement clause: {clause[:80]!r}")
        return None
    rest = clause[verb.end() :]
    naming = _NAMING.match(rest) or _NAMING_BARE.match(rest)
    if naming is None:
        warnings.append(f"khoản {number}: no new unit named: {clause[:80]!r}")
        return None
    new_type, new_name = _typed_name(naming["new"], default_type="xã")
    renamed = bool(verb["rename"])
    constituents = _constituents(naming["body"], default_type=new_type, renamed=renamed)
    if not constituents:
        warnings.append(f"khoản {number}: no constituents: {clause[:80]!r}")
    return NewUnit(
        clause=number,
        name=new_name,
        unit_type=new_type,
        constituents=tuple(constituents),
        renamed=renamed,
    )


def _constituents(body: str, *, default_type: str, renamed: bool) -> list[Constituent]:
    result: list[Constituent] = []
    mode = "whole"  # before any marker: "Đổi tên xã A", or a text without "toàn bộ"
    area_only = False
    position = 0
    last_type = default_type
    before_rest = (mode, area_only)

    def flush(segment: str, refs: tuple[int, ...] = ()) -> None:
        nonlocal last_type
        whole = mode == "whole"
        items = _enumeration(segment, last_type)
        for unit_type, name, district, inferred in items:
            result.append(
                Constituent(
                    name=name,
                    unit_type=unit_type,
                    whole=whole,
                    district=district,
                    inferred_district=inferred,
                    area_only=area_only and mode == "part",
                    remainder=mode == "rest",
                    remainder_of=refs if mode == "rest" else (),
                )
            )
        if items:
            last_type = items[-1][0]

    for marker in _MARKERS.finditer(body):
        segment = body[position : marker.start()]
        position = marker.end()
        if marker["rest_end"] is not None:
            refs = tuple(int(n) for n in re.findall(r"\d+", marker["refs"]))
            flush(segment, refs if mode == "rest" else ())
            # "…, phần còn lại của phường Q sau khi … Điều này và xã P": P belongs to the
            # enumeration the remainder interrupted.
            if mode == "rest":
                mode, area_only = before_rest
            continue
        flush(segment)
        if marker["rest"] is not None and mode != "rest":
            before_rest = (mode, area_only)
        if marker["whole"] is not None:
            mode, area_only = "whole", False
        elif marker["part"] is not None:
            mode, area_only = "part", marker["area"] is not None and marker["pop"] is None
        else:
            mode, area_only = "rest", False
    flush(body[position:])
    return result


_TypedItem = tuple[str, str, str | None, str | None]


def _enumeration(segment: str, default_type: str) -> list[_TypedItem]:
    """'các xã Minh Tân (huyện Nam Sách), An Sơn và Thái Tân' -> typed names with brackets."""
    items: list[_TypedItem] = []
    current_type = default_type
    for raw in _split_items(segment):
        item = raw.strip(" ,;.")
        item = re.sub(r"^các\s+", "", item)
        district = None
        bracket = re.search(r"\((?P<inner>[^)]*)\)", item)
        if bracket:
            district = _clean(bracket["inner"]) or None
            item = (item[: bracket.start()] + " " + item[bracket.end() :]).strip(" ,")
        # "phần còn lại của xã xã Đông Hưng": a doubled type word.
        while prefix := _TYPE_PREFIX.match(item):
            current_type = _type_word(prefix["type"])
            item = item[prefix.end() :].strip()
        if not item:
            continue
        items.append((current_type, _clean(item), district, None))
    # A bracket closing an enumeration names the district of the names before it too
    # ("Phường 9, Phường 11, Phường 12 và Phường 14 (Quận 3)"); kept as a hint only.
    inferred: str | None = None
    for index in range(len(items) - 1, -1, -1):
        unit_type, name, district, _ = items[index]
        if district is not None:
            inferred = district
        elif inferred is not None:
            items[index] = (unit_type, name, None, inferred)
    return items


def _split_items(segment: str) -> list[str]:
    parts: list[str] = []
    depth = 0
    current = ""
    index = 0
    while index < len(segment):
        char = segment[index]
        depth += (char == "(") - (char == ")")
        if depth == 0 and char in ",;":
            parts.append(current)
            current = ""
        elif depth == 0 and segment.startswith(" và ", index):
            parts.append(current)
            current = ""
            index += 3
        else:
            current += char
        index += 1
    parts.append(current)
    # A comma the text forgot: "thị trấn Thiên Cầm xã Nam Phúc Thăng".
    split = [piece for part in parts for piece in _MISSING_COMMA.split(part)]
    return [part for part in split if part.strip(" ,;.")]


_MISSING_COMMA = re.compile(
    r"(?<!các)(?<!của)(?<!thị)\s+(?=(?:xã|phường|thị trấn)\s+[A-ZĐÂĂÊÔƠƯÁÀẢÃẠÍÌỈĨỊÓÒỎÕỌÚÙỦŨỤÝ])"
)


def _typed_name(text: str, *, default_type: str) -> tuple[str, str]:
    text = _clean(text).strip(" .,;")
    prefix = _TYPE_PREFIX.match(text)
    if prefix is None:
        return default_type, text
    return _type_word(prefix["type"]), text[prefix.end() :].strip()


def _type_word(text: str) -> str:
    return (
        " ".join(text.lower().split()).replace("thịtrấn", "thị trấn").replace("đặckhu", "đặc khu")
    )


# Spaces the conversion lost. Vietnamese has no syllable ending in "và" other than "và"
# itself ("v" is only an initial), so "Ngọvà" is always "Ngọ và".
_GLUED = [
    (re.compile(r"(?<=\S)và(?=\s)"), " và"),
    (re.compile(r"và(?=(?:xã|phường|thị\s|các|một|phần|toàn|huyện))"), " và "),
    (re.compile(r"(?<=[^\W\d_])(?=(?:xã|phường|thị trấn) [A-ZĐ])"), " "),
    (re.compile(r"của(?=[^\W\d_])"), "của "),
    (re.compile(r"(?<=\s)các(?=(?:xã|phường|thị))"), "các "),
    (re.compile(r"(?<=[^\W\d_])(?=\()"), " "),
]
_TYPE_GLUED = re.compile(r"(xã|phường|trấn|huyện)(?=[^\W\d_])")


def _unglue(text: str) -> str:
    for pattern, replacement in _GLUED:
        text = pattern.sub(replacement, text)
    text = re.sub(r"và(?=[^\W\d_])", lambda m: " và " if text[m.end()].isupper() else "và", text)

    def split_type(match: re.Match[str]) -> str:
        following = text[match.end()]
        return match[0] + " " if following.isupper() else match[0]

    return _TYPE_GLUED.sub(split_type, text)


# The closing clause ------------------------------------------------------------------------


def _closing_clause(
    number: int, clause: str
) -> tuple[tuple[NewUnit, ...], int | None, dict[str, int]]:
    clause = _unglue(clause)
    total = _TOTAL.search(clause)
    declared_total = int(total["n"]) if total else None
    by_type: dict[str, int] = {}
    composition = clause[total.end() :] if total else clause
    composition = re.split(rf"[;]|trong{_S}đó", composition)[0]
    for match in _BY_TYPE.finditer(composition):
        by_type[_type_word(match["type"])] = int(match["n"])
    unchanged: list[NewUnit] = []
    not_arranged = _NOT_ARRANGED.search(clause)
    if not_arranged:
        kind = _type_word(not_arranged["kind"])
        default_type = kind if kind in ("xã", "phường") else "xã"
        for unit_type, name, district, inferred in _enumeration(not_arranged["list"], default_type):
            old = Constituent(
                name=name,
                unit_type=unit_type,
                whole=True,
                district=district,
                inferred_district=inferred,
            )
            unchanged.append(
                NewUnit(
                    clause=number,
                    name=name,
                    unit_type=unit_type,
                    constituents=(old,),
                    unchanged=True,
                )
            )
    return tuple(unchanged), declared_total, by_type


# "phần còn lại … theo khoản N" -------------------------------------------------------------


def _resolve_remainders(units: list[NewUnit], warnings: list[str]) -> list[NewUnit]:
    """Tie each remainder to the clauses that took the other parts, and carry their bracket.

    A remainder without "sau khi sắp xếp theo quy định tại khoản N" is tied to the earlier
    clauses that took a part of a unit of the same name.
    """
    parts: dict[str, list[tuple[int, Constituent]]] = {}
    for unit in units:
        for old in unit.constituents:
            if not old.whole:
                parts.setdefault(_old_key(old), []).append((unit.clause, old))
    result = []
    for unit in units:
        constituents = []
        for old in unit.constituents:
            if old.is_remainder:
                earlier = [
                    (clause, other)
                    for clause, other in parts.get(_old_key(old), [])
                    if clause < unit.clause and other is not old
                ]
                if not old.remainder_of:
                    old = replace(old, remainder_of=tuple(sorted({c for c, _ in earlier})))
                missing = set(old.remainder_of) - {clause for clause, _ in earlier}
                if missing or not old.remainder_of:
                    warnings.append(
                        f"khoản {unit.clause}: phần còn lại của {old.full_name} refers to "
                        f"khoản {sorted(missing)}, which take no part of it"
                    )
                hint = next(
                    (o.district for c, o in earlier if o.district and c in old.remainder_of),
                    None,
                )
                if old.district is None and hint is not None:
                    old = replace(old, inferred_district=hint)
            constituents.append(old)
        result.append(replace(unit, constituents=tuple(constituents)))
    return result


def _old_key(old: Constituent) -> str:
    return f"{old.unit_type}|{name_key(old.name)}"
