"""Rules on the plan as a whole: names, seats, contiguity and full coverage of the old units."""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from collections.abc import Callable

from shapely.geometry import MultiPolygon, Polygon
from shapely.geometry.base import BaseGeometry

from hopnhat.engine.standards.formatting import number_en, number_vi
from hopnhat.engine.standards.model import (
    Citation,
    PlanContext,
    ProposedUnit,
    UnitType,
    Violation,
)
from hopnhat.engine.standards.nq76 import ART_7_2_C
from hopnhat.engine.text import fold

# Art 2(3) of NQ 76 asks for units "có vị trí địa lý liền kề" to be arranged together.
CONTIGUITY = Citation(
    "Nghị quyết số 76/2025/UBTVQH15", "Resolution 76/2025/UBTVQH15", "khoản 3 Điều 2", "Art 2(3)"
)
# No legal text sets these two; they keep the plan coherent (every old unit goes somewhere once,
# the seat lies in the unit it serves).
HOUSE_RULE = Citation("Quy tắc kiểm tra phương án của hopnhat", "hopnhat plan check")

_TYPE_PREFIXES = tuple(fold(t.label_vi) + " " for t in UnitType)
_TONE_MARKS = frozenset("\u0300\u0301\u0303\u0309\u0323")  # huyền, sắc, ngã, hỏi, nặng


def _without_type_word(name: str) -> str:
    words = unicodedata.normalize("NFC", " ".join(name.split()))
    folded = fold(words)
    for prefix in _TYPE_PREFIXES:
        if folded.startswith(prefix):
            return words[len(prefix) :]
    return words


def _syllable_key(syllable: str) -> str:
    # The tone moves to the end, so "hoà" and "hòa", "Thuỵ" and "Thụy" (old and new tone
    # placement) compare equal while "Giang" and "Giàng" stay different names.
    decomposed = unicodedata.normalize("NFD", syllable.lower())
    tones = "".join(ch for ch in decomposed if ch in _TONE_MARKS)
    letters = "".join(ch for ch in decomposed if ch not in _TONE_MARKS)
    return unicodedata.normalize("NFC", letters) + tones


def name_key(name: str) -> str:
    """Equal for the same Vietnamese name whatever its case, Unicode form or tone placement.

    The type word is dropped: Art 7(2)(c) forbids the same name for two units of the same
    level, whatever their type.
    """
    return " ".join(_syllable_key(s) for s in _without_type_word(name).split())


def ascii_key(name: str) -> str:
    return fold(_without_type_word(name))


def names_unique_in_province(context: PlanContext) -> list[Violation]:
    return [_name_clash(units) for units in _groups(context.units, name_key)]


def names_distinct_without_diacritics(context: PlanContext) -> list[Violation]:
    # Advisory: names that only differ by diacritics (Cẩm Giang / Cẩm Giàng, both enacted by
    # NQ 1669) are lawful but collide wherever diacritics are lost (addresses, ASCII systems).
    exact = {frozenset(u.id for u in units) for units in _groups(context.units, name_key)}
    return [
        _similar_names(units)
        for units in _groups(context.units, ascii_key)
        if frozenset(u.id for u in units) not in exact
    ]


def _groups(units: tuple[ProposedUnit, ...], key: Callable[[str], str]) -> list[list[ProposedUnit]]:
    groups: dict[str, list[ProposedUnit]] = defaultdict(list)
    for unit in units:
        groups[key(unit.name)].append(unit)
    return [group for group in groups.values() if len(group) > 1]


def _name_clash(units: list[ProposedUnit]) -> Violation:
    names = ", ".join(u.full_name for u in units)
    return Violation(
        rule_id="plan.names_unique",
        message_vi=f"Trùng tên đơn vị hành chính cấp xã trong tỉnh, thành phố: {names}.",
        message_en=f"Commune-level names repeat within the province: {names}.",
        citation=ART_7_2_C,
        unit_ids=tuple(u.id for u in units),
    )


def _similar_names(units: list[ProposedUnit]) -> Violation:
    names = ", ".join(u.full_name for u in units)
    return Violation(
        rule_id="plan.names_similar",
        message_vi=f"Tên chỉ khác nhau ở dấu, dễ nhầm khi viết không dấu: {names}.",
        message_en=(
            f"Names differ only by diacritics and collide when written without them: {names}."
        ),
        citation=ART_7_2_C,
        unit_ids=tuple(u.id for u in units),
        advisory=True,
    )


