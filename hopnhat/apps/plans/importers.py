"""The assignment as CSV: one row per (old unit, new unit) piece, imported all or nothing.

    old_code,new_key,new_name,whole,area_share,population_share[,locked,old_name,new_type]
    10510,10507,Thành Đông,1,1,1,1
    10822,10801,Gia Lộc,0,0.6,0.55,0

Shares are fractions of the old unit (0..1; "60%" is read as 0.6); `whole` is 1/0 (also
true/false, yes/no, whole/part). `locked` is 1/0 (also true/false, yes/no) and the same on
every row of a new unit; without the column every unit keeps the lock the plan gives it. A
locked unit's pieces cannot change unless the CSV unlocks it. The trailing columns of an
export are for people and are ignored on import. A new unit keeps the attributes the plan already gives it (seat, factors,
reasons); its entered figures are dropped when its constituents change, since they described
the old composition. Every error names the row (as a spreadsheet numbers it, the header being
row 1) and the column; nothing is saved unless every row is valid.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext

from hopnhat.apps.plans import actions
from hopnhat.apps.plans.models import Plan, PlanVersion
from hopnhat.apps.plans.snapshots import (
    SHARE_TOLERANCE,
    locked_units_changed,
    old_units_in_scope,
    payload_of,
)
from hopnhat.common.errors import ValidationFailedError

REQUIRED_COLUMNS = ("old_code", "new_key", "new_name", "whole", "area_share", "population_share")
LOCKED_COLUMN = "locked"
EXPORT_COLUMNS = (*REQUIRED_COLUMNS, LOCKED_COLUMN, "old_name", "new_type")
TRUE_WORDS = frozenset({"1", "true", "yes", "whole", "x", "có"})
FALSE_WORDS = frozenset({"0", "false", "no", "part", "", "không"})
LOCK_TRUE_WORDS = frozenset({"1", "true", "yes", "x", "có", "locked"})
LOCK_FALSE_WORDS = frozenset({"0", "false", "no", "", "không"})
MAX_ROWS = 20_000


@dataclass(frozen=True)
class CsvRow:
    line: int
    old_code: str
    new_key: str
    new_name: str
    whole: bool
    area_share: float
    population_share: float
    locked: bool | None = None  # None: the CSV has no locked column


def assignment_csv(plan: Plan, payload: dict[str, Any] | None = None) -> str:
    """The plan's assignment (or `payload`) as CSV text, in the plan's unit order."""
    payload = payload if payload is not None else payload_of(plan)
    names = dict(old_units_in_scope(plan).values_list("code", "full_name"))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(EXPORT_COLUMNS)
    for unit in payload["units"]:
        for c in unit["constituents"]:
            whole = c["relation"] == "whole"
            writer.writerow(
                [
                    c["old_code"],
                    unit["key"],
                    unit["name"],
                    "1" if whole else "0",
                    _share_text(1.0 if whole else c["area_share"]),
                    _share_text(1.0 if whole else c["population_share"]),
                    "1" if unit.get("locked") else "0",
                    names.get(c["old_code"], ""),
                    unit.get("unit_type", ""),
                ]
            )
    return out.getvalue()


def _share_text(value: float) -> str:
    return f"{value:.6f}".rstrip("0").rstrip(".") or "0"


def parse_assignment_csv(text: str) -> list[CsvRow]:
    """Rows checked one by one; raises ValidationFailedError keyed "row N.column"."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [(h or "").strip().lower() for h in reader.fieldnames or []]
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise ValidationFailedError(
            gettext("The CSV lacks the columns: %(columns)s.") % {"columns": ", ".join(missing)},
            fields={f"row 1.{c}": [gettext("missing column")] for c in missing},
        )
    reader.fieldnames = header
    errors: dict[str, list[str]] = defaultdict(list)
    rows: list[CsvRow] = []
    for index, raw in enumerate(reader):
        line = index + 2
        if index >= MAX_ROWS:
            errors[f"row {line}"].append(gettext("Too many rows."))
            break
        values = {k: (v or "").strip() for k, v in raw.items() if k}
        if not any(values.values()):
            continue
        row = _parse_row(line, values, errors)
        if row is not None:
            rows.append(row)
    _check_consistency(rows, errors)
    if errors:
        raise ValidationFailedError(
            gettext("The CSV is not valid; nothing was saved."), fields=dict(errors)
        )
    return rows


