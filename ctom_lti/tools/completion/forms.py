"""Completion's forms (WTForms through Flask-WTF): an override and a snapshot.

CSRFProtect guards every POST of the app, so the forms do no second check.
"""

from __future__ import annotations

from flask_wtf import FlaskForm  # type: ignore[import-untyped]
from wtforms import BooleanField, IntegerField, StringField, TextAreaField
from wtforms.validators import AnyOf, InputRequired, Length, NumberRange, ValidationError

from ctom_lti.tools.completion.settings import RULE_KEYS


class _Form(FlaskForm):  # type: ignore[misc]
    class Meta:
        csrf = False

    def first_errors(self) -> dict[str, str]:
        return {name: messages[0] for name, messages in self.errors.items() if messages}


class OverrideForm(_Form):
    """Mark one rule met for one candidate, saying why (or revoke that)."""

    rule = StringField("Rule", validators=[AnyOf(RULE_KEYS, message="Choose one of the rules.")])
    justification = TextAreaField(
        "Justification",
        validators=[Length(max=4000, message="Keep the justification under 4000 characters.")],
    )
    revoke = BooleanField("Revoke the override")
    version = IntegerField(
        validators=[InputRequired("The form is out of date; reload the page."), NumberRange(0)]
    )

    def validate_justification(self, field: TextAreaField) -> None:
        if not self.revoke.data and len((field.data or "").strip()) < 10:
            raise ValidationError("Write why the rule is met (at least 10 characters).")

    @property
    def expected_version(self) -> int:
        return int(self.version.data or 0)


class FreezeForm(_Form):
    """Freeze the cohort's decision as of today."""

    note = TextAreaField(
        "Note (optional)",
        validators=[Length(max=2000, message="Keep the note under 2000 characters.")],
    )
