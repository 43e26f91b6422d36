"""What one gradebook cell means for completion: complete, excused, late, missing, ungraded…

Pure: a :class:`~.evidence.Cell`, its assignment and the day decide one :class:`Status`, whose
words name which case it is.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date

from ctom_lti.tools.completion.evidence import Assignment, Cell

#: Pass/fail grades Canvas stores for a passing and a failing mark (canvas-rest.md §5).
PASS, FAIL = "complete", "incomplete"


class Kind(enum.Enum):
    COMPLETE = "complete"
    COMPLETE_LATE = "complete, late"
    EXCUSED = "excused"
    INCOMPLETE = "graded incomplete"
    UNGRADED = "submitted, not graded"
    UNGRADED_LATE = "submitted late, not graded"
    MISSING = "missing"
    NOT_RECORDED = "nothing handed in or graded"
    NOT_YET_DUE = "not yet due"
    UNPUBLISHED = "not published in Canvas"
    NOT_IN_CANVAS = "not in the Canvas course"

    @property
    def counts(self) -> bool:
        """Evidence that the duty is done."""
        return self in (Kind.COMPLETE, Kind.COMPLETE_LATE, Kind.EXCUSED)

    @property
    def waiting(self) -> bool:
        """Not due yet: neither met nor a gap."""
        return self in (Kind.NOT_YET_DUE, Kind.UNPUBLISHED)


@dataclass(frozen=True)
class Status:
    kind: Kind
    title: str

    @property
    def words(self) -> str:
        return f"{self.title}: {self.kind.value}"


def passed(grade: str | None) -> bool:
    """A pass/fail grade that passes (a points grade counts when it is above zero)."""
    if grade is None:
        return False
    if grade in (PASS, FAIL):
        return grade == PASS
    try:
        return float(grade.rstrip("%")) > 0
    except ValueError:
        return False


def classify(cell: Cell | None, assignment: Assignment, today: date, due: date | None) -> Status:
    """What ``cell`` says about ``assignment`` on ``today``.

    :param due: the day the evidence is due (the assignment's, else the rule's default); until
        it has passed, nothing handed in is "not yet due" rather than missing.
    """
    return Status(_kind(cell or Cell(), assignment, today, due), assignment.title)


def _kind(cell: Cell, assignment: Assignment, today: date, due: date | None) -> Kind:
    if not assignment.published or cell.excused:
        return Kind.EXCUSED if assignment.published else Kind.UNPUBLISHED
    if cell.grade is not None:
        if not passed(cell.grade):
            return Kind.INCOMPLETE
        return Kind.COMPLETE_LATE if cell.late else Kind.COMPLETE
    if cell.submitted:
        return Kind.UNGRADED_LATE if cell.late else Kind.UNGRADED
    if cell.missing or cell.late:
        return Kind.MISSING
    # Nothing handed in or graded: a gap once it is due (or when it has no due day at all).
    return Kind.NOT_YET_DUE if due is not None and due >= today else Kind.NOT_RECORDED
