"""Expanding a course spec for the example cohort in tests (pure, no Canvas)."""

from __future__ import annotations

from importlib import resources

from ctom_lti.canvas_sync.desired import desired_course
from ctom_lti.canvas_sync.desired_objects import DesiredCourse
from ctom_lti.canvas_sync.spec import parse_spec
from ctom_lti.cohorts import CohortConfig, Pairing, parse_cohort
from ctom_lti.cohorts.tomlsource import TomlSource
from ctom_lti.curriculum.loader import load_curriculum

SPEC = resources.files("ctom_lti.canvas_sync").joinpath("course_spec.toml").read_text("utf-8")
COHORT = resources.files("ctom_lti.canvas_sync").joinpath("cohort.example.toml").read_text("utf-8")
TOOL = "https://tool.example.edu"


def cohort(text: str = COHORT) -> CohortConfig:
    return parse_cohort(TomlSource(text, "cohort.toml"), load_curriculum())


def build(
    spec_text: str = SPEC, cohort_text: str = COHORT, pairings: list[Pairing] | None = None
) -> DesiredCourse:
    spec = parse_spec(TomlSource(spec_text, "spec.toml"))
    return desired_course(
        load_curriculum(), spec, cohort(cohort_text), tool_base_url=TOOL, pairings=pairings
    )
