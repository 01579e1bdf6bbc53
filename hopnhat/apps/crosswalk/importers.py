"""An uploaded CSV/XLSX table -> old code -> column -> number. Shared by the page, API and CLI.

All or nothing: every bad cell is reported by its spreadsheet row (the header is row 1) and
column name, and no table is returned while any remains.
"""

from __future__ import annotations

import csv
import io
import math
import re
import zipfile
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from hopnhat.common.errors import ValidationFailedError
from hopnhat.engine.text import fold

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
MAX_DATA_ROWS = 200_000
MAX_ERRORS_SHOWN = 20
# Official codes have a fixed width (QĐ 124/2004/QĐ-TTg): a spreadsheet that stored them as
# numbers has lost their leading zeros ("1" for Phường Phúc Xá, 00001).
CODE_WIDTH = {"commune": 5, "province": 2}

Cell = str | int | float | None


@dataclass(frozen=True)
class Sheet:
    header: tuple[str, ...]
    rows: tuple[tuple[int, tuple[Any, ...]], ...]  # (spreadsheet row number, cells)


@dataclass(frozen=True)
class PaddedCode:
    row: int
    as_read: str
    code: str


@dataclass(frozen=True)
class CodeTable:
    key: str
    columns: tuple[str, ...]
    values: dict[str, dict[str, float]]  # old code -> column -> sum over its rows
    row_count: int
    padded: tuple[PaddedCode, ...] = ()
    repeated_codes: tuple[str, ...] = ()  # codes on more than one row (their rows are added)


def read_table(
    data: bytes,
    *,
    filename: str,
    key: str,
    columns: Sequence[str] = (),
    sheet: str = "",
    code_width: int = CODE_WIDTH["commune"],
) -> CodeTable:
    """Read the key column as text codes and sum the chosen (or detected) numeric columns."""
    table = read_sheet(data, filename=filename, sheet=sheet)
    key_name = find_column(table.header, key)
    chosen = (
        [find_column(table.header, name) for name in columns]
        if columns
        else detect_numeric_columns(table, key=key_name)
    )
    if not chosen:
        raise ValidationFailedError(
            _("No numeric column to aggregate was found; name the columns to sum."),
            fields={"columns": [_("No numeric column found.")]},
        )
    if key_name in chosen:
        raise ValidationFailedError(
            _("The key column '%(column)s' cannot also be summed.") % {"column": key_name},
            fields={"columns": [_("The key column cannot be summed.")]},
        )
    return _collect(table, key=key_name, columns=chosen, code_width=code_width)


def _collect(table: Sheet, *, key: str, columns: list[str], code_width: int) -> CodeTable:
    key_index = table.header.index(key)
    indexes = [table.header.index(name) for name in columns]
    values: dict[str, dict[str, float]] = {}
    seen_rows: dict[str, int] = defaultdict(int)
    padded: list[PaddedCode] = []
    errors: list[str] = []
    for row_number, cells in table.rows:
        try:
            code, as_read = parse_code(_cell(cells, key_index), width=code_width)
        except ValueError as exc:
            errors.append(_cell_error(row_number, key, str(exc)))
            continue
        if as_read is not None:
            padded.append(PaddedCode(row_number, as_read, code))
        sums = values.setdefault(code, dict.fromkeys(columns, 0.0))
        seen_rows[code] += 1
        for name, index in zip(columns, indexes, strict=True):
            try:
                number = parse_number(_cell(cells, index))
            except ValueError as exc:
                errors.append(_cell_error(row_number, name, str(exc)))
                continue
            sums[name] += number or 0.0
    if errors:
        raise_cell_errors(errors)
    return CodeTable(
        key=key,
        columns=tuple(columns),
        values=values,
        row_count=len(table.rows),
        padded=tuple(padded),
        repeated_codes=tuple(sorted(code for code, n in seen_rows.items() if n > 1)),
    )


def _cell(cells: tuple[Any, ...], index: int) -> Any:
    return cells[index] if index < len(cells) else None


def _cell_error(row: int, column: str, problem: str) -> str:
    return _("row %(row)s, column '%(column)s': %(problem)s") % {
        "row": row,
        "column": column,
        "problem": problem,
    }


def raise_cell_errors(errors: list[str]) -> None:
    shown = errors[:MAX_ERRORS_SHOWN]
    message = "; ".join(shown[:3])
    if len(errors) > 3:
        message += " " + ngettext(
            "(and %(count)s more error)", "(and %(count)s more errors)", len(errors) - 3
        ) % {"count": len(errors) - 3}
    raise ValidationFailedError(message, fields={"file": shown})


# Cells -----------------------------------------------------------------------------------

_BLANKS = {"", "-", "–", "—"}  # a dash stands for "none" in published statistical tables
_GROUPED = re.compile(r"^[+-]?\d{1,3}([.,])\d{3}(\1\d{3})*$")


