"""Canvas submissions as evidence: the work the candidate handed in to the cohort's course, read
through the Canvas gateway, offered in a picker, and read again when one is added, so only the
candidate's own handed-in work in this course can become an artifact."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Final, Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from ctom_lti.canvas.dto import CanvasSubmission
from ctom_lti.errors import CtomError
from ctom_lti.lti.session_launch import SessionLaunch
from ctom_lti.models import Cohort, Person
from ctom_lti.tools.portfolio.artifacts import NewArtifact, add_submission
from ctom_lti.tools.portfolio.models import Artifact
from ctom_lti.tools.portfolio.people import require
from ctom_lti.tools.portfolio.rules import CANVAS_SUBMISSION


class SubmissionSource(Protocol):
    """What the picker needs from Canvas (the cohort's :class:`~ctom_lti.canvas.CanvasGateway`)."""

    base_url: str

    def list_handed_in(self, course_id: int, user_id: int) -> list[CanvasSubmission]: ...


class SubmissionRefused(CtomError):
    """The chosen submission cannot be added (not the candidate's, or Canvas cannot say)."""

    status = 422
    title = "This submission cannot be added"
    hint = "Choose one of your submissions from the list, or add a file or a link instead."


class SubmissionsUnreadable(SubmissionRefused):
    status = 503


NOT_LINKED: Final = (
    "Your Canvas submissions cannot be listed yet: this course or your Canvas account is not "
    "linked to CTO Mentor (open CTO Mentor from the course in Canvas, or ask your programme "
    "administrator to sync the course)."
)


@dataclass(frozen=True)
class SubmissionChoice:
    """One handed-in submission the candidate may add."""

    assignment_id: str
    submission_id: str
    assignment_name: str
    submitted_at: datetime
    #: the submission's page in Canvas
    url: str

    @property
    def value(self) -> str:
        """How the picker names it: ``<assignment id>:<submission id>``."""
        return f"{self.assignment_id}:{self.submission_id}"


@dataclass(frozen=True)
class Picker:
    choices: tuple[SubmissionChoice, ...] = ()
    #: why the list could not be read; None when Canvas answered
    problem: str | None = None

    def find(self, value: str) -> SubmissionChoice | None:
        return next((c for c in self.choices if c.value == value), None)


def submission_url(base_url: str, course_id: int, sub: CanvasSubmission) -> str:
    """The submission's page: Canvas's ``html_url`` when sent, else the same address built from
    the ids (``/courses/:id/assignments/:aid/submissions/:uid``)."""
    if sub.html_url and sub.html_url.startswith(("https://", "http://")):
        return sub.html_url
    base = base_url.rstrip("/")
    return f"{base}/courses/{course_id}/assignments/{sub.assignment_id}/submissions/{sub.user_id}"


def choices_from(
    base_url: str, course_id: int, submissions: Iterable[CanvasSubmission]
) -> tuple[SubmissionChoice, ...]:
    """The picker's entries, newest hand-in first (pure)."""
    return tuple(
        SubmissionChoice(
            str(s.assignment_id),
            str(s.id),
            s.assignment_name or f"Assignment {s.assignment_id}",
            s.submitted_at,
            submission_url(base_url, course_id, s),
        )
        for s in sorted(submissions, key=lambda s: (s.submitted_at, s.id), reverse=True)
    )


def read_picker(
    session: Session, launch: SessionLaunch, source: SubmissionSource | None, problem: str = ""
) -> Picker:
    """The candidate's handed-in work in the cohort's course, or why it cannot be listed.

    :param source: the cohort's Canvas gateway; None when it could not be made (``problem``
        says why).
    """
    require(session, launch, launch.person_id, "edit")
    cohort = session.get(Cohort, launch.cohort_id)
    person = session.get(Person, launch.person_id)
    course_id = cohort.canvas_course_id if cohort else None
    user_id = person.canvas_user_id if person else None
    if not (course_id or "").isdigit() or not (user_id or "").isdigit():
        return Picker(problem=NOT_LINKED)
    if source is None:
        return Picker(
            problem=f"Your Canvas submissions could not be read: {problem or 'no connection.'}"
        )
    try:
        found = source.list_handed_in(int(course_id or 0), int(user_id or 0))
    except CtomError as exc:
        return Picker(problem=f"Your Canvas submissions could not be read: {exc.message}")
    return Picker(choices_from(source.base_url, int(course_id or 0), found))


def add_picked(
    session: Session,
    launch: SessionLaunch,
    new: NewArtifact,
    value: str,
    *,
    source: SubmissionSource | None,
    problem: str = "",
) -> Artifact:
    """Add the submission the candidate picked, after reading their list from Canvas again.

    :raises SubmissionsUnreadable: Canvas could not be read, so nothing can be checked.
    :raises SubmissionRefused: not one of the candidate's handed-in submissions in this course
        (a forged or stale choice), or already in their evidence.
    """
    picker = read_picker(session, launch, source, problem)
    if picker.problem:
        raise SubmissionsUnreadable(
            f"{picker.problem} Nothing was added.",
            hint="Try again in a few minutes; files and links can still be added.",
        )
    chosen = picker.find(value.strip())
    if chosen is None:
        raise SubmissionRefused(
            "That is not one of your handed-in submissions in this course's Canvas."
        )
    already = session.scalar(
        select(Artifact.title).where(
            Artifact.cohort_id == launch.cohort_id,
            Artifact.candidate_person_id == launch.person_id,
            Artifact.kind == CANVAS_SUBMISSION,
            Artifact.canvas_submission_id == chosen.submission_id,
        )
    )
    if already is not None:
        raise SubmissionRefused(
            f"“{chosen.assignment_name}” is already in your evidence as “{already}”.",
            hint="Edit that artifact to tag it with more principles.",
        )
    title = new.title.strip() or chosen.assignment_name
    return add_submission(
        session,
        launch,
        NewArtifact(title, new.principle_keys, new.session_number),
        assignment_id=chosen.assignment_id,
        submission_id=chosen.submission_id,
        url=chosen.url,
    )
