"""What happened to each action of a run, and the one table from an action's op to its status."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from ctom_lti.canvas_sync.actions import Action, Op, Ref


class Status(StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    DELETED = "deleted"
    ADOPTED = "adopted"
    FAILED = "failed"
    #: not attempted because an action it needs failed
    SKIPPED = "skipped"
    #: the planner could not plan it (see the reason)
    BLOCKED = "blocked"


#: The status an action gets when it succeeds (and, in a dry run, the one it is forecast to get).
STATUS_OF_OP = {
    Op.CREATE: Status.CREATED,
    Op.UPDATE: Status.UPDATED,
    Op.MOVE: Status.UPDATED,
    Op.PUBLISH: Status.UPDATED,
    Op.DELETE: Status.DELETED,
    Op.ADOPT: Status.ADOPTED,
    Op.BLOCKED: Status.BLOCKED,
}

#: Statuses of actions that did not do what they were meant to.
NOT_DONE = frozenset({Status.FAILED, Status.SKIPPED, Status.BLOCKED})


@dataclass(frozen=True)
class Outcome:
    """What happened to one action."""

    action: Action
    status: Status
    ref: Ref | None = None
    error: str | None = None
    hint: str | None = None
    #: the create's answer was lost and the object was found afterwards
    recovered: bool = False
    sent_digest: str | None = None
    seen_digest: str | None = None

    @property
    def ok(self) -> bool:
        return self.status not in NOT_DONE
