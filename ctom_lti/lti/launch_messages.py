"""Step 8 of launch validation: the message type is one the tool handles, with its claims.

A pure function of the token's claims, so ``launch`` works it out while the shared store answers
step 1's reads and gives the verdict only at step 8.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pylti1p3.exception import LtiException
from pylti1p3.message_validators import get_validators

from ctom_lti.lti import claims
from ctom_lti.lti.claim_shapes import claim_problem
from ctom_lti.lti.launch_outcome import LaunchRefused


def message_problem(body: Mapping[str, Any]) -> LaunchRefused | None:
    """Step 8's refusal for this token, if any (a pure function of the token's claims)."""
    message_type = body.get(claims.MESSAGE_TYPE)
    if not isinstance(message_type, str) or message_type not in claims.SUPPORTED_MESSAGE_TYPES:
        return LaunchRefused(
            "The tool cannot handle this kind of launch "
            f"({str(message_type)[:60] if message_type else 'no message type'}).",
            hint="Open CTO Mentor from the course navigation or a module link.",
        )
    problem = claim_problem(body)
    if problem is not None:
        return LaunchRefused(problem)
    try:
        for validator in get_validators():
            if validator.can_validate(body):
                validator.validate(body)  # raises LtiException with what is missing
    except LtiException as exc:
        return LaunchRefused(str(exc))
    return None
