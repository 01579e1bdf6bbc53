from __future__ import annotations

from collections.abc import Callable

from hopnhat.apps.audit.chain import ChainReport, verify_rows
from hopnhat.apps.audit.models import AuditChainHead, AuditRecord


def verify_audit_chain(on_progress: Callable[[int, int], None] | None = None) -> ChainReport:
    """Recompute the whole chain from the database, in seq order, in batches."""
    head = AuditChainHead.objects.filter(id=1).first()
    total = AuditRecord.objects.count()
    rows = AuditRecord.objects.order_by("seq").iterator(chunk_size=2000)
    return verify_rows(
        rows,
        head_seq=head.seq if head else 0,
        head_hash=head.hash if head else "",
        on_progress=(lambda done: on_progress(done, total)) if on_progress else None,
    )
