"""The export document: every principle in the curriculum's order, artifacts per principle, and
reflections rendered to safe HTML."""

from __future__ import annotations

import re

from ctom_lti.curriculum import load_curriculum
from ctom_lti.tools.portfolio.export.document import ReflectionStatus
from ctom_lti.tools.portfolio.markdown import render_markdown
from tests.unit.tools.portfolio.export.sample import HOSTILE_MARKDOWN, sample_document


def test_every_principle_appears_in_curriculum_order_not_started_without_a_reflection() -> None:
    doc = sample_document()
    curriculum = load_curriculum()
    assert [p.key for p in doc.principles] == [p.key for p in curriculum.principles]
    assert [s.name for s in doc.strands] == ["Technology", "Education", "Leadership"]
    statuses = [p.status for p in doc.principles]
    assert statuses[:4] == [
        ReflectionStatus.SIGNED_OFF,
        ReflectionStatus.SHARED,
        ReflectionStatus.DRAFT,
        ReflectionStatus.NOT_STARTED,
    ]
    assert statuses[4:] == [ReflectionStatus.NOT_STARTED] * 12
    assert doc.signed_off_count == 1
    assert doc.principles[0].signed_off_by == "Mo Mentor"


def test_artifacts_are_listed_under_each_principle_they_are_tagged_with() -> None:
    doc = sample_document()
    first, second, _, fourth = doc.principles[:4]
    assert [a.key for a in doc.artifacts_for(first)] == ["1", "3", "4", "5", "6"]
    assert [a.key for a in doc.artifacts_for(second)] == ["1", "2", "8"]
    assert [a.key for a in doc.artifacts_for(fourth)] == ["7"]
    assert [a.key for a in doc.artifacts if a.is_image] == ["1", "2", "8"]  # never the SVG


def test_markdown_renders_without_script_event_attributes_or_javascript_links() -> None:
    html = render_markdown(HOSTILE_MARKDOWN, top_level=3)
    assert "<script" not in html
    assert "&lt;script&gt;" in html  # what was typed is shown as text
    assert re.search(r"<[^>]*\son\w+=", html) is None  # no event attribute on any tag
    assert "<img" not in html
    assert 'href="javascript:' not in html
    good_link = '<a href="https://example.edu/plan" rel="noopener noreferrer nofollow">good one</a>'
    assert good_link in html
    assert "127.0.0.1" not in html  # images named by a reflection are never fetched


def test_a_reflections_own_headings_sit_below_the_exports_headings_without_gaps() -> None:
    html = render_markdown("# One\n\n## Two\n\n###### Six\n", top_level=3)
    assert "<h3>One</h3>" in html
    assert "<h4>Two</h4>" in html
    assert "<h5>Six</h5>" in html  # the next level down, not a jump from h4 to h6
    assert "<h1" not in html
    assert "<h2" not in html
    assert "<h4>Only</h4>" in render_markdown("## Only\n", top_level=4)
    assert "<h6>Deep</h6>" in render_markdown("# A\n## B\n### C\n#### Deep\n", top_level=3)
