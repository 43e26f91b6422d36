"""Parsing a validated launch into LaunchContext, including Canvas's quirks."""

from __future__ import annotations

from typing import Any

import pytest

from ctom_lti.lti import claims
from ctom_lti.lti.context import (
    LaunchContextError,
    apply_canvas_quirks,
    audience_client_id,
    parse_launch,
)
from ctom_lti.models import Role
from tests.lti_support import launch_claims


def body(role: str = "candidate", **kwargs: Any) -> dict[str, Any]:
    return launch_claims(
        role,
        issuer="https://canvas.instructure.com",
        client_id="10000000000004",
        deployment_id="6:8865aa",
        nonce="n-1",
        **kwargs,
    )


def test_resource_link_launch_is_parsed_once_into_typed_fields() -> None:
    ctx = parse_launch(body("instructor", sub="a445ca99-1a64-4697-9bfa-508a118245ea"))
    assert ctx.sub == "a445ca99-1a64-4697-9bfa-508a118245ea"
    assert ctx.client_id == "10000000000004"
    assert ctx.deployment_id == "6:8865aa"
    assert ctx.context_id == "4dde05e8ca1973bcca9bffc13e1548820eee93a3"
    assert ctx.context_title == "CTO Mentor Program — Cohort 12"
    assert ctx.canvas_course_id == "1234"
    assert ctx.canvas_membership_roles == ("TeacherEnrollment",)
    assert ctx.canvas_api_base_url == "https://school.instructure.com"
    assert ctx.roles.roles == {Role.INSTRUCTOR}
    assert ctx.placement == "course_navigation"
    assert not ctx.is_deep_link


def test_mentor_launch_carries_mentees() -> None:
    ctx = parse_launch(body("mentor", mentees=("s-1", "s-2")))
    assert ctx.roles.roles == {Role.MENTOR}
    assert ctx.roles.mentee_subs == ("s-1", "s-2")


def test_deep_linking_settings_are_read() -> None:
    ctx = parse_launch(body(message_type=claims.DEEP_LINKING_REQUEST, placement="link_selection"))
    assert ctx.is_deep_link
    assert ctx.deep_link is not None
    assert ctx.deep_link.accept_multiple is True
    assert ctx.deep_link.accept_types == ("ltiResourceLink",)
    assert ctx.deep_link.return_url.startswith("https://school.instructure.com/")


def test_custom_values_numbers_booleans_and_unexpanded_variables() -> None:
    raw = body()
    raw[claims.CUSTOM] = {
        "canvas_user_id": 42,
        "canvas_course_id": "$Canvas.course.id",
        "is_admin": True,
        "note": "plain",
    }
    cleaned = apply_canvas_quirks(raw)[claims.CUSTOM]
    assert cleaned == {"canvas_user_id": "42", "is_admin": "true", "note": "plain"}
    ctx = parse_launch(raw)
    assert ctx.canvas_user_id == "42"
    assert ctx.canvas_course_id is None


def test_old_canvas_noise_and_nulls_are_ignored() -> None:
    raw = body()
    raw["errors"] = {"errors": {}}
    raw["validation_context"] = None
    raw[claims.CONTEXT] = {
        **raw[claims.CONTEXT],
        "title": None,
        "validation_context": None,
        "errors": {"errors": {}},
    }
    ctx = parse_launch(raw)
    assert ctx.context_title is None
    assert ctx.context_label == "CTOM-12"


@pytest.mark.parametrize(
    ("aud", "azp", "expected"),
    [
        ("c1", None, "c1"),
        (["c1"], None, "c1"),
        (["c1", "c2"], "c2", "c2"),
        (["c1", "c2"], None, None),
        (["c1", "c2"], "c3", None),
        ([], None, None),
        (7, None, None),
    ],
)
def test_audience_client_id(aud: Any, azp: Any, expected: str | None) -> None:
    claims_ = {"aud": aud} | ({"azp": azp} if azp else {})
    assert audience_client_id(claims_) == expected


def test_launch_without_course_context_is_refused_with_a_reason() -> None:
    raw = body()
    del raw[claims.CONTEXT]
    with pytest.raises(LaunchContextError, match="course"):
        parse_launch(raw)


def test_overlong_text_is_refused_rather_than_cut_to_column_width() -> None:
    raw = body()
    raw["name"] = "x" * 5000
    with pytest.raises(LaunchContextError, match="longer than 255"):
        parse_launch(raw)
    raw["name"] = "x" * 255
    assert parse_launch(raw).name == "x" * 255


def test_variables_canvas_could_not_expand_are_absent_everywhere() -> None:
    """Canvas sends a variable's own name when it has no value (a person or course without an
    SIS id, a course variable outside a course): never a person's SIS id or a course id."""
    raw = body()
    raw[claims.LIS] = {
        "person_sourcedid": "$Person.sourcedId",
        "course_offering_sourcedid": "$CourseSection.sourcedId",
    }
    raw[claims.CUSTOM] = {
        **raw[claims.CUSTOM],
        "canvas_course_id": "$Canvas.course.id",
        "canvas_user_id": " $Canvas.user.id ",
        "fee": "$5 fee",
    }
    raw["name"] = "$Person.name.full"
    raw["given_name"] = "$tacy"
    raw["family_name"] = "Moreno"
    ctx = parse_launch(raw)
    assert ctx.person_sourcedid is None
    assert ctx.canvas_course_id is None
    assert ctx.canvas_user_id is None
    assert ctx.name is None
    # Text that only looks like a variable is a real value.
    assert ctx.given_name == "$tacy"
    assert ctx.custom["fee"] == "$5 fee"
    assert ctx.display_name == "$tacy Moreno"


def test_a_real_sis_id_is_kept() -> None:
    raw = body()
    raw[claims.LIS] = {
        "person_sourcedid": "S1001",
        "course_offering_sourcedid": "$CourseSection.sourcedId",
    }
    assert parse_launch(raw).person_sourcedid == "S1001"
