from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from hopnhat.apps.directory.models import Organisation


class SourceFormat(models.TextChoices):
    GEOJSON = "geojson", _("GeoJSON")
    SHAPEFILE = "shapefile", _("Zipped Shapefile")
    GEOPACKAGE = "geopackage", _("GeoPackage")
    CSV = "csv", _("CSV (WKT or lon/lat)")


class RepairPolicy(models.TextChoices):
    REFUSE = "refuse", _("Refuse invalid geometries")
    REPAIR = "repair", _("Repair invalid geometries and report the repairs")


class LayerQuerySet(models.QuerySet["Layer"]):
    def with_owner(self) -> LayerQuerySet:
        return self.select_related("owner_org", "created_by")


class Layer(models.Model):
    """One imported user file: a set of unit polygons of one vintage, stored in EPSG:4326.

    A layer is immutable once imported (a corrected file is a new layer), so the import report
    and the coverage check computed at import time stay true.
    """

    owner_org = models.ForeignKey(
        Organisation,
        verbose_name=_("owner organisation"),
        on_delete=models.PROTECT,
        related_name="layers",
    )
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    valid_on = models.DateField(_("valid on"), null=True, blank=True)
    source_filename = models.CharField(_("source file"), max_length=255, blank=True)
    source_format = models.CharField(
        _("source format"), max_length=20, choices=SourceFormat.choices
    )
    source_crs = models.CharField(_("source coordinate reference system"), max_length=255)
    policy = models.CharField(_("invalid geometries"), max_length=10, choices=RepairPolicy.choices)
    # Column order of the source file, so exports keep it.
    fields = models.JSONField(default=list, blank=True)
    # The import report: [{"where", "feature_id", "reason", "action"}] and plain notes.
    repairs = models.JSONField(default=list, blank=True)
    notes = models.JSONField(default=list, blank=True)
    # check_coverage at import time with its threshold: {"min_area_m2", "overlaps", "gaps"}.
    coverage = models.JSONField(default=dict, blank=True)
    feature_count = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = LayerQuerySet.as_manager()

    class Meta:
        verbose_name = _("map layer")
        verbose_name_plural = _("map layers")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.name

    @property
    def overlaps(self) -> list[dict[str, Any]]:
        return list(self.coverage.get("overlaps", []))

    @property
    def gaps(self) -> list[dict[str, Any]]:
        return list(self.coverage.get("gaps", []))


class LayerFeature(models.Model):
    layer = models.ForeignKey(
        Layer, verbose_name=_("layer"), on_delete=models.CASCADE, related_name="features"
    )
    position = models.PositiveIntegerField(_("position in the file"))
    code = models.CharField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=255)
    properties = models.JSONField(_("properties"), default=dict, blank=True)
    # GeoJSON geometry text in EPSG:4326: portable across SQLite and PostgreSQL without GIS.
    geometry = models.TextField(_("geometry"))
    area_km2 = models.FloatField(_("geodesic area (km²)"))

    class Meta:
        verbose_name = _("layer feature")
        verbose_name_plural = _("layer features")
        ordering = ["layer", "position"]
        constraints = [
            models.UniqueConstraint(fields=["layer", "code"], name="layerfeature_unique_code")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"
