"""The assignment payload: the JSON a client PUTs, a version stores and two versions compare by.

    {"units": [{"key": "10507", "name": "Thành Đông", "special_zone": false,
                "type_override": "", "type_override_reason": "",
                "seat_address": "", "seat_lon": null, "seat_lat": null, "name_reason": "",
                "factors": {"mountainous": false, ...}, "area_km2": 12.22, "population": 51522,
                "figures_source": "official 31/12/2024", "locked": false,
                "constituents": [{"old_code": "10507", "relation": "whole",
                                  "area_share": 1.0, "population_share": 1.0}]}],
     "not_arranged": [{"old_code": "...", "reason": "..."}]}

Old units are named by their code, read on the plan's base date within its provinces.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext

from hopnhat.apps.plans.models import Assignment, NewUnit, Plan, UnitNotArranged
from hopnhat.apps.territory.models import Unit
from hopnhat.common.errors import ValidationFailedError
from hopnhat.engine.standards import SpecialFactors, UnitType, decide_unit_type

SHARE_TOLERANCE = 0.001
UNIT_FIELDS = (
    "name",
    "unit_type",
    "special_zone",
    "type_override",
    "type_override_reason",
    "seat_address",
    "seat_lon",
    "seat_lat",
    "name_reason",
    "detached_reason",
    "factors",
    "area_km2",
    "population",
    "figures_source",
    "locked",
)
# What a field reads as in a snapshot saved before the field existed.
FIELD_DEFAULTS: dict[str, Any] = {"locked": False}
FACTOR_NAMES = tuple(SpecialFactors.__dataclass_fields__)


def old_units_in_scope(plan: Plan) -> Any:
    return (
        Unit.objects.on(plan.base_date)
        .filter(is_commune_tier=True, province_code__in=plan.provinces)
        .select_related("parent")
    )


def payload_of(plan: Plan) -> dict[str, Any]:
    """The plan's current assignment, read from its rows, in payload form."""
    by_unit: dict[int, list[dict[str, Any]]] = defaultdict(list)
    assignments = (
        Assignment.objects.filter(plan=plan)
        .select_related("old_unit")
        .order_by("new_unit_id", "old_unit__code")
    )
    for a in assignments:
        by_unit[a.new_unit_id].append(
            {
                "old_code": a.old_unit.code,
                "relation": a.relation,
                "area_share": a.area_share,
                "population_share": a.population_share,
            }
        )
    units = [
        {
            "key": unit.key,
            **{name: getattr(unit, name) for name in UNIT_FIELDS},
            "constituents": by_unit[unit.pk],
        }
        for unit in NewUnit.objects.filter(plan=plan).order_by("position", "key")
    ]
    not_arranged = [
        {"old_code": row.old_unit.code, "reason": row.reason}
        for row in UnitNotArranged.objects.filter(plan=plan)
        .select_related("old_unit")
        .order_by("old_unit__code")
    ]
    return {"units": units, "not_arranged": not_arranged}


@dataclass(frozen=True)
class ResolvedPayload:
    units: list[dict[str, Any]]  # normalised unit dicts, with the derived type filled in
    old_units: dict[str, Unit]  # by code
    not_arranged: list[dict[str, Any]]


