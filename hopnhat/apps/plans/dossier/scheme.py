"""(b) The scheme (đề án), following the outline of Phụ lục 2 of NQ 76/2025/UBTVQH15.

Only the header and Phần I of Phụ lục 2 are verified (legal reference §2.3); the later parts
follow the unverified outline of the same section: current state, the plan unit by unit,
results, impact, implementation.
"""

from __future__ import annotations

from collections import Counter

from hopnhat.apps.plans.dossier import docx_form
from hopnhat.apps.plans.dossier.model import DossierConstituent, DossierPlan, DossierUnit
from hopnhat.apps.plans.dossier.resolution import ambiguous_names
from hopnhat.apps.plans.dossier.wording import capitalised, date_line, km2, pct, people

LEGAL_BASES = [
    "Hiến pháp nước Cộng hòa xã hội chủ nghĩa Việt Nam năm 2013, được sửa đổi, bổ sung năm 2025;",
    "Nghị quyết số 60-NQ/TW ngày 12/4/2025 Hội nghị lần thứ 11 Ban Chấp hành Trung ương Đảng khóa XIII;",
    "Nghị quyết số 18-NQ/TW ngày 25/10/2017 Hội nghị lần thứ sáu Ban Chấp hành Trung ương Đảng khóa XII;",
    "Kết luận số 127-KL/TW ngày 28/02/2025 và Kết luận số 137-KL/TW của Bộ Chính trị, Ban Bí thư;",
    "Luật Tổ chức chính quyền địa phương;",
    "Nghị quyết số 76/2025/UBTVQH15 ngày 14/4/2025 của Ủy ban Thường vụ Quốc hội về sắp xếp "
    "đơn vị hành chính năm 2025;",
    "Nghị quyết số 74/NQ-CP ngày 07/4/2025 của Chính phủ ban hành Kế hoạch thực hiện sắp xếp "
    "đơn vị hành chính và xây dựng mô hình tổ chức chính quyền địa phương 02 cấp.",
]


def _of(old: DossierConstituent, ambiguous: frozenset[tuple[str, str]]) -> str:
    if (old.unit_type, old.name) in ambiguous:
        return f"{old.unit_type} {old.name} ({old.district})"
    return f"{old.unit_type} {old.name}"


def _share(old: DossierConstituent, ambiguous: frozenset[tuple[str, str]]) -> str:
    extent = "toàn bộ" if old.whole else "một phần"
    figures = []
    if old.area_km2 is not None:
        figures.append(f"diện tích tự nhiên {km2(old.area_km2)}")
    if old.population is not None:
        figures.append(f"quy mô dân số {people(old.population)}")
    if figures:
        return f"{extent} {', '.join(figures)} của {_of(old, ambiguous)}"
    return f"{extent} diện tích tự nhiên, quy mô dân số của {_of(old, ambiguous)}"


def unit_paragraph(unit: DossierUnit, ambiguous: frozenset[tuple[str, str]] = frozenset()) -> str:
    """'Thành lập xã A trên cơ sở toàn bộ diện tích tự nhiên X km², quy mô dân số Y người
    của xã B, …; sau sắp xếp xã A có diện tích tự nhiên … km² (đạt …% so với tiêu chuẩn) và
    quy mô dân số … người (đạt …% so với tiêu chuẩn).' (Đề án 381/ĐA-CP)"""
    name = f"{unit.unit_type} {unit.name}"
    # Whole units first, then parts, as the Government's dossier lists them.
    ordered = sorted(unit.constituents, key=lambda old: not old.whole)
    shares = [_share(old, ambiguous) for old in ordered]
    listed = shares[0] if len(shares) == 1 else f"{', '.join(shares[:-1])} và {shares[-1]}"
    text = f"Thành lập {name} trên cơ sở {listed}"
    after = []
    if unit.area_km2 is not None:
        area = f"diện tích tự nhiên {km2(unit.area_km2)}"
        if unit.area_pct is not None:
            area += f" (đạt {pct(unit.area_pct)} so với tiêu chuẩn)"
        after.append(area)
    if unit.population is not None:
        population = f"quy mô dân số {people(unit.population)}"
        if unit.population_pct is not None:
            population += f" (đạt {pct(unit.population_pct)} so với tiêu chuẩn)"
        after.append(population)
    if after:
        text += f"; sau sắp xếp {name} có {' và '.join(after)}"
    return text + "."


