"""What the reflection pages show, gathered in one place for the editor and the review view."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from markupsafe import Markup
from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.orm import Session

from ctom_lti.curriculum import Principle, load_curriculum
from ctom_lti.lti.session_launch import SessionLaunch
from ctom_lti.models import Person
from ctom_lti.tools.portfolio.artifacts import artifacts_of
from ctom_lti.tools.portfolio.markdown import render_markdown
from ctom_lti.tools.portfolio.models import Artifact, Comment, Reflection
from ctom_lti.tools.portfolio.overview import last_visit
from ctom_lti.tools.portfolio.people import display_name, require
from ctom_lti.tools.portfolio.rules import MISSING, STATUS_LABELS, Access
from ctom_lti.tools.portfolio.service import check_principle, find_reflection


@dataclass(frozen=True)
class ShownComment:
    author: str
    body: Markup
    at: datetime
    new: bool


@dataclass(frozen=True)
class ShownArtifact:
    artifact: Artifact
    cited: bool
    tagged: bool
    comments: tuple[ShownComment, ...] = ()


@dataclass(frozen=True)
class ReflectionPage:
    candidate: Person
    principle: Principle
    reflection: Reflection | None
    access: Access
    body_html: Markup
    artifacts: tuple[ShownArtifact, ...]
    comments: tuple[ShownComment, ...]
    signer: str | None
    last_seen: datetime | None
    principles: dict[str, str] = field(default_factory=dict)

    @property
    def status(self) -> str:
        return self.reflection.status if self.reflection else MISSING

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def version(self) -> int:
        return self.reflection.version if self.reflection else 0

    @property
    def cited(self) -> tuple[ShownArtifact, ...]:
        return tuple(a for a in self.artifacts if a.cited)


def _names(session: Session, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    people = session.scalars(select(Person).where(Person.id.in_(ids)))
    return {p.id: display_name(p) for p in people}


def reflection_page(
    session: Session, launch: SessionLaunch, candidate_id: int, principle_key: str
) -> ReflectionPage:
    """Everything the editor (the candidate) or the review view (a reviewer) shows.

    :raises NotFound: unknown principle, or a portfolio the viewer may not read.
    """
    check_principle(principle_key)
    granted = require(session, launch, candidate_id, "read")
    principle = load_curriculum().principle(principle_key)
    candidate = session.get(Person, candidate_id)
    assert candidate is not None  # a member of the cohort
    reflection = find_reflection(session, launch.cohort_id, candidate_id, principle_key)
    artifacts = artifacts_of(session, launch.cohort_id, candidate_id)
    cited = set(reflection.cited_artifact_ids or ()) if reflection else set()
    seen = last_visit(session, launch.person_id, launch.cohort_id, candidate_id)
    conditions: list[ColumnElement[bool]] = [Comment.artifact_id.in_([a.id for a in artifacts])]
    if reflection is not None:
        conditions.append(Comment.reflection_id == reflection.id)
    comments = list(
        session.scalars(
            select(Comment).where(or_(*conditions)).order_by(Comment.created_at, Comment.id)
        )
    )
    authors = {c.author_person_id for c in comments if c.author_person_id}
    signer_id = reflection.signed_off_by_person_id if reflection else None
    names = _names(session, authors | ({signer_id} if signer_id else set()))

    def shown(c: Comment) -> ShownComment:
        new = c.author_person_id != launch.person_id and (seen is None or c.created_at > seen)
        return ShownComment(
            names.get(c.author_person_id or 0, "Someone"),
            render_markdown(c.body),
            c.created_at,
            new,
        )

    by_artifact: dict[int, list[ShownComment]] = {}
    for c in comments:
        if c.artifact_id is not None:
            by_artifact.setdefault(c.artifact_id, []).append(shown(c))
    shown_artifacts = tuple(
        ShownArtifact(
            a,
            a.id in cited,
            principle_key in (a.principle_keys or ()),
            tuple(by_artifact.get(a.id, ())),
        )
        for a in sorted(
            artifacts,
            key=lambda a: (a.id not in cited, principle_key not in (a.principle_keys or ())),
        )
    )
    return ReflectionPage(
        candidate=candidate,
        principle=principle,
        reflection=reflection,
        access=granted,
        body_html=render_markdown(reflection.body if reflection else ""),
        artifacts=shown_artifacts,
        comments=tuple(shown(c) for c in comments if c.reflection_id is not None),
        signer=names.get(signer_id) if signer_id else None,
        last_seen=seen,
        principles={p.key: p.name for p in load_curriculum().principles},
    )
