"""The ``ctom-lti sync`` command's options, and its inputs (cohort file and course spec), checked
in full before any Canvas call; a problem with them ends the command with exit status 2."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn

import click
from flask import Flask

from ctom_lti.canvas_sync.spec import CourseSpec
from ctom_lti.cohorts import CohortConfig
from ctom_lti.cohorts.tomlsource import InputFileError

EXIT_INPUT = 2


@dataclass(frozen=True)
class SyncOptions:
    cohort_file: Path
    dry_run: bool
    prune: bool
    as_json: bool
    canvas_url: str | None
    token_stdin: bool
    pairings_only: bool
    concurrency: int
    platform: str | None = None


@dataclass(frozen=True)
class SyncInputs:
    cohort: CohortConfig
    spec: CourseSpec
    tool_base_url: str


def fail_input(message: str) -> NoReturn:
    click.echo(message, err=True)
    raise click.exceptions.Exit(EXIT_INPUT)


def load_inputs(app: Flask, cohort_file: Path) -> SyncInputs:
    """Cohort file and spec, fully checked before any Canvas call."""
    from ctom_lti.canvas_sync import load_cohort, load_spec
    from ctom_lti.canvas_sync.desired import desired_course
    from ctom_lti.curriculum.loader import load_curriculum

    curriculum = load_curriculum()
    try:
        cohort = load_cohort(cohort_file, curriculum)
        spec = load_spec(cohort.spec_path)
        tool_base_url = cohort.tool_base_url or str(app.config["BASE_URL"])
        # Expand once now so a spec problem stops us before the first Canvas call.
        desired_course(curriculum, spec, cohort, tool_base_url=tool_base_url)
    except InputFileError as exc:
        fail_input(f"{exc.message}\n{exc.hint}")
    return SyncInputs(cohort, spec, tool_base_url)
