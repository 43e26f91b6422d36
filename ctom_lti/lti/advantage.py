"""LTI Advantage as the tool sees it: our own frozen types, the interfaces features depend on,
and the errors the clients raise.

Nothing here imports Flask or pylti1p3, so features' services can take a :class:`Roster` or a
:class:`Gradebook` (the Canvas-backed clients in ``roster.py`` and ``gradebook.py``, or a test
double) without knowing how they talk to Canvas.

Identifiers: ``sub`` is always the LTI ``sub`` / NRPS ``user_id`` (the Canvas user's ``lti_id``
UUID), the same value a launch carries; a column's ``id`` is the line item's URL.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from ctom_lti.errors import CtomError, DependencyUnavailable
from ctom_lti.models import Role


class ServiceUnavailable(DependencyUnavailable):
    """The service cannot be used: not offered to the launch, scope not granted, the developer
    key removed, or Canvas did not answer."""

    status = 503
    title = "Canvas service not available"
    message = "Canvas did not make this service available to CTO Mentor."
    hint = (
        "Try again in a few minutes. If it keeps happening, ask your Canvas administrator to "
        "check that the CTO Mentor developer key is on and grants the roster and grade scopes."
    )


class PlatformServiceError(CtomError):
    """Canvas answered a service request with an error (after the token was renewed once)."""

    status = 502
    title = "Canvas refused the request"
    message = "Canvas did not accept a request from CTO Mentor."
    hint = "Try again later. If it keeps happening, tell your programme administrator."

    def __init__(
        self, message: str | None = None, *, platform_status: int, hint: str | None = None
    ) -> None:
        super().__init__(message, hint=hint)
        #: The HTTP status Canvas answered with.
        self.platform_status = platform_status


@dataclass(frozen=True)
class Member:
    """One person in a course roster (NRPS membership, canvas-lti.md §5.2).

    Canvas lists only active enrollments; a person who left the course is simply absent.
    ``roles`` are decided from the LTI membership roles alone: NRPS carries no Canvas role
    labels, so a custom "Mentor" role built on the student type shows here as a candidate
    (a launch, which does carry the labels, tells the two apart).
    """

    #: LTI ``sub`` (NRPS ``user_id``).
    sub: str
    roles: frozenset[Role]
    #: The LTI membership role URIs as Canvas sent them.
    lti_roles: tuple[str, ...]
    #: ``Active``, ``Inactive`` or ``Deleted`` (Canvas sends only ``Active``).
    status: str = "Active"
    name: str | None = None
    given_name: str | None = None
    family_name: str | None = None
    email: str | None = None
    #: SIS user id (``lis_person_sourcedid``), when the privacy level shares it.
    sis_user_id: str | None = None

    @property
    def active(self) -> bool:
        return self.status == "Active"


@dataclass(frozen=True)
class GradebookColumn:
    """A gradebook column the tool owns (an AGS line item, canvas-lti.md §5.3)."""

    #: The line item's URL; scores and results hang below it.
    id: str
    label: str
    score_maximum: float
    tag: str | None = None
    resource_id: str | None = None
    resource_link_id: str | None = None


@dataclass(frozen=True)
class ColumnResult:
    """What the gradebook holds for one person in a column (AGS result, canvas-lti.md §5.5)."""

    #: LTI ``sub`` of the person (Canvas's ``userId``).
    sub: str
    score: float | None
    maximum: float | None
    comment: str | None = None

    @property
    def complete(self) -> bool | None:
        """Canvas's pass/fail reading: complete when the score is above zero, None if ungraded."""
        if self.score is None:
            return None
        return self.score > 0


@dataclass(frozen=True)
class ScoreReceipt:
    """The outcome of posting a score."""

    #: False when Canvas already holds a score stamped later than this one (it keeps that one).
    recorded: bool
    #: The result's URL (when recorded).
    result_url: str | None = None
    #: Canvas's explanation when not recorded.
    detail: str | None = None


class Roster(Protocol):
    """A course's members, read with the tool's own service token."""

    def members(self) -> tuple[Member, ...]:
        """Everyone with an active enrollment, across all pages."""
        ...


class Gradebook(Protocol):
    """The tool's own columns in a course gradebook."""

    def find_or_create_column(
        self, *, tag: str, resource_id: str, label: str, score_maximum: float = 1.0
    ) -> GradebookColumn:
        """The column with this tag and resource id, created (with label and maximum) if none."""
        ...

    def post_pass_fail(
        self,
        column: GradebookColumn,
        sub: str,
        *,
        passed: bool,
        at: datetime | None = None,
        comment: str | None = None,
    ) -> ScoreReceipt:
        """Mark ``sub`` complete (full marks) or incomplete (zero) in ``column``."""
        ...

    def results(self, column: GradebookColumn) -> tuple[ColumnResult, ...]:
        """Every result in ``column``, across all pages."""
        ...

    def result_for(self, column: GradebookColumn, sub: str) -> ColumnResult | None:
        """``sub``'s result in ``column``, or None if nothing was posted for them."""
        ...
