"""The profile form (WTForms through Flask-WTF): fields keep exactly what was typed, so a refused
save shows it again; the checks and the cleaning are the pure rules of ``rules.py``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask_wtf import FlaskForm  # type: ignore[import-untyped]
from wtforms import Field, HiddenField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import StopValidation

from ctom_lti.curriculum import load_curriculum
from ctom_lti.tools.profile import rules
from ctom_lti.tools.profile.rules import ProfileValues


def _check(problem: Callable[[Any], str | None]) -> Callable[[Any, Field], None]:
    """A WTForms validator from a rule that says what is wrong (or None)."""

    def validator(_form: Any, field: Field) -> None:
        message = problem(field.data if field.data is not None else "")
        if message:
            raise StopValidation(message)

    return validator


def _principle_keys() -> list[str]:
    return [p.key for p in load_curriculum().principles]


class ProfileForm(FlaskForm):  # type: ignore[misc]
    """What a person tells the programme about themselves."""

    class Meta:
        # CSRFProtect guards every POST of the app (and reads the same token); no second check.
        csrf = False

    district = StringField(
        "School district or county office",
        validators=[
            _check(
                lambda v: rules.line_problem(
                    v, "Enter your school district or county office.", "district"
                )
            )
        ],
    )
    job_title = StringField(
        "Job title",
        validators=[_check(lambda v: rules.line_problem(v, "Enter your job title.", "job title"))],
    )
    years_in_leadership = StringField(
        "Years in K-12 technology leadership", validators=[_check(lambda v: rules.years_of(v)[1])]
    )
    expertise = SelectMultipleField(
        "Areas of expertise",
        validate_choice=False,
        validators=[_check(lambda v: rules.expertise_problem(v or (), _principle_keys()))],
    )
    bio = TextAreaField("Short bio", validators=[_check(rules.bio_problem)])
    #: The profile version the form was loaded from ("0" for a new profile).
    version = HiddenField(
        default="0",
        validators=[
            _check(
                lambda v: (
                    None
                    if rules.version_of(v) is not None
                    else "The form is out of date; reload the page."
                )
            )
        ],
    )

    @property
    def expected_version(self) -> int:
        """The version the form was loaded from (0 before validation succeeds)."""
        return rules.version_of(self.version.data or "") or 0

    def values(self) -> ProfileValues:
        """Clean values; call after :meth:`validate` returned True."""
        return ProfileValues(
            district=rules.clean_line(self.district.data or ""),
            job_title=rules.clean_line(self.job_title.data or ""),
            years_in_leadership=rules.years_of(self.years_in_leadership.data or "")[0],
            expertise=rules.ordered_expertise(self.expertise.data or (), _principle_keys()),
            bio=rules.clean_bio(self.bio.data or ""),
        )

    def first_errors(self) -> dict[str, str]:
        """Field name → what is wrong and how to fix it (one message per field)."""
        return {name: messages[0] for name, messages in self.errors.items() if messages}
