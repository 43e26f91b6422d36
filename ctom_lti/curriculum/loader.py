"""Load and validate ``curriculum.toml`` once into frozen dataclasses."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from ctom_lti.errors import CtomError

_KEY = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


class CurriculumError(CtomError, ValueError):
    """The curriculum file is malformed; the message names the entry and the problem."""

    status = 500
    title = "The programme curriculum could not be read"
    hint = "Tell your programme administrator: the curriculum data shipped with the tool is broken."


@dataclass(frozen=True)
class Principle:
    key: str
    name: str
    strand_key: str
    topics: tuple[str, ...]


@dataclass(frozen=True)
class Strand:
    key: str
    name: str
    principles: tuple[Principle, ...]


@dataclass(frozen=True)
class SessionTemplate:
    number: int
    key: str
    title: str
    format: str


@dataclass(frozen=True)
class Curriculum:
    name: str
    strands: tuple[Strand, ...]
    sessions: tuple[SessionTemplate, ...]
    candidate_duties: tuple[str, ...]
    mentor_duties: tuple[str, ...]
    mentor_qualifications: tuple[str, ...]

    @property
    def principles(self) -> tuple[Principle, ...]:
        return tuple(p for s in self.strands for p in s.principles)

    def principle(self, key: str) -> Principle:
        """Return the principle with ``key`` or raise ``KeyError`` naming it."""
        for p in self.principles:
            if p.key == key:
                return p
        raise KeyError(f"unknown principle {key!r}")

    def strand(self, key: str) -> Strand:
        for s in self.strands:
            if s.key == key:
                return s
        raise KeyError(f"unknown strand {key!r}")


def _require(mapping: dict[str, Any], field: str, where: str) -> Any:
    if field not in mapping:
        raise CurriculumError(f"{where}: missing field {field!r}")
    return mapping[field]


def _check_key(key: Any, where: str, seen: set[str]) -> str:
    if not isinstance(key, str) or not _KEY.match(key):
        raise CurriculumError(f"{where}: key {key!r} must be lower-case words joined by hyphens")
    if key in seen:
        raise CurriculumError(f"{where}: key {key!r} is used twice")
    seen.add(key)
    return key


def parse_curriculum(data: dict[str, Any]) -> Curriculum:
    """Validate parsed TOML and build a :class:`Curriculum`."""
    seen: set[str] = set()
    programme = _require(data, "programme", "curriculum")
    strands: list[Strand] = []
    for i, raw in enumerate(_require(data, "strands", "curriculum"), 1):
        where = f"strand #{i}"
        skey = _check_key(_require(raw, "key", where), where, seen)
        principles = []
        for j, praw in enumerate(_require(raw, "principles", where), 1):
            pwhere = f"{where} principle #{j}"
            pkey = _check_key(_require(praw, "key", pwhere), pwhere, seen)
            topics = tuple(_require(praw, "topics", pwhere))
            if not topics:
                raise CurriculumError(f"{pwhere}: at least one topic is required")
            principles.append(Principle(pkey, str(_require(praw, "name", pwhere)), skey, topics))
        if not principles:
            raise CurriculumError(f"{where}: at least one principle is required")
        strands.append(Strand(skey, str(_require(raw, "name", where)), tuple(principles)))
    sessions = []
    for i, raw in enumerate(_require(data, "sessions", "curriculum"), 1):
        where = f"session #{i}"
        number = int(_require(raw, "number", where))
        if number != i:
            raise CurriculumError(f"{where}: sessions must be numbered 1..n in order")
        sessions.append(
            SessionTemplate(
                number,
                _check_key(_require(raw, "key", where), where, seen),
                str(_require(raw, "title", where)),
                str(_require(raw, "format", where)),
            )
        )
    expected = int(_require(programme, "sessions", "programme"))
    if len(sessions) != expected:
        raise CurriculumError(f"programme: expected {expected} sessions, found {len(sessions)}")
    duties = data.get("duties", {})
    quals = data.get("qualifications", {})
    return Curriculum(
        name=str(_require(programme, "name", "programme")),
        strands=tuple(strands),
        sessions=tuple(sessions),
        candidate_duties=tuple(duties.get("candidate", ())),
        mentor_duties=tuple(duties.get("mentor", ())),
        mentor_qualifications=tuple(quals.get("mentor", ())),
    )


@cache
def load_curriculum() -> Curriculum:
    """The packaged curriculum, parsed and validated on first use."""
    text = resources.files("ctom_lti.curriculum").joinpath("curriculum.toml").read_text("utf-8")
    return parse_curriculum(tomllib.loads(text))
