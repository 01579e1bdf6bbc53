"""Geometry engine: user files in and out, CRS (incl. VN-2000), validation, coverage, areas.

Pure: it takes bytes and returns bytes or dataclasses; it never opens files or the database.
"""

from hopnhat.engine.geo.area import (
    HP_HD_ALBERS,
    VIETNAM_ALBERS,
    geodesic_area_km2,
    geodesic_area_m2,
)
from hopnhat.engine.geo.coverage import CoverageReport, Gap, Overlap, check_coverage
from hopnhat.engine.geo.crs import WGS84, choose_crs, parse_crs, reproject, to_wgs84
from hopnhat.engine.geo.features import Feature, FeatureCollection, GeoFormatError, Problem
from hopnhat.engine.geo.files import (
    FORMATS,
    MEDIA_TYPES,
    FileFormat,
    detect_format,
    read_features,
    write_features,
)
from hopnhat.engine.geo.importing import import_features
from hopnhat.engine.geo.validation import (
    UNIT_SCHEMA,
    VIETNAM_BBOX,
    FieldRule,
    Repair,
    RepairPolicy,
    Schema,
    Validated,
    validate_collection,
)
from hopnhat.engine.geo.vn2000 import (
    TM3_CENTRAL_MERIDIANS,
    province_tm3_crs,
    tm3_central_meridian,
    vn2000_tm3_crs,
)

__all__ = [
    "FORMATS",
    "HP_HD_ALBERS",
    "MEDIA_TYPES",
    "TM3_CENTRAL_MERIDIANS",
    "UNIT_SCHEMA",
    "VIETNAM_ALBERS",
    "VIETNAM_BBOX",
    "WGS84",
    "CoverageReport",
    "Feature",
    "FeatureCollection",
    "FieldRule",
    "FileFormat",
    "Gap",
    "GeoFormatError",
    "Overlap",
    "Problem",
    "Repair",
    "RepairPolicy",
    "Schema",
    "Validated",
    "check_coverage",
    "choose_crs",
    "detect_format",
    "geodesic_area_km2",
    "geodesic_area_m2",
    "import_features",
    "parse_crs",
    "province_tm3_crs",
    "read_features",
    "reproject",
    "tm3_central_meridian",
    "to_wgs84",
    "validate_collection",
    "vn2000_tm3_crs",
    "write_features",
]
