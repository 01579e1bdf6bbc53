"""The arrangement dossier (NQ 76/2025 Art 9(2)) built from plain dataclasses, as bytes.

(a) `annex_xlsx`, (b) `scheme_docx`, (c) `draft_resolution_docx`, (d) `maps_pdf`.
Importable without Django: the plans app converts its models to `model.DossierPlan`.
"""

from hopnhat.apps.plans.dossier.annex import annex_xlsx
from hopnhat.apps.plans.dossier.maps import maps_pdf
from hopnhat.apps.plans.dossier.model import (
    DossierConstituent,
    DossierNotArranged,
    DossierPlan,
    DossierUnit,
    MapFeature,
    MapPage,
)
from hopnhat.apps.plans.dossier.resolution import (
    draft_resolution_docx,
    draft_resolution_paragraphs,
)
from hopnhat.apps.plans.dossier.scheme import scheme_docx, unit_paragraph

__all__ = [
    "DossierConstituent",
    "DossierNotArranged",
    "DossierPlan",
    "DossierUnit",
    "MapFeature",
    "MapPage",
    "annex_xlsx",
    "draft_resolution_docx",
    "draft_resolution_paragraphs",
    "maps_pdf",
    "scheme_docx",
    "unit_paragraph",
]
