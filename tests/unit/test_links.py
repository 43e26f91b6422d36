"""The page vocabulary: one way to name a page, in deep links and in synced module links."""

from __future__ import annotations

from ctom_lti.curriculum import load_curriculum
from ctom_lti.links import PageLink, launch_url, requested_link
from ctom_lti.lti.deep_linking import Landing, landing_for

KEYS = frozenset(p.key for p in load_curriculum().principles)


def test_a_synced_link_names_its_page_with_the_deep_link_parameters() -> None:
    url = launch_url("https://tool.example/", PageLink("reflection", "infrastructure"))
    assert (
        url == "https://tool.example/lti/launch?ctom_page=reflection&principle_key=infrastructure"
    )
    assert requested_link({}, url) == PageLink("reflection", "infrastructure")


def test_custom_parameters_win_over_the_link_url() -> None:
    url = launch_url("https://tool.example", PageLink("pairing"))
    assert requested_link({"ctom_page": "reports"}, url) == PageLink("reports")
    assert requested_link({}, "https://tool.example/lti/launch?placement=course_navigation") == (
        PageLink("home")
    )
    assert requested_link({}, None) == PageLink("home")


def test_landing_from_a_module_link_url() -> None:
    def land(url: str) -> Landing:
        return landing_for({"canvas_course_id": "12"}, KEYS, url)

    assert land("https://t/lti/launch?ctom_page=reports") == Landing("reports")
    assert land("https://t/lti/launch?ctom_page=reflection&principle_key=fiscal-management") == (
        Landing("reflection", "fiscal-management")
    )
    assert land("https://t/lti/launch?ctom_page=reflection&principle_key=nope") == Landing()
    assert land("https://t/lti/launch?ctom_page=../admin") == Landing()
    # The old spelling named nothing the tool knows; it opens home rather than guessing.
    assert land("https://t/lti/launch?target=report") == Landing()
