"""Files -> rows: the address tables to convert (streamed, CSV or XLSX) and the sub-unit
tables officials import. Shared by the bulk page, the API and the CLI."""

from __future__ import annotations

import codecs
import csv
import io
import itertools
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from hopnhat.apps.address.xlsx import SheetReader, UnreadableWorkbookError
from hopnhat.common.errors import ValidationFailedError
from hopnhat.engine.address import Conversion
from hopnhat.engine.text import fold

# The columns every converted table gains, in this order (the CLI contract).
OUTPUT_COLUMNS = (
    "status",
    "old_ward_code",
    "new_ward_code",
    "new_ward_name",
    "new_province_code",
    "new_province_name",
    "new_address",
    "candidates",
    "legal_basis",
    "reason",
)
MAX_SUB_UNIT_ROWS = 100_000
csv.field_size_limit(1_000_000)


def output_cells(result: Conversion) -> list[str]:
    return [
        result.status,
        result.old_ward_code,
        result.new_ward_code,
        result.new_ward_name,
        result.new_province_code,
        result.new_province_name,
        result.new_address,
        "|".join(c.code for c in result.candidates),
        result.legal_basis,
        result.reason,
    ]


@dataclass
class Table:
    header: list[str]
    rows: Iterator[list[str]]  # streamed: a million rows never sit in memory at once


def open_table(path: Path, *, filename: str = "") -> Table:
    if _is_xlsx(path, filename):
        return _xlsx_table(path)
    return _csv_table(path)


def _is_xlsx(path: Path, filename: str) -> bool:
    name = (filename or path.name).lower()
    with open(path, "rb") as handle:
        magic = handle.read(4)
    if magic == b"PK\x03\x04" or name.endswith((".xlsx", ".xlsm")):
        return True
    if name.endswith(".xls") or magic == b"\xd0\xcf\x11\xe0":
        raise ValidationFailedError(
            _("Old Excel files (.xls) are not read; save the file as .xlsx or CSV UTF-8."),
            fields={"file": [_("Unsupported file type.")]},
        )
    return False


def _csv_table(path: Path) -> Table:
    handle = open(path, encoding="utf-8-sig", newline="")  # noqa: SIM115  (closed by the iterator)
    try:
        first = handle.readline()
    except UnicodeDecodeError:
        handle.close()
        raise _not_utf8(path) from None
    delimiter = _delimiter(first)
    header = next(csv.reader([first], delimiter=delimiter), [])
    if not any(cell.strip() for cell in header):
        handle.close()
        raise ValidationFailedError(_("The file is empty."), fields={"file": [_("Empty.")]})

    def rows() -> Iterator[list[str]]:
        row = 1
        with handle:
            # Strict: a quotation mark left open would otherwise swallow every row after it
            # into one cell, and those rows would silently go missing from the result.
            reader = csv.reader(handle, delimiter=delimiter, strict=True)
            try:
                for row, cells in enumerate(reader, start=2):  # noqa: B007  (named in errors)
                    yield cells
            except UnicodeDecodeError:
                raise _not_utf8(path) from None
            except csv.Error:
                broken = row_label(row + 1)
                raise ValidationFailedError(
                    _(
                        "Row %(row)s is not valid CSV: a quotation mark opens a cell and is not "
                        "closed, or is not followed by a separator; the file was not converted."
                    )
                    % {"row": broken},
                    fields={"file": [_("Row %(row)s is broken.") % {"row": broken}]},
                ) from None

    return Table(header=[cell.strip() for cell in header], rows=rows())


def _delimiter(first_line: str) -> str:
    return max((",", ";", "\t"), key=first_line.count)


def _not_utf8(path: Path) -> ValidationFailedError:
    """Names the first row and column holding bytes that are not UTF-8."""
    found = locate_bad_text(path)
    if found is None:
        message = _("The CSV file is not UTF-8; save it as “CSV UTF-8”.")
    else:
        message = _(
            "Row %(row)s, column “%(column)s” is not UTF-8 text; save the file as “CSV UTF-8”."
        ) % {"row": row_label(found[0]), "column": found[1]}
    return ValidationFailedError(message, fields={"file": [message]})


