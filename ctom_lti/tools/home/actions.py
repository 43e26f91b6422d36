"""Pure decision: which actions the home page offers a person, and which are due.

Later features fill in their own entries (``endpoint`` names a page once it exists); until then
the home page lists them as coming, so people can see what the programme's tool will do.
"""

from __future__ import annotations

from dataclasses import dataclass

from ctom_lti.models import Role


@dataclass(frozen=True)
class HomeFacts:
    roles: frozenset[Role]
    has_profile: bool


@dataclass(frozen=True)
class Action:
    title: str
    description: str
    #: Flask endpoint (taking ``cohort_id``) when the page exists, else None ("coming").
    endpoint: str | None = None
    due: bool = False


def home_actions(facts: HomeFacts) -> tuple[Action, ...]:
    """The actions for a person holding ``facts.roles``, due items first."""
    actions: list[Action] = []
    takes_part = bool(facts.roles & {Role.CANDIDATE, Role.MENTOR})
    if takes_part:
        actions.append(
            Action(
                "Complete your programme profile" if not facts.has_profile else "Your profile",
                "District, job title, years in technology leadership and areas of expertise: "
                "what mentor pairing matches on."
                if not facts.has_profile
                else "Keep your district, role and areas of expertise up to date.",
                "profile.edit",
                due=not facts.has_profile,
            )
        )
    if Role.CANDIDATE in facts.roles:
        actions += [
            Action(
                "Portfolio reflections",
                "Write a reflection for each of the 16 principles and attach your artifacts.",
            ),
            Action(
                "Completion checklist",
                "See which assignments, sessions and reflections the programme still needs.",
            ),
        ]
    if Role.MENTOR in facts.roles:
        actions.append(
            Action(
                "Monthly progress reports",
                "Write one progress report per mentee each programme month.",
            )
        )
    if facts.roles & {Role.INSTRUCTOR, Role.ADMIN}:
        actions += [
            Action(
                "Cohort dashboard",
                "Follow reports, reflections and completion across the cohort.",
            ),
            Action("Review mentor reports", "Read and acknowledge mentors' monthly reports."),
        ]
    if Role.ADMIN in facts.roles:
        actions.append(
            Action("Mentor pairing", "Pair each candidate with a mentor who fits their needs.")
        )
    if not takes_part and facts.roles & {Role.INSTRUCTOR, Role.ADMIN}:
        actions.append(
            Action("Your profile", "Optional for instructors and admins.", "profile.edit")
        )
    return tuple(sorted(actions, key=lambda a: not a.due))
