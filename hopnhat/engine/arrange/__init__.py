"""Arrangement optimizer: partition units into contiguous regions that meet the legal floors.

Pure Python + numpy; `graph` is the only module that touches geometry (shapely).
"""

from hopnhat.engine.arrange.problem import (
    Adjacency,
    Arrangement,
    Floor,
    GroupField,
    Objective,
    Options,
    Progress,
    RegionSummary,
    Rules,
    Units,
    Violation,
)
from hopnhat.engine.arrange.solver import arrange

__all__ = [
    "Adjacency",
    "Arrangement",
    "Floor",
    "GroupField",
    "Objective",
    "Options",
    "Progress",
    "RegionSummary",
    "Rules",
    "Units",
    "Violation",
    "arrange",
]