def _parse_row(line: int, values: dict[str, str], errors: dict[str, list[str]]) -> CsvRow | None:
    def error(column: str, message: str) -> None:
        errors[f"row {line}.{column}"].append(message)

    old_code, key, name = (
        values["old_code"],
        values["new_key"],
        " ".join(values["new_name"].split()),
    )
    if not old_code:
        error("old_code", gettext("required"))
    if not key or len(key) > 10:
        error("new_key", gettext("a key of 1 to 10 characters is required"))
    if not name:
        error("new_name", gettext("required"))
    word = values["whole"].lower()
    if word not in TRUE_WORDS | FALSE_WORDS:
        error("whole", gettext("1 or 0 (whole or part)"))
    whole = word in TRUE_WORDS
    shares = {}
    for column in ("area_share", "population_share"):
        share = _share(values[column])
        if share is None:
            error(column, gettext("a share between 0 and 1 (or a percentage) is required"))
        shares[column] = share
    locked = None
    if LOCKED_COLUMN in values:
        lock_word = values[LOCKED_COLUMN].lower()
        if lock_word not in LOCK_TRUE_WORDS | LOCK_FALSE_WORDS:
            error(LOCKED_COLUMN, gettext("1 or 0 (locked or not)"))
        locked = lock_word in LOCK_TRUE_WORDS
    if any(k.startswith(f"row {line}.") for k in errors):
        return None
    area, population = shares["area_share"] or 0.0, shares["population_share"] or 0.0
    if whole and (abs(area - 1) > SHARE_TOLERANCE or abs(population - 1) > SHARE_TOLERANCE):
        error("whole", gettext("a whole unit has shares of 1"))
        return None
    return CsvRow(line, old_code, key, name, whole, area, population, locked)


def _share(text: str) -> float | None:
    text = text.replace(",", ".").strip()
    percent = text.endswith("%")
    try:
        value = float(text.rstrip("%").strip())
    except ValueError:
        return None
    value = value / 100 if percent else value
    return value if 0 <= value <= 1 else None


def _check_consistency(rows: list[CsvRow], errors: dict[str, list[str]]) -> None:
    names: dict[str, CsvRow] = {}
    seen: dict[tuple[str, str], int] = {}
    totals: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])
    lines: dict[str, list[CsvRow]] = defaultdict(list)
    for row in rows:
        first = names.setdefault(row.new_key, row)
        if first.new_name != row.new_name:
            errors[f"row {row.line}.new_name"].append(
                gettext("unit %(key)s is named “%(name)s” on row %(line)s")
                % {"key": row.new_key, "name": first.new_name, "line": first.line}
            )
        if first.locked != row.locked:
            errors[f"row {row.line}.{LOCKED_COLUMN}"].append(
                gettext("unit %(key)s has locked = %(locked)s on row %(line)s")
                % {"key": row.new_key, "locked": int(bool(first.locked)), "line": first.line}
            )
        pair = (row.old_code, row.new_key)
        if pair in seen:
            errors[f"row {row.line}.old_code"].append(
                gettext("%(code)s already goes to %(key)s on row %(line)s")
                % {"code": row.old_code, "key": row.new_key, "line": seen[pair]}
            )
        seen[pair] = row.line
        totals[row.old_code][0] += row.area_share
        totals[row.old_code][1] += row.population_share
        lines[row.old_code].append(row)
    for code, pieces in lines.items():
        if len(pieces) > 1 and any(p.whole for p in pieces):
            row = next(p for p in pieces if p.whole)
            errors[f"row {row.line}.whole"].append(
                gettext("%(code)s goes whole here but also appears on other rows") % {"code": code}
            )
        for column, total in zip(("area_share", "population_share"), totals[code], strict=True):
            if abs(total - 1.0) > SHARE_TOLERANCE:
                last = pieces[-1]
                errors[f"row {last.line}.{column}"].append(
                    gettext("the shares of %(code)s add up to %(percent).2f%%, not 100%%")
                    % {"code": code, "percent": 100 * total}
                )


