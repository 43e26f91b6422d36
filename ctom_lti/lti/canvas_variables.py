"""Canvas's unexpanded variables: a value that is still its own ``$Name`` means "unknown".

Canvas fills several launch values by variable substitution. When a variable cannot be expanded
— no SIS id for the person or course, a course variable in an account launch, a variable Canvas
does not know — the literal variable name is sent instead of a value:

- ``lis.person_sourcedid`` is ``"$Person.sourcedId"`` for a user without an SIS id and
  ``lis.course_offering_sourcedid`` is ``"$CourseSection.sourcedId"`` for a course without one.
  Source: canvas-lms ``lib/lti/messages/jwt_message.rb`` ``add_include_name_claims!`` builds
  both with ``expand_variable("$Person.sourcedId")`` / ``expand_variable("$CourseSection
  .sourcedId")``, and the variable expander leaves a variable it cannot fill as its own text;
  recorded from a live Canvas in alt-cs-lab/lti-toolkit
  ``docs/content/02-lti/02-lti13-tool/index.md`` (June 2025: an admin without SIS id gets both
  literals, a teacher with one gets ``"7858675309"`` and the course literal).
- Custom fields: any ``$Canvas.xxx`` value Canvas cannot expand arrives as that text
  (canvas-lms ``doc/api/tools_variable_substitutions.md``; ``jwt_message.rb``
  ``custom_parameters`` → ``@expander.expand_variables!``).

Every variable Canvas defines is dotted (``$Canvas.user.id``, ``$Person.sourcedId``,
``$com.instructure.User.allRoles``), so a value like ``"$tacy"`` or ``"$5 fee"`` is real text
and is kept.
"""

from __future__ import annotations

import re
from typing import Any

_VARIABLE = re.compile(r"\$[A-Za-z][A-Za-z0-9_]*(?:\.[A-Za-z0-9_]+)+")


def is_unexpanded_variable(value: Any) -> bool:
    """True when ``value`` is a Canvas variable name Canvas left unexpanded (so: absent)."""
    return isinstance(value, str) and _VARIABLE.fullmatch(value.strip()) is not None
