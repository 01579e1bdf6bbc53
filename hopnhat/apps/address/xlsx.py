"""The first sheet of an XLSX workbook, streamed row by row with lxml.

openpyxl's read-only mode builds a dict and a cell object for every cell, and reads the whole
shared-strings table as the workbook opens: a 200,000-row register saved as Excel saves it took
2.3 s just to show the bulk column page's five-row preview, and its cells were read at about
12,000 rows/s (5,500 rows/s when the strings are stored inline, as openpyxl writes them).
This reader parses the same parts (workbook, relationships, shared strings, styles, the sheet)
with lxml, reads the shared strings only as far as the rows need them, and keeps openpyxl's
reading of values, reusing its helpers: numbers as int or float, dates (a number in a date
style) as datetime, booleans, error codes and formula results as stored. Missing rows come back
empty and cells stand at the column their reference names, so row numbers are the sheet's.
bench/address_bulk.py --xlsx --compare-readers times both on one workbook.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from lxml import etree
from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format, is_timedelta_format
from openpyxl.utils.datetime import (
    CALENDAR_MAC_1904,
    CALENDAR_WINDOWS_1900,
    from_excel,
    from_ISO8601,
)

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
STRICT = "{http://purl.oclc.org/ooxml/spreadsheetml/main}"
OFFICE_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
PACKAGE_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"


_ROW_TAG = re.compile(rb'<(?:\w+:)?row[\s>/](?:[^>]*?\br="(\d+)")?')
_TAG_ROOM = 1024  # longer than any row tag


class UnreadableWorkbookError(Exception):
    """Not a workbook this reader understands (not a zip, a part missing, broken XML)."""

    def __init__(self, reason: str, *, row: int | None = None) -> None:
        super().__init__(reason)
        self.row = row


class SheetReader:
    """`rows()` streams the first sheet; the workbook stays open until `close()`."""

    def __init__(self, path: Path) -> None:
        try:
            self.archive = zipfile.ZipFile(path)
            names = set(self.archive.namelist())
            workbook = self._xml("xl/workbook.xml")
            self.ns = MAIN if workbook.tag.startswith(MAIN) else STRICT
            parts = self._relationships("xl/workbook.xml", names)
            sheet = workbook.find(f"{self.ns}sheets/{self.ns}sheet")
            if sheet is None:
                raise UnreadableWorkbookError("no sheet")
            self.sheet_part = parts["ids"][sheet.get(f"{OFFICE_REL}id") or sheet.get("id", "")]
            properties = workbook.find(f"{self.ns}workbookPr")
            date1904 = properties is not None and properties.get("date1904") in ("1", "true")
            self.epoch = CALENDAR_MAC_1904 if date1904 else CALENDAR_WINDOWS_1900
            self.shared = SharedStrings(self, parts["types"].get("sharedStrings"))
            self.dates, self.durations = self._date_styles(parts["types"].get("styles"))
        except (zipfile.BadZipFile, KeyError, OSError, etree.XMLSyntaxError, ValueError) as exc:
            self.close()
            raise UnreadableWorkbookError(str(exc)) from exc

    def close(self) -> None:
        shared = getattr(self, "shared", None)
        if shared is not None:
            shared.close()
        archive = getattr(self, "archive", None)
        if archive is not None:
            archive.close()

    def _xml(self, name: str) -> Any:
        with self.archive.open(name) as handle:
            return etree.parse(handle).getroot()

    def _relationships(self, part: str, names: set[str]) -> dict[str, dict[str, str]]:
        folder, base = posixpath.split(part)
        rels = f"{folder}/_rels/{base}.rels"
        ids: dict[str, str] = {}
        types: dict[str, str] = {}
        if rels in names:
            for rel in self._xml(rels).iter(f"{PACKAGE_REL}Relationship"):
                target = rel.get("Target", "")
                path = target.lstrip("/") if target.startswith("/") else f"{folder}/{target}"
                path = posixpath.normpath(path)
                ids[rel.get("Id", "")] = path
                types[rel.get("Type", "").rsplit("/", 1)[-1]] = path
        return {"ids": ids, "types": types}

    def _date_styles(self, part: str | None) -> tuple[set[int], set[int]]:
        if part is None:
            return set(), set()
        styles = self._xml(part)
        formats = dict(BUILTIN_FORMATS)
        for custom in styles.iterfind(f"{self.ns}numFmts/{self.ns}numFmt"):
            formats[int(custom.get("numFmtId", "0"))] = custom.get("formatCode", "")
        dates: set[int] = set()
        durations: set[int] = set()
        for position, xf in enumerate(styles.iterfind(f"{self.ns}cellXfs/{self.ns}xf")):
            code = formats.get(int(xf.get("numFmtId", "0")), "")
            if code and is_date_format(code):
                dates.add(position)
                if is_timedelta_format(code):
                    durations.add(position)
        return dates, durations

    def rows(self) -> Iterator[list[Any]]:
        """Every row from the first, as lists of values (None for an empty cell)."""
        expected = 1
        try:
            with self.archive.open(self.sheet_part) as handle:
                for number, row in self._sheet_rows(handle):
                    while expected < number:  # rows the sheet leaves out are empty
                        yield []
                        expected += 1
                    yield self._values(row)
                    expected = number + 1
        except (
            zipfile.BadZipFile,
            KeyError,
            OSError,
            etree.XMLSyntaxError,
            EOFError,
            ValueError,
            IndexError,
        ) as exc:
            raise UnreadableWorkbookError(str(exc), row=expected) from exc

    def count_rows(self) -> int:
        """The sheet's last row number, read in its XML without parsing it (for a progress bar).

        The rows' own numbers count the rows the sheet leaves out (they read as empty rows).
        """
        count = last = 0
        tail = b""
        try:
            with self.archive.open(self.sheet_part) as handle:
                while chunk := handle.read(1 << 20):
                    text = tail + chunk
                    # A tag that may run past this chunk is read again with the next one.
                    cut = max(0, len(text) - _TAG_ROOM) if len(chunk) == 1 << 20 else len(text)
                    for found in _ROW_TAG.finditer(text, 0, cut + _TAG_ROOM):
                        if found.start() >= cut:
                            break
                        count += 1
                        last = int(found.group(1) or count)
                    tail = text[cut:]
        except (zipfile.BadZipFile, OSError, EOFError) as exc:
            raise UnreadableWorkbookError(str(exc)) from exc
        return max(count, last)

    def _sheet_rows(self, handle: IO[bytes]) -> Iterator[tuple[int, Any]]:
        # Fed by hand rather than iterparse: when the XML breaks, the rows parsed before the
        # break still come out, so the error names the very row that is damaged.
        parser = etree.XMLPullParser(events=("end",), tag=f"{self.ns}row", huge_tree=True)
        counter = 0
        while True:
            chunk = handle.read(1 << 16)
            error = None
            try:
                if chunk:
                    parser.feed(chunk)
                else:
                    parser.close()
            except etree.XMLSyntaxError as exc:
                error = exc
            for _event, row in parser.read_events():
                counter = int(row.get("r") or counter + 1)
                yield counter, row
                _forget(row)
            if error is not None:
                raise error
            if not chunk:
                return

    def _values(self, row: Any) -> list[Any]:
        # One flat walk over the row's cells, values and text runs, with the common cases
        # inline: lxml's row.iter() is about twice as fast as visiting each cell's children,
        # and this loop is most of the reading time.
        ns = self.ns
        cell_tag, value_tag, phonetic_tag = f"{ns}c", f"{ns}v", f"{ns}rPh"
        shared, strings = self.shared, self.shared.strings
        values: list[Any] = []
        column, kind, style = -1, "n", None
        inline: str | None = None
        phonetic = False
        for element in row.iter(cell_tag, value_tag, f"{ns}t", phonetic_tag):
            tag = element.tag
            if tag == value_tag:
                text = element.text
                if not text:
                    continue
                if kind == "s":
                    index = int(text)
                    value = strings[index] if index < len(strings) else shared[index]
                else:
                    value = self._typed(text, kind, style)
                if column == len(values):
                    values.append(value)
                else:
                    _put(values, column, value)
            elif tag == cell_tag:
                if inline is not None:
                    _put(values, column, inline)
                    inline = None
                reference = element.get("r")
                column = _column(reference) if reference else max(column + 1, len(values))
                kind, style, phonetic = element.get("t", "n"), element.get("s"), False
            elif tag == phonetic_tag:
                phonetic = True  # a reading guide after the text: not part of the value
            elif kind == "inlineStr" and not phonetic:
                inline = (inline or "") + (element.text or "")
        if inline is not None:
            _put(values, column, inline)
        return values

    def _typed(self, text: str, kind: str, style: str | None) -> Any:
        if kind == "s":
            return self.shared[int(text)]
        if kind == "b":
            return bool(int(text))
        if kind == "d":
            return from_ISO8601(text)
        if kind != "n":  # "str" (a formula's text), "e" (an error code such as #N/A)
            return text
        number: int | float = float(text) if any(c in text for c in ".eE") else int(text)
        if style and int(style) in self.dates:
            try:
                return from_excel(number, self.epoch, timedelta=int(style) in self.durations)
            except (OverflowError, ValueError):
                return "#VALUE!"  # as openpyxl: a date style on a number no date can have
        return number


class SharedStrings:
    """The workbook's table of strings, read as far as the rows so far need it.

    Excel numbers strings by first use, so the header and the first rows (the column page's
    preview) need only the start of a table that has a string for nearly every cell.
    """

    def __init__(self, reader: SheetReader, part: str | None) -> None:
        self.reader = reader
        self.strings: list[str] = []
        self.handle = reader.archive.open(part) if part else None
        self.parser = etree.XMLPullParser(events=("end",), tag=f"{reader.ns}si", huge_tree=True)

    def __getitem__(self, index: int) -> str:
        while index >= len(self.strings):
            if not self._read_more():
                raise IndexError(f"no shared string {index}")
        return self.strings[index]

    def _read_more(self) -> bool:
        if self.handle is None:
            return False
        chunk = self.handle.read(1 << 16)
        if chunk:
            self.parser.feed(chunk)
        else:
            self.parser.close()
            self.close()
        for _event, item in self.parser.read_events():
            self.strings.append(_string(item, self.reader.ns))
            _forget(item)
        return True

    def close(self) -> None:
        if self.handle is not None:
            self.handle.close()
            self.handle = None


def _string(item: Any, ns: str) -> str:
    # Plain text, or rich-text runs; phonetic guides (rPh) are not part of the value.
    plain = item.find(f"{ns}t")
    if plain is not None:
        return str(plain.text or "")
    return "".join(t.text or "" for t in item.iterfind(f"{ns}r/{ns}t"))


def _forget(element: Any) -> None:
    """Drop what was read, or the whole part would build up in memory as it is parsed."""
    element.clear()
    while element.getprevious() is not None:
        del element.getparent()[0]


def _put(values: list[Any], column: int, value: Any) -> None:
    if column >= len(values):
        values.extend([None] * (column - len(values)))
        values.append(value)
    else:
        values[column] = value


_COLUMNS: dict[str, int] = {}


def _column(reference: str) -> int:
    """ "C12" -> 2 (from 0)."""
    letters = reference.rstrip("0123456789")
    found = _COLUMNS.get(letters)
    if found is None:
        found = 0
        for letter in letters.upper():
            found = found * 26 + ord(letter) - 64
        found -= 1
        _COLUMNS[letters] = found
    return found
