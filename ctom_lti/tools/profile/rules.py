"""The profile's pure core: how typed text becomes clean values, what is wrong with it, and the
home card. No Flask, no database; ``forms.py`` and ``service.py`` call these.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ctom_lti.features import Card
from ctom_lti.models import Role
from ctom_lti.text import bounded_int

MAX_LINE = 200
MAX_BIO = 4000
MAX_YEARS = 60

#: The profile page's endpoint (home cards link to it).
EDIT_ENDPOINT = "profile.edit"

_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class ProfileValues:
    """Clean values ready to store."""

    district: str
    job_title: str
    years_in_leadership: int
    expertise: tuple[str, ...]
    bio: str


def _printable(text: str, *, keep_newlines: bool = False) -> str:
    allowed = {"\n", "\t"} if keep_newlines else set()
    return "".join(
        ch for ch in text if ch in allowed or not unicodedata.category(ch).startswith("C")
    )


def clean_line(text: str) -> str:
    """One line of text: no control characters, runs of spaces collapsed, trimmed."""
    return _SPACES.sub(" ", _printable(text)).strip()


def clean_bio(text: str) -> str:
    """Free text: line breaks kept (as ``\\n``), other control characters dropped, trimmed."""
    return _printable(text, keep_newlines=True).replace("\r\n", "\n").strip()


def line_problem(text: str, missing: str, what: str) -> str | None:
    """What is wrong with a required one-line value, or None."""
    line = clean_line(text)
    if not line:
        return missing
    if len(line) > MAX_LINE:
        return f"Keep the {what} under {MAX_LINE} characters."
    return None


def years_of(raw: str) -> tuple[int, str | None]:
    """Whole years in leadership from what was typed, or 0 and what is wrong."""
    text = raw.strip()
    if not text:
        return 0, "Enter a whole number of years (0 if you are new)."
    if not text.isdigit() or not text.isascii():
        return 0, "Enter a whole number of years, like 4."
    years = bounded_int(text, high=MAX_YEARS)
    if years is None:
        return 0, f"Enter at most {MAX_YEARS} years."
    return years, None


def bio_problem(text: str) -> str | None:
    bio = clean_bio(text)
    if len(bio) > MAX_BIO:
        return f"Keep the bio under {MAX_BIO} characters (it has {len(bio)})."
    return None


def expertise_problem(chosen: Iterable[str], principle_keys: Sequence[str]) -> str | None:
    known = set(principle_keys)
    if any(key not in known for key in chosen):
        return "Choose areas of expertise from the list."
    return None


def ordered_expertise(chosen: Iterable[str], principle_keys: Sequence[str]) -> tuple[str, ...]:
    """The chosen principle keys in curriculum order, each once."""
    picked = set(chosen)
    return tuple(key for key in principle_keys if key in picked)


def version_of(raw: str) -> int | None:
    """The profile version a form was loaded from; None if the field was tampered with.

    The version is a hidden field, but a hand-made post can put anything there; bounding it to
    the column's range keeps an absurd number from reaching the database.
    """
    return bounded_int(raw)


def profile_cards(roles: frozenset[Role], has_profile: bool) -> tuple[Card, ...]:
    """The home card for the profile: due for participants who have none yet."""
    if roles & {Role.CANDIDATE, Role.MENTOR}:
        if has_profile:
            return (
                Card(
                    "Your profile",
                    "Keep your district, role and areas of expertise up to date.",
                    EDIT_ENDPOINT,
                ),
            )
        return (
            Card(
                "Complete your programme profile",
                "District, job title, years in technology leadership and areas of expertise: "
                "what mentor pairing matches on.",
                EDIT_ENDPOINT,
                due=True,
            ),
        )
    if roles & {Role.INSTRUCTOR, Role.ADMIN}:
        return (Card("Your profile", "Optional for instructors and admins.", EDIT_ENDPOINT),)
    return ()
