"""Record who launched from where: the person, the cohort (course) and the memberships.

Launches are hot and mostly repeat what the tool already knows, so each launch first compares a
fingerprint of everything it would write with the one stored (in the shared store) at the last
write; when nothing changed, no SQL runs at all. Otherwise every write is an idempotent
``INSERT ... ON CONFLICT`` upsert, safe when two workers record the same person at once. The
fingerprint includes the date, so ``last_launch_at`` is refreshed at least daily.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Engine, and_, case, delete, func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from ctom_lti.db import utcnow
from ctom_lti.lti.context import LaunchContext
from ctom_lti.lti.kv import KeyValueStore
from ctom_lti.lti.models import MentorScope
from ctom_lti.models import Cohort, Membership, Person, Role

_FINGERPRINT_TTL = 24 * 3600


@dataclass(frozen=True)
class LaunchRecord:
    """Where the launch's person and cohort live in the database."""

    person_id: int
    cohort_id: int
    cohort_title: str


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
    key = fingerprint_key(ctx.issuer, ctx.client_id, ctx.sub, ctx.context_id)
    print_ = fingerprint(platform_id, ctx, today)
    cached = prefetched[key] if prefetched is not None and key in prefetched else cache.get(key)
    if cached is not None:
        data = json.loads(cached)
        if data.get("fp") == print_:
            return LaunchRecord(int(data["person"]), int(data["cohort"]), str(data["title"]))
    insert: Any = pg_insert if engine.dialect.name == "postgresql" else sqlite_insert
    with engine.begin() as conn:
        now = utcnow()
        person_id = _upsert_person(conn, insert, platform_id, ctx, now)
        cohort_id, title = _upsert_cohort(conn, insert, platform_id, ctx, now)
        roles = sorted(r.value for r in ctx.roles.roles)
        if roles:
            stmt = insert(Membership).values(
                [
                    {
                        "person_id": person_id,
                        "cohort_id": cohort_id,
                        "role": role,
                        "status": "active",
                        "canvas_roles": ",".join(ctx.canvas_membership_roles)[:1024] or None,
                        "last_launch_at": now,
                        "created_at": now,
                    }
                    for role in roles
                ]
            )
            conn.execute(
                stmt.on_conflict_do_update(
                    index_elements=["person_id", "cohort_id", "role"],
                    set_={
                        "status": "active",
                        "canvas_roles": stmt.excluded.canvas_roles,
                        "last_launch_at": now,
                    },
                )
            )
        if Role.MENTOR in ctx.roles.roles:
            _replace_mentor_scope(
                conn,
                insert,
                cohort_id=cohort_id,
                person_id=person_id,
                mentees=ctx.roles.mentee_subs,
                now=now,
            )
    record = LaunchRecord(person_id, cohort_id, title)
    cache.put(
        key,
        json.dumps({"fp": print_, "person": person_id, "cohort": cohort_id, "title": title}),
        _FINGERPRINT_TTL,
    )
    return record


def _upsert_person(conn: Any, insert: Any, platform_id: int, ctx: LaunchContext, now: Any) -> int:
    stmt = insert(Person).values(
        platform_id=platform_id,
        sub=ctx.sub,
        name=ctx.name,
        given_name=ctx.given_name,
        family_name=ctx.family_name,
        email=ctx.email,
        canvas_user_id=ctx.canvas_user_id,
        sis_user_id=ctx.person_sourcedid,
        created_at=now,
        updated_at=now,
    )
    ex = stmt.excluded
    # A launch with a lower privacy level sends no name or email: keep what we knew.
    stmt = stmt.on_conflict_do_update(
        index_elements=["platform_id", "sub"],
        set_={
            "name": func.coalesce(ex.name, Person.name),
            "given_name": func.coalesce(ex.given_name, Person.given_name),
            "family_name": func.coalesce(ex.family_name, Person.family_name),
            "email": func.coalesce(ex.email, Person.email),
            "canvas_user_id": func.coalesce(ex.canvas_user_id, Person.canvas_user_id),
            "sis_user_id": func.coalesce(ex.sis_user_id, Person.sis_user_id),
            "updated_at": now,
        },
    ).returning(Person.id)
    person_id: int = conn.execute(stmt).scalar_one()
    return person_id


def _upsert_cohort(
    conn: Any, insert: Any, platform_id: int, ctx: LaunchContext, now: Any
) -> tuple[int, str]:
    known = conn.execute(
        select(Cohort.id).where(
            Cohort.platform_id == platform_id, Cohort.context_id == ctx.context_id
        )
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
    title = ctx.context_title or ctx.context_label or "Untitled course"
    stmt = insert(Cohort).values(
        platform_id=platform_id,
        context_id=ctx.context_id,
        canvas_course_id=ctx.canvas_course_id,
        canvas_url=ctx.canvas_api_base_url,
        nrps_url=ctx.nrps_url,
        title=title,
        label=ctx.context_label,
        created_at=now,
        updated_at=now,
    )
    ex = stmt.excluded
    stmt = stmt.on_conflict_do_update(
        index_elements=["platform_id", "context_id"],
        set_={
            # A title set by an admin or by sync wins over the Canvas course name.
            "title": case((Cohort.title == "", ex.title), else_=Cohort.title),
            "label": func.coalesce(Cohort.label, ex.label),
            "canvas_course_id": func.coalesce(Cohort.canvas_course_id, ex.canvas_course_id),
            "canvas_url": func.coalesce(Cohort.canvas_url, ex.canvas_url),
            # The roster is read from the URL the latest launch gave.
            "nrps_url": func.coalesce(ex.nrps_url, Cohort.nrps_url),
            "updated_at": now,
        },
    ).returning(Cohort.id, Cohort.title)
    row = conn.execute(stmt).one()
    return int(row.id), str(row.title)


def _replace_mentor_scope(
    conn: Any, insert: Any, *, cohort_id: int, person_id: int, mentees: tuple[str, ...], now: Any
) -> None:
    gone = delete(MentorScope).where(
        MentorScope.cohort_id == cohort_id, MentorScope.mentor_person_id == person_id
    )
    if mentees:
        gone = gone.where(MentorScope.mentee_sub.not_in(mentees))
    conn.execute(gone)
    if mentees:
        conn.execute(
            insert(MentorScope)
            .values(
                [
                    {
                        "cohort_id": cohort_id,
                        "mentor_person_id": person_id,
                        "mentee_sub": sub,
                        "seen_at": now,
                    }
                    for sub in mentees
                ]
            )
            .on_conflict_do_nothing(index_elements=["cohort_id", "mentor_person_id", "mentee_sub"])
        )