def resolve_payload(plan: Plan, payload: dict[str, Any]) -> ResolvedPayload:
    """Validate a payload against the plan's scope; raise ValidationFailedError listing why."""
    errors: dict[str, list[str]] = defaultdict(list)
    units_in = payload.get("units") or []
    codes = {str(c.get("old_code", "")) for u in units_in for c in u.get("constituents") or []} | {
        str(r.get("old_code", "")) for r in payload.get("not_arranged") or []
    }
    old_units = {u.code: u for u in old_units_in_scope(plan).filter(code__in=codes)}
    area_total: dict[str, float] = defaultdict(float)
    population_total: dict[str, float] = defaultdict(float)
    whole_in: dict[str, list[str]] = defaultdict(list)
    holders: dict[str, int] = defaultdict(int)
    seen_keys: set[str] = set()
    units: list[dict[str, Any]] = []
    for index, raw in enumerate(units_in):
        where = f"units.{index}"
        key = str(raw.get("key") or "").strip()
        if not key or len(key) > 10:
            errors[f"{where}.key"].append(gettext("A key of 1 to 10 characters is required."))
        elif key in seen_keys:
            errors[f"{where}.key"].append(gettext("This key is used twice."))
        seen_keys.add(key)
        name = " ".join(str(raw.get("name") or "").split())
        if not name:
            errors[f"{where}.name"].append(gettext("A name is required."))
        constituents = []
        for cindex, c in enumerate(raw.get("constituents") or []):
            cwhere = f"{where}.constituents.{cindex}"
            code = str(c.get("old_code", ""))
            if code not in old_units:
                errors[cwhere].append(
                    gettext("No old unit %(code)s in the plan's scope on its base date.")
                    % {"code": code}
                )
                continue
            relation = c.get("relation") or "whole"
            area_share = float(c.get("area_share", 1.0) if relation == "part" else 1.0)
            population_share = float(
                c.get("population_share", area_share) if relation == "part" else 1.0
            )
            if relation not in ("whole", "part"):
                errors[cwhere].append(gettext("The relation is whole or part."))
            if not (0 <= area_share <= 1 and 0 <= population_share <= 1):
                errors[cwhere].append(gettext("Shares lie between 0 and 1."))
            if relation == "whole":
                whole_in[code].append(key)
            holders[code] += 1
            area_total[code] += area_share
            population_total[code] += population_share
            constituents.append(
                {
                    "old_code": code,
                    "relation": relation,
                    "area_share": area_share,
                    "population_share": population_share,
                }
            )
        unit = _normalised_unit(raw, key, name, constituents, old_units, errors, where)
        units.append(unit)
    for code in area_total:
        if whole_in[code] and holders[code] > 1:
            errors[f"old_code.{code}"].append(
                gettext("%(code)s goes whole to one unit and cannot go anywhere else.")
                % {"code": code}
            )
        for total in (area_total[code], population_total[code]):
            if abs(total - 1.0) > SHARE_TOLERANCE:
                errors[f"old_code.{code}"].append(
                    gettext("The shares of %(code)s add up to %(percent).2f%%, not 100%%.")
                    % {"code": code, "percent": 100 * total}
                )
    not_arranged = []
    for index, row in enumerate(payload.get("not_arranged") or []):
        code, reason = str(row.get("old_code", "")), str(row.get("reason") or "").strip()
        if code not in old_units:
            errors[f"not_arranged.{index}"].append(gettext("Unknown old unit."))
        elif code in area_total:
            errors[f"not_arranged.{index}"].append(gettext("The unit is also assigned."))
        if not reason:
            errors[f"not_arranged.{index}"].append(gettext("The reason is required (Art 3)."))
        not_arranged.append({"old_code": code, "reason": reason})
    if errors:
        raise ValidationFailedError(gettext("The assignment is not valid."), fields=dict(errors))
    return ResolvedPayload(units=units, old_units=old_units, not_arranged=not_arranged)


def _normalised_unit(
    raw: dict[str, Any],
    key: str,
    name: str,
    constituents: list[dict[str, Any]],
    old_units: dict[str, Unit],
    errors: dict[str, list[str]],
    where: str,
) -> dict[str, Any]:
    special_zone = bool(raw.get("special_zone"))
    override = str(raw.get("type_override") or "")
    reason = str(raw.get("type_override_reason") or "").strip()
    types = [_engine_type(old_units[c["old_code"]].unit_type) for c in constituents]
    unit_type = ""
    try:
        decision = decide_unit_type(
            [t for t in types if t is not None],
            special_zone=special_zone,
            override=UnitType(override) if override else None,
            override_reason=reason,
        )
        unit_type = decision.unit_type.value
        if not decision.overridden:
            override, reason = "", ""
    except ValueError:
        errors[f"{where}.type_override"].append(
            gettext("Overriding the derived type needs a reason and a known type.")
        )
    factors = raw.get("factors") or {}
    lon, lat = raw.get("seat_lon"), raw.get("seat_lat")
    area, population = raw.get("area_km2"), raw.get("population")
    return {
        "key": key,
        "name": name,
        "unit_type": unit_type,
        "special_zone": special_zone,
        "type_override": override,
        "type_override_reason": reason,
        "seat_address": str(raw.get("seat_address") or ""),
        "seat_lon": None if lon is None else float(lon),
        "seat_lat": None if lat is None else float(lat),
        "name_reason": str(raw.get("name_reason") or ""),
        "detached_reason": str(raw.get("detached_reason") or "")[:300],
        "factors": {k: factors[k] for k in FACTOR_NAMES if k in factors},
        "area_km2": None if area is None else float(area),
        "population": None if population is None else int(population),
        "figures_source": str(raw.get("figures_source") or ""),
        "locked": bool(raw.get("locked")),
        "constituents": constituents,
    }


