"""(c) The draft resolution of the NA Standing Committee, worded like NQ 1654 … 1687/2025.

Each new unit is one clause of Điều 1. An old unit divided among several new units is
"một phần diện tích tự nhiên, quy mô dân số của …" in every clause but the last, and
"phần còn lại của … sau khi sắp xếp theo quy định tại khoản N Điều này" in the last one,
N being the earlier clauses (NQ 1669 khoản 11: "phần còn lại của phường Gia Viên sau khi
sắp xếp theo quy định tại khoản 8, khoản 10 Điều này"). Same-name old units carry their
district in brackets, as the resolutions do.
"""

from __future__ import annotations

from collections import Counter, defaultdict

from docx.enum.text import WD_ALIGN_PARAGRAPH

from hopnhat.apps.plans.dossier import docx_form
from hopnhat.apps.plans.dossier.model import DossierConstituent, DossierPlan, DossierUnit
from hopnhat.apps.plans.dossier.wording import date_words

ISSUER = "ỦY BAN THƯỜNG VỤ QUỐC HỘI"
_WHOLE = "toàn bộ diện tích tự nhiên, quy mô dân số của"
_PART = "một phần diện tích tự nhiên, quy mô dân số của"

OldKey = tuple[str, str, str]  # (type, name, district)


def _key(old: DossierConstituent) -> OldKey:
    return (old.unit_type, old.name, old.district)


def draft_resolution_paragraphs(plan: DossierPlan) -> list[str]:
    """The text of the draft, one string per paragraph (the DOCX and the round trip share it)."""
    province = plan.province
    province_upper = province.upper()
    intro = [
        "NGHỊ QUYẾT",
        f"VỀ VIỆC SẮP XẾP CÁC ĐƠN VỊ HÀNH CHÍNH CẤP XÃ CỦA {province_upper} NĂM {plan.year}",
        ISSUER,
        "Căn cứ Hiến pháp nước Cộng hòa xã hội chủ nghĩa Việt Nam đã được sửa đổi, bổ sung "
        "một số điều theo Nghị quyết số 203/2025/QH15;",
        "Căn cứ Luật Tổ chức chính quyền địa phương số 72/2025/QH15;",
        "Căn cứ Nghị quyết số 76/2025/UBTVQH15 ngày 14 tháng 4 năm 2025 của Ủy ban Thường vụ "
        "Quốc hội về việc sắp xếp đơn vị hành chính năm 2025;",
        f"Xét đề nghị của Chính phủ tại Tờ trình số …/TTr-CP và Đề án số …/ĐA-CP ngày … "
        f"về sắp xếp đơn vị hành chính cấp xã của {province} năm {plan.year},",
        "QUYẾT NGHỊ:",
        f"Điều 1. Sắp xếp các đơn vị hành chính cấp xã của {province}",
        f"Trên cơ sở Đề án số …/ĐA-CP ngày … của Chính phủ về sắp xếp đơn vị hành chính cấp xã "
        f"của {province} năm {plan.year}, Ủy ban Thường vụ Quốc hội quyết định sắp xếp để thành "
        f"lập các đơn vị hành chính cấp xã của {province} như sau:",
    ]
    clauses = [f"{unit.stt}. {text}" for unit, text in zip(plan.units, _clauses(plan), strict=True)]
    closing = f"{len(plan.units) + 1}. {_closing_clause(plan)}"
    return intro + clauses + [closing] + _articles_two_and_three(plan)


def _clauses(plan: DossierPlan) -> list[str]:
    ambiguous = ambiguous_names(plan)
    takers: dict[OldKey, list[int]] = defaultdict(list)
    for unit in plan.units:
        for old in unit.constituents:
            if not old.whole:
                takers[_key(old)].append(unit.stt)
    return [_clause(unit, takers, ambiguous) for unit in plan.units]


def _clause(
    unit: DossierUnit, takers: dict[OldKey, list[int]], ambiguous: set[tuple[str, str]]
) -> str:
    def named(old: DossierConstituent) -> str:
        text = f"{old.unit_type} {old.name}"
        if (old.unit_type, old.name) in ambiguous:
            text += f" ({old.district})"
        return text

    wholes = [named(old) for old in unit.constituents if old.whole]
    parts, rests = [], []
    for old in unit.constituents:
        if old.whole:
            continue
        before = [stt for stt in takers[_key(old)] if stt < unit.stt]
        if takers[_key(old)][-1] == unit.stt and before:
            refs = ", ".join(f"khoản {stt}" for stt in before)
            rests.append(
                f"phần còn lại của {named(old)} sau khi sắp xếp theo quy định tại {refs} Điều này"
            )
        else:
            parts.append(named(old))
    segments = []
    if wholes:
        segments.append(f"{_WHOLE} {', '.join(wholes)}")
    if parts:
        segments.append(f"{_PART} {', '.join(parts)}")
    segments.extend(rests)
    listed = segments[0] if len(segments) == 1 else f"{', '.join(segments[:-1])} và {segments[-1]}"
    if unit.unit_type == "đặc khu":
        target = f"thành đặc khu có tên gọi là đặc khu {unit.name}"
    else:
        target = f"thành {unit.unit_type} mới có tên gọi là {unit.unit_type} {unit.name}"
    return f"Sắp xếp {listed} {target}."


def ambiguous_names(plan: DossierPlan) -> set[tuple[str, str]]:
    """(type, name) pairs used by more than one old unit of the plan: they need a bracket."""
    olds = {_key(old) for unit in plan.units for old in unit.constituents}
    olds |= {(kept.unit_type, kept.name, kept.district) for kept in plan.not_arranged}
    counts = Counter((unit_type, name) for unit_type, name, _ in olds)
    return {pair for pair, count in counts.items() if count > 1}


