"""Converting addresses (one, a batch, a whole file), the sub-unit table, the rate limit."""

from __future__ import annotations

import copy
import csv
import datetime
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from hopnhat.apps.address import engine_io
from hopnhat.apps.address.importers import (
    OUTPUT_COLUMNS,
    SubUnitRow,
    Table,
    find_columns,
    open_table,
    output_cells,
    row_label,
)
from hopnhat.apps.address.models import RateWindow, SubUnitMapping
from hopnhat.apps.audit.actions import record_event
from hopnhat.apps.directory.models import Organisation
from hopnhat.common.errors import ValidationFailedError
from hopnhat.engine.address import Conversion, Index, convert
from hopnhat.engine.address.text import fold_name

MAX_BATCH = 10_000
WRITE_BATCH = 1_000  # converted rows written to the output at once
PROGRESS_SECONDS = 0.5  # between two progress reports of a file conversion


def today() -> datetime.date:
    return timezone.localdate()


def convert_one(
    *, address: str, on: datetime.date | None = None, point: tuple[float, float] | None = None
) -> Conversion:
    """`point` is (longitude, latitude): evidence for a divided commune."""
    return convert(address, engine_io.index_on(on or today()), point=point)


def convert_batch(*, addresses: Sequence[str], on: datetime.date | None = None) -> list[Conversion]:
    if len(addresses) > MAX_BATCH:
        raise ValidationFailedError(
            _("At most %(count)s addresses per call.") % {"count": MAX_BATCH},
            fields={"addresses": [_("Too many addresses.")]},
        )
    index = engine_io.index_on(on or today())
    return [convert(address, index) for address in addresses]


@dataclass(frozen=True)
class FileSummary:
    rows: int
    by_status: dict[str, int]
    on: str
    columns: list[str]

    def as_dict(self) -> dict[str, Any]:
        return {
            "rows": self.rows,
            "by_status": self.by_status,
            "on": self.on,
            "columns": self.columns,
        }


def convert_file(
    *,
    source: Path,
    out: Path,
    columns: Sequence[str],
    on: datetime.date | None = None,
    filename: str = "",
    lon_column: str = "",
    lat_column: str = "",
    progress: Callable[[int], None] | None = None,
) -> FileSummary:
    """Stream `source` (CSV or XLSX) into `out` (CSV): the input columns, then OUTPUT_COLUMNS.

    The address is the named columns joined by commas (street, ward, district, province…);
    optional longitude/latitude columns are evidence for divided communes. All or nothing: a
    row that cannot be read stops the conversion with an error naming it, and `out` is left
    absent rather than half written.
    """
    day = on or today()
    table = open_table(source, filename=filename)
    if not columns:
        raise ValidationFailedError(
            _("Name the column(s) holding the address."), fields={"column": [_("Required.")]}
        )
    positions = find_columns(table.header, columns)
    point_at = find_columns(table.header, [lon_column, lat_column]) if lon_column else []
    # Registers repeat the same ward/district/province tails row after row: this run gets its
    # own copy of the index with the memo switched on (1M rows: ~35 s with it, ~85 s without).
    index = copy.copy(engine_io.index_on(day))
    index.memo = {}
    partial = out.with_name(f"{out.name}.partial")
    try:
        with open(partial, "w", encoding="utf-8", newline="") as handle:
            counts = _convert_rows(table, handle, index, positions, point_at, progress)
        partial.replace(out)
    finally:
        partial.unlink(missing_ok=True)
    rows = sum(counts.values())
    return FileSummary(rows=rows, by_status=counts, on=day.isoformat(), columns=list(columns))


def _convert_rows(
    table: Table,
    handle: IO[str],
    index: Index,
    positions: list[int],
    point_at: list[int],
    progress: Callable[[int], None] | None,
) -> dict[str, int]:
    writer = csv.writer(handle)
    writer.writerow([*table.header, *OUTPUT_COLUMNS])
    width = len(table.header)
    counts: dict[str, int] = {}
    batch: list[list[str]] = []
    reported = time.monotonic()
    for rows, read in enumerate(table.rows, start=1):
        # The header is the file's row 1: data row n is the file's row n + 1.
        cells = read if len(read) == width else _fit(read, width, row=rows + 1)
        address = ", ".join(cells[i].strip() for i in positions if cells[i].strip())
        result = convert(address, index, point=_point(cells, point_at))
        cells += output_cells(result)
        batch.append(cells)
        counts[result.status] = counts.get(result.status, 0) + 1
        if len(batch) == WRITE_BATCH:
            writer.writerows(batch)
            batch.clear()
            # A look at the clock once per batch: the bar moves about twice a second whatever
            # the speed, and the database sees at most that many progress writes.
            if progress is not None and time.monotonic() - reported >= PROGRESS_SECONDS:
                progress(rows)
                reported = time.monotonic()
    writer.writerows(batch)
    return counts


