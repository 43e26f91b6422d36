"""``ctom-lti demo`` seeds pairing profiles and pairs them through the tool's own matching;
``--empty`` keeps the profiles but no pairs."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import select

from ctom_lti.db import session_scope
from ctom_lti.demo import DemoStack, start_demo
from ctom_lti.models import Person
from ctom_lti.tools.pairing.board import mentor_rows
from ctom_lti.tools.pairing.models import CandidateProfile, Pairing


def _demo(tmp_path_factory: pytest.TempPathFactory, *, pair: bool) -> Iterator[DemoStack]:
    stack = start_demo(
        instance_path=str(tmp_path_factory.mktemp("demo")),
        sandbox_port=0,
        tool_port=0,
        progress=False,
        pair=pair,
    )
    yield stack
    stack.stop()


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoStack]:
    yield from _demo(tmp_path_factory, pair=True)


def test_the_demo_pairs_everyone_through_the_matching_and_canvas_agrees(demo: DemoStack) -> None:
    seed = demo.sandbox.demo
    assert seed is not None
    store = demo.sandbox.store
    with session_scope(demo.app) as s:
        sis = dict(s.execute(select(Person.id, Person.sis_user_id)).all())
        pairs = {
            (sis[p.mentor_person_id], sis[p.candidate_person_id])
            for p in s.scalars(select(Pairing).where(Pairing.status == "active"))
        }
        cohort_id = s.scalars(select(Pairing.cohort_id)).first()
        assert cohort_id is not None
        rows = {r.person.name: r for r in mentor_rows(s, cohort_id)}
        conflicted = s.scalars(select(CandidateProfile).where(CandidateProfile.conflict_ids != []))
        assert len(list(conflicted)) == 1
    observed = {
        (store.users[e.user_id].sis_user_id, store.users[e.associated_user_id].sis_user_id)
        for e in store.enrollments_in(demo.course_id)
        if e.type == "ObserverEnrollment" and e.associated_user_id
    }
    assert len(pairs) == len(seed.candidates)
    assert pairs == observed
    assert not rows["Yolanda Pierce"].eligible
    assert sum(r.eligible for r in rows.values()) == len(seed.mentors)


def test_the_empty_demo_has_profiles_but_no_pairs(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    for stack in _demo(tmp_path_factory, pair=False):
        with session_scope(stack.app) as s:
            assert s.scalars(select(Pairing)).first() is None
            assert len(s.scalars(select(CandidateProfile)).all()) == 12