def locate_bad_text(path: Path) -> tuple[int, str] | None:
    """(row, column name) of the first cell with bytes that do not decode as UTF-8."""
    with open(path, encoding="utf-8-sig", errors="replace", newline="") as handle:
        first = handle.readline()
        delimiter = _delimiter(first)
        header = next(csv.reader([first], delimiter=delimiter), [])
        rows = csv.reader(itertools.chain([first], handle), delimiter=delimiter)
        for row, cells in enumerate(rows, start=1):
            for at, cell in enumerate(cells):
                if "\ufffd" in cell:
                    name = header[at].strip() if at < len(header) and row > 1 else ""
                    return row, name or str(at + 1)
    return None


def count_rows(path: Path, *, filename: str = "") -> int:
    """Data rows, for the progress bar; a CSV is checked to be UTF-8 on the way (one pass).

    CSV: its lines (a cell with a line break in it makes this an upper bound). XLSX: the rows
    the sheet holds, counted in its XML without reading the cells.
    """
    if _is_xlsx(path, filename):
        return max(0, _xlsx_rows(path) - 1)
    decoder = codecs.getincrementaldecoder("utf-8")()
    lines = 0
    last = b"\n"
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 20):
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError:
                raise _not_utf8(path) from None
            lines += chunk.count(b"\n")
            last = chunk[-1:]
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        raise _not_utf8(path) from None
    lines += last != b"\n"  # a last row without a line break
    return max(0, lines - 1)


def _xlsx_rows(path: Path) -> int:
    try:
        reader = SheetReader(path)
    except UnreadableWorkbookError:
        raise _unreadable_xlsx() from None
    try:
        return reader.count_rows()
    except UnreadableWorkbookError:
        raise _unreadable_xlsx() from None
    finally:
        reader.close()


def _unreadable_xlsx() -> ValidationFailedError:
    return ValidationFailedError(
        _("The file is not a readable XLSX workbook."), fields={"file": [_("Unreadable.")]}
    )


def _xlsx_table(path: Path) -> Table:
    try:
        reader = SheetReader(path)
        cells = reader.rows()
        header = [_text(c) for c in next(cells, [])]
    except UnreadableWorkbookError:
        raise _unreadable_xlsx() from None
    if not any(header):
        reader.close()
        raise ValidationFailedError(_("The file is empty."), fields={"file": [_("Empty.")]})

    def rows() -> Iterator[list[str]]:
        width = len(header)
        try:
            for row in cells:
                texts = [c.strip() if type(c) is str else _text(c) for c in row]
                # Cells the sheet leaves out at the end of a row are empty ones (as in openpyxl).
                yield texts + [""] * (width - len(texts)) if len(texts) < width else texts
        except UnreadableWorkbookError as exc:
            raise ValidationFailedError(
                _("Row %(row)s of the workbook cannot be read; the file was not converted.")
                % {"row": row_label(exc.row or 0)},
                fields={"file": [_("Unreadable.")]},
            ) from None
        finally:
            reader.close()

    return Table(header=header, rows=rows())


def row_label(number: int) -> str:
    """A row number as the reader writes numbers (1.234.567 in Vietnamese, 1,234,567 in English)."""
    return number_format(number, force_grouping=True)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def find_columns(header: Sequence[str], names: Sequence[str]) -> list[int]:
    """The positions of the named columns, matched exactly, else without case and diacritics."""
    positions = []
    for name in names:
        wanted = name.strip()
        if wanted in header:
            positions.append(list(header).index(wanted))
            continue
        loose = [i for i, column in enumerate(header) if fold(column) == fold(wanted)]
        if len(loose) != 1:
            raise ValidationFailedError(
                _("There is no column '%(column)s' in the file; its columns are: %(columns)s.")
                % {"column": wanted, "columns": ", ".join(c for c in header if c)},
                fields={"column": [_("Unknown column.")]},
            )
        positions.append(loose[0])
    return positions


