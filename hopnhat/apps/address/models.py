"""Sub-units (thôn, tổ dân phố, streets) of old communes and the new unit each now lies in,
imported by officials: the evidence that resolves an address in a divided commune."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from hopnhat.apps.directory.models import Organisation


class SubUnitMappingQuerySet(models.QuerySet["SubUnitMapping"]):
    def with_owner(self) -> SubUnitMappingQuerySet:
        return self.select_related("owner_org", "created_by")


class SubUnitMapping(models.Model):
    owner_org = models.ForeignKey(
        Organisation,
        verbose_name=_("owner organisation"),
        on_delete=models.PROTECT,
        related_name="address_sub_units",
    )
    old_commune_code = models.CharField(_("old commune code"), max_length=10, db_index=True)
    sub_unit_name = models.CharField(_("sub-unit (thôn, tổ dân phố, street)"), max_length=200)
    # The folded name (no case, no diacritics): one row per name within an old commune.
    sub_unit_key = models.CharField(max_length=200, editable=False)
    new_unit_code = models.CharField(_("new unit code"), max_length=10)
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = SubUnitMappingQuerySet.as_manager()

    class Meta:
        verbose_name = _("sub-unit mapping")
        verbose_name_plural = _("sub-unit mappings")
        ordering = ["old_commune_code", "sub_unit_key"]
        constraints = [
            models.UniqueConstraint(
                fields=["owner_org", "old_commune_code", "sub_unit_key"],
                name="address_sub_unit_per_owner",
            )
        ]

    def __str__(self) -> str:
        return f"{self.sub_unit_name} ({self.old_commune_code}) → {self.new_unit_code}"


class RateWindow(models.Model):
    """Requests counted per client and per window: the public converter's rate limit.

    In the database rather than a per-process cache, so every web worker shares the count.
    """

    key = models.CharField(max_length=80)
    window_start = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["key", "window_start"], name="address_rate_window")
        ]
        indexes = [models.Index(fields=["window_start"])]

    def __str__(self) -> str:
        return f"{self.key} @ {self.window_start:%H:%M}: {self.count}"
