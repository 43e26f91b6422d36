"""Record who launched from where: the person, the cohort (course) and the memberships.

Launches are hot and mostly repeat what the tool already knows, so each launch first compares a
fingerprint of everything it would write with the one stored (in the shared store) at the last
write; when nothing changed, no SQL runs at all. A person's first launch in a course the tool
already knows skips the course the same way (it has a fingerprint of its own), so it writes the
person and their memberships only: one statement per table, each an idempotent
``INSERT ... ON CONFLICT`` upsert (``upserts.py``), safe when two workers record the same person
at once. The fingerprints include the date, so ``last_launch_at`` is refreshed at least daily.
The new fingerprints are not written here but handed back (:attr:`LaunchRecord.remember`), to go
to the shared store with the new session in one round trip.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Engine, and_, select, update

from ctom_lti.db import utcnow
from ctom_lti.lti.context import LaunchContext
from ctom_lti.lti.kv import KeyValueStore, Op
from ctom_lti.lti.upserts import LaunchStatements, statements
from ctom_lti.models import Cohort, Role

_FINGERPRINT_TTL = 24 * 3600


@dataclass(frozen=True)
class LaunchRecord:
    """Where the launch's person and cohort live in the database."""

    person_id: int
    cohort_id: int
    cohort_title: str
    #: Shared-store writes that remember what was just recorded (run them after the commit).
    remember: tuple[Op, ...] = ()


def fingerprint(platform_id: int, ctx: LaunchContext, today: date) -> str:
    """Hash of everything :func:`record_launch` would write for ``ctx``."""
    material = [
        platform_id,
        ctx.sub,
        ctx.name,
        ctx.given_name,
        ctx.family_name,
        ctx.email,
        ctx.canvas_user_id,
        ctx.person_sourcedid,
        ctx.context_id,
        ctx.context_title,
        ctx.context_label,
        ctx.canvas_course_id,
        ctx.canvas_api_base_url,
        ctx.nrps_url,
        sorted(r.value for r in ctx.roles.roles),
        ",".join(ctx.canvas_membership_roles),
        sorted(ctx.roles.mentee_subs),
        today.isoformat(),
    ]
    return hashlib.sha256(json.dumps(material).encode()).hexdigest()


def fingerprint_key(issuer: str, client_id: str, sub: str, context_id: str) -> str:
    """Where the fingerprint of a person's launches in one course is kept.

    Built from claims alone, so a launch can read it together with its other reads before the
    registration's database id is known (the fingerprint itself includes that id).
    """
    who = f"{issuer}\n{client_id}\n{sub}\n{context_id}".encode()
    return "fp:" + hashlib.sha256(who).hexdigest()


def cohort_fingerprint_key(issuer: str, client_id: str, context_id: str) -> str:
    """Where the fingerprint of a course's launch data is kept (see :func:`fingerprint_key`)."""
    course = f"{issuer}\n{client_id}\n{context_id}".encode()
    return "cfp:" + hashlib.sha256(course).hexdigest()


def cohort_fingerprint(platform_id: int, ctx: LaunchContext, today: date) -> str:
    """Hash of what :func:`record_launch` would write for ``ctx``'s course."""
    material = [
        platform_id,
        ctx.context_id,
        ctx.context_title,
        ctx.context_label,
        ctx.canvas_course_id,
        ctx.canvas_api_base_url,
        ctx.nrps_url,
        today.isoformat(),
    ]
    return hashlib.sha256(json.dumps(material).encode()).hexdigest()


