"""(a) The XLSX annex: one row per new unit with the columns of legal reference §2.3."""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from hopnhat.apps.plans.dossier.model import DossierConstituent, DossierPlan
from hopnhat.apps.plans.dossier.wording import FONT, MOTTO, MOTTO_SUB, date_line, km2, people

COLUMNS = [
    ("STT", 6),
    ("Tên đơn vị hành chính cấp xã mới", 22),
    ("Loại (xã/phường/đặc khu)", 11),
    ("Các đơn vị hành chính cấp xã cũ (toàn bộ/một phần; diện tích, dân số)", 60),
    ("Diện tích tự nhiên (km²)", 12),
    ("Diện tích: % so với tiêu chuẩn", 11),
    ("Quy mô dân số (người)", 12),
    ("Dân số: % so với tiêu chuẩn", 11),
    ("Số ĐVHC cũ", 8),
    ("Đạt/không đạt định hướng; trường hợp ngoại lệ và lý do", 30),
    ("Dự kiến trụ sở", 26),
    ("Lý do đặt tên", 30),
    ("Yếu tố đặc thù", 24),
]
NOT_ARRANGED_COLUMNS = [
    ("STT", 6),
    ("Tên đơn vị hành chính cấp xã", 26),
    ("Loại", 10),
    ("Thuộc cấp huyện (cũ)", 26),
    ("Diện tích tự nhiên (km²)", 12),
    ("Quy mô dân số (người)", 12),
    ("Lý do không thực hiện sắp xếp (Điều 3 Nghị quyết số 76/2025/UBTVQH15)", 60),
]
_THIN = Side(style="thin")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_WRAP = Alignment(wrap_text=True, vertical="top")
_CENTRE = Alignment(horizontal="center", vertical="center", wrap_text=True)


def constituent_line(old: DossierConstituent) -> str:
    """'- Xã Quốc Tuấn (huyện Nam Sách): toàn bộ; 8,12 km²; 11.234 người'."""
    parts = ["toàn bộ" if old.whole else "một phần"]
    if old.area_km2 is not None:
        parts.append(km2(old.area_km2))
    if old.population is not None:
        parts.append(people(old.population))
    return f"- {old.full_name} ({old.district}): {'; '.join(parts)}"


def annex_xlsx(plan: DossierPlan) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Phương án sắp xếp"
    title = (
        f"PHƯƠNG ÁN SẮP XẾP ĐƠN VỊ HÀNH CHÍNH CẤP XÃ CỦA {plan.province.upper()} NĂM {plan.year}"
    )
    first = _official_header(sheet, plan, title, COLUMNS)
    for row, unit in enumerate(plan.units, start=first):
        values = [
            unit.stt,
            unit.full_name,
            unit.unit_type,
            "\n".join(constituent_line(old) for old in unit.constituents),
            unit.area_km2,
            unit.area_pct,
            unit.population,
            unit.population_pct,
            unit.n_old_units,
            unit.meets,
            unit.seat,
            unit.name_reason,
            unit.special_factors,
        ]
        _row(sheet, row, values, formats={5: "#,##0.00", 6: "0.00", 7: "#,##0", 8: "0.00"})
    if plan.thresholds_note:
        note = sheet.cell(row=first + len(plan.units) + 1, column=1, value=plan.thresholds_note)
        note.font = Font(name=FONT, size=11, italic=True)

    kept = workbook.create_sheet("Không sắp xếp")
    title = (
        f"DANH SÁCH ĐƠN VỊ HÀNH CHÍNH CẤP XÃ KHÔNG THỰC HIỆN SẮP XẾP CỦA {plan.province.upper()}"
    )
    first = _official_header(kept, plan, title, NOT_ARRANGED_COLUMNS)
    for index, kept_unit in enumerate(plan.not_arranged, start=1):
        values = [
            index,
            kept_unit.full_name,
            kept_unit.unit_type,
            kept_unit.district,
            kept_unit.area_km2,
            kept_unit.population,
            kept_unit.reason,
        ]
        row = first + index - 1
        _row(kept, row, values, formats={5: "#,##0.00", 6: "#,##0"})
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _official_header(
    sheet: Worksheet, plan: DossierPlan, title: str, columns: list[tuple[str, int]]
) -> int:
    """The issuer and motto rows, the title, the column headings; returns the first data row."""
    last = get_column_letter(len(columns))
    split = max(2, len(columns) // 3)
    issuer = (plan.issuer or f"Ủy ban nhân dân {plan.province}").upper()
    _merged(sheet, f"A1:{get_column_letter(split)}1", issuer, bold=True)
    _merged(sheet, f"{get_column_letter(split + 1)}1:{last}1", MOTTO, bold=True)
    _merged(sheet, f"{get_column_letter(split + 1)}2:{last}2", MOTTO_SUB, bold=True)
    place = plan.place or plan.province.split(" ", 2)[-1]
    _merged(sheet, f"{get_column_letter(split + 1)}3:{last}3", date_line(place, None), italic=True)
    _merged(sheet, f"A5:{last}5", title, bold=True, size=14)
    _merged(sheet, f"A6:{last}6", f"(Kèm theo {plan.scheme_title})", italic=True)
    for column, (heading, width) in enumerate(columns, start=1):
        cell = sheet.cell(row=8, column=column, value=heading)
        cell.font = Font(name=FONT, size=12, bold=True)
        cell.alignment, cell.border = _CENTRE, _BOX
        sheet.column_dimensions[get_column_letter(column)].width = width
        number = sheet.cell(row=9, column=column, value=f"({column})")
        number.font = Font(name=FONT, size=11, italic=True)
        number.alignment, number.border = _CENTRE, _BOX
    sheet.freeze_panes = "C10"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A3
    sheet.print_title_rows = "8:9"
    return 10


def _merged(
    sheet: Worksheet,
    cells: str,
    value: str,
    *,
    bold: bool = False,
    italic: bool = False,
    size: int = 13,
) -> None:
    sheet.merge_cells(cells)
    cell = sheet[cells.split(":")[0]]
    cell.value = value
    cell.font = Font(name=FONT, size=size, bold=bold, italic=italic)
    cell.alignment = _CENTRE


def _row(sheet: Worksheet, row: int, values: list[object], *, formats: dict[int, str]) -> None:
    for column, value in enumerate(values, start=1):
        cell = sheet.cell(row=row, column=column, value=value)
        cell.font = Font(name=FONT, size=12)
        cell.alignment, cell.border = _WRAP, _BOX
        if column in formats:
            cell.number_format = formats[column]