def payload_from_rows(plan: Plan, rows: list[CsvRow]) -> dict[str, Any]:
    """The new assignment: the CSV's pieces, with the attributes the plan already holds."""
    current = payload_of(plan)
    known = {u["key"]: u for u in current["units"]}
    in_scope = set(old_units_in_scope(plan).values_list("code", flat=True))
    unknown = [r for r in rows if r.old_code not in in_scope]
    if unknown:
        raise ValidationFailedError(
            gettext("The CSV names old units outside the plan's scope; nothing was saved."),
            fields={
                f"row {r.line}.old_code": [
                    gettext("no old unit %(code)s on the plan's base date") % {"code": r.old_code}
                ]
                for r in unknown
            },
        )
    units: dict[str, dict[str, Any]] = {}
    for row in rows:
        unit = units.get(row.new_key)
        if unit is None:
            base = known.get(row.new_key) or {"key": row.new_key}
            unit = units[row.new_key] = {**base, "name": row.new_name, "constituents": []}
            if row.locked is not None:
                unit["locked"] = row.locked
        unit["constituents"].append(
            {
                "old_code": row.old_code,
                "relation": "whole" if row.whole else "part",
                "area_share": 1.0 if row.whole else row.area_share,
                "population_share": 1.0 if row.whole else row.population_share,
            }
        )
    for key, unit in units.items():
        before = known.get(key)
        if before is not None and _pieces(before) != _pieces(unit):
            unit.update(area_km2=None, population=None, figures_source="")
    _refuse_locked_changes(current, list(units.values()), rows)
    assigned = {r.old_code for r in rows}
    return {
        "units": list(units.values()),
        "not_arranged": [r for r in current["not_arranged"] if r["old_code"] not in assigned],
    }


def _refuse_locked_changes(
    current: dict[str, Any], units: list[dict[str, Any]], rows: list[CsvRow]
) -> None:
    """Name the row of every locked unit the CSV would change: the unit's first row, else the
    first row taking one of its old units elsewhere, else the header (the CSV leaves it out)."""
    changed = locked_units_changed(current, units)
    if not changed:
        return
    before = {u["key"]: u for u in current["units"]}
    errors: dict[str, list[str]] = defaultdict(list)
    for key in changed:
        codes = {c["old_code"] for c in before[key]["constituents"]}
        line = next(
            (r.line for r in rows if r.new_key == key),
            next((r.line for r in rows if r.old_code in codes), 1),
        )
        errors[f"row {line}.{LOCKED_COLUMN}"].append(
            gettext(
                "unit %(name)s (%(key)s) is locked: its old units cannot change unless the "
                "CSV unlocks it"
            )
            % {"name": before[key]["name"], "key": key}
        )
    raise ValidationFailedError(
        gettext("The CSV changes locked units; nothing was saved."), fields=dict(errors)
    )


def _pieces(unit: dict[str, Any]) -> set[tuple[str, str, float, float]]:
    return {
        (c["old_code"], c["relation"], round(c["area_share"], 6), round(c["population_share"], 6))
        for c in unit["constituents"]
    }


def import_assignment_csv(
    *, actor: Any, plan: Plan, expected_version: int, text: str
) -> PlanVersion:
    """Replace the assignment with the CSV's, through save_assignment (so 409 when stale)."""
    rows = parse_assignment_csv(text)
    if not rows:
        raise ValidationFailedError(
            gettext("The CSV has no rows; nothing was saved."),
            fields={"row 2": [gettext("required")]},
        )
    payload = payload_from_rows(plan, rows)
    return actions.save_assignment(
        actor=actor,
        plan=plan,
        expected_version=expected_version,
        payload=payload,
        summary=gettext("Imported from CSV (%(rows)s rows)") % {"rows": len(rows)},
    )


def decode_upload(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ValidationFailedError(
            gettext("The CSV must be UTF-8 encoded."), fields={"file": [str(error)]}
        ) from error
