"""The "Professional portfolio" column hears complete when the sixteenth principle is signed off
and incomplete when one is reopened, through the grade outbox, in the same transaction; the
completion check gets one fact per principle."""

from __future__ import annotations

from datetime import date

from flask import Flask
from sqlalchemy import select

from ctom_lti.curriculum import load_curriculum
from ctom_lti.db import session_scope
from ctom_lti.grades import GradePost
from ctom_lti.lti.session_launch import SessionLaunch
from ctom_lti.models import Role
from ctom_lti.tools.portfolio import service
from ctom_lti.tools.portfolio.facts import completion_facts
from tests.integration.tools.portfolio.support import Portfolios, arrange
from tests.lti_fixtures import LaunchActions


def _as(cohort: Portfolios, who: str, role: Role) -> SessionLaunch:
    return SessionLaunch(
        person_id=cohort.people[who],
        cohort_id=cohort.cohort_id,
        platform_id=1,
        sub=who,
        deployment_id="d",
        roles=frozenset({role}),
        mentee_subs=(),
        display_name=who,
        cohort_title="",
        message_type="LtiResourceLinkRequest",
    )


def test_the_portfolio_column_follows_the_sixteenth_sign_off(
    app: Flask, lti: LaunchActions
) -> None:
    cohort = arrange(app, lti)
    candidate = _as(cohort, "candidate", Role.CANDIDATE)
    mentor = _as(cohort, "mentor", Role.MENTOR)
    keys = [p.key for p in load_curriculum().principles]
    with session_scope(app) as s:
        for key in keys:
            service.save_reflection(
                s, candidate, key, body=f"On {key}", cited=[], expected_version=0, share=True
            )
        for key in keys[:-1]:
            assert service.sign_off(s, mentor, cohort.people["candidate"], key, 1).decision.allowed
        assert s.scalars(select(GradePost)).all() == []
        facts = completion_facts(s, cohort.cohort_id, date(2027, 6, 1))[cohort.people["candidate"]]
        assert len(facts) == 16
        assert [f.state for f in facts].count("done") == 15
        assert facts[0].key == f"reflection:{keys[0]}"
        service.sign_off(s, mentor, cohort.people["candidate"], keys[-1], 1)
    with session_scope(app) as s:
        [post] = s.scalars(select(GradePost)).all()
        assert (post.column_tag, post.column_label, post.passed) == (
            "ctom-portfolio",
            "Professional portfolio",
            True,
        )
        outcome = service.reopen(
            s,
            mentor,
            cohort.people["candidate"],
            keys[0],
            expected_version=2,
            reason="The budget figures need a source.",
        )
        assert outcome.decision.allowed
    with session_scope(app) as s:
        latest = s.scalars(select(GradePost).order_by(GradePost.id.desc())).first()
        assert latest is not None and latest.passed is False
