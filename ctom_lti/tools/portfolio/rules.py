"""The portfolio's pure core: who may do what with a portfolio, how a reflection moves between
draft, shared and signed off, what the coverage map shows, and what the gradebook hears.

Frozen dataclasses in, decisions out; no Flask, no session.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Final, Literal

from ctom_lti.curriculum import Curriculum
from ctom_lti.models import Role

DRAFT: Final = "draft"
SHARED: Final = "shared"
SIGNED_OFF: Final = "signed_off"
#: A principle with no reflection yet (never stored).
MISSING: Final = "missing"
STATUS_LABELS: Final = {
    MISSING: "Not started",
    DRAFT: "Draft",
    SHARED: "Shared for review",
    SIGNED_OFF: "Signed off",
}

#: Artifact kinds.
FILE: Final = "file"
LINK: Final = "link"
CANVAS_SUBMISSION: Final = "canvas_submission"
KIND_LABELS: Final = {FILE: "File", LINK: "Link", CANVAS_SUBMISSION: "Canvas submission"}

MAX_BODY: Final = 50_000
MAX_COMMENT: Final = 5_000
MAX_REASON: Final = 2_000


@dataclass(frozen=True)
class Access:
    """What a viewer may do with one candidate's portfolio."""

    read: bool = False
    edit: bool = False
    comment: bool = False
    sign_off: bool = False

    @property
    def reviewer(self) -> bool:
        return self.read and not self.edit


NO_ACCESS: Final = Access()


def access_to(
    viewer_id: int, roles: frozenset[Role], candidate_id: int, mentor_ids: frozenset[int]
) -> Access:
    """A viewer's access to ``candidate_id``'s portfolio in the viewer's cohort.

    Only the candidate edits; their active mentor and the cohort's instructors (and admins)
    read, comment and sign off; nobody else reads anything.

    :param mentor_ids: the candidate's active mentors in the cohort.
    """
    if viewer_id == candidate_id and Role.CANDIDATE in roles:
        return Access(read=True, edit=True, comment=True)
    if roles & {Role.INSTRUCTOR, Role.ADMIN} or (Role.MENTOR in roles and viewer_id in mentor_ids):
        return Access(read=True, comment=True, sign_off=True)
    return NO_ACCESS


@dataclass(frozen=True)
class ReflectionState:
    status: str = MISSING
    version: int = 0
    signed_off_by: int | None = None


Refusal = Literal["stale", "locked", "not_shared", "not_signer", "no_reason", "not_signed_off"]


@dataclass(frozen=True)
class Decision:
    """A transition's outcome: the new status, or why it is refused."""

    status: str | None = None
    refused: Refusal | None = None

    @property
    def allowed(self) -> bool:
        return self.refused is None


REFUSALS: Final[Mapping[Refusal, str]] = {
    "stale": "Someone changed this reflection while you were working on it.",
    "locked": "This reflection is signed off and locked; the person who signed it off can "
    "reopen it.",
    "not_shared": "Only a reflection shared for review can be signed off.",
    "not_signer": "Only the person who signed this reflection off can reopen it.",
    "no_reason": "Say why you reopen it, so the candidate knows what to change.",
    "not_signed_off": "Only a signed-off reflection can be reopened.",
}


def _check_version(state: ReflectionState, expected: int) -> Decision | None:
    return Decision(refused="stale") if state.version != expected else None


def decide_save(state: ReflectionState, expected_version: int, *, share: bool) -> Decision:
    """The candidate saves (and maybe shares) their text, from the version their page showed.

    A shared reflection edited stays shared (reviewers see the change); a signed-off one is
    locked.
    """
    if stale := _check_version(state, expected_version):
        return stale
    if state.status == SIGNED_OFF:
        return Decision(refused="locked")
    if share or state.status == SHARED:
        return Decision(SHARED)
    return Decision(DRAFT)


def decide_unshare(state: ReflectionState, expected_version: int) -> Decision:
    """The candidate takes a shared reflection back to draft."""
    if stale := _check_version(state, expected_version):
        return stale
    if state.status == SIGNED_OFF:
        return Decision(refused="locked")
    return Decision(DRAFT)


