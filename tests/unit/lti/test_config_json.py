"""The Canvas developer-key JSON (canvas-lti.md §7.1)."""

from __future__ import annotations

from ctom_lti.lti import claims
from ctom_lti.lti.config_json import developer_key_config


def test_developer_key_for_base_url() -> None:
    doc = developer_key_config("https://ctom.example.edu/")
    assert doc["oidc_initiation_url"] == "https://ctom.example.edu/lti/login"
    assert doc["target_link_uri"] == "https://ctom.example.edu/lti/launch"
    assert doc["public_jwk_url"] == "https://ctom.example.edu/.well-known/jwks.json"
    assert doc["redirect_uris"] == ["https://ctom.example.edu/lti/launch"]
    assert set(doc["scopes"]) == {
        "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem",
        "https://purl.imsglobal.org/spec/lti-ags/scope/result.readonly",
        "https://purl.imsglobal.org/spec/lti-ags/scope/score",
        "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly",
    }
    assert doc["custom_fields"] == {
        "canvas_user_id": "$Canvas.user.id",
        "canvas_course_id": "$Canvas.course.id",
        "canvas_membership_roles": "$Canvas.membership.roles",
        "canvas_api_base_url": "$Canvas.api.baseUrl",
    }
    ext = doc["extensions"][0]
    assert ext["platform"] == "canvas.instructure.com"
    assert ext["privacy_level"] == "public"
    assert ext["domain"] == "ctom.example.edu"
    placements = {p["placement"]: p for p in ext["settings"]["placements"]}
    assert placements["course_navigation"]["message_type"] == claims.RESOURCE_LINK_REQUEST
    assert placements["link_selection"]["message_type"] == claims.DEEP_LINKING_REQUEST
    assert placements["assignment_selection"]["message_type"] == claims.DEEP_LINKING_REQUEST
    assert all(p["target_link_uri"] == doc["target_link_uri"] for p in placements.values())
    assert doc["title"] and doc["description"]


def test_rendered_example_matches_the_code() -> None:
    """lti_config/example.developer_key.json is what /lti/config.json serves for that host."""
    import json
    from pathlib import Path

    example = Path(__file__).parents[3] / "lti_config" / "example.developer_key.json"
    assert json.loads(example.read_text()) == developer_key_config("https://ctom.example.edu")
