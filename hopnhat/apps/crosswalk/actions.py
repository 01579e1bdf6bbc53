"""Re-aggregating a user's table onto the new units: one audited run per table."""

from __future__ import annotations

import datetime
import json
import time
import uuid
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings

from hopnhat.apps.audit.actions import record_event
from hopnhat.apps.crosswalk import engine_io
from hopnhat.apps.crosswalk.importers import CodeTable, PaddedCode
from hopnhat.apps.territory.models import NEW_VINTAGE_START, Level
from hopnhat.engine.crosswalk import Weighting, reaggregate

DECIMALS = 4
# Results kept for the page's download links; older ones are removed on the next run.
KEEP_RESULTS_SECONDS = 24 * 3600


@dataclass(frozen=True)
class ResultRow:
    code: str
    name: str
    province_code: str
    province_name: str
    values: dict[str, float]


@dataclass(frozen=True)
class CrosswalkResult:
    on: datetime.date
    from_date: datetime.date
    level: str
    weighting: str
    key: str
    columns: tuple[str, ...]
    rows: tuple[ResultRow, ...]
    unmatched_codes: tuple[str, ...]
    unweighted_codes: tuple[str, ...]
    padded: tuple[PaddedCode, ...] = ()
    repeated_codes: tuple[str, ...] = ()
    input_rows: int = 0
    input_codes: int = 0
    province_code: str = ""
    source_name: str = ""
    totals_in: dict[str, float] = field(default_factory=dict)
    totals_out: dict[str, float] = field(default_factory=dict)

    @property
    def matched_codes(self) -> int:
        return self.input_codes - len(self.unmatched_codes) - len(self.unweighted_codes)

    def to_json(self) -> str:
        return json.dumps(asdict(self), default=str, ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> CrosswalkResult:
        data: dict[str, Any] = json.loads(text)
        data["on"] = datetime.date.fromisoformat(data["on"])
        data["from_date"] = datetime.date.fromisoformat(data["from_date"])
        data["rows"] = tuple(ResultRow(**row) for row in data["rows"])
        data["padded"] = tuple(PaddedCode(**p) for p in data["padded"])
        for name in ("columns", "unmatched_codes", "unweighted_codes", "repeated_codes"):
            data[name] = tuple(data[name])
        return cls(**data)


def run_crosswalk(
    *,
    actor: Any,
    table: CodeTable,
    weighting: Weighting = "population",
    on: datetime.date = NEW_VINTAGE_START,
    level: str = Level.COMMUNE,
    province_code: str = "",
    source_name: str = "",
) -> CrosswalkResult:
    """Sum the table's columns onto the units valid on `on` from those valid the day before."""
    from_date = on - datetime.timedelta(days=1)
    edges = engine_io.crosswalk_edges(
        from_date=from_date, to_date=on, level=level, province_code=province_code
    )
    values = _restore_unpadded(table, known={edge.old_code for edge in edges})
    outcome = reaggregate(values, edges, weighting=weighting)
    units = engine_io.units_by_code(on=on, level=level, codes=set(outcome.totals))
    provinces = engine_io.province_names(on=on)
    rows = []
    for code, sums in outcome.totals.items():
        unit = units[code]
        rows.append(
            ResultRow(
                code=code,
                name=unit.full_name,
                province_code=unit.province_code,
                province_name=provinces.get(unit.province_code, ""),
                values={name: round(sums.get(name, 0.0), DECIMALS) for name in table.columns},
            )
        )
    result = CrosswalkResult(
        on=on,
        from_date=from_date,
        level=level,
        weighting=weighting,
        key=table.key,
        columns=table.columns,
        rows=tuple(sorted(rows, key=lambda r: (r.province_code, r.code))),
        unmatched_codes=outcome.unmatched_codes,
        unweighted_codes=outcome.unweighted_codes,
        padded=table.padded,
        repeated_codes=table.repeated_codes,
        input_rows=table.row_count,
        input_codes=len(values),
        province_code=province_code,
        source_name=source_name,
        totals_in=_column_totals(values.values(), table.columns),
        totals_out=_column_totals((r.values for r in rows), table.columns),
    )
    record_event(
        actor=actor,
        action="crosswalk.run",
        object_type="crosswalk.table",
        object_repr=source_name or table.key,
        changes={
            "on": on,
            "level": level,
            "province_code": province_code,
            "weighting": weighting,
            "columns": list(table.columns),
            "input_rows": table.row_count,
            "input_codes": len(values),
            "new_units": len(rows),
            "unmatched_codes": len(result.unmatched_codes),
            "unweighted_codes": len(result.unweighted_codes),
            "padded_codes": len(table.padded),
        },
    )
    return result


def _restore_unpadded(table: CodeTable, *, known: set[str]) -> dict[str, dict[str, float]]:
    # A padded number that matches nothing may be a code that is shorter by nature: the
    # communeless district Bạch Long Vĩ (318) stands at the commune tier with its district code.
    values = {code: dict(sums) for code, sums in table.values.items()}
    for padded in table.padded:
        if padded.code in known or padded.as_read not in known or padded.code not in values:
            continue
        sums = values.pop(padded.code)
        target = values.setdefault(padded.as_read, dict.fromkeys(sums, 0.0))
        for name, value in sums.items():
            target[name] += value
    return values


def _column_totals(rows: Any, columns: tuple[str, ...]) -> dict[str, float]:
    totals = dict.fromkeys(columns, 0.0)
    for sums in rows:
        for name in columns:
            totals[name] += sums.get(name, 0.0)
    return {name: round(value, DECIMALS) for name, value in totals.items()}


# Results kept for the page ---------------------------------------------------------------


def results_dir(user_id: int) -> Path:
    return Path(settings.VAR_DIR) / "crosswalk" / str(user_id)


def keep_result(*, user: Any, result: CrosswalkResult) -> str:
    """Store a result for its user's download links; returns its token."""
    folder = results_dir(user.pk)
    folder.mkdir(parents=True, exist_ok=True)
    cutoff = time.time() - KEEP_RESULTS_SECONDS
    for old in folder.glob("*.json"):
        if old.stat().st_mtime < cutoff:
            old.unlink(missing_ok=True)
    token = uuid.uuid4().hex
    (folder / f"{token}.json").write_text(result.to_json(), encoding="utf-8")
    return token
