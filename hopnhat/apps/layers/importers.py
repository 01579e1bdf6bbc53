"""A user file → the geometry engine → layer rows, shared by the page, the API and the CLI.

Nothing here writes: `read_layer_file` either returns every row ready to store or raises
ImportRefusedError with every problem, each naming the feature and the field.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from pyproj import CRS

from hopnhat.apps.directory.models import Organisation
from hopnhat.apps.layers.actions import import_layer
from hopnhat.apps.layers.engine_io import (
    DEFAULT_MIN_AREA_M2,
    FeatureRow,
    coverage_of,
    rows_from_collection,
)
from hopnhat.apps.layers.models import Layer
from hopnhat.common.errors import ValidationFailedError
from hopnhat.engine.geo import (
    FileFormat,
    GeoFormatError,
    Problem,
    Repair,
    RepairPolicy,
    detect_format,
    import_features,
    vn2000_tm3_crs,
)
from hopnhat.engine.geo.vn2000 import VN2000_UTM_48N, VN2000_UTM_49N

MAX_UPLOAD_BYTES = 200 * 1024 * 1024
# Field keys and messages list at most this many problems: a broken file can have thousands.
MAX_PROBLEMS_SHOWN = 200
_SOURCE_CRS_NOTE = re.compile(r"source CRS: (?P<crs>.*) \((?P<origin>[^()]*)\)$")


class ImportRefusedError(ValidationFailedError):
    """The file was refused; `problems` are the engine's, `fields` the translated messages."""

    def __init__(self, problems: tuple[Problem, ...]) -> None:
        self.problems = problems
        fields: dict[str, list[str]] = {}
        for problem in problems[:MAX_PROBLEMS_SHOWN]:
            fields.setdefault(problem_key(problem), []).append(problem_message(problem))
        count = len(problems)
        super().__init__(
            _("The file was refused and nothing was stored: %(count)d problem(s) found.")
            % {"count": count},
            fields=fields,
        )


@dataclass(frozen=True)
class ParsedLayer:
    rows: list[FeatureRow]
    source_format: FileFormat
    source_crs: str
    fields: list[str]
    repairs: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    coverage: dict[str, Any] = field(default_factory=dict)


def read_layer_file(
    data: bytes,
    *,
    filename: str,
    file_format: FileFormat | None = None,
    policy: RepairPolicy = "refuse",
    crs_text: str = "",
    min_area_m2: float = DEFAULT_MIN_AREA_M2,
) -> ParsedLayer:
    try:
        chosen = file_format or detect_format(filename, data)
        crs = crs_from_text(crs_text)
    except GeoFormatError as exc:
        raise ImportRefusedError(exc.problems) from exc
    result = import_features(data, filename=filename, file_format=chosen, policy=policy, crs=crs)
    if not result.ok or result.collection is None:
        raise ImportRefusedError(result.errors)
    rows = rows_from_collection(result.collection)
    return ParsedLayer(
        rows=rows,
        source_format=chosen,
        source_crs=_source_crs(result.notes),
        fields=list(result.collection.fields),
        repairs=[repair_json(r) for r in result.repairs],
        notes=list(result.notes),
        coverage=coverage_of([(r.code, r.geometry) for r in rows], min_area_m2=min_area_m2),
    )


def _source_crs(notes: tuple[str, ...]) -> str:
    for note in notes:
        if match := _SOURCE_CRS_NOTE.match(note):
            return match["crs"]
    return ""


def note_message(note: str) -> str:
    """A stored engine note in the user's language (notes are stored as the engine wrote them)."""
    if match := _SOURCE_CRS_NOTE.match(note):
        return _("Source coordinate reference system: %(crs)s (%(origin)s).") % {
            "crs": match["crs"],
            "origin": crs_origin_label(match["origin"]),
        }
    if note.startswith("attribute text decoded as "):
        return _("The file names no text encoding; attribute text was decoded as %(encoding)s.") % {
            "encoding": note.removeprefix("attribute text decoded as ")
        }
    return note


def crs_origin_label(origin: str) -> str:
    labels = {
        ".prj file": _("the .prj file"),
        "given by the user": _("given by the user"),
        "GeoJSON crs member": _("the GeoJSON crs member"),
        "given for the CSV": _("given for the CSV"),
        "assumed: coordinates are longitude/latitude degrees": _(
            "assumed: the coordinates are longitude/latitude degrees"
        ),
    }
    if origin.startswith("GeoPackage srs_id "):
        return _("GeoPackage spatial reference %(srs_id)s") % {
            "srs_id": origin.removeprefix("GeoPackage srs_id ")
        }
    return labels.get(origin, origin)