def seat_inside_unit(context: PlanContext) -> list[Violation]:
    return [
        Violation(
            rule_id="plan.seat_inside",
            message_vi=f"Trụ sở dự kiến của {unit.full_name} nằm ngoài địa giới đơn vị.",
            message_en=f"The proposed seat of {unit.full_name} lies outside the unit.",
            citation=HOUSE_RULE,
            unit_ids=(unit.id,),
        )
        for unit in context.units
        if unit.seat is not None
        and unit.geometry is not None
        and not unit.geometry.covers(unit.seat)
    ]


def pieces(geometry: BaseGeometry, tolerance: float = 0.0) -> int:
    """How many separate pieces; pieces closer than `tolerance` count as joined."""
    polygons = list(geometry.geoms) if isinstance(geometry, MultiPolygon) else [geometry]
    polygons = [p for p in polygons if isinstance(p, Polygon) and not p.is_empty]
    parent = list(range(len(polygons)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, a in enumerate(polygons):
        for j in range(i + 1, len(polygons)):
            if a.distance(polygons[j]) <= tolerance:
                parent[root(i)] = root(j)
    return len({root(i) for i in range(len(polygons))})


def contiguous(context: PlanContext) -> list[Violation]:
    violations = []
    for unit in context.units:
        if unit.geometry is None or unit.detached_islands or unit.factors.island:
            continue
        count = pieces(unit.geometry, context.options.contiguity_tolerance)
        if count > 1:
            violations.append(
                Violation(
                    rule_id="plan.contiguous",
                    message_vi=(
                        f"{unit.full_name} gồm {count} phần rời nhau; nếu là đảo, cần đánh dấu rõ."
                    ),
                    message_en=(
                        f"{unit.full_name} is in {count} separate pieces; flag them if they are"
                        " islands."
                    ),
                    citation=CONTIGUITY,
                    value=float(count),
                    threshold=1.0,
                    unit_ids=(unit.id,),
                )
            )
    return violations


def full_coverage(context: PlanContext) -> list[Violation]:
    area: dict[str, float] = defaultdict(float)
    population: dict[str, float] = defaultdict(float)
    holders: dict[str, list[str]] = defaultdict(list)
    names: dict[str, str] = {}
    for unit in context.units:
        for c in unit.constituents:
            area[c.old_id] += c.area_share
            population[c.old_id] += c.effective_population_share
            holders[c.old_id].append(unit.id)
            names.setdefault(c.old_id, c.name or c.old_id)
    tolerance = context.options.share_tolerance
    violations = [
        _share_violation(old_id, names[old_id], kind, total, holders[old_id])
        for shares, kind in ((area, "area"), (population, "population"))
        for old_id, total in shares.items()
        if abs(total - 1.0) > tolerance
    ]
    if context.old_unit_ids is not None:
        violations += [_unassigned(old_id) for old_id in sorted(context.old_unit_ids - area.keys())]
    return violations


def _share_violation(
    old_id: str, name: str, kind: str, total: float, unit_ids: list[str]
) -> Violation:
    pct_vi, pct_en = number_vi(100 * total), number_en(100 * total)
    what_vi = "diện tích tự nhiên" if kind == "area" else "quy mô dân số"
    what_en = "area" if kind == "area" else "population"
    over = total > 1.0
    return Violation(
        rule_id="plan.coverage.over" if over else "plan.coverage.under",
        message_vi=(
            f"{name}: tổng tỷ lệ {what_vi} được phân cho các đơn vị mới là {pct_vi}%"
            f" ({'vượt quá' if over else 'chưa đủ'} 100%)."
        ),
        message_en=(
            f"{name}: {pct_en}% of its {what_en} is assigned to new units"
            f" ({'more' if over else 'less'} than 100%)."
        ),
        citation=HOUSE_RULE,
        value=total,
        threshold=1.0,
        percent=100 * total,
        unit_ids=tuple(dict.fromkeys(unit_ids)),
    )


def _unassigned(old_id: str) -> Violation:
    return Violation(
        rule_id="plan.coverage.unassigned",
        message_vi=f"Đơn vị {old_id} chưa được phân vào đơn vị mới nào.",
        message_en=f"Old unit {old_id} is not assigned to any new unit.",
        citation=HOUSE_RULE,
        value=0.0,
        threshold=1.0,
        percent=0.0,
    )


PLAN_RULES = (
    names_unique_in_province,
    names_distinct_without_diacritics,
    seat_inside_unit,
    contiguous,
    full_coverage,
)
