"""From a directive's text to proposed tasks: one per assigning clause, one per deadline."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass

from hopnhat.engine.directives.clauses import Clause, DocumentHeader, read_header, split_clauses
from hopnhat.engine.directives.deadlines import Deadline, find_deadlines
from hopnhat.engine.directives.folding import fold_in_place
from hopnhat.engine.directives.organisations import (
    Directory,
    DirectoryEntry,
    Locality,
    OrgMatch,
    chain_from,
    collective_leads,
    find_mentions,
)

TITLE_MAX = 240

NOTE_NO_LEAD = "no_lead"
NOTE_COLLECTIVE = "collective_addressee"
NOTE_NO_DEADLINE = "no_deadline"

_ASSIGN = re.compile(r"^(?:giao|de nghi|yeu cau|chi dao|phan cong)(?!\w)\s*")
_COLLECTIVE = re.compile(
    r"^cac\s+(?:(?!(?<!\w)da\s).){0,200}?(?<!\w)"
    r"(?:tap trung|khan truong|chu dong|tiep tuc|co trach nhiem|nghiem tuc)(?!\w)"
)
_LEADS = re.compile(r"(?<!\w)chu tri(?!\w)")
_COOPERATE = re.compile(r"(?<!\w)phoi hop\s+(?:chat che\s+)?(?:voi|cung)\s+")
_LEADING_ROLE_WORDS = re.compile(r"^[\s,:]*(?:(?:chu tri|phoi hop)(?!\w)[\s,:]*)*")
_DANGLING = re.compile(r"(?:[\s,;:.(]|(?<!\w)hoan thanh|(?<!\w)bao cao ket qua|(?<!\w)bao cao)*$")


@dataclass(frozen=True)
class ProposedTask:
    clause_ref: str
    clause_position: int
    # Order among the tasks one clause gives (several deadlines: several tasks).
    sequence: int
    title: str
    description: str
    lead_ids: tuple[int, ...]
    co_ids: tuple[int, ...]
    due: dt.date | None
    recurrence: str
    deadline_phrase: str
    notes: tuple[str, ...]


@dataclass(frozen=True)
class DirectiveProposal:
    header: DocumentHeader
    clauses: list[Clause]
    tasks: list[ProposedTask]


def is_assigning(text: str) -> bool:
    folded = fold_in_place(text)
    return bool(_ASSIGN.match(folded) or _COLLECTIVE.match(folded) or _LEADS.search(folded))


def read_directive(
    text: str,
    *,
    entries: Sequence[DirectoryEntry],
    localities: Sequence[Locality],
    default_locality: str | None = None,
) -> DirectiveProposal:
    directory = Directory(entries, localities, default_locality)
    clauses = split_clauses(text)
    tasks = [task for clause in clauses for task in propose_tasks(clause, directory)]
    return DirectiveProposal(read_header(text), clauses, tasks)


def propose_tasks(clause: Clause, directory: Directory) -> list[ProposedTask]:
    if not clause.ref or not is_assigning(clause.text):
        return []
    text = clause.text
    folded = fold_in_place(text)
    mentions = find_mentions(text, directory)
    notes: list[str] = []
    start = _ASSIGN.match(folded)
    lead_chain = chain_from(mentions, text, start.end() if start else 0)
    lead_ids = _ids(lead_chain)
    action_start = lead_chain[-1].end if lead_chain else (start.end() if start else 0)
    co_ids: tuple[int, ...] = ()
    cooperate = _COOPERATE.search(folded, action_start)
    if cooperate and cooperate.start() - action_start <= 12:
        co_chain = chain_from(mentions, text, cooperate.end())
        co_ids = tuple(i for i in _ids(co_chain) if i not in lead_ids)
        action_start = co_chain[-1].end if co_chain else cooperate.end()
    if not lead_ids and (collective := _COLLECTIVE.match(folded)):
        lead_ids = collective_leads(text[: collective.end()], directory)
        notes.append(NOTE_COLLECTIVE)
        # Keep the verb ("tập trung …") as the start of the action.
        action_start = _verb_start(folded, collective.end())
    if not lead_ids:
        notes.append(NOTE_NO_LEAD)
    action_start += _LEADING_ROLE_WORDS.match(folded[action_start:]).end()  # type: ignore[union-attr]
    deadlines = [d for d in find_deadlines(text) if d.end > action_start]
    segments = _segments_by_deadline(text, action_start, deadlines)
    tasks: list[ProposedTask] = []
    for sequence, (segment_start, segment_end, deadline) in enumerate(segments):
        segment_notes = list(notes)
        if deadline is None:
            segment_notes.append(NOTE_NO_DEADLINE)
        tasks.append(
            ProposedTask(
                clause_ref=clause.ref,
                clause_position=clause.position,
                sequence=sequence,
                title=_title(text, segment_start, segment_end, deadlines),
                description=text,
                lead_ids=lead_ids,
                co_ids=co_ids,
                due=deadline.due if deadline else None,
                recurrence=deadline.recurrence if deadline else "",
                deadline_phrase=deadline.phrase if deadline else "",
                notes=tuple(segment_notes),
            )
        )
    return tasks


def _ids(chain: list[OrgMatch]) -> tuple[int, ...]:
    ids: list[int] = []
    for mention in chain:
        ids.extend(i for i in mention.entry_ids if i not in ids)
    return tuple(ids)


def _verb_start(folded: str, end: int) -> int:
    word = re.search(r"(\w+(?:\s+\w+)?)$", folded[:end])
    return word.start() if word else end


def _segments_by_deadline(
    text: str, action_start: int, deadlines: list[Deadline]
) -> list[tuple[int, int, Deadline | None]]:
    """One (start, end, deadline) per task. One deadline or none: the whole action is one task.
    Several: the action splits at ";" and each part takes the deadline(s) it holds; a part
    without one joins the next part that has one."""
    end = len(text)
    if len(deadlines) <= 1:
        return [(action_start, end, deadlines[0] if deadlines else None)]
    cuts = (
        [action_start] + [m.end() for m in re.finditer(";", text) if m.end() > action_start] + [end]
    )
    parts = [(cuts[i], cuts[i + 1]) for i in range(len(cuts) - 1)]
    segments: list[tuple[int, int, Deadline | None]] = []
    pending_start: int | None = None
    for part_start, part_end in parts:
        inside = [d for d in deadlines if part_start <= d.start < part_end]
        if not inside:
            pending_start = part_start if pending_start is None else pending_start
            continue
        start = pending_start if pending_start is not None else part_start
        pending_start = None
        for deadline in inside:
            segments.append((start, part_end, deadline))
    if pending_start is not None and segments:
        last_start, _last_end, last_deadline = segments[-1]
        segments[-1] = (last_start, end, last_deadline)
    return segments


def _title(text: str, start: int, end: int, deadlines: list[Deadline]) -> str:
    pieces: list[str] = []
    cursor = start
    for deadline in deadlines:
        if start <= deadline.start < end:
            pieces.append(text[cursor : deadline.start])
            cursor = deadline.end
    pieces.append(text[cursor:end])
    title = " ".join("".join(pieces).split())
    title = re.sub(r"\(\s*\)", "", title)
    folded = fold_in_place(title)
    cut = _DANGLING.search(folded)
    if cut:
        title = title[: cut.start()]
    title = title.strip(" ,;:.")
    if len(title) > TITLE_MAX:
        title = title[:TITLE_MAX].rsplit(" ", 1)[0] + "…"
    return title[:1].upper() + title[1:]
