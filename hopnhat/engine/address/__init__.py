"""Address parsing and conversion to the units valid on a date (pure: no Django)."""

from hopnhat.engine.address.convert import (
    AMBIGUOUS,
    CONVERTED,
    INVALID,
    NOT_FOUND,
    STATUSES,
    UNCHANGED,
    Candidate,
    Conversion,
    convert,
    convert_many,
    official_form,
)
from hopnhat.engine.address.gazetteer import (
    COMMUNE,
    DISTRICT,
    PROVINCE,
    Gazetteer,
    Index,
    Place,
    SubUnit,
    Successor,
    build_index,
)

__all__ = [
    "AMBIGUOUS",
    "COMMUNE",
    "CONVERTED",
    "DISTRICT",
    "INVALID",
    "NOT_FOUND",
    "PROVINCE",
    "STATUSES",
    "UNCHANGED",
    "Candidate",
    "Conversion",
    "Gazetteer",
    "Index",
    "Place",
    "SubUnit",
    "Successor",
    "build_index",
    "convert",
    "convert_many",
    "official_form",
]
