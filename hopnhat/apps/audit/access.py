"""Who may read which part of the audit trail.

The full log is for directory admins and the steering committee. The history of one object
is for whoever may read that object: each app registers a checker for its object types.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from hopnhat.apps.audit.models import AuditRecord, AuditRecordQuerySet

HistoryChecker = Callable[[Any, str], object]  # (user, object_id) -> raises if not readable

_HISTORY_CHECKERS: dict[str, HistoryChecker] = {}


def register_history_checker(object_type: str, checker: HistoryChecker) -> None:
    _HISTORY_CHECKERS[object_type] = checker


def history_for_user(user: Any, object_type: str, object_id: str) -> AuditRecordQuerySet:
    from hopnhat.apps.directory.access import deny_not_found, principal_for

    principal = principal_for(user)
    checker = _HISTORY_CHECKERS.get(object_type)
    if not principal.reads_audit_log:
        if checker is None:
            raise deny_not_found(
                user=user, action="audit.history.read", object_type=object_type, object_id=object_id
            )
        checker(user, object_id)
    return AuditRecord.objects.for_object(object_type, object_id).select_related("actor")


def audit_log_for_user(user: Any) -> AuditRecordQuerySet:
    from hopnhat.apps.directory.access import deny_forbidden, principal_for

    if not principal_for(user).reads_audit_log:
        raise deny_forbidden(
            user=user, action="audit.log.read", object_type="audit.log", object_id=""
        )
    return AuditRecord.objects.select_related("actor")
