"""The partial other pages include to show their failed grade posts, with Retry buttons."""

from __future__ import annotations

from flask import Flask, render_template_string

from ctom_lti.db import session_scope
from ctom_lti.grades import ColumnSpec, enqueue_pass_fail, failed_posts
from ctom_lti.grades.rules import PostState
from tests.factories import make_cohort, make_person

INCLUDE = '{% include "grades/_failed_posts.html" %}'


def test_the_partial_lists_failed_posts_with_a_retry_back_to_the_page(app: Flask) -> None:
    with session_scope(app) as session:
        cohort = make_cohort(session)
        person = make_person(session, cohort.platform_id, name="Dana Whitfield")
        post = enqueue_pass_fail(
            session,
            cohort_id=cohort.id,
            column=ColumnSpec("ctom-portfolio", "Portfolio"),
            person_id=person.id,
            passed=False,
            source="portfolio",
        )
        post.state = PostState.FAILED.value
        post.last_error = "Canvas refused to record a grade: the course is concluded"
        cohort_id = cohort.id
    with session_scope(app) as session:
        failures = failed_posts(session, cohort_id)
    assert [(f.person_name, f.column_label, f.passed) for f in failures] == [
        ("Dana Whitfield", "Portfolio", False)
    ]

    with app.test_request_context(f"/c/{cohort_id}/portfolio"):
        html = render_template_string(
            INCLUDE, grade_failures=failures, cohort_id=cohort_id, grades_back="home.index"
        )
        empty = render_template_string(INCLUDE, grade_failures=[], cohort_id=cohort_id)
    assert "Grades Canvas has not accepted" in html
    assert "the course is concluded" in html
    assert "incomplete" in html
    assert f'action="/c/{cohort_id}/grades/retry"' in html
    assert f'name="post_id" value="{failures[0].id}"' in html
    assert 'name="back" value="home.index"' in html
    assert 'aria-label="Retry Portfolio for Dana Whitfield"' in html
    assert empty.strip() == ""
