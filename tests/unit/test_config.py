"""The one configuration loader: every setting declared once, read from ``CTOM_<NAME>``."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask

from ctom_lti.config import CORE_SETTINGS, Setting, load_config, parse_bool
from ctom_lti.lti.settings import SETTINGS as LTI_SETTINGS

README = Path(__file__).parents[2] / "README.md"


def _app(tmp_path: Path) -> Flask:
    return Flask("probe", instance_path=str(tmp_path))


def test_each_declared_setting_is_read_from_its_environment_variable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    reports_window = Setting("REPORTS_WINDOW_DAYS", 7, int)
    monkeypatch.setenv("CTOM_LTI_STATE_TTL", "30")
    monkeypatch.setenv("CTOM_PROXY_FIX", "yes")
    monkeypatch.setenv("CTOM_REPORTS_WINDOW_DAYS", "10")
    monkeypatch.setenv("CTOM_LTI_TOOL_TITLE", "")  # empty means "not set"
    app = _app(tmp_path)

    load_config(app, {"PROXY_FIX": False}, (*LTI_SETTINGS, reports_window))

    assert app.config["LTI_STATE_TTL"] == 30
    assert app.config["REPORTS_WINDOW_DAYS"] == 10
    assert app.config["LTI_TOOL_TITLE"] == "CTO Mentor"
    assert app.config["PROXY_FIX"] is False  # what create_app is given wins
    assert app.config["KEY_DIR"] == str(tmp_path / "keys")
    assert app.config["WTF_CSRF_SSL_STRICT"] is False


def test_framing_origins_default_is_the_documented_one(tmp_path: Path) -> None:
    app = _app(tmp_path)
    load_config(app, None, LTI_SETTINGS)
    # README: unset; registered platforms (and *.instructure.com for Canvas Cloud) are allowed
    # by the tool itself, so nothing extra by default.
    assert app.config["LTI_FRAME_ANCESTORS"] == ""
    assert "| `CTOM_LTI_FRAME_ANCESTORS` | unset |" in README.read_text("utf-8")


def test_a_setting_declared_twice_is_refused(tmp_path: Path) -> None:
    again = Setting("LTI_FRAME_ANCESTORS", "https://*.instructure.com")
    with pytest.raises(ValueError, match="LTI_FRAME_ANCESTORS"):
        load_config(_app(tmp_path), None, (*LTI_SETTINGS, again))


def test_every_setting_has_one_declaration() -> None:
    names = [s.name for s in (*CORE_SETTINGS, *LTI_SETTINGS)]
    assert len(names) == len(set(names))
    assert all(name.isupper() and " " not in name for name in names)
    assert parse_bool(" On ") and not parse_bool("0")