def parse_number(value: Any) -> float | None:
    """A number, or None for a blank cell. Accepts 1234.5, 1234,5, 1.234.567 and 1,234,567."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueError(_("'%(value)s' is not a number") % {"value": value})
    if isinstance(value, int | float):
        number = float(value)
    else:
        text = re.sub(r"[\s\u00a0\u202f']", "", str(value))
        if text in _BLANKS:
            return None
        try:
            number = float(_plain_decimal(text))
        except ValueError:
            raise ValueError(_("'%(value)s' is not a number") % {"value": value}) from None
    if not math.isfinite(number):
        raise ValueError(_("'%(value)s' is not a number") % {"value": value})
    return number


def _plain_decimal(text: str) -> str:
    if text.count(".") + text.count(",") > 1 and _GROUPED.match(text):
        return text.replace(".", "").replace(",", "")  # 1.234.567 or 1,234,567
    if "." in text and "," in text:
        # The mark that comes last is the decimal one: 1.234,5 or 1,234.5.
        if text.rfind(",") > text.rfind("."):
            return text.replace(".", "").replace(",", ".")
        return text.replace(",", "")
    # A single mark is a decimal one, the Vietnamese comma included (TCVN): 12,5 and 12.5.
    return text.replace(",", ".") if text.count(",") == 1 else text


def parse_code(value: Any, *, width: int) -> tuple[str, str | None]:
    """The code as text, and what was read when it had to be zero-padded (else None)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        raise ValueError(_("the code is empty"))
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise ValueError(_("'%(value)s' is not a code") % {"value": value})
    if isinstance(value, str):
        return value.strip(), None
    if not float(value).is_integer() or value < 0:
        raise ValueError(_("'%(value)s' is not a code") % {"value": value})
    as_read = str(int(value))
    code = as_read.zfill(width)
    return code, (as_read if code != as_read else None)


# Columns ---------------------------------------------------------------------------------

# Codes and row numbers look numeric but summing them means nothing: "mã xã", "STT", "code".
_NOT_SUMMED_TOKENS = {"ma", "code", "stt", "tt", "id"}


def detect_numeric_columns(table: Sheet, *, key: str) -> list[str]:
    """Columns whose non-blank cells are mostly numbers; their other cells then become errors."""
    found = []
    for index, name in enumerate(table.header):
        if not name or name == key or _NOT_SUMMED_TOKENS & set(re.split(r"[^a-z0-9]+", fold(name))):
            continue
        filled = numeric = 0
        for _row, cells in table.rows:
            value = _cell(cells, index)
            try:
                number = parse_number(value)
            except ValueError:
                filled += 1
                continue
            if number is not None:
                filled += 1
                numeric += 1
        if numeric and numeric * 2 > filled:
            found.append(name)
    return found


def find_column(header: Sequence[str], name: str) -> str:
    wanted = name.strip()
    if wanted in header:
        return wanted
    loose = [column for column in header if column and fold(column) == fold(wanted)]
    if len(loose) == 1:
        return loose[0]
    raise ValidationFailedError(
        _("There is no column '%(column)s' in the file; its columns are: %(columns)s.")
        % {"column": wanted, "columns": ", ".join(c for c in header if c)},
        fields={"key" if not loose else "columns": [_("Unknown column.")]},
    )


# Files -----------------------------------------------------------------------------------


def read_sheet(data: bytes, *, filename: str, sheet: str = "") -> Sheet:
    if len(data) > MAX_UPLOAD_BYTES:
        raise ValidationFailedError(
            _("The file is larger than %(size)s MB.") % {"size": MAX_UPLOAD_BYTES // 2**20},
            fields={"file": [_("File too large.")]},
        )
    lower = filename.lower()
    if data[:4] == b"PK\x03\x04" or lower.endswith((".xlsx", ".xlsm")):
        return read_xlsx(data, sheet=sheet)
    if lower.endswith(".xls") or data[:4] == b"\xd0\xcf\x11\xe0":
        raise ValidationFailedError(
            _("Old Excel files (.xls) are not read; save the file as .xlsx or CSV UTF-8."),
            fields={"file": [_("Unsupported file type.")]},
        )
    return read_csv(data)


def read_csv(data: bytes) -> Sheet:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationFailedError(
            _("The CSV file is not UTF-8; save it as “CSV UTF-8”."),
            fields={"file": [_("Not UTF-8.")]},
        ) from None
    first_line = text.split("\n", 1)[0]
    delimiter = max((";", ",", "\t"), key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    return _sheet(enumerate(reader, start=1))


def read_xlsx(data: bytes, *, sheet: str = "") -> Sheet:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError):
        raise ValidationFailedError(
            _("The file is not a readable XLSX workbook."), fields={"file": [_("Unreadable.")]}
        ) from None
    try:
        if sheet and sheet not in workbook.sheetnames:
            raise ValidationFailedError(
                _("There is no sheet '%(sheet)s'; the sheets are: %(sheets)s.")
                % {"sheet": sheet, "sheets": ", ".join(workbook.sheetnames)},
                fields={"sheet": [_("Unknown sheet.")]},
            )
        worksheet = workbook[sheet] if sheet else workbook.worksheets[0]
        return _sheet(enumerate(worksheet.iter_rows(values_only=True), start=1))
    finally:
        workbook.close()


def _sheet(rows: Iterable[tuple[int, Sequence[Any]]]) -> Sheet:
    header: tuple[str, ...] | None = None
    body: list[tuple[int, tuple[Any, ...]]] = []
    for number, cells in rows:
        values = tuple(None if _blank(c) else c for c in cells)
        if all(v is None for v in values):
            continue
        if header is None:
            header = tuple("" if v is None else str(v).strip() for v in values)
            _check_header(header)
            continue
        body.append((number, values))
        if len(body) > MAX_DATA_ROWS:
            raise ValidationFailedError(
                _("The file has more than %(count)s rows.") % {"count": MAX_DATA_ROWS},
                fields={"file": [_("Too many rows.")]},
            )
    if header is None:
        raise ValidationFailedError(_("The file is empty."), fields={"file": [_("Empty.")]})
    return Sheet(header=header, rows=tuple(body))


def _blank(cell: Any) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def _check_header(header: tuple[str, ...]) -> None:
    seen: set[str] = set()
    for name in header:
        if name and name in seen:
            raise ValidationFailedError(
                _("row 1: the column '%(column)s' appears twice.") % {"column": name},
                fields={"file": [_("Duplicate column.")]},
            )
        seen.add(name)
