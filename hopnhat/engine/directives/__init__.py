"""Reading Vietnamese steering directives: clauses, assignments, organisations and deadlines.

Pure: takes the text and a directory snapshot, returns proposals. The app stores them.
"""

from hopnhat.engine.directives.clauses import Clause, DocumentHeader, read_header, split_clauses
from hopnhat.engine.directives.deadlines import Deadline, find_deadlines
from hopnhat.engine.directives.organisations import DirectoryEntry, Locality, OrgMatch
from hopnhat.engine.directives.proposals import (
    DirectiveProposal,
    ProposedTask,
    propose_tasks,
    read_directive,
)
from hopnhat.engine.directives.status import Status, is_due_soon, status_as_of

__all__ = [
    "Clause",
    "Deadline",
    "DirectiveProposal",
    "DirectoryEntry",
    "DocumentHeader",
    "Locality",
    "OrgMatch",
    "ProposedTask",
    "Status",
    "find_deadlines",
    "is_due_soon",
    "propose_tasks",
    "read_directive",
    "read_header",
    "split_clauses",
    "status_as_of",
]
