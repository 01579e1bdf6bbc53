"""Arrangement plans: who draws which new commune-level units from which old ones.

A plan's assignment (new units, the old units they take, the units not arranged) lives in
rows for querying and, at every save, in a `PlanVersion` snapshot (JSON, see snapshots.py) so
that any two versions can be compared and a stale save loses nothing.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    CONSULTATION = "consultation", _("Consultation")
    AGREED = "agreed", _("Agreed by the localities")
    SUBMITTED = "submitted", _("Submitted")
    UNDER_APPRAISAL = "under_appraisal", _("Under appraisal")
    APPROVED = "approved", _("Approved")
    ENACTED = "enacted", _("Enacted")


# Assignments change only while the plan is still being drawn and consulted on.
EDITABLE_STATUSES = frozenset({PlanStatus.DRAFT, PlanStatus.CONSULTATION})


class PlanQuerySet(models.QuerySet["Plan"]):
    def visible_to(self, principal: Any) -> PlanQuerySet:
        query = principal.owned_filter("owner_org")
        if query is None:
            return self
        if principal.user_id is not None:
            query |= Q(reviewers__user_id=principal.user_id)
        return self.filter(query).distinct()

    def enacted(self) -> PlanQuerySet:
        return self.filter(status=PlanStatus.ENACTED)


class Plan(models.Model):
    name = models.CharField(_("name"), max_length=200)
    owner_org = models.ForeignKey(
        "directory.Organisation",
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="plans",
    )
    # Scope: the old provinces whose units are arranged, on the base date.
    provinces = models.JSONField(_("provinces"), default=list)
    new_province_code = models.CharField(_("new province code"), max_length=10)
    base_date = models.DateField(_("base date"))
    target_date = models.DateField(_("target effective date"))
    # Chosen by the target date (engine rule_set_for), kept so a plan is read as it was checked.
    rule_set_id = models.CharField(_("rule set"), max_length=60)
    # engine PlanOptions as JSON (see engine_io.options_from_json); defaults: the Hải Phòng ones.
    options = models.JSONField(_("options"), default=dict)
    status = models.CharField(
        _("status"), max_length=20, choices=PlanStatus.choices, default=PlanStatus.DRAFT
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    legal_basis = models.CharField(_("legal basis"), max_length=120, blank=True)
    effective_date = models.DateField(_("effective date"), null=True, blank=True)
    copied_from = models.ForeignKey(
        "self",
        verbose_name=_("copied from"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="copies",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    objects = PlanQuerySet.as_manager()

    class Meta:
        verbose_name = _("arrangement plan")
        verbose_name_plural = _("arrangement plans")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE_STATUSES


class PlanReviewer(models.Model):
    """A reviewer (e.g. of the Ministry of Home Affairs) reads the plan and comments on it."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="reviewers")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reviewed_plans"
    )
    assigned_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("plan reviewer")
        verbose_name_plural = _("plan reviewers")
        constraints = [
            models.UniqueConstraint(fields=["plan", "user"], name="plans_reviewer_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} reviews {self.plan_id}"


class PlanSignoff(models.Model):
    """One locality's agreement with a version of the plan (legal reference §2.2 step 3)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="signoffs")
    locality = models.ForeignKey(
        "directory.Organisation", on_delete=models.PROTECT, related_name="plan_signoffs"
    )
    plan_version = models.PositiveIntegerField()
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    signed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("locality sign-off")
        verbose_name_plural = _("locality sign-offs")
        constraints = [
            models.UniqueConstraint(fields=["plan", "locality"], name="plans_signoff_unique")
        ]

    def __str__(self) -> str:
        return f"{self.locality_id} signed {self.plan_id} v{self.plan_version}"


class PlanVersion(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    saved_at = models.DateTimeField(default=timezone.now)
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    snapshot = models.JSONField(_("assignment snapshot"))

    class Meta:
        verbose_name = _("plan version")
        verbose_name_plural = _("plan versions")
        ordering = ["plan", "number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="plans_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.plan_id} v{self.number}"


class NewUnit(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="new_units")
    # Stable within a plan across saves (the enacted plan uses the official new codes).
    key = models.CharField(_("key"), max_length=10)
    name = models.CharField(_("name"), max_length=120)  # bare, without Xã / Phường / Đặc khu
    # The type follows from the constituents (NQ 76 Art 1(3)); `unit_type` is the decision,
    # `type_override_reason` is set when someone overrode the derived type.
    unit_type = models.CharField(_("type"), max_length=10)
    special_zone = models.BooleanField(_("special zone"), default=False)
    type_override = models.CharField(_("type override"), max_length=10, blank=True)
    type_override_reason = models.CharField(_("reason for the type"), max_length=500, blank=True)
    seat_address = models.CharField(_("seat address"), max_length=300, blank=True)
    seat_lon = models.FloatField(_("seat longitude"), null=True, blank=True)
    seat_lat = models.FloatField(_("seat latitude"), null=True, blank=True)
    name_reason = models.TextField(_("reason for the name"), blank=True)
    # Why the unit may lie in separate pieces (islands, an enclave kept by law); set, it turns
    # the contiguity rule off for this unit (engine ProposedUnit.detached_islands).
    detached_reason = models.CharField(_("reason for separate pieces"), max_length=300, blank=True)
    factors = models.JSONField(_("special factors"), default=dict, blank=True)
    # Entered figures (e.g. the official 31/12/2024 ones) take precedence over the sums.
    area_km2 = models.FloatField(_("area (km²)"), null=True, blank=True)
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)
    figures_source = models.CharField(_("source of the figures"), max_length=300, blank=True)
    # A locked unit keeps its constituents: a save changing them is refused unless it also
    # unlocks the unit, and the optimizer's "Complete" and "Repair" leave it exactly as drawn.
    locked = models.BooleanField(_("locked"), default=False)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("new unit")
        verbose_name_plural = _("new units")
        ordering = ["plan", "position", "key"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "key"], name="plans_new_unit_key_unique")
        ]

    def __str__(self) -> str:
        return self.name


class Relation(models.TextChoices):
    WHOLE = "whole", _("Whole")
    PART = "part", _("Part")


class Assignment(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="assignments")
    old_unit = models.ForeignKey(
        "territory.Unit", on_delete=models.PROTECT, related_name="plan_assignments"
    )
    new_unit = models.ForeignKey(NewUnit, on_delete=models.CASCADE, related_name="assignments")
    relation = models.CharField(_("whole or part"), max_length=5, choices=Relation.choices)
    # Shares of the old unit; for each old unit they sum to 1 over the plan (checked on save).
    area_share = models.FloatField(_("area share"))
    population_share = models.FloatField(_("population share"))
    # The part's polygon (GeoJSON) when known; else the whole old polygon stands in for maps.
    part_geometry = models.TextField(blank=True)

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "old_unit", "new_unit"], name="plans_assignment_unique"
            ),
            models.CheckConstraint(
                condition=Q(area_share__gte=0, area_share__lte=1)
                & Q(population_share__gte=0, population_share__lte=1),
                name="plans_assignment_shares_in_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.old_unit_id} → {self.new_unit_id} ({self.relation})"


class UnitNotArranged(models.Model):
    """An old unit kept as it is, with the reason (NQ 76 Art 3)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="not_arranged")
    old_unit = models.ForeignKey("territory.Unit", on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(_("reason"))

    class Meta:
        verbose_name = _("unit not arranged")
        verbose_name_plural = _("units not arranged")
        constraints = [
            models.UniqueConstraint(fields=["plan", "old_unit"], name="plans_not_arranged_unique")
        ]

    def __str__(self) -> str:
        return f"{self.old_unit_id}: {self.reason[:40]}"


class CommentStatus(models.TextChoices):
    OPEN = "open", _("Open")
    ADDRESSED = "addressed", _("Addressed")
    DECLINED = "declined", _("Declined")


class Comment(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="comments")
    # A comment on a unit outlives the unit: the key and name stay when the unit is removed.
    new_unit = models.ForeignKey(
        NewUnit, null=True, blank=True, on_delete=models.SET_NULL, related_name="comments"
    )
    unit_key = models.CharField(max_length=10, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.TextField(_("comment"))
    status = models.CharField(
        _("status"), max_length=10, choices=CommentStatus.choices, default=CommentStatus.OPEN
    )
    # Required when declined: the "giải trình" of the synthesis table.
    response = models.TextField(_("response"), blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="declined") | ~Q(response=""),
                name="plans_comment_declined_explained",
            )
        ]

    def __str__(self) -> str:
        return self.text[:60]
