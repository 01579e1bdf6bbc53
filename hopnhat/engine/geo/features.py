"""The in-memory shape every reader produces and every writer, validator and check consumes."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from dataclasses import field as dataclass_field
from typing import Any

from pyproj import CRS
from shapely.geometry.base import BaseGeometry


@dataclass(frozen=True)
class Feature:
    """One record of a user file.

    `index` is the 0-based position in the collection; `where` is how a person finds the record
    in the original file ("feature 3", "CSV line 5", "record 4", "fid 7"), so every message
    can point at it.
    """

    index: int
    where: str
    properties: Mapping[str, Any]
    geometry: BaseGeometry | None
    id: str | None = None

    @property
    def label(self) -> str:
        return f"{self.where} (id {self.id})" if self.id else self.where


@dataclass(frozen=True)
class FeatureCollection:
    """Features plus the CRS their coordinates are in.

    `crs` is None only straight out of a reader that found no CRS declaration; `crs_origin`
    says where the CRS came from (".prj", "GeoJSON crs member", "override", ...) for the
    import report. `fields` keeps the source column order for writers.
    """

    features: tuple[Feature, ...]
    crs: CRS | None
    crs_origin: str = ""
    fields: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()

    def with_features(self, features: Iterable[Feature]) -> FeatureCollection:
        return replace(self, features=tuple(features))

    def with_note(self, note: str) -> FeatureCollection:
        return replace(self, notes=(*self.notes, note))

    def __len__(self) -> int:
        return len(self.features)


@dataclass(frozen=True)
class Problem:
    """One reason an import is refused, addressed to a person and to a program.

    `code` is stable (for translations and tests); `message` is the English sentence naming
    the feature and the field; `params` carries the values a translated message needs.
    """

    code: str
    message: str
    feature_index: int | None = None
    where: str | None = None
    feature_id: str | None = None
    field: str | None = None
    params: Mapping[str, Any] = dataclass_field(default_factory=dict)


def problem_for(
    feature: Feature, *, code: str, field_name: str | None, message: str, **params: Any
) -> Problem:
    """A problem whose message starts with the feature's label, e.g. 'feature 3 (id 10507): …'."""
    return Problem(
        code=code,
        message=f"{feature.label}: {message}",
        feature_index=feature.index,
        where=feature.where,
        feature_id=feature.id,
        field=field_name,
        params=params,
    )


class GeoFormatError(ValueError):
    """A file that cannot be read at all, or records that cannot be parsed; carries every problem."""

    def __init__(self, problems: Iterable[Problem] | str) -> None:
        if isinstance(problems, str):
            problems = [Problem(code="unreadable", message=problems)]
        self.problems = tuple(problems)
        super().__init__("; ".join(p.message for p in self.problems[:5]))


def feature_id_from(
    properties: Mapping[str, Any], id_field: str | None, fallback: Any
) -> str | None:
    """The id used in messages: the caller's id field when filled, else the format's own id."""
    if id_field is not None:
        value = properties.get(id_field)
        if value not in (None, ""):
            return str(value)
    return None if fallback in (None, "") else str(fallback)