def _closing_clause(plan: DossierPlan) -> str:
    formed = Counter(unit.unit_type for unit in plan.units)
    kept = Counter(unit.unit_type for unit in plan.not_arranged)
    total = formed + kept
    text = (
        f"Sau khi sắp xếp, {plan.province} có {len(plan.units) + len(plan.not_arranged):02d} "
        f"đơn vị hành chính cấp xã, gồm {_counts(total)}"
    )
    if not plan.not_arranged:
        return text + "."
    ambiguous = ambiguous_names(plan)
    names = [
        f"{unit.unit_type} {unit.name}"
        + (f" ({unit.district})" if (unit.unit_type, unit.name) in ambiguous else "")
        for unit in plan.not_arranged
    ]
    return (
        f"{text}; trong đó có {_counts(formed)} hình thành sau sắp xếp quy định tại Điều này và "
        f"{len(plan.not_arranged):02d} đơn vị hành chính cấp xã không thực hiện sắp xếp là "
        f"{', '.join(names)}."
    )


def _counts(counts: Counter[str]) -> str:
    parts = [f"{counts[kind]:02d} {kind}" for kind in ("xã", "phường", "đặc khu") if counts[kind]]
    return parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} và {parts[-1]}"


def _articles_two_and_three(plan: DossierPlan) -> list[str]:
    province = plan.province
    start = date_words(plan.effective_date) if plan.effective_date else "ngày … tháng … năm …"
    return [
        "Điều 2. Hiệu lực thi hành",
        "1. Nghị quyết này có hiệu lực thi hành từ ngày được thông qua.",
        "2. Các cơ quan theo thẩm quyền khẩn trương thực hiện các công tác chuẩn bị cần thiết, "
        "bảo đảm để chính quyền địa phương ở các đơn vị hành chính cấp xã hình thành sau sắp xếp "
        f"quy định tại Điều 1 của Nghị quyết này chính thức hoạt động từ {start}.",
        "3. Chính quyền địa phương ở đơn vị hành chính cấp xã trước sắp xếp tiếp tục hoạt động "
        "cho đến khi chính quyền địa phương ở đơn vị hành chính cấp xã hình thành sau sắp xếp "
        "chính thức hoạt động.",
        "Điều 3. Tổ chức thực hiện",
        f"1. Chính phủ, Hội đồng nhân dân, Ủy ban nhân dân {province}, chính quyền địa phương các "
        "đơn vị hành chính liên quan đến việc thực hiện sắp xếp và các cơ quan, tổ chức khác có "
        "liên quan có trách nhiệm tổ chức thi hành Nghị quyết này; sắp xếp, ổn định bộ máy các cơ "
        "quan, tổ chức ở địa phương; ổn định đời sống của Nhân dân địa phương, bảo đảm yêu cầu "
        "phát triển kinh tế - xã hội, quốc phòng và an ninh trên địa bàn.",
        "2. Giao Chính phủ, căn cứ vào Nghị quyết này và Đề án số …/ĐA-CP ngày … của Chính phủ, "
        "tổ chức việc xác định chính xác diện tích tự nhiên của các đơn vị hành chính cấp xã và "
        "công bố công khai; đồng thời, khẩn trương triển khai công tác đo đạc, xác định phạm vi "
        "ranh giới của các đơn vị hành chính trên thực địa để lập hồ sơ về địa giới đơn vị hành "
        "chính theo quy định.",
        "3. Hội đồng Dân tộc, các Ủy ban của Quốc hội, Đoàn đại biểu Quốc hội và đại biểu Quốc hội "
        f"{province}, trong phạm vi nhiệm vụ, quyền hạn của mình, giám sát việc thực hiện Nghị "
        "quyết này.",
        "Nghị quyết này được Ủy ban Thường vụ Quốc hội nước Cộng hòa xã hội chủ nghĩa Việt Nam "
        "khóa XV thông qua ngày … tháng … năm ….",
    ]


_CENTRED = {"NGHỊ QUYẾT", ISSUER, "QUYẾT NGHỊ:"}


def draft_resolution_docx(plan: DossierPlan) -> bytes:
    document = docx_form.new_document()
    docx_form.centred(document, "DỰ THẢO", size=13)
    docx_form.header_block(
        document,
        issuer_lines=["ỦY BAN THƯỜNG VỤ", "QUỐC HỘI"],
        number="Số:      /NQ-UBTVQH15",
        date_line="Hà Nội, ngày … tháng … năm …",
    )
    for text in draft_resolution_paragraphs(plan):
        if text in _CENTRED or text.startswith("VỀ VIỆC"):
            docx_form.centred(document, text, size=14)
        elif text.startswith(("Điều ", "Căn cứ", "Xét đề nghị", "Nghị quyết này được")):
            heading = text.startswith("Điều ")
            paragraph = docx_form.body(document, text, bold=heading, italic=not heading)
        else:
            paragraph = docx_form.body(document)
            _with_bold_new_name(paragraph, text)
    signature = docx_form.centred(document, "TM. ỦY BAN THƯỜNG VỤ QUỐC HỘI\nCHỦ TỊCH", size=14)
    signature.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    return docx_form.to_bytes(document)


def _with_bold_new_name(paragraph, text: str) -> None:  # type: ignore[no-untyped-def]
    # The resolutions print the name of the new unit in bold ("… tên gọi là **xã Trần Phú**").
    head, marker, tail = text.rpartition("tên gọi là ")
    if not marker:
        paragraph.add_run(text)
        return
    paragraph.add_run(head + marker)
    paragraph.add_run(tail.rstrip(".")).bold = True
    paragraph.add_run(".")
