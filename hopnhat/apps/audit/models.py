from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

GENESIS_HASH = "0" * 64


class Outcome(models.TextChoices):
    OK = "ok", _("Done")
    DENIED = "denied", _("Denied")
    FAILED = "failed", _("Failed")


class AuditRecordQuerySet(models.QuerySet["AuditRecord"]):
    def for_object(self, object_type: str, object_id: str | int) -> AuditRecordQuerySet:
        return self.filter(object_type=object_type, object_id=str(object_id))

    def denied(self) -> AuditRecordQuerySet:
        return self.filter(outcome=Outcome.DENIED)


class AuditRecord(models.Model):
    """Append-only, hash-chained: each row's hash covers its content and the previous hash.

    `seq` is assigned under the chain-head lock, so it has no gaps: a missing number or a hash
    that no longer matches is proof of tampering (see `chain.verify_chain`).
    """

    seq = models.BigIntegerField(unique=True, editable=False)
    at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_constraint=False,
    )
    # Kept as text too, so the record still names the actor if the user is deleted.
    actor_label = models.CharField(_("actor"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=100, db_index=True)
    object_type = models.CharField(_("object type"), max_length=100, blank=True, db_index=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True, db_index=True)
    object_repr = models.CharField(_("object"), max_length=255, blank=True)
    # Canonical JSON text, not a JSON column: the hashed bytes must survive the database as-is.
    changes_json = models.TextField(default="{}")
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices)
    request_id = models.CharField(_("request id"), max_length=64, blank=True)
    ip = models.CharField(_("address"), max_length=64, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    objects = AuditRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit record")
        verbose_name_plural = _("audit records")
        ordering = ["-seq"]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.object_type}:{self.object_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise RuntimeError("Audit records are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise RuntimeError("Audit records are append-only")

    @property
    def changes(self) -> dict[str, Any]:
        loaded: dict[str, Any] = json.loads(self.changes_json or "{}")
        return loaded


class AuditChainHead(models.Model):
    """Single row: the last sequence number and hash, updated with every append.

    It lets verification notice a deleted *last* record, which a chain alone cannot show,
    and its row lock serialises appenders on PostgreSQL.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1, editable=False)
    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64, default=GENESIS_HASH)

    class Meta:
        verbose_name = _("audit chain head")

    def __str__(self) -> str:
        return f"#{self.seq} {self.hash[:12]}"
