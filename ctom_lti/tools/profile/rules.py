"""Pure decisions of the profile feature."""

from __future__ import annotations

from ctom_lti.features import Card
from ctom_lti.models import Role

#: The profile page's endpoint (home cards link to it).
EDIT_ENDPOINT = "profile.edit"


def profile_cards(roles: frozenset[Role], has_profile: bool) -> tuple[Card, ...]:
    """The home card for the profile: due for participants who have none yet."""
    if roles & {Role.CANDIDATE, Role.MENTOR}:
        if has_profile:
            return (
                Card(
                    "Your profile",
                    "Keep your district, role and areas of expertise up to date.",
                    EDIT_ENDPOINT,
                ),
            )
        return (
            Card(
                "Complete your programme profile",
                "District, job title, years in technology leadership and areas of expertise: "
                "what mentor pairing matches on.",
                EDIT_ENDPOINT,
                due=True,
            ),
        )
    if roles & {Role.INSTRUCTOR, Role.ADMIN}:
        return (Card("Your profile", "Optional for instructors and admins.", EDIT_ENDPOINT),)
    return ()
