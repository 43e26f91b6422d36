"""What can go wrong when finding a cohort or its registration, said so an admin can act on it."""

from __future__ import annotations

from ctom_lti.errors import NotFound, Unprocessable


class RegistrationChoiceError(Unprocessable):
    """No registration, or more than one, fits the cohort's Canvas address."""

    title = "Which registration?"


class CohortNotFound(NotFound):
    """No cohort has the SIS course id asked for."""

    title = "No such cohort"


class CanvasAccessMissing(Unprocessable):
    """The cohort's registration has no Canvas address or API token stored."""

    title = "Canvas is not set up for this registration"


class RosterUnavailable(Unprocessable):
    """The tool does not know where the course's roster is yet."""

    title = "Roster not available yet"
