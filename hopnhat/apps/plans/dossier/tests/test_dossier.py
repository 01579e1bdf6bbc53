"""The dossier documents, opened again and read back."""

import io

import pytest
from docx import Document
from openpyxl import load_workbook

from hopnhat.apps.plans.dossier import (
    annex_xlsx,
    draft_resolution_docx,
    draft_resolution_paragraphs,
    maps_pdf,
    scheme_docx,
    unit_paragraph,
)
from hopnhat.apps.plans.dossier.maps import map_layout, nice_length_m
from hopnhat.apps.plans.dossier.tests.builders import enacted_plan, map_pages, small_plan
from hopnhat.engine.resolutions import parse_resolution
from hopnhat.engine.resolutions.tests.tables import hp_crosswalk_table, parsed_assignment


@pytest.fixture(scope="module")
def plan():
    return enacted_plan()


def docx_paragraphs(content: bytes) -> list[str]:
    return [paragraph.text for paragraph in Document(io.BytesIO(content)).paragraphs]


def test_the_draft_of_the_enacted_plan_parses_back_to_the_same_assignment(plan):
    text = "\n\n".join(docx_paragraphs(draft_resolution_docx(plan)))
    resolution = parse_resolution(text)
    table = hp_crosswalk_table()
    assert resolution.warnings == ()
    assert len(resolution.units) == resolution.declared_total == 114
    assert resolution.province == "thành phố Hải Phòng"
    assert parsed_assignment(resolution, table) == table.assignment


def test_the_draft_words_divided_units_like_nq1669():
    paragraphs = draft_resolution_paragraphs(small_plan())
    assert paragraphs[10:13] == [
        "1. Sắp xếp toàn bộ diện tích tự nhiên, quy mô dân số của xã Gia Tiến và một phần diện "
        "tích tự nhiên, quy mô dân số của xã Gia Phúc thành xã mới có tên gọi là xã Gia Lộc.",
        "2. Sắp xếp toàn bộ diện tích tự nhiên, quy mô dân số của xã Toàn Thắng và phần còn lại "
        "của xã Gia Phúc sau khi sắp xếp theo quy định tại khoản 1 Điều này thành xã mới có tên "
        "gọi là xã Gia Phúc.",
        "3. Sau khi sắp xếp, thành phố Hải Phòng có 03 đơn vị hành chính cấp xã, gồm 03 xã; "
        "trong đó có 02 xã hình thành sau sắp xếp quy định tại Điều này và 01 đơn vị hành chính "
        "cấp xã không thực hiện sắp xếp là xã Cái Chiên.",
    ]
    assert "Điều 2. Hiệu lực thi hành" in paragraphs
    assert "Điều 3. Tổ chức thực hiện" in paragraphs


def test_the_draft_has_the_decree_30_header(plan):
    document = Document(io.BytesIO(draft_resolution_docx(small_plan())))
    header = [cell.text for row in document.tables[0].rows for cell in row.cells]
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc" in header[1]
    assert header[2].startswith("Số:")
    assert document.styles["Normal"].font.name == "Times New Roman"


def test_the_scheme_paragraph_follows_the_government_dossier_pattern():
    assert unit_paragraph(small_plan().units[0]) == (
        "Thành lập xã Gia Lộc trên cơ sở toàn bộ diện tích tự nhiên 8,25 km², quy mô dân số "
        "9.500 người của xã Gia Tiến và một phần diện tích tự nhiên 3,5 km², quy mô dân số "
        "4.000 người của xã Gia Phúc; sau sắp xếp xã Gia Lộc có diện tích tự nhiên 21,78 km² "
        "(đạt 103,71% so với tiêu chuẩn) và quy mô dân số 46.735 người (đạt 292,09% so với "
        "tiêu chuẩn)."
    )


def test_the_scheme_has_the_outline_and_one_paragraph_per_unit(plan):
    paragraphs = docx_paragraphs(scheme_docx(plan))
    assert "CĂN CỨ CHÍNH TRỊ, PHÁP LÝ VÀ SỰ CẦN THIẾT" in paragraphs
    assert "PHƯƠNG ÁN SẮP XẾP ĐƠN VỊ HÀNH CHÍNH CẤP XÃ" in paragraphs
    units = [p for p in paragraphs if p.startswith("1.") and "Thành lập" in p]
    assert len(units) == 114
    tran_phu = next(p for p in units if "Thành lập xã Trần Phú " in p)
    assert tran_phu.endswith(
        "sau sắp xếp xã Trần Phú có diện tích tự nhiên 24,99 km² (đạt 119,00% so với tiêu chuẩn) "
        "và quy mô dân số 35.937 người (đạt 224,61% so với tiêu chuẩn)."
    )
    divided = next(p for p in units if "Thành lập phường Lê Thanh Nghị " in p)
    assert "và một phần diện tích tự nhiên " in divided
    assert " của phường Trần Phú;" in divided