def _details(unit: DossierUnit) -> list[str]:
    lines = []
    if unit.meets:
        lines.append(f"Đánh giá: {unit.meets}.")
    if unit.seat:
        lines.append(f"Dự kiến trụ sở làm việc: {unit.seat}.")
    if unit.name_reason:
        lines.append(f"Lý do đặt tên: {unit.name_reason}.")
    if unit.special_factors:
        lines.append(f"Yếu tố đặc thù: {unit.special_factors}.")
    return lines


def scheme_docx(plan: DossierPlan) -> bytes:
    document = docx_form.new_document()
    issuer = plan.issuer or f"Ủy ban nhân dân {plan.province}"
    docx_form.header_block(
        document,
        issuer_lines=[issuer.upper()],
        number="Số:      /ĐA-UBND",
        date_line=date_line(plan.place or _place(plan.province), None),
    )
    docx_form.centred(document, "ĐỀ ÁN", size=14)
    docx_form.centred(document, plan.scheme_title.upper(), size=14)

    docx_form.centred(document, "Phần I", size=14)
    docx_form.centred(document, "CĂN CỨ CHÍNH TRỊ, PHÁP LÝ VÀ SỰ CẦN THIẾT", size=14)
    docx_form.body(document, "1. Căn cứ chính trị, pháp lý", bold=True)
    for basis in LEGAL_BASES:
        docx_form.body(document, f"- {basis}")
    docx_form.body(document, "2. Sự cần thiết", bold=True)
    docx_form.body(document, "…")

    old_units = {(o.unit_type, o.name, o.district) for u in plan.units for o in u.constituents}
    docx_form.centred(document, "Phần II", size=14)
    docx_form.centred(document, "HIỆN TRẠNG ĐƠN VỊ HÀNH CHÍNH CẤP XÃ", size=14)
    docx_form.body(
        document,
        f"{capitalised(plan.province)} có {len(old_units) + len(plan.not_arranged)} đơn vị hành "
        f"chính cấp xã thuộc phạm vi đề án, trong đó {len(old_units)} đơn vị thực hiện sắp xếp và "
        f"{len(plan.not_arranged)} đơn vị không thực hiện sắp xếp.",
    )

    docx_form.centred(document, "Phần III", size=14)
    docx_form.centred(document, "PHƯƠNG ÁN SẮP XẾP ĐƠN VỊ HÀNH CHÍNH CẤP XÃ", size=14)
    docx_form.body(document, "1. Phương án sắp xếp", bold=True)
    ambiguous = frozenset(ambiguous_names(plan))
    for unit in plan.units:
        docx_form.body(document, f"1.{unit.stt}. {unit_paragraph(unit, ambiguous)}")
        for line in _details(unit):
            docx_form.body(document, line)
    docx_form.body(document, "2. Đơn vị hành chính cấp xã không thực hiện sắp xếp", bold=True)
    if not plan.not_arranged:
        docx_form.body(document, "Không có.")
    for index, kept in enumerate(plan.not_arranged, start=1):
        docx_form.body(document, f"2.{index}. {kept.full_name} ({kept.district}): {kept.reason}.")

    docx_form.centred(document, "Phần IV", size=14)
    docx_form.centred(document, "KẾT QUẢ SAU SẮP XẾP", size=14)
    counts = Counter(u.unit_type for u in plan.units) + Counter(
        u.unit_type for u in plan.not_arranged
    )
    composition = ", ".join(f"{n} {kind}" for kind, n in sorted(counts.items()))
    docx_form.body(
        document,
        f"Sau sắp xếp, {plan.province} có {len(plan.units) + len(plan.not_arranged)} đơn vị hành "
        f"chính cấp xã, gồm {composition}; giảm {len(old_units) - len(plan.units)} đơn vị.",
    )
    if plan.thresholds_note:
        docx_form.body(document, plan.thresholds_note, italic=True)

    docx_form.centred(document, "Phần V", size=14)
    docx_form.centred(document, "ĐÁNH GIÁ TÁC ĐỘNG CỦA VIỆC SẮP XẾP", size=14)
    docx_form.body(document, "…")
    docx_form.centred(document, "Phần VI", size=14)
    docx_form.centred(document, "TỔ CHỨC THỰC HIỆN VÀ KIẾN NGHỊ", size=14)
    docx_form.body(document, "…")
    return docx_form.to_bytes(document)


def _place(province: str) -> str:
    for prefix in ("thành phố ", "tỉnh "):
        if province.lower().startswith(prefix):
            return province[len(prefix) :]
    return province