def _engine_type(territory_type: str) -> UnitType | None:
    try:
        return UnitType(territory_type)
    except ValueError:
        return None  # a communeless district (Bạch Long Vĩ) has no commune type


def diff_payloads(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    """Per new unit key: added, removed, or the fields and constituents that changed."""
    old = {u["key"]: u for u in before.get("units") or []}
    new = {u["key"]: u for u in after.get("units") or []}
    changed: dict[str, Any] = {}
    for key in sorted(old.keys() & new.keys()):
        a, b = old[key], new[key]
        fields = {
            f: [_field(a, f), _field(b, f)] for f in UNIT_FIELDS if _field(a, f) != _field(b, f)
        }
        ca = {c["old_code"]: c for c in a.get("constituents") or []}
        cb = {c["old_code"]: c for c in b.get("constituents") or []}
        entry: dict[str, Any] = {}
        if fields:
            entry["fields"] = fields
        if ca.keys() - cb.keys():
            entry["constituents_removed"] = sorted(ca.keys() - cb.keys())
        if cb.keys() - ca.keys():
            entry["constituents_added"] = sorted(cb.keys() - ca.keys())
        shares = {
            code: [ca[code], cb[code]]
            for code in sorted(ca.keys() & cb.keys())
            if ca[code] != cb[code]
        }
        if shares:
            entry["constituents_changed"] = shares
        if entry:
            changed[key] = entry
    na_before = {r["old_code"]: r["reason"] for r in before.get("not_arranged") or []}
    na_after = {r["old_code"]: r["reason"] for r in after.get("not_arranged") or []}
    result: dict[str, Any] = {
        "units_added": sorted(new.keys() - old.keys()),
        "units_removed": sorted(old.keys() - new.keys()),
        "units_changed": changed,
    }
    if na_before != na_after:
        result["not_arranged"] = [na_before, na_after]
    return result


def _field(unit: dict[str, Any], name: str) -> Any:
    return unit.get(name, FIELD_DEFAULTS.get(name))


def constituent_set(unit: dict[str, Any]) -> frozenset[tuple[str, str, float, float]]:
    """A unit's pieces, compared regardless of order and of float noise in the shares."""
    return frozenset(
        (c["old_code"], c["relation"], round(c["area_share"], 6), round(c["population_share"], 6))
        for c in unit.get("constituents") or []
    )


def locked_units_changed(before: dict[str, Any], units: list[dict[str, Any]]) -> list[str]:
    """Keys of the units locked in `before` whose constituents `units` changes (or removes)
    without unlocking them: such a save is refused."""
    after = {u["key"]: u for u in units}
    changed = []
    for unit in before.get("units") or []:
        if not _field(unit, "locked"):
            continue
        now = after.get(unit["key"])
        if now is not None and not now.get("locked"):
            continue  # this save unlocks it
        if now is None or constituent_set(now) != constituent_set(unit):
            changed.append(unit["key"])
    return changed


def is_empty_diff(d: dict[str, Any]) -> bool:
    return not (d["units_added"] or d["units_removed"] or d["units_changed"] or "not_arranged" in d)