def split_names(text: str) -> list[str]:
    return [name.strip() for name in text.split(",") if name.strip()]


# Sub-unit tables ---------------------------------------------------------------------------

SUB_UNIT_COLUMNS = {
    "old_commune_code": ("old_commune_code", "ma_xa_cu", "mã xã cũ", "old_code"),
    "sub_unit_name": ("sub_unit_name", "ten", "tên", "thon", "to_dan_pho", "sub_unit"),
    "new_unit_code": ("new_unit_code", "ma_xa_moi", "mã xã mới", "new_code"),
}


@dataclass(frozen=True)
class SubUnitRow:
    row: int
    old_commune_code: str
    sub_unit_name: str
    new_unit_code: str
    note: str = ""


def read_sub_units(data: bytes, *, filename: str) -> list[SubUnitRow]:
    """old_commune_code, sub_unit_name, new_unit_code[, note]; every bad row is reported."""
    path = Path(filename or "table.csv")
    table = _table_from_bytes(data, suffix=path.suffix or ".csv")
    positions = _sub_unit_positions(table.header)
    note_at = next((i for i, c in enumerate(table.header) if fold(c) in ("note", "ghi chu")), None)
    rows: list[SubUnitRow] = []
    errors: list[str] = []
    for number, cells in enumerate(table.rows, start=2):
        if not any(c.strip() for c in cells):
            continue
        values = {key: (cells[i].strip() if i < len(cells) else "") for key, i in positions.items()}
        missing = [key for key, value in values.items() if not value]
        if missing:
            errors.append(
                _("row %(row)s: empty %(columns)s") % {"row": number, "columns": ", ".join(missing)}
            )
            continue
        for key in ("old_commune_code", "new_unit_code"):
            if not values[key].isdigit():
                errors.append(
                    _("row %(row)s: '%(value)s' is not a unit code")
                    % {"row": number, "value": values[key]}
                )
        note = cells[note_at].strip() if note_at is not None and note_at < len(cells) else ""
        rows.append(SubUnitRow(row=number, note=note[:300], **values))
        if len(rows) > MAX_SUB_UNIT_ROWS:
            errors.append(
                _("The file has more than %(count)s rows.") % {"count": MAX_SUB_UNIT_ROWS}
            )
            break
    if errors:
        raise ValidationFailedError("; ".join(errors[:3]), fields={"file": errors[:20]})
    if not rows:
        raise ValidationFailedError(_("The file is empty."), fields={"file": [_("Empty.")]})
    return rows


def _sub_unit_positions(header: list[str]) -> dict[str, int]:
    folded = [fold(c).replace(" ", "_") for c in header]
    positions = {}
    for key, names in SUB_UNIT_COLUMNS.items():
        wanted = {fold(n).replace(" ", "_") for n in names}
        found = [i for i, c in enumerate(folded) if c in wanted]
        if not found:
            raise ValidationFailedError(
                _("The sub-unit table needs the columns %(columns)s.")
                % {"columns": ", ".join(SUB_UNIT_COLUMNS)},
                fields={"file": [_("Missing column: %(column)s") % {"column": key}]},
            )
        positions[key] = found[0]
    return positions


def _table_from_bytes(data: bytes, *, suffix: str) -> Table:
    import tempfile

    # The table readers stream from a file; a sub-unit table is small enough to spool.
    spool = tempfile.NamedTemporaryFile(suffix=suffix, delete=False)  # noqa: SIM115
    with spool:
        spool.write(data)
    path = Path(spool.name)
    try:
        table = open_table(path, filename=f"upload{suffix}")
        rows = list(table.rows)
    finally:
        path.unlink(missing_ok=True)
    return Table(header=table.header, rows=iter(rows))


def csv_text(rows: Sequence[Sequence[str]]) -> str:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue()
