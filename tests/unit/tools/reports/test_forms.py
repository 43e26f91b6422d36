"""The report form: what was typed comes back as content, mistakes are named per field, and a
stored report fills the form again."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from flask import Flask
from werkzeug.datastructures import MultiDict

from ctom_lti.tools.reports.forms import ReportForm, content_of, stored_form
from ctom_lti.tools.reports.rules import Meeting, ReportContent


@pytest.fixture
def app() -> Iterator[Flask]:
    app = Flask(__name__)
    app.config.update(SECRET_KEY="test", WTF_CSRF_ENABLED=False)
    with app.test_request_context():
        yield app


def _form(**fields: str | list[str]) -> ReportForm:
    data: MultiDict[str, str] = MultiDict()
    for name, value in {"version": "3", **fields}.items():
        for item in value if isinstance(value, list) else [value]:
            data.add(name, item)
    return ReportForm(formdata=data)


def test_a_filled_form_becomes_content(app: Flask) -> None:
    form = _form(
        **{"meetings-0-on": "2026-09-27", "meetings-0-mode": "phone", "meetings-0-minutes": "20"},
        **{"meetings-1-on": "2026-09-20", "meetings-1-mode": "video", "meetings-1-minutes": "45"},
        **{"meetings-2-on": "", "meetings-2-mode": "", "meetings-2-minutes": ""},
        rating_infrastructure="secure",
        note_infrastructure="  Done  ",
        rating_fiscal_management="",
        risks=["workload"],
        shared=["overall", "meetings"],
        overall="needs_attention",
        concerns="Busy",
        next_steps=" Next ",
    )
    assert form.validate(), form.errors
    content = content_of(form)
    assert content.meetings == (
        Meeting(date(2026, 9, 20), "video", 45),
        Meeting(date(2026, 9, 27), "phone", 20),
    )
    assert [(p.key, p.rating, p.note) for p in content.principles] == [
        ("infrastructure", "secure", "Done")
    ]
    assert content.risks == ("workload",)
    assert content.shared == ("meetings", "overall")
    assert content.next_steps == "Next"
    assert form.expected_version == 3


def test_a_half_filled_meeting_names_what_is_missing(app: Flask) -> None:
    form = _form(**{"meetings-0-on": "2026-02-30", "meetings-0-mode": "fax"})
    assert not form.validate()
    errors = form.first_errors()
    assert errors["meetings-0-on"].startswith("Enter the meeting's date")
    assert errors["meetings-0-mode"] == "Choose in person, video or phone."
    assert errors["meetings-0-minutes"].startswith("Enter the minutes")
    # What was typed stays in the fields.
    assert form.meetings.entries[0].form.on.data == "2026-02-30"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("overall", "great", "Choose the overall status from the list."),
        ("rating_infrastructure", "amazing", "Choose a progress rating from the list."),
        ("risks", "weather", "Choose risks from the list."),
        ("shared", "everything", "Choose parts from the list."),
        ("strengths", "x" * 5001, "Keep this under 5000 characters; shorten it and save again."),
        ("version", "", "The form is out of date; reload the page."),
    ],
)
def test_bad_values_are_named(app: Flask, field: str, value: str, message: str) -> None:
    form = _form(**{field: value})
    assert not form.validate()
    assert form.first_errors()[field] == message


def test_a_stored_report_fills_the_form_with_empty_meeting_rows_to_spare(app: Flask) -> None:
    content = ReportContent(
        meetings=(Meeting(date(2026, 9, 20), "video", 45),), strengths="Kept", overall="on_track"
    )
    form = stored_form(content, 4)
    assert len(form.meetings.entries) == 3
    assert form.meetings.entries[0].form.minutes.data == "45"
    assert form.strengths.data == "Kept" and form.version.data == "4"
    assert content_of(form) == content
