"""The statements a launch writes with, built once per database dialect.

Each is an idempotent ``INSERT ... ON CONFLICT`` (the same on SQLite and PostgreSQL), safe when
two workers record the same person at once. Building a SQLAlchemy statement costs more CPU than
running it, and a first launch runs several, so they are built here once with their values left
as parameters, and executed with a dictionary of values (or a list, for several rows).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, bindparam, case, delete, func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from ctom_lti.lti.models import MentorScope
from ctom_lti.models import Cohort, Membership, Person


@dataclass(frozen=True)
class LaunchStatements:
    #: Values: every ``Person`` column but ``id``; returns the person's id.
    person: Any
    #: Values: ``platform_id``, ``context_id``; returns the cohort's id, if it exists.
    cohort_id: Any
    #: Values: the ``Cohort`` columns a launch knows; returns id and title.
    cohort: Any
    #: Values: one dictionary per role, every ``Membership`` column but ``id``.
    membership: Any
    #: Values: ``cohort_id``, ``mentor_person_id``, ``mentees`` (the subs Canvas still names).
    mentor_scope_gone: Any
    #: Values: one dictionary per mentee, every ``MentorScope`` column but ``id``.
    mentor_scope: Any


def statements(engine: Engine) -> LaunchStatements:
    """The statements for ``engine``'s database."""
    return _build(engine.dialect.name)


@functools.cache
def _build(dialect: str) -> LaunchStatements:
    insert: Any = pg_insert if dialect == "postgresql" else sqlite_insert

    person = insert(Person)
    ex = person.excluded
    # A launch with a lower privacy level sends no name or email: keep what we knew.
    person = person.on_conflict_do_update(
        index_elements=[Person.platform_id, Person.sub],
        set_={
            "name": func.coalesce(ex.name, Person.name),
            "given_name": func.coalesce(ex.given_name, Person.given_name),
            "family_name": func.coalesce(ex.family_name, Person.family_name),
            "email": func.coalesce(ex.email, Person.email),
            "canvas_user_id": func.coalesce(ex.canvas_user_id, Person.canvas_user_id),
            "sis_user_id": func.coalesce(ex.sis_user_id, Person.sis_user_id),
            "updated_at": ex.updated_at,
        },
    ).returning(Person.id)

    cohort = insert(Cohort)
    ex = cohort.excluded
    cohort = cohort.on_conflict_do_update(
        index_elements=[Cohort.platform_id, Cohort.context_id],
        set_={
            # A title set by an admin or by sync wins over the Canvas course name.
            "title": case((Cohort.title == "", ex.title), else_=Cohort.title),
            "label": func.coalesce(Cohort.label, ex.label),
            "canvas_course_id": func.coalesce(Cohort.canvas_course_id, ex.canvas_course_id),
            "canvas_url": func.coalesce(Cohort.canvas_url, ex.canvas_url),
            # The roster is read from the URL the latest launch gave.
            "nrps_url": func.coalesce(ex.nrps_url, Cohort.nrps_url),
            "updated_at": ex.updated_at,
        },
    ).returning(Cohort.id, Cohort.title)

    membership = insert(Membership)
    ex = membership.excluded
    membership = membership.on_conflict_do_update(
        index_elements=[Membership.person_id, Membership.cohort_id, Membership.role],
        set_={
            "status": ex.status,
            "canvas_roles": ex.canvas_roles,
            "last_launch_at": ex.last_launch_at,
        },
    )

    return LaunchStatements(
        person=person,
        cohort_id=select(Cohort.id).where(
            Cohort.platform_id == bindparam("platform_id"),
            Cohort.context_id == bindparam("context_id"),
        ),
        cohort=cohort,
        membership=membership,
        mentor_scope_gone=delete(MentorScope).where(
            MentorScope.cohort_id == bindparam("cohort_id"),
            MentorScope.mentor_person_id == bindparam("mentor_person_id"),
            MentorScope.mentee_sub.not_in(bindparam("mentees", expanding=True)),
        ),
        mentor_scope=insert(MentorScope).on_conflict_do_nothing(
            index_elements=[
                MentorScope.cohort_id,
                MentorScope.mentor_person_id,
                MentorScope.mentee_sub,
            ]
        ),
    )
