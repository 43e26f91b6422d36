"""Pure validation of the profile form: what was typed in, clean values or field errors out."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType

from ctom_lti.text import bounded_int

MAX_LINE = 200
MAX_BIO = 4000
MAX_YEARS = 60

_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class ProfileForm:
    """The form exactly as typed (strings), so a failed save can show it again."""

    district: str = ""
    job_title: str = ""
    years_in_leadership: str = ""
    expertise: tuple[str, ...] = ()
    bio: str = ""
    #: The profile version the form was loaded from ("0" for a new profile).
    version: str = "0"


@dataclass(frozen=True)
class ProfileValues:
    """Clean values ready to store."""

    district: str
    job_title: str
    years_in_leadership: int
    expertise: tuple[str, ...]
    bio: str


@dataclass(frozen=True)
class Validation:
    values: ProfileValues | None
    #: Field name → what is wrong and how to fix it.
    errors: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    version: int = 0

    @property
    def ok(self) -> bool:
        return self.values is not None


def _printable(text: str, *, keep_newlines: bool = False) -> str:
    allowed = {"\n", "\t"} if keep_newlines else set()
    return "".join(
        ch for ch in text if ch in allowed or not unicodedata.category(ch).startswith("C")
    )


def _line(text: str) -> str:
    return _SPACES.sub(" ", _printable(text)).strip()


def _years(raw: str) -> tuple[int, str | None]:
    text = raw.strip()
    if not text:
        return 0, "Enter a whole number of years (0 if you are new)."
    if not text.isdigit() or not text.isascii():
        return 0, "Enter a whole number of years, like 4."
    years = bounded_int(text, high=MAX_YEARS)
    if years is None:
        return 0, f"Enter at most {MAX_YEARS} years."
    return years, None


def validate_profile(form: ProfileForm, principle_keys: Sequence[str]) -> Validation:
    """Check ``form`` against the rules; ``principle_keys`` in curriculum order."""
    errors: dict[str, str] = {}
    district = _line(form.district)
    if not district:
        errors["district"] = "Enter your school district or county office."
    elif len(district) > MAX_LINE:
        errors["district"] = f"Keep the district under {MAX_LINE} characters."
    job_title = _line(form.job_title)
    if not job_title:
        errors["job_title"] = "Enter your job title."
    elif len(job_title) > MAX_LINE:
        errors["job_title"] = f"Keep the job title under {MAX_LINE} characters."
    years, years_error = _years(form.years_in_leadership)
    if years_error:
        errors["years_in_leadership"] = years_error
    known = set(principle_keys)
    unknown = [key for key in form.expertise if key not in known]
    if unknown:
        errors["expertise"] = "Choose areas of expertise from the list."
    chosen = set(form.expertise)
    expertise = tuple(key for key in principle_keys if key in chosen)
    bio = _printable(form.bio, keep_newlines=True).replace("\r\n", "\n").strip()
    if len(bio) > MAX_BIO:
        errors["bio"] = f"Keep the bio under {MAX_BIO} characters (it has {len(bio)})."
    # The version is a hidden field, but a hand-made post can put anything there; bounding it to
    # the column's range keeps an absurd number from reaching the database.
    parsed_version = bounded_int(form.version)
    version = -1 if parsed_version is None else parsed_version
    if version < 0:
        errors["version"] = "The form is out of date; reload the page."
    if errors:
        return Validation(None, MappingProxyType(errors), max(version, 0))
    return Validation(ProfileValues(district, job_title, years, expertise, bio), version=version)
