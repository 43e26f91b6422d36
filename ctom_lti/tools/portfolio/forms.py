"""The portfolio's forms (WTForms through Flask-WTF): what was typed in, clean values or field
errors out. CSRFProtect guards every POST of the app, so the forms do no second check."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from flask_wtf import FlaskForm  # type: ignore[import-untyped]
from wtforms import (
    Field,
    IntegerField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from ctom_lti.curriculum import load_curriculum
from ctom_lti.tools.portfolio.rules import MAX_BODY, MAX_COMMENT, MAX_REASON


class _Form(FlaskForm):  # type: ignore[misc]
    class Meta:
        csrf = False

    def first_errors(self) -> dict[str, str]:
        return {name: messages[0] for name, messages in self.errors.items() if messages}


class _Versioned(_Form):
    version = IntegerField(
        validators=[InputRequired("The form is out of date; reload the page."), NumberRange(0)]
    )

    @property
    def expected_version(self) -> int:
        return int(self.version.data or 0)


class ReflectionForm(_Versioned):
    """The candidate's reflection on one principle."""

    body = TextAreaField(
        "Your reflection",
        validators=[Length(max=MAX_BODY, message=f"Keep it under {MAX_BODY:,} characters.")],
    )
    cited = SelectMultipleField("Evidence it cites", coerce=int, validate_choice=False)

    @property
    def text(self) -> str:
        return str(self.body.data or "")

    @property
    def cited_ids(self) -> list[int]:
        return [int(i) for i in self.cited.data or ()]


class UnshareForm(_Versioned):
    pass


class SignOffForm(_Versioned):
    pass


class ReopenForm(_Versioned):
    reason = TextAreaField(
        "Why you reopen it",
        validators=[
            DataRequired("Say why you reopen it, so the candidate knows what to change."),
            Length(max=MAX_REASON, message=f"Keep the reason under {MAX_REASON:,} characters."),
        ],
    )


class CommentForm(_Form):
    body = TextAreaField(
        "Comment",
        validators=[
            DataRequired("Write a comment first."),
            Length(max=MAX_COMMENT, message=f"Keep it under {MAX_COMMENT:,} characters."),
        ],
    )


def _principles(form: _Form, field: Field) -> None:
    known = {p.key for p in load_curriculum().principles}
    chosen = field.data or []
    if not chosen:
        raise ValidationError("Tag it with at least one principle.")
    if any(key not in known for key in chosen):
        raise ValidationError("Choose principles from the list.")


_SUBMISSION_VALUE = re.compile(r"^\d{1,30}:\d{1,30}$")


class ArtifactForm(_Form):
    """A new artifact: a file, a link or a Canvas submission (the file itself is read by the
    view; the submission is checked against Canvas by the service)."""

    kind = StringField(validators=[InputRequired()])
    title = StringField(
        "Title",
        validators=[Length(max=200, message="Keep the title under 200 characters.")],
    )
    url = StringField("Address (https://…)", validators=[Optional(), Length(max=2000)])
    principles = SelectMultipleField("Principles", validate_choice=False, validators=[_principles])
    session_number = IntegerField(
        "Session", validators=[Optional(), NumberRange(1, 8, "Choose a session from 1 to 8.")]
    )
    submission = StringField("Canvas submission", validators=[Length(max=64)])
    #: The reflection text typed on the page the form was sent from, kept if the upload fails.
    body_draft = TextAreaField(validators=[Optional(), Length(max=MAX_BODY)])

    def validate_url(self, field: Field) -> None:
        if self.kind.data != "link":
            return
        value = (field.data or "").strip()
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValidationError("Enter an address starting with https:// or http://.")
        if any(ch.isspace() or ord(ch) < 32 for ch in value):
            raise ValidationError("An address cannot contain spaces or control characters.")

    def validate_kind(self, field: Field) -> None:
        if field.data not in ("file", "link", "canvas_submission"):
            raise ValidationError("Choose a file, a link or a Canvas submission.")

    def validate_title(self, field: Field) -> None:
        # A submission without a title is named after its assignment.
        if self.kind.data != "canvas_submission" and not (field.data or "").strip():
            raise ValidationError("Give the artifact a title.")

    def validate_submission(self, field: Field) -> None:
        if self.kind.data != "canvas_submission":
            return
        if not _SUBMISSION_VALUE.match((field.data or "").strip()):
            raise ValidationError("Choose one of your Canvas submissions from the list.")


class ArtifactEditForm(_Versioned):
    """An artifact's title, principle tags and session (what it is stays as it was added)."""

    title = StringField(
        "Title",
        validators=[
            DataRequired("Give the artifact a title."),
            Length(max=200, message="Keep the title under 200 characters."),
        ],
    )
    principles = SelectMultipleField("Principles", validate_choice=False, validators=[_principles])
    session_number = IntegerField(
        "Session", validators=[Optional(), NumberRange(1, 8, "Choose a session from 1 to 8.")]
    )


class ArtifactDeleteForm(_Versioned):
    pass
