"""Filters of the audit log, shared by the page, the CSV export and the API."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable
from dataclasses import dataclass

from hopnhat.apps.audit.models import AuditRecord, AuditRecordQuerySet


@dataclass(frozen=True)
class AuditFilter:
    action: str = ""
    actor: str = ""
    object_type: str = ""
    object_id: str = ""
    outcome: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None

    def apply(self, queryset: AuditRecordQuerySet) -> AuditRecordQuerySet:
        if self.action:
            queryset = queryset.filter(action__startswith=self.action)
        if self.actor:
            queryset = queryset.filter(actor_label__iexact=self.actor)
        if self.object_type:
            queryset = queryset.filter(object_type=self.object_type)
        if self.object_id:
            queryset = queryset.filter(object_id=self.object_id)
        if self.outcome:
            queryset = queryset.filter(outcome=self.outcome)
        if self.date_from:
            queryset = queryset.filter(at__date__gte=self.date_from)
        if self.date_to:
            queryset = queryset.filter(at__date__lte=self.date_to)
        return queryset


CSV_COLUMNS = [
    "seq",
    "at",
    "actor",
    "action",
    "object_type",
    "object_id",
    "object",
    "outcome",
    "changes",
    "request_id",
    "ip",
    "hash",
]


def write_csv(records: Iterable[AuditRecord]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    for record in records:
        writer.writerow(
            [
                record.seq,
                record.at.isoformat(),
                record.actor_label,
                record.action,
                record.object_type,
                record.object_id,
                record.object_repr,
                record.outcome,
                record.changes_json,
                record.request_id,
                record.ip,
                record.hash,
            ]
        )
    return buffer.getvalue()
