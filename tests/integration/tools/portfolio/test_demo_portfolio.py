"""``ctom-lti demo`` seeds portfolios at different stages: one near complete, one part-way with a
comment thread, one just started, with generated files that open."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

import pytest
from sqlalchemy import select

from ctom_lti.db import session_scope
from ctom_lti.demo import DemoStack, start_demo
from ctom_lti.tools.portfolio.filetypes import sniff
from ctom_lti.tools.portfolio.models import Artifact, Comment, Reflection
from ctom_lti.tools.portfolio.storage import app_storage


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoStack]:
    stack = start_demo(
        instance_path=str(tmp_path_factory.mktemp("demo")),
        sandbox_port=0,
        tool_port=0,
        progress=False,
        pair=True,
    )
    yield stack
    stack.stop()


def test_the_demo_has_portfolios_at_different_stages(demo: DemoStack) -> None:
    with session_scope(demo.app) as s:
        signed = Counter(
            s.scalars(
                select(Reflection.candidate_person_id).where(Reflection.status == "signed_off")
            )
        )
        assert sorted(signed.values(), reverse=True)[:2] == [15, 3]
        statuses = set(s.scalars(select(Reflection.status)))
        assert statuses == {"draft", "shared", "signed_off"}
        assert len(s.scalars(select(Comment)).all()) >= 3
        files = s.scalars(select(Artifact).where(Artifact.kind == "file")).all()
        storage = app_storage(demo.app)
        kinds = set()
        for artifact in files:
            with storage.open(artifact.file_hash or "") as stream:
                found = sniff(stream.read())
            assert found is not None
            kinds.add(found.media_type)
        assert kinds == {"image/png", "application/pdf"}


def test_the_near_complete_candidate_cites_work_handed_in_in_canvas(demo: DemoStack) -> None:
    with session_scope(demo.app) as s:
        picked = s.scalars(select(Artifact).where(Artifact.kind == "canvas_submission")).all()
        assert len(picked) == 1
        artifact = picked[0]
        owner = artifact.candidate_person_id
        signed = s.scalars(
            select(Reflection.id).where(
                Reflection.candidate_person_id == owner, Reflection.status == "signed_off"
            )
        ).all()
        assert len(signed) == 15
        citing = s.scalars(
            select(Reflection).where(
                Reflection.candidate_person_id == owner, Reflection.status == "shared"
            )
        ).one()
        assert citing.cited_artifact_ids == [artifact.id]
        assert artifact.principle_keys == [citing.principle_key]
    # The same submission in the sandbox Canvas: handed in by that candidate.
    store = demo.sandbox.store
    sub = store.submissions[int(artifact.canvas_submission_id or 0)]
    assert sub.submitted_at is not None
    assert str(sub.assignment_id) == artifact.canvas_assignment_id
    assert artifact.url == (
        f"{demo.sandbox.base_url}/courses/{demo.course_id}/assignments/{sub.assignment_id}"
        f"/submissions/{sub.user_id}"
    )
