"""Deep-linking picker items, selection rules and landing decisions."""

from __future__ import annotations

from ctom_lti.curriculum import load_curriculum
from ctom_lti.lti.context import DeepLinkSettings
from ctom_lti.lti.deep_linking import (
    Landing,
    content_items,
    landing_for,
    picker_items,
    select_items,
)

SETTINGS = DeepLinkSettings(
    return_url="https://school.instructure.com/courses/1/deep_linking_response",
    accept_types=("ltiResourceLink",),
    accept_presentation_document_targets=("iframe",),
    accept_multiple=True,
)
KEYS = frozenset(p.key for p in load_curriculum().principles)


def test_picker_offers_home_reports_pairing_and_a_reflection_per_principle() -> None:
    items = picker_items(load_curriculum())
    assert [i.key for i in items[:3]] == ["home", "reports", "pairing"]
    reflections = [i for i in items if i.page == "reflection"]
    assert len(reflections) == 16
    assert {i.principle_key for i in reflections} == KEYS
    assert reflections[0].title == "Reflection: Security Fundamentals"


def test_selection_rules() -> None:
    items = picker_items(load_curriculum())
    picked, problem = select_items(items, ["home", "reflection:infrastructure", "bogus"], SETTINGS)
    assert problem is None
    assert [p.key for p in picked] == ["home", "reflection:infrastructure"]
    single = DeepLinkSettings(**{**SETTINGS.__dict__, "accept_multiple": False})
    assert (
        select_items(items, ["home", "pairing"], single)[1]
        == "Canvas accepts only one page here; choose one."
    )
    assert select_items(items, [], SETTINGS)[1] == "Choose at least one page to add."
    files_only = DeepLinkSettings(**{**SETTINGS.__dict__, "accept_types": ("file",)})
    assert select_items(items, ["home"], files_only)[1] is not None


def test_content_items_carry_custom_parameters_and_optional_line_item() -> None:
    items = {i.key: i for i in picker_items(load_curriculum())}
    [plain] = content_items(
        [items["reflection:infrastructure"]], "https://t/lti/launch", gradable=False
    )
    data = plain.to_dict()
    assert data["url"] == "https://t/lti/launch"
    assert data["custom"] == {"ctom_page": "reflection", "principle_key": "infrastructure"}
    assert "lineItem" not in data
    [graded] = content_items([items["home"]], "https://t/lti/launch", gradable=True)
    assert graded.to_dict()["lineItem"]["scoreMaximum"] == 1


def test_landing_for_custom_parameters() -> None:
    assert landing_for({}, KEYS) == Landing("home")
    assert landing_for({"ctom_page": "reports"}, KEYS) == Landing("reports")
    assert landing_for(
        {"ctom_page": "reflection", "principle_key": "infrastructure"}, KEYS
    ) == Landing("reflection", "infrastructure")
    assert landing_for({"ctom_page": "reflection", "principle_key": "nope"}, KEYS) == Landing(
        "home"
    )
    assert landing_for({"ctom_page": "../admin"}, KEYS) == Landing("home")