def _fit(cells: list[str], width: int, *, row: int) -> list[str]:
    """A row cut or padded to the header's width; a value beyond the header is an error."""
    if len(cells) < width:  # exports often drop a row's trailing empty cells
        return cells + [""] * (width - len(cells))
    extra = next((at for at in range(width, len(cells)) if cells[at].strip()), None)
    if extra is not None:
        raise ValidationFailedError(
            _(
                "Row %(row)s has a value in column %(column)s, beyond the %(width)s columns of "
                "the header (a separator inside an unquoted cell?); the file was not converted."
            )
            % {"row": row_label(row), "column": extra + 1, "width": width},
            fields={"file": [_("Row %(row)s is broken.") % {"row": row_label(row)}]},
        )
    return cells[:width]


def _point(cells: list[str], at: list[int]) -> tuple[float, float] | None:
    if not at:
        return None
    try:
        lon, lat = float(cells[at[0]].replace(",", ".")), float(cells[at[1]].replace(",", "."))
    except (ValueError, IndexError):
        return None
    return (lon, lat) if -180 <= lon <= 180 and -90 <= lat <= 90 else None


# Sub-unit table ------------------------------------------------------------------------------


def import_sub_units(
    *, actor: Any, owner_org: Organisation, rows: Sequence[SubUnitRow], source_name: str = ""
) -> dict[str, int]:
    """Add or update the organisation's rows (one per old commune and folded name)."""
    with transaction.atomic():
        existing = {
            (m.old_commune_code, m.sub_unit_key): m
            for m in SubUnitMapping.objects.filter(owner_org=owner_org)
        }
        to_create, to_update = [], []
        for row in rows:
            key = fold_name(row.sub_unit_name)
            found = existing.get((row.old_commune_code, key))
            if found is None:
                mapping = SubUnitMapping(
                    owner_org=owner_org,
                    old_commune_code=row.old_commune_code,
                    sub_unit_name=row.sub_unit_name[:200],
                    sub_unit_key=key[:200],
                    new_unit_code=row.new_unit_code,
                    note=row.note,
                    created_by=actor if getattr(actor, "is_authenticated", False) else None,
                )
                existing[(row.old_commune_code, key)] = mapping
                to_create.append(mapping)
            elif (found.new_unit_code, found.sub_unit_name, found.note) != (
                row.new_unit_code,
                row.sub_unit_name,
                row.note,
            ):
                found.new_unit_code = row.new_unit_code
                found.sub_unit_name = row.sub_unit_name[:200]
                found.note = row.note
                to_update.append(found)
        SubUnitMapping.objects.bulk_create(to_create, batch_size=1000)
        for mapping in to_update:
            mapping.save(update_fields=["new_unit_code", "sub_unit_name", "note", "updated_at"])
        counts = {"rows": len(rows), "created": len(to_create), "updated": len(to_update)}
        record_event(
            actor=actor,
            action="address.sub_units.import",
            obj=owner_org,
            object_type="address.subunitmapping",
            object_repr=source_name or owner_org.name,
            changes=counts,
        )
    return counts


def delete_sub_unit(*, actor: Any, mapping: SubUnitMapping) -> None:
    with transaction.atomic():
        record_event(
            actor=actor,
            action="address.sub_unit.delete",
            obj=mapping,
            changes={
                "old_commune_code": [mapping.old_commune_code, None],
                "sub_unit_name": [mapping.sub_unit_name, None],
                "new_unit_code": [mapping.new_unit_code, None],
            },
        )
        mapping.delete()


# Rate limit ----------------------------------------------------------------------------------


def allow_request(*, key: str, limit: int, window_seconds: int) -> bool:
    """Count one request of `key` in the current window; False once past `limit`."""
    now = timezone.now()
    start = datetime.datetime.fromtimestamp(
        int(now.timestamp()) // window_seconds * window_seconds, tz=datetime.UTC
    )
    key = key[:80]
    updated = RateWindow.objects.filter(key=key, window_start=start).update(count=F("count") + 1)
    if not updated:
        try:
            with transaction.atomic():
                RateWindow.objects.create(key=key, window_start=start, count=1)
        except IntegrityError:  # another request created it meanwhile
            RateWindow.objects.filter(key=key, window_start=start).update(count=F("count") + 1)
        # Old windows go as new ones open: the table stays one row per active client.
        RateWindow.objects.filter(window_start__lt=start).delete()
    count = RateWindow.objects.filter(key=key, window_start=start).values_list("count", flat=True)
    return (count.first() or 0) <= limit
