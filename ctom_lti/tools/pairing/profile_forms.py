"""The pairing profile forms: fields keep exactly what was typed, so a refused save shows it again.

A mentor's form and a candidate's share the facts the programme profile holds (organisation,
years); each adds what pairing needs of that side.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_wtf import FlaskForm  # type: ignore[import-untyped]
from wtforms import (
    BooleanField,
    HiddenField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import StopValidation

from ctom_lti.curriculum import load_curriculum
from ctom_lti.tools.pairing.rules import QUALIFICATIONS, REGION_LABELS

MAX_LINE = 200
MAX_TEXT = 4000
MAX_CAPACITY = 10


def _line(required: str | None = None) -> Any:
    def check(_form: Any, field: Any) -> None:
        text = " ".join((field.data or "").split())
        if required and not text:
            raise StopValidation(required)
        if len(text) > MAX_LINE:
            raise StopValidation(f"Keep this under {MAX_LINE} characters.")

    return check


def _text(_form: Any, field: Any) -> None:
    if len(field.data or "") > MAX_TEXT:
        raise StopValidation(f"Keep this under {MAX_TEXT} characters; shorten it and save again.")


def _whole(low: int, high: int, what: str) -> Any:
    def check(_form: Any, field: Any) -> None:
        text = (field.data or "").strip()
        if not text:
            raise StopValidation(f"Enter {what} as a whole number.")
        if not text.isdigit() or not low <= int(text) <= high:
            raise StopValidation(f"Enter {what} as a whole number from {low} to {high}.")

    return check


def _version(_form: Any, field: Any) -> None:
    if not (field.data or "").isdigit():
        raise StopValidation("The form is out of date; reload the page.")


def _principles(_form: Any, field: Any) -> None:
    known = {p.key for p in load_curriculum().principles}
    if set(field.data or ()) - known:
        raise StopValidation("Choose principles from the list.")


def principle_order(keys: Any) -> list[str]:
    chosen = set(keys or ())
    return [p.key for p in load_curriculum().principles if p.key in chosen]


#: The region choices as the page offers them ("" is "not given").
REGION_CHOICES: list[tuple[str, str]] = [("", "Not given"), *REGION_LABELS.items()]


def _region(_form: Any, field: Any) -> None:
    if (field.data or "") not in dict(REGION_CHOICES):
        raise StopValidation("Choose Northern or Southern California, or leave it not given.")


class _Shared(FlaskForm):  # type: ignore[misc]
    class Meta:
        # CSRFProtect guards every POST of the app; no second check.
        csrf = False

    organisation = StringField(
        "School district, county office or organisation",
        validators=[_line("Enter your district, county office or organisation.")],
    )
    region = StringField("Region", validators=[_region])
    years = StringField("Years leading K-12 technology", validators=[_whole(0, 60, "the years")])
    #: The pairing profile's version the form was loaded from ("0" before there is one).
    version = HiddenField(default="0", validators=[_version])
    #: The programme profile's version the form was loaded from.
    base_version = HiddenField(default="0", validators=[_version])

    @property
    def expected(self) -> tuple[int, int]:
        return int(self.version.data or 0), int(self.base_version.data or 0)

    def first_errors(self) -> dict[str, str]:
        return {name: messages[0] for name, messages in self.errors.items() if messages}


class MentorProfileForm(_Shared):
    position = StringField("Position", validators=[_line("Enter your position.")])
    expertise = SelectMultipleField("Expertise", validate_choice=False, validators=[_principles])
    capacity = StringField(
        "How many candidates you can mentor", validators=[_whole(0, MAX_CAPACITY, "the capacity")]
    )
    availability = TextAreaField("Availability", validators=[_text])


for _key in QUALIFICATIONS:
    setattr(MentorProfileForm, f"met_{_key}", BooleanField())
    setattr(MentorProfileForm, f"evidence_{_key}", TextAreaField(validators=[_text]))


def _ids(_form: Any, field: Any) -> None:
    if any(not str(v).isdigit() for v in field.data or ()):
        raise StopValidation("Choose people from the list.")


class CandidateProfileForm(_Shared):
    nominated = BooleanField("Superintendent nomination on file")
    growth_areas = SelectMultipleField(
        "Growth areas", validate_choice=False, validators=[_principles]
    )
    preferred_mentors = SelectMultipleField(
        "Preferred mentors", validate_choice=False, validators=[_ids]
    )
    conflicts = SelectMultipleField("Conflicts", validate_choice=False, validators=[_ids])


@dataclass(frozen=True)
class MentorValues:
    organisation: str
    region: str | None
    years: int
    position: str
    expertise: tuple[str, ...]
    capacity: int
    availability: str
    #: Qualification key → (met, evidence).
    qualifications: dict[str, tuple[bool, str]]


@dataclass(frozen=True)
class CandidateValues:
    organisation: str
    region: str | None
    years: int
    nominated: bool
    growth_areas: tuple[str, ...]
    preferred_mentor_ids: tuple[int, ...]
    conflict_ids: tuple[int, ...]


def _clean(text: str | None) -> str:
    return " ".join((text or "").split())


def mentor_values(form: MentorProfileForm) -> MentorValues:
    """Clean values; call after ``validate`` returned True."""
    return MentorValues(
        organisation=_clean(form.organisation.data),
        region=form.region.data or None,
        years=int(form.years.data or 0),
        position=_clean(form.position.data),
        expertise=tuple(principle_order(form.expertise.data)),
        capacity=int(form.capacity.data or 0),
        availability=(form.availability.data or "").strip(),
        qualifications={
            key: (
                bool(form[f"met_{key}"].data),
                (form[f"evidence_{key}"].data or "").strip(),
            )
            for key in QUALIFICATIONS
        },
    )


def candidate_values(form: CandidateProfileForm) -> CandidateValues:
    """Clean values; call after ``validate`` returned True."""
    return CandidateValues(
        organisation=_clean(form.organisation.data),
        region=form.region.data or None,
        years=int(form.years.data or 0),
        nominated=bool(form.nominated.data),
        growth_areas=tuple(principle_order(form.growth_areas.data)),
        preferred_mentor_ids=tuple(sorted({int(v) for v in form.preferred_mentors.data or ()})),
        conflict_ids=tuple(sorted({int(v) for v in form.conflicts.data or ()})),
    )
