"""Plan → the dossier's plain dataclasses (plans/dossier/), and the comment synthesis table.

The documents are the official Vietnamese forms whatever the reader's language: their
wording is Vietnamese by law, as in the dossier builders, not a translated interface.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterable
from typing import Any

import shapely
from docx.shared import Pt
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from hopnhat.apps.audit.actions import record_event
from hopnhat.apps.plans.dossier import (
    DossierConstituent,
    DossierNotArranged,
    DossierPlan,
    DossierUnit,
    MapFeature,
    MapPage,
    annex_xlsx,
    docx_form,
    draft_resolution_docx,
    maps_pdf,
    scheme_docx,
)
from hopnhat.apps.plans.dossier.wording import FONT, MOTTO, MOTTO_SUB, km2, people
from hopnhat.apps.plans.engine_io import (
    TERRITORY_TYPE_VI,
    ConstituentSnapshot,
    PlanSnapshot,
    UnitSnapshot,
    piece_geometry,
    plan_snapshot,
)
from hopnhat.apps.plans.models import Assignment, Comment, CommentStatus, Plan
from hopnhat.apps.plans.snapshots import old_units_in_scope
from hopnhat.engine.standards import SpecialFactors, Status

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF_TYPE = "application/pdf"
NEW_TYPE_VI = {"xa": "xã", "phuong": "phường", "dac_khu": "đặc khu"}
FACTOR_WORDS = {
    "island": "hải đảo",
    "land_border": "có đường biên giới quốc gia trên đất liền",
    "mountainous": "miền núi, vùng cao",
    "red_river_delta": "Đồng bằng sông Hồng",
    "bai_ngang": "xã bãi ngang ven biển",
}


# The dossier (a)–(d) -----------------------------------------------------------------------


def dossier_plan(snapshot: PlanSnapshot) -> DossierPlan:
    province = _lower_type(snapshot.new_province_name)
    return DossierPlan(
        province=province,
        scheme_title=(
            f"Đề án sắp xếp đơn vị hành chính cấp xã của {province} năm {snapshot.target_date.year}"
        ),
        units=tuple(_unit(snapshot, stt, u) for stt, u in enumerate(snapshot.units, start=1)),
        not_arranged=tuple(_not_arranged(snapshot)),
        effective_date=snapshot.effective_date or snapshot.target_date,
        issuer=f"Ủy ban nhân dân {province}",
        place=_place(province),
        year=snapshot.target_date.year,
        thresholds_note=_thresholds_note(snapshot),
    )


def _unit(snapshot: PlanSnapshot, stt: int, unit: UnitSnapshot) -> DossierUnit:
    result = snapshot.result(unit.key) if unit.unit_type else None
    return DossierUnit(
        stt=stt,
        name=unit.name,
        # The plan's own type, derived from the constituents when saved (not a layer's column).
        unit_type=NEW_TYPE_VI.get(unit.unit_type, unit.unit_type),
        constituents=tuple(_constituent(c) for c in unit.constituents),
        area_km2=None if unit.area_km2 is None else round(unit.area_km2, 2),
        area_pct=round(result.area.percent, 2) if result and result.area else None,
        population=unit.population,
        population_pct=(
            round(result.population.percent, 2) if result and result.population else None
        ),
        meets=_meets(result),
        seat=unit.seat_address,
        name_reason=unit.name_reason,
        special_factors=_factor_words(unit.factors, snapshot),
    )


def _meets(result: Any) -> str:
    if result is None:
        return ""
    if result.status == Status.EXEMPT and result.exemption is not None:
        return f"{result.exemption.reason_vi} ({result.exemption.citation.text_vi})"
    if result.status == Status.PASS:
        return "Đạt định hướng"
    return "Chưa đạt: " + "; ".join(v.message_vi for v in result.violations)


def _constituent(c: ConstituentSnapshot) -> DossierConstituent:
    unit_type = TERRITORY_TYPE_VI.get(c.old_type, c.old_type)
    return DossierConstituent(
        name=_bare(c.old_name, unit_type),
        unit_type=unit_type,
        district=_lower_type(c.old_district_name),
        whole=c.whole,
        area_km2=None if c.area_km2 is None else round(c.area_km2, 2),
        population=c.population,
        code=c.old_code,
    )


def _not_arranged(snapshot: PlanSnapshot) -> list[DossierNotArranged]:
    if not snapshot.not_arranged:
        return []
    codes = [n.old_code for n in snapshot.not_arranged]
    old = {
        u.code: u
        for u in old_units_in_scope(_plan_stub(snapshot))
        .filter(code__in=codes)
        .prefetch_related("population_figures")
    }
    rows = []
    for n in snapshot.not_arranged:
        unit = old.get(n.old_code)
        unit_type = TERRITORY_TYPE_VI.get(unit.unit_type, "") if unit else ""
        district = unit.parent.full_name if unit and unit.parent else ""
        figure = unit.headline_population() if unit else None
        rows.append(
            DossierNotArranged(
                name=_bare(n.old_name, unit_type),
                unit_type=unit_type,
                district=_lower_type(district),
                reason=n.reason,
                area_km2=unit.area_km2 if unit else None,
                population=figure.value if figure else None,
            )
        )
    return rows


def _plan_stub(snapshot: PlanSnapshot) -> Plan:
    return Plan(base_date=snapshot.base_date, provinces=list(snapshot.provinces))


def _factor_words(factors: SpecialFactors, snapshot: PlanSnapshot) -> str:
    words = [text for name, text in FACTOR_WORDS.items() if getattr(factors, name)]
    if snapshot.options.red_river_delta and FACTOR_WORDS["red_river_delta"] not in words:
        words.append(FACTOR_WORDS["red_river_delta"])
    if factors.ethnic_minority_share:
        words.append(f"dân tộc thiểu số {factors.ethnic_minority_share:.0%}")
    return "; ".join(words)


def _thresholds_note(snapshot: PlanSnapshot) -> str:
    if snapshot.check is None:
        return ""
    seen: dict[str, str] = {}
    for unit in snapshot.units:
        if not unit.unit_type or unit.unit_type in seen:
            continue
        result = snapshot.result(unit.key)
        if result.area and result.population:
            seen[unit.unit_type] = (
                f"{NEW_TYPE_VI.get(unit.unit_type, unit.unit_type)} "
                f"{km2(result.area.threshold.value)}, {people(int(result.population.threshold.value))}"
            )
    return f"Tiêu chuẩn: {'; '.join(seen[k] for k in sorted(seen))}." if seen else ""


def _bare(full_name: str, unit_type: str) -> str:
    if unit_type and full_name.lower().startswith(unit_type + " "):
        return full_name[len(unit_type) + 1 :]
    return full_name


def _lower_type(full_name: str) -> str:
    """'Huyện Nam Sách' → 'huyện Nam Sách', 'Thành phố Hải Phòng' → 'thành phố Hải Phòng'."""
    for word in ("Thành phố", "Thị xã", "Thị trấn", "Huyện", "Quận", "Tỉnh", "Xã", "Phường"):
        if full_name.startswith(word + " "):
            return word.lower() + full_name[len(word) :]
    return full_name


def _place(province: str) -> str:
    for prefix in ("thành phố ", "tỉnh "):
        if province.startswith(prefix):
            return province[len(prefix) :]
    return province


def dossier_xlsx(plan: Plan) -> bytes:
    return annex_xlsx(dossier_plan(plan_snapshot(plan, with_geometry=False)))


def scheme_document(plan: Plan) -> bytes:
    return scheme_docx(dossier_plan(plan_snapshot(plan, with_geometry=False)))


def resolution_document(plan: Plan) -> bytes:
    return draft_resolution_docx(dossier_plan(plan_snapshot(plan, with_geometry=False)))


def maps_document(plan: Plan) -> bytes:
    return maps_pdf(map_pages(plan))


def map_pages(plan: Plan) -> list[MapPage]:
    """Current: the old units coloured by old district; proposed: the new units (lon/lat)."""
    current = []
    districts: dict[str, list[BaseGeometry]] = {}
    for old in old_units_in_scope(plan).order_by("code"):
        if not old.geometry_simplified:
            continue
        geometry = shape(json.loads(old.geometry_simplified))
        district = old.parent if old.level == "commune" and old.parent else old
        current.append(MapFeature(label=old.name, geometry=geometry, fill_class=district.full_name))
        districts.setdefault(district.full_name, []).append(geometry)
    pieces: dict[str, list[BaseGeometry]] = {}
    names: dict[str, str] = {}
    labels: dict[str, str] = {}  # the bare name: "Bạch Long Vĩ", not "khu Bạch Long Vĩ"
    assignments = Assignment.objects.filter(plan=plan).select_related("old_unit", "new_unit")
    for a in assignments.order_by("new_unit__position", "new_unit__key"):
        geometry = piece_geometry(a)
        names[a.new_unit.key] = _new_full_name(a.new_unit.unit_type, a.new_unit.name)
        labels[a.new_unit.key] = a.new_unit.name
        if geometry is not None:
            pieces.setdefault(a.new_unit.key, []).append(geometry)
    proposed = [
        MapFeature(
            label=labels[key],
            geometry=shapely.union_all(parts),
            fill_class=names[key],
        )
        for key, parts in pieces.items()
    ]
    district_lines = tuple(_outline(parts) for parts in districts.values())
    return [
        MapPage(
            title="BẢN ĐỒ HIỆN TRẠNG ĐƠN VỊ HÀNH CHÍNH CẤP XÃ",
            subtitle=plan.name,
            features=tuple(current),
            boundaries=district_lines,
        ),
        MapPage(
            title="BẢN ĐỒ PHƯƠNG ÁN SẮP XẾP ĐƠN VỊ HÀNH CHÍNH CẤP XÃ",
            subtitle=plan.name,
            features=tuple(proposed),
        ),
    ]


def _new_full_name(unit_type: str, name: str) -> str:
    word = NEW_TYPE_VI.get(unit_type, "")
    return f"{word[:1].upper()}{word[1:]} {name}" if word else name


def _outline(parts: Iterable[BaseGeometry]) -> BaseGeometry:
    return shapely.union_all(list(parts))


# The comment synthesis table ("tổng hợp, tiếp thu, giải trình") ---------------------------

SYNTHESIS_TITLE = "BẢNG TỔNG HỢP, TIẾP THU, GIẢI TRÌNH Ý KIẾN"
SYNTHESIS_COLUMNS = [
    ("STT", 6),
    ("Người/cơ quan góp ý", 26),
    ("Nội dung góp ý", 50),
    ("Đơn vị liên quan", 22),
    ("Tiếp thu/giải trình", 50),
    ("Trạng thái", 16),
]
STATUS_VI = {
    CommentStatus.OPEN: "Chưa xử lý",
    CommentStatus.ADDRESSED: "Tiếp thu",
    CommentStatus.DECLINED: "Giải trình (không tiếp thu)",
}


def synthesis_rows(plan: Plan) -> list[list[str]]:
    comments = (
        Comment.objects.filter(plan=plan)
        .select_related("author", "new_unit")
        .prefetch_related("author__memberships__organisation")
    )
    rows = []
    for stt, comment in enumerate(comments, start=1):
        rows.append(
            [
                str(stt),
                _commenter(comment),
                comment.text,
                _unit_label(comment),
                comment.response,
                STATUS_VI.get(comment.status, comment.status),  # type: ignore[call-overload]
            ]
        )
    return rows


def _commenter(comment: Comment) -> str:
    author = comment.author
    if author is None:
        return ""
    name = author.display_name
    # A body already named in the display name ("Thẩm định (Bộ Nội vụ)") is not repeated.
    organisations = sorted(
        {m.organisation.name for m in author.memberships.all() if m.organisation.name not in name}
    )
    return f"{name} ({', '.join(organisations)})" if organisations else name


def _unit_label(comment: Comment) -> str:
    unit = comment.new_unit
    if unit is not None:
        return _new_full_name(unit.unit_type, unit.name)
    return comment.unit_key or "Toàn bộ phương án"


_THIN = Side(style="thin")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)


def synthesis_xlsx(plan: Plan) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Tổng hợp ý kiến"
    sheet["A1"] = MOTTO
    sheet["A2"] = MOTTO_SUB
    sheet["A4"] = SYNTHESIS_TITLE
    sheet["A5"] = f"Về {plan.name} (phiên bản {plan.version})"
    for cell in ("A1", "A2", "A4"):
        sheet[cell].font = Font(name=FONT, bold=True, size=13)
    sheet["A5"].font = Font(name=FONT, italic=True, size=12)
    header_row = 7
    for column, (title, width) in enumerate(SYNTHESIS_COLUMNS, start=1):
        cell = sheet.cell(row=header_row, column=column, value=title)
        cell.font = Font(name=FONT, bold=True, size=12)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = _BOX
        sheet.column_dimensions[cell.column_letter].width = width
    for offset, values in enumerate(synthesis_rows(plan), start=1):
        for column, value in enumerate(values, start=1):
            cell = sheet.cell(
                row=header_row + offset, column=column, value=int(value) if column == 1 else value
            )
            cell.font = Font(name=FONT, size=12)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            cell.border = _BOX
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=1)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def synthesis_docx(plan: Plan) -> bytes:
    document = docx_form.new_document()
    docx_form.centred(document, MOTTO, size=13)
    docx_form.centred(document, MOTTO_SUB, size=14)
    docx_form.centred(document, SYNTHESIS_TITLE, size=14)
    docx_form.centred(document, f"Về {plan.name} (phiên bản {plan.version})", bold=False)
    rows = synthesis_rows(plan)
    table = document.add_table(rows=1 + len(rows), cols=len(SYNTHESIS_COLUMNS))
    table.style = "Table Grid"
    for column, (title, _width) in enumerate(SYNTHESIS_COLUMNS):
        cell = table.rows[0].cells[column]
        cell.text = title
        for run in cell.paragraphs[0].runs:
            run.bold, run.font.size = True, Pt(12)
    for index, values in enumerate(rows, start=1):
        for column, value in enumerate(values):
            cell = table.rows[index].cells[column]
            cell.text = value
            for run in cell.paragraphs[0].runs:
                run.font.size = Pt(12)
    if not rows:
        docx_form.body(document, "Chưa có ý kiến góp ý.", italic=True)
    return docx_form.to_bytes(document)


# Downloads (the page and the API share them) ---------------------------------------------

DOCUMENTS: dict[str, tuple[Any, str, str]] = {
    "dossier.xlsx": (dossier_xlsx, XLSX_TYPE, "phu-luc-phuong-an"),
    "scheme.docx": (scheme_document, DOCX_TYPE, "de-an"),
    "resolution.docx": (resolution_document, DOCX_TYPE, "du-thao-nghi-quyet"),
    "maps.pdf": (maps_document, PDF_TYPE, "ban-do"),
    "comments.xlsx": (synthesis_xlsx, XLSX_TYPE, "tong-hop-y-kien"),
    "comments.docx": (synthesis_docx, DOCX_TYPE, "tong-hop-y-kien"),
}


def export_document(*, actor: Any, plan: Plan, document: str) -> tuple[bytes, str, str]:
    """(content, content type, file name) of one document of a plan the actor may read;
    each download is audited with the version it showed."""
    build, content_type, stem = DOCUMENTS[document]
    content = build(plan)
    extension = document.rsplit(".", 1)[1]
    filename = f"plan-{plan.pk}-v{plan.version}-{stem}.{extension}"
    record_event(
        actor=actor,
        action="plans.document.download",
        obj=plan,
        changes={"document": document, "version": plan.version, "bytes": len(content)},
    )
    return content, content_type, filename
