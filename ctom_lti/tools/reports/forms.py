"""The report forms (WTForms through Flask-WTF): fields keep exactly what was typed, so a refused
save shows it again; :func:`content_of` turns a valid form into :class:`ReportContent`."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_wtf import FlaskForm  # type: ignore[import-untyped]
from wtforms import FieldList as _FieldList
from wtforms import (
    Form,
    FormField,
    HiddenField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import StopValidation

from ctom_lti.curriculum import load_curriculum
from ctom_lti.tools.reports.rules import (
    MODES,
    OVERALL_LABELS,
    PARTS,
    RATINGS,
    RISKS,
    Meeting,
    PrincipleProgress,
    ReportContent,
    clean_shared,
)

MAX_TEXT = 5000
MAX_NOTE = 500
MAX_MINUTES = 600
#: Empty meeting rows offered below the filled ones.
BLANK_MEETINGS = 2
FieldList: Any = _FieldList


def _text(limit: int = MAX_TEXT) -> Any:
    def check(_form: Any, field: Any) -> None:
        if len(field.data or "") > limit:
            raise StopValidation(f"Keep this under {limit} characters; shorten it and save again.")

    return check


def _choice(choices: dict[str, str], what: str) -> Any:
    def check(_form: Any, field: Any) -> None:
        if (field.data or "") not in {"", *choices}:
            raise StopValidation(f"Choose {what} from the list.")

    return check


def _many(choices: dict[str, str], what: str) -> Any:
    def check(_form: Any, field: Any) -> None:
        if set(field.data or ()) - set(choices):
            raise StopValidation(f"Choose {what} from the list.")

    return check


def _version(_form: Any, field: Any) -> None:
    if not (field.data or "").isdigit():
        raise StopValidation("The form is out of date; reload the page.")


class MeetingForm(Form):
    """One meeting: all three filled in, or none (an empty row is ignored)."""

    on = StringField("Date")
    mode = StringField("How")
    minutes = StringField("Minutes")

    @property
    def blank(self) -> bool:
        return not any((f.data or "").strip() for f in (self.on, self.mode, self.minutes))

    def validate(self, extra_validators: Any = None) -> bool:
        if self.blank:
            return True
        ok = True
        try:
            date.fromisoformat((self.on.data or "").strip())
        except ValueError:
            self.on.errors = ["Enter the meeting's date (YYYY-MM-DD)."]
            ok = False
        if (self.mode.data or "") not in MODES:
            self.mode.errors = ["Choose in person, video or phone."]
            ok = False
        minutes = (self.minutes.data or "").strip()
        if not minutes.isdigit() or not 1 <= int(minutes) <= MAX_MINUTES:
            self.minutes.errors = [f"Enter the minutes as a whole number from 1 to {MAX_MINUTES}."]
            ok = False
        return ok

    def meeting(self) -> Meeting | None:
        if self.blank:
            return None
        return Meeting(
            date.fromisoformat((self.on.data or "").strip()),
            str(self.mode.data),
            int((self.minutes.data or "0").strip()),
        )


class ReportForm(FlaskForm):  # type: ignore[misc]
    class Meta:
        # CSRFProtect guards every POST of the app; no second check.
        csrf = False

    meetings = FieldList(FormField(MeetingForm), min_entries=BLANK_MEETINGS)
    communication = TextAreaField("How the candidate communicated with you", [_text()])
    prerequisites_reviewed = TextAreaField("Prerequisite assignments reviewed", [_text()])
    assignments_reviewed = TextAreaField("Assignments reviewed", [_text()])
    strengths = TextAreaField("Strengths", [_text()])
    concerns = TextAreaField("Concerns and risks", [_text()])
    risks = SelectMultipleField("Risks", validate_choice=False, validators=[_many(RISKS, "risks")])
    next_steps = TextAreaField("Agreed next steps", [_text()])
    overall = StringField("Overall status", [_choice(OVERALL_LABELS, "the overall status")])
    shared = SelectMultipleField(
        "Share with the candidate", validate_choice=False, validators=[_many(PARTS, "parts")]
    )
    #: The report's version the form was loaded from.
    version = HiddenField(default="1", validators=[_version])

    @property
    def expected_version(self) -> int:
        return int(self.version.data or 0)

    def first_errors(self) -> dict[str, str]:
        """The first error of each field; a meeting row's as ``meetings-N-field``."""
        found: dict[str, str] = {}
        for name, messages in self.errors.items():
            if name == "meetings":
                for i, entry in enumerate(self.meetings.entries):
                    for sub, errors in entry.form.errors.items():
                        if errors:
                            found[f"meetings-{i}-{sub}"] = errors[0]
            elif messages:
                found[name] = messages[0]
        return found

    def pad_meetings(self) -> None:
        """Leave :data:`BLANK_MEETINGS` empty rows after the filled ones."""
        filled = sum(not e.form.blank for e in self.meetings.entries)
        while len(self.meetings.entries) < filled + BLANK_MEETINGS:
            self.meetings.append_entry()


_PRINCIPLE_KEYS = tuple(p.key for p in load_curriculum().principles)
for _key in _PRINCIPLE_KEYS:
    setattr(
        ReportForm,
        f"rating_{_key}",
        StringField(validators=[_choice(RATINGS, "a progress rating")]),
    )
    setattr(ReportForm, f"note_{_key}", StringField(validators=[_text(MAX_NOTE)]))


def content_of(form: ReportForm) -> ReportContent:
    """What a validated form says."""
    principles = tuple(
        PrincipleProgress(key, rating, (form[f"note_{key}"].data or "").strip())
        for key in _PRINCIPLE_KEYS
        if (rating := form[f"rating_{key}"].data or "")
    )
    meetings = tuple(m for e in form.meetings.entries if (m := e.form.meeting()) is not None)
    return ReportContent(
        meetings=tuple(sorted(meetings, key=lambda m: m.on)),
        communication=(form.communication.data or "").strip(),
        principles=principles,
        prerequisites_reviewed=(form.prerequisites_reviewed.data or "").strip(),
        assignments_reviewed=(form.assignments_reviewed.data or "").strip(),
        strengths=(form.strengths.data or "").strip(),
        concerns=(form.concerns.data or "").strip(),
        risks=tuple(r for r in RISKS if r in set(form.risks.data or ())),
        next_steps=(form.next_steps.data or "").strip(),
        overall=form.overall.data or None,
        shared=clean_shared(form.shared.data or ()),
    )


def form_data(content: ReportContent, version: int) -> dict[str, Any]:
    """The form's data for ``content`` (to show a stored report in the form)."""
    data: dict[str, Any] = {
        "meetings": [
            {"on": m.on.isoformat(), "mode": m.mode, "minutes": str(m.minutes)}
            for m in content.meetings
        ],
        "communication": content.communication,
        "prerequisites_reviewed": content.prerequisites_reviewed,
        "assignments_reviewed": content.assignments_reviewed,
        "strengths": content.strengths,
        "concerns": content.concerns,
        "risks": list(content.risks),
        "next_steps": content.next_steps,
        "overall": content.overall or "",
        "shared": list(content.shared),
        "version": str(version),
    }
    for p in content.principles:
        data[f"rating_{p.key}"] = p.rating
        data[f"note_{p.key}"] = p.note
    return data


def stored_form(content: ReportContent, version: int) -> ReportForm:
    """A form showing ``content`` (not read from the request)."""
    form = ReportForm(formdata=None, data=form_data(content, version))
    form.pad_meetings()
    return form
