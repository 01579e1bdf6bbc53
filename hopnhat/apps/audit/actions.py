from __future__ import annotations

from typing import Any

from django.db import models, transaction
from django.utils import timezone

from hopnhat.apps.audit.chain import canonical_json, chained_content, record_hash
from hopnhat.apps.audit.models import AuditChainHead, AuditRecord, Outcome
from hopnhat.common.context import current_context
from hopnhat.common.diff import json_safe


def object_type_of(obj: models.Model) -> str:
    return obj._meta.label_lower


def record_event(
    *,
    actor: Any,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str | int = "",
    object_repr: str = "",
    changes: dict[str, Any] | None = None,
    outcome: str = Outcome.OK,
) -> AuditRecord:
    """Append one record to the chain, inside the caller's transaction if there is one."""
    if obj is not None:
        object_type = object_type or object_type_of(obj)
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)
    ctx = current_context()
    is_user = actor is not None and getattr(actor, "is_authenticated", False)
    with transaction.atomic():
        head, _created = AuditChainHead.objects.select_for_update().get_or_create(id=1)
        record = AuditRecord(
            seq=head.seq + 1,
            at=timezone.now(),
            actor_id=actor.pk if is_user else None,
            actor_label=actor.get_username() if is_user else "",
            action=action,
            object_type=object_type,
            object_id=str(object_id),
            object_repr=object_repr[:255],
            changes_json=canonical_json(json_safe(changes or {})),
            outcome=outcome,
            request_id=ctx.request_id,
            ip=ctx.ip,
            prev_hash=head.hash,
        )
        record.hash = record_hash(head.hash, chained_content(record))
        record.save()
        head.seq, head.hash = record.seq, record.hash
        head.save(update_fields=["seq", "hash"])
    return record


def record_denied(
    *,
    actor: Any,
    action: str,
    object_type: str,
    object_id: str | int,
    reason: str,
) -> AuditRecord:
    # Requests are not wrapped in a transaction (no ATOMIC_REQUESTS), so this record commits
    # even though the caller goes on to raise and answer 403/404.
    return record_event(
        actor=actor,
        action=action,
        object_type=object_type,
        object_id=object_id,
        changes={"reason": reason},
        outcome=Outcome.DENIED,
    )
