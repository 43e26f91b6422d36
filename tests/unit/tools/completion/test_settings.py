"""The cohort file's [completion] table."""

from __future__ import annotations

import pytest

from ctom_lti.tools.completion.settings import (
    RULE_KEYS,
    CompletionSettings,
    SettingsError,
    settings_from,
)


def test_no_table_means_every_rule_with_the_defaults() -> None:
    assert settings_from(None) == CompletionSettings()
    assert settings_from({}).enabled == frozenset(RULE_KEYS)


def test_rules_switch_off_and_settings_tune() -> None:
    settings = settings_from(
        {
            "rules": {"portfolio": False, "attendance": True},
            "excused_absences": 2,
            "required_groups": ["strand-*"],
            "attendance": "attend-*",
        }
    )
    assert settings.enabled == frozenset(RULE_KEYS) - {"portfolio"}
    assert settings.excused_absences == 2
    assert settings.required_groups == ("strand-*",)
    assert settings.in_required_group("strand-leadership")
    assert not settings.in_required_group("programme")
    assert settings.claimed("attend-3")


def test_every_problem_is_named() -> None:
    with pytest.raises(SettingsError) as caught:
        settings_from(
            {
                "rules": {"reports": False, "portfolio": "no"},
                "excused_absences": -1,
                "required_groups": "strand-*",
                "ethics": "",
                "colour": "blue",
            }
        )
    problems = caught.value.problems
    assert len(problems) == 6
    assert any("no rule 'reports'" in p for p in problems)
    assert any("no setting 'colour'" in p for p in problems)
    assert any("excused_absences" in p for p in problems)