def decide_sign_off(state: ReflectionState, expected_version: int) -> Decision:
    """A reviewer with sign-off rights signs off the version they read."""
    if stale := _check_version(state, expected_version):
        return stale
    if state.status == SIGNED_OFF:
        return Decision(refused="locked")
    if state.status != SHARED:
        return Decision(refused="not_shared")
    return Decision(SIGNED_OFF)


def decide_reopen(
    state: ReflectionState, expected_version: int, actor_id: int, reason: str
) -> Decision:
    """The signer reopens a signed-off reflection, saying why; it goes back to shared."""
    if stale := _check_version(state, expected_version):
        return stale
    if state.status != SIGNED_OFF:
        return Decision(refused="not_signed_off")
    if state.signed_off_by != actor_id:
        return Decision(refused="not_signer")
    if not reason.strip():
        return Decision(refused="no_reason")
    return Decision(SHARED)


@dataclass(frozen=True)
class CoverageCell:
    """One principle on a candidate's coverage map."""

    principle_key: str
    principle_name: str
    status: str
    evidence: int
    changed: bool = False

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]


@dataclass(frozen=True)
class CoverageStrand:
    key: str
    name: str
    cells: tuple[CoverageCell, ...]


@dataclass(frozen=True)
class Coverage:
    strands: tuple[CoverageStrand, ...]

    @property
    def cells(self) -> tuple[CoverageCell, ...]:
        return tuple(c for s in self.strands for c in s.cells)

    def count(self, status: str) -> int:
        return sum(1 for c in self.cells if c.status == status)

    @property
    def complete(self) -> bool:
        return all(c.status == SIGNED_OFF for c in self.cells)


def coverage(
    curriculum: Curriculum,
    statuses: Mapping[str, str],
    evidence: Mapping[str, int],
    changed: Iterable[str] = (),
) -> Coverage:
    """The coverage map: every principle by strand, its status and its evidence count.

    :param statuses: reflection status by principle key (absent: not started).
    :param evidence: number of artifacts tagged with each principle key.
    :param changed: principle keys with something new since the viewer's last visit.
    """
    new = frozenset(changed)
    return Coverage(
        tuple(
            CoverageStrand(
                strand.key,
                strand.name,
                tuple(
                    CoverageCell(
                        p.key,
                        p.name,
                        statuses.get(p.key, MISSING),
                        evidence.get(p.key, 0),
                        p.key in new,
                    )
                    for p in strand.principles
                ),
            )
            for strand in curriculum.strands
        )
    )


def all_signed_off(principle_keys: Iterable[str], statuses: Mapping[str, str]) -> bool:
    return all(statuses.get(key) == SIGNED_OFF for key in principle_keys)


def grade_change(complete_before: bool, complete_after: bool) -> bool | None:
    """What the "Professional portfolio" column should hear: True (complete) when the last
    principle is signed off, False (incomplete) when a complete portfolio is reopened, None
    when nothing changed."""
    if complete_before == complete_after:
        return None
    return complete_after


def changed_since(
    last_seen: datetime | None, updates: Iterable[tuple[str, datetime]]
) -> frozenset[str]:
    """Principle keys with an update after ``last_seen`` (all of them on a first visit)."""
    return frozenset(key for key, at in updates if last_seen is None or at > last_seen)


FactState = Literal["done", "returned", "in_progress", "missing"]


def fact_state(status: str) -> FactState:
    """A reflection's state as a completion fact."""
    if status == SIGNED_OFF:
        return "done"
    if status in (DRAFT, SHARED):
        return "in_progress"
    return "missing"


ArtifactRefusal = Literal["stale", "cited_signed_off"]


def decide_artifact_change(
    version: int, expected_version: int, signed_off_citing: Iterable[str] = (), *, delete: bool
) -> ArtifactRefusal | None:
    """Whether the candidate may edit (or delete) an artifact from the version their page showed.

    An artifact cited by a signed-off reflection is part of what was signed off: it may be
    retitled or retagged, but not deleted until the signer reopens the reflection.

    :param signed_off_citing: principle keys of signed-off reflections that cite it.
    """
    if version != expected_version:
        return "stale"
    if delete and any(True for _ in signed_off_citing):
        return "cited_signed_off"
    return None
