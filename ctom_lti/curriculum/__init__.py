"""The programme curriculum as data: strands, principles and sessions with stable keys."""

from ctom_lti.curriculum.loader import (
    Curriculum,
    CurriculumError,
    Principle,
    SessionTemplate,
    Strand,
    load_curriculum,
)

__all__ = [
    "Curriculum",
    "CurriculumError",
    "Principle",
    "SessionTemplate",
    "Strand",
    "load_curriculum",
]