def test_the_annex_has_a_row_per_unit_with_constituents_and_percentages(plan):
    workbook = load_workbook(io.BytesIO(annex_xlsx(plan)))
    sheet = workbook["Phương án sắp xếp"]
    assert sheet["A1"].value == "ỦY BAN NHÂN DÂN THÀNH PHỐ HẢI PHÒNG"
    assert sheet["A1"].font.name == "Times New Roman"
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in [c.value for c in sheet[1]]
    rows = {row[1]: row for row in sheet.iter_rows(min_row=10, values_only=True) if row[1]}
    tran_phu = rows["Xã Trần Phú"]
    assert tran_phu[3].splitlines() == [
        "- Xã Hiệp Cát (huyện Nam Sách): toàn bộ; 6,96 km²; 6.759 người",
        "- Xã Quốc Tuấn (huyện Nam Sách): toàn bộ; 9,82 km²; 13.080 người",
        "- Xã Trần Phú (huyện Nam Sách): toàn bộ; 8,23 km²; 10.518 người",
    ]
    assert tran_phu[4:9] == (24.99, 119.0, 35937, 224.61, 3)
    assert "Điều 5 khoản 2" in tran_phu[9]
    assert len(rows) == 114
    assert workbook.sheetnames == ["Phương án sắp xếp", "Không sắp xếp"]


def test_the_annex_lists_the_units_not_arranged_with_their_reason():
    workbook = load_workbook(io.BytesIO(annex_xlsx(small_plan())))
    rows = list(workbook["Không sắp xếp"].iter_rows(min_row=10, values_only=True))
    assert rows[0][:4] == (1, "Xã Cái Chiên", "xã", "huyện Hải Hà")
    assert rows[0][6] == "Đơn vị ở vị trí biệt lập"


@pytest.mark.slow
def test_the_maps_are_two_landscape_pages_of_vector_drawing():
    content = maps_pdf(map_pages(), paper="A3")
    assert content.startswith(b"%PDF")
    assert b"/Count 2" in content  # the current and the proposed map
    assert b"/MediaBox [ 0 0 1190.551 841.8898 ]" in content  # A3 landscape


@pytest.mark.slow
def test_the_map_text_keeps_every_vietnamese_letter():
    # A font without the precomposed letters (Liberation 1.x, Times-Roman) drops "ả", "ồ", "ệ".
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(maps_pdf(map_pages(), paper="A3")))
    current, proposed = (page.extract_text() for page in reader.pages)
    assert "BẢN ĐỒ HIỆN TRẠNG ĐƠN VỊ HÀNH CHÍNH CẤP XÃ" in current
    assert "BẢN ĐỒ PHƯƠNG ÁN SẮP XẾP ĐƠN VỊ HÀNH CHÍNH CẤP XÃ" in proposed
    assert "CHÚ GIẢI" in proposed
    assert "Tỷ lệ 1:" in proposed
    assert "Nguyễn Bỉnh Khiêm" in proposed


def test_an_outlying_island_goes_to_an_inset_and_the_main_frame_fits_the_rest():
    pages = map_pages()
    proposed = {f.label: f.geometry for f in pages[1].features}
    layout = map_layout(list(proposed.values()))
    [inset] = layout.insets
    bach_long_vi = proposed["Bạch Long Vĩ"].representative_point()
    assert inset[0] <= bach_long_vi.x <= inset[2]
    assert inset[1] <= bach_long_vi.y <= inset[3]
    # The main frame ends west of Bạch Long Vĩ (107.7° E) and still holds Cát Hải.
    assert layout.main[2] < 107.3 < bach_long_vi.x
    assert layout.inset_of(proposed["Cát Hải"]) is None


def test_the_scale_bar_takes_a_round_length():
    assert nice_length_m(7_300) == 5_000
    assert nice_length_m(2_400) == 2_000
    assert nice_length_m(999) == 500
