from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from hopnhat.apps.audit.verification import verify_audit_chain
from hopnhat.apps.jobs.context import JobContext
from hopnhat.apps.jobs.registry import job_kind


@job_kind("audit.verify", title=_("Verify the audit trail"), admin_only=True)
def verify_chain_job(job: JobContext) -> dict[str, Any]:
    def progress(done: int, total: int) -> None:
        if done % 500 == 0 or done == total:
            job.report(100 * done / max(total, 1), f"{done}/{total}")

    report = verify_audit_chain(progress)
    return {
        "checked": report.checked,
        "ok": report.ok,
        "problems": [
            {"seq": p.seq, "kind": p.kind, "detail": p.detail} for p in report.problems[:200]
        ],
    }
