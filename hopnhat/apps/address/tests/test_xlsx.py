"""The streaming XLSX reader reads a sheet as openpyxl does, in a fraction of its time."""

from __future__ import annotations

import datetime
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont

from hopnhat.apps.address.importers import count_rows, open_table
from hopnhat.apps.address.xlsx import SheetReader, UnreadableWorkbookError
from hopnhat.common.errors import ValidationFailedError

ROWS = [
    ["stt", "ho_ten", "dia_chi", "ngay_sinh", "ghi_chu"],
    [1, "Nguyễn Văn A", "Xã Hòa Bình, Huyện Kim Thành", datetime.datetime(1990, 5, 6), None],
    [2.5, True, "=1+1", datetime.date(2001, 1, 2), -3],
    [None, None, None, None, None],
    [1e20, "#N/A", "số 5, Lê Lợi", datetime.time(10, 30), datetime.timedelta(hours=30)],
]


def workbook(path: Path, *, write_only: bool) -> Path:
    book = Workbook(write_only=write_only)
    sheet = book.create_sheet() if write_only else book.active
    for row in ROWS:
        sheet.append(row)
    if not write_only:
        sheet["B7"] = "a row after a gap"
        sheet["G8"] = "a cell beyond the others"
        sheet["A9"] = CellRichText(["Xã ", TextBlock(InlineFont(b=True), "Hòa Bình")])
    book.save(path)
    return path


def openpyxl_rows(path: Path) -> list[list[object]]:
    book = load_workbook(path, read_only=True, data_only=True)
    try:
        return [list(row) for row in book.worksheets[0].iter_rows(values_only=True)]
    finally:
        book.close()


@pytest.mark.parametrize("write_only", [False, True], ids=["shared strings", "inline strings"])
def test_every_value_reads_as_openpyxl_reads_it(tmp_path, write_only):
    path = workbook(tmp_path / "t.xlsx", write_only=write_only)
    reader = SheetReader(path)
    try:
        ours = list(reader.rows())
    finally:
        reader.close()
    theirs = openpyxl_rows(path)
    assert len(ours) == len(theirs)
    for mine, expected in zip(ours, theirs, strict=True):
        # openpyxl pads every row to the sheet's width; the table reader pads to the header.
        assert mine + [None] * (len(expected) - len(mine)) == expected


def test_the_rows_are_counted_without_reading_the_cells(tmp_path):
    path = workbook(tmp_path / "t.xlsx", write_only=False)
    assert count_rows(path) == 9 - 1  # the header is not a data row; row 6 is left out
    assert len(list(open_table(path).rows)) == 8


def test_a_table_reads_rows_as_text_padded_to_the_header(tmp_path):
    table = open_table(workbook(tmp_path / "t.xlsx", write_only=False))
    rows = list(table.rows)
    assert table.header == ["stt", "ho_ten", "dia_chi", "ngay_sinh", "ghi_chu"]
    assert rows[0] == [
        "1",
        "Nguyễn Văn A",
        "Xã Hòa Bình, Huyện Kim Thành",
        "1990-05-06 00:00:00",
        "",
    ]
    assert rows[2] == ["", "", "", "", ""]
    assert rows[4] == ["", "", "", "", ""]  # the row the sheet leaves out
    assert rows[7][0] == "Xã Hòa Bình"


def test_a_file_that_is_not_a_workbook_is_refused_clearly(tmp_path):
    path = tmp_path / "t.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(UnreadableWorkbookError):
        SheetReader(path)
    with pytest.raises(ValidationFailedError, match="not a readable XLSX workbook"):
        open_table(path)


def test_a_sheet_damaged_midway_names_the_row(tmp_path):
    path = tmp_path / "t.xlsx"
    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    for number in range(5_000):  # more than the parser reads at once
        sheet.append([number, f"Xã Hòa Bình {number}"])
    book.save(path)
    with zipfile.ZipFile(path) as book:
        parts = {name: book.read(name) for name in book.namelist()}
    sheet = next(name for name in parts if name.startswith("xl/worksheets/sheet"))
    cut = parts[sheet].index(b'<row r="4000"')
    parts[sheet] = parts[sheet][:cut] + b"<row r='4000'><c><v>1</c></row></sheetData></worksheet>"
    with zipfile.ZipFile(path, "w") as book:
        for name, data in parts.items():
            book.writestr(name, data)
    table = open_table(path)
    with pytest.raises(ValidationFailedError, match="Row 4,000 of the workbook cannot be read"):
        list(table.rows)