def record_launch(
    engine: Engine,
    cache: KeyValueStore,
    platform_id: int,
    ctx: LaunchContext,
    today: date,
    *,
    prefetched: Mapping[str, str | None] | None = None,
) -> LaunchRecord:
    """Upsert the person, cohort, memberships and mentor scope of a validated launch.

    :param prefetched: cache values the caller already read (by key), e.g. batched with the
        launch's first reads.
    """

    def cached(key: str, print_: str) -> dict[str, Any] | None:
        raw = prefetched[key] if prefetched is not None and key in prefetched else cache.get(key)
        data = json.loads(raw) if raw is not None else None
        return data if isinstance(data, dict) and data.get("fp") == print_ else None

    key = fingerprint_key(ctx.issuer, ctx.client_id, ctx.sub, ctx.context_id)
    print_ = fingerprint(platform_id, ctx, today)
    known = cached(key, print_)
    if known is not None:
        return LaunchRecord(int(known["person"]), int(known["cohort"]), str(known["title"]))
    course_key = cohort_fingerprint_key(ctx.issuer, ctx.client_id, ctx.context_id)
    course_print = cohort_fingerprint(platform_id, ctx, today)
    course = cached(course_key, course_print)
    sql = statements(engine)
    with engine.begin() as conn:
        now = utcnow()
        person_id = _upsert_person(conn, sql, platform_id, ctx, now)
        if course is not None:
            cohort_id, title = int(course["cohort"]), str(course["title"])
        else:
            cohort_id, title = _upsert_cohort(conn, sql, platform_id, ctx, now)
        roles = sorted(r.value for r in ctx.roles.roles)
        if roles:
            canvas_roles = ",".join(ctx.canvas_membership_roles)[:1024] or None
            conn.execute(
                sql.membership,
                [
                    {
                        "person_id": person_id,
                        "cohort_id": cohort_id,
                        "role": role,
                        "status": "active",
                        "canvas_roles": canvas_roles,
                        "last_launch_at": now,
                        "created_at": now,
                    }
                    for role in roles
                ],
            )
        if Role.MENTOR in ctx.roles.roles:
            _replace_mentor_scope(
                conn,
                sql,
                cohort_id=cohort_id,
                person_id=person_id,
                mentees=ctx.roles.mentee_subs,
                now=now,
            )
    remember = [
        Op(
            cache,
            "put",
            key,
            json.dumps({"fp": print_, "person": person_id, "cohort": cohort_id, "title": title}),
            _FINGERPRINT_TTL,
        )
    ]
    if course is None:
        course_data = {"fp": course_print, "cohort": cohort_id, "title": title}
        remember.append(Op(cache, "put", course_key, json.dumps(course_data), _FINGERPRINT_TTL))
    return LaunchRecord(person_id, cohort_id, title, tuple(remember))


def _upsert_person(
    conn: Any, sql: LaunchStatements, platform_id: int, ctx: LaunchContext, now: Any
) -> int:
    person_id: int = conn.execute(
        sql.person,
        {
            "platform_id": platform_id,
            "sub": ctx.sub,
            "name": ctx.name,
            "given_name": ctx.given_name,
            "family_name": ctx.family_name,
            "email": ctx.email,
            "canvas_user_id": ctx.canvas_user_id,
            "sis_user_id": ctx.person_sourcedid,
            "created_at": now,
            "updated_at": now,
        },
    ).scalar_one()
    return person_id


def _upsert_cohort(
    conn: Any, sql: LaunchStatements, platform_id: int, ctx: LaunchContext, now: Any
) -> tuple[int, str]:
    known = conn.execute(
        sql.cohort_id, {"platform_id": platform_id, "context_id": ctx.context_id}
    ).scalar_one_or_none()
    if known is None and ctx.canvas_course_id:
        # A cohort set up before anyone launched (by sync, from its Canvas course id) is adopted
        # rather than duplicated, but only within its own registration: Canvas Cloud schools
        # share an issuer and each numbers its courses from 1.
        waiting = conn.execute(
            select(Cohort.id)
            .where(
                Cohort.context_id.is_(None),
                Cohort.canvas_course_id == ctx.canvas_course_id,
                Cohort.platform_id == platform_id,
            )
            .order_by(Cohort.id)
            .limit(1)
        ).scalar_one_or_none()
        if waiting is not None:
            conn.execute(
                update(Cohort)
                .where(and_(Cohort.id == waiting, Cohort.context_id.is_(None)))
                .values(platform_id=platform_id, context_id=ctx.context_id)
            )
    row = conn.execute(
        sql.cohort,
        {
            "platform_id": platform_id,
            "context_id": ctx.context_id,
            "canvas_course_id": ctx.canvas_course_id,
            "canvas_url": ctx.canvas_api_base_url,
            "nrps_url": ctx.nrps_url,
            "title": ctx.context_title or ctx.context_label or "Untitled course",
            "label": ctx.context_label,
            "created_at": now,
            "updated_at": now,
        },
    ).one()
    return int(row.id), str(row.title)


def _replace_mentor_scope(
    conn: Any,
    sql: LaunchStatements,
    *,
    cohort_id: int,
    person_id: int,
    mentees: tuple[str, ...],
    now: Any,
) -> None:
    conn.execute(
        sql.mentor_scope_gone,
        {"cohort_id": cohort_id, "mentor_person_id": person_id, "mentees": list(mentees)},
    )
    if mentees:
        conn.execute(
            sql.mentor_scope,
            [
                {
                    "cohort_id": cohort_id,
                    "mentor_person_id": person_id,
                    "mentee_sub": sub,
                    "seen_at": now,
                }
                for sub in mentees
            ],
        )
