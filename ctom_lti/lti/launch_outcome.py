"""What launch validation answers: a :class:`ValidatedLaunch`, or a :class:`LaunchRefused`.

The refusals given by more than one place (a state expired or spent) or worked out from another
module's codes (``jws.check_claims``) are worded here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ctom_lti.errors import LaunchError
from ctom_lti.lti.state_store import LoginState
from ctom_lti.lti.tool_config import CtomRegistration

#: What each of ``jws.check_claims``'s problems means to the person (step 5).
CLAIM_PROBLEMS = {
    "issuer": "The launch names a different issuer than its registration.",
    "audience": "The launch is meant for a different tool.",
    "times": "The launch's id_token lacks valid exp and iat times.",
    "expired": "The launch has expired.",
    "future": "The launch is dated in the future; the platform's clock and ours disagree.",
}


class LaunchRefused(LaunchError):
    """A launch that failed validation; ``message`` is safe to show to the person.

    Answered by the one error handler (``ctom_lti.errors``) as a 400 page; without a ``hint``
    of its own it tells the person to open the tool from Canvas again.
    """

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message, hint=hint)


@dataclass(frozen=True)
class ValidatedLaunch:
    """A launch that passed every check."""

    body: Mapping[str, Any]
    registration: CtomRegistration
    login: LoginState
    state: str
    #: Shared-cache values read together with the login record, by key (see ``provisioning``).
    prefetched: Mapping[str, str | None] = field(default_factory=dict)


def expired_or_used() -> LaunchRefused:
    """The refusal of a state that is unknown, expired or spent (steps 1 and 9)."""
    return LaunchRefused(
        "This launch has expired or was already used. Launches work once and for ten minutes."
    )
