"""The tool's own address, opened directly in a browser, says what the tool is and where to go."""

from __future__ import annotations

import re

import requests

from ctom_lti.serving import ServerThread


def test_front_page_says_the_tool_opens_from_canvas(tool_server: ServerThread) -> None:
    page = requests.get(tool_server.base_url + "/", timeout=10)
    assert page.status_code == 200
    assert page.headers["Content-Type"].startswith("text/html")
    text = re.sub(r"<[^>]+>", " ", page.text)
    assert "CTO Mentor" in text
    assert "Canvas" in text and "course navigation" in text


def test_front_page_links_to_the_configuration_and_key_set(tool_server: ServerThread) -> None:
    page = requests.get(tool_server.base_url + "/", timeout=10).text
    links = re.findall(r'href="([^"]+)"', page)
    config_url = tool_server.base_url + "/lti/config.json"
    jwks_url = tool_server.base_url + "/.well-known/jwks.json"
    assert config_url in links and jwks_url in links
    # The addresses it gives are the ones that answer, with what a Canvas admin pastes.
    config = requests.get(config_url, timeout=10).json()
    assert config["public_jwk_url"] == jwks_url
    assert "keys" in requests.get(jwks_url, timeout=10).json()
