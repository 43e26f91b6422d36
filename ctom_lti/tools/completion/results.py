"""What the completion check decides: per rule and per candidate (plain frozen values)."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from ctom_lti.tools.completion.evidence import Override
from ctom_lti.tools.completion.settings import RULE_LABELS


class State(enum.StrEnum):
    MET = "met"
    NOT_MET = "not_met"
    NOT_YET_DUE = "not_yet_due"
    OFF = "off"
    UNAVAILABLE = "unavailable"

    @property
    def label(self) -> str:
        return _STATE_LABELS[self]


_STATE_LABELS = {
    State.MET: "met",
    State.NOT_MET: "not met",
    State.NOT_YET_DUE: "not yet due",
    State.OFF: "not required",
    State.UNAVAILABLE: "not available",
}


class Overall(enum.StrEnum):
    COMPLETE = "complete"
    NOT_COMPLETE = "not_complete"
    IN_PROGRESS = "in_progress"
    WITHDRAWN = "withdrawn"

    @property
    def label(self) -> str:
        return {
            Overall.COMPLETE: "complete",
            Overall.NOT_COMPLETE: "not complete",
            Overall.IN_PROGRESS: "on track (evidence not yet due)",
            Overall.WITHDRAWN: "withdrawn",
        }[self]


@dataclass(frozen=True)
class RuleResult:
    rule: str
    state: State
    reason: str
    #: what to do about the gap ("" when there is none)
    todo: str = ""
    #: the admin's override, when one decided the state (``state`` is then MET)
    override: Override | None = None
    #: what the evidence alone said, when an override decided
    computed: State | None = None

    @property
    def label(self) -> str:
        return RULE_LABELS[self.rule]


@dataclass(frozen=True)
class CandidateResult:
    person_id: int
    name: str
    email: str
    overall: Overall
    rules: tuple[RuleResult, ...]

    def rule(self, key: str) -> RuleResult:
        return next(r for r in self.rules if r.rule == key)

    @property
    def passed(self) -> bool:
        return self.overall is Overall.COMPLETE
