"""Parse the NA Standing Committee's 2025 commune arrangement resolutions into plain data.

Pure: the caller reads the text and resolves names to codes with a `Resolver` callback.
"""

from hopnhat.engine.resolutions.model import (
    UNIT_TYPES,
    Constituent,
    NewUnit,
    Resolution,
    full_name,
)
from hopnhat.engine.resolutions.names import name_key
from hopnhat.engine.resolutions.parse import parse_resolution
from hopnhat.engine.resolutions.resolve import (
    DistrictOf,
    Link,
    Resolver,
    assignment_of,
    links_of,
    unresolved,
)

__all__ = [
    "UNIT_TYPES",
    "Constituent",
    "DistrictOf",
    "Link",
    "NewUnit",
    "Resolution",
    "Resolver",
    "assignment_of",
    "full_name",
    "links_of",
    "name_key",
    "parse_resolution",
    "unresolved",
]
