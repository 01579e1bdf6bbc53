"""Hashing and verification of the audit chain. Pure over the rows it is given."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from hopnhat.apps.audit.models import GENESIS_HASH

CHAINED_FIELDS = (
    "seq",
    "at",
    "actor_id",
    "actor_label",
    "action",
    "object_type",
    "object_id",
    "object_repr",
    "changes_json",
    "outcome",
    "request_id",
    "ip",
)


def canonical_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def record_hash(prev_hash: str, content: dict[str, Any]) -> str:
    payload = prev_hash + "\n" + canonical_json(content)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def chained_content(row: Any) -> dict[str, Any]:
    content = {name: getattr(row, name) for name in CHAINED_FIELDS}
    content["at"] = row.at.isoformat(timespec="microseconds")
    return content


@dataclass
class ChainProblem:
    seq: int
    kind: str  # "changed", "missing", "relinked", "head"
    detail: str


@dataclass
class ChainReport:
    checked: int = 0
    problems: list[ChainProblem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def verify_rows(
    rows: Iterable[Any],
    *,
    head_seq: int,
    head_hash: str,
    on_progress: Any = None,
) -> ChainReport:
    """Walk rows in seq order; report changed rows, missing sequence numbers and a bad head."""
    report = ChainReport()
    expected_seq, prev_hash = 1, GENESIS_HASH
    for row in rows:
        if row.seq != expected_seq:
            missing = (
                f"{expected_seq}"
                if row.seq == expected_seq + 1
                else f"{expected_seq}–{row.seq - 1}"
            )
            report.problems.append(ChainProblem(expected_seq, "missing", f"rows {missing} deleted"))
            prev_hash = row.prev_hash  # resynchronise to keep checking the rest
        if row.prev_hash != prev_hash:
            report.problems.append(
                ChainProblem(row.seq, "relinked", "previous-hash link does not match")
            )
        if record_hash(row.prev_hash, chained_content(row)) != row.hash:
            report.problems.append(ChainProblem(row.seq, "changed", "content does not match hash"))
        prev_hash, expected_seq = row.hash, row.seq + 1
        report.checked += 1
        if on_progress is not None:
            on_progress(report.checked)
    last_seq = expected_seq - 1
    if last_seq != head_seq or (head_seq and prev_hash != head_hash):
        report.problems.append(
            ChainProblem(
                head_seq,
                "head",
                f"chain ends at #{last_seq} but the head records #{head_seq}",
            )
        )
    return report
