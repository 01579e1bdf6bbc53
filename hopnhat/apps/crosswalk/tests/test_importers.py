"""Reading uploaded tables: codes stay text, numbers are parsed, every bad cell is named."""

from __future__ import annotations

import pytest

from hopnhat.apps.crosswalk.importers import PaddedCode, parse_number, read_table
from hopnhat.apps.crosswalk.tests.builders import ROWS, csv_bytes, xlsx_bytes
from hopnhat.common.errors import ValidationFailedError


def test_a_csv_with_a_bom_is_read_with_its_numeric_columns_detected():
    table = read_table(csv_bytes(), filename="bang.csv", key="ma_xa")
    # STT is a row number and ten_xa is text: neither is summed.
    assert table.columns == ("dan_so", "so_ho")
    assert table.values["10798"] == {"dan_so": 1000.0, "so_ho": 300.0}
    assert table.row_count == 5


def test_a_semicolon_csv_without_bom_reads_vietnamese_decimal_commas():
    rows = [[1, "10507", "A", "1.234.567", "12,5"], [2, "00001", "B", "2 000", "-"]]
    table = read_table(csv_bytes(rows, delimiter=";", bom=False), filename="b.csv", key="ma_xa")
    assert table.values["10507"] == {"dan_so": 1234567.0, "so_ho": 12.5}
    assert table.values["00001"] == {"dan_so": 2000.0, "so_ho": 0.0}  # codes keep their zeros


@pytest.mark.parametrize(
    ("text", "number"),
    [("12", 12.0), ("12.5", 12.5), ("12,5", 12.5), ("1,234,567", 1234567.0),
     ("1.234,5", 1234.5), ("1,234.5", 1234.5), ("", None), ("—", None), (7, 7.0)],
)  # fmt: skip
def test_numbers_are_read_in_both_notations(text, number):
    assert parse_number(text) == number


def test_a_bad_cell_is_named_by_row_and_column_and_nothing_is_returned():
    rows = [list(r) for r in ROWS]
    rows[2][3] = "abc"  # the fourth spreadsheet row: header is row 1
    rows[4][4] = "n/a"
    with pytest.raises(ValidationFailedError) as raised:
        read_table(csv_bytes(rows), filename="b.csv", key="ma_xa", columns=["dan_so", "so_ho"])
    assert raised.value.fields["file"] == [
        "row 4, column 'dan_so': 'abc' is not a number",
        "row 6, column 'so_ho': 'n/a' is not a number",
    ]
    assert "row 4, column 'dan_so'" in raised.value.message


def test_a_mostly_numeric_column_with_a_typo_is_an_error_not_a_silently_dropped_column():
    rows = [list(r) for r in ROWS]
    rows[0][3] = "l00"
    with pytest.raises(ValidationFailedError, match="row 2, column 'dan_so': 'l00'"):
        read_table(csv_bytes(rows), filename="b.csv", key="ma_xa")


def test_numeric_codes_from_xlsx_are_zero_padded_and_reported():
    rows = [[1, "1", "Phường Phúc Xá", 10, 1], *ROWS[:1]]
    table = read_table(xlsx_bytes(rows, numeric_codes=True), filename="b.xlsx", key="ma_xa")
    assert set(table.values) == {"00001", "10507"}
    assert table.padded == (PaddedCode(row=2, as_read="1", code="00001"),)


def test_a_named_sheet_is_read_and_an_unknown_one_is_refused():
    data = xlsx_bytes(sheet="Dân số")
    assert read_table(data, filename="b.xlsx", key="ma_xa", sheet="Dân số").row_count == 5
    with pytest.raises(
        ValidationFailedError, match="There is no sheet 'X'; the sheets are: Dân số"
    ):
        read_table(data, filename="b.xlsx", key="ma_xa", sheet="X")


def test_an_unknown_key_column_lists_the_columns_of_the_file():
    with pytest.raises(ValidationFailedError, match="ma_xa, ten_xa"):
        read_table(csv_bytes(), filename="b.csv", key="ma")


def test_the_key_column_is_matched_without_case_or_diacritics():
    assert read_table(csv_bytes(), filename="b.csv", key="MA_XA").key == "ma_xa"


def test_an_empty_code_is_an_error():
    rows = [*ROWS, ["", "", "Tổng cộng", 1357, 336]]
    with pytest.raises(ValidationFailedError, match="row 7, column 'ma_xa': the code is empty"):
        read_table(csv_bytes(rows), filename="b.csv", key="ma_xa")


def test_rows_repeating_a_code_are_added_and_reported():
    table = read_table(
        csv_bytes([*ROWS, [6, "10507", "again", 1, 1]]), filename="b.csv", key="ma_xa"
    )
    assert table.values["10507"] == {"dan_so": 101.0, "so_ho": 11.0}
    assert table.repeated_codes == ("10507",)


def test_an_old_excel_file_is_refused_with_advice():
    with pytest.raises(ValidationFailedError, match=r"\.xlsx or CSV UTF-8"):
        read_table(b"\xd0\xcf\x11\xe0rest", filename="b.xls", key="ma_xa")
