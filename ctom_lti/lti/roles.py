"""Map an LTI launch's roles onto the programme's own roles (design.md §3, canvas-lti.md §4.4).

The library's role helpers give wrong answers for Canvas role sets (pylti1p3-notes.md §2.2), so
the decision is ours and pure: claims in, :class:`RoleDecision` out.

Rules, in order:

1. Context (membership) roles first: ``membership#Learner`` → candidate, ``membership#Mentor``
   (a Canvas observer) → mentor, ``membership#Instructor`` and
   ``membership/Instructor#TeachingAssistant`` → instructor.
2. ``institution/person#Administrator`` (any Canvas account admin) → admin.
3. Institution-wide student/instructor roles say nothing about *this* course and
   ``system/person#User`` is sent for everyone; both are ignored.
4. A custom Canvas course role whose label appears in ``$Canvas.membership.roles`` and is one of
   the configured mentor labels (e.g. "Mentor") marks a mentor. Canvas sends such a role's
   *base* type in the roles claim (a "Mentor" role based on StudentEnrollment arrives as
   ``Learner``), so a Learner role that only comes from mentor-labelled roles is not a candidate.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass

from ctom_lti.lti import claims
from ctom_lti.models import Role

#: Display and precedence order when a person holds several roles.
ROLE_PRECEDENCE: tuple[Role, ...] = (Role.ADMIN, Role.INSTRUCTOR, Role.MENTOR, Role.CANDIDATE)

_MEMBERSHIP_ROLE_MAP: dict[str, Role] = {
    claims.ROLE_LEARNER: Role.CANDIDATE,
    claims.ROLE_MENTOR: Role.MENTOR,
    claims.ROLE_INSTRUCTOR: Role.INSTRUCTOR,
    claims.ROLE_TEACHING_ASSISTANT: Role.INSTRUCTOR,
}

# LTI 1.3 deprecates short role names and Canvas never sends them, but other platforms (and older
# test kits) do; accepting them costs nothing.
_SHORT_ROLE_MAP: dict[str, Role] = {
    "Learner": Role.CANDIDATE,
    "Mentor": Role.MENTOR,
    "Instructor": Role.INSTRUCTOR,
    "TeachingAssistant": Role.INSTRUCTOR,
}

#: Canvas enrollment types that never produce ``membership#Learner``.
_NON_LEARNER_ENROLLMENTS = frozenset(
    {"TeacherEnrollment", "TaEnrollment", "DesignerEnrollment", "ObserverEnrollment"}
)


@dataclass(frozen=True)
class RoleInput:
    """What the role decision looks at, straight from the launch."""

    #: The LTI roles claim (full URIs).
    lti_roles: tuple[str, ...]
    #: ``$Canvas.membership.roles`` split on commas; empty when not sent or not expanded.
    canvas_membership_roles: tuple[str, ...] = ()
    #: ``role_scope_mentor``: LTI ``sub`` ids of the students this observer observes.
    role_scope_mentor: tuple[str, ...] = ()
    #: Labels of custom Canvas course roles that mean "mentor" (compared case-insensitively).
    mentor_labels: frozenset[str] = frozenset({"mentor"})


@dataclass(frozen=True)
class RoleDecision:
    """The programme roles a launch grants, and the mentees a mentor launch names."""

    roles: frozenset[Role]
    #: LTI ``sub`` ids of the candidates Canvas says this mentor observes (may be empty).
    mentee_subs: tuple[str, ...] = ()

    @property
    def primary(self) -> Role | None:
        """The most powerful role held, or None when the launch grants no programme role."""
        return primary_role(self.roles)


def primary_role(roles: Collection[Role]) -> Role | None:
    """The most powerful of ``roles`` (see ``ROLE_PRECEDENCE``), or None when there is none."""
    return next((role for role in ROLE_PRECEDENCE if role in roles), None)


def parse_canvas_membership_roles(raw: object) -> tuple[str, ...]:
    """Split ``$Canvas.membership.roles``; an unexpanded ``$Canvas...`` value means "unknown"."""
    if not isinstance(raw, str) or not raw.strip() or raw.startswith("$"):
        return ()
    return tuple(part.strip() for part in raw.split(",") if part.strip())


def decide_roles(given: RoleInput) -> RoleDecision:
    """Decide which programme roles a launch grants (see the module docstring for the rules)."""
    roles: set[Role] = set()
    learner = False
    for uri in given.lti_roles:
        role = _MEMBERSHIP_ROLE_MAP.get(uri) or _SHORT_ROLE_MAP.get(uri)
        if role is Role.CANDIDATE:
            learner = True
        elif role is not None:
            roles.add(role)
        elif uri == claims.ROLE_INSTITUTION_ADMIN:
            roles.add(Role.ADMIN)

    labels = {label.casefold() for label in given.canvas_membership_roles}
    mentor_labels = {label.casefold() for label in given.mentor_labels}
    if labels & mentor_labels:
        roles.add(Role.MENTOR)
    if learner and not _learner_only_from_mentor_roles(labels, mentor_labels):
        roles.add(Role.CANDIDATE)

    mentees = _unique(given.role_scope_mentor) if Role.MENTOR in roles else ()
    return RoleDecision(roles=frozenset(roles), mentee_subs=mentees)


def _learner_only_from_mentor_roles(labels: set[str], mentor_labels: set[str]) -> bool:
    if not labels:
        return False  # no Canvas detail: trust the roles claim
    could_be_learner = {
        label
        for label in labels
        if label not in {enrollment.casefold() for enrollment in _NON_LEARNER_ENROLLMENTS}
    }
    return bool(could_be_learner) and could_be_learner <= mentor_labels


def _unique(values: Iterable[str]) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for value in values:
        if isinstance(value, str) and value:
            seen.setdefault(value, None)
    return tuple(seen)
