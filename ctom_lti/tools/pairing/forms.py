"""The pairing pages' forms (WTForms through Flask-WTF): what was typed in, clean values or field
errors out. CSRFProtect guards every POST of the app, so the forms do no second check."""

from __future__ import annotations

from datetime import date

from flask_wtf import FlaskForm  # type: ignore[import-untyped]
from flask_wtf.file import FileField  # type: ignore[import-untyped]
from wtforms import DateField, IntegerField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange

MAX_UPLOAD = 2_000_000


class _Form(FlaskForm):  # type: ignore[misc]
    class Meta:
        csrf = False

    def first_errors(self) -> dict[str, str]:
        return {name: messages[0] for name, messages in self.errors.items() if messages}


class VersionForm(_Form):
    """Accept or reject one proposal, from the version the page showed."""

    version = IntegerField(
        validators=[InputRequired("The form is out of date; reload the page."), NumberRange(0)]
    )

    @property
    def expected_version(self) -> int:
        """The version the page showed (call after :meth:`validate` succeeded)."""
        return int(self.version.data or 0)


class EndForm(VersionForm):
    ended_on = DateField(
        "Last day", validators=[InputRequired("Enter the last day of the pairing.")]
    )
    reason = TextAreaField(
        "Why it ends",
        validators=[
            DataRequired("Say why the pairing ends."),
            Length(max=2000, message="Keep the reason under 2000 characters."),
        ],
    )
    #: Optional: a new mentor for the candidate from the same day (a re-pair).
    new_mentor_id = IntegerField("New mentor", default=None)

    @property
    def last_day(self) -> date:
        assert self.ended_on.data is not None  # required
        return self.ended_on.data


class HandPairForm(_Form):
    candidate_id = IntegerField(validators=[InputRequired("Choose a candidate.")])
    mentor_id = IntegerField(validators=[InputRequired("Choose a mentor.")])
    started_on = DateField("First day", validators=[InputRequired("Enter the first day.")])

    def values(self) -> tuple[int, int, date]:
        """Candidate id, mentor id and first day (call after :meth:`validate` succeeded)."""
        assert self.started_on.data is not None  # required
        return int(self.candidate_id.data or 0), int(self.mentor_id.data or 0), self.started_on.data


class ImportForm(_Form):
    file = FileField("CSV file", validators=[InputRequired("Choose a CSV file to import.")])