def repair_json(repair: Repair) -> dict[str, Any]:
    return {
        "position": repair.feature_index,
        "where": repair.where,
        "feature_id": repair.feature_id,
        "reason": repair.reason,
        "action": repair.action,
    }


# --- the CRS a user types ---------------------------------------------------------------------

_TM3 = re.compile(r"tm\W?3", re.IGNORECASE)
_MERIDIAN_DM = re.compile(r"(1\d\d)\s*(?:°|º|-|\s|d)\s*(\d{1,2})\s*(?:['′’]|m)?(?:\D|$)")
_MERIDIAN_DEG = re.compile(r"(1\d\d(?:[.,]\d+)?)\s*°?\s*$")
_UTM_ZONE = re.compile(r"utm\W*(48|49)", re.IGNORECASE)


def crs_from_text(text: str) -> CRS | str | int | None:
    """What a person types for a CRS: "EPSG:9210", "9210", "VN-2000 TM-3 105°45′",
    "VN-2000 / TM-3 105-45", "TM3 105.75", "VN-2000 UTM 48N", a proj string or WKT."""
    text = text.strip()
    if not text:
        return None
    if text.isdigit():
        return int(text)
    if _TM3.search(text) and not text.upper().startswith(("PROJCS", "PROJCRS", "+PROJ")):
        return vn2000_tm3_crs(_meridian(text))
    utm = _UTM_ZONE.search(text)
    if utm and re.search(r"vn\W?2000", text, re.IGNORECASE):
        return VN2000_UTM_48N if utm[1] == "48" else VN2000_UTM_49N
    return text


def _meridian(text: str) -> float:
    after = _TM3.split(text, maxsplit=1)[-1]
    if match := _MERIDIAN_DM.search(after):
        return int(match[1]) + int(match[2]) / 60
    if match := _MERIDIAN_DEG.search(after.strip()):
        return float(match[1].replace(",", "."))
    raise GeoFormatError(
        [
            Problem(
                code="crs_meridian",
                message=f"no central meridian found in {text!r}; write e.g. 'VN-2000 TM-3 105°45′'",
                field="crs",
                params={"text": text},
            )
        ]
    )


# --- messages by problem code -----------------------------------------------------------------

_WHERE = re.compile(r"(?P<kind>feature|CSV line|record|fid) (?P<n>\d+)$")


def feature_label(where: str | None, feature_id: str | None) -> str:
    if not where:
        return _("the file")
    match = _WHERE.match(where)
    kinds = {
        "feature": _("feature %(n)s"),
        "CSV line": _("CSV line %(n)s"),
        "record": _("record %(n)s"),
        "fid": _("fid %(n)s"),
    }
    label = kinds[match["kind"]] % {"n": match["n"]} if match else where
    if feature_id:
        label = _("%(label)s (code %(code)s)") % {"label": label, "code": feature_id}
    return label


def problem_key(problem: Problem) -> str:
    """'feature 2.geometry', 'record 4.name', or 'file' for problems of the whole file."""
    if problem.where is None:
        return problem.field or "file"
    return f"{problem.where}.{problem.field or 'feature'}"


def problem_message(problem: Problem) -> str:
    """The problem in the user's language, starting with the feature it is about."""
    detail = _detail(problem)
    if problem.where is None:
        return detail
    return f"{feature_label(problem.where, problem.feature_id)}: {detail}"


def _detail(problem: Problem) -> str:
    values = {"field": problem.field or "", **dict(problem.params.items())}
    templates = {
        "field_missing": _("the required field “%(field)s” is missing"),
        "field_empty": _("the required field “%(field)s” is empty"),
        "field_type": _("the field “%(field)s” has a value of the wrong kind: %(value)r"),
        "field_duplicate": _("the field “%(field)s” repeats the value of another feature"),
        "geometry_missing": _("the feature has no geometry"),
        "geometry_empty": _("the geometry is empty"),
        "geometry_type": _("the geometry is a %(found)s; a Polygon or MultiPolygon is expected"),
        "geometry_invalid": _("the geometry is invalid: %(reason)s"),
        "geometry_unrepairable": _(
            "the geometry is invalid (%(reason)s) and nothing polygonal is left after repair"
        ),
        "geometry_outside": _(
            "the geometry lies outside Vietnam; check the coordinate reference system"
        ),
        "geometry_unreadable": _("the geometry in “%(field)s” cannot be read"),
        "coordinate_unreadable": _("the coordinates in “%(field)s” are not numbers"),
        "not_a_feature": _("this is not a GeoJSON Feature"),
        "no_features": _("the file has no features"),
        "too_big": _("the file is larger than %(limit_mb)s MB"),
        "crs_meridian": _(
            "no central meridian found in “%(text)s”; write for example “VN-2000 TM-3 105°45′”"
        ),
    }
    if "reason" in values:
        values["reason"] = invalidity_label(str(values["reason"]))
    template = templates.get(problem.code)
    if template is None:
        # File-level reader messages carry their own detail (which member, which column).
        return _("the file cannot be read: %(detail)s") % {"detail": problem.message}
    try:
        return template % values
    except (KeyError, TypeError, ValueError):
        return problem.message


