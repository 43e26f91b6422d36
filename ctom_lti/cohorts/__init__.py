"""The cohort domain: a cohort's calendar, its programme settings and its Canvas course.

A cohort is described by a cohort file (:func:`load_cohort`), kept in the database on
:class:`ctom_lti.models.Cohort` (:mod:`ctom_lti.cohorts.records`), always within one registration
(:mod:`ctom_lti.cohorts.tenancy`). Features read the calendar from here, reach the cohort's Canvas
through :func:`ctom_lti.cohorts.canvas_access.cohort_gateway`, and know its people through
:mod:`ctom_lti.cohorts.roster`.

Layers: ``tools`` and ``canvas_sync`` import this package; it imports ``lti``, ``canvas``,
``curriculum`` and ``db``, never ``canvas_sync`` or ``tools``.
"""

from __future__ import annotations

from ctom_lti.cohorts.cohort_file import load_cohort, parse_cohort
from ctom_lti.cohorts.config import (
    REGIONS,
    SIS_ID,
    CohortConfig,
    CohortOptions,
    Pairing,
    SessionPlan,
)
from ctom_lti.cohorts.tomlsource import InputFileError

__all__ = [
    "REGIONS",
    "SIS_ID",
    "CohortConfig",
    "CohortOptions",
    "InputFileError",
    "Pairing",
    "SessionPlan",
    "load_cohort",
    "parse_cohort",
]
