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