_GEOS_REASONS = {
    "Self-intersection": "self-intersection",
    "Ring Self-intersection": "ring self-intersection",
    "Too few points in geometry component": "too few points in a ring",
    "Hole lies outside shell": "a hole lies outside its polygon",
    "Nested shells": "nested polygons",
    "Interior is disconnected": "the interior is disconnected",
    "Invalid Coordinate": "invalid coordinate",
    "Nested holes": "nested holes",
    "Duplicate Rings": "duplicate rings",
}


def invalidity_label(reason: str) -> str:
    """GEOS's 'Self-intersection at lon …, lat …' in the user's language."""
    match = re.fullmatch(r"(?P<what>.*?)(?: at lon (?P<lon>\S+), lat (?P<lat>\S+))?", reason)
    assert match is not None
    labels = {
        "self-intersection": _("self-intersection"),
        "ring self-intersection": _("ring self-intersection"),
        "too few points in a ring": _("too few points in a ring"),
        "a hole lies outside its polygon": _("a hole lies outside its polygon"),
        "nested polygons": _("nested polygons"),
        "the interior is disconnected": _("the interior is disconnected"),
        "invalid coordinate": _("invalid coordinate"),
        "nested holes": _("nested holes"),
        "duplicate rings": _("duplicate rings"),
    }
    key = _GEOS_REASONS.get(match["what"])
    what = labels[key] if key else match["what"]
    if match["lon"] is None:
        return what
    return _("%(what)s at longitude %(lon)s, latitude %(lat)s") % {
        "what": what,
        "lon": match["lon"],
        "lat": match["lat"],
    }


def repair_message(repair: dict[str, Any]) -> str:
    """A stored repair for the report, in the user's language."""
    label = feature_label(repair.get("where"), repair.get("feature_id"))
    return f"{label}: {_repair_reason(str(repair.get('reason', '')))}; " + _repair_action(
        str(repair.get("action", ""))
    )


def _repair_reason(reason: str) -> str:
    if reason.startswith("geometry was invalid: "):
        detail = invalidity_label(reason.removeprefix("geometry was invalid: "))
        return _("the geometry was invalid: %(reason)s") % {"reason": detail}
    if reason == "geometry is a GeometryCollection":
        return _("the geometry was a GeometryCollection")
    return reason


def _repair_action(action: str) -> str:
    if action == "kept only its polygons":
        return _("only its polygons were kept")
    match = re.fullmatch(r"made valid: now a (\w+) of (\d+) parts?", action)
    if match:
        return _("made valid: now a %(type)s of %(parts)s part(s)") % {
            "type": match[1],
            "parts": match[2],
        }
    return action


def import_layer_file(
    *,
    actor: Any,
    owner_org: Organisation,
    name: str,
    data: bytes,
    filename: str,
    file_format: FileFormat | None = None,
    policy: RepairPolicy = "refuse",
    crs_text: str = "",
    description: str = "",
    valid_on: datetime.date | None = None,
    system: bool = False,
) -> Layer:
    """Read, check and store a file: the one import path of the page, the API and the CLI."""
    if len(data) > MAX_UPLOAD_BYTES:
        raise ImportRefusedError(
            (
                Problem(
                    code="too_big",
                    message="the file is too big",
                    params={"limit_mb": MAX_UPLOAD_BYTES // 2**20},
                ),
            )
        )
    parsed = read_layer_file(
        data, filename=filename, file_format=file_format, policy=policy, crs_text=crs_text
    )
    return import_layer(
        actor=actor,
        owner_org=owner_org,
        name=name,
        parsed=parsed,
        policy=policy,
        source_filename=filename,
        description=description,
        valid_on=valid_on,
        system=system,
    )
