"""Deep linking: picker, signed response back to Canvas, and where the placed links land."""

from __future__ import annotations

import re
from html import unescape

import jwt
import pytest
from flask import Flask
from flask.testing import FlaskClient

from ctom_lti.lti import claims
from ctom_lti.lti.keys import ensure_current_key
from tests.lti_fixtures import LaunchActions
from tests.lti_support import landed


@pytest.fixture
def tool_key(app: Flask) -> str:
    kid, _created = ensure_current_key(app)
    return kid


def open_picker(lti: LaunchActions, placement: str) -> str:
    response = lti.launch(
        "instructor", message_type=claims.DEEP_LINKING_REQUEST, placement=placement
    )
    address = landed(response)
    assert address.endswith("/deep-link")
    assert "Reflection: Security Fundamentals" in response.get_data(as_text=True)
    return address


def test_link_selection_returns_signed_content_items(
    app: Flask, client: FlaskClient, lti: LaunchActions, tool_key: str
) -> None:
    url = open_picker(lti, "link_selection")
    page = client.get(url).get_data(as_text=True)
    assert "Reflection: Security Fundamentals" in page
    assert 'type="checkbox"' in page  # link_selection accepts several
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    response = client.post(
        url, data={"csrf_token": csrf, "item": ["home", "reflection:infrastructure"]}
    )
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    action = unescape(re.search(r'action="([^"]+)"', body).group(1))  # type: ignore[union-attr]
    assert action == "https://school.instructure.com/courses/1234/deep_linking_response?data=x"
    token = re.search(r'name="JWT" value="([^"]+)"', body).group(1)  # type: ignore[union-attr]
    keys = {k["kid"]: k for k in client.get("/lti/jwks").get_json()["keys"]}
    assert jwt.get_unverified_header(token)["kid"] == tool_key
    public = jwt.PyJWK(keys[tool_key]).key
    message = jwt.decode(token, public, algorithms=["RS256"], audience=lti.reg.issuer)
    assert message["iss"] == lti.reg.client_id
    assert message[claims.MESSAGE_TYPE] == "LtiDeepLinkingResponse"
    assert message[claims.DEPLOYMENT_ID] == lti.reg.deployment_id
    assert message["nonce"]
    items = message["https://purl.imsglobal.org/spec/lti-dl/claim/content_items"]
    assert [(i["title"], i["custom"]) for i in items] == [
        ("CTO Mentor home", {"ctom_page": "home"}),
        (
            "Reflection: Infrastructure",
            {"ctom_page": "reflection", "principle_key": "infrastructure"},
        ),
    ]
    assert all(
        i["type"] == "ltiResourceLink" and i["url"] == "http://localhost/lti/launch" for i in items
    )
    # The request is answered once.
    assert client.get(url).status_code == 403


def test_assignment_selection_takes_one_page_with_a_line_item(
    client: FlaskClient, lti: LaunchActions, tool_key: str
) -> None:
    url = open_picker(lti, "assignment_selection")
    page = client.get(url).get_data(as_text=True)
    assert 'type="radio"' in page
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    two = client.post(url, data={"csrf_token": csrf, "item": ["home", "pairing"]})
    assert two.status_code == 422
    assert "Canvas accepts only one page here" in two.get_data(as_text=True)
    none = client.post(url, data={"csrf_token": csrf})
    assert none.status_code == 422
    one = client.post(url, data={"csrf_token": csrf, "item": "reflection:fiscal-management"})
    token = re.search(r'name="JWT" value="([^"]+)"', one.get_data(as_text=True)).group(1)  # type: ignore[union-attr]
    [item] = jwt.decode(token, options={"verify_signature": False})[
        "https://purl.imsglobal.org/spec/lti-dl/claim/content_items"
    ]
    assert item["lineItem"] == {
        "scoreMaximum": 1,
        "label": "Reflection: Fiscal Management",
        "resourceId": "reflection:fiscal-management",
        "tag": "reflection",
    }


def test_picker_needs_a_deep_linking_launch(client: FlaskClient, lti: LaunchActions) -> None:
    home = landed(lti.launch("instructor"))
    response = client.get(home + "deep-link")
    assert response.status_code == 403
    assert "add content" in response.get_data(as_text=True)


def test_a_placed_reflection_link_lands_on_its_page(
    client: FlaskClient, lti: LaunchActions
) -> None:
    response = lti.launch(
        "candidate", custom={"ctom_page": "reflection", "principle_key": "infrastructure"}
    )
    location = landed(response)
    assert location.endswith("/portfolio/reflection/infrastructure")
    assert "<h1>Reflection: Infrastructure</h1>" in response.get_data(as_text=True)
    page = client.get(location).get_data(as_text=True)
    assert "<h1>Reflection: Infrastructure</h1>" in page
